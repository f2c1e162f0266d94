package org.slidestream.dl;

import java.util.Locale;

/** Where a model runs: ONNX Runtime's CPU provider, or its CUDA provider on GPU {@code 0}. */
public enum Device {
    CPU, CUDA;

    public static Device parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> throw new IllegalArgumentException("unknown device '" + s + "' (cpu or cuda)");
        };
    }
}

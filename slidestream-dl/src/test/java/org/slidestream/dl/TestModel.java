package org.slidestream.dl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.slidestream.format.npy.NpyReader;

/** The committed tiny ViT (src/test/python/make_vit.py) and PyTorch's outputs for its inputs. */
public final class TestModel {
    private TestModel() {}

    public static Path resource(String name) {
        try {
            return Path.of(TestModel.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " missing (run src/test/python/make_vit.py)", e);
        }
    }

    public static Path onnx() {
        return resource("tiny-vit.onnx");
    }

    public static float[] npy(String name) {
        try (NpyReader r = NpyReader.open(resource(name))) {
            long[] s = r.shape();
            int[] size = new int[s.length];
            for (int i = 0; i < s.length; i++) size[i] = (int) s[i];
            return r.readFloats(new long[s.length], size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FloatBuffer direct(float[] values) {
        FloatBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, values);
        return b;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " and " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}

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

    /**
     * The resource as a file: itself when the test classes are a folder, a copy in a temporary folder
     * when they come in a jar (as in other modules' tests under {@code mvn verify}).
     */
    public static synchronized Path resource(String name) {
        java.net.URL url = TestModel.class.getResource(name);
        if (url == null) throw new IllegalStateException("test resource " + name + " missing (run src/test/python/make_vit.py)");
        try {
            if ("file".equals(url.getProtocol())) return Path.of(url.toURI());
            Path copy = copies().resolve(name);
            if (!java.nio.file.Files.exists(copy)) {
                try (java.io.InputStream in = url.openStream()) {
                    java.nio.file.Files.copy(in, copy);
                }
                copy.toFile().deleteOnExit(); // deleted before its folder: hooks run in reverse order
            }
            return copy;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copyDir;

    private static Path copies() throws IOException {
        if (copyDir == null) {
            copyDir = java.nio.file.Files.createTempDirectory("slidestream-test-model");
            copyDir.toFile().deleteOnExit();
        }
        return copyDir;
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

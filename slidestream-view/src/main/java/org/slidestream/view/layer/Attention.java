package org.slidestream.view.layer;

import java.io.IOException;
import java.util.List;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;

/**
 * Attention scores of a slide's patches from {@code predict}'s {@code attention.h5}, in
 * {@code coords.h5} row order: the dataset {@code attention} (or, failing that, the one dataset of
 * one score per patch). A score per class and patch (N x K, as multi-branch models write) is shown
 * as each patch's highest score.
 */
final class Attention {
    private Attention() {}

    static float[] read(java.nio.file.Path file, int patches) throws IOException {
        try (H5File f = H5File.open(file)) {
            String name = f.contains("attention") ? "attention" : pick(f, patches);
            try (H5Dataset d = f.dataset(name)) {
                long[] shape = d.shape();
                if (shape[0] != patches) {
                    throw new IOException(file + ": dataset '" + name + "' has " + shape[0] + " rows, coords.h5 " + patches + " patches");
                }
                int k = shape.length > 1 ? Math.toIntExact(shape[1]) : 1;
                double[] all = patches == 0 ? new double[0] : d.readDoubles(0, patches);
                float[] out = new float[patches];
                for (int i = 0; i < patches; i++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) m = Math.max(m, all[i * k + j]);
                    out[i] = (float) m;
                }
                return out;
            }
        }
    }

    private static String pick(H5File f, int patches) throws IOException {
        List<String> names = f.datasetNames();
        for (String n : names) {
            if (n.equals("coords")) continue;
            try (H5Dataset d = f.dataset(n)) {
                long[] s = d.shape();
                if (s.length >= 1 && s.length <= 2 && s[0] == patches) return n;
            }
        }
        throw new IOException(f.target() + ": no dataset 'attention' (one score per patch)");
    }
}

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
public final class Attention {
    private Attention() {}

    public static float[] read(java.nio.file.Path file, int patches) throws IOException {
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

    /**
     * Each score's percentile among the slide's scores (0 lowest, 1 highest; ties share their mean
     * rank), as CLAM's heatmaps colour attention: a few very high scores do not wash the rest out.
     */
    static float[] percentiles(float[] scores) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        float[] out = new float[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && Float.compare(scores[order[j + 1]], scores[order[i]]) == 0) j++;
            float p = n == 1 ? 1 : (float) ((i + j) / 2.0 / (n - 1));
            for (int k = i; k <= j; k++) out[order[k]] = p;
            i = j + 1;
        }
        return out;
    }

    /** Whether an attention file carries its own patch coordinates (as {@code predict} writes them). */
    public static boolean hasCoordinates(java.nio.file.Path file) {
        try (H5File f = H5File.open(file)) {
            return f.contains("coords") && f.contains("attention");
        } catch (IOException | RuntimeException e) {
            return false;
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

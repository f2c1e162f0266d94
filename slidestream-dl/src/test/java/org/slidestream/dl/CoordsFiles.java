package org.slidestream.dl;

import java.io.IOException;
import java.nio.file.Path;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;

/** Writes {@code coords.h5} files as CLAM and TRIDENT do, for tests. */
public final class CoordsFiles {
    private CoordsFiles() {}

    /** A grid of patches with a step, starting at (x0, y0), some beyond the image's edge. */
    public static long[] grid(int x0, int y0, int step, int nx, int ny) {
        long[] c = new long[2 * nx * ny];
        int i = 0;
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                c[i++] = x0 + (long) x * step;
                c[i++] = y0 + (long) y * step;
            }
        }
        return c;
    }

    /** CLAM: attributes on the coords dataset: patch_level, patch_size, downsample (2 floats), name. */
    public static Path clam(Path file, long[] coords, int patchSize, int level, String slidePath) throws IOException {
        try (H5File h5 = H5File.create(file, true)) {
            H5Dataset d = h5.createDataset("coords", H5Type.INT64, new long[] {0, 2}, H5Layout.EXTENDABLE);
            d.append(coords);
            d.setAttribute("patch_level", level);
            d.setAttribute("patch_size", patchSize);
            d.setAttribute("downsample", new double[] {1.0, 1.0});
            d.setAttribute("name", "slide-a");
            d.setAttribute("save_path", file.getParent().toString());
            if (slidePath != null) d.setAttribute("slide_path", slidePath);
            h5.commit();
        }
        return file;
    }

    /** TRIDENT: coords at level 0, patch_size at the target magnification, patch_size_level0. */
    public static Path trident(Path file, long[] coords, int patchSize, int patchSizeLevel0) throws IOException {
        try (H5File h5 = H5File.create(file, true)) {
            H5Dataset d = h5.createDataset("coords", H5Type.INT64, new long[] {0, 2}, H5Layout.EXTENDABLE);
            d.append(coords);
            d.setAttribute("patch_size", patchSize);
            d.setAttribute("patch_size_level0", patchSizeLevel0);
            d.setAttribute("level0_magnification", 20);
            d.setAttribute("target_magnification", 10);
            d.setAttribute("overlap", 0);
            d.setAttribute("name", "slide-b");
            h5.commit();
        }
        return file;
    }
}

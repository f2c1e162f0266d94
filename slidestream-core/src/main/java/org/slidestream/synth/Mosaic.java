package org.slidestream.synth;

import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * Tissue made of patches of a real slide: the output is cut into square cells; each cell inside the
 * tissue outline shows one tissue patch of the source (chosen by a hash of the cell and the seed),
 * in one of the eight flips and rotations. Patches are found once, on a low-resolution view of the
 * source, as squares that are mostly tissue (saturated, not glass-white).
 */
final class Mosaic implements Painter {
    private static final int THUMB = 1024;
    private static final double EDGE = 0.012;

    private final Slide slide;
    private final long seed;
    private final TissueField tissue;
    private final int cell;
    private final List<int[]> patches;

    Mosaic(Slide slide, int width, int height, long seed) {
        SlideMetadata m = slide.metadata();
        if (m.pixelType() != PixelType.UINT8 || m.sizeC() != 3) {
            throw new IllegalArgumentException(slide.path().getFileName() + ": synthetic slides are made from 8-bit RGB slides, not "
                    + m.sizeC() + " x " + m.pixelType().omeName());
        }
        this.slide = slide;
        this.seed = seed;
        this.tissue = new TissueField(width, height, seed);
        LevelInfo l0 = slide.level(0);
        this.cell = Math.max(32, Math.min(512, Math.min(l0.width(), l0.height()) / 4) / 16 * 16);
        this.patches = findPatches(l0);
        if (patches.isEmpty()) {
            throw new IllegalArgumentException(slide.path().getFileName() + ": no tissue found to make a synthetic slide from");
        }
    }

    private List<int[]> findPatches(LevelInfo l0) {
        double ds = Math.max(1, Math.max(l0.width(), l0.height()) / (double) THUMB);
        int tw = (int) Math.max(1, Math.floor(l0.width() / ds)), th = (int) Math.max(1, Math.floor(l0.height() / ds));
        Raster thumb = slide.readRegion(ReadRequest.atDownsample(ds, 0, 0, tw, th));
        boolean[] isTissue = new boolean[tw * th];
        byte[] p = thumb.bytes();
        for (int i = 0; i < tw * th; i++) {
            int r = p[3 * i] & 0xFF, g = p[3 * i + 1] & 0xFF, b = p[3 * i + 2] & 0xFF;
            int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
            isTissue[i] = max - min > 25 && (r + g + b) / 3 < 225 && (r + g + b) / 3 > 30;
        }
        for (double need : new double[] {0.8, 0.5, 0.25}) {
            List<int[]> found = new ArrayList<>();
            int step = cell / 2;
            for (int y = 0; y + cell <= l0.height(); y += step) {
                for (int x = 0; x + cell <= l0.width(); x += step) {
                    if (fraction(isTissue, tw, th, ds, x, y) >= need) found.add(new int[] {x, y});
                }
            }
            if (found.size() >= 4 || (!found.isEmpty() && need == 0.25)) return found;
        }
        return List.of();
    }

    private double fraction(boolean[] t, int tw, int th, double ds, int x, int y) {
        int x0 = (int) (x / ds), y0 = (int) (y / ds);
        int x1 = Math.min(tw, (int) Math.ceil((x + cell) / ds)), y1 = Math.min(th, (int) Math.ceil((y + cell) / ds));
        int n = 0, k = 0;
        for (int j = y0; j < y1; j++) {
            for (int i = x0; i < x1; i++, n++) if (t[j * tw + i]) k++;
        }
        return n == 0 ? 0 : k / (double) n;
    }

    /** Where output pixel (u, v) of a cell comes from in its patch, under one of the eight flips and rotations. */
    private int[] source(int transform, int u, int v) {
        int su = u, sv = v;
        if ((transform & 4) != 0) {
            su = v;
            sv = u;
        }
        if ((transform & 1) != 0) su = cell - 1 - su;
        if ((transform & 2) != 0) sv = cell - 1 - sv;
        return new int[] {su, sv};
    }

    @Override
    public void paint(Region r, Raster dest) {
        int w = r.width(), h = r.height();
        int[] shape = new int[2];
        double[] field = tissue.grid(r.x(), r.y(), w, h, shape);
        int gx0 = Math.floorDiv(r.x(), TissueField.GRID), gy0 = Math.floorDiv(r.y(), TissueField.GRID);
        byte[] d = dest.bytes();
        int stride = dest.width() * 3;
        int cx0 = Math.floorDiv(r.x(), cell), cx1 = Math.floorDiv(r.right() - 1, cell);
        int cy0 = Math.floorDiv(r.y(), cell), cy1 = Math.floorDiv(r.bottom() - 1, cell);
        for (int cy = cy0; cy <= cy1; cy++) {
            for (int cx = cx0; cx <= cx1; cx++) {
                Region c = new Region(cx * cell, cy * cell, cell, cell).intersect(r);
                Raster patch = null;
                int transform = 0, px0 = 0, py0 = 0;
                for (int y = c.y(); y < c.bottom(); y++) {
                    int o = (y - r.y()) * stride + (c.x() - r.x()) * 3;
                    for (int x = c.x(); x < c.right(); x++, o += 3) {
                        double depth = TissueField.at(field, shape[0], gx0, gy0, x, y);
                        int grain = (Noise.pixel((int) seed, x, y) & 3) - 2;
                        int br = Procedural.BACKGROUND_R + grain, bg = Procedural.BACKGROUND_G + grain, bb = Procedural.BACKGROUND_B + grain;
                        if (depth <= 0) {
                            d[o] = (byte) br;
                            d[o + 1] = (byte) bg;
                            d[o + 2] = (byte) bb;
                            continue;
                        }
                        if (patch == null) {
                            long hh = Noise.hash(seed ^ 0x3A05A1CL, cx, cy);
                            int[] at = patches.get((int) Math.floorMod(hh, (long) patches.size()));
                            transform = (int) (Noise.unit(hh, 1) * 8);
                            // read only the part of the patch this cell shows in the region
                            int[] a = source(transform, c.x() - cx * cell, c.y() - cy * cell);
                            int[] b = source(transform, c.right() - 1 - cx * cell, c.bottom() - 1 - cy * cell);
                            px0 = Math.min(a[0], b[0]);
                            py0 = Math.min(a[1], b[1]);
                            int pw = Math.abs(a[0] - b[0]) + 1, ph = Math.abs(a[1] - b[1]) + 1;
                            patch = slide.readRegion(ReadRequest.atLevel(0, at[0] + px0, at[1] + py0, pw, ph));
                        }
                        int[] sp = source(transform, x - cx * cell, y - cy * cell);
                        int si = ((sp[1] - py0) * patch.width() + sp[0] - px0) * 3;
                        byte[] src = patch.bytes();
                        double alpha = Math.min(1, depth / EDGE);
                        d[o] = (byte) (int) Math.round(br + ((src[si] & 0xFF) - br) * alpha);
                        d[o + 1] = (byte) (int) Math.round(bg + ((src[si + 1] & 0xFF) - bg) * alpha);
                        d[o + 2] = (byte) (int) Math.round(bb + ((src[si + 2] & 0xFF) - bb) * alpha);
                    }
                }
            }
        }
    }
}

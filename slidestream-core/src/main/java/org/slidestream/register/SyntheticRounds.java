package org.slidestream.register;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;

/**
 * Synthetic cyclic-immunofluorescence rounds with known transforms, for tests and benchmarks:
 * a procedural tissue of nuclei (a jittered grid of blobs inside a smooth tissue outline), imaged
 * {@code rounds} times. Round 0 is the reference; every other round is the same tissue seen
 * through a random rotation and translation plus a smooth sinusoidal deformation, with its own
 * channel gains and offsets, Gaussian noise and randomly dropped marker channels (noise only).
 * Channel 0 of every round is the nuclear stain ({@code DAPI}); the others are membrane-like
 * markers on random subsets of cells. Every pixel is computed on demand from a hash of its
 * position, so a round of any size streams tile by tile and is identical for a given seed.
 */
public final class SyntheticRounds {
    private static final double CELL = 16;
    private static final double BACKGROUND = 120;
    private static final double NUCLEAR_LEVEL = 18000;
    private static final double MARKER_LEVEL = 9000;

    private final int width;
    private final int height;
    private final int channels;
    private final long seed;
    private final List<Truth> truths;

    /**
     * How one round was made: {@link #toReference} maps a moving-round pixel to where it comes from
     * in the reference; rotation in degrees about the image centre, then translation, then
     * {@code deformation} pixels of amplitude along a sinusoid of wavelength {@code wavelength}.
     */
    public record Truth(String name, double rotation, double tx, double ty, double deformation, double wavelength,
                        double phaseX, double phaseY, double[] gains, double[] offsets, double noise, List<Integer> dropped,
                        double cx, double cy) {

        /** Reference-round position of moving-round pixel {@code (x, y)}, into {@code out}. */
        public void toReference(double x, double y, double[] out) {
            double a = Math.toRadians(rotation), c = Math.cos(a), s = Math.sin(a);
            double dx = x - cx, dy = y - cy;
            double k = 2 * Math.PI / wavelength;
            out[0] = c * dx - s * dy + cx + tx + deformation * Math.sin(k * y + phaseX);
            out[1] = s * dx + c * dy + cy + ty + deformation * Math.sin(k * x + phaseY);
        }
    }

    /** What to vary between rounds. */
    public record Variation(double maxRotation, double maxShift, double deformation, double noise, double dropout) {
        public static Variation rigid() { return new Variation(12, 60, 0, 250, 0.2); }

        public static Variation nonrigid() { return new Variation(12, 60, 6, 250, 0.2); }
    }

    public SyntheticRounds(int width, int height, int channels, int rounds, long seed, Variation v) {
        if (width < 64 || height < 64) throw new IllegalArgumentException("synthetic rounds need at least 64 x 64 pixels");
        if (channels < 1 || rounds < 1) throw new IllegalArgumentException("need at least one channel and one round");
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.seed = seed;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Truth> ts = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] gains = new double[channels], offsets = new double[channels];
            List<Integer> dropped = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                gains[c] = r == 0 ? 1 : 0.6 + 0.8 * rnd.nextDouble();
                offsets[c] = r == 0 ? 0 : 200 * rnd.nextDouble();
                if (r > 0 && c > 0 && rnd.nextDouble() < v.dropout()) dropped.add(c);
            }
            boolean ref = r == 0;
            double rot = ref ? 0 : (2 * rnd.nextDouble() - 1) * v.maxRotation();
            double shift = Math.min(v.maxShift(), 0.1 * Math.min(width, height));
            double tx = ref ? 0 : (2 * rnd.nextDouble() - 1) * shift, ty = ref ? 0 : (2 * rnd.nextDouble() - 1) * shift;
            double wl = Math.max(width, height) * (0.6 + 0.4 * rnd.nextDouble());
            ts.add(new Truth(ref ? "round0" : "round" + r, rot, tx, ty, ref ? 0 : v.deformation(), wl,
                    2 * Math.PI * rnd.nextDouble(), 2 * Math.PI * rnd.nextDouble(), gains, offsets, v.noise(),
                    List.copyOf(dropped), (width - 1) / 2.0, (height - 1) / 2.0));
        }
        this.truths = List.copyOf(ts);
    }

    public int width() { return width; }

    public int height() { return height; }

    public int rounds() { return truths.size(); }

    public List<Truth> truths() { return truths; }

    /** Micrometres per pixel of every round. */
    public static double mpp() { return 0.5; }

    public List<String> channelNames(int round) {
        List<String> names = new ArrayList<>();
        names.add("DAPI");
        for (int c = 1; c < channels; c++) names.add("R" + round + "_marker" + c);
        return names;
    }

    /** Round {@code round} as uint16 channels (round 0 is the reference). */
    public TileSource round(int round) {
        Truth t = truths.get(round);
        ImageInfo info = new ImageInfo(width, height, channels, PixelType.UINT16, 512, 512);
        return new TileSource() {
            @Override public ImageInfo info() { return info; }

            @Override public void read(int plane, Region region, Raster dest) {
                render(round, t, region, dest);
            }
        };
    }

    private void render(int round, Truth t, Region region, Raster dest) {
        short[] out = dest.shorts();
        double[] q = new double[2];
        double[] v = new double[channels];
        Cells cells = cells(round, t, region);
        for (int y = 0; y < region.height(); y++) {
            int py = region.y() + y;
            for (int x = 0; x < region.width(); x++) {
                int px = region.x() + x;
                int o = (y * dest.width() + x) * channels;
                if (px < 0 || py < 0 || px >= width || py >= height) {
                    for (int c = 0; c < channels; c++) out[o + c] = 0;
                    continue;
                }
                t.toReference(px, py, q);
                cells.stain(q[0], q[1], v);
                for (int c = 0; c < channels; c++) {
                    double s = t.dropped().contains(c) ? 0 : v[c];
                    double val = BACKGROUND + t.offsets()[c] + t.gains()[c] * s + t.noise() * gauss(round, c, px, py);
                    out[o + c] = (short) Math.max(0, Math.min(65535, Math.round(val)));
                }
            }
        }
    }

    /**
     * The nuclei a region of a round can see, one entry per grid cell (hashing and the tissue
     * outline evaluated once per cell, not once per pixel and neighbour).
     */
    private final class Cells {
        final int gx0, gy0, cols, rows;
        final double[] cx, cy, r, level;
        final double[][] marker;

        Cells(int gx0, int gy0, int cols, int rows) {
            this.gx0 = gx0; this.gy0 = gy0; this.cols = cols; this.rows = rows;
            int n = cols * rows;
            cx = new double[n]; cy = new double[n]; r = new double[n]; level = new double[n];
            marker = new double[channels][n];
        }

        void stain(double x, double y, double[] v) {
            java.util.Arrays.fill(v, 0);
            int gx = (int) Math.floor(x / CELL) - gx0, gy = (int) Math.floor(y / CELL) - gy0;
            for (int j = gy - 1; j <= gy + 1; j++) {
                if (j < 0 || j >= rows) continue;
                for (int i = gx - 1; i <= gx + 1; i++) {
                    if (i < 0 || i >= cols) continue;
                    int k = j * cols + i;
                    if (r[k] == 0) continue;
                    double dx = x - cx[k], dy = y - cy[k];
                    double d2 = (dx * dx + dy * dy) / (r[k] * r[k]);
                    if (d2 > 2.2 * 2.2) continue;
                    v[0] += NUCLEAR_LEVEL * level[k] * Math.exp(-d2 * d2);
                    if (v.length > 1) {
                        double ring = (Math.sqrt(d2) - 1.5) / 0.35, e = Math.exp(-ring * ring);
                        for (int c = 1; c < v.length; c++) v[c] += marker[c][k] * e;
                    }
                }
            }
        }
    }

    private Cells cells(int round, Truth t, Region region) {
        double[] q = new double[2];
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        int[] xs = {region.x(), region.right() - 1}, ys = {region.y(), region.bottom() - 1};
        for (int px : xs) for (int py : ys) {
            t.toReference(px, py, q);
            minX = Math.min(minX, q[0]); maxX = Math.max(maxX, q[0]);
            minY = Math.min(minY, q[1]); maxY = Math.max(maxY, q[1]);
        }
        double margin = t.deformation() + 2 * CELL;
        int gx0 = (int) Math.floor((minX - margin) / CELL), gy0 = (int) Math.floor((minY - margin) / CELL);
        int gx1 = (int) Math.floor((maxX + margin) / CELL), gy1 = (int) Math.floor((maxY + margin) / CELL);
        Cells c = new Cells(gx0, gy0, gx1 - gx0 + 1, gy1 - gy0 + 1);
        for (int j = 0; j < c.rows; j++) {
            for (int i = 0; i < c.cols; i++) {
                int gi = gx0 + i, gj = gy0 + j, k = j * c.cols + i;
                long h = mix(seed, gi, gj, 1);
                double x = (gi + 0.5 + 0.6 * (unit(h) - 0.5)) * CELL;
                double y = (gj + 0.5 + 0.6 * (unit(mix(h, 2, 0, 0)) - 0.5)) * CELL;
                if (x < -CELL || y < -CELL || x > width + CELL || y > height + CELL) continue;
                if (unit(mix(h, 3, 0, 0)) > 0.85 || tissueMask(x, y) < 0.5) continue;
                c.cx[k] = x;
                c.cy[k] = y;
                c.r[k] = 3.5 + 2.5 * unit(mix(h, 4, 0, 0));
                c.level[k] = 0.5 + 0.5 * unit(mix(h, 5, 0, 0));
                for (int ch = 1; ch < channels; ch++) {
                    long hc = mix(h, 6, ch, round);
                    c.marker[ch][k] = unit(hc) > 0.35 ? 0 : MARKER_LEVEL * (0.4 + 0.6 * unit(mix(hc, 7, 0, 0)));
                }
            }
        }
        return c;
    }

    /** A smooth tissue outline: value noise on a coarse lattice, about 60 % inside. */
    private double tissueMask(double x, double y) {
        double scale = Math.max(width, height) / 3.0;
        double u = x / scale, w = y / scale;
        int i = (int) Math.floor(u), j = (int) Math.floor(w);
        double fu = smoothstep(u - i), fw = smoothstep(w - j);
        double a = unit(mix(seed, i, j, 9)), b = unit(mix(seed, i + 1, j, 9)), c = unit(mix(seed, i, j + 1, 9)), d = unit(mix(seed, i + 1, j + 1, 9));
        return 0.2 + 0.8 * ((a * (1 - fu) + b * fu) * (1 - fw) + (c * (1 - fu) + d * fu) * fw);
    }

    private static double smoothstep(double t) { return t * t * (3 - 2 * t); }

    /** A standard normal deviate from the pixel's hash (Box-Muller on two hashed uniforms). */
    private double gauss(int round, int c, int x, int y) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L * (round + 1), x, y, c + 11);
        double u1 = (unit(h) + 1e-12), u2 = unit(mix(h, 1, 1, 1));
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double unit(long h) { return (h >>> 11) * 0x1.0p-53; }

    private static long mix(long seed, long a, long b, long c) {
        long z = seed + a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + c * 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Writes every round as {@code <prefix><k>.ome.tif} (pyramidal OME-TIFF, streamed tile by tile)
     * into {@code dir}, and the true transforms as {@code truth.json}; returns the round files.
     */
    public List<java.nio.file.Path> write(java.nio.file.Path dir, String prefix, org.slidestream.tiff.writer.TiffWriteOptions options,
                                          org.slidestream.tiff.writer.WriteContext context) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        List<java.nio.file.Path> files = new ArrayList<>();
        for (int r = 0; r < rounds(); r++) {
            java.nio.file.Path f = dir.resolve(prefix + r + ".ome.tif");
            org.slidestream.tiff.writer.TiffWriter.write(round(r), f, options,
                    org.slidestream.tiff.writer.WriteMetadata.channels(channelNames(r), mpp(), mpp()), context);
            files.add(f);
        }
        writeTruth(dir.resolve("truth.json"), prefix);
        return files;
    }

    /** The true transforms as JSON: per round, what {@link Truth#toReference} computes, with every parameter. */
    public void writeTruth(java.nio.file.Path file, String prefix) throws java.io.IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        var root = json.createObjectNode();
        root.put("model", "reference = R(rotation) * (moving - centre) + centre + (tx, ty) + deformation * (sin(2 pi y / wavelength + phaseX), sin(2 pi x / wavelength + phaseY))");
        root.put("width", width);
        root.put("height", height);
        root.put("mpp", mpp());
        root.put("seed", seed);
        var arr = root.putArray("rounds");
        for (int r = 0; r < truths.size(); r++) {
            Truth t = truths.get(r);
            var n = arr.addObject();
            n.put("name", prefix + r);
            n.put("rotation", t.rotation());
            n.put("tx", t.tx());
            n.put("ty", t.ty());
            n.put("deformation", t.deformation());
            n.put("wavelength", t.wavelength());
            n.put("phaseX", t.phaseX());
            n.put("phaseY", t.phaseY());
            n.put("centreX", t.cx());
            n.put("centreY", t.cy());
            n.put("noise", t.noise());
            var g = n.putArray("gains");
            for (double v : t.gains()) g.add(v);
            var o = n.putArray("offsets");
            for (double v : t.offsets()) o.add(v);
            var d = n.putArray("droppedChannels");
            for (int c : t.dropped()) d.add(c);
        }
        try (org.slidestream.io.AtomicOutput out = org.slidestream.io.AtomicOutput.file(file)) {
            json.writeValue(out.path().toFile(), root);
            out.commit();
        }
    }
}

package org.slidestream.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of pixels in memory: {@code width x height} pixels of {@code bands} interleaved samples
 * of one {@link PixelType}, row by row. Sample {@code b} of pixel {@code (x, y)} is at index
 * {@code (y * width + x) * bands + b} of the backing array, whose Java type follows the pixel type:
 * {@code byte[]} for 8-bit, {@code short[]} for 16-bit, {@code int[]} for 32-bit integers,
 * {@code float[]} and {@code double[]} for floating point. Unsigned types are stored in the signed
 * Java type of the same width; {@link #get} returns the unsigned value.
 *
 * <p>Rasters are mutable and not thread-safe; each tile in flight owns its own. A
 * {@linkplain #readOnlyView() read-only view} shares its samples with other threads (the tile cache
 * hands out only such views): its pixels can be read and copied from, and every method that would
 * write them, or hand out the backing array, throws {@link IllegalStateException}.
 */
public final class Raster {
    private final PixelType type;
    private final int width;
    private final int height;
    private final int bands;
    private final Object data;
    private final boolean readOnly;

    private Raster(PixelType type, int width, int height, int bands, Object data) {
        this(type, width, height, bands, data, false);
    }

    private Raster(PixelType type, int width, int height, int bands, Object data, boolean readOnly) {
        this.type = Objects.requireNonNull(type);
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.data = data;
        this.readOnly = readOnly;
    }

    /**
     * A read-only view of this raster's samples (no copy): what may be shared between threads. The
     * view sees later writes to this raster, so the owner must stop writing before sharing it.
     */
    public Raster readOnlyView() {
        return readOnly ? this : new Raster(type, width, height, bands, data, true);
    }

    public boolean isReadOnly() { return readOnly; }

    private Object writable() {
        if (readOnly) throw new IllegalStateException("read-only raster " + this + " (a shared tile): copy from it instead");
        return data;
    }

    /** A zero-filled raster. */
    public static Raster create(PixelType type, int width, int height, int bands) {
        long n = sampleCount(width, height, bands);
        int len = (int) n;
        Object data = switch (type) {
            case UINT8, INT8 -> new byte[len];
            case UINT16, INT16 -> new short[len];
            case UINT32, INT32 -> new int[len];
            case FLOAT32 -> new float[len];
            case FLOAT64 -> new double[len];
        };
        return new Raster(type, width, height, bands, data);
    }

    /** Wraps an existing array (no copy); its Java type and length must match. */
    public static Raster wrap(PixelType type, int width, int height, int bands, Object array) {
        long n = sampleCount(width, height, bands);
        int len = switch (array) {
            case byte[] a when type.bytes() == 1 -> a.length;
            case short[] a when type.bytes() == 2 -> a.length;
            case int[] a when type.bytes() == 4 && !type.isFloat() -> a.length;
            case float[] a when type == PixelType.FLOAT32 -> a.length;
            case double[] a when type == PixelType.FLOAT64 -> a.length;
            default -> throw new IllegalArgumentException(
                    "array " + array.getClass().getSimpleName() + " does not hold " + type);
        };
        if (len < n) {
            throw new IllegalArgumentException("array holds " + len + " samples, need " + n);
        }
        return new Raster(type, width, height, bands, array);
    }

    /** Bytes a raster of this shape occupies, for memory accounting before allocating it. */
    public static long byteSize(PixelType type, int width, int height, int bands) {
        return sampleCount(width, height, bands) * type.bytes();
    }

    private static long sampleCount(int width, int height, int bands) {
        if (width < 0 || height < 0 || bands < 1) {
            throw new IllegalArgumentException("bad raster shape " + width + "x" + height + "x" + bands);
        }
        long n = (long) width * height * bands;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("raster of " + width + "x" + height + "x" + bands
                    + " samples is larger than one Java array; read it in tiles");
        }
        return n;
    }

    public PixelType type() { return type; }

    public int width() { return width; }

    public int height() { return height; }

    public int bands() { return bands; }

    public long byteSize() { return byteSize(type, width, height, bands); }

    public int sampleCount() { return width * height * bands; }

    /** The backing array (byte[], short[], int[], float[] or double[]). */
    public Object array() { return writable(); }

    public byte[] bytes() { return (byte[]) writable(); }

    public short[] shorts() { return (short[]) writable(); }

    public int[] ints() { return (int[]) writable(); }

    public float[] floats() { return (float[]) writable(); }

    public double[] doubles() { return (double[]) writable(); }

    public int index(int x, int y, int band) {
        return (y * width + x) * bands + band;
    }

    /** Sample value as a double, unsigned types unsigned. */
    public double get(int x, int y, int band) {
        return getAt(index(x, y, band));
    }

    public double getAt(int i) {
        return switch (type) {
            case UINT8 -> ((byte[]) data)[i] & 0xFF;
            case INT8 -> ((byte[]) data)[i];
            case UINT16 -> ((short[]) data)[i] & 0xFFFF;
            case INT16 -> ((short[]) data)[i];
            case UINT32 -> ((int[]) data)[i] & 0xFFFFFFFFL;
            case INT32 -> ((int[]) data)[i];
            case FLOAT32 -> ((float[]) data)[i];
            case FLOAT64 -> ((double[]) data)[i];
        };
    }

    /** Stores a value, rounded to nearest and clamped to the type's range for integer types. */
    public void set(int x, int y, int band, double v) {
        setAt(index(x, y, band), v);
    }

    public void setAt(int i, double v) {
        Object data = writable();
        switch (type) {
            case UINT8, INT8 -> ((byte[]) data)[i] = (byte) clampRound(v);
            case UINT16, INT16 -> ((short[]) data)[i] = (short) clampRound(v);
            case UINT32, INT32 -> ((int[]) data)[i] = (int) clampRound(v);
            case FLOAT32 -> ((float[]) data)[i] = (float) v;
            case FLOAT64 -> ((double[]) data)[i] = v;
        }
    }

    private long clampRound(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double r = Math.rint(v);
        return (long) Math.max(type.minValue(), Math.min(type.maxValue(), r));
    }

    /** Sets every sample to {@code v}. */
    public void fill(double v) {
        Object data = writable();
        switch (type) {
            case UINT8, INT8 -> Arrays.fill((byte[]) data, 0, sampleCount(), (byte) clampRound(v));
            case UINT16, INT16 -> Arrays.fill((short[]) data, 0, sampleCount(), (short) clampRound(v));
            case UINT32, INT32 -> Arrays.fill((int[]) data, 0, sampleCount(), (int) clampRound(v));
            case FLOAT32 -> Arrays.fill((float[]) data, 0, sampleCount(), (float) v);
            case FLOAT64 -> Arrays.fill((double[]) data, 0, sampleCount(), v);
        }
    }

    /** Fills a rectangle of this raster with {@code v} in every band. */
    public void fill(Region r, double v) {
        Object data = writable();
        Region c = r.intersect(new Region(0, 0, width, height));
        if (c.isEmpty()) return;
        Raster row = create(type, c.width(), 1, bands);
        row.fill(v);
        for (int y = c.y(); y < c.bottom(); y++) {
            System.arraycopy(row.data, 0, data, index(c.x(), y, 0), c.width() * bands);
        }
    }

    /**
     * Copies a {@code w x h} block from {@code src} at {@code (sx, sy)} to this raster at
     * {@code (dx, dy)}. Both rasters must have the same pixel type and band count.
     */
    public void copyFrom(Raster src, int sx, int sy, int dx, int dy, int w, int h) {
        if (src.type != type || src.bands != bands) {
            throw new IllegalArgumentException("cannot copy " + src.type + "x" + src.bands
                    + " into " + type + "x" + bands);
        }
        Object data = writable();
        if (w <= 0 || h <= 0) return;
        if (sx < 0 || sy < 0 || sx + w > src.width || sy + h > src.height
                || dx < 0 || dy < 0 || dx + w > width || dy + h > height) {
            throw new IndexOutOfBoundsException("copy of " + w + "x" + h + " from (" + sx + "," + sy
                    + ") of " + src.width + "x" + src.height + " to (" + dx + "," + dy + ") of "
                    + width + "x" + height);
        }
        int rowLen = w * bands;
        if (sx == 0 && dx == 0 && w == width && w == src.width) {
            System.arraycopy(src.data, src.index(0, sy, 0), data, index(0, dy, 0), rowLen * h);
            return;
        }
        for (int r = 0; r < h; r++) {
            System.arraycopy(src.data, src.index(sx, sy + r, 0), data, index(dx, dy + r, 0), rowLen);
        }
    }

    /**
     * Copies bands {@code srcBand .. srcBand+n} of a {@code w x h} block at {@code (sx, sy)} of
     * {@code src} to bands {@code destBand ..} of this raster at {@code (dx, dy)}: a channel of a
     * multi-channel tile, or the channels of one stored image into their place among a slide's bands.
     * Same pixel type; one loop per array type, no per-sample dispatch.
     */
    public void copyBandsFrom(Raster src, int sx, int sy, int srcBand, int dx, int dy, int destBand, int n, int w, int h) {
        if (srcBand == 0 && destBand == 0 && n == src.bands && n == bands) {
            copyFrom(src, sx, sy, dx, dy, w, h);
            return;
        }
        if (src.type != type) throw new IllegalArgumentException("cannot copy " + src.type + " into " + type);
        if (srcBand < 0 || destBand < 0 || n < 1 || srcBand + n > src.bands || destBand + n > bands) {
            throw new IndexOutOfBoundsException("bands " + srcBand + "+" + n + " of " + src.bands + " to " + destBand + " of " + bands);
        }
        Object d = writable();
        int sb = src.bands, db = bands;
        for (int y = 0; y < h; y++) {
            int si = src.index(sx, sy + y, srcBand), di = index(dx, dy + y, destBand);
            switch (src.data) {
                case byte[] a -> copyRow(a, si, sb, (byte[]) d, di, db, n, w);
                case short[] a -> { short[] o = (short[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case int[] a -> { int[] o = (int[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case float[] a -> { float[] o = (float[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case double[] a -> { double[] o = (double[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                default -> throw new IllegalStateException(src.data.getClass().toString());
            }
        }
    }

    private static void copyRow(byte[] a, int si, int sb, byte[] o, int di, int db, int n, int w) {
        if (n == 1) {
            for (int x = 0; x < w; x++, si += sb, di += db) o[di] = a[si];
        } else {
            for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b];
        }
    }

    /** Sets bands {@code band0 .. band0+n} of a {@code w x h} block at {@code (x, y)} to {@code v}. */
    public void fillBands(int x, int y, int band0, int n, int w, int h, double v) {
        if (band0 == 0 && n == bands) {
            fill(new Region(x, y, w, h), v);
            return;
        }
        Object d = writable();
        Raster one = create(type, 1, 1, 1);
        one.fill(v);
        Object s = one.data;
        for (int r = 0; r < h; r++) {
            int di = index(x, y + r, band0);
            for (int c = 0; c < w; c++, di += bands) {
                switch (d) {
                    case byte[] o -> Arrays.fill(o, di, di + n, ((byte[]) s)[0]);
                    case short[] o -> Arrays.fill(o, di, di + n, ((short[]) s)[0]);
                    case int[] o -> Arrays.fill(o, di, di + n, ((int[]) s)[0]);
                    case float[] o -> Arrays.fill(o, di, di + n, ((float[]) s)[0]);
                    case double[] o -> Arrays.fill(o, di, di + n, ((double[]) s)[0]);
                    default -> throw new IllegalStateException(d.getClass().toString());
                }
            }
        }
    }

    /** A new raster holding a copy of a rectangle of this one. */
    public Raster crop(Region r) {
        Raster out = create(type, r.width(), r.height(), bands);
        out.copyFrom(this, r.x(), r.y(), 0, 0, r.width(), r.height());
        return out;
    }

    /** A new one-band raster holding band {@code b}. */
    public Raster band(int b) {
        if (bands == 1 && b == 0) {
            return crop(new Region(0, 0, width, height));
        }
        Raster out = create(type, width, height, 1);
        int n = width * height;
        switch (type.bytes()) {
            case 1 -> { byte[] s = (byte[]) data, d = out.bytes(); for (int i = 0; i < n; i++) d[i] = s[i * bands + b]; }
            case 2 -> { short[] s = (short[]) data, d = out.shorts(); for (int i = 0; i < n; i++) d[i] = s[i * bands + b]; }
            default -> { for (int i = 0; i < n; i++) out.setAt(i, getAt(i * bands + b)); }
        }
        return out;
    }

    /** Copies one-band {@code src} into band {@code b} of this raster (same size and type). */
    public void setBand(int b, Raster src) {
        if (src.bands != 1 || src.width != width || src.height != height || src.type != type) {
            throw new IllegalArgumentException("band source must be one band of the same size and type");
        }
        int n = width * height;
        switch (type.bytes()) {
            case 1 -> { byte[] s = (byte[]) src.data, d = bytes(); for (int i = 0; i < n; i++) d[i * bands + b] = s[i]; }
            case 2 -> { short[] s = (short[]) src.data, d = shorts(); for (int i = 0; i < n; i++) d[i * bands + b] = s[i]; }
            default -> { for (int i = 0; i < n; i++) setAt(i * bands + b, src.getAt(i)); }
        }
    }

    /** Fills this raster from raw samples in {@code order} (as stored in a TIFF strip or tile). */
    public void readSamples(ByteBuffer src) {
        Object data = writable();
        ByteBuffer in = src.duplicate().order(src.order());
        int n = sampleCount();
        switch (type) {
            case UINT8, INT8 -> in.get((byte[]) data, 0, n);
            case UINT16, INT16 -> in.asShortBuffer().get((short[]) data, 0, n);
            case UINT32, INT32 -> in.asIntBuffer().get((int[]) data, 0, n);
            case FLOAT32 -> in.asFloatBuffer().get((float[]) data, 0, n);
            case FLOAT64 -> in.asDoubleBuffer().get((double[]) data, 0, n);
        }
    }

    /** All samples as bytes in {@code order}. */
    public byte[] toBytes(ByteOrder order) {
        if (type.bytes() == 1) {
            return Arrays.copyOf((byte[]) data, sampleCount());
        }
        ByteBuffer out = ByteBuffer.allocate(sampleCount() * type.bytes()).order(order);
        int n = sampleCount();
        switch (type) {
            case UINT16, INT16 -> out.asShortBuffer().put((short[]) data, 0, n);
            case UINT32, INT32 -> out.asIntBuffer().put((int[]) data, 0, n);
            case FLOAT32 -> out.asFloatBuffer().put((float[]) data, 0, n);
            case FLOAT64 -> out.asDoubleBuffer().put((double[]) data, 0, n);
            default -> throw new AssertionError(type);
        }
        return out.array();
    }

    /** True when both rasters have the same shape, type and samples. */
    public boolean contentEquals(Raster o) {
        if (o.type != type || o.width != width || o.height != height || o.bands != bands) return false;
        int n = sampleCount();
        return switch (type.bytes()) {
            case 1 -> Arrays.equals((byte[]) data, 0, n, (byte[]) o.data, 0, n);
            case 2 -> Arrays.equals((short[]) data, 0, n, (short[]) o.data, 0, n);
            case 4 -> type.isFloat() ? Arrays.equals((float[]) data, 0, n, (float[]) o.data, 0, n)
                    : Arrays.equals((int[]) data, 0, n, (int[]) o.data, 0, n);
            default -> Arrays.equals((double[]) data, 0, n, (double[]) o.data, 0, n);
        };
    }

    @Override
    public String toString() {
        return "Raster[" + width + "x" + height + "x" + bands + " " + type + "]";
    }
}

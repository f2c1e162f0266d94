package org.slidestream.testing;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * Writes Hamamatsu NDPI files as NDP.scan lays them out: each pyramid level one JPEG strip with
 * restart markers (one interval of {@code intervalMcus} MCUs across), the interval starts in tag
 * 65426 (McuStarts), the source lens in 65421, NDPI's flag 65420 and property map 65449, each
 * directory after its data with 64-bit next-directory offsets and a high word per entry, and a
 * macro image (lens -1) as a JPEG strip without restart markers.
 *
 * <p>A level's stream is built from one JPEG per restart interval, all encoded with the same
 * tables: each interval's entropy-coded data is the same bytes whether it is a JPEG of its own or a
 * restart interval of the whole level (DC prediction starts afresh at a marker), so the intervals
 * are spliced after one header that declares the level's size and restart interval. The JPEG
 * encoder is the project's ({@code Codecs.jpeg}). The level is streamed a row of MCUs at a time.
 */
public final class NdpiWriter {
    /** One pyramid level: its pixels (8-bit RGB), the objective power it was scanned at and its focal plane (65424). */
    public record Level(TileSource pixels, float sourceLens, int focalPlane) {
        public Level(TileSource pixels, float sourceLens) {
            this(pixels, sourceLens, 0);
        }
    }

    private final int intervalMcus;
    private final ChromaSubsampling subsampling;
    private final int quality;
    private long gapBeforeData;
    private boolean mcuStarts = true;
    private double mppX = 0.2281750559;

    public NdpiWriter(int intervalMcus, ChromaSubsampling subsampling, int quality) {
        this.intervalMcus = intervalMcus;
        this.subsampling = subsampling;
        this.quality = quality;
    }

    /** Leaves a hole of this many bytes before the first level's data (a sparse file past 4 GiB). */
    public NdpiWriter gapBeforeData(long bytes) {
        this.gapBeforeData = bytes;
        return this;
    }

    /** Without tag 65426, as some files are: readers then find the markers by scanning. */
    public NdpiWriter withoutMcuStarts() {
        this.mcuStarts = false;
        return this;
    }

    /** Writes the levels (largest first) and a macro image. */
    public void write(Path out, List<Level> levels, Raster macro) {
        JpegCodec codec = Codecs.jpeg(true);
        try (TiffBuilder b = TiffBuilder.create(out, OffsetLayout.NDPI)) {
            b.skip(gapBeforeData);
            boolean first = true;
            for (Level l : levels) {
                long start = b.position();
                long[] starts = writeLevel(b, l.pixels(), codec);
                long bytes = b.position() - start;
                TiffBuilder.Dir d = common(b.directory(), l.pixels().info().width(), l.pixels().info().height(), start, bytes, l.sourceLens())
                        .slongs(65424, l.focalPlane());
                if (mcuStarts) d.longs(65426, starts);
                if (first) {
                    d.ascii(65449, "Created=2024/01/01\r\nProduct=C13210-01\r\nNDP.S/N=000000\r\nslide.tickness=0\r\nroi.slide.macro=0,0,1,1\r\n");
                    first = false;
                }
                b.write(d);
            }
            if (macro != null) {
                byte[] jpeg = codec.encode(macro, quality, ChromaSubsampling.S444);
                long at = b.append(jpeg);
                b.write(common(b.directory(), macro.width(), macro.height(), at, jpeg.length, -1f));
            }
        }
    }

    private TiffBuilder.Dir common(TiffBuilder.Dir d, int w, int h, long offset, long bytes, float lens) {
        long resolution = Math.round(10_000 / mppX);
        return d.longs(256, w).longs(257, h).shorts(258, 8, 8, 8).shorts(259, 7).shorts(262, 6)
                .ascii(271, "Hamamatsu").ascii(272, "C13210-01").longs(273, offset).shorts(277, 3).longs(278, h)
                .longs(279, bytes).rational(282, resolution, 1).rational(283, resolution, 1).shorts(296, 3)
                .ascii(305, "NDP.scan 3.2.4").shorts(530, subsampling.horizontal(), subsampling.vertical())
                .longs(65420, 1).floats(65421, lens).slongs(65422, 12_538_720).slongs(65423, -96_063).slongs(65424, 0);
    }

    /** Appends a level's stream; returns the McuStarts (interval starts relative to the stream). */
    private long[] writeLevel(TiffBuilder b, TileSource src, JpegCodec codec) {
        int w = src.info().width(), h = src.info().height();
        int mcuW = 8 * subsampling.horizontal(), mcuH = 8 * subsampling.vertical();
        int intervalW = intervalMcus * mcuW;
        int mcusPerRow = Math.ceilDiv(w, mcuW);
        if (mcusPerRow % intervalMcus != 0) throw new IllegalArgumentException("width " + w + " is not a whole number of intervals");
        int across = mcusPerRow / intervalMcus, rows = Math.ceilDiv(h, mcuH);
        long[] starts = new long[Math.multiplyExact(across, rows)];
        long streamStart = b.position();
        byte[] header = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream(1 << 20);
        Raster row = Raster.create(PixelType.UINT8, across * intervalW, mcuH, 3);
        Raster interval = Raster.create(PixelType.UINT8, intervalW, mcuH, 3);
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int y = r * mcuH, rh = Math.min(mcuH, h - y);
            Raster part = Raster.create(PixelType.UINT8, w, rh, 3);
            src.read(0, new Region(0, y, w, rh), part);
            // Pixels past the image edge repeat the edge (the decoder crops them).
            for (int yy = 0; yy < mcuH; yy++) {
                row.copyFrom(part, 0, Math.min(yy, rh - 1), 0, yy, w, 1);
                for (int xx = w; xx < row.width(); xx++) row.copyFrom(part, w - 1, Math.min(yy, rh - 1), xx, yy, 1, 1);
            }
            for (int c = 0; c < across; c++) {
                interval.copyFrom(row, c * intervalW, 0, 0, 0, intervalW, mcuH);
                byte[] jpeg = codec.encode(interval, quality, subsampling);
                int sos = scanStart(jpeg);
                if (header == null) {
                    header = levelHeader(jpeg, sos, w, h);
                    pending.writeBytes(header);
                } else if (!Arrays.equals(jpeg, 0, dqtDhtEnd(jpeg), header, 0, dqtDhtEnd(jpeg))) {
                    throw new IllegalStateException("the JPEG encoder changed its tables between intervals");
                }
                starts[k] = pending.size() + (b.position() - streamStart);
                pending.write(jpeg, sos, jpeg.length - 2 - sos);
                boolean last = ++k == starts.length;
                pending.write(0xFF);
                pending.write(last ? 0xD9 : 0xD0 + ((k - 1) & 7));
            }
            if (pending.size() > (1 << 20) || r == rows - 1) {
                b.appendUnaligned(pending.toByteArray());
                pending.reset();
            }
        }
        return starts;
    }

    /** Where the entropy-coded data of a JPEG starts (after its SOS segment). */
    private static int scanStart(byte[] j) {
        int p = 2;
        while (p + 4 <= j.length) {
            int m = j[p + 1] & 0xFF, len = (j[p + 2] & 0xFF) << 8 | (j[p + 3] & 0xFF);
            if (m == 0xDA) return p + 2 + len;
            p += 2 + len;
        }
        throw new IllegalStateException("no scan in JPEG");
    }

    /** The header's bytes before the SOF marker (APPn, DQT, DHT...), compared across intervals. */
    private static int dqtDhtEnd(byte[] j) {
        int p = 2;
        while (p + 4 <= j.length) {
            int m = j[p + 1] & 0xFF, len = (j[p + 2] & 0xFF) << 8 | (j[p + 3] & 0xFF);
            if (m == 0xC0 || m == 0xDA) return p;
            p += 2 + len;
        }
        return p;
    }

    /** The first interval's header with the level's size in its SOF (0 past 65,535, as NDPI writes) and a DRI before SOS. */
    private byte[] levelHeader(byte[] jpeg, int sos, int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sos + 6);
        int p = 2;
        out.write(jpeg, 0, 2);
        while (p < sos) {
            int m = jpeg[p + 1] & 0xFF, len = (jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF);
            byte[] seg = Arrays.copyOfRange(jpeg, p, p + 2 + len);
            if (m == 0xC0) {
                int hh = h > 0xFFFF ? 0 : h, ww = w > 0xFFFF ? 0 : w;
                seg[5] = (byte) (hh >> 8);
                seg[6] = (byte) hh;
                seg[7] = (byte) (ww >> 8);
                seg[8] = (byte) ww;
            }
            if (m == 0xDA) out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0, 4, (byte) (intervalMcus >> 8), (byte) intervalMcus});
            out.writeBytes(seg);
            p += 2 + len;
        }
        return out.toByteArray();
    }
}

package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Mutation fuzzing of the native JPEG path (libjpeg through JNA, where a fatal libjpeg error would
 * stop this JVM): real Aperio tiles merged with their tables, streams of every chroma layout from
 * our encoder, and OpenCV streams with restart markers, each mutated (bytes flipped in the headers
 * and the data, markers inserted, segments repeated, lengths and sampling factors changed,
 * truncations) and decoded whole and by region at every reduction. Only {@link CodecException} may
 * come out. A fixed seed; {@code -Dslidestream.fuzz.cases=N} runs more.
 */
class NativeJpegFuzzTest {
    private static final int CASES = Integer.getInteger("slidestream.fuzz.cases", 4000);
    private static final List<byte[]> SEEDS = new ArrayList<>();
    @TempDir static Path dir;

    @BeforeAll
    static void seeds() throws IOException {
        JpegCodec codec = CodecFixtures.jpeg(CodecFixtures.LIBJPEG);
        SlideTiles tiles = SlideTiles.load("cmu-1-small-region.svs", 0, 7, 33, 77, 129);
        for (SlideTiles.Tile t : tiles.tiles()) SEEDS.add(JpegStreams.withTables(tiles.jpegTables(), t.data()));
        for (ChromaSubsampling sub : ChromaSubsampling.values()) {
            SEEDS.add(codec.encode(CodecFixtures.image(96, 80, 3, sub.ordinal()), 80, sub));
        }
        SEEDS.add(codec.encode(CodecFixtures.image(70, 50, 1, 9), 90, ChromaSubsampling.S420));
        ReferenceTools.requirePythonModules("cv2", "numpy");
        String script = """
                import sys, cv2, numpy as np
                y, x = np.mgrid[0:72, 0:100]
                img = np.stack([((np.sin(x / 7.0 + c) * np.cos(y / 5.0) + 1) * 120).astype(np.uint8) for c in range(3)], -1)
                ok, buf = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, 85, cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
                open(sys.argv[1], 'wb').write(buf.tobytes())
                """;
        Path rst = dir.resolve("rst.jpg");
        ReferenceTools.python(script, rst).requireSuccess("OpenCV JPEG with restart markers");
        byte[] withRestarts = Files.readAllBytes(rst);
        assertThat(LibJpegStream.of(withRestarts)).as("OpenCV's stream is in the native subset").isNotNull();
        SEEDS.add(withRestarts);
    }

    @Test
    void mutatedStreamsGiveCodecExceptionsOnly() {
        JpegCodec codec = CodecFixtures.jpeg(CodecFixtures.LIBJPEG);
        int decoded = 0, refused = 0, native_ = 0;
        for (int i = 0; i < CASES; i++) {
            Random rnd = new Random(0xF022_0000L + i);
            byte[] seed = SEEDS.get(rnd.nextInt(SEEDS.size()));
            byte[] data = mutate(seed, rnd);
            if (LibJpegStream.of(data) != null) native_++;
            try {
                JpegStreams.Header h = JpegStreams.header(data);
                int bands = h.componentCount() == 1 ? 1 : 3;
                if (h.width() > 4096 || h.height() > 4096) throw new CodecException("too large for the fuzzer's raster");
                Raster dest = Raster.create(PixelType.UINT8, h.width(), h.height(), bands);
                JpegColour colour = rnd.nextBoolean() ? JpegColour.RGB : JpegColour.YCBCR;
                codec.decode(data, colour, dest);
                int reduction = 1 << rnd.nextInt(4);
                int w = JpegCodec.reducedSize(h.width(), reduction), hh = JpegCodec.reducedSize(h.height(), reduction);
                int x = rnd.nextInt(w), y = rnd.nextInt(hh);
                Region r = new Region(x, y, 1 + rnd.nextInt(w - x), 1 + rnd.nextInt(hh - y));
                codec.decode(data, colour, reduction, r, Raster.create(PixelType.UINT8, r.width(), r.height(), bands), 0, 0);
                decoded++;
            } catch (CodecException expected) {
                refused++;
            } catch (RuntimeException | Error e) {
                Path keep = SharedData.projectRoot().resolve("slidestream-core/target/jpeg-fuzz-failure-" + i + ".jpg");
                try {
                    Files.createDirectories(keep.getParent());
                    Files.write(keep, data);
                } catch (IOException ignored) {
                    // the failure below is what matters
                }
                fail("case " + i + " (saved as " + keep + ") threw " + e, e);
            }
        }
        System.out.printf("native JPEG fuzz: %d cases, %d given to libjpeg, %d decoded, %d refused%n", CASES, native_, decoded, refused);
        assertThat(decoded + refused).isEqualTo(CASES);
        assertThat(refused).as("mutations that were noticed").isPositive();
        assertThat(native_).as("mutated streams libjpeg saw").isGreaterThan(CASES / 4);
    }

    /** One to three mutations, chosen to reach the marker parser as often as the entropy decoder. */
    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] d = seed.clone();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            int headerEnd = Math.min(d.length, sosEnd(d));
            switch (rnd.nextInt(9)) {
                case 0 -> d[rnd.nextInt(Math.max(1, headerEnd))] ^= (byte) (1 << rnd.nextInt(8)); // a bit in the headers
                case 1 -> d[rnd.nextInt(Math.max(1, headerEnd))] = (byte) rnd.nextInt(256);       // a byte in the headers
                case 2 -> {                                                                     // bytes of the entropy-coded data
                    int span = d.length - headerEnd;
                    for (int j = 0; span > 0 && j < 1 + rnd.nextInt(6); j++) d[headerEnd + rnd.nextInt(span)] = (byte) rnd.nextInt(256);
                }
                case 3 -> d = Arrays.copyOf(d, 2 + rnd.nextInt(d.length));                      // truncation
                case 4 -> d = insert(d, rnd.nextInt(d.length), new byte[] {(byte) 0xFF, (byte) (0xC0 + rnd.nextInt(64))}); // a marker
                case 5 -> d = insert(d, headerEnd + rnd.nextInt(d.length - headerEnd + 1),
                        new byte[] {(byte) 0xFF, (byte) (0xD0 + rnd.nextInt(8))});              // a restart marker in the data
                case 6 -> {                                                                     // a segment repeated
                    int[] seg = segment(d, rnd);
                    if (seg != null) d = insert(d, seg[0], Arrays.copyOfRange(d, seg[0], seg[1]));
                }
                case 7 -> {                                                                     // a segment's length changed
                    int[] seg = segment(d, rnd);
                    if (seg != null) d[seg[0] + 3] += (byte) (rnd.nextInt(7) - 3);
                }
                default -> {                                                                    // sampling factors or table selectors
                    int sof = find(d, 0xC0);
                    if (sof >= 0 && sof + 12 < d.length) d[sof + 11 + 3 * rnd.nextInt(Math.max(1, Math.min(3, (d.length - sof - 11) / 3)))] = (byte) rnd.nextInt(256);
                }
            }
        }
        return d;
    }

    private static byte[] insert(byte[] d, int at, byte[] what) {
        byte[] out = new byte[d.length + what.length];
        System.arraycopy(d, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(d, at, out, at + what.length, d.length - at);
        return out;
    }

    /** A random marker segment before the scan: {start, end}, or null. */
    private static int[] segment(byte[] d, Random rnd) {
        List<int[]> segs = new ArrayList<>();
        int p = 2;
        while (p + 4 <= d.length && (d[p] & 0xFF) == 0xFF) {
            int m = d[p + 1] & 0xFF;
            int len = (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
            if (p + 2 + len > d.length || len < 2) break;
            segs.add(new int[] {p, p + 2 + len});
            if (m == 0xDA) break;
            p += 2 + len;
        }
        return segs.isEmpty() ? null : segs.get(rnd.nextInt(segs.size()));
    }

    private static int sosEnd(byte[] d) {
        int sos = find(d, 0xDA);
        return sos < 0 || sos + 4 > d.length ? d.length : sos + 2 + ((d[sos + 2] & 0xFF) << 8 | (d[sos + 3] & 0xFF));
    }

    private static int find(byte[] d, int marker) {
        for (int i = 0; i + 1 < d.length; i++) if ((d[i] & 0xFF) == 0xFF && (d[i + 1] & 0xFF) == marker) return i;
        return -1;
    }
}

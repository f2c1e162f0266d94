package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;

/**
 * JPEG encoding by both implementations, checked by decoding with PIL (libjpeg-turbo) and with our
 * decoders; and streams PIL writes (JFIF YCbCr, every subsampling, gray) decoded by ours.
 */
class JpegEncodeTest {
    /** Sizes that are and are not multiples of the 8 and 16 pixel blocks. */
    private static final int[][] SIZES = {{1, 1}, {7, 13}, {16, 16}, {33, 17}, {240, 240}, {255, 257}};

    @TempDir Path dir;

    private record Case(String name, Raster source, ChromaSubsampling subsampling, byte[] jpeg) {}

    /** PIL's decoding of each file: RGB or L, as the stream says. */
    private List<Raster> pilDecode(List<Path> files, boolean rawYCbCr) {
        ReferenceTools.requirePythonModules("PIL", "numpy");
        String script = """
                import sys, numpy as np
                from PIL import Image
                raw = sys.argv[1] == 'ycc'
                for path in sys.argv[2:]:
                    im = Image.open(path)
                    if raw and im.mode == 'RGB':
                        im.draft('YCbCr', im.size)  # components as stored, upsampled, not converted
                    open(path + '.raw', 'wb').write(np.asarray(im).tobytes())
                """;
        List<Object> args = new ArrayList<>();
        args.add(rawYCbCr ? "ycc" : "rgb");
        args.addAll(files);
        ReferenceTools.python(script, args.toArray()).requireSuccess("PIL JPEG decoding");
        List<Raster> out = new ArrayList<>();
        try {
            for (Path f : files) {
                JpegStreams.Header h = JpegStreams.header(Files.readAllBytes(f));
                Raster r = Raster.create(PixelType.UINT8, h.width(), h.height(), h.componentCount());
                byte[] raw = Files.readAllBytes(Path.of(f + ".raw"));
                assertThat(raw).hasSize(r.sampleCount());
                System.arraycopy(raw, 0, r.bytes(), 0, raw.length);
                out.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Path write(String name, byte[] data) {
        try {
            return Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Raster decode(JpegCodec codec, byte[] jpeg, JpegColour colour) {
        JpegStreams.Header h = JpegStreams.header(jpeg);
        Raster r = Raster.create(PixelType.UINT8, h.width(), h.height(), h.componentCount());
        codec.decode(jpeg, colour, r);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void encodedStreamsDecodeInPilAndInOurDecoders(String name) {
        JpegCodec encoder = CodecFixtures.jpeg(name);
        List<Case> cases = new ArrayList<>();
        for (int[] size : SIZES) {
            for (ChromaSubsampling s : ChromaSubsampling.values()) {
                Raster src = CodecFixtures.image(size[0], size[1], 3, size[0] * 31L + s.ordinal());
                cases.add(new Case(size[0] + "x" + size[1] + " " + s, src, s, encoder.encode(src, 90, s)));
            }
            Raster gray = CodecFixtures.image(size[0], size[1], 1, size[1]);
            cases.add(new Case(size[0] + "x" + size[1] + " gray", gray, null, encoder.encode(gray, 90, ChromaSubsampling.S420)));
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) files.add(write(name + "-" + i + ".jpg", cases.get(i).jpeg()));
        List<Raster> pil = pilDecode(files, false);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String what = name + " " + c.name();
            JpegStreams.Header h = JpegStreams.header(c.jpeg());
            assertThat(h.sofMarker()).as("%s baseline", what).isEqualTo(0xC0);
            assertThat(h.componentCount()).as(what).isEqualTo(c.source().bands());
            if (c.subsampling() != null) {
                assertThat(h.components().get(0)).as(what).isEqualTo(
                        new JpegStreams.Component(h.components().get(0).id(), c.subsampling().horizontal(), c.subsampling().vertical()));
                assertThat(h.components().get(1).horizontalSampling()).as(what).isEqualTo(1);
                assertThat(h.impliedColour()).as(what).isEqualTo(JpegColour.YCBCR);
            }
            Raster ref = pil.get(i);
            if (c.source().width() >= 64) {
                PixelDiff err = PixelDiff.of(ref, c.source());
                assertThat(err.worstBandMean()).as("%s: quality 90 error %s", what, err).isLessThan(2.0);
            }
            for (String decoder : new String[] {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG}) {
                PixelDiff.of(decode(CodecFixtures.jpeg(decoder), c.jpeg(), JpegColour.YCBCR), ref)
                        .assertWithinCodecTolerance(what + ", decoded by " + decoder + " against PIL");
            }
        }
    }

    @Test
    void qualityTradesSizeForError() {
        JpegCodec codec = CodecFixtures.jpeg(CodecFixtures.IMAGEIO);
        Raster src = CodecFixtures.image(256, 256, 3, 9);
        byte[] low = codec.encode(src, 40, ChromaSubsampling.S420), high = codec.encode(src, 95, ChromaSubsampling.S420);
        assertThat(low.length).isLessThan(high.length / 2);
        double lowErr = PixelDiff.of(decode(codec, low, JpegColour.YCBCR), src).worstBandMean();
        double highErr = PixelDiff.of(decode(codec, high, JpegColour.YCBCR), src).worstBandMean();
        assertThat(highErr).isLessThan(lowErr);
    }

    @Test
    void bothEncodersMakeTheSamePixels() {
        JpegCodec imageio = CodecFixtures.jpeg(CodecFixtures.IMAGEIO), turbo = CodecFixtures.jpeg(CodecFixtures.TURBO);
        for (ChromaSubsampling s : ChromaSubsampling.values()) {
            Raster src = CodecFixtures.image(200, 120, 3, s.ordinal());
            Raster a = decode(imageio, imageio.encode(src, 85, s), JpegColour.YCBCR);
            Raster b = decode(imageio, turbo.encode(src, 85, s), JpegColour.YCBCR);
            PixelDiff.of(a, b).assertWithinCodecTolerance(s.toString());
        }
    }

    /**
     * Streams PIL writes (JFIF, YCbCr, 4:4:4 / 4:2:2 / 4:2:0, gray, progressive), decoded as
     * YCbCr; the
     * same streams without their JFIF marker (libjpeg then guesses from the component ids); and
     * decoded as RGB, which must return the stored components untouched, as PIL's YCbCr draft mode
     * does, whatever the subsampling.
     */
    @Test
    void pilStreamsDecodeAsPilDecodesThem() {
        ReferenceTools.requirePythonModules("PIL", "numpy");
        Raster rgb = CodecFixtures.image(123, 77, 3, 4), gray = CodecFixtures.image(123, 77, 1, 5);
        Path rgbRaw = write("src.rgb", rgb.bytes()), grayRaw = write("src.gray", gray.bytes());
        ReferenceTools.python("""
                import sys, numpy as np
                from PIL import Image
                rgb, gray, out = sys.argv[1], sys.argv[2], sys.argv[3]
                a = np.frombuffer(open(rgb, 'rb').read(), 'u1').reshape(77, 123, 3)
                for s in (0, 1, 2):
                    Image.fromarray(a, 'RGB').save(f'{out}/pil-{s}.jpg', 'JPEG', quality=88, subsampling=s)
                g = np.frombuffer(open(gray, 'rb').read(), 'u1').reshape(77, 123)
                Image.fromarray(g, 'L').save(f'{out}/pil-gray.jpg', 'JPEG', quality=88)
                Image.fromarray(a, 'RGB').save(f'{out}/pil-progressive.jpg', 'JPEG', quality=88, progressive=True)
                """, rgbRaw, grayRaw, dir).requireSuccess("PIL JPEG encoding");
        List<Path> files = List.of(dir.resolve("pil-0.jpg"), dir.resolve("pil-1.jpg"), dir.resolve("pil-2.jpg"), dir.resolve("pil-gray.jpg"),
                dir.resolve("pil-progressive.jpg"));
        List<Raster> pil = pilDecode(files, false);
        List<Raster> pilRaw = pilDecode(files, true);
        for (String name : new String[] {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG}) {
            JpegCodec codec = CodecFixtures.jpeg(name);
            for (int i = 0; i < files.size(); i++) {
                byte[] jpeg = readAll(files.get(i));
                String what = name + " " + files.get(i).getFileName();
                PixelDiff.of(decode(codec, jpeg, JpegColour.YCBCR), pil.get(i)).assertExact(what);
                PixelDiff.of(decode(codec, withoutJfif(jpeg), JpegColour.YCBCR), pil.get(i)).assertExact(what + " without JFIF");
                PixelDiff.of(decode(codec, jpeg, JpegColour.RGB), pilRaw.get(i)).assertExact(what + " as RGB");
            }
        }
    }

    /** The stream with its JFIF APP0 segment removed (it must be the first segment). */
    private static byte[] withoutJfif(byte[] jpeg) {
        assertThat(JpegStreams.header(jpeg).jfif() || JpegStreams.header(jpeg).componentCount() == 1).isTrue();
        if ((jpeg[2] & 0xFF) != 0xFF || (jpeg[3] & 0xFF) != 0xE0) return jpeg;
        int len = (jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF);
        byte[] out = new byte[jpeg.length - 2 - len];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(jpeg, 4 + len, out, 2, jpeg.length - 4 - len);
        assertThat(JpegStreams.header(out).jfif()).isFalse();
        return out;
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

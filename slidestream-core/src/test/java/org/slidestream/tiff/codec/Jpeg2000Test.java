package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.testing.ReferenceTools;

/** JPEG 2000: Aperio 33005 tiles against OpenSlide, and lossless codestreams PIL writes with OpenJPEG. */
class Jpeg2000Test {
    /** Spread over the 18 x 14 tile grid of the TCGA slide, with edge tiles. */
    private static final int[] TILES = {0, 17, 40, 77, 100, 130, 151, 200, 234, 251};
    private static SlideTiles slide;

    /** A source image and PIL's lossless JPEG 2000 encoding of it. */
    private record Fixture(Raster source, byte[] data) {}

    /** name -> PIL mode (RGB, L, I;16) and container, made in one Python run. */
    private static final Map<String, Fixture> PIL = new HashMap<>();

    @BeforeAll
    static void encodeWithPil(@TempDir Path dir) throws IOException {
        Raster ycc = toYCbCr(CodecFixtures.image(96, 80, 3, 11));
        Raster wide = Raster.create(PixelType.UINT16, 70, 45, 1);
        for (int i = 0; i < 70 * 45; i++) wide.setAt(i, (i * 977L) % 65_536);
        Map<String, Raster> sources = Map.of(
                "rgb", CodecFixtures.image(150, 97, 3, 8), "gray", CodecFixtures.image(150, 97, 1, 6),
                "u16", wide, "ycc", ycc, "jp2", CodecFixtures.image(81, 66, 3, 8), "small", CodecFixtures.image(40, 30, 3, 2));
        ReferenceTools.requirePythonModules("PIL", "numpy");
        List<Object> args = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Raster r = e.getValue();
            Files.write(dir.resolve(e.getKey() + ".raw"), r.toBytes(ByteOrder.LITTLE_ENDIAN));
            String mode = r.type() == PixelType.UINT16 ? "I;16" : r.bands() == 3 ? "RGB" : "L";
            args.add(String.join(",", dir.resolve(e.getKey()).toString(), mode, "" + r.width(), "" + r.height(), "" + e.getKey().equals("jp2")));
        }
        // Images wider than 64 are cut into 64 x 64 J2K tiles, except 16-bit ones, which PIL itself
        // does not read back correctly when tiled.
        ReferenceTools.python("""
                import sys, numpy as np
                from PIL import Image
                for job in sys.argv[1:]:
                    base, mode, w, h, jp2 = job.split(',')
                    w, h, jp2 = int(w), int(h), jp2 == 'true'
                    shape = (h, w, 3) if mode == 'RGB' else (h, w)
                    a = np.frombuffer(open(base + '.raw', 'rb').read(), '<u2' if mode == 'I;16' else 'u1').reshape(shape)
                    Image.fromarray(a, mode).save(base + '.out', 'JPEG2000', irreversible=False, mct=0, no_jp2=not jp2,
                                                 tile_size=(64, 64) if w > 64 and mode != 'I;16' else None)
                """, args.toArray()).requireSuccess("PIL JPEG 2000 encoding");
        for (var e : sources.entrySet()) {
            PIL.put(e.getKey(), new Fixture(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey() + ".out"))));
        }
    }

    private static SlideTiles slide() {
        if (slide == null) slide = SlideTiles.load("tcga-cr-7395-01a-01-ts1.svs", TILES);
        return slide;
    }

    private static Raster decode(String codec, Fixture f, JpegColour colour) {
        Raster out = Raster.create(f.source().type(), f.source().width(), f.source().height(), f.source().bands());
        CodecFixtures.jpeg2000(codec).decode(f.data(), colour, out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void aperioRgbTilesMatchOpenSlide(String name) {
        Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
        for (SlideTiles.Tile t : slide().tiles()) {
            Raster r = slide().newTileRaster();
            codec.decode(t.data(), JpegColour.RGB, r);
            PixelDiff d = PixelDiff.of(r, t.reference()).assertWithinCodecTolerance(name + " tile " + t.index());
            if (name.equals(CodecFixtures.OPENJPEG)) {
                // OpenSlide uses the system's OpenJPEG (2.5.0 on Debian 12); the bundled 2.5.4 rounds a
                // handful of samples of a tile one level apart.
                assertThat(d.max()).as("OpenJPEG against OpenSlide's OpenJPEG, tile %d: %s", t.index(), d).isLessThanOrEqualTo(1);
                assertThat(d.worstBandMean()).as("tile %d: %s", t.index(), d).isLessThan(0.001);
            }
        }
    }

    @Test
    void openJpegRegionsAreThePixelsOfAWholeDecodeAtEveryResolution() {
        Jpeg2000Codec openjpeg = CodecFixtures.jpeg2000(CodecFixtures.OPENJPEG);
        Jpeg2000Codec jai = CodecFixtures.jpeg2000(CodecFixtures.JAI);
        java.util.Random rnd = new java.util.Random(5);
        for (SlideTiles.Tile t : slide().tiles().subList(0, 4)) {
            Raster full = slide().newTileRaster();
            openjpeg.decode(t.data(), JpegColour.RGB, full);
            for (int i = 0; i < 6; i++) {
                int x = rnd.nextInt(full.width()), y = rnd.nextInt(full.height());
                org.slidestream.image.Region r = new org.slidestream.image.Region(x, y, 1 + rnd.nextInt(full.width() - x), 1 + rnd.nextInt(full.height() - y));
                Raster part = Raster.create(full.type(), r.width() + 2, r.height() + 1, 3);
                openjpeg.decode(t.data(), JpegColour.RGB, 1, r, part, 2, 1);
                assertThat(part.crop(new org.slidestream.image.Region(2, 1, r.width(), r.height())).contentEquals(full.crop(r)))
                        .as("tile %d region %s", t.index(), r).isTrue();
            }
            // A reduction is the wavelet's low-pass at a lower resolution level (not a box average,
            // from which it differs by half a pixel's shift): a part of it is that part of the whole.
            for (int reduction : new int[] {2, 4}) {
                int w = Math.ceilDiv(full.width(), reduction), h = Math.ceilDiv(full.height(), reduction);
                Raster all = Raster.create(full.type(), w, h, 3);
                openjpeg.decode(t.data(), JpegColour.RGB, reduction, new org.slidestream.image.Region(0, 0, w, h), all, 0, 0);
                org.slidestream.image.Region r = new org.slidestream.image.Region(w / 4, h / 3, w / 2, h / 2);
                Raster part = Raster.create(full.type(), r.width(), r.height(), 3);
                openjpeg.decode(t.data(), JpegColour.RGB, reduction, r, part, 0, 0);
                assertThat(part.contentEquals(all.crop(r))).as("tile %d reduced %d, region %s", t.index(), reduction, r).isTrue();
                if (reduction == 2) {
                    Raster box = Raster.create(full.type(), w, h, 3);
                    jai.decode(t.data(), JpegColour.RGB, reduction, new org.slidestream.image.Region(0, 0, w, h), box, 0, 0);
                    assertThat(PixelDiff.of(all, box).worstBandMean()).as("tile %d reduced %d", t.index(), reduction).isLessThan(12.0);
                }
            }
        }
    }

    @Test
    void bothImplementationsAgreeOnSlideTiles() {
        Jpeg2000Codec opj = CodecFixtures.jpeg2000(CodecFixtures.OPENJPEG), jai = CodecFixtures.jpeg2000(CodecFixtures.JAI);
        for (SlideTiles.Tile t : slide().tiles()) {
            Raster a = slide().newTileRaster(), b = slide().newTileRaster();
            opj.decode(t.data(), JpegColour.RGB, a);
            jai.decode(t.data(), JpegColour.RGB, b);
            PixelDiff.of(a, b).assertWithinCodecTolerance("tile " + t.index());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void losslessRgbGrayAndJp2AreExact(String name) {
        for (String f : new String[] {"rgb", "gray", "jp2"}) {
            PixelDiff.of(decode(name, PIL.get(f), JpegColour.RGB), PIL.get(f).source()).assertExact(name + " " + f);
        }
        assertThat(Jpeg2000Header.parse(PIL.get("jp2").data()).jp2()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void sixteenBitIsExact(String name) {
        Fixture f = PIL.get("u16");
        assertThat(decode(name, f, JpegColour.RGB).contentEquals(f.source())).as(name).isTrue();
        Raster eightBit = Raster.create(PixelType.UINT8, f.source().width(), f.source().height(), 1);
        assertThatThrownBy(() -> CodecFixtures.jpeg2000(name).decode(f.data(), JpegColour.RGB, eightBit))
                .isInstanceOf(CodecException.class).hasMessageContaining("16-bit");
    }

    /**
     * Aperio 33003: the codestream holds Y, Cb, Cr without a component transform. The result must
     * be OpenSlide's conversion of exactly those samples.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void ycbcrComponentsAreConvertedAsOpenSlideDoes(String name) {
        Fixture f = PIL.get("ycc");
        int w = f.source().width(), h = f.source().height();
        Raster expected = f.source().crop(new Region(0, 0, w, h));
        YCbCr.aperioToRgb(expected.bytes(), 0, w * h);
        Raster out = decode(name, f, JpegColour.YCBCR);
        PixelDiff.of(out, expected).assertExact(name);
        PixelDiff.of(out, CodecFixtures.image(96, 80, 3, 11)).assertWithinCodecTolerance(name + " against the RGB before the YCbCr round trip");
    }

    /** RGB to full-range YCbCr (JFIF, ITU-R BT.601), rounded. */
    private static Raster toYCbCr(Raster rgb) {
        Raster out = Raster.create(PixelType.UINT8, rgb.width(), rgb.height(), 3);
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                double r = rgb.get(x, y, 0), g = rgb.get(x, y, 1), b = rgb.get(x, y, 2);
                out.set(x, y, 0, 0.299 * r + 0.587 * g + 0.114 * b);
                out.set(x, y, 1, 128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
                out.set(x, y, 2, 128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
            }
        }
        return out;
    }

    @Test
    void headerIsReadBeforeDecoding() {
        byte[] j2k = PIL.get("small").data();
        assertThat(Jpeg2000Header.parse(j2k)).isEqualTo(new Jpeg2000Header(40, 30, 3, 8, false, 0, false));
        // The same codestream in a minimal JP2 wrapper: signature box, then the codestream box.
        ByteBuffer jp2 = ByteBuffer.allocate(12 + 8 + j2k.length);
        jp2.put(new byte[] {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, (byte) 0x87, 10});
        jp2.putInt(8 + j2k.length).put(new byte[] {'j', 'p', '2', 'c'}).put(j2k);
        assertThat(Jpeg2000Header.parse(jp2.array())).isEqualTo(new Jpeg2000Header(40, 30, 3, 8, false, 20, true));
        assertThatThrownBy(() -> Jpeg2000Header.parse(java.util.Arrays.copyOf(j2k, j2k.length - 20)))
                .isInstanceOf(CodecException.class).hasMessageContaining("truncated");
    }
}

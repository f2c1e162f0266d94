package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;

/** JPEG 2000: Aperio 33005 tiles against OpenSlide, and lossless codestreams PIL writes with OpenJPEG. */
class Jpeg2000Test {
    /** Spread over the 18 x 14 tile grid of the TCGA slide, with edge tiles. */
    private static final int[] TILES = {0, 17, 40, 77, 100, 130, 151, 200, 234, 251};

    @TempDir Path dir;

    @Test
    void aperioRgbTilesMatchOpenSlide() {
        SlideTiles slide = SlideTiles.load("tcga-cr-7395-01a-01-ts1.svs", TILES);
        boolean opj = Codecs.nativeJpeg2000Available();
        for (String name : opj ? new String[] {CodecFixtures.JAI, CodecFixtures.OPENJPEG} : new String[] {CodecFixtures.JAI}) {
            Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
            for (SlideTiles.Tile t : slide.tiles()) {
                Raster r = slide.newTileRaster();
                codec.decode(t.data(), JpegColour.RGB, r);
                PixelDiff d = PixelDiff.of(r, t.reference()).assertWithinCodecTolerance(name + " tile " + t.index());
                if (name.equals(CodecFixtures.OPENJPEG)) d.assertExact("OpenJPEG is what OpenSlide uses; tile " + t.index());
            }
        }
        CodecFixtures.jpeg2000(CodecFixtures.OPENJPEG); // report the native half as skipped (or failed on CI) when absent
    }

    /**
     * Writes a lossless codestream of {@code raw} (interleaved) with PIL; mode is a PIL mode (RGB, L,
     * I;16). Images wider than 64 are cut into 64 x 64 J2K tiles, except 16-bit ones, which PIL
     * itself does not read back correctly when tiled.
     */
    private Path pilLossless(byte[] raw, int width, int height, String mode) {
        return pilLossless(raw, width, height, mode, false);
    }

    private Path pilLossless(byte[] raw, int width, int height, String mode, boolean jp2) {
        ReferenceTools.requirePythonModules("PIL", "numpy");
        try {
            Path in = dir.resolve("raw-" + mode.replace(';', '_')), out = dir.resolve("out-" + mode.replace(';', '_') + (jp2 ? ".jp2" : ".j2k"));
            Files.write(in, raw);
            ReferenceTools.python("""
                    import sys, numpy as np
                    from PIL import Image
                    raw, w, h, mode, out, jp2 = open(sys.argv[1], 'rb').read(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6] == 'true'
                    shape = {'RGB': (h, w, 3), 'L': (h, w), 'I;16': (h, w)}[mode]
                    a = np.frombuffer(raw, dtype='<u2' if mode == 'I;16' else 'u1').reshape(shape)
                    Image.fromarray(a, mode).save(out, 'JPEG2000', irreversible=False, mct=0, no_jp2=not jp2,
                                                 tile_size=(64, 64) if w > 64 and mode != 'I;16' else None)
                    """, in, width, height, mode, out, jp2).requireSuccess("PIL JPEG 2000 encoding");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void losslessRgbAndGrayAreExact(String name) {
        Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
        for (int bands : new int[] {3, 1}) {
            Raster src = CodecFixtures.image(150, 97, bands, 5 + bands);
            byte[] j2k = read(pilLossless(src.bytes(), 150, 97, bands == 3 ? "RGB" : "L"));
            Raster out = Raster.create(PixelType.UINT8, 150, 97, bands);
            codec.decode(j2k, JpegColour.RGB, out);
            PixelDiff.of(out, src).assertExact(name + " " + bands + " bands");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void jp2FilesToo(String name) {
        Raster src = CodecFixtures.image(81, 66, 3, 8);
        byte[] jp2 = read(pilLossless(src.bytes(), 81, 66, "RGB", true));
        assertThat(Jpeg2000Header.parse(jp2).jp2()).isTrue();
        Raster out = Raster.create(PixelType.UINT8, 81, 66, 3);
        CodecFixtures.jpeg2000(name).decode(jp2, JpegColour.RGB, out);
        PixelDiff.of(out, src).assertExact(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void sixteenBitIsExact(String name) {
        Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
        int w = 70, h = 45;
        Raster src = Raster.create(PixelType.UINT16, w, h, 1);
        for (int i = 0; i < w * h; i++) src.setAt(i, (i * 977L) % 65_536);
        byte[] j2k = read(pilLossless(src.toBytes(ByteOrder.LITTLE_ENDIAN), w, h, "I;16"));
        Raster out = Raster.create(PixelType.UINT16, w, h, 1);
        codec.decode(j2k, JpegColour.RGB, out);
        assertThat(out.contentEquals(src)).as(name).isTrue();
        Raster eightBit = Raster.create(PixelType.UINT8, w, h, 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(j2k, JpegColour.RGB, eightBit))
                .isInstanceOf(CodecException.class).hasMessageContaining("16-bit");
    }

    /**
     * Aperio 33003: the codestream holds Y, Cb, Cr without a component transform. The result must
     * be OpenSlide's conversion of exactly those samples.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void ycbcrComponentsAreConvertedAsOpenSlideDoes(String name) {
        Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
        int w = 96, h = 80;
        Raster rgb = CodecFixtures.image(w, h, 3, 11);
        Raster ycc = toYCbCr(rgb);
        byte[] j2k = read(pilLossless(ycc.bytes(), w, h, "RGB"));
        Raster out = Raster.create(PixelType.UINT8, w, h, 3);
        codec.decode(j2k, JpegColour.YCBCR, out);
        Raster expected = ycc.crop(new org.slidestream.image.Region(0, 0, w, h));
        YCbCr.aperioToRgb(expected.bytes(), 0, w * h);
        PixelDiff.of(out, expected).assertExact(name);
        PixelDiff.of(out, rgb).assertWithinCodecTolerance(name + " against the RGB before the YCbCr round trip");
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
    void bothImplementationsAgreeOnSlideTiles() {
        SlideTiles slide = SlideTiles.load("tcga-cr-7395-01a-01-ts1.svs", 40, 130, 251);
        Jpeg2000Codec opj = CodecFixtures.jpeg2000(CodecFixtures.OPENJPEG);
        Jpeg2000Codec jai = CodecFixtures.jpeg2000(CodecFixtures.JAI);
        for (SlideTiles.Tile t : slide.tiles()) {
            Raster a = slide.newTileRaster(), b = slide.newTileRaster();
            opj.decode(t.data(), JpegColour.RGB, a);
            jai.decode(t.data(), JpegColour.RGB, b);
            PixelDiff.of(a, b).assertWithinCodecTolerance("tile " + t.index());
        }
    }

    @Test
    void headerIsReadBeforeDecoding() {
        Raster src = CodecFixtures.image(40, 30, 3, 2);
        byte[] j2k = read(pilLossless(src.bytes(), 40, 30, "RGB"));
        Jpeg2000Header h = Jpeg2000Header.parse(j2k);
        assertThat(h).isEqualTo(new Jpeg2000Header(40, 30, 3, 8, false, 0, false));
        // The same codestream in a minimal JP2 wrapper: signature box, then the codestream box.
        ByteBuffer jp2 = ByteBuffer.allocate(12 + 8 + j2k.length);
        jp2.put(new byte[] {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, (byte) 0x87, 10});
        jp2.putInt(8 + j2k.length).put(new byte[] {'j', 'p', '2', 'c'}).put(j2k);
        assertThat(Jpeg2000Header.parse(jp2.array())).isEqualTo(new Jpeg2000Header(40, 30, 3, 8, false, 20, true));
    }
}

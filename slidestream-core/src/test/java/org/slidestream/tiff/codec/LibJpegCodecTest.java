package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * The bundled libjpeg-turbo through its libjpeg API: region decodes (crop and skip) give exactly the
 * pixels of a whole decode, DCT-scaled decodes stay close to box averages, streams outside the
 * subset it is given reach the fallback, and its encoder makes what TurboJPEG makes.
 */
class LibJpegCodecTest {
    private static JpegCodec libjpeg;
    private static SlideTiles aperio;

    @BeforeAll
    static void codec() {
        libjpeg = CodecFixtures.jpeg(CodecFixtures.LIBJPEG);
    }

    private static Raster whole(byte[] jpeg, JpegColour colour, int bands) {
        JpegStreams.Header h = JpegStreams.header(jpeg);
        Raster r = Raster.create(PixelType.UINT8, h.width(), h.height(), bands);
        libjpeg.decode(jpeg, colour, r);
        return r;
    }

    /** Random regions, edges and corners included, of streams of every chroma layout and of odd sizes. */
    @Test
    void regionsAreExactlyThePixelsOfAWholeDecode() {
        Random rnd = new Random(7);
        for (ChromaSubsampling sub : ChromaSubsampling.values()) {
            for (int bands : new int[] {1, 3}) {
                int w = 37 + rnd.nextInt(300), h = 29 + rnd.nextInt(300);
                byte[] jpeg = libjpeg.encode(CodecFixtures.image(w, h, bands, rnd.nextLong()), 80, sub);
                Raster full = whole(jpeg, JpegColour.YCBCR, bands);
                for (int i = 0; i < 40; i++) {
                    Region r = randomRegion(rnd, w, h, i);
                    Raster part = Raster.create(PixelType.UINT8, r.width() + 3, r.height() + 2, bands);
                    libjpeg.decode(jpeg, JpegColour.YCBCR, 1, r, part, 3, 2);
                    assertThat(part.crop(new Region(3, 2, r.width(), r.height())).contentEquals(full.crop(r)))
                            .as("%s, %d bands, %dx%d, region %s", sub, bands, w, h, r).isTrue();
                }
            }
        }
    }

    @Test
    void regionsOfAperioTilesMatchTheirWholeDecode() {
        SlideTiles tiles = aperio();
        Random rnd = new Random(11);
        for (SlideTiles.Tile t : tiles.tiles()) {
            byte[] jpeg = JpegStreams.withTables(tiles.jpegTables(), t.data());
            Raster full = whole(jpeg, JpegColour.RGB, 3);
            for (int i = 0; i < 10; i++) {
                Region r = randomRegion(rnd, full.width(), full.height(), i);
                Raster part = Raster.create(PixelType.UINT8, r.width(), r.height(), 3);
                libjpeg.decode(jpeg, JpegColour.RGB, 1, r, part, 0, 0);
                assertThat(part.contentEquals(full.crop(r))).as("tile %d region %s", t.index(), r).isTrue();
            }
        }
    }

    @Test
    void reducedDecodesAreCloseToBoxAverages() {
        SlideTiles tiles = aperio();
        JpegCodec imageio = CodecFixtures.jpeg(CodecFixtures.IMAGEIO);
        for (SlideTiles.Tile t : tiles.tiles().subList(0, 3)) {
            byte[] jpeg = JpegStreams.withTables(tiles.jpegTables(), t.data());
            for (int reduction : new int[] {2, 4, 8}) {
                int size = JpegCodec.reducedSize(tiles.tileWidth(), reduction);
                Region all = new Region(0, 0, size, JpegCodec.reducedSize(tiles.tileHeight(), reduction));
                Raster dct = Raster.create(PixelType.UINT8, all.width(), all.height(), 3);
                Raster box = Raster.create(PixelType.UINT8, all.width(), all.height(), 3);
                libjpeg.decode(jpeg, JpegColour.RGB, reduction, all, dct, 0, 0);
                imageio.decode(jpeg, JpegColour.RGB, reduction, all, box, 0, 0);
                PixelDiff d = PixelDiff.of(dct, box);
                assertThat(d.worstBandMean()).as("reduction %d: %s", reduction, d).isLessThan(1.5);
                // A part of the reduced image is the same part of the whole reduced decode.
                Region r = new Region(size / 3, size / 4, size / 2, size / 2);
                Raster part = Raster.create(PixelType.UINT8, r.width(), r.height(), 3);
                libjpeg.decode(jpeg, JpegColour.RGB, reduction, r, part, 0, 0);
                assertThat(part.contentEquals(dct.crop(r))).as("reduction %d region %s", reduction, r).isTrue();
            }
        }
    }

    @Test
    void streamsOutsideTheNativeSubsetGoToThePureJavaDecoder() throws Exception {
        byte[] baseline = libjpeg.encode(CodecFixtures.image(64, 48, 3, 5), 85, ChromaSubsampling.S420);
        assertThat(LibJpegStream.of(baseline)).isNotNull();
        byte[] progressive = progressive(CodecFixtures.image(64, 48, 3, 5));
        assertThat(LibJpegStream.of(progressive)).isNull();
        Raster a = Raster.create(PixelType.UINT8, 64, 48, 3), b = Raster.create(PixelType.UINT8, 64, 48, 3);
        libjpeg.decode(progressive, JpegColour.YCBCR, a);
        CodecFixtures.jpeg(CodecFixtures.IMAGEIO).decode(progressive, JpegColour.YCBCR, b);
        assertThat(a.contentEquals(b)).isTrue();
    }

    @Test
    void theRebuiltStreamDecodesAsTheOriginal() {
        SlideTiles tiles = aperio();
        JpegCodec imageio = CodecFixtures.jpeg(CodecFixtures.IMAGEIO);
        for (SlideTiles.Tile t : tiles.tiles()) {
            byte[] jpeg = JpegStreams.withTables(tiles.jpegTables(), t.data(), JpegColour.RGB);
            LibJpegStream.Frame f = LibJpegStream.of(jpeg);
            assertThat(f).isNotNull();
            Raster a = tiles.newTileRaster(), b = tiles.newTileRaster();
            imageio.decode(jpeg, JpegColour.RGB, a);
            imageio.decode(f.stream(), JpegColour.RGB, b);
            assertThat(a.contentEquals(b)).as("tile %d", t.index()).isTrue();
        }
    }

    @Test
    void theEntropyCodedDataEndsAtTheFirstMarkerOtherThanARestart() {
        byte[] jpeg = libjpeg.encode(CodecFixtures.image(96, 80, 3, 4), 90, ChromaSubsampling.S420);
        LibJpegStream.Frame whole = LibJpegStream.of(jpeg);
        assertThat(whole.dataEnd()).as("ends at EOI").isEqualTo(jpeg.length - 2);
        Random rnd = new Random(1);
        for (int i = 0; i < 200; i++) {
            int at = whole.dataStart() + rnd.nextInt(whole.dataEnd() - whole.dataStart());
            while (at > whole.dataStart() && jpeg[at - 1] == (byte) 0xFF) at--; // not inside an FF 00 pair
            int marker = rnd.nextBoolean() ? 0xD0 + rnd.nextInt(8) : 0xC4;
            byte[] d = new byte[jpeg.length + 3];
            System.arraycopy(jpeg, 0, d, 0, at);
            d[at] = (byte) 0xFF;
            d[at + 1] = (byte) 0xFF; // a fill byte
            d[at + 2] = (byte) marker;
            System.arraycopy(jpeg, at, d, at + 3, jpeg.length - at);
            LibJpegStream.Frame f = LibJpegStream.of(d);
            assertThat(f.dataEnd()).as("marker %02X at %d", marker, at).isEqualTo(marker == 0xC4 ? at : d.length - 2);
        }
    }

    @Test
    void encodesAsTurboJpegDoes() {
        JpegCodec turbo = CodecFixtures.jpeg(CodecFixtures.TURBO);
        JpegCodec imageio = CodecFixtures.jpeg(CodecFixtures.IMAGEIO);
        for (ChromaSubsampling sub : ChromaSubsampling.values()) {
            for (int bands : new int[] {1, 3}) {
                Raster src = CodecFixtures.image(203, 117, bands, 9);
                Raster a = Raster.create(PixelType.UINT8, 203, 117, bands), b = Raster.create(PixelType.UINT8, 203, 117, bands);
                imageio.decode(libjpeg.encode(src, 85, sub), JpegColour.YCBCR, a);
                imageio.decode(turbo.encode(src, 85, sub), JpegColour.YCBCR, b);
                assertThat(a.contentEquals(b)).as("%s, %d bands", sub, bands).isTrue();
            }
        }
    }

    @Test
    void regionsOutsideTheImageAreRefused() {
        byte[] jpeg = libjpeg.encode(CodecFixtures.image(64, 48, 3, 5), 85, ChromaSubsampling.S420);
        Raster dest = Raster.create(PixelType.UINT8, 64, 48, 3);
        assertThatThrownBy(() -> libjpeg.decode(jpeg, JpegColour.YCBCR, 1, new Region(10, 10, 60, 10), dest, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside");
        assertThatThrownBy(() -> libjpeg.decode(jpeg, JpegColour.YCBCR, 3, new Region(0, 0, 10, 10), dest, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1, 2, 4 or 8");
        assertThatThrownBy(() -> libjpeg.decode(jpeg, JpegColour.YCBCR, 2, new Region(0, 0, 32, 24), dest, 40, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    /** A progressive JPEG of an RGB raster, written by ImageIO. */
    private static byte[] progressive(Raster rgb) throws java.io.IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(rgb.width(), rgb.height(), java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                img.setRGB(x, y, (int) rgb.get(x, y, 0) << 16 | (int) rgb.get(x, y, 1) << 8 | (int) rgb.get(x, y, 2));
            }
        }
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream ios = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static Region randomRegion(Random rnd, int w, int h, int i) {
        return switch (i) {
            case 0 -> new Region(0, 0, w, h);
            case 1 -> new Region(0, 0, 1, 1);
            case 2 -> new Region(w - 1, h - 1, 1, 1);
            case 3 -> new Region(w / 2, 0, w - w / 2, h);
            case 4 -> new Region(0, h / 2, w, h - h / 2);
            default -> {
                int x = rnd.nextInt(w), y = rnd.nextInt(h);
                yield new Region(x, y, 1 + rnd.nextInt(w - x), 1 + rnd.nextInt(h - y));
            }
        };
    }

    private static synchronized SlideTiles aperio() {
        if (aperio == null) aperio = SlideTiles.load("cmu-1-small-region.svs", 0, 1, 10, 20, 45, 64, 100, 129);
        return aperio;
    }
}

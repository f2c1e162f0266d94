package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * Damaged data must end in a CodecException or in pixels, never in another exception, a crash of
 * the native library (which would kill this JVM) or a hang.
 */
class DamagedStreamsTest {

    private static void decodeOrCodecException(Runnable decode, String what) {
        try {
            decode.run();
        } catch (CodecException expected) {
            // the only acceptable failure
        } catch (RuntimeException | Error e) {
            fail(what + ": " + e, e);
        }
    }

    private static int[] truncations(int length) {
        return new int[] {0, 1, 2, 3, 4, 10, 50, 100, 200, 400, length / 4, length / 2, length - 100, length - 10, length - 3, length - 2, length - 1};
    }

    private static byte[] flipped(byte[] data, Random rnd, int from, int count) {
        byte[] d = data.clone();
        for (int i = 0; i < count; i++) d[from + rnd.nextInt(d.length - from)] ^= (byte) (1 + rnd.nextInt(255));
        return d;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void damagedJpeg(String name) {
        JpegCodec codec = CodecFixtures.jpeg(name);
        Raster src = CodecFixtures.image(240, 240, 3, 3);
        byte[] jpeg = codec.encode(src, 85, ChromaSubsampling.S420);
        Raster dest = Raster.create(PixelType.UINT8, 240, 240, 3);
        for (int n : truncations(jpeg.length)) {
            byte[] cut = Arrays.copyOf(jpeg, n);
            decodeOrCodecException(() -> codec.decode(cut, JpegColour.YCBCR, dest), name + " cut at " + n);
        }
        // A stream cut inside its entropy-coded data is damaged, not a half-gray tile.
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(jpeg, jpeg.length / 2), JpegColour.YCBCR, dest))
                .isInstanceOf(CodecException.class);
        Random rnd = new Random(42);
        for (int i = 0; i < 60; i++) {
            boolean header = i % 2 == 0;
            byte[] bad = header ? flipped(Arrays.copyOf(jpeg, jpeg.length), rnd, 2, 1 + rnd.nextInt(3)) : flipped(jpeg, rnd, 700, 1 + rnd.nextInt(8));
            if (header) System.arraycopy(jpeg, 700, bad, 700, jpeg.length - 700);
            decodeOrCodecException(() -> codec.decode(bad, JpegColour.YCBCR, dest), name + " corruption " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void sizesAreCheckedBeforeDecoding(String name) {
        JpegCodec codec = CodecFixtures.jpeg(name);
        byte[] jpeg = codec.encode(CodecFixtures.image(64, 48, 3, 1), 85, ChromaSubsampling.S420);
        int sof = sofOffset(jpeg);
        byte[] huge = jpeg.clone();
        huge[sof + 5] = huge[sof + 6] = huge[sof + 7] = huge[sof + 8] = (byte) 0xFF; // 65535 x 65535
        assertThatThrownBy(() -> codec.decode(huge, JpegColour.YCBCR, Raster.create(PixelType.UINT8, 64, 48, 3)))
                .isInstanceOf(CodecException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> codec.decode(jpeg, JpegColour.YCBCR, Raster.create(PixelType.UINT8, 63, 48, 3)))
                .isInstanceOf(CodecException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> codec.decode(jpeg, JpegColour.YCBCR, Raster.create(PixelType.UINT8, 64, 48, 1)))
                .isInstanceOf(CodecException.class).hasMessageContaining("3 components");
        byte[] progressiveArithmetic = jpeg.clone();
        progressiveArithmetic[sof + 1] = (byte) 0xCA;
        assertThatThrownBy(() -> codec.decode(progressiveArithmetic, JpegColour.YCBCR, Raster.create(PixelType.UINT8, 64, 48, 3)))
                .isInstanceOf(CodecException.class).hasMessageContaining("unsupported JPEG process");
    }

    private static int sofOffset(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) return i;
        }
        throw new AssertionError("no SOF0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.JAI, CodecFixtures.OPENJPEG})
    void damagedJpeg2000(String name) {
        Jpeg2000Codec codec = CodecFixtures.jpeg2000(name);
        SlideTiles slide = SlideTiles.load("tcga-cr-7395-01a-01-ts1.svs", 130);
        byte[] j2k = slide.tiles().getFirst().data();
        Raster dest = slide.newTileRaster();
        for (int n : truncations(j2k.length)) {
            byte[] cut = Arrays.copyOf(j2k, n);
            decodeOrCodecException(() -> codec.decode(cut, JpegColour.RGB, dest), name + " cut at " + n);
        }
        Random rnd = new Random(7);
        int variants = name.equals(CodecFixtures.JAI) ? 12 : 60; // JJ2000 is slow
        for (int i = 0; i < variants; i++) {
            byte[] bad = i % 3 == 0 ? flipped(j2k, rnd, 2, 1) : flipped(j2k, rnd, 200, 1 + rnd.nextInt(8));
            decodeOrCodecException(() -> codec.decode(bad, JpegColour.RGB, dest), name + " corruption " + i);
        }
        byte[] huge = j2k.clone();
        Arrays.fill(huge, 8, 16, (byte) 0x7F); // SIZ Xsiz, Ysiz
        assertThatThrownBy(() -> codec.decode(huge, JpegColour.RGB, dest)).isInstanceOf(CodecException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> codec.decode(new byte[] {1, 2, 3, 4, 5, 6}, JpegColour.RGB, dest)).isInstanceOf(CodecException.class);
    }
}

package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class ByteCodecTest {

    private static byte[] sample(int n, int kind, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = switch (kind) {
                case 0 -> (byte) r.nextInt(256);                 // noise: table fills, many Clear codes
                case 1 -> (byte) ((i / 37) % 5);                  // long runs
                default -> (byte) (Math.sin(i * 0.01) * 60 + r.nextInt(8)); // image-like
            };
        }
        return b;
    }

    @Property(tries = 60)
    void everyByteCodecRoundTrips(@ForAll @IntRange(min = 0, max = 70_000) int n, @ForAll @IntRange(min = 0, max = 2) int kind) {
        byte[] src = sample(n, kind, n * 31L + kind);
        for (Compression c : new Compression[] {Compression.NONE, Compression.LZW, Compression.DEFLATE, Compression.ZSTD, Compression.PACKBITS}) {
            ByteCodec codec = ByteCodec.of(c);
            byte[] enc = codec.encode(src, -1);
            assertThat(codec.decode(enc, src.length)).as("%s n=%d kind=%d", c, n, kind).isEqualTo(src);
        }
    }

    @Test
    void lzwCompressesRepetitiveData() {
        byte[] src = sample(100_000, 1, 1);
        assertThat(ByteCodec.of(Compression.LZW).encode(src, -1).length).isLessThan(src.length / 10);
    }

    @Test
    void truncatedStreamsArePaddedNotOverrun() {
        byte[] src = sample(50_000, 2, 7);
        for (Compression c : new Compression[] {Compression.LZW, Compression.DEFLATE, Compression.PACKBITS}) {
            ByteCodec codec = ByteCodec.of(c);
            byte[] enc = codec.encode(src, -1);
            byte[] half = java.util.Arrays.copyOf(enc, enc.length / 2);
            byte[] dec = codec.decode(half, src.length);
            assertThat(dec).hasSize(src.length);
        }
    }

    @Test
    void garbageGivesACodecException() {
        byte[] junk = new byte[100];
        new Random(3).nextBytes(junk);
        junk[0] = (byte) 0xFF; // LZW: first 9-bit code is 511, not a literal
        junk[1] = (byte) 0x80;
        assertThatThrownBy(() -> ByteCodec.of(Compression.LZW).decode(junk, 10_000)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> ByteCodec.of(Compression.DEFLATE).decode(junk, 10_000)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> ByteCodec.of(Compression.ZSTD).decode(junk, 10_000)).isInstanceOf(CodecException.class);
    }

    @Property(tries = 40)
    void horizontalPredictorRoundTrips(@ForAll @IntRange(min = 1, max = 300) int w, @ForAll @IntRange(min = 1, max = 20) int h,
                                       @ForAll @IntRange(min = 1, max = 4) int spp) {
        for (PixelType t : new PixelType[] {PixelType.UINT8, PixelType.UINT16, PixelType.INT32}) {
            Raster r = Raster.create(t, w, h, spp);
            Random rnd = new Random(w * 1000L + h);
            for (int i = 0; i < r.sampleCount(); i++) r.setAt(i, rnd.nextInt(200));
            Raster copy = r.crop(new org.slidestream.image.Region(0, 0, w, h));
            Predictor.applyHorizontal(copy);
            Predictor.undoHorizontal(copy);
            assertThat(copy.contentEquals(r)).isTrue();
        }
    }

    @Property(tries = 40)
    void floatingPointPredictorRoundTrips(@ForAll @IntRange(min = 1, max = 200) int w, @ForAll @IntRange(min = 1, max = 10) int h,
                                          @ForAll @IntRange(min = 1, max = 3) int spp) {
        Raster r = Raster.create(PixelType.FLOAT32, w, h, spp);
        Random rnd = new Random(w + 17L * h);
        for (int i = 0; i < r.sampleCount(); i++) r.setAt(i, rnd.nextGaussian() * 1e3);
        byte[] be = r.toBytes(java.nio.ByteOrder.BIG_ENDIAN);
        byte[] enc = Predictor.applyFloatingPoint(be, w, h, spp, PixelType.FLOAT32);
        assertThat(Predictor.undoFloatingPoint(enc, w, h, spp, PixelType.FLOAT32)).isEqualTo(be);
    }
}

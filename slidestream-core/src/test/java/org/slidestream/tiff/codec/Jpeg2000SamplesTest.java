package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class Jpeg2000SamplesTest {

    private static int[] ramp(int n, int start) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = start + i;
        return a;
    }

    @Test
    void subsampledComponentsAreRepeated() {
        // 5 x 3 image; component 1 is subsampled 2 x 2 (3 x 2 samples), as OpenSlide repeats them.
        Jpeg2000Samples.Plane full = new Jpeg2000Samples.Plane(ramp(15, 0), 5, 3, 1, 1, 8, false);
        Jpeg2000Samples.Plane half = new Jpeg2000Samples.Plane(ramp(6, 100), 3, 2, 2, 2, 8, false);
        Raster out = Raster.create(PixelType.UINT8, 5, 3, 2);
        Jpeg2000Samples.write(List.of(full, half), 5, 3, JpegColour.RGB, out);
        int[][] expected = {{100, 100, 101, 101, 102}, {100, 100, 101, 101, 102}, {103, 103, 104, 104, 105}};
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertThat(out.get(x, y, 0)).isEqualTo(y * 5 + x);
                assertThat(out.get(x, y, 1)).as("(%d,%d)", x, y).isEqualTo(expected[y][x]);
            }
        }
    }

    @Test
    void signedComponentsAreShiftedForUnsignedOutputAndValuesClamped() {
        Jpeg2000Samples.Plane signed = new Jpeg2000Samples.Plane(new int[] {-128, -1, 0, 127}, 4, 1, 1, 1, 8, true);
        Raster u8 = Raster.create(PixelType.UINT8, 4, 1, 1);
        Jpeg2000Samples.write(List.of(signed), 4, 1, JpegColour.RGB, u8);
        assertThat(new double[] {u8.getAt(0), u8.getAt(1), u8.getAt(2), u8.getAt(3)}).containsExactly(0, 127, 128, 255);
        Raster s8 = Raster.create(PixelType.INT8, 4, 1, 1);
        Jpeg2000Samples.write(List.of(signed), 4, 1, JpegColour.RGB, s8);
        assertThat(new double[] {s8.getAt(0), s8.getAt(1), s8.getAt(2), s8.getAt(3)}).containsExactly(-128, -1, 0, 127);
        Jpeg2000Samples.Plane overshoot = new Jpeg2000Samples.Plane(new int[] {-3, 300, 70_000}, 3, 1, 1, 1, 8, false);
        Raster clamped = Raster.create(PixelType.UINT8, 3, 1, 1);
        Jpeg2000Samples.write(List.of(overshoot), 3, 1, JpegColour.RGB, clamped);
        assertThat(new double[] {clamped.getAt(0), clamped.getAt(1), clamped.getAt(2)}).containsExactly(0, 255, 255);
        Raster u16 = Raster.create(PixelType.UINT16, 3, 1, 1);
        Jpeg2000Samples.write(List.of(overshoot), 3, 1, JpegColour.RGB, u16);
        assertThat(new double[] {u16.getAt(0), u16.getAt(1), u16.getAt(2)}).containsExactly(0, 300, 65_535);
    }

    @Test
    void yCbCrUsesOpenSlidesTables() {
        // Values from OpenSlide's generated tables: R_Cr[200] = round(1.402 * 72) = 101,
        // B_Cb[50] = round(1.772 * -78) = -138, G = Y + ((G_Cb[50] + G_Cr[200]) >> 16).
        Raster out = Raster.create(PixelType.UINT8, 1, 1, 3);
        List<Jpeg2000Samples.Plane> planes = List.of(
                new Jpeg2000Samples.Plane(new int[] {120}, 1, 1, 1, 1, 8, false),
                new Jpeg2000Samples.Plane(new int[] {50}, 1, 1, 1, 1, 8, false),
                new Jpeg2000Samples.Plane(new int[] {200}, 1, 1, 1, 1, 8, false));
        Jpeg2000Samples.write(planes, 1, 1, JpegColour.YCBCR, out);
        long gCb = Math.round(65536 * (0.5 - 0.34414 * -78)), gCr = Math.round(65536 * -0.71414 * 72);
        assertThat(out.get(0, 0, 0)).isEqualTo(221);
        assertThat(out.get(0, 0, 1)).isEqualTo(120 + ((gCb + gCr) >> 16));
        assertThat(out.get(0, 0, 2)).isEqualTo(0); // 120 - 138, clamped
    }

    @Test
    void shapesAreCheckedAgainstTheDestination() {
        Raster dest = Raster.create(PixelType.UINT8, 256, 256, 3);
        assertThatThrownBy(() -> Jpeg2000Samples.requireFits(257, 10, 3, 8, dest)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> Jpeg2000Samples.requireFits(10, 10, 4, 8, dest)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> Jpeg2000Samples.requireFits(10, 10, 3, 12, dest)).isInstanceOf(CodecException.class);
        Jpeg2000Samples.requireFits(256, 256, 3, 8, dest);
    }
}

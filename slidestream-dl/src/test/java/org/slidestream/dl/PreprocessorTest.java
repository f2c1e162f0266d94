package org.slidestream.dl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class PreprocessorTest {
    private static ModelConfig config(ModelConfig.ChannelOrder order, ModelConfig.Interpolation mode, int size) {
        return new ModelConfig(size, size, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.25f, 0.125f}, order, mode, null, -1, null, null);
    }

    @Test
    void channelOrderAndMeanStdFollowTheConfig() {
        Raster px = Raster.create(PixelType.UINT8, 2, 2, 3);
        for (int i = 0; i < 4; i++) {
            px.setAt(i * 3, 255);      // R
            px.setAt(i * 3 + 1, 51);   // G = 0.2
            px.setAt(i * 3 + 2, 0);    // B
        }
        float[] rgb = new float[12], bgr = new float[12];
        Preprocessor.forRgb8(config(ModelConfig.ChannelOrder.RGB, ModelConfig.Interpolation.AREA, 2)).toTensor(px, rgb, 0);
        Preprocessor.forRgb8(config(ModelConfig.ChannelOrder.BGR, ModelConfig.Interpolation.AREA, 2)).toTensor(px, bgr, 0);
        // planes: channel 0 first; (value - mean[c]) / std[c] with the model's channel c
        assertThat(rgb[0]).isCloseTo((1 - 0.1f) / 0.5f, within(1e-6f));
        assertThat(rgb[4]).isCloseTo(0f, within(1e-6f));
        assertThat(rgb[8]).isCloseTo((0 - 0.3f) / 0.125f, within(1e-6f));
        assertThat(bgr[0]).isCloseTo((0 - 0.1f) / 0.5f, within(1e-6f));     // blue, with the first channel's mean/std
        assertThat(bgr[8]).isCloseTo((1 - 0.3f) / 0.125f, within(1e-6f));
    }

    @Test
    void areaAveragesExactlyAndBilinearInterpolatesAtPixelCentres() {
        Raster ramp = Raster.create(PixelType.UINT8, 6, 1, 1);
        for (int x = 0; x < 6; x++) ramp.setAt(x, x * 10);
        ModelConfig area = new ModelConfig(1, 4, new float[] {0, 0, 0}, new float[] {1, 1, 1}, null, ModelConfig.Interpolation.AREA, null, -1, null, null);
        float[] out = new float[12];
        new Preprocessor(area, 0, 1).toTensor(ramp, out, 0);
        // 6 -> 4: each output covers 1.5 inputs: (0 + 10*0.5)/1.5, (10*0.5 + 20)/1.5, ...
        assertThat(out[0]).isCloseTo(5f / 1.5f, within(1e-4f));
        assertThat(out[1]).isCloseTo((5f + 20f) / 1.5f, within(1e-4f));
        assertThat(out[4]).isEqualTo(out[0]);                                // a one-band image feeds all channels
        ModelConfig lin = area.withInterpolation(ModelConfig.Interpolation.BILINEAR);
        new Preprocessor(lin, 0, 1).toTensor(ramp, out, 0);
        // centre of output 1 is input 1.75 -> 17.5; output 0 clamps to input 0.25 -> 2.5
        assertThat(out[0]).isCloseTo(2.5f, within(1e-4f));
        assertThat(out[1]).isCloseTo(17.5f, within(1e-4f));
        assertThat(out[3]).isCloseTo(47.5f, within(1e-4f));
    }
}

package org.slidestream.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RasterTest {

    @ParameterizedTest
    @EnumSource(PixelType.class)
    void samplesRoundTripThroughBytesInBothOrders(PixelType t) {
        Raster r = Raster.create(t, 5, 3, 2);
        for (int i = 0; i < r.sampleCount(); i++) {
            r.setAt(i, t.isFloat() ? i * 0.5 : (i * 37) % (int) Math.min(t.maxValue(), 1000));
        }
        for (ByteOrder o : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            Raster back = Raster.create(t, 5, 3, 2);
            back.readSamples(ByteBuffer.wrap(r.toBytes(o)).order(o));
            assertThat(back.contentEquals(r)).as("%s %s", t, o).isTrue();
        }
    }

    @Test
    void unsignedValuesReadUnsigned() {
        Raster r = Raster.create(PixelType.UINT16, 1, 1, 1);
        r.set(0, 0, 0, 65000);
        assertThat(r.get(0, 0, 0)).isEqualTo(65000);
        r.set(0, 0, 0, 70000);
        assertThat(r.get(0, 0, 0)).isEqualTo(65535);
        Raster s = Raster.create(PixelType.INT8, 1, 1, 1);
        s.set(0, 0, 0, -5);
        assertThat(s.get(0, 0, 0)).isEqualTo(-5);
    }

    @Test
    void copyCropAndBands() {
        Raster r = Raster.create(PixelType.UINT8, 4, 4, 3);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) for (int b = 0; b < 3; b++) r.set(x, y, b, x * 10 + y + b * 100);
        Raster c = r.crop(new Region(1, 2, 2, 2));
        assertThat(c.get(0, 0, 0)).isEqualTo(12);
        assertThat(c.get(1, 1, 2)).isEqualTo(223);
        Raster g = r.band(1);
        assertThat(g.get(3, 3, 0)).isEqualTo(133);
        Raster d = Raster.create(PixelType.UINT8, 4, 4, 3);
        d.setBand(1, g);
        assertThat(d.get(3, 3, 1)).isEqualTo(133);
        assertThat(d.get(3, 3, 0)).isZero();
        d.fill(new Region(2, 2, 5, 5), 9);
        assertThat(d.get(3, 3, 0)).isEqualTo(9);
        assertThat(d.get(1, 1, 0)).isZero();
    }

    @Test
    void refusesArraysLargerThanJavaCanHold() {
        assertThatThrownBy(() -> Raster.create(PixelType.UINT8, 100_000, 100_000, 3))
                .hasMessageContaining("read it in tiles");
    }
}

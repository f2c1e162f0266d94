package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.slidestream.image.Raster;

class JpegStreamsTest {
    private static final byte[] ADOBE_RGB = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    /** A minimal frame: SOF0 of {@code w x h} with three components of the given ids, 1x1 sampled. */
    private static byte[] sof(int w, int h, int... ids) {
        byte[] s = bytes(0xFF, 0xC0, 0, 8 + 3 * ids.length, 8, h >> 8, h & 0xFF, w >> 8, w & 0xFF, ids.length);
        byte[] out = Arrays.copyOf(s, s.length + 3 * ids.length);
        for (int i = 0; i < ids.length; i++) {
            out[s.length + 3 * i] = (byte) ids[i];
            out[s.length + 3 * i + 1] = 0x11;
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static final byte[] SOI = bytes(0xFF, 0xD8), EOI = bytes(0xFF, 0xD9);
    private static final byte[] DQT = bytes(0xFF, 0xDB, 0, 4, 0, 1);
    private static final byte[] SOS = bytes(0xFF, 0xDA, 0, 6, 1, 0, 0, 0x3F, 0, 0x12, 0x34, 0x56);
    private static final byte[] JFIF = bytes(0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);

    @Test
    void withTablesJoinsTablesWithoutEoiAndTileWithoutSoi() {
        byte[] tables = concat(SOI, DQT, EOI);
        byte[] tile = concat(SOI, sof(240, 240, 0, 1, 2), SOS, EOI);
        assertThat(JpegStreams.withTables(tables, tile)).isEqualTo(concat(SOI, DQT, sof(240, 240, 0, 1, 2), SOS, EOI));
        assertThat(JpegStreams.withTables(null, tile)).isSameAs(tile);
        assertThat(JpegStreams.withTables(new byte[0], tile)).isSameAs(tile);
        assertThatThrownBy(() -> JpegStreams.withTables(bytes(1, 2, 3), tile)).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> JpegStreams.withTables(tables, bytes(1, 2, 3))).isInstanceOf(CodecException.class);
    }

    @Test
    void aperioStreamsGetTheAdobeMarkerForRgb() {
        byte[] tables = concat(SOI, DQT, EOI);
        byte[] tile = concat(SOI, sof(240, 240, 0, 1, 2), SOS, EOI);
        assertThat(JpegStreams.header(JpegStreams.withTables(tables, tile)).impliedColour()).isEqualTo(JpegColour.YCBCR);
        byte[] rgb = JpegStreams.withTables(tables, tile, JpegColour.RGB);
        assertThat(rgb).isEqualTo(concat(SOI, ADOBE_RGB, DQT, sof(240, 240, 0, 1, 2), SOS, EOI));
        JpegStreams.Header h = JpegStreams.header(rgb);
        assertThat(h.adobeTransform()).isZero();
        assertThat(h.impliedColour()).isEqualTo(JpegColour.RGB);
        assertThat(JpegStreams.withColour(rgb, JpegColour.RGB)).isSameAs(rgb);
    }

    @Test
    void withColourChangesOnlyWhatLibjpegWouldGuessWrong() {
        byte[] jfif = concat(SOI, JFIF, DQT, sof(8, 8, 1, 2, 3), SOS, EOI);
        assertThat(JpegStreams.withColour(jfif, JpegColour.YCBCR)).isSameAs(jfif);
        byte[] asRgb = JpegStreams.withColour(jfif, JpegColour.RGB);
        assertThat(asRgb).isEqualTo(concat(SOI, ADOBE_RGB, DQT, sof(8, 8, 1, 2, 3), SOS, EOI));
        byte[] back = JpegStreams.withColour(asRgb, JpegColour.YCBCR);
        assertThat(JpegStreams.header(back).adobeTransform()).isEqualTo(1);
        assertThat(JpegStreams.header(back).impliedColour()).isEqualTo(JpegColour.YCBCR);
        byte[] rgbIds = concat(SOI, DQT, sof(8, 8, 'R', 'G', 'B'), SOS, EOI);
        assertThat(JpegStreams.withColour(rgbIds, JpegColour.RGB)).isSameAs(rgbIds);
        byte[] gray = concat(SOI, DQT, sof(8, 8, 1), SOS, EOI);
        assertThat(JpegStreams.withColour(gray, JpegColour.RGB)).isSameAs(gray);
    }

    @Test
    void headerOfARealStream() {
        Raster src = CodecFixtures.image(37, 21, 3, 1);
        byte[] jpeg = Codecs.jpeg(false).encode(src, 80, ChromaSubsampling.S422);
        JpegStreams.Header h = JpegStreams.header(jpeg);
        assertThat(h.width()).isEqualTo(37);
        assertThat(h.height()).isEqualTo(21);
        assertThat(h.precision()).isEqualTo(8);
        assertThat(h.isHuffmanDct()).isTrue();
        assertThat(h.jfif()).isTrue();
        assertThat(h.components()).extracting(JpegStreams.Component::horizontalSampling).containsExactly(2, 1, 1);
        assertThat(h.components()).extracting(JpegStreams.Component::verticalSampling).containsExactly(1, 1, 1);
    }

    @Test
    void badHeadersAreCodecExceptions() {
        assertThatThrownBy(() -> JpegStreams.header(new byte[0])).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> JpegStreams.header(bytes(0x89, 'P', 'N', 'G'))).isInstanceOf(CodecException.class).hasMessageContaining("SOI");
        assertThatThrownBy(() -> JpegStreams.header(concat(SOI, DQT, EOI))).isInstanceOf(CodecException.class).hasMessageContaining("no frame header");
        assertThatThrownBy(() -> JpegStreams.header(concat(SOI, bytes(0xFF, 0xDB, 0x40, 0)))).isInstanceOf(CodecException.class).hasMessageContaining("past the end");
        assertThatThrownBy(() -> JpegStreams.header(concat(SOI, bytes(0xFF, 0xDB, 0, 1)))).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> JpegStreams.header(concat(SOI, sof(0, 8, 1), SOS))).isInstanceOf(CodecException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> JpegStreams.header(concat(SOI, bytes(0x12, 0x34)))).isInstanceOf(CodecException.class).hasMessageContaining("marker expected");
    }
}

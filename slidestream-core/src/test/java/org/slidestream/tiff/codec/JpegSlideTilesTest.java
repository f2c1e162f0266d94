package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * Aperio JPEG tiles of CMU-1 (abbreviated streams with shared JPEGTables, RGB components with ids
 * 0,1,2 and no colour marker) decoded by both implementations and compared with OpenSlide.
 */
class JpegSlideTilesTest {
    /** Spread over the 10 x 13 tile grid, with tiles on the right and bottom edges (partly outside the image). */
    private static final int[] TILES = {0, 9, 23, 44, 55, 64, 77, 88, 101, 119, 120, 129};
    private static SlideTiles slide;

    @BeforeAll
    static void loadTiles() {
        slide = SlideTiles.load("cmu-1-small-region.svs", TILES);
    }

    private static Raster decode(JpegCodec codec, byte[] stream, JpegColour colour) {
        Raster r = slide.newTileRaster();
        codec.decode(stream, colour, r);
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void aperioTilesMatchOpenSlide(String name) {
        JpegCodec codec = CodecFixtures.jpeg(name);
        for (SlideTiles.Tile t : slide.tiles()) {
            byte[] stream = JpegStreams.withTables(slide.jpegTables(), t.data(), JpegColour.RGB);
            PixelDiff d = PixelDiff.of(decode(codec, stream, JpegColour.RGB), t.reference());
            d.assertWithinCodecTolerance(name + " tile " + t.index());
            // Same libjpeg arithmetic as OpenSlide's libjpeg-turbo and no colour transform: identical.
            d.assertExact(name + " tile " + t.index());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void theColourArgumentIsEnoughWithoutTheMarker(String name) {
        JpegCodec codec = CodecFixtures.jpeg(name);
        for (SlideTiles.Tile t : slide.tiles()) {
            byte[] plain = JpegStreams.withTables(slide.jpegTables(), t.data());
            byte[] marked = JpegStreams.withTables(slide.jpegTables(), t.data(), JpegColour.RGB);
            assertThat(decode(codec, plain, JpegColour.RGB).contentEquals(decode(codec, marked, JpegColour.RGB)))
                    .as("%s tile %d", name, t.index()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void decodingAsYCbCrWouldBeWrong(String name) {
        // Guards the test itself: the colour space matters for these tiles.
        SlideTiles.Tile t = slide.tiles().get(4);
        byte[] stream = JpegStreams.withTables(slide.jpegTables(), t.data());
        PixelDiff d = PixelDiff.of(decode(CodecFixtures.jpeg(name), stream, JpegColour.YCBCR), t.reference());
        assertThat(d.worstBandMean()).isGreaterThan(20);
    }

    @Test
    void bothImplementationsAgree() {
        JpegCodec turbo = CodecFixtures.jpeg(CodecFixtures.TURBO);
        JpegCodec imageio = CodecFixtures.jpeg(CodecFixtures.IMAGEIO);
        for (SlideTiles.Tile t : slide.tiles()) {
            byte[] stream = JpegStreams.withTables(slide.jpegTables(), t.data(), JpegColour.RGB);
            PixelDiff.of(decode(turbo, stream, JpegColour.RGB), decode(imageio, stream, JpegColour.RGB))
                    .assertWithinCodecTolerance("tile " + t.index());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void decodesIntoTheTopLeftOfALargerRaster(String name) {
        JpegCodec codec = CodecFixtures.jpeg(name);
        SlideTiles.Tile t = slide.tiles().get(5);
        byte[] stream = JpegStreams.withTables(slide.jpegTables(), t.data(), JpegColour.RGB);
        Raster big = Raster.create(PixelType.UINT8, slide.tileWidth() + 13, slide.tileHeight() + 7, 3);
        big.fill(77);
        codec.decode(stream, JpegColour.RGB, big);
        Raster exact = decode(codec, stream, JpegColour.RGB);
        assertThat(big.crop(new org.slidestream.image.Region(0, 0, slide.tileWidth(), slide.tileHeight())).contentEquals(exact)).isTrue();
        assertThat(big.get(slide.tileWidth() + 5, 3, 1)).isEqualTo(77);
        assertThat(big.get(3, slide.tileHeight() + 2, 0)).isEqualTo(77);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {CodecFixtures.IMAGEIO, CodecFixtures.TURBO, CodecFixtures.LIBJPEG})
    void concurrentDecodesGiveTheSamePixels(String name) throws Exception {
        JpegCodec codec = CodecFixtures.jpeg(name);
        List<byte[]> streams = new ArrayList<>();
        List<Raster> expected = new ArrayList<>();
        for (SlideTiles.Tile t : slide.tiles()) {
            byte[] s = JpegStreams.withTables(slide.jpegTables(), t.data(), JpegColour.RGB);
            streams.add(s);
            expected.add(decode(codec, s, JpegColour.RGB));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < streams.size(); i++) {
                    int k = i;
                    results.add(pool.submit(() -> decode(codec, streams.get(k), JpegColour.RGB).contentEquals(expected.get(k))));
                }
            }
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
        }
    }
}

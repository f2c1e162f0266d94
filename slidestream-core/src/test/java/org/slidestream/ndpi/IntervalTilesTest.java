package org.slidestream.ndpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slidestream.image.Raster;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.Diff;
import org.slidestream.tiff.Ifd;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.OpenSlideReference;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.codec.Codecs;

class IntervalTilesTest {
    @Test
    void levelZeroTilesOfTheRealNdpiMatchOpenSlide() {
        Path ndpi = SharedData.format("hamamatsu-tritc.ndpi");
        try (TiffFile f = TiffFile.open(ndpi)) {
            assertThat(f.layout()).isEqualTo(OffsetLayout.NDPI);
            Ifd ifd = f.ifds().get(0);
            long start = ifd.longValue(273, -1), bytes = ifd.longValue(279, -1);
            byte[] head = f.readBytes(start, Math.min(bytes, 4096), "header");
            JpegFrame frame = JpegFrame.parse(head);
            assertThat(frame.restartInterval()).isPositive();
            long[] mcu = ifd.longs(65426);
            long[] recorded = new long[mcu.length];
            for (int i = 0; i < mcu.length; i++) recorded[i] = start + mcu[i];
            IntervalTiles tiles = new IntervalTiles(f::readBytes, start, start + bytes, 3968, 4864, frame,
                    java.util.Arrays.copyOf(head, frame.headerLength()), recorded);
            int ty = tiles.tilesDown - 1;
            Raster t0 = tiles.decode(0, 0, Codecs.jpeg(true), 1);
            Raster tl = tiles.decode(0, ty, Codecs.jpeg(true), 1);
            var answers = OpenSlideReference.read(ndpi, List.of(
                    OpenSlideReference.Request.region(0, 0, 0, t0.width(), t0.height()),
                    OpenSlideReference.Request.region(0, 0, ty * tiles.tileHeight, tl.width(), tl.height())));
            Diff.of(t0, answers.get(0).pixels(), 0).assertWithinCodecTolerance("tile 0");
            Diff.of(tl, answers.get(1).pixels(), 0).assertWithinCodecTolerance("last tile");
            System.out.println(tiles.tileWidth + "x" + tiles.tileHeight + " " + Diff.of(t0, answers.get(0).pixels(), 0));
        }
    }
}

package org.slidestream.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PatchReadOrderTest {
    /** A full grid of {@code n x n} patches of side 100, in plan order (row by row). */
    private static List<PatchCoord> grid(int n) {
        List<PatchCoord> out = new ArrayList<>();
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) out.add(new PatchCoord(i * 100L, j * 100L, 1));
        return out;
    }

    @Test
    void readsEveryPatchOnceBlockByBlock() {
        List<PatchCoord> coords = grid(10);
        int[] order = PatchExporter.readOrder(coords, 100, 0); // blocks of 4 x 4 patches
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 100).toArray());
        // the first block: rows 0-3 of columns 0-3, row by row
        assertThat(Arrays.copyOf(order, 8)).containsExactly(0, 1, 2, 3, 10, 11, 12, 13);
        // then the block to its right, before the second row of blocks
        assertThat(order[16]).isEqualTo(4);
        assertThat(order[16 + 16 + 8]).isEqualTo(40);
    }

    @Test
    void aPatchIsReadSoonAfterThePatchAboveItWhateverTheWidth() {
        for (int n : new int[] {20, 200}) {
            int[] order = PatchExporter.readOrder(grid(n), 100, 0);
            int[] position = new int[order.length];
            for (int k = 0; k < order.length; k++) position[order[k]] = k;
            int farthest = 0;
            for (int j = 0; j + 1 < n; j++) {
                if (j % 4 == 3) continue; // the next row of blocks
                for (int i = 0; i < n; i++) farthest = Math.max(farthest, position[(j + 1) * n + i] - position[j * n + i]);
            }
            assertThat(farthest).isEqualTo(4); // in plan order: n
        }
    }

    @Test
    void aBlockIsAtLeastOneTile() {
        List<PatchCoord> coords = grid(10);
        int[] order = PatchExporter.readOrder(coords, 100, 1000); // one tile of 1000 holds the whole grid
        assertThat(order).isEqualTo(IntStream.range(0, 100).toArray());
    }

    @Test
    void consecutiveReadsOfABlockFallInDifferentTiles() {
        List<PatchCoord> coords = grid(8);
        int[] order = PatchExporter.readOrder(coords, 100, 200); // tiles of 2 x 2 patches, blocks of 4 x 4
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 64).toArray());
        // the first block's top-left patch of each of its four tiles, then the patch right of each
        assertThat(Arrays.copyOf(order, 8)).containsExactly(0, 2, 16, 18, 1, 3, 17, 19);
        for (int k = 0; k < 16; k++) {
            PatchCoord c = coords.get(order[k]);
            assertThat(c.x()).isLessThan(400);
            assertThat(c.y()).isLessThan(400);
        }
    }
}

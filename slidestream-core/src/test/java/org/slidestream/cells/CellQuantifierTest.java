package org.slidestream.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.anndata.AnnData;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.tiff.writer.Downsampling;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;

public class CellQuantifierTest {
    @TempDir static Path dir;
    static ExecutorService pool;
    static final int W = 333, H = 271;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** A TileSource over a whole array (test images are small). */
    static TileSource source(PixelType type, int w, int h, int bands, Object data) {
        Raster whole = Raster.wrap(type, w, h, bands, data);
        ImageInfo info = new ImageInfo(w, h, bands, type, 64, 64);
        return new TileSource() {
            @Override public ImageInfo info() { return info; }

            @Override public void read(int plane, Region r, Raster dest) {
                Region in = r.intersect(info.bounds());
                dest.fill(0);
                dest.copyFrom(whole, in.x(), in.y(), in.x() - r.x(), in.y() - r.y(), in.width(), in.height());
            }
        };
    }

    /**
     * Labels: overlapping ellipses (later ones on top) of every size, some crossing many 100 px
     * tiles, one label in two separate pieces, one a single pixel, one a line; intensities: three
     * uint16 channels of noise and gradients.
     */
    static Path[] images(PixelType labelType) throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] lab = new int[W * H];
        int next = labelType == PixelType.UINT32 ? 70_000 : 1;
        for (int k = 0; k < 180; k++, next += labelType == PixelType.UINT32 ? 97_001 : 1) {
            double cx = rnd.nextDouble(W), cy = rnd.nextDouble(H), a = 2 + rnd.nextDouble(k < 5 ? 60 : 12), b = 2 + rnd.nextDouble(k < 5 ? 40 : 9);
            double th = rnd.nextDouble(Math.PI), c = Math.cos(th), s = Math.sin(th);
            for (int y = (int) Math.max(0, cy - a - b); y < Math.min(H, cy + a + b); y++) {
                for (int x = (int) Math.max(0, cx - a - b); x < Math.min(W, cx + a + b); x++) {
                    double u = ((x - cx) * c + (y - cy) * s) / a, v = (-(x - cx) * s + (y - cy) * c) / b;
                    if (u * u + v * v <= 1) lab[y * W + x] = next;
                }
            }
        }
        lab[5 * W + 5] = next;                                    // a single pixel
        for (int x = 200; x < 260; x++) lab[3 * W + x] = next + 1; // a line
        for (int y = 250; y < 262; y++) {                          // one label in two pieces
            for (int x = 10; x < 20; x++) lab[y * W + x] = next + 2;
            for (int x = 300; x < 310; x++) lab[y * W + x] = next + 2;
        }
        short[] px = new short[W * H * 3];
        for (int i = 0; i < W * H; i++) {
            px[3 * i] = (short) rnd.nextInt(65536);
            px[3 * i + 1] = (short) ((i % W) * 100 + rnd.nextInt(50));
            px[3 * i + 2] = (short) (lab[i] == 0 ? 10 : 30000 + rnd.nextInt(5000));
        }
        Path image = dir.resolve("image-" + labelType + ".ome.tif"), labels = dir.resolve("labels-" + labelType + ".tif");
        WriteContext ctx = WriteContext.of(MemoryBudget.of(64L << 20), 2);
        TiffWriter.write(source(PixelType.UINT16, W, H, 3, px), image, TiffWriteOptions.defaults()
                .withCompression(org.slidestream.tiff.codec.Compression.DEFLATE).withTileSize(64), WriteMetadata.channels(List.of("DAPI", "CD3", "CD8"), 0.5, 0.5), ctx);
        Object labData = labelType == PixelType.UINT32 ? lab : toShorts(lab);
        TiffWriter.write(source(labelType, W, H, 1, labData), labels, TiffWriteOptions.defaults().withTileSize(48)
                .withCompression(org.slidestream.tiff.codec.Compression.DEFLATE).withDownsampling(Downsampling.NEAREST),
                WriteMetadata.channels(List.of("labels"), 0.5, 0.5), ctx);
        return new Path[] {image, labels};
    }

    private static short[] toShorts(int[] a) {
        short[] s = new short[a.length];
        for (int i = 0; i < a.length; i++) s[i] = (short) a[i];
        return s;
    }

    static Workers workers(int threads) {
        return new Workers(pool, threads, MemoryBudget.of(256L << 20));
    }

    /** Means, areas exact, centroids within 1e-6, the other properties close to regionprops_table's, for uint16 and uint32 labels. */
    @Test
    void agreesWithRegionpropsTable() throws IOException {
        for (PixelType lt : List.of(PixelType.UINT16, PixelType.UINT32)) {
            Path[] in = images(lt);
            Path out = dir.resolve("cells-" + lt + ".h5ad");
            try (Slide image = Slide.open(in[0]); Slide labels = Slide.open(in[1])) {
                CellQuantifier.Result r = CellQuantifier.quantify(image, labels, out, QuantifyOptions.defaults().withTileSize(100)
                        .withStatistics(List.of(Statistic.MEDIAN, Statistic.STD, Statistic.MAX, Statistic.MIN, Statistic.SUM)), workers(3), Progress.NONE);
                assertThat(r.cells()).isGreaterThan(100);
            }
            ReferenceTools.requirePythonModules("anndata", "skimage", "tifffile");
            ReferenceTools.python(REGIONPROPS, in[0], in[1], out, 0).requireSuccess("regionprops comparison");
        }
    }

    /** What the comparison scripts of this module and the CLI's share: regionprops_table on whole arrays against the .h5ad. */
    public static final String REGIONPROPS = """
            import sys, numpy as np, tifffile, anndata as ad
            from skimage.measure import regionprops_table
            image = tifffile.imread(sys.argv[1]); labels = tifffile.imread(sys.argv[2]); z = int(sys.argv[4])
            if image.ndim == 4: image = image[:, z]          # C Z Y X
            if image.ndim == 2: image = image[None]
            image = np.moveaxis(image, 0, -1)                # Y X C
            if labels.ndim == 3: labels = labels[0]
            a = ad.read_h5ad(sys.argv[3])
            def median(region, intensities): return np.median(intensities[region], axis=0)
            def std(region, intensities): return np.std(intensities[region], axis=0)
            def total(region, intensities): return np.sum(intensities[region].astype(np.float64), axis=0)
            t = regionprops_table(labels.astype(np.int64), image, properties=('label', 'area', 'centroid', 'bbox', 'eccentricity',
                'solidity', 'extent', 'major_axis_length', 'minor_axis_length', 'intensity_mean', 'intensity_max', 'intensity_min'),
                extra_properties=(median, std, total))
            o = a.obs
            n = len(t['label'])
            assert a.n_obs == n, (a.n_obs, n)
            assert np.array_equal(o['label'].to_numpy(), t['label']) and list(a.obs_names[:3]) == [str(v) for v in t['label'][:3]]
            assert np.array_equal(o['area'].to_numpy(), t['area']), 'area'
            assert np.abs(o['centroid_y'].to_numpy() - t['centroid-0']).max() < 1e-6, 'centroid y'
            assert np.abs(o['centroid_x'].to_numpy() - t['centroid-1']).max() < 1e-6, 'centroid x'
            assert np.array_equal(a.obsm['spatial'], np.stack([t['centroid-1'], t['centroid-0']], 1).astype(np.float64)) or \
                np.abs(a.obsm['spatial'] - np.stack([t['centroid-1'], t['centroid-0']], 1)).max() < 1e-6
            for ours, theirs in [('bbox_y0', 'bbox-0'), ('bbox_x0', 'bbox-1'), ('bbox_y1', 'bbox-2'), ('bbox_x1', 'bbox-3')]:
                assert np.array_equal(o[ours].to_numpy(), t[theirs]), ours
            # eccentricity = sqrt(1 - l2 / l1) magnifies rounding where the two eigenvalues are nearly equal
            for k, tol in [('eccentricity', 1e-6), ('solidity', 1e-12), ('extent', 1e-12), ('major_axis_length', 1e-9), ('minor_axis_length', 1e-9)]:
                d = np.abs(o[k].to_numpy() - t[k]).max()
                assert d < tol, (k, d)
            C = image.shape[-1]
            mean = np.stack([t[f'intensity_mean-{c}'] for c in range(C)], 1) if C > 1 else t['intensity_mean'][:, None]
            assert a.X.dtype == np.float64 and np.array_equal(a.X, mean), ('mean', np.abs(a.X - mean).max())
            def col(name):
                return np.stack([t[f'{name}-{c}'] for c in range(C)], 1) if C > 1 else t[name][:, None]
            if 'median' in a.layers:
                assert np.array_equal(a.layers['median'], col('median')), 'median'
                assert np.array_equal(a.layers['max'], col('intensity_max')), 'max'
                assert np.array_equal(a.layers['min'], col('intensity_min')), 'min'
                assert np.array_equal(a.layers['sum'], col('total')), 'sum'
                d = np.abs(a.layers['std'] - col('std')).max()
                assert d < 1e-6 * max(1, np.abs(col('std')).max()), ('std', d)
            print('ok', n)
            """;

    @Test
    void theSameTableForAnyThreadCountAndTileSize() throws IOException {
        Path[] in = images(PixelType.UINT16);
        Path a = dir.resolve("a.h5ad"), b = dir.resolve("b.h5ad");
        try (Slide image = Slide.open(in[0]); Slide labels = Slide.open(in[1])) {
            CellQuantifier.quantify(image, labels, a, QuantifyOptions.defaults().withTileSize(512), workers(1), Progress.NONE);
            CellQuantifier.quantify(image, labels, b, QuantifyOptions.defaults().withTileSize(37), workers(3), Progress.NONE);
        }
        try (AnnData x = AnnData.open(a); AnnData y = AnnData.open(b)) {
            assertThat(y.nObs()).isEqualTo(x.nObs());
            int n = (int) x.nObs();
            assertThat(y.x().orElseThrow().readDense(0, n)).containsExactly(x.x().orElseThrow().readDense(0, n));
            for (String c : x.obs().columns()) {
                var cx = (org.slidestream.format.anndata.Column.Numeric) x.obs().column(c);
                var cy = (org.slidestream.format.anndata.Column.Numeric) y.obs().column(c);
                double[] u = cx.readDoubles(0, n), v = cy.readDoubles(0, n);
                for (int i = 0; i < n; i++) assertThat(v[i]).as(c).isCloseTo(u[i], org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    @Test
    void badLabelImagesAreOneClearLine() throws IOException {
        Path[] in = images(PixelType.UINT16);
        Path small = dir.resolve("small.tif"), floats = dir.resolve("float.tif");
        WriteContext ctx = WriteContext.of(MemoryBudget.of(64L << 20), 1);
        TiffWriter.write(source(PixelType.UINT16, 100, 80, 1, new short[8000]), small, TiffWriteOptions.defaults(),
                WriteMetadata.channels(List.of("labels"), null, null), ctx);
        TiffWriter.write(source(PixelType.FLOAT32, W, H, 1, new float[W * H]), floats, TiffWriteOptions.defaults(),
                WriteMetadata.channels(List.of("labels"), null, null), ctx);
        try (Slide image = Slide.open(in[0]); Slide s = Slide.open(small); Slide f = Slide.open(floats)) {
            assertThatThrownBy(() -> CellQuantifier.quantify(image, s, dir.resolve("x.h5ad"), QuantifyOptions.defaults(), workers(1), Progress.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("small.tif is 100x80 but image-UINT16.ome.tif is 333x271: the label image must be on the image's pixel grid");
            assertThatThrownBy(() -> CellQuantifier.quantify(image, f, dir.resolve("x.h5ad"), QuantifyOptions.defaults(), workers(1), Progress.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("float.tif: labels must be integers (uint8, uint16 or uint32), not float");
        }
        assertThat(dir.resolve("x.h5ad")).doesNotExist();
    }
}

package org.slidestream.tiff.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.synth.SyntheticSlide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.tiff.codec.Compression;

class TiffWriterTest {
    @TempDir Path dir;

    static final MemoryBudget BUDGET = new MemoryBudget(256L << 20);

    /** Reads every level with tifffile, checks level 0 against the expected samples and each level against the 2x2 mean of the one above. */
    static final String CHECK_PYRAMID = """
            import sys, json, numpy as np, tifffile
            path, raw, dtype, shape, levels = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
            with tifffile.TiffFile(path) as t:
                s = t.series[0]
                assert list(s.shape) == shape, (s.shape, shape)
                assert len(s.levels) == levels, len(s.levels)
                expect = np.fromfile(raw, dtype=np.dtype(dtype).newbyteorder('<')).reshape(shape)
                a = s.levels[0].asarray()
                assert a.dtype == np.dtype(dtype), a.dtype
                assert np.array_equal(a, expect), 'level 0 differs: max %s' % np.abs(a.astype(float) - expect).max()
                yx = [i for i, ax in enumerate(s.axes) if ax in 'YX']
                for k in range(1, levels):
                    up = s.levels[k - 1].asarray().astype(np.float64)
                    pad = [(0, 0)] * up.ndim
                    for i in yx: pad[i] = (0, up.shape[i] % 2)
                    up = np.pad(up, pad, mode='edge')
                    sl = lambda dy, dx: up[tuple(slice(d, None, 2) if i in yx else slice(None) for i, d in
                                           zip(range(up.ndim), [dy if i == yx[0] else dx if i == yx[1] else 0 for i in range(up.ndim)]))]
                    if np.issubdtype(a.dtype, np.floating):
                        mean = ((sl(0, 0) + sl(0, 1)) + (sl(1, 0) + sl(1, 1))) * 0.25
                        got = s.levels[k].asarray().astype(np.float64)
                        assert np.allclose(got, mean, atol=1e-5), k
                    else:
                        mean = np.floor((sl(0, 0) + sl(0, 1) + sl(1, 0) + sl(1, 1) + 2) / 4)
                        got = s.levels[k].asarray()
                        assert got.shape == mean.shape, (k, got.shape, mean.shape)
                        assert np.array_equal(got, mean), 'level %d differs from the mean of level %d' % (k, k - 1)
                print(json.dumps({'ome': t.is_ome, 'bigtiff': t.is_bigtiff, 'xml': t.pages[0].description if t.is_ome else '',
                                  'levels': [list(l.shape) for l in s.levels]}))
            """;

    static WriteReport write(TileSource src, Path out, TiffWriteOptions o, WriteMetadata m, int threads) throws IOException {
        return TiffWriter.write(src, out, o, m, WriteContext.of(BUDGET, threads));
    }

    static String check(Path tif, Raster... planes) throws IOException {
        return check(tif, null, planes);
    }

    /** Runs CHECK_PYRAMID; {@code shape} null: (Y, X, S) of one plane. */
    static String check(Path tif, int[] shape, Raster... planes) throws IOException {
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        Path raw = tif.resolveSibling(tif.getFileName() + ".raw");
        try (var os = Files.newOutputStream(raw)) {
            for (Raster r : planes) os.write(r.toBytes(ByteOrder.LITTLE_ENDIAN));
        }
        Raster p = planes[0];
        int[] sh = shape != null ? shape : p.bands() == 1 ? new int[] {p.height(), p.width()} : new int[] {p.height(), p.width(), p.bands()};
        int levels = 0;
        for (int w = p.width(), h = p.height(); ; w = (w + 1) / 2, h = (h + 1) / 2) {
            levels++;
            if (Math.max(w, h) <= 100) break;
        }
        String dtype = switch (p.type()) {
            case UINT8 -> "uint8"; case INT8 -> "int8"; case UINT16 -> "uint16"; case INT16 -> "int16";
            case UINT32 -> "uint32"; case INT32 -> "int32"; case FLOAT32 -> "float32"; case FLOAT64 -> "float64";
        };
        return ReferenceTools.python(CHECK_PYRAMID, tif, raw, dtype, java.util.Arrays.toString(sh), levels)
                .requireSuccess("tifffile check of " + tif.getFileName()).stdout();
    }

    static TiffWriteOptions small() {
        return TiffWriteOptions.defaults().withTileSize(128).withMinLevelSide(100);
    }

    @Test
    void omeRgbDeflateIsReadByTifffileWithPyramidAndMetadata() throws IOException {
        SyntheticSlide synth = SyntheticSlide.procedural(700, 530, 7);
        Path out = dir.resolve("rgb.ome.tif");
        WriteReport r = write(synth, out, small(), SyntheticSlide.writeMetadata(), 2);
        assertThat(r.levels()).extracting(ImageInfo::width).containsExactly(700, 350, 175, 88);
        assertThat(r.levels()).extracting(ImageInfo::height).containsExactly(530, 265, 133, 67);
        assertThat(r.bigTiff()).isFalse();
        assertThat(r.bytes()).isEqualTo(Files.size(out));
        String json = check(out, synth.read(new Region(0, 0, 700, 530)));
        assertThat(json).contains("\"ome\": true").contains("\"bigtiff\": false")
                .contains("PhysicalSizeX=\\\"0.25\\\"").contains("PhysicalSizeY=\\\"0.25\\\"")
                .contains("SamplesPerPixel=\\\"3\\\"").contains("Type=\\\"uint8\\\"").contains("NominalMagnification=\\\"40\\\"");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(AtomicOutput.SUFFIX));
    }

    @Test
    void lossless16BitAndSignedAndUncompressedRoundTrip() throws IOException {
        for (PixelType t : List.of(PixelType.UINT16, PixelType.INT16, PixelType.INT8, PixelType.UINT32)) {
            Raster img = ArraySource.pattern(t, 333, 201, 1, t.ordinal());
            Path out = dir.resolve(t + ".ome.tif");
            Compression c = t == PixelType.INT8 ? Compression.NONE : Compression.DEFLATE;
            write(new ArraySource(List.of(img), 0), out, small().withCompression(c), WriteMetadata.channels(List.of("c0"), 0.5, 0.5), 3);
            assertThat(check(out, img)).contains("Type=\\\"" + t.omeName() + "\\\"");
        }
    }

    @Test
    void multiChannelZStackHasOnePlanePerChannelAndNames() throws IOException {
        int w = 301, h = 170;
        Raster z0 = ArraySource.pattern(PixelType.UINT16, w, h, 3, 1), z1 = ArraySource.pattern(PixelType.UINT16, w, h, 3, 2);
        Path out = dir.resolve("fluo.ome.tif");
        WriteMetadata m = WriteMetadata.channels(List.of("DAPI", "CD3", "CD8 & co"), 0.325, 0.325).withMppZ(1.5);
        WriteReport r = write(new ArraySource(List.of(z0, z1), 0), out, small(), m, 2);
        assertThat(r.levels().get(0).bands()).isEqualTo(1);
        // tifffile shows XYCZT planes as (Z, C, Y, X); expected samples planar, channel by channel
        Raster[] planes = {z0.band(0), z0.band(1), z0.band(2), z1.band(0), z1.band(1), z1.band(2)};
        String json = check(out, new int[] {2, 3, h, w}, planes);
        assertThat(json).contains("Name=\\\"DAPI\\\"").contains("Name=\\\"CD3\\\"").contains("Name=\\\"CD8 &amp; co\\\"")
                .contains("SizeC=\\\"3\\\"").contains("SizeZ=\\\"2\\\"").contains("PhysicalSizeZ=\\\"1.5\\\"")
                .contains("IFD=\\\"5\\\"");
    }

    @Test
    void bigTiffOnRequest() throws IOException {
        Raster img = ArraySource.pattern(PixelType.UINT8, 260, 140, 1, 3);
        Path out = dir.resolve("big.ome.tif");
        WriteReport r = write(new ArraySource(List.of(img), 255), out, small().withBigTiff(BigTiffMode.ALWAYS), WriteMetadata.channels(List.of("gray"), null, null), 1);
        assertThat(r.bigTiff()).isTrue();
        assertThat(check(out, img)).contains("\"bigtiff\": true");
    }

    @Test
    void sameBytesWhateverTheThreadCount() throws IOException {
        SyntheticSlide synth = SyntheticSlide.procedural(900, 650, 11);
        for (Compression c : List.of(Compression.JPEG, Compression.DEFLATE)) {
            TiffWriteOptions o = small().withCompression(c);
            Path one = dir.resolve("one-" + c + ".tif"), four = dir.resolve("four-" + c + ".tif");
            write(synth, one, o, SyntheticSlide.writeMetadata(), 1);
            write(synth, four, o, SyntheticSlide.writeMetadata(), 4);
            assertThat(Files.mismatch(one, four)).as(c.cliName()).isEqualTo(-1L);
        }
    }

    @Test
    void failingSourceLeavesNothing() {
        SyntheticSlide synth = SyntheticSlide.procedural(800, 800, 1);
        AtomicLong calls = new AtomicLong();
        TileSource failing = new TileSource() {
            @Override public ImageInfo info() { return synth.info(); }

            @Override public void read(int plane, Region region, Raster dest) {
                if (calls.incrementAndGet() == 9) throw new IllegalStateException("tile read failed");
                synth.read(plane, region, dest);
            }
        };
        Path out = dir.resolve("fail.tif");
        assertThatThrownBy(() -> write(failing, out, small(), SyntheticSlide.writeMetadata(), 2))
                .isInstanceOf(IllegalStateException.class).hasMessage("tile read failed");
        assertThat(out).doesNotExist();
        assertThat(AtomicOutput.tempFor(out.toAbsolutePath())).doesNotExist();
        assertThat(BUDGET.reserved()).isZero();
    }

    @Test
    void progressCountsEveryTile() throws IOException {
        SyntheticSlide synth = SyntheticSlide.procedural(600, 300, 2);
        AtomicLong last = new AtomicLong(), total = new AtomicLong();
        WriteContext ctx = WriteContext.of(BUDGET, 2).withProgress((d, t) -> { last.set(d); total.set(t); });
        TiffWriter.write(synth, dir.resolve("p.tif"), small(), SyntheticSlide.writeMetadata(), ctx);
        // 600x300 (5x3 tiles), 300x150 (3x2), 150x75 (2x1), 75x38 (1)
        assertThat(total.get()).isEqualTo(15 + 6 + 2 + 1);
        assertThat(last.get()).isEqualTo(total.get());
    }

    @Test
    void refusesWhatTheFormatCannotHold() {
        Raster img = ArraySource.pattern(PixelType.UINT16, 64, 64, 1, 3);
        ArraySource src = new ArraySource(List.of(img, img), 0);
        WriteMetadata m = WriteMetadata.channels(List.of("a"), null, null);
        assertThatThrownBy(() -> write(src, dir.resolve("j.tif"), small().withCompression(Compression.JPEG), m, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JPEG needs 8-bit samples");
        assertThatThrownBy(() -> write(src, dir.resolve("g.tif"), small().withLayout(TiffLayout.GENERIC), m, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generic layout holds one plane");
        assertThatThrownBy(() -> small().withTileSize(100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("j.tif")).doesNotExist();
    }

    /** OpenSlide: level count and sizes, level-0 pixels against the expected ones (mean and 99.9th percentile of |difference|). */
    static final String OPENSLIDE = """
            import sys, json, numpy as np, openslide
            path, raw, w, h = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
            s = openslide.OpenSlide(path)
            a = np.asarray(s.read_region((0, 0), 0, (w, h)).convert('RGB')).astype(np.int32)
            e = np.fromfile(raw, dtype=np.uint8).reshape(h, w, 3).astype(np.int32)
            d = np.abs(a - e)
            print(json.dumps({'levels': [list(x) for x in s.level_dimensions], 'vendor': s.properties.get('openslide.vendor'),
                              'mean': float(d.mean()), 'p999': float(np.percentile(d, 99.9)), 'max': int(d.max())}))
            """;

    static Map<String, Object> openslide(Path tif, Raster expected) throws IOException {
        ReferenceTools.requirePythonModules("openslide", "numpy");
        Path raw = tif.resolveSibling(tif.getFileName() + ".raw");
        Files.write(raw, expected.bytes());
        String out = ReferenceTools.python(OPENSLIDE, tif, raw, expected.width(), expected.height()).requireSuccess("OpenSlide").stdout();
        return JSON.readValue(out, new TypeReference<Map<String, Object>>() { });
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void genericJpegIsReadByOpenSlideAndVips() throws IOException {
        SyntheticSlide synth = SyntheticSlide.procedural(1300, 900, 5);
        Path out = dir.resolve("generic.tif");
        TiffWriteOptions o = small().withLayout(TiffLayout.GENERIC).withCompression(Compression.JPEG).withMinLevelSide(200);
        write(synth, out, o, SyntheticSlide.writeMetadata(), 2);
        Map<String, Object> r = openslide(out, synth.read(new Region(0, 0, 1300, 900)));
        assertThat(r.get("levels")).isEqualTo(List.of(List.of(1300, 900), List.of(650, 450), List.of(325, 225), List.of(163, 113)));
        assertThat(r.get("vendor")).isEqualTo("generic-tiff");
        assertThat(((Number) r.get("mean")).doubleValue()).isLessThan(2.5);
        assertThat(((Number) r.get("p999")).doubleValue()).isLessThan(40);

        ReferenceTools.requireProgram("vipsheader");
        assertThat(ReferenceTools.run(List.of("vipsheader", "-f", "n-pages", out.toString()), 60).requireSuccess("vipsheader").stdout().trim())
                .isEqualTo("4");
        Path page = dir.resolve("page2.v");
        ReferenceTools.run(List.of("vips", "tiffload", out.toString(), page.toString(), "--page", "2"), 60).requireSuccess("vips tiffload");
        assertThat(ReferenceTools.run(List.of("vipsheader", "-f", "width", page.toString()), 60).stdout().trim()).isEqualTo("325");
    }

    @Test
    void genericLosslessIsPixelIdenticalInOpenSlide() throws IOException {
        SyntheticSlide synth = SyntheticSlide.procedural(520, 390, 9);
        for (Compression c : List.of(Compression.LZW, Compression.ZSTD, Compression.DEFLATE, Compression.NONE)) {
            Path out = dir.resolve("generic-" + c.cliName() + ".tif");
            write(synth, out, small().withLayout(TiffLayout.GENERIC).withCompression(c), SyntheticSlide.writeMetadata(), 2);
            Map<String, Object> r = openslide(out, synth.read(new Region(0, 0, 520, 390)));
            assertThat(r.get("max")).as(c.cliName()).isEqualTo(0);
            assertThat((List<?>) r.get("levels")).as(c.cliName()).hasSize(4);
        }
    }

    @Test
    void floatWithThePredictorIsReadByLibtiff() throws IOException {
        Raster img = ArraySource.pattern(PixelType.FLOAT32, 300, 211, 1, 4);
        for (Compression c : List.of(Compression.DEFLATE, Compression.LZW, Compression.ZSTD)) {
            Path out = dir.resolve("float-" + c.cliName() + ".tif");
            write(new ArraySource(List.of(img), 0), out, small().withCompression(c), WriteMetadata.channels(List.of("prob"), 1.0, 1.0), 2);
            // tiffcp (libtiff) decodes the floating-point predictor and zstd, which tifffile cannot without imagecodecs
            ReferenceTools.requireProgram("tiffcp");
            Path plain = dir.resolve("float-" + c.cliName() + "-plain.tif");
            ReferenceTools.run(List.of("tiffcp", "-c", "none", out.toString(), plain.toString()), 60).requireSuccess("tiffcp");
            ReferenceTools.requirePythonModules("tifffile", "numpy");
            Path raw = dir.resolve("float.raw");
            Files.write(raw, img.toBytes(ByteOrder.LITTLE_ENDIAN));
            ReferenceTools.python("""
                    import sys, numpy as np, tifffile
                    a = tifffile.imread(sys.argv[1], series=0, level=0)
                    e = np.fromfile(sys.argv[2], dtype='<f4').reshape(211, 300)
                    assert a.dtype == np.float32 and np.array_equal(a, e), (a.dtype, a.shape)
                    """, plain, raw).requireSuccess("float check " + c.cliName());
        }
    }
}

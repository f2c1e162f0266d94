package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemoryBudgetExceededException;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Generic TIFF files made in the set-up with {@code vips tiffsave} (pyramids as IFD chains and as
 * SubIFDs, every compression, BigTIFF, 16-bit, float, gray, strips) and with tifffile (separate
 * planes, signed and 32-bit types, big-endian, predictors), each level compared with what vips or
 * numpy holds: identical for lossless compression, within decoder tolerance for JPEG and JPEG 2000.
 */
class GenericTiffTest {
    @TempDir static Path dir;
    /** File name to level count, in the order made. */
    private static final Map<String, Integer> VIPS_FILES = new LinkedHashMap<>();
    private static final List<String> LOSSY = List.of("jpeg.tif", "rgbjpeg.tif", "jp2k.tif", "grayjpeg.tif");

    private static final String VIPS_SCRIPT = """
            set -e
            cd "$1"
            vips copy "$2" src.v
            vips linear src.v t16.v 257 0 && vips cast t16.v u16.v ushort
            vips linear src.v f32.v 0.01 -- -0.5
            vips colourspace src.v gray.v b-w
            T="--tile --tile-width 256 --tile-height 256 --pyramid"
            vips tiffsave src.v none.tif $T
            vips tiffsave src.v lzw.tif $T --compression lzw
            vips tiffsave src.v deflate.tif $T --compression deflate --predictor horizontal
            vips tiffsave src.v zstd.tif $T --compression zstd
            vips tiffsave src.v packbits.tif $T --compression packbits
            vips tiffsave src.v jpeg.tif $T --compression jpeg --Q 90
            vips tiffsave src.v rgbjpeg.tif $T --compression jpeg --Q 90 --rgbjpeg
            vips tiffsave src.v jp2k.tif $T --compression jp2k --Q 90
            vips tiffsave src.v bigtiff.tif $T --compression deflate --bigtiff
            vips tiffsave src.v subifd.tif $T --compression lzw --subifd
            vips tiffsave src.v odd.tif --tile --tile-width 240 --tile-height 112 --pyramid --compression deflate
            vips tiffsave u16.v u16.tif $T --compression deflate --predictor horizontal
            vips tiffsave f32.v f32.tif --tile --tile-width 256 --tile-height 256 --compression deflate --predictor float
            vips tiffsave gray.v gray.tif $T --compression lzw
            vips tiffsave gray.v grayjpeg.tif $T --compression jpeg
            vips tiffsave src.v strips.tif --compression deflate
            for f in *.tif; do
              s=$(vipsheader -f n-subifds "$f" 2>/dev/null || echo 0)
              if [ "$s" -gt 0 ]; then
                vips rawsave "$f" "$f.0.raw"
                for i in $(seq 0 $((s - 1))); do vips rawsave "$f[subifd=$i]" "$f.$((i + 1)).raw"; done
                echo "$f $((s + 1))"
              else
                n=$(vipsheader -f n-pages "$f")
                for i in $(seq 0 $((n - 1))); do vips rawsave "$f[page=$i]" "$f.$i.raw"; done
                echo "$f $n"
              fi
            done
            """;

    /** tifffile fixtures: (name, array, keyword arguments); the reference is the array as little-endian C-order bytes (H, W, S). */
    private static final String TIFFFILE_SCRIPT = """
            import sys, numpy as np, tifffile
            out = sys.argv[1]
            rng = np.random.default_rng(7)
            def smooth(shape, scale):
                y, x = np.mgrid[0:shape[0], 0:shape[1]]
                return (np.sin(x / 9.0) * np.cos(y / 13.0) + 1) * scale
            H, W = 203, 317
            rgb = np.stack([smooth((H, W), 120) + c * 5 for c in range(3)], -1).astype(np.uint8)
            cases = {
                'separate.tif': (rgb, dict(planarconfig='separate', compression='zlib', tile=(64, 64))),
                'separate-strips.tif': (rgb, dict(planarconfig='separate', rowsperstrip=17)),
                'int8.tif': ((smooth((H, W), 100) - 100).astype(np.int8), dict(tile=(32, 48), compression='zlib')),
                'int16-be.tif': ((smooth((H, W), 20000) - 20000).astype(np.int16), dict(byteorder='>', compression='zlib', predictor=True, tile=(64, 64))),
                'uint16-pred-strips.tif': (smooth((H, W), 30000).astype(np.uint16), dict(compression='zlib', predictor=True, rowsperstrip=10)),
                'uint32.tif': ((smooth((H, W), 2e9)).astype(np.uint32), dict(tile=(64, 64), bigtiff=True, byteorder='>')),
                'int32.tif': ((smooth((H, W), 1e9) - 1e9).astype(np.int32), dict(compression='zlib', rowsperstrip=50)),
                'float32-strips.tif': (rng.standard_normal((H, W)).astype(np.float32), dict(rowsperstrip=16)),
                'float32-be-tiles.tif': (rng.standard_normal((H, W, 2)).astype(np.float32), dict(tile=(64, 64), byteorder='>', compression='zlib', photometric='minisblack', planarconfig='contig')),
                'rgb-pred.tif': (rgb, dict(compression='zlib', predictor=True, tile=(80, 96))),
                'lzma.tif': (rgb, dict(compression='lzma')),
                'rgba.tif': (np.dstack([rgb, np.full((H, W), 200, np.uint8)]), dict(tile=(64, 64), photometric='rgb', extrasamples=['unassalpha'])),
            }
            idx = (smooth((H, W), 127)).astype(np.uint8)
            cmap = np.stack([np.arange(256) * 257, (255 - np.arange(256)) * 257, (np.arange(256) * 7 % 256) * 256 + 13]).astype(np.uint16)
            tifffile.imwrite(out + '/palette.tif', idx, photometric='palette', colormap=cmap, rowsperstrip=32, compression='zlib')
            pal = np.stack([(cmap[c][idx] >> 8).astype(np.uint8) for c in range(3)], -1)
            open(out + '/palette.tif.raw', 'wb').write(pal.tobytes())
            print('palette.tif', H, W, 3, 'uint8')
            for name, (a, kw) in cases.items():
                stored = a.transpose(2, 0, 1) if kw.get('planarconfig') == 'separate' else a
                tifffile.imwrite(out + '/' + name, stored, **kw)
                ref = a if a.ndim == 3 else a[:, :, None]
                if name == 'rgba.tif': ref = ref[:, :, :3]
                open(out + '/' + name + '.raw', 'wb').write(np.ascontiguousarray(ref.astype(ref.dtype.newbyteorder('<'))).tobytes())
                print(name, ref.shape[0], ref.shape[1], ref.shape[2], ref.dtype.name)
            """;

    private record TifffileCase(String name, int height, int width, int bands, String dtype) {}

    private static final Map<String, TifffileCase> TIFFFILE = new LinkedHashMap<>();

    @BeforeAll
    static void makeFiles() {
        ReferenceTools.requireProgram("vips");
        Path kidney = SharedData.slide("kidney-48-5.tif");
        var r = ReferenceTools.run(List.of("sh", "-c", VIPS_SCRIPT, "sh", dir.toString(), kidney.toString()), 300).requireSuccess("vips fixtures");
        for (String line : r.stdout().strip().split("\n")) {
            String[] p = line.split(" ");
            VIPS_FILES.put(p[0], Integer.parseInt(p[1]));
        }
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        var t = ReferenceTools.python(TIFFFILE_SCRIPT, dir).requireSuccess("tifffile fixtures");
        for (String line : t.stdout().strip().split("\n")) {
            String[] p = line.split(" ");
            TIFFFILE.put(p[0], new TifffileCase(p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]), p[4]));
        }
    }

    static Stream<String> vipsFiles() {
        return Stream.of("none.tif", "lzw.tif", "deflate.tif", "zstd.tif", "packbits.tif", "jpeg.tif", "rgbjpeg.tif", "jp2k.tif",
                "bigtiff.tif", "subifd.tif", "odd.tif", "u16.tif", "f32.tif", "gray.tif", "grayjpeg.tif", "strips.tif");
    }

    static SlideOptions options() {
        return SlideOptions.forBudget(new MemoryBudget(256L << 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vipsFiles")
    void everyLevelAsVipsReadsIt(String name) throws IOException {
        int levels = VIPS_FILES.get(name);
        try (Slide s = Slide.open(dir.resolve(name), options())) {
            assertThat(s.metadata().format()).isEqualTo("generic-tiff");
            assertThat(s.levelCount()).as("levels of %s", name).isEqualTo(levels);
            for (int l = 0; l < levels; l++) {
                var li = s.level(l);
                Raster ours = Raster.create(s.metadata().pixelType(), li.width(), li.height(), s.metadata().sizeC());
                s.readLevelRegion(l, new Region(0, 0, li.width(), li.height()), Plane.FIRST, ours);
                byte[] ref = Files.readAllBytes(dir.resolve(name + "." + l + ".raw"));
                assertThat((long) ref.length).as("%s level %d size", name, l).isEqualTo(ours.byteSize());
                if (LOSSY.contains(name)) {
                    Raster refRaster = Raster.create(PixelType.UINT8, li.width(), li.height(), s.metadata().sizeC());
                    System.arraycopy(ref, 0, refRaster.bytes(), 0, ref.length);
                    Diff.of(ours, refRaster, -1).assertWithinCodecTolerance(name + " level " + l);
                } else {
                    assertThat(ours.toBytes(ByteOrder.LITTLE_ENDIAN)).as("%s level %d", name, l).isEqualTo(ref);
                }
            }
        }
    }

    @Test
    void typesAndLayouts() {
        try (Slide u16 = Slide.open(dir.resolve("u16.tif"), options());
             Slide f32 = Slide.open(dir.resolve("f32.tif"), options());
             Slide gray = Slide.open(dir.resolve("gray.tif"), options());
             Slide big = Slide.open(dir.resolve("bigtiff.tif"), options());
             Slide rgb = Slide.open(dir.resolve("none.tif"), options())) {
            assertThat(u16.metadata().pixelType()).isEqualTo(PixelType.UINT16);
            assertThat(u16.metadata().brightfield()).isFalse();
            assertThat(f32.metadata().pixelType()).isEqualTo(PixelType.FLOAT32);
            assertThat(gray.metadata().sizeC()).isEqualTo(1);
            assertThat(((TiffSlide) big).file().isBigTiff()).isTrue();
            assertThat(rgb.metadata().brightfield()).isTrue();
            assertThat(rgb.metadata().channelNames()).containsExactly("R", "G", "B");
            assertThat(rgb.level(1).downsample()).isCloseTo((1493.0 / 746 + 901.0 / 450) / 2, org.assertj.core.api.Assertions.within(1e-12));
            // Outside the image: white for brightfield RGB, 0 for other data, at every level.
            for (int l = 0; l < rgb.levelCount(); l++) {
                Raster r = rgb.readRegion(ReadRequest.atLevel(l, -(int) (40 * rgb.level(l).downsample()), 0, 80, 10));
                assertThat(r.get(0, 0, 0)).isEqualTo(255);
                assertThat(r.get(79, 5, 2)).isEqualTo(r.get(79, 5, 2)); // inside: whatever the image holds
                Raster u = u16.readRegion(ReadRequest.atLevel(l, 0, u16.level(0).height() + 5, 10, 10));
                assertThat(u.get(3, 3, 1)).isZero();
            }
        }
    }

    static Stream<String> tifffileFiles() {
        return Stream.of("separate.tif", "separate-strips.tif", "int8.tif", "int16-be.tif", "uint16-pred-strips.tif", "uint32.tif",
                "int32.tif", "float32-strips.tif", "float32-be-tiles.tif", "rgb-pred.tif", "palette.tif", "rgba.tif");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tifffileFiles")
    void tifffileWrittenFilesAsNumpyHoldsThem(String name) throws IOException {
        TifffileCase c = TIFFFILE.get(name);
        try (Slide s = Slide.open(dir.resolve(name), options())) {
            assertThat(s.metadata().pixelType()).isEqualTo(PixelType.parse(c.dtype()));
            assertThat(s.metadata().sizeC()).isEqualTo(c.bands());
            Raster ours = Raster.create(s.metadata().pixelType(), c.width(), c.height(), c.bands());
            s.readLevelRegion(0, new Region(0, 0, c.width(), c.height()), Plane.FIRST, ours);
            assertThat(ours.toBytes(ByteOrder.LITTLE_ENDIAN)).isEqualTo(Files.readAllBytes(dir.resolve(name + ".raw")));
            // One channel alone, a region across tile borders.
            int ch = c.bands() - 1;
            Raster one = s.readRegion(ReadRequest.atLevel(0, 30, 20, 150, 90).withChannel(ch));
            for (int y = 0; y < 90; y += 7) {
                for (int x = 0; x < 150; x += 11) {
                    assertThat(one.get(x, y, 0)).isEqualTo(ours.get(30 + x, 20 + y, ch));
                }
            }
        }
    }

    @Test
    void singleStripKidneyIsReadInPieces() throws IOException {
        try (Slide s = Slide.open(SharedData.slide("kidney-48-5.tif"), options())) {
            assertThat(s.metadata().format()).isEqualTo("generic-tiff");
            assertThat(s.levels()).hasSize(1);
            // One uncompressed strip of 901 rows (4 MB), read as 17 strips of 53 rows.
            assertThat(s.level(0).tileHeight()).isEqualTo(53);
            Raster all = s.readRegion(ReadRequest.atLevel(0, 0, 0, 1493, 901));
            assertThat(all.bytes()).isEqualTo(Files.readAllBytes(dir.resolve("none.tif.0.raw")));
        }
    }

    @Test
    void unsupportedCompressionNamesFileAndScheme() {
        assertThatThrownBy(() -> Slide.open(dir.resolve("lzma.tif"), options()))
                .isInstanceOf(org.slidestream.slide.UnsupportedSlideException.class)
                .hasMessageStartingWith("lzma.tif: ").hasMessageContaining("lzma");
    }

    @Test
    void downsampledReadsAverageTheBestLevel() {
        try (Slide s = Slide.open(dir.resolve("none.tif"), options())) {
            // Downsample 4 on level 0 of the stripped single-level file: exact block means.
            try (Slide strips = Slide.open(dir.resolve("strips.tif"), options())) {
                assertThat(strips.levelCount()).isEqualTo(1);
                Raster l0 = strips.readRegion(ReadRequest.atLevel(0, 0, 0, 1493, 901));
                Raster d = strips.readRegion(ReadRequest.atDownsample(4, 100, 40, 50, 30));
                for (int y = 0; y < 30; y++) {
                    for (int x = 0; x < 50; x++) {
                        for (int b = 0; b < 3; b++) {
                            double sum = 0;
                            for (int j = 0; j < 4; j++) for (int i = 0; i < 4; i++) sum += l0.get(100 + 4 * x + i, 40 + 4 * y + j, b);
                            assertThat(d.get(x, y, b)).isEqualTo(Math.floor(sum / 16 + 0.5));
                        }
                    }
                }
            }
            // Downsample 3 reads level 1 (downsample ~2) and averages boxes of ~1.5 level pixels with exact weights.
            assertThat(s.bestLevelForDownsample(3)).isEqualTo(1);
            double ds1 = s.level(1).downsample();
            Raster l1 = s.readRegion(ReadRequest.atLevel(1, 0, 0, s.level(1).width(), s.level(1).height()));
            Raster d = s.readRegion(ReadRequest.atDownsample(3, 301, 97, 64, 48));
            double f = 3 / ds1, ox = 301 / ds1, oy = 97 / ds1;
            int off = 0;
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    double x0 = ox + x * f, y0 = oy + y * f;
                    for (int b = 0; b < 3; b++) {
                        double sum = 0;
                        for (int j = (int) Math.floor(y0); j < Math.ceil(y0 + f); j++) {
                            for (int i = (int) Math.floor(x0); i < Math.ceil(x0 + f); i++) {
                                double w = (Math.min(x0 + f, i + 1) - Math.max(x0, i)) * (Math.min(y0 + f, j + 1) - Math.max(y0, j));
                                sum += w * l1.get(i, j, b);
                            }
                        }
                        double expected = sum / (f * f);
                        assertThat(Math.abs(d.get(x, y, b) - expected)).as("pixel %d,%d", x, y).isLessThanOrEqualTo(0.5 + 1e-6);
                        if (Math.abs(d.get(x, y, b) - Math.floor(expected + 0.5)) > 0) off++;
                    }
                }
            }
            assertThat(off).as("pixels rounded the other way").isLessThan(10);
            // Partly outside the image: background where the footprint is outside.
            Raster edge = s.readRegion(ReadRequest.atDownsample(5.5, -550, 0, 40, 10));
            assertThat(edge.get(0, 0, 0)).isEqualTo(255);
            assertThat(edge.get(5, 5, 1)).isEqualTo(255);
        }
    }

    /** The exact 2-D box average of level pixels over an output pixel's footprint. */
    private static double boxAverage(Raster level, double x0, double y0, double f, int band) {
        double sum = 0;
        for (int j = (int) Math.floor(y0); j < Math.ceil(y0 + f); j++) {
            for (int i = (int) Math.floor(x0); i < Math.ceil(x0 + f); i++) {
                double w = (Math.min(x0 + f, i + 1) - Math.max(x0, i)) * (Math.min(y0 + f, j + 1) - Math.max(y0, j));
                sum += w * level.get(i, j, band);
            }
        }
        return sum / (f * f);
    }

    @Test
    void downsampledReadsOf16BitAndFloatImages() {
        for (String name : new String[] {"u16.tif", "f32.tif"}) {
            try (Slide s = Slide.open(dir.resolve(name), options())) {
                double d = 2.75;
                int best = s.bestLevelForDownsample(d);
                double ds = s.level(best).downsample(), f = d / ds;
                Raster level = s.readRegion(ReadRequest.atLevel(best, 0, 0, s.level(best).width(), s.level(best).height()));
                Raster out = s.readRegion(ReadRequest.atDownsample(d, 123, 77, 90, 60));
                for (int y = 0; y < 60; y++) {
                    for (int x = 0; x < 90; x++) {
                        for (int b = 0; b < 3; b++) {
                            double e = boxAverage(level, 123 / ds + x * f, 77 / ds + y * f, f, b);
                            double tolerance = s.metadata().pixelType().isFloat() ? 1e-5 : 0.5 + 1e-6;
                            assertThat(Math.abs(out.get(x, y, b) - e)).as("%s %d,%d", name, x, y).isLessThanOrEqualTo(tolerance);
                        }
                    }
                }
            }
        }
    }

    @Test
    void requestsOverTheBudgetFailAtOnce() {
        SlideOptions small = SlideOptions.forBudget(new MemoryBudget(2L << 20));
        try (Slide s = Slide.open(dir.resolve("strips.tif"), small)) {
            assertThatThrownBy(() -> s.readRegion(ReadRequest.atLevel(0, 0, 0, 1493, 901)))
                    .isInstanceOf(MemoryBudgetExceededException.class).hasMessageContaining("needs");
            // A large footprint at a small output is read in strips within the budget.
            Raster d = s.readRegion(ReadRequest.atDownsample(7.5, 0, 0, 199, 120));
            assertThat(d.width()).isEqualTo(199);
            assertThat(small.budget().reserved()).isEqualTo(small.cache().capacity());
        }
    }
}

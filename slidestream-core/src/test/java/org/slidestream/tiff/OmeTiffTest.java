package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * OME-TIFF against tifffile: the Bio-Formats file of the shared data (CZYX int8 in 15 IFDs), and
 * files tifffile writes in the set-up: SubIFD pyramids of uint16 channels with names and physical
 * sizes, RGB brightfield with SamplesPerPixel 3, float32 Z stacks.
 */
class OmeTiffTest {
    @TempDir static Path dir;

    private static final String SCRIPT = """
            import sys, numpy as np, tifffile
            out, shared = sys.argv[1], sys.argv[2]
            a = tifffile.TiffFile(shared).series[0].asarray()
            open(out + '/shared.raw', 'wb').write(np.ascontiguousarray(a).tobytes())
            y, x = np.mgrid[0:300, 0:500]
            chans = np.stack([((np.sin(x / (7.0 + c)) + np.cos(y / 11.0) + 2) * 16000).astype(np.uint16) for c in range(3)])
            rgb = np.stack([((np.sin(x / 17.0 + c) + 1) * 120 + 10).astype(np.uint8) for c in range(3)], -1)
            zs = np.stack([(np.sin(x / 5.0) * np.cos(y / (3.0 + z))).astype(np.float32) for z in range(4)])
            def pyramid(name, data, axes, levels, meta, **kw):
                bo, big = kw.pop('byteorder', None), kw.pop('bigtiff', False)
                with tifffile.TiffWriter(out + '/' + name, ome=True, byteorder=bo, bigtiff=big) as tif:
                    m = dict(axes=axes, **meta)
                    tif.write(data, subifds=levels - 1, metadata=m, **kw)
                    ref = [data]
                    for l in range(1, levels):
                        f = 2 ** l
                        d = data[..., ::f, ::f] if axes[-1] == 'X' else data[::f, ::f, :]
                        tif.write(d, subfiletype=1, **kw)
                        ref.append(d)
                for l, d in enumerate(ref):
                    open(out + '/' + name + '.' + str(l) + '.raw', 'wb').write(np.ascontiguousarray(d.astype(d.dtype.newbyteorder('<'))).tobytes())
            pyramid('channels.ome.tif', chans, 'CYX', 3, dict(Channel=dict(Name=['DAPI', 'CD3', 'CD8']), PhysicalSizeX=0.325,
                    PhysicalSizeY=0.325, PhysicalSizeXUnit='µm', PhysicalSizeYUnit='µm'), tile=(64, 64), compression='zlib')
            pyramid('rgb.ome.tif', rgb, 'YXS', 2, dict(PhysicalSizeX=500, PhysicalSizeXUnit='nm', PhysicalSizeY=0.5), tile=(64, 64), photometric='rgb')
            pyramid('big.ome.tif', chans, 'CYX', 3, dict(), tile=(64, 64), bigtiff=True, byteorder='>', compression='zlib', predictor=True)
            pyramid('z.ome.tif', zs, 'ZYX', 1, dict(PhysicalSizeZ=2.0), compression='zlib', predictor=False, byteorder='>')
            """;

    @BeforeAll
    static void makeFiles() {
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        ReferenceTools.python(SCRIPT, dir, SharedData.slide("multi-channel-z-series.ome.tif")).requireSuccess("tifffile OME fixtures");
    }

    private static SlideOptions options() {
        return SlideOptions.forBudget(new MemoryBudget(256L << 20));
    }

    private static Raster plane(Slide s, int level, int c, int z) {
        var li = s.level(level);
        Raster r = Raster.create(s.metadata().pixelType(), li.width(), li.height(), 1);
        s.readLevelRegion(level, new Region(0, 0, li.width(), li.height()), new Plane(c, z, 0), r);
        return r;
    }

    @Test
    void bioFormatsFileEveryPlaneAsTifffile() throws IOException {
        try (Slide s = Slide.open(SharedData.slide("multi-channel-z-series.ome.tif"), options())) {
            SlideMetadata m = s.metadata();
            assertThat(m.format()).isEqualTo("ome-tiff");
            assertThat(m.pixelType()).isEqualTo(PixelType.INT8);
            assertThat(m.sizeC()).isEqualTo(3);
            assertThat(m.sizeZ()).isEqualTo(5);
            assertThat(m.sizeT()).isEqualTo(1);
            assertThat(m.brightfield()).isFalse();
            assertThat(s.levels()).hasSize(1);
            assertThat(s.level(0).width()).isEqualTo(439);
            assertThat(s.level(0).height()).isEqualTo(167);
            byte[] ref = Files.readAllBytes(dir.resolve("shared.raw"));
            int planeBytes = 439 * 167;
            for (int c = 0; c < 3; c++) {
                for (int z = 0; z < 5; z++) {
                    byte[] expected = Arrays.copyOfRange(ref, (c * 5 + z) * planeBytes, (c * 5 + z + 1) * planeBytes);
                    assertThat(plane(s, 0, c, z).bytes()).as("C=%d Z=%d", c, z).isEqualTo(expected);
                }
            }
            // All channels at once: interleaved bands of the same planes.
            Raster all = s.readRegion(ReadRequest.atLevel(0, 0, 0, 439, 167).withZ(3));
            assertThat(all.band(2).bytes()).isEqualTo(plane(s, 0, 2, 3).bytes());
        }
    }

    @Test
    void channelPyramidInSubIfds() throws IOException {
        try (Slide s = Slide.open(dir.resolve("channels.ome.tif"), options())) {
            SlideMetadata m = s.metadata();
            assertThat(m.pixelType()).isEqualTo(PixelType.UINT16);
            assertThat(m.channelNames()).containsExactly("DAPI", "CD3", "CD8");
            assertThat(m.mppX()).isCloseTo(0.325, within(1e-12));
            assertThat(m.channelIndex("cd8")).isEqualTo(2);
            assertThat(s.levels()).hasSize(3);
            assertThat(s.level(1).width()).isEqualTo(250);
            assertThat(s.level(2).downsample()).isCloseTo(4.0, within(1e-9));
            for (int l = 0; l < 3; l++) {
                var li = s.level(l);
                Raster all = Raster.create(PixelType.UINT16, li.width(), li.height(), 3);
                s.readLevelRegion(l, new Region(0, 0, li.width(), li.height()), Plane.FIRST, all);
                // tifffile's reference is C, Y, X: compare plane by plane.
                byte[] ref = Files.readAllBytes(dir.resolve("channels.ome.tif." + l + ".raw"));
                int n = li.width() * li.height() * 2;
                for (int c = 0; c < 3; c++) {
                    assertThat(all.band(c).toBytes(ByteOrder.LITTLE_ENDIAN)).as("level %d channel %d", l, c)
                            .isEqualTo(Arrays.copyOfRange(ref, c * n, (c + 1) * n));
                }
            }
            Raster outside = s.readRegion(ReadRequest.atLevel(1, 990, 0, 30, 5).withChannel(1));
            assertThat(outside.get(29, 0, 0)).isZero();
        }
    }

    @Test
    void bigTiffBigEndianPyramid() throws IOException {
        try (Slide s = Slide.open(dir.resolve("big.ome.tif"), options())) {
            assertThat(((TiffSlide) s).file().isBigTiff()).isTrue();
            assertThat(s.levels()).hasSize(3);
            for (int l = 0; l < 3; l++) {
                byte[] ref = Files.readAllBytes(dir.resolve("big.ome.tif." + l + ".raw"));
                int n = s.level(l).width() * s.level(l).height() * 2;
                for (int c = 0; c < 3; c++) {
                    assertThat(plane(s, l, c, 0).toBytes(ByteOrder.LITTLE_ENDIAN)).as("level %d channel %d", l, c)
                            .isEqualTo(Arrays.copyOfRange(ref, c * n, (c + 1) * n));
                }
            }
        }
    }

    @Test
    void rgbOmeTiffIsBrightfield() throws IOException {
        try (Slide s = Slide.open(dir.resolve("rgb.ome.tif"), options())) {
            SlideMetadata m = s.metadata();
            assertThat(m.sizeC()).isEqualTo(3);
            assertThat(m.brightfield()).isTrue();
            assertThat(m.channelNames()).containsExactly("R", "G", "B");
            assertThat(m.mppX()).isCloseTo(0.5, within(1e-12)); // 500 nm
            assertThat(s.levels()).hasSize(2);
            for (int l = 0; l < 2; l++) {
                var li = s.level(l);
                Raster r = s.readRegion(ReadRequest.atLevel(l, 0, 0, li.width(), li.height()));
                assertThat(r.bytes()).isEqualTo(Files.readAllBytes(dir.resolve("rgb.ome.tif." + l + ".raw")));
            }
            assertThat(s.readRegion(ReadRequest.atLevel(0, -10, -10, 5, 5)).get(2, 2, 1)).isEqualTo(255);
        }
    }

    @Test
    void floatZStack() throws IOException {
        try (Slide s = Slide.open(dir.resolve("z.ome.tif"), options())) {
            SlideMetadata m = s.metadata();
            assertThat(m.pixelType()).isEqualTo(PixelType.FLOAT32);
            assertThat(m.sizeZ()).isEqualTo(4);
            assertThat(m.sizeC()).isEqualTo(1);
            assertThat(m.mppZ()).isEqualTo(2.0);
            byte[] ref = Files.readAllBytes(dir.resolve("z.ome.tif.0.raw"));
            int n = 500 * 300 * 4;
            for (int z = 0; z < 4; z++) {
                assertThat(plane(s, 0, 0, z).toBytes(ByteOrder.LITTLE_ENDIAN)).as("z %d", z).isEqualTo(Arrays.copyOfRange(ref, z * n, (z + 1) * n));
            }
            // levelSource exposes the Z sections as planes.
            assertThat(s.levelSource(0).planes()).isEqualTo(4);
            List<String> names = m.channelNames();
            assertThat(names).hasSize(1);
        }
    }
}

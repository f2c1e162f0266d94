package org.slidestream.format.png;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.image.Region;
import org.slidestream.testing.ReferenceTools;

class PngTest {
    @TempDir Path dir;

    /** Image-like content (gradients, noise, flat areas) so every filter gets chosen somewhere. */
    static Raster sample(PixelType type, int w, int h, int bands, long seed) {
        Raster r = Raster.create(type, w, h, bands);
        Random rnd = new Random(seed);
        double max = type.maxValue();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    double v = switch ((x / 16 + y / 16 + b) % 3) {
                        case 0 -> (x * 7 + y * 3 + b * 50) % (max + 1);
                        case 1 -> rnd.nextDouble() * max;
                        default -> max / 3;
                    };
                    r.set(x, y, b, Math.floor(v));
                }
            }
        }
        return r;
    }

    private static void saveNpy(Raster r, Path f) throws IOException {
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.of(r.type()), new long[] {r.width(), r.bands()}, -1, false)) {
            w.append(r);
            w.commit();
        }
    }

    @Test
    void referenceDecodersReadOursExactly() throws IOException {
        record Case(String name, PixelType type, int bands, PngOptions options) {}
        List<Case> cases = new ArrayList<>();
        int k = 0;
        for (PixelType t : new PixelType[] {PixelType.UINT8, PixelType.UINT16}) {
            for (int bands = 1; bands <= 4; bands++) {
                for (PngFilter f : PngFilter.values()) {
                    cases.add(new Case("c" + k++, t, bands, new PngOptions(new int[] {0, 1, 6, 9}[k % 4], f)));
                }
            }
        }
        for (Case c : cases) {
            Raster r = sample(c.type, 37 + c.bands, 23, c.bands, c.name.hashCode());
            Png.write(r, dir.resolve(c.name + ".png"), c.options);
            saveNpy(r, dir.resolve(c.name + ".npy"));
            // the same image compressed whole by libdeflate, where it is installed
            Files.write(dir.resolve(c.name + "_n.png"), Png.encode(r, c.options, true));
            saveNpy(r, dir.resolve(c.name + "_n.npy"));
        }
        ReferenceTools.requirePythonModules("PIL", "numpy", "cv2");
        // Pillow for 8-bit and 16-bit gray; OpenCV (libpng) for 16-bit colour, which Pillow cuts to 8 bits.
        ReferenceTools.python("""
                import sys, glob, os, numpy as np, cv2
                from PIL import Image
                n = 0
                for npy in sorted(glob.glob(os.path.join(sys.argv[1], '*.npy'))):
                    want = np.load(npy)
                    want = want.reshape(want.shape[0], -1, want.shape[-1])
                    png = npy[:-4] + '.png'
                    bands = want.shape[-1]
                    if want.dtype == np.uint16 and bands > 1:
                        got = cv2.imread(png, cv2.IMREAD_UNCHANGED)
                        got = got[..., [2, 1, 0, 3][:bands]] if bands >= 3 else got[..., [0, 3]]  # LA comes as BGRA
                        got = got.reshape(got.shape[0], got.shape[1], -1)
                    else:
                        im = Image.open(png)
                        im.load()
                        got = np.array(im).astype(want.dtype)
                        got = got.reshape(got.shape[0], got.shape[1], -1)
                    assert got.shape == want.shape, (png, got.shape, want.shape)
                    assert np.array_equal(got, want), png
                    n += 1
                print(n)
                """, dir).requireSuccess("reference PNG decode");
    }

    @Test
    void weDecodeWhatPillowWrites() throws IOException {
        ReferenceTools.requirePythonModules("PIL", "numpy");
        // Pillow writes each mode; its own decoding (converted as named) is the expected result.
        ReferenceTools.python("""
                import sys, os, numpy as np
                from PIL import Image
                d = sys.argv[1]
                rng = np.random.default_rng(5)
                rgb = rng.integers(0, 256, (29, 31, 3), dtype=np.uint8)
                rgb[:10] = [200, 100, 50]
                rgba = np.dstack([rgb, rng.integers(0, 256, (29, 31), dtype=np.uint8)])
                cases = {
                    'rgb': (Image.fromarray(rgb), {}, 'RGB'),
                    'rgba': (Image.fromarray(rgba, 'RGBA'), {'optimize': True}, 'RGBA'),
                    'gray': (Image.fromarray(rgb[..., 0]), {'compress_level': 1}, 'L'),
                    'la': (Image.fromarray(rgba[..., 2:4], 'LA'), {}, 'LA'),
                    'palette': (Image.fromarray(rgb).quantize(16), {}, 'RGB'),
                    'bilevel': (Image.fromarray(rgb[..., 1] > 128), {}, 'L'),
                    'gray16': (Image.fromarray((rgb[..., 0].astype(np.uint16) * 257 + 3)), {}, None),
                }
                for name, (im, opts, mode) in cases.items():
                    path = os.path.join(d, name + '.png')
                    im.save(path, **opts)
                    back = Image.open(path)
                    arr = np.array(back.convert(mode) if mode else back)
                    if name == 'gray16': arr = arr.astype(np.uint16)
                    arr = arr.reshape(arr.shape[0], arr.shape[1], -1)
                    np.save(os.path.join(d, name + '.npy'), arr.reshape(arr.shape[0], -1, arr.shape[2]))
                """, dir).requireSuccess("Pillow write");
        for (String name : new String[] {"rgb", "rgba", "gray", "la", "palette", "bilevel", "gray16"}) {
            Raster got = Png.read(dir.resolve(name + ".png"));
            try (NpyReader want = NpyReader.open(dir.resolve(name + ".npy"))) {
                long[] s = want.shape();
                Raster expected = Raster.wrap(want.dtype().pixelType(), (int) s[1], (int) s[0], (int) s[2], want.readRows(0, (int) s[0]));
                assertThat(got.contentEquals(expected)).as(name + ": " + got + " vs " + expected).isTrue();
            }
        }
    }

    @Property(tries = 60)
    void encodeThenDecodeGivesTheSamePixels(@ForAll @IntRange(min = 1, max = 70) int w, @ForAll @IntRange(min = 1, max = 40) int h,
                                            @ForAll @IntRange(min = 1, max = 4) int bands, @ForAll boolean sixteen,
                                            @ForAll PngFilter filter, @ForAll @IntRange(min = 0, max = 9) int level) throws IOException {
        Raster r = sample(sixteen ? PixelType.UINT16 : PixelType.UINT8, w, h, bands, w * 131L + h);
        Raster back = Png.decode(Png.encode(r, new PngOptions(level, filter)));
        assertThat(back.contentEquals(r)).as("%s %s level %d", r, filter, level).isTrue();
        Raster nativeBack = Png.decode(Png.encode(r, new PngOptions(level, filter), true));
        assertThat(nativeBack.contentEquals(r)).as("natives: %s %s level %d", r, filter, level).isTrue();
    }

    @Test
    void libdeflateLoadsWhereInstalled() {
        // CI installs libdeflate0; elsewhere its absence only means zlib is used
        if (System.getenv("CI") != null) assertThat(Codecs.nativeZlib(true)).as("libdeflate").isNotNull();
        assertThat(Codecs.nativeZlib(false)).isNull();
        Raster r = sample(PixelType.UINT8, 256, 256, 3, 3);
        if (Codecs.nativeZlib(true) != null) {
            assertThat(Png.encode(r, PngOptions.DEFAULT, true)).isNotEqualTo(Png.encode(r, PngOptions.DEFAULT, false));
        }
    }

    @Test
    void stripsGiveTheSameBytesAsOneRaster() throws IOException {
        Raster r = sample(PixelType.UINT8, 300, 203, 3, 9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PngWriter w = new PngWriter(out, 300, 203, 3, PixelType.UINT8, PngOptions.DEFAULT)) {
            for (int y = 0; y < 203; y += 64) w.writeRows(r.crop(new Region(0, y, 300, Math.min(64, 203 - y))));
            assertThat(w.rowsWritten()).isEqualTo(203);
            w.finish();
        }
        assertThat(out.toByteArray()).isEqualTo(Png.encode(r));
        // An image of more than one IDAT chunk, filtered adaptively, is smaller than unfiltered.
        Raster big = sample(PixelType.UINT8, 512, 512, 3, 11);
        assertThat(Png.encode(big, new PngOptions(6, PngFilter.ADAPTIVE)).length)
                .isLessThan(Png.encode(big, new PngOptions(6, PngFilter.NONE)).length);
    }

    @Test
    void misuseAndDamagedFilesAreReported() throws IOException {
        assertThatThrownBy(() -> Png.encode(Raster.create(PixelType.FLOAT32, 2, 2, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Png.encode(Raster.create(PixelType.UINT8, 2, 2, 5))).isInstanceOf(IllegalArgumentException.class);
        try (PngWriter w = new PngWriter(new ByteArrayOutputStream(), 4, 4, 1, PixelType.UINT8, PngOptions.FAST)) {
            w.writeRows(Raster.create(PixelType.UINT8, 4, 3, 1));
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("3 were written");
            assertThatThrownBy(() -> w.writeRows(Raster.create(PixelType.UINT8, 4, 2, 1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> w.writeRows(Raster.create(PixelType.UINT8, 5, 1, 1))).isInstanceOf(IllegalArgumentException.class);
        }
        Path text = Files.writeString(dir.resolve("fake.png"), "GIF89a not a png");
        assertThatThrownBy(() -> Png.read(text)).isInstanceOf(FormatException.class).hasMessage(text + ": not a PNG file");
        byte[] png = Png.encode(sample(PixelType.UINT8, 64, 64, 3, 1));
        Path cut = Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 2));
        assertThatThrownBy(() -> Png.read(cut)).isInstanceOf(FormatException.class).hasMessageStartingWith(cut + ": damaged PNG");
    }
}

package org.slidestream.format.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;
import org.slidestream.testing.ReferenceTools;

class NpyTest {
    @TempDir Path dir;

    private static Raster patch(int n, int h, int w) {
        Raster r = Raster.create(PixelType.UINT8, w, h, 3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) r.set(x, y, c, (n * 7 + y * 3 + x * 5 + c) % 256);
            }
        }
        return r;
    }

    @Test
    void numpyLoadsAPatchStackOfUnknownLength() throws IOException {
        Path f = dir.resolve("patches.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.UINT8, new long[] {5, 7, 3})) {
            for (int n = 0; n < 41; n++) w.append(patch(n, 5, 7));
            assertThat(Files.exists(f)).as("renamed only at commit").isFalse();
            w.commit();
        }
        assertThat(Files.exists(AtomicOutput.tempFor(f.toAbsolutePath()))).isFalse();
        ReferenceTools.requirePythonModules("numpy");
        ReferenceTools.python("""
                import sys, numpy as np
                a = np.load(sys.argv[1])
                assert a.shape == (41, 5, 7, 3) and a.dtype == np.uint8, (a.shape, a.dtype)
                n, y, x, c = np.indices(a.shape)
                assert np.array_equal(a, (n * 7 + y * 3 + x * 5 + c) % 256)
                m = np.load(sys.argv[1], mmap_mode='r')
                assert m.shape == a.shape
                """, f).requireSuccess("numpy load");
        try (NpyReader r = NpyReader.open(f)) {
            assertThat(r.shape()).containsExactly(41, 5, 7, 3);
            assertThat(r.readRaster(17).contentEquals(patch(17, 5, 7))).isTrue();
            assertThat(r.header().dataOffset() % 64).isZero();
        }
    }

    @Test
    void rowsOfAKnownCountMayArriveInAnyOrder() throws IOException {
        Path f = dir.resolve("features.npy");
        int rows = 6, d = 5;
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.FLOAT32, new long[] {d}, rows, false)) {
            for (int row : new int[] {4, 0, 5, 2}) {
                float[] v = new float[d];
                for (int j = 0; j < d; j++) v[j] = row + j / 8f;
                w.write(row, v);
            }
            w.write(1, ByteBuffer.allocate(d * 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, -1.5f));
            assertThatThrownBy(() -> w.write(6, new float[d])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> w.append(new float[d + 1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> w.append(new int[d])).isInstanceOf(IllegalArgumentException.class);
            w.commit();
        }
        ReferenceTools.requirePythonModules("numpy");
        ReferenceTools.python("""
                import sys, numpy as np
                a = np.load(sys.argv[1])
                assert a.shape == (6, 5) and a.dtype == np.float32, (a.shape, a.dtype)
                e = np.arange(6)[:, None] + np.arange(5)[None, :] / 8
                e[3] = 0                      # never written
                e[1] = 0; e[1, 0] = -1.5
                assert np.array_equal(a, e.astype(np.float32)), a
                """, f).requireSuccess("numpy load");
    }

    @Test
    void int64AndFourDimensionalFloatArraysReachNumpy() throws IOException {
        Path coords = dir.resolve("coords.npy");
        Path vol = dir.resolve("features3d.npy");
        try (NpyWriter w = NpyWriter.create(coords, NpyDtype.INT64, new long[] {2}, -1, false)) {
            w.append(new long[] {0, 0, 256, 0});
            w.append(new long[] {1L << 40, -7});
            w.commit();
        }
        try (NpyWriter w = NpyWriter.create(vol, NpyDtype.FLOAT32, new long[] {3, 4, 5}, 2, true)) {
            for (int c = 0; c < 2; c++) {
                float[] block = new float[60];
                for (int i = 0; i < 60; i++) block[i] = c * 1000 + i * 0.25f;
                w.write(c, block);
            }
            w.commit();
        }
        ReferenceTools.requirePythonModules("numpy");
        ReferenceTools.python("""
                import sys, numpy as np
                a = np.load(sys.argv[1])
                assert a.dtype == np.int64 and a.tolist() == [[0, 0], [256, 0], [1 << 40, -7]], (a.dtype, a)
                v = np.load(sys.argv[2])
                assert v.shape == (2, 3, 4, 5) and v.dtype == np.float32
                e = np.arange(2)[:, None] * 1000 + np.arange(60)[None, :] * 0.25
                assert np.array_equal(v.reshape(2, 60), e.astype(np.float32))
                """, coords, vol).requireSuccess("numpy load");
    }

    @Test
    void weReadWhatNumpyWritesInEveryByteOrderAndLayout() throws IOException {
        ReferenceTools.requirePythonModules("numpy");
        // Each array holds (i * 37 + 11) % 200 - 50 over its C-order index i, cast to its type.
        ReferenceTools.python("""
                import sys, os, numpy as np
                d = sys.argv[1]
                for name, dt, shape in [('u1', '<u1', (4, 6)), ('b1', '|u1', (3, 2, 2)), ('f4', '<f4', (5, 3)),
                                        ('bf4', '>f4', (5, 3)), ('i8', '<i8', (7,)), ('bi8', '>i8', (2, 3)),
                                        ('u2', '<u2', (3, 4)), ('i2', '<i2', (3, 4)), ('f8', '<f8', (2, 2)),
                                        ('i4', '<i4', (6,)), ('s', '<f4', ())]:
                    i = np.arange(int(np.prod(shape))).reshape(shape)
                    v = (i * 37 + 11) % 200 - 50
                    if dt.endswith('u1') or dt.endswith('u2'): v = v + 50
                    np.save(os.path.join(d, name + '.npy'), v.astype(dt))
                i = np.arange(24).reshape(2, 3, 4)
                np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(((i * 37 + 11) % 200 - 50).astype('<f4')))
                with open(os.path.join(d, 'v2.npy'), 'wb') as f:
                    np.lib.format.write_array(f, (((np.arange(12) * 37 + 11) % 200) - 50).astype('<i2').reshape(3, 4), version=(2, 0))
                np.save(os.path.join(d, 'bool.npy'), np.array([True, False, True]))
                """, dir).requireSuccess("numpy save");
        for (String name : new String[] {"u1", "b1", "f4", "bf4", "i8", "bi8", "u2", "i2", "f8", "i4", "s", "fortran", "v2"}) {
            try (NpyReader r = NpyReader.open(dir.resolve(name + ".npy"))) {
                long[] shape = r.shape();
                long[] start = new long[shape.length];
                int[] size = new int[shape.length];
                for (int k = 0; k < shape.length; k++) size[k] = (int) shape[k];
                float[] got = r.readFloats(start, size);
                boolean shifted = name.startsWith("u") || name.equals("b1");
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).as("%s[%d]", name, i).isEqualTo((i * 37 + 11) % 200 - 50 + (shifted ? 50 : 0));
                }
                assertThat(r.header().fortranOrder()).isEqualTo(name.equals("fortran"));
            }
        }
        try (NpyReader r = NpyReader.open(dir.resolve("bi8.npy"))) {
            assertThat(r.dtype().order()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat((long[]) r.readRows(1, 1)).containsExactly(72, 109, 146);
        }
        try (NpyReader r = NpyReader.open(dir.resolve("bool.npy"))) {
            assertThat(r.dtype()).isEqualTo(NpyDtype.BOOL);
            assertThat((byte[]) r.readRows(0, 3)).containsExactly(1, 0, 1);
        }
    }

    @Test
    void planesOfAVolumeInEveryOrientation() throws IOException {
        Path f = dir.resolve("volume.npy");
        int depth = 9, h = 11, w = 13;
        try (NpyWriter out = NpyWriter.create(f, NpyDtype.UINT16, new long[] {h, w}, depth, false)) {
            for (int z = 0; z < depth; z++) {
                short[] slice = new short[h * w];
                for (int i = 0; i < slice.length; i++) slice[i] = (short) (z * 1000 + i);
                out.write(z, slice);
            }
            out.commit();
        }
        try (NpyReader r = NpyReader.open(f)) {
            float[] xz = r.readFloats(new long[] {0, 4, 0}, new int[] {depth, 1, w});
            float[] yz = r.readFloats(new long[] {0, 0, 6}, new int[] {depth, h, 1});
            float[] box = r.readFloats(new long[] {2, 3, 5}, new int[] {3, 4, 2});
            for (int z = 0; z < depth; z++) {
                for (int x = 0; x < w; x++) assertThat(xz[z * w + x]).isEqualTo(z * 1000 + 4 * w + x);
                for (int y = 0; y < h; y++) assertThat(yz[z * h + y]).isEqualTo(z * 1000 + y * w + 6);
            }
            int i = 0;
            for (int z = 2; z < 5; z++) for (int y = 3; y < 7; y++) for (int x = 5; x < 7; x++) {
                assertThat(box[i++]).isEqualTo(z * 1000 + y * w + x);
            }
            assertThat((short[]) r.readRows(8, 1)).hasSize(h * w).startsWith((short) 8000, (short) 8001);
            assertThatThrownBy(() -> r.readFloats(new long[] {8, 0, 0}, new int[] {2, 1, 1}))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void anUncommittedAtomicWriterLeavesNothing() throws IOException {
        Path f = dir.resolve("partial.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.UINT8, new long[] {4})) {
            w.append(new byte[8]);
        }
        assertThat(dir.toFile().list()).isEmpty();
        // A direct writer closed without commit keeps a valid file with the rows written.
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.UINT8, new long[] {4}, -1, false)) {
            w.append(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        try (NpyReader r = NpyReader.open(f)) {
            assertThat(r.shape()).containsExactly(2, 4);
            assertThat((byte[]) r.readRows(1, 1)).containsExactly(5, 6, 7, 8);
        }
    }

    @Test
    void damagedFilesGiveAFormatExceptionNamingTheFile() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.npy"), "this is not numpy");
        assertThatThrownBy(() -> NpyReader.open(junk)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith(junk.toString()).hasMessageContaining("magic");
        Path f = dir.resolve("short.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyDtype.FLOAT64, new long[] {3})) {
            w.append(new double[9]);
            w.commit();
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 8);
        }
        assertThatThrownBy(() -> NpyReader.open(f)).isInstanceOf(FormatException.class).hasMessageContaining("truncated");
        Path structured = dir.resolve("structured.npy");
        Files.write(structured, NpyHeader.encode(NpyDtype.UINT8, false, new long[] {1}, 0));
        byte[] bytes = Files.readAllBytes(structured);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("'|u1'", "[('a', '<i4')]");
        Files.write(structured, text.substring(0, bytes.length).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> NpyReader.open(structured)).isInstanceOf(FormatException.class).hasMessageContaining("structured");
    }

    @Test
    void headerLiteralsAsOlderWritersSpellThem() {
        assertThat(PyLiteral.parse("{'descr': '<i8', 'fortran_order': False, 'shape': (3L, 4L), }"))
                .isEqualTo(java.util.Map.of("descr", "<i8", "fortran_order", false, "shape", java.util.List.of(3L, 4L)));
        assertThat(PyLiteral.parse(" {\"shape\":[],'fortran_order':True ,'descr':'|b1'} \n"))
                .isEqualTo(java.util.Map.of("descr", "|b1", "fortran_order", true, "shape", java.util.List.of()));
        assertThat(NpyDtype.parse("|u1")).isEqualTo(NpyDtype.parse("<u1")).isEqualTo(NpyDtype.UINT8);
        assertThat(NpyDtype.parse(">f4").descr()).isEqualTo(">f4");
        assertThatThrownBy(() -> NpyDtype.parse("<U10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NpyDtype.parse("<f2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 50)
    void headersRoundTripAndStayAligned(@ForAll @Size(max = 5) java.util.List<@IntRange(min = 0, max = 100_000) Integer> dims,
                                        @ForAll boolean fortran, @ForAll @IntRange(min = 0, max = 3) int type) throws IOException {
        long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
        NpyDtype t = new NpyDtype[] {NpyDtype.UINT8, NpyDtype.FLOAT32.withOrder(ByteOrder.BIG_ENDIAN), NpyDtype.INT64, NpyDtype.UINT16}[type];
        byte[] h = NpyHeader.encode(t, fortran, shape, 0);
        assertThat(h.length % 64).isZero();
        Path f = Files.createTempFile("header", ".npy"); // jqwik properties get no @TempDir
        try {
            Files.write(f, h);
            try (FileChannel ch = FileChannel.open(f)) {
                assertThat(NpyHeader.read(ch, f)).isEqualTo(new NpyHeader(t, fortran, shape, h.length));
            }
        } finally {
            Files.delete(f);
        }
    }
}

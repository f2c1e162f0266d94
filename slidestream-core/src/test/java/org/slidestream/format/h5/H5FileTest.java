package org.slidestream.format.h5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;
import org.slidestream.testing.ReferenceTools;

class H5FileTest {
    @TempDir Path dir;

    /** Writes a coords.h5 as the patch step does: CLAM's and TRIDENT's attributes on `coords`. */
    private Path writeCoords(int n) throws IOException {
        Path f = dir.resolve("slide-1").resolve("coords.h5");
        try (H5File h5 = H5File.create(f, true)) {
            H5Dataset coords = h5.createDataset("coords", H5Type.INT64, new long[] {0, 2}, H5Layout.EXTENDABLE.chunkRows(64));
            for (int start = 0; start < n; start += 100) {
                int k = Math.min(100, n - start);
                long[] batch = new long[k * 2];
                for (int i = 0; i < k; i++) {
                    batch[2 * i] = (start + i) * 256L;
                    batch[2 * i + 1] = (start + i) * 512L + (1L << 33);
                }
                coords.append(batch);
            }
            coords.setAttribute("patch_size", 256);
            coords.setAttribute("patch_level", 0);
            coords.setAttribute("downsample", new double[] {1.0, 1.0});
            coords.setAttribute("downsampled_level_dim", new long[] {46000, 32914});
            coords.setAttribute("level_dim", new long[] {46000, 32914});
            coords.setAttribute("name", "slide-1");
            coords.setAttribute("patch_size_level0", 256L);
            coords.setAttribute("level0_magnification", 20.0);
            coords.setAttribute("target_magnification", 20.0);
            coords.setAttribute("overlap", 0);
            coords.setAttribute("mpp", 0.499);
            coords.setAttribute("name", "slide-1 ünïcode"); // replaces the first value
            h5.setAttribute("classes", new String[] {"Tissue", "Tumor", "Necrosis"});
            h5.setAttribute("version", 3);
            assertThat(Files.exists(f)).isFalse();
            h5.commit();
        }
        return f;
    }

    @Test
    void theSameDataGivesTheSameBytesAtAnotherTime() throws Exception {
        Path f = writeCoords(300);
        byte[] first = Files.readAllBytes(f);
        Files.delete(f);
        Thread.sleep(1100); // HDF5's object modification times have a resolution of one second
        assertThat(Files.readAllBytes(writeCoords(300))).isEqualTo(first);
    }

    @Test
    void h5pyReadsCoordsWithTheAttributesClamAndTridentRead() throws IOException {
        Path f = writeCoords(1234);
        ReferenceTools.requirePythonModules("h5py", "numpy");
        ReferenceTools.python("""
                import sys, h5py, numpy as np
                with h5py.File(sys.argv[1], 'r') as f:
                    d = f['coords']
                    assert d.shape == (1234, 2) and d.dtype == np.int64, (d.shape, d.dtype)
                    assert d.maxshape == (None, 2) and d.chunks == (64, 2), (d.maxshape, d.chunks)
                    i = np.arange(1234)
                    assert np.array_equal(d[:, 0], i * 256) and np.array_equal(d[:, 1], i * 512 + (1 << 33))
                    a = d.attrs
                    assert a['patch_size'] == 256 and a['patch_level'] == 0 and a['overlap'] == 0
                    assert isinstance(a['name'], str) and a['name'] == 'slide-1 ünïcode', repr(a['name'])
                    assert a['downsample'].dtype == np.float64 and list(a['downsample']) == [1.0, 1.0]
                    assert a['level_dim'].dtype == np.int64 and list(a['level_dim']) == [46000, 32914]
                    assert list(a['downsampled_level_dim']) == [46000, 32914]
                    assert a['patch_size_level0'] == 256 and a['level0_magnification'] == 20.0 and a['mpp'] == 0.499
                    assert a['patch_size_level0'].dtype == np.int64 and a['patch_size'].dtype == np.int32
                    assert [type(s) for s in f.attrs['classes']] == [str] * 3, f.attrs['classes']
                    assert list(f.attrs['classes']) == ['Tissue', 'Tumor', 'Necrosis'] and f.attrs['version'] == 3
                """, f).requireSuccess("h5py read");
        try (H5File h5 = H5File.open(f)) {
            assertThat(h5.datasetNames()).containsExactly("coords");
            H5Dataset c = h5.dataset("coords");
            assertThat(c.shape()).containsExactly(1234, 2);
            assertThat(c.maxShape()).containsExactly(-1, 2);
            assertThat(c.readLongs(1000, 2)).containsExactly(256000, 512000 + (1L << 33), 256256, 512512 + (1L << 33));
            assertThat(c.stringAttribute("name")).isEqualTo("slide-1 ünïcode");
            assertThat(c.attribute("downsampled_level_dim")).isEqualTo(new long[] {46000, 32914});
            assertThat(c.attributeNames()).contains("patch_size", "mpp").hasSize(11);
            assertThat(h5.attribute("classes")).isEqualTo(new String[] {"Tissue", "Tumor", "Necrosis"});
            assertThatThrownBy(() -> h5.dataset("features")).isInstanceOf(H5Exception.class).hasMessageContaining("no dataset 'features'");
            assertThatThrownBy(() -> c.longAttribute("nope")).isInstanceOf(H5Exception.class).hasMessageContaining("no attribute 'nope'");
        }
    }

    @Test
    void weReadACoordsFileWrittenByH5pyAsClamWritesIt() throws IOException {
        ReferenceTools.requirePythonModules("h5py", "numpy");
        Path f = dir.resolve("clam.h5");
        // CLAM's save_hdf5: chunked, maxshape (None, 2), attributes from numpy values.
        ReferenceTools.python("""
                import sys, h5py, numpy as np
                coords = np.stack([np.arange(37) * 512, np.arange(37) * 1024 + 7], axis=1).astype(np.int64)
                with h5py.File(sys.argv[1], 'w') as f:
                    d = f.create_dataset('coords', shape=coords.shape, maxshape=(None, 2), chunks=(1, 2), dtype=coords.dtype)
                    d[:] = coords
                    d.attrs['patch_size'] = 512
                    d.attrs['patch_level'] = np.int64(0)
                    d.attrs['downsample'] = np.array([1., 1.])
                    d.attrs['downsampled_level_dim'] = np.array([46000, 32914])
                    d.attrs['level_dim'] = np.array([46000, 32914])
                    d.attrs['name'] = 'TCGA-XX'
                    d.attrs['save_path'] = np.bytes_(b'/data/patches')
                    d.attrs['flag'] = True
                    d.attrs['scale'] = np.float32(0.25)
                    f.create_dataset('features', data=np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
                    f.create_dataset('labels', data=np.array([0, 255, 7], dtype=np.uint8))
                    f.create_dataset('group/inner', data=np.array([1, 2], dtype=np.int32))
                """, f).requireSuccess("h5py write");
        try (H5File h5 = H5File.open(f)) {
            assertThat(h5.datasetNames()).containsExactly("coords", "features", "group/inner", "labels");
            assertThat(h5.contains("group/inner")).isTrue();
            assertThat(h5.contains("nothing/inner")).isFalse();
            try (H5Dataset c = h5.dataset("coords")) {
                assertThat(c.type()).isEqualTo(H5Type.INT64);
                assertThat(c.rows()).isEqualTo(37);
                long[] all = c.readLongs(0, 37);
                assertThat(all[2 * 36]).isEqualTo(36 * 512);
                assertThat(all[2 * 36 + 1]).isEqualTo(36 * 1024 + 7);
                assertThat(c.longAttribute("patch_size")).isEqualTo(512);
                assertThat(c.longAttribute("patch_level")).isZero();
                assertThat(c.doubleArrayAttribute("downsample")).containsExactly(1.0, 1.0);
                assertThat(c.longArrayAttribute("level_dim")).containsExactly(46000, 32914);
                assertThat(c.stringAttribute("name")).isEqualTo("TCGA-XX");
                assertThat(c.stringAttribute("save_path")).isEqualTo("/data/patches");
                assertThat(c.doubleAttribute("scale")).isEqualTo(0.25);
                assertThat(c.attributes()).containsKeys("patch_size", "name", "save_path", "flag");
                assertThat(c.attribute("flag")).isEqualTo(true);     // h5py's bool: an enum of FALSE and TRUE
            }
            assertThat(h5.dataset("features").readFloats(1, 2)).containsExactly(1, 1.25f, 1.5f, 1.75f, 2, 2.25f, 2.5f, 2.75f);
            assertThat((byte[]) h5.dataset("labels").read(0, 3)).containsExactly(0, (byte) 255, 7);
            assertThat(h5.dataset("labels").readLongs(0, 3)).containsExactly(0, 255, 7);
            assertThat(h5.dataset("group/inner").read(0, 2)).isEqualTo(new int[] {1, 2});
        }
    }

    @Test
    void typesLayoutsAndCompressionAsH5pySeesThem() throws IOException {
        Path f = dir.resolve("types.h5");
        try (H5File h5 = H5File.create(f, false)) {
            H5Dataset feats = h5.createDataset("features", H5Type.FLOAT32, new long[] {5, 3}, H5Layout.FIXED.gzip(4));
            feats.write(0, new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f});
            feats.write(2, new float[] {3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7});
            H5Dataset labels = h5.createDataset("labels", H5Type.UINT8, new long[] {4}, H5Layout.FIXED);
            labels.write(0, new byte[] {0, 1, (byte) 200, (byte) 255});
            H5Dataset ints = h5.createDataset("ints", H5Type.INT32, new long[] {0}, H5Layout.EXTENDABLE.gzip(1));
            ints.append(new int[] {-5, 7});
            ints.append(new long[] {1L << 20}); // converted by the library
            H5Dataset vol = h5.createDataset("features3d", H5Type.FLOAT32, new long[] {2, 2, 3, 4}, H5Layout.FIXED);
            float[] v = new float[48];
            for (int i = 0; i < 48; i++) v[i] = i / 2f;
            vol.write(0, v);
            assertThatThrownBy(() -> labels.write(3, new byte[2])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> feats.append(new float[4])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> feats.write(0, "text")).isInstanceOf(IllegalArgumentException.class);
            h5.commit();
        }
        ReferenceTools.requirePythonModules("h5py", "numpy");
        ReferenceTools.python("""
                import sys, h5py, numpy as np
                with h5py.File(sys.argv[1], 'r') as f:
                    d = f['features']
                    assert d.dtype == np.float32 and d.shape == (5, 3) and d.maxshape == (5, 3)
                    assert d.compression == 'gzip' and d.compression_opts == 4, (d.compression, d.compression_opts)
                    assert np.array_equal(d[:], (np.arange(15) / 2).reshape(5, 3).astype(np.float32))
                    l = f['labels']
                    assert l.dtype == np.uint8 and l[:].tolist() == [0, 1, 200, 255]
                    i = f['ints']
                    assert i.dtype == np.int32 and i.maxshape == (None,) and i[:].tolist() == [-5, 7, 1 << 20]
                    v = f['features3d']
                    assert v.shape == (2, 2, 3, 4) and np.array_equal(v[:].ravel(), np.arange(48) / 2)
                """, f).requireSuccess("h5py read");
    }

    @Test
    void anUncommittedFileLeavesNothingAndBadFilesSayWhy() throws IOException {
        Path f = dir.resolve("partial.h5");
        try (H5File h5 = H5File.create(f, true)) {
            h5.createDataset("x", H5Type.FLOAT64, new long[] {2}, H5Layout.FIXED).write(0, new double[] {1, 2});
        }
        assertThat(dir.toFile().list()).isEmpty();
        Path junk = Files.writeString(dir.resolve("junk.h5"), "not hdf5 at all");
        assertThatThrownBy(() -> H5File.open(junk)).isInstanceOf(FormatException.class)
                .hasMessage(junk + ": not an HDF5 file");
        assertThatThrownBy(() -> H5File.open(dir.resolve("missing.h5"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
        Path ro = dir.resolve("ro.h5");
        try (H5File h5 = H5File.create(ro, false)) {
            h5.createDataset("x", H5Type.INT64, new long[] {1}, H5Layout.FIXED);
            h5.commit();
        }
        try (H5File h5 = H5File.open(ro)) {
            assertThatThrownBy(() -> h5.createDataset("y", H5Type.INT64, new long[] {1}, H5Layout.FIXED))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("reading only");
            H5Dataset x = h5.dataset("x");
            assertThatThrownBy(() -> x.append(new long[] {1})).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> h5.createDataset("x", H5Type.INT64, new long[] {1}, H5Layout.FIXED))
                    .isInstanceOf(IllegalStateException.class);
        }
        try (H5File h5 = H5File.create(dir.resolve("dup.h5"), false)) {
            h5.createDataset("x", H5Type.INT64, new long[] {1}, H5Layout.FIXED);
            assertThatThrownBy(() -> h5.createDataset("x", H5Type.INT64, new long[] {1}, H5Layout.FIXED))
                    .isInstanceOf(H5Exception.class).hasMessageStartingWith(dir.resolve("dup.h5") + ": cannot create dataset 'x'");
        }
    }

    @Test
    void threadsWritingTheirOwnFilesAreSerializedSafely() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    Path f = dir.resolve("t" + id + ".h5");
                    try (H5File h5 = H5File.create(f, true)) {
                        H5Dataset d = h5.createDataset("features", H5Type.FLOAT32, new long[] {0, 8}, H5Layout.EXTENDABLE);
                        for (int b = 0; b < 50; b++) {
                            float[] rows = new float[4 * 8];
                            for (int i = 0; i < rows.length; i++) rows[i] = id * 1e6f + b * 32 + i;
                            d.append(rows);
                            d.setAttribute("batches", b + 1);
                        }
                        h5.commit();
                    }
                    return f;
                }));
            }
            for (int t = 0; t < 4; t++) {
                try (H5File h5 = H5File.open(results.get(t).get())) {
                    H5Dataset d = h5.dataset("features");
                    float[] all = d.readFloats(0, (int) d.rows());
                    assertThat(all).hasSize(50 * 32);
                    for (int i = 0; i < all.length; i++) assertThat(all[i]).isEqualTo(t * 1e6f + i);
                    assertThat(d.longAttribute("batches")).isEqualTo(50);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

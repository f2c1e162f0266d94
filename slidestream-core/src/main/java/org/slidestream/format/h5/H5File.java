package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.*;
import static org.slidestream.format.h5.H5Lib.check;
import static org.slidestream.format.h5.H5Lib.locked;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.bytedeco.hdf5.H5G_info_t;
import org.bytedeco.hdf5.H5O_info2_t;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Lib.Hid;
import org.slidestream.io.AtomicOutput;

/**
 * An HDF5 file, through the HDF Group's library: create datasets of numbers (fixed or growing by
 * rows, optionally gzip-compressed), write and read rows, and attributes on the file and its
 * datasets, in the layouts h5py, CLAM and TRIDENT use.
 *
 * <pre>{@code
 * try (H5File f = H5File.create(dir.resolve("features.h5"), true)) {
 *     H5Dataset feats = f.createDataset("features", H5Type.FLOAT32, new long[] {0, 1536}, H5Layout.EXTENDABLE);
 *     for (float[] batch : batches) feats.append(batch);
 *     f.setAttribute("name", "slide-1");
 *     f.commit();              // closed and renamed into place
 * }                            // not committed: the temporary file is deleted
 * }</pre>
 *
 * <p>The library is not thread-safe as built: every call from every thread is serialized on one
 * lock, so files and datasets may be used from any thread, but calls do not run in parallel.
 * Datasets opened from a file are closed with it.
 */
public final class H5File extends H5Node implements AutoCloseable {
    private final Path target;
    private final AtomicOutput atomic;
    private final boolean writable;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private long fid;
    private boolean closed;

    private H5File(Path target, AtomicOutput atomic, long fid, boolean writable) {
        this.target = target;
        this.atomic = atomic;
        this.fid = fid;
        this.writable = writable;
    }

    /**
     * Creates (or replaces) a file.
     *
     * @param atomic write under a temporary name ({@link AtomicOutput}) and rename at
     *               {@link #commit()}; false writes {@code target} directly
     */
    public static H5File create(Path target, boolean atomic) throws IOException {
        AtomicOutput out = atomic ? AtomicOutput.file(target) : null;
        Path file = atomic ? out.path() : target;
        if (!atomic && target.toAbsolutePath().getParent() != null) Files.createDirectories(target.toAbsolutePath().getParent());
        try {
            long fid = locked(() -> {
                try (Hid fapl = fileAccess()) {
                    return check(H5Fcreate(file.toString(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), target + ": cannot create HDF5 file");
                }
            });
            return new H5File(target, out, fid, true);
        } catch (H5Exception | RuntimeException e) {
            if (out != null) out.close();
            throw e;
        }
    }

    /** Opens an existing file for reading. */
    public static H5File open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        long fid = locked(() -> {
            try (Hid fapl = fileAccess()) {
                if (H5Fis_accessible(file.toString(), fapl.id()) <= 0) {
                    H5Eclear2(H5E_DEFAULT);
                    return -1L;
                }
                return check(H5Fopen(file.toString(), H5F_ACC_RDONLY, fapl.id()), file + ": cannot open HDF5 file");
            }
        });
        if (fid < 0) throw new FormatException(file, "not an HDF5 file");
        return new H5File(file, null, fid, false);
    }

    /** File access: where the file system cannot lock files (some network mounts), go on without. */
    private static Hid fileAccess() throws H5Exception {
        Hid fapl = H5Lib.plist(H5Pcreate(H5P_CLS_FILE_ACCESS_ID_g()), "create file access properties");
        check(H5Pset_file_locking(fapl.id(), true, true), "set file locking");
        return fapl;
    }

    /** The file's final name. */
    public Path target() { return target; }

    @Override
    long locationId() throws H5Exception {
        ensureOpen();
        return fid;
    }

    @Override
    String describe() {
        return target.toString();
    }

    /**
     * Creates a dataset of {@code shape} (outermost first; at least one dimension). With an
     * extendable layout the first dimension may start at 0 and grows as rows are written.
     * {@code name} may contain {@code /}; missing groups are created.
     */
    public H5Dataset createDataset(String name, H5Type type, long[] shape, H5Layout layout) throws H5Exception {
        if (shape.length == 0) throw new IllegalArgumentException("a dataset needs at least one dimension");
        for (long d : shape) if (d < 0) throw new IllegalArgumentException("negative dimension " + d);
        return locked(() -> {
            ensureWritable();
            String what = target + ": cannot create dataset '" + name + "'";
            long[] max = shape.clone();
            if (layout.extendable()) max[0] = H5S_UNLIMITED;
            try (Hid space = H5Lib.space(H5Screate_simple(shape.length, shape, max), what);
                 Hid dcpl = H5Lib.plist(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), what);
                 Hid lcpl = H5Lib.plist(H5Pcreate(H5P_CLS_LINK_CREATE_ID_g()), what)) {
                if (layout.chunked()) {
                    check(H5Pset_chunk(dcpl.id(), shape.length, chunk(type, shape, layout)), what + ": chunk shape");
                    if (layout.gzipLevel() >= 0) check(H5Pset_deflate(dcpl.id(), layout.gzipLevel()), what + ": gzip");
                }
                // no creation/modification times in object headers: the same data gives the same bytes
                check(H5Pset_obj_track_times(dcpl.id(), false), what + ": times");
                check(H5Pset_create_intermediate_group(lcpl.id(), 1), what);
                long did = check(H5Dcreate2(fid, name, type.nativeId(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), what);
                return track(new H5Dataset(this, name, did, type, shape, max));
            }
        });
    }

    /** About 1 MiB per chunk, whole rows, at least one row. */
    private static long[] chunk(H5Type type, long[] shape, H5Layout layout) {
        long[] c = shape.clone();
        long rowBytes = type.size();
        for (int i = 1; i < c.length; i++) {
            c[i] = Math.max(1, c[i]);
            rowBytes *= c[i];
        }
        long rows = layout.chunkRows() > 0 ? layout.chunkRows() : Math.max(1, (1 << 20) / rowBytes);
        if (!layout.extendable() && shape[0] > 0) rows = Math.min(rows, shape[0]);
        c[0] = rows;
        return c;
    }

    /** Opens an existing dataset. */
    public H5Dataset dataset(String name) throws H5Exception {
        return locked(() -> {
            ensureOpen();
            if (!contains(name)) throw new H5Exception(target + ": no dataset '" + name + "'");
            long did = check(H5Dopen2(fid, name, H5P_DEFAULT), target + ": cannot open dataset '" + name + "'");
            try {
                return track(H5Dataset.opened(this, name, did));
            } catch (H5Exception | RuntimeException e) {
                H5Dclose(did);
                throw e;
            }
        });
    }

    /** Whether a dataset (or group) of that path exists. */
    public boolean contains(String name) throws H5Exception {
        return locked(() -> {
            ensureOpen();
            // H5Lexists checks one link at a time: walk the path so that "a/b" with no "a" is false.
            String prefix = "";
            for (String part : name.split("/")) {
                if (part.isEmpty()) continue;
                prefix = prefix.isEmpty() ? part : prefix + "/" + part;
                if (check(H5Lexists(fid, prefix, H5P_DEFAULT), target + ": cannot look up '" + name + "'") <= 0) return false;
            }
            return !prefix.isEmpty();
        });
    }

    /** Paths of every dataset in the file, groups walked, in name order. */
    public List<String> datasetNames() throws H5Exception {
        return locked(() -> {
            ensureOpen();
            List<String> out = new ArrayList<>();
            Deque<String> groups = new ArrayDeque<>(List.of("."));
            String what = target + ": cannot list datasets";
            while (!groups.isEmpty()) {
                String g = groups.pop();
                long n;
                try (Hid gid = Hid.of(H5Gopen2(fid, g, H5P_DEFAULT), x -> H5Gclose(x), what);
                     H5G_info_t info = new H5G_info_t()) {
                    check(H5Gget_info(gid.id(), info), what);
                    n = info.nlinks();
                }
                List<String> sub = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    String child = linkName(g, i, what);
                    String path = g.equals(".") ? child : g + "/" + child;
                    try (H5O_info2_t info = new H5O_info2_t()) {
                        check(H5Oget_info_by_name3(fid, path, info, H5O_INFO_BASIC, H5P_DEFAULT), what);
                        if (info.type() == H5O_TYPE_DATASET) out.add(path);
                        else if (info.type() == H5O_TYPE_GROUP) sub.add(path);
                    }
                }
                for (int i = sub.size() - 1; i >= 0; i--) groups.push(sub.get(i));
            }
            out.sort(null);
            return out;
        });
    }

    private String linkName(String group, long i, String what) throws H5Exception {
        long len = check(H5Lget_name_by_idx(fid, group, H5_INDEX_NAME, H5_ITER_INC, i, (byte[]) null, 0, H5P_DEFAULT), what);
        byte[] buf = new byte[(int) len + 1];
        H5Lget_name_by_idx(fid, group, H5_INDEX_NAME, H5_ITER_INC, i, buf, buf.length, H5P_DEFAULT);
        return new String(buf, 0, (int) len, StandardCharsets.UTF_8);
    }

    private <T extends AutoCloseable> T track(T d) {
        opened.add(d);
        return d;
    }

    void forget(AutoCloseable d) {
        opened.remove(d);
    }

    /**
     * Creates a group (and any missing groups above it), for its attributes; datasets are created
     * under it by path.
     */
    public H5Group createGroup(String path) throws H5Exception {
        return locked(() -> {
            ensureWritable();
            String what = target + ": cannot create group '" + path + "'";
            try (Hid lcpl = H5Lib.plist(H5Pcreate(H5P_CLS_LINK_CREATE_ID_g()), what);
                 Hid gcpl = H5Lib.plist(H5Pcreate(H5P_CLS_GROUP_CREATE_ID_g()), what)) {
                check(H5Pset_create_intermediate_group(lcpl.id(), 1), what);
                check(H5Pset_obj_track_times(gcpl.id(), false), what);
                long gid = check(H5Gcreate2(fid, path, lcpl.id(), gcpl.id(), H5P_DEFAULT), what);
                return track(new H5Group(this, path, gid));
            }
        });
    }

    /** Opens an existing group. */
    public H5Group group(String path) throws H5Exception {
        return locked(() -> {
            ensureOpen();
            if (!isGroup(path)) throw new H5Exception(target + ": no group '" + path + "'");
            long gid = check(H5Gopen2(fid, path, H5P_DEFAULT), target + ": cannot open group '" + path + "'");
            return track(new H5Group(this, path, gid));
        });
    }

    /** True when {@code path} names a group (the root is {@code "/"}). */
    public boolean isGroup(String path) throws H5Exception {
        return objectType(path) == H5O_TYPE_GROUP;
    }

    /** True when {@code path} names a dataset. */
    public boolean isDataset(String path) throws H5Exception {
        return objectType(path) == H5O_TYPE_DATASET;
    }

    private int objectType(String path) throws H5Exception {
        return locked(() -> {
            ensureOpen();
            if (!path.equals("/") && !contains(path)) return -1;
            try (H5O_info2_t info = new H5O_info2_t()) {
                check(H5Oget_info_by_name3(fid, path, info, H5O_INFO_BASIC, H5P_DEFAULT), target + ": cannot look up '" + path + "'");
                return info.type();
            }
        });
    }

    /** Names of a group's members (datasets and groups), in name order. */
    public List<String> children(String group) throws H5Exception {
        return locked(() -> {
            ensureOpen();
            String what = target + ": cannot list '" + group + "'";
            if (!isGroup(group)) throw new H5Exception(target + ": no group '" + group + "'");
            long n;
            try (Hid gid = Hid.of(H5Gopen2(fid, group, H5P_DEFAULT), x -> H5Gclose(x), what);
                 H5G_info_t info = new H5G_info_t()) {
                check(H5Gget_info(gid.id(), info), what);
                n = info.nlinks();
            }
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) out.add(linkName(group, i, what));
            return out;
        });
    }

    /**
     * Creates a scalar (rank 0) dataset holding {@code value}: a {@code Long} or {@code Integer}
     * (int64), {@code Double} (float64), {@code Boolean} (h5py's bool) or {@code String}
     * (variable-length UTF-8), as h5py stores Python and numpy scalars.
     */
    public H5Dataset createScalar(String path, Object value) throws H5Exception {
        H5Type type = switch (value) {
            case Boolean b -> H5Type.BOOL;
            case Double d -> H5Type.FLOAT64;
            case Float f -> H5Type.FLOAT64;
            case Long l -> H5Type.INT64;
            case Integer i -> H5Type.INT64;
            case String s -> H5Type.STRING;
            case null, default -> throw new IllegalArgumentException("not a scalar value: " + value);
        };
        return locked(() -> {
            ensureWritable();
            String what = target + ": cannot create dataset '" + path + "'";
            try (Hid space = H5Lib.space(H5Screate(H5S_SCALAR), what);
                 Hid dcpl = H5Lib.plist(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), what);
                 Hid lcpl = H5Lib.plist(H5Pcreate(H5P_CLS_LINK_CREATE_ID_g()), what)) {
                check(H5Pset_obj_track_times(dcpl.id(), false), what);
                check(H5Pset_create_intermediate_group(lcpl.id(), 1), what);
                long did = check(H5Dcreate2(fid, path, type.nativeId(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), what);
                H5Dataset d = track(new H5Dataset(this, path, did, type, new long[0], new long[0]));
                d.writeScalar(value);
                return d;
            }
        });
    }

    /** Closes the file and, when atomic, renames it into place. */
    public void commit() throws IOException {
        locked(() -> {
            ensureOpen();
            closeFile();
        });
        if (atomic != null) atomic.commit();
    }

    /** Closes the file; an atomic file that was not committed is deleted. */
    @Override
    public void close() throws IOException {
        locked(() -> {
            if (!closed) closeFile();
        });
        if (atomic != null) atomic.close();
    }

    private void closeFile() throws H5Exception {
        for (AutoCloseable d : List.copyOf(opened)) {
            try {
                d.close();
            } catch (H5Exception e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        closed = true;
        long id = fid;
        fid = -1;
        check(H5Fclose(id), target + ": cannot close HDF5 file");
    }

    void ensureOpen() {
        if (closed) throw new IllegalStateException("HDF5 file " + target + " is closed");
    }

    void ensureWritable() {
        ensureOpen();
        if (!writable) throw new IllegalStateException("HDF5 file " + target + " is open for reading only");
    }

    @Override
    public String toString() {
        return "H5File[" + target + (closed ? " closed" : "") + "]";
    }
}

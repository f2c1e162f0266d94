package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.slidestream.format.h5.H5Lib.check;
import static org.slidestream.format.h5.H5Lib.locked;

/**
 * A group of an {@link H5File}, for its attributes (formats such as AnnData describe their
 * elements with attributes on groups). Datasets and subgroups are created and opened through the
 * file by path ({@code "obs/cell_type/codes"}). Closed with its file.
 */
public final class H5Group extends H5Node implements AutoCloseable {
    private final H5File file;
    private final String path;
    private long gid;

    H5Group(H5File file, String path, long gid) {
        this.file = file;
        this.path = path;
        this.gid = gid;
    }

    /** The group's path in the file. */
    public String path() { return path; }

    @Override
    long locationId() {
        if (gid < 0) throw new IllegalStateException("group " + describe() + " is closed");
        return gid;
    }

    @Override
    String describe() {
        return file.target() + ":/" + path;
    }

    @Override
    public void close() throws H5Exception {
        locked(() -> {
            if (gid < 0) return;
            long id = gid;
            gid = -1;
            file.forget(this);
            check(H5Gclose(id), describe() + ": cannot close group");
        });
    }

    @Override
    public String toString() {
        return "H5Group[" + describe() + "]";
    }
}

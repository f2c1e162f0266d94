package org.slidestream.spark;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code flaky:}, whose connection breaks once in the
 * middle of copying an output: {@link #breakCopy(int)} makes the n-th copy of a task's output
 * fail after a few bytes, leaving a partial file behind, as a lost connection to HDFS or S3 would.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    private static final AtomicInteger COPIES_LEFT = new AtomicInteger(-1);
    static final AtomicInteger BROKEN = new AtomicInteger();

    static void breakCopy(int n) {
        COPIES_LEFT.set(n);
        BROKEN.set(0);
    }

    @Override
    public URI getUri() {
        return URI.create("flaky:///");
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
                                     long blockSize, Progressable progress) throws IOException {
        return flaky(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return flaky(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private static FSDataOutputStream flaky(Path f, FSDataOutputStream real) {
        if (!f.getName().contains(".attempt-") || COPIES_LEFT.get() < 0 || COPIES_LEFT.decrementAndGet() != 0) return real;
        BROKEN.incrementAndGet();
        return new FSDataOutputStream(new java.io.OutputStream() {
            private long written;

            @Override public void write(int b) throws IOException {
                if (++written > 100) throw new IOException("simulated lost connection while writing " + f);
                real.write(b);
            }

            @Override public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) write(b[off + i]);
            }

            @Override public void close() throws IOException {
                real.close();
            }
        }, null);
    }
}

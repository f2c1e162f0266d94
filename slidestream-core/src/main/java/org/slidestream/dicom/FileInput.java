package org.slidestream.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.SlideException;

/**
 * One DICOM file open for reading: a sequential little-endian reader with a small buffer for the
 * parser, and positional reads that many threads may make at once for frames. Every length is
 * checked against the file size before anything is allocated.
 */
final class FileInput implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final Path path;
    private final long size;
    private final Object reopenLock = new Object();
    private volatile FileChannel channel;
    private volatile boolean closed;

    // sequential reading state (parser thread only)
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    private long bufStart;
    private long pos;

    FileInput(Path path) {
        this.path = path;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.size = channel.size();
        } catch (NoSuchFileException e) {
            throw new SlideException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new SlideException(path, "permission denied");
        } catch (IOException e) {
            throw new SlideException(path, "cannot read: " + e.getMessage(), e);
        }
        buf.limit(0);
    }

    Path path() { return path; }

    long size() { return size; }

    long position() { return pos; }

    void seek(long position) {
        if (position < 0 || position > size) throw new DicomException("offset " + position + " is outside the file (" + size + " bytes)");
        pos = position;
    }

    void skip(long n) {
        require(n, "skipped value");
        pos += n;
    }

    /** Bytes left from the current position to the end of the file. */
    long remaining() { return size - pos; }

    private void require(long n, String what) {
        if (n < 0 || n > size - pos) {
            throw new DicomException("truncated: " + what + " of " + n + " bytes at byte " + pos + " runs past the end of the file ("
                    + size + " bytes)");
        }
    }

    private void fill(int n, String what) {
        require(n, what);
        long off = pos - bufStart;
        if (off >= 0 && off + n <= buf.limit()) return;
        buf.clear();
        int want = (int) Math.min(BUFFER, size - pos);
        buf.limit(want);
        readFully(buf, pos);
        buf.flip();
        bufStart = pos;
    }

    int u8(String what) {
        fill(1, what);
        int v = buf.get((int) (pos - bufStart)) & 0xFF;
        pos += 1;
        return v;
    }

    int u16(String what) {
        fill(2, what);
        int i = (int) (pos - bufStart);
        int v = (buf.get(i) & 0xFF) | (buf.get(i + 1) & 0xFF) << 8;
        pos += 2;
        return v;
    }

    long u32(String what) {
        fill(4, what);
        int i = (int) (pos - bufStart);
        long v = (buf.get(i) & 0xFFL) | (buf.get(i + 1) & 0xFFL) << 8 | (buf.get(i + 2) & 0xFFL) << 16 | (buf.get(i + 3) & 0xFFL) << 24;
        pos += 4;
        return v;
    }

    /**
     * Eight bytes as two little-endian 32-bit values, read directly when they are not in the buffer,
     * so that walking item headers far apart does not read the data between them.
     */
    long[] header8(String what) {
        require(8, what);
        long off = pos - bufStart;
        byte[] b;
        if (off >= 0 && off + 8 <= buf.limit()) {
            b = new byte[8];
            buf.get((int) off, b);
        } else {
            b = read(pos, 8, what);
        }
        pos += 8;
        ByteBuffer w = ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new long[] {w.getInt(0) & 0xFFFFFFFFL, w.getInt(4) & 0xFFFFFFFFL};
    }

    byte[] bytes(long n, String what) {
        require(n, what);
        byte[] out = new byte[(int) n];
        long off = pos - bufStart;
        if (off >= 0 && off + n <= buf.limit()) {
            buf.get((int) off, out);
        } else {
            readFully(ByteBuffer.wrap(out), pos);
        }
        pos += n;
        return out;
    }

    /** Reads {@code length} bytes at {@code offset}; thread-safe. */
    byte[] read(long offset, int length, String what) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new CorruptSlideException(path, what + " at byte " + offset + " (" + length + " bytes) runs past the end of the file ("
                    + size + " bytes)");
        }
        byte[] out = new byte[length];
        readFully(ByteBuffer.wrap(out), offset);
        return out;
    }

    private void readFully(ByteBuffer dst, long position) {
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = channel;
            try {
                long p = position + dst.position();
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, p);
                    if (n < 0) throw new CorruptSlideException(path, "file shrank while reading (at byte " + p + ")");
                    p += n;
                }
                return;
            } catch (ClosedByInterruptException e) {
                // An interrupt closes the channel for every thread: reopen for the others, fail this read.
                reopen(ch);
                Thread.currentThread().interrupt();
                throw new SlideException(path, "read interrupted", e);
            } catch (ClosedChannelException e) {
                if (closed) throw new SlideException(path, "slide is closed");
                reopen(ch);
                if (attempt > 2) throw new SlideException(path, "cannot read: channel closed", e);
            } catch (IOException e) {
                throw new SlideException(path, "cannot read: " + e.getMessage(), e);
            }
        }
    }

    private void reopen(FileChannel failed) {
        synchronized (reopenLock) {
            if (closed || channel != failed) return;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new SlideException(path, "cannot reopen: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (reopenLock) {
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a read-only channel cannot lose data
            }
        }
    }
}

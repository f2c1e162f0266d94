package org.slidestream.slide;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.ServiceLoader;

/** Chooses a {@link SlideOpener} for a file and turns file-system problems into clear errors. */
final class SlideOpeners {
    private static final int HEADER_BYTES = 64 * 1024;
    private static final List<SlideOpener> OPENERS = ServiceLoader.load(SlideOpener.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private SlideOpeners() {}

    static Slide open(Path path, SlideOptions options) {
        byte[] header = readHeader(path);
        SlideOpener best = null;
        int bestScore = 0;
        for (SlideOpener o : OPENERS) {
            int s = o.probe(path, header);
            if (s > bestScore) {
                best = o;
                bestScore = s;
            }
        }
        if (best == null) {
            throw new UnsupportedSlideException(path, "not a supported slide format (" + describe(header) + ")");
        }
        return best.open(path, options);
    }

    private static byte[] readHeader(Path path) {
        if (Files.isDirectory(path)) {
            throw new SlideException(path, "is a directory, not a slide file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new CorruptSlideException(path, "file is empty");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, HEADER_BYTES));
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                // positional reads until the header is full
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        } catch (NoSuchFileException e) {
            throw new SlideException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new SlideException(path, "permission denied");
        } catch (IOException e) {
            throw new SlideException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /** What the first bytes look like, for the "unsupported" message. */
    static String describe(byte[] h) {
        if (h.length >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') return "a PNG image";
        if (h.length >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8) return "a JPEG image";
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K') return "a ZIP archive";
        if (h.length >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'H' && h[2] == 'D' && h[3] == 'F') return "an HDF5 file";
        if (h.length >= 4 && (h[0] == 'I' || h[0] == 'M') && h[0] == h[1]) return "a TIFF-like header no reader accepted";
        int n = Math.min(h.length, 8);
        StringBuilder sb = new StringBuilder("starts with ");
        boolean printable = true;
        for (int i = 0; i < n; i++) printable &= h[i] >= 0x20 && h[i] < 0x7F;
        if (printable) {
            sb.append('\'').append(new String(h, 0, n, StandardCharsets.US_ASCII)).append('\'');
        } else {
            for (int i = 0; i < n; i++) sb.append(String.format("%02x", h[i] & 0xFF));
        }
        return sb.toString();
    }
}

package org.slidestream.mirax;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code Index.dat}: the version ({@code 01.02}) and the slide id, then two roots. The hierarchical
 * root points to one list per zoom level, the non-hierarchical root to one list per record (position
 * buffer, macro, label, ...). A list is a chain of pages; each record of a level names an image by
 * its index in the level-0 image grid and its place in a data file. Every pointer is checked against
 * the file, and a chain that loops is an error.
 */
final class MiraxIndex {
    static final String VERSION = "01.02";

    /** An image of a zoom level: its index in the level-0 image grid and where its bytes are. */
    record Image(int index, long offset, long length, int fileNumber) {}

    /** A non-hierarchical record: where its bytes are. */
    record Blob(long offset, long length, int fileNumber) {}

    final List<List<Image>> levels;
    private final ByteBuffer buf;
    private final int nonhierRoot;

    private MiraxIndex(ByteBuffer buf, List<List<Image>> levels, int nonhierRoot) {
        this.buf = buf;
        this.levels = levels;
        this.nonhierRoot = nonhierRoot;
    }

    /**
     * Parses an index file's bytes.
     *
     * @param levelCount the zoom levels Slidedat.ini declares
     */
    static MiraxIndex parse(byte[] bytes, String slideId, int levelCount) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] id = slideId.getBytes(StandardCharsets.UTF_8);
        int hierRoot = VERSION.length() + id.length;
        if (bytes.length < hierRoot + 8) throw new MiraxException("Index.dat of " + bytes.length + " bytes is too short");
        if (!new String(bytes, 0, VERSION.length(), StandardCharsets.US_ASCII).equals(VERSION)) {
            throw new MiraxException("Index.dat does not start with version " + VERSION);
        }
        if (!new String(bytes, VERSION.length(), id.length, StandardCharsets.UTF_8).equals(slideId)) {
            throw new MiraxException("Index.dat belongs to another slide (its id is not SLIDE_ID " + slideId + ")");
        }
        int table = pointer(b, hierRoot, "hierarchical root");
        List<List<Image>> levels = new ArrayList<>();
        long budget = bytes.length / 16 + 1; // records a file of this size can hold
        for (int level = 0; level < levelCount; level++) {
            int head = pointer(b, table + 4 * level, "level " + level + " list");
            List<Image> images = new ArrayList<>();
            for (int page : pages(b, head, "level " + level)) {
                int count = b.getInt(page);
                if (count < 0 || (long) count * 16 > bytes.length - (page + 8L)) {
                    throw new MiraxException("level " + level + " page at byte " + page + " claims " + count + " records, past the end of Index.dat");
                }
                budget -= count;
                if (budget < 0) throw new MiraxException("Index.dat lists more records than it can hold");
                for (int r = 0; r < count; r++) {
                    int at = page + 8 + 16 * r;
                    int index = b.getInt(at), offset = b.getInt(at + 4), length = b.getInt(at + 8), file = b.getInt(at + 12);
                    if (index < 0 || offset < 0 || length < 0 || file < 0) {
                        throw new MiraxException("level " + level + " record at byte " + at + " has a negative field");
                    }
                    images.add(new Image(index, offset, length, file));
                }
            }
            levels.add(List.copyOf(images));
        }
        int nonhier = pointer(b, hierRoot + 4, "non-hierarchical root");
        return new MiraxIndex(b, List.copyOf(levels), nonhier);
    }

    /** Non-hierarchical record {@code n}: its list's single page holds one entry. */
    Blob nonHierarchical(int n) {
        int head = pointer(buf, nonhierRoot + 4 * n, "non-hierarchical record " + n);
        if (buf.getInt(head) != 0) throw new MiraxException("non-hierarchical record " + n + " does not start with 0");
        int page = pointer(buf, head + 4, "non-hierarchical record " + n + " page");
        if (page > buf.capacity() - 28) throw new MiraxException("non-hierarchical record " + n + " runs past the end of Index.dat");
        if (buf.getInt(page) != 1) throw new MiraxException("non-hierarchical record " + n + " page does not hold one entry");
        int offset = buf.getInt(page + 16), length = buf.getInt(page + 20), file = buf.getInt(page + 24);
        if (offset < 0 || length < 0 || file < 0) throw new MiraxException("non-hierarchical record " + n + " has a negative field");
        return new Blob(offset, length, file);
    }

    /** The pages of a list: the head holds 0 and the first page; each page holds its count and the next page (0 ends). */
    private static List<Integer> pages(ByteBuffer b, int head, String what) {
        if (head > b.capacity() - 8) throw new MiraxException(what + " list at byte " + head + " runs past the end of Index.dat");
        if (b.getInt(head) != 0) throw new MiraxException(what + " list does not start with 0");
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int page = pointer(b, head + 4, what + " first page");
        while (true) {
            if (page > b.capacity() - 8) throw new MiraxException(what + " page at byte " + page + " runs past the end of Index.dat");
            if (!seen.add(page)) throw new MiraxException(what + " pages loop back to byte " + page);
            out.add(page);
            int next = b.getInt(page + 4);
            if (next == 0) return out;
            page = pointer(b, page + 4, what + " next page");
        }
    }

    /** A pointer stored at {@code at}, which must lie inside the file. */
    private static int pointer(ByteBuffer b, int at, String what) {
        if (at < 0 || at > b.capacity() - 4) throw new MiraxException(what + " at byte " + at + " is outside Index.dat (" + b.capacity() + " bytes)");
        int p = b.getInt(at);
        if (p < 0 || p > b.capacity() - 4) {
            throw new MiraxException(what + " points to byte " + Integer.toUnsignedString(p) + ", past the end of Index.dat (" + b.capacity() + " bytes)");
        }
        return p;
    }
}

package org.slidestream.cells;

import java.util.Arrays;

/** Open-addressing map from non-negative longs (labels) to ints, without boxing. */
final class LongIntMap {
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(keys, -1);
        mask = cap - 1;
    }

    int size() { return size; }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == -1) return -1;
            i = (i + 1) & mask;
        }
    }

    void put(long key, int value) {
        if (2 * (size + 1) > keys.length) grow();
        int i = slot(key);
        while (keys[i] != -1 && keys[i] != key) i = (i + 1) & mask;
        if (keys[i] == -1) size++;
        keys[i] = key;
        values[i] = value;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        Arrays.fill(keys, -1);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != -1) put(ok[i], ov[i]);
    }
}

package org.slidestream.cells;

import java.util.Arrays;

/** A growable list of ints (points as x, y pairs). */
final class IntList {
    int[] values = new int[16];
    int size;

    void add(int a, int b) {
        if (size + 2 > values.length) values = Arrays.copyOf(values, values.length * 2);
        values[size++] = a;
        values[size++] = b;
    }

    void clear() {
        size = 0;
    }
}

package org.slidestream.synth;

/**
 * Deterministic hashing and smooth value noise: every value is a function of integer or real
 * coordinates and a seed only, so any tiling of a synthetic slide gives the same pixels.
 */
final class Noise {
    private Noise() {}

    /** SplitMix64's finalizer: a well-mixed 64-bit hash of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A cheap 32-bit hash of a pixel position, for grain (quality matters less than speed here). */
    static int pixel(int seed, int x, int y) {
        int h = seed + x * 0x9E3779B1 + y * 0x85EBCA77;
        h ^= h >>> 15;
        h *= 0x2C1B3C6D;
        h ^= h >>> 12;
        h *= 0x297A2D39;
        return h ^ (h >>> 15);
    }

    static long hash(long seed, long a, long b) {
        return mix(seed + a * 0x9E3779B97F4A7C15L + b * 0xD1B54A32D192ED03L);
    }

    /** The {@code k}-th uniform number in [0, 1) drawn from a hash. */
    static double unit(long h, int k) {
        return (mix(h + k * 0x632BE59BD9B4E019L) >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) at an integer lattice point. */
    static double lattice(long seed, int ix, int iy) {
        return (hash(seed, ix, iy) >>> 11) * 0x1.0p-53;
    }

    /** Value noise in [0, 1): lattice values blended with a smoothstep; period 1. */
    static double value(long seed, double x, double y) {
        double fx = Math.floor(x), fy = Math.floor(y);
        int ix = (int) fx, iy = (int) fy;
        double u = x - fx, v = y - fy;
        u = u * u * (3 - 2 * u);
        v = v * v * (3 - 2 * v);
        double a = lattice(seed, ix, iy), b = lattice(seed, ix + 1, iy);
        double c = lattice(seed, ix, iy + 1), d = lattice(seed, ix + 1, iy + 1);
        double top = a + (b - a) * u, bottom = c + (d - c) * u;
        return top + (bottom - top) * v;
    }

    /** Fractal sum of {@code octaves} value noises, the first of period {@code period}; in [0, 1). */
    static double fbm(long seed, double x, double y, double period, int octaves) {
        double sum = 0, amp = 1, norm = 0, p = period;
        for (int o = 0; o < octaves; o++) {
            sum += amp * value(seed + o * 0x5851F42D4C957F2DL, x / p, y / p);
            norm += amp;
            amp *= 0.5;
            p *= 0.5;
        }
        return sum / norm;
    }
}

package org.slidestream.image;

/**
 * An axis-aligned rectangle of pixels. Width and height are never negative; an empty region
 * (zero width or height) is allowed and reads nothing.
 */
public record Region(int x, int y, int width, int height) {

    public Region {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("negative region size " + width + "x" + height);
        }
    }

    public static Region of(int x, int y, int width, int height) {
        return new Region(x, y, width, height);
    }

    public int right() { return x + width; }

    public int bottom() { return y + height; }

    public boolean isEmpty() { return width == 0 || height == 0; }

    public long pixels() { return (long) width * height; }

    /** The overlap of two regions; empty (at this region's origin) when they do not overlap. */
    public Region intersect(Region o) {
        int x0 = Math.max(x, o.x), y0 = Math.max(y, o.y);
        int x1 = Math.min(right(), o.right()), y1 = Math.min(bottom(), o.bottom());
        if (x1 <= x0 || y1 <= y0) {
            return new Region(x, y, 0, 0);
        }
        return new Region(x0, y0, x1 - x0, y1 - y0);
    }

    public boolean contains(Region o) {
        return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
    }

    public Region translate(int dx, int dy) {
        return new Region(x + dx, y + dy, width, height);
    }

    @Override
    public String toString() {
        return width + "x" + height + "+" + x + "+" + y;
    }
}

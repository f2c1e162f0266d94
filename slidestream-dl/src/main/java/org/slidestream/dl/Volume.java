package org.slidestream.dl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.slidestream.format.FormatException;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.Plane;
import org.slidestream.slide.Slide;

/**
 * One channel of a 3D image, {@code depth x height x width} (z, y, x), read box by box so that no
 * more than the box is in memory: a {@code .npy} of shape (D, H, W) or (C, D, H, W), or an
 * OME-TIFF Z-stack (all Z sections of one channel at full resolution).
 */
public interface Volume extends AutoCloseable {

    int depth();

    int height();

    int width();

    /** The sample type, for the default intensity range. */
    PixelType pixelType();

    /** Samples of the box {@code [z0, z0+dz) x [y0, y0+dy) x [x0, x0+dx)}, z slowest, x fastest. */
    float[] read(int z0, int y0, int x0, int dz, int dy, int dx) throws IOException;

    @Override
    void close() throws IOException;

    /** Sizes (depth, height, width). */
    default int[] shape() {
        return new int[] {depth(), height(), width()};
    }

    /**
     * Opens a volume: {@code .npy} files with {@link NpyReader}, anything else as a slide (an
     * OME-TIFF with Z sections).
     *
     * @param channel the channel of a multi-channel file, or -1 when it has one channel
     */
    static Volume open(Path file, int channel) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) return NpyVolume.open(file, channel);
        return SlideVolume.of(Slide.open(file), channel, true);
    }

    /** A {@code .npy} volume, read through bounded box reads. */
    final class NpyVolume implements Volume {
        private final NpyReader npy;
        private final int channel;
        private final int[] shape;

        private NpyVolume(NpyReader npy, int channel, int[] shape) {
            this.npy = npy;
            this.channel = channel;
            this.shape = shape;
        }

        static NpyVolume open(Path file, int channel) throws IOException {
            NpyReader r = NpyReader.open(file);
            try {
                long[] s = r.shape();
                int c;
                if (s.length == 3) {
                    if (channel > 0) throw new FormatException(file, "a (D, H, W) volume has one channel, not channel " + channel);
                    c = -1;
                } else if (s.length == 4) {
                    if (channel < 0 && s[0] > 1) {
                        throw new FormatException(file, "has " + s[0] + " channels (C, D, H, W = " + Arrays.toString(s) + "): choose one with --channel");
                    }
                    c = Math.max(0, channel);
                    if (c >= s[0]) throw new FormatException(file, "no channel " + c + " (channels 0.." + (s[0] - 1) + ")");
                } else {
                    throw new FormatException(file, "a volume is (D, H, W) or (C, D, H, W), not shape " + Arrays.toString(s));
                }
                int o = s.length - 3;
                int[] shape = {Math.toIntExact(s[o]), Math.toIntExact(s[o + 1]), Math.toIntExact(s[o + 2])};
                r.dtype().pixelType();       // refuses types that are not numbers
                return new NpyVolume(r, c, shape);
            } catch (IOException | RuntimeException e) {
                r.close();
                throw e;
            }
        }

        @Override public int depth() { return shape[0]; }

        @Override public int height() { return shape[1]; }

        @Override public int width() { return shape[2]; }

        @Override public PixelType pixelType() { return npy.dtype().pixelType(); }

        @Override
        public float[] read(int z0, int y0, int x0, int dz, int dy, int dx) throws IOException {
            if (channel < 0) return npy.readFloats(new long[] {z0, y0, x0}, new int[] {dz, dy, dx});
            return npy.readFloats(new long[] {channel, z0, y0, x0}, new int[] {1, dz, dy, dx});
        }

        @Override
        public void close() throws IOException {
            npy.close();
        }
    }

    /** The Z sections of one channel of a slide (OME-TIFF Z-stack), level 0, time point 0. */
    final class SlideVolume implements Volume {
        private final Slide slide;
        private final int channel;
        private final boolean owns;

        private SlideVolume(Slide slide, int channel, boolean owns) {
            this.slide = slide;
            this.channel = channel;
            this.owns = owns;
        }

        /**
         * @param channel the channel, or -1 for a one-channel slide
         * @param owns    close the slide with the volume
         */
        public static SlideVolume of(Slide slide, int channel, boolean owns) throws FormatException {
            int c = slide.metadata().sizeC();
            try {
                if (channel < 0 && c > 1) {
                    throw new FormatException(slide.path(), "has " + c + " channels " + slide.metadata().channelNames()
                            + ": choose one with --channel");
                }
                if (channel >= c) throw new FormatException(slide.path(), "no channel " + channel + " (channels 0.." + (c - 1) + ")");
            } catch (FormatException e) {
                if (owns) slide.close();
                throw e;
            }
            return new SlideVolume(slide, Math.max(0, channel), owns);
        }

        @Override public int depth() { return slide.metadata().sizeZ(); }

        @Override public int height() { return slide.level(0).height(); }

        @Override public int width() { return slide.level(0).width(); }

        @Override public PixelType pixelType() { return slide.metadata().pixelType(); }

        @Override
        public float[] read(int z0, int y0, int x0, int dz, int dy, int dx) {
            float[] out = new float[dz * dy * dx];
            Raster r = Raster.create(pixelType(), dx, dy, 1);
            int plane = dy * dx;
            for (int z = 0; z < dz; z++) {
                slide.readLevelRegion(0, new Region(x0, y0, dx, dy), new Plane(channel, z0 + z, 0), r);
                int base = z * plane;
                for (int i = 0; i < plane; i++) out[base + i] = (float) r.getAt(i);
            }
            return out;
        }

        @Override
        public void close() {
            if (owns) slide.close();
        }
    }
}

package org.slidestream.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.slidestream.format.png.Png;
import org.slidestream.format.png.PngOptions;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * Writes and reads small images (patches, thumbnails, masks, QC overlays) as PNG or JPEG, chosen
 * by the file extension when writing and by the file's first bytes when reading. JPEG goes
 * through {@link Codecs#jpeg} (libjpeg-turbo where installed and allowed, else ImageIO).
 */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * @param png          PNG compression level and filter
     * @param jpegQuality  1-100; the default is Pillow's, 75
     * @param jpegChroma   chroma subsampling of colour JPEGs; the default is Pillow's, 4:2:0
     * @param allowNatives whether JPEG may use libjpeg-turbo (false under {@code --no-natives})
     */
    public record Options(PngOptions png, int jpegQuality, ChromaSubsampling jpegChroma, boolean allowNatives) {
        public static final Options DEFAULT = new Options(PngOptions.DEFAULT, 75, ChromaSubsampling.S420, true);

        public Options {
            if (jpegQuality < 1 || jpegQuality > 100) throw new IllegalArgumentException("JPEG quality must be 1-100: " + jpegQuality);
        }
    }

    /** The image formats, named by their usual extensions. */
    public enum Format {
        PNG, JPEG;

        /** The format an extension names ({@code .png}, {@code .jpg}, {@code .jpeg}), case-insensitively. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".png")) return PNG;
            if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return JPEG;
            throw new IllegalArgumentException(file + ": unsupported image extension (use .png, .jpg or .jpeg)");
        }
    }

    /** Writes with {@link Options#DEFAULT}. */
    public static void write(Raster raster, Path file) throws IOException {
        write(raster, file, Options.DEFAULT);
    }

    /**
     * Writes a PNG (8/16-bit, 1-4 bands) or a JPEG (8-bit gray or RGB), by {@code file}'s extension.
     *
     * @throws IllegalArgumentException for an unknown extension or a raster the format cannot hold
     */
    public static void write(Raster raster, Path file, Options options) throws IOException {
        switch (Format.of(file)) {
            case PNG -> Png.write(raster, file, options.png(), options.allowNatives());
            case JPEG -> Files.write(file, encodeJpeg(raster, options));
        }
    }

    /** The bytes of a file in a format. */
    public static byte[] encode(Raster raster, Format format, Options options) {
        return switch (format) {
            case PNG -> Png.encode(raster, options.png(), options.allowNatives());
            case JPEG -> encodeJpeg(raster, options);
        };
    }

    private static byte[] encodeJpeg(Raster raster, Options options) {
        return Codecs.jpeg(options.allowNatives()).encode(raster, options.jpegQuality(), options.jpegChroma());
    }

    /** Reads a PNG or a JPEG file (with natives where installed). */
    public static Raster read(Path file) throws IOException {
        return read(file, true);
    }

    public static Raster read(Path file, boolean allowNatives) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        byte[] head = new byte[2];
        try (var in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) throw new FormatException(file, "not a PNG or JPEG file (too short)");
        }
        if ((head[0] & 0xFF) == 0x89 && head[1] == 'P') return Png.read(file);
        if ((head[0] & 0xFF) != 0xFF || (head[1] & 0xFF) != 0xD8) throw new FormatException(file, "not a PNG or JPEG file");
        byte[] jpeg = Files.readAllBytes(file);
        try {
            JpegStreams.Header h = JpegStreams.header(jpeg);
            Raster out = Raster.create(PixelType.UINT8, h.width(), h.height(), h.componentCount() == 1 ? 1 : 3);
            Codecs.jpeg(allowNatives).decode(jpeg, h.impliedColour(), out);
            return out;
        } catch (CodecException e) {
            throw new FormatException(file, "damaged JPEG: " + e.getMessage(), e);
        }
    }
}

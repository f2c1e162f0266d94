package org.slidestream.cli;

import java.util.Locale;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.BigTiffMode;
import org.slidestream.tiff.writer.TiffLayout;
import org.slidestream.tiff.writer.TiffWriteOptions;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options of commands that write a pyramidal TIFF ({@code convert}, {@code synth}). */
public final class TiffOutputOptions {

    @Option(names = "--layout", paramLabel = "ome|generic", converter = LayoutConverter.class,
            description = "ome: OME-TIFF with SubIFD pyramids and OME-XML (default); generic: pyramid as a chain of IFDs (OpenSlide, libvips).")
    TiffLayout layout = TiffLayout.OME;

    @Option(names = "--compression", paramLabel = "none|lzw|deflate|zstd|jpeg", converter = CompressionConverter.class,
            description = "Tile compression; lossless ones use a predictor. JPEG stores RGB as YCbCr 4:2:0. Default: jpeg for synth, deflate for convert.")
    Compression compression;

    @Option(names = "--quality", paramLabel = "Q", defaultValue = "90", description = "JPEG quality, 1-100 (default ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "512", description = "Tile size, a multiple of 16 (default ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--min-level-side", paramLabel = "N", defaultValue = "1024",
            description = "Halve the image until its longer side is at most N (default ${DEFAULT-VALUE}).")
    int minLevelSide;

    @Option(names = "--bigtiff", description = "Always write BigTIFF (default: only when the file could pass 4 GiB).")
    boolean bigTiff;

    /** The writer's options; {@code defaultCompression} when none was given. Bad values are usage errors. */
    TiffWriteOptions toOptions(Compression defaultCompression, CommandLine cl) {
        try {
            return TiffWriteOptions.defaults().withLayout(layout)
                    .withCompression(compression != null ? compression : defaultCompression)
                    .withQuality(quality).withTileSize(tile).withMinLevelSide(minLevelSide)
                    .withBigTiff(bigTiff ? BigTiffMode.ALWAYS : BigTiffMode.AUTO);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
    }

    static final class LayoutConverter implements ITypeConverter<TiffLayout> {
        @Override public TiffLayout convert(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "ome", "ome-tiff" -> TiffLayout.OME;
                case "generic", "tiff" -> TiffLayout.GENERIC;
                default -> throw new TypeConversionException("unknown layout '" + v + "' (ome or generic)");
            };
        }
    }

    static final class CompressionConverter implements ITypeConverter<Compression> {
        @Override public Compression convert(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "none", "raw" -> Compression.NONE;
                case "lzw" -> Compression.LZW;
                case "deflate", "zip", "zlib" -> Compression.DEFLATE;
                case "zstd" -> Compression.ZSTD;
                case "jpeg", "jpg" -> Compression.JPEG;
                default -> throw new TypeConversionException("unknown compression '" + v + "' (none, lzw, deflate, zstd or jpeg)");
            };
        }
    }
}

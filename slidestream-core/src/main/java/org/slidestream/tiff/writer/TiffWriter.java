package org.slidestream.tiff.writer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slidestream.image.TileSource;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.Reservation;

/**
 * Writes pyramidal TIFF files (OME-TIFF or generic tiled TIFF) from a {@link TileSource}, in
 * memory independent of the image's size: tiles are pulled in parallel, each pyramid level is made
 * from the level above while writing, and the file is written under a temporary name and renamed
 * when complete.
 *
 * <pre>{@code
 * WriteReport r = TiffWriter.write(source, Path.of("out.ome.tif"),
 *         TiffWriteOptions.defaults().withCompression(Compression.JPEG),
 *         WriteMetadata.rgb(0.25, 0.25), WriteContext.of(budget, 4));
 * }</pre>
 */
public final class TiffWriter {
    private TiffWriter() {}

    /**
     * Writes {@code source} (all planes, all bands) as a pyramidal TIFF, atomically.
     *
     * @throws IllegalArgumentException when the options cannot hold this image (JPEG of 16-bit data,
     *                                  several planes in the generic layout, ...)
     * @throws org.slidestream.memory.MemoryBudgetExceededException when the tiles in flight cannot fit
     *                                  the budget at all
     * @throws IOException              when the file cannot be written; nothing is left at {@code out}
     */
    public static WriteReport write(TileSource source, Path out, TiffWriteOptions options,
                                    WriteMetadata metadata, WriteContext context) throws IOException {
        PyramidWriter writer = new PyramidWriter(source, options, metadata, context);
        long bytes;
        try (AtomicOutput target = AtomicOutput.file(out);
             Reservation ignored = context.budget().reserve(writer.reservation(), "TIFF writer tiles in flight")) {
            try (FileChannel ch = FileChannel.open(target.path(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                bytes = writer.write(ch);
            }
            target.commit();
            return new WriteReport(target.target(), writer.levelInfos(), bytes, writer.bigTiff());
        }
    }
}

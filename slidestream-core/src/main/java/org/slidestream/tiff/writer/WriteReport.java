package org.slidestream.tiff.writer;

import java.nio.file.Path;
import java.util.List;
import org.slidestream.image.ImageInfo;

/**
 * What a write produced.
 *
 * @param path    the file written
 * @param levels  the pyramid levels, full resolution first (bands as stored per plane)
 * @param bytes   the file's size
 * @param bigTiff whether the file is BigTIFF
 */
public record WriteReport(Path path, List<ImageInfo> levels, long bytes, boolean bigTiff) {
    public WriteReport {
        levels = List.copyOf(levels);
    }
}

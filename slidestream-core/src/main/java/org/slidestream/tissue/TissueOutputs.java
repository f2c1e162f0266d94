package org.slidestream.tissue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.geojson.GeoFeature;
import org.slidestream.format.geojson.GeoJsonWriter;
import org.slidestream.format.png.PngOptions;
import org.slidestream.format.png.PngWriter;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;

/** A slide's tissue outputs: {@code mask.png}, {@code tissue.geojson}, {@code thumbnail.png}, each written atomically. */
public final class TissueOutputs {
    public static final String MASK = "mask.png";
    public static final String GEOJSON = "tissue.geojson";
    public static final String THUMBNAIL = "thumbnail.png";

    private static final ImageFiles.Options QC_IMAGES = new ImageFiles.Options(PngOptions.FAST,
            ImageFiles.Options.DEFAULT.jpegQuality(), ImageFiles.Options.DEFAULT.jpegChroma(), true);

    private TissueOutputs() {}

    /** Writes the mask (one 8-bit band, tissue 255, at the segmentation resolution) and the contours. */
    public static void writeMaskAndContours(Segmentation seg, Path dir) throws IOException {
        writeMask(seg.mask(), dir.resolve(MASK));
        try (AtomicOutput out = AtomicOutput.file(dir.resolve(GEOJSON))) {
            try (GeoJsonWriter w = GeoJsonWriter.open(out.path())) {
                for (GeoFeature f : seg.mask().features()) w.write(f);
            }
            out.commit();
        }
    }

    /** Rows of the mask made and compressed at a time. */
    private static final int MASK_ROWS = 256;

    /**
     * The mask streamed to a PNG a strip of rows at a time, not as an 8-bit copy compressed whole:
     * at 100,000^2 (a 3,125^2 mask) that copy, its filtered rows and the compressor's buffers were
     * about 40 MB of what tissue detection's memory grows by. Mostly empty rows compress fast by zlib.
     */
    private static void writeMask(TissueMask m, Path file) throws IOException {
        try (AtomicOutput out = AtomicOutput.file(file)) {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out.path()), 1 << 16);
                 PngWriter png = new PngWriter(os, m.width(), m.height(), 1, PixelType.UINT8, QC_IMAGES.png())) {
                for (int y = 0; y < m.height(); y += MASK_ROWS) png.writeRows(m.rows(y, Math.min(MASK_ROWS, m.height() - y)));
                png.finish();
            }
            out.commit();
        }
    }

    /**
     * Writes an image atomically (PNG or JPEG by the extension). PNGs are quality-control pictures
     * written once per slide: fast compression (level 1, Sub filter) is several times quicker than
     * the default for files about a fifth larger, which matters on cohorts of small slides.
     */
    public static void writeImage(Raster r, Path file) throws IOException {
        try (AtomicOutput out = AtomicOutput.file(file)) {
            Files.write(out.path(), ImageFiles.encode(r, ImageFiles.Format.of(file), QC_IMAGES));
            out.commit();
        }
    }

    /** True when all three outputs exist. */
    public static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(MASK)) && Files.isRegularFile(dir.resolve(GEOJSON))
                && Files.isRegularFile(dir.resolve(THUMBNAIL));
    }
}

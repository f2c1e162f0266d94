package org.slidestream.mirax;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.SlideException;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * A 3DHISTECH MIRAX slide: {@code NAME.mrxs} beside a folder {@code NAME/} with {@code Slidedat.ini},
 * {@code Index.dat} and the data files. The camera takes photos at stored positions that overlap;
 * each photo is split into {@code CameraImageDivisionsPerSide}² images, and each higher zoom level
 * concatenates 2 x 2 images of the level below, halved. A level is drawn as OpenSlide draws it: every
 * image (or, once images span several photos, every photo's part of an image) at its photo's
 * position, the one latest in row-major order of the level's grid on top where they overlap.
 */
final class MiraxData implements AutoCloseable {
    private static final int MAX_INI_BYTES = 1 << 20;
    private static final int MAX_INDEX_BYTES = 256 << 20;

    /** An image's part drawn at a place in its level: source rectangle, destination corner, grid cell (paint order). */
    record Placement(MiraxIndex.Image image, int srcX, int srcY, int width, int height, int x, int y, int column, int row) {}

    /** A zoom level: its size, image format and size, placements, and a coarse grid of them for region queries. */
    record Level(LevelInfo info, String format, int imageWidth, int imageHeight, double concat, List<Placement> placements,
                 int binSize, Map<Long, List<Placement>> bins) {}

    final Path mrxs;
    final Path dir;
    final IniFile ini;
    final List<Level> levels;
    final Map<String, String> properties;
    final Map<String, MiraxIndex.Blob> associated;
    final double mppX, mppY;
    final int magnification;
    private final List<Path> dataFiles;
    private final long[] dataSizes;
    private final RandomAccessFile[] open;
    private final JpegCodec jpeg;
    private final TileCache cache;
    private final Object identity = new Object();

    private record ImageKey(Object slide, int level, MiraxIndex.Image image) {}

    private MiraxData(Path mrxs, JpegCodec jpeg, TileCache cache) {
        this.mrxs = mrxs;
        this.jpeg = jpeg;
        this.cache = cache;
        String n = mrxs.getFileName().toString();
        this.dir = mrxs.resolveSibling(n.substring(0, n.length() - ".mrxs".length()));
        Path iniPath = dir.resolve("Slidedat.ini");
        this.ini = parse(iniPath, () -> IniFile.parse(read(iniPath, MAX_INI_BYTES)));
        this.properties = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> g : ini.groups().entrySet()) {
            for (Map.Entry<String, String> e : g.getValue().entrySet()) properties.put("mirax." + g.getKey() + "." + e.getKey(), e.getValue());
        }
        Layout layout = parse(iniPath, () -> new Layout(ini));
        this.magnification = layout.magnification;
        int fileCount = parse(iniPath, () -> ini.integer("DATAFILE", "FILE_COUNT"));
        if (fileCount <= 0 || fileCount > 100_000) throw corrupt(iniPath, "FILE_COUNT " + fileCount);
        this.dataFiles = new ArrayList<>();
        this.dataSizes = new long[fileCount];
        for (int i = 0; i < fileCount; i++) {
            final int k = i;
            String name = parse(iniPath, () -> ini.require("DATAFILE", "FILE_" + k));
            Path p = dir.resolve(name).normalize();
            if (!p.startsWith(dir.normalize())) throw corrupt(iniPath, "FILE_" + i + " names a file outside the slide folder: " + name);
            dataFiles.add(p);
        }
        this.open = new RandomAccessFile[fileCount];
        Path indexPath = dir.resolve(parse(iniPath, () -> ini.require("HIERARCHICAL", "INDEXFILE")));
        MiraxIndex index = parse(indexPath, () -> MiraxIndex.parse(read(indexPath, MAX_INDEX_BYTES), layout.slideId, layout.sections.size()));
        int[] positions = parse(indexPath, () -> layout.positions(index, this::blob));
        this.levels = parse(indexPath, () -> layout.place(index, positions));
        this.mppX = layout.mppX;
        this.mppY = layout.mppY;
        this.associated = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : layout.associatedRecords.entrySet()) {
            associated.put(e.getKey(), parse(indexPath, () -> index.nonHierarchical(e.getValue())));
        }
        // every record must lie inside its data file: a damaged index is found here, not at a random read
        for (int l = 0; l < levels.size(); l++) {
            for (Placement p : levels.get(l).placements()) checkBlob(indexPath, p.image().fileNumber(), p.image().offset(), p.image().length(), "level " + l + " image " + p.image().index());
        }
        for (Map.Entry<String, MiraxIndex.Blob> e : associated.entrySet()) {
            checkBlob(indexPath, e.getValue().fileNumber(), e.getValue().offset(), e.getValue().length(), e.getKey() + " image");
        }
    }

    /** Opens a slide from its {@code .mrxs} file. */
    static MiraxData open(Path mrxs, JpegCodec jpeg, TileCache cache) {
        MiraxData d = new MiraxData(mrxs, jpeg, cache);
        return d;
    }

    private interface Parse<T> {
        T run();
    }

    private static <T> T parse(Path file, Parse<T> p) {
        try {
            return p.run();
        } catch (MiraxException e) {
            throw new CorruptSlideException(file, e.getMessage());
        }
    }

    private static CorruptSlideException corrupt(Path file, String why) {
        return new CorruptSlideException(file, why);
    }

    private static byte[] read(Path p, int max) {
        try {
            long size = Files.size(p);
            if (size > max) throw new CorruptSlideException(p, "is " + size + " bytes, more than a MIRAX " + p.getFileName() + " holds (" + max + ")");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new SlideException(p, "is missing from the MIRAX slide folder");
        } catch (IOException e) {
            throw new SlideException(p, "cannot read: " + e.getMessage(), e);
        }
    }

    private long dataSize(int file) {
        if (file < 0 || file >= dataFiles.size()) throw new MiraxException("data file number " + file + " (FILE_COUNT is " + dataFiles.size() + ")");
        if (dataSizes[file] == 0) {
            Path p = dataFiles.get(file);
            try {
                dataSizes[file] = Files.size(p);
            } catch (NoSuchFileException e) {
                throw new SlideException(p, "is missing from the MIRAX slide folder");
            } catch (IOException e) {
                throw new SlideException(p, "cannot read: " + e.getMessage(), e);
            }
        }
        return dataSizes[file];
    }

    private void checkBlob(Path indexPath, int file, long offset, long length, String what) {
        long size = parse(indexPath, () -> dataSize(file));
        if (offset + length > size) {
            throw corrupt(indexPath, what + " points past the end of " + dataFiles.get(file).getFileName() + " (bytes " + offset + "+" + length
                    + ", file size " + size + ")");
        }
    }

    private byte[] blob(MiraxIndex.Blob b) {
        dataSize(b.fileNumber());
        if (b.offset() + b.length() > dataSizes[b.fileNumber()]) {
            throw new MiraxException("record points past the end of " + dataFiles.get(b.fileNumber()).getFileName());
        }
        return readData(b.fileNumber(), b.offset(), (int) b.length());
    }

    private byte[] readData(int file, long offset, int length) {
        Path p = dataFiles.get(file);
        try {
            RandomAccessFile f;
            synchronized (open) {
                f = open[file];
                if (f == null) open[file] = f = new RandomAccessFile(p.toFile(), "r");
            }
            byte[] out = new byte[length];
            synchronized (f) {
                f.seek(offset);
                f.readFully(out);
            }
            return out;
        } catch (java.io.FileNotFoundException e) {
            throw new SlideException(p, "is missing from the MIRAX slide folder");
        } catch (IOException e) {
            throw new SlideException(p, "cannot read: " + e.getMessage(), e);
        }
    }

    /** An image, decoded (cached through the run's tile cache), as 8-bit RGB of the level's image size. */
    private Raster image(int level, MiraxIndex.Image img) {
        Level l = levels.get(level);
        return cache.get(new ImageKey(identity, level, img), () -> decode(readData(img.fileNumber(), img.offset(), (int) img.length()), l.format(),
                l.imageWidth(), l.imageHeight(), dataFiles.get(img.fileNumber()), "level " + level + " image " + img.index()));
    }

    private Raster decode(byte[] data, String format, int w, int h, Path file, String what) {
        try {
            if (format.equals("JPEG")) {
                JpegStreams.Header hd = JpegStreams.header(data);
                if (hd.width() != w || hd.height() != h) throw new CodecException("is " + hd.width() + "x" + hd.height() + ", the level says " + w + "x" + h);
                Raster r = Raster.create(PixelType.UINT8, w, h, 3);
                if (hd.componentCount() == 1) {
                    Raster g = Raster.create(PixelType.UINT8, w, h, 1);
                    jpeg.decode(data, hd.impliedColour(), g);
                    for (int p = 0; p < w * h; p++) for (int b = 0; b < 3; b++) r.bytes()[p * 3 + b] = g.bytes()[p];
                } else {
                    jpeg.decode(data, hd.impliedColour(), r);
                }
                return r;
            }
            java.awt.image.BufferedImage bi = ImageIO.read(new ByteArrayInputStream(data));
            if (bi == null) throw new CodecException("is not a readable " + format + " image");
            if (bi.getWidth() != w || bi.getHeight() != h) throw new CodecException("is " + bi.getWidth() + "x" + bi.getHeight() + ", the level says " + w + "x" + h);
            Raster r = Raster.create(PixelType.UINT8, w, h, 3);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                bi.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3, v = row[x];
                    r.bytes()[i] = (byte) (v >> 16);
                    r.bytes()[i + 1] = (byte) (v >> 8);
                    r.bytes()[i + 2] = (byte) v;
                }
            }
            return r;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SlideException se) throw se;
            throw new CorruptSlideException(file, what + " (" + format + "): " + e.getMessage(), e);
        }
    }

    /** Reads level pixels of {@code region} into {@code dest} (8-bit RGB) at (0, 0); uncovered pixels are white. */
    void readRegion(int level, Region region, Raster dest) {
        Level l = levels.get(level);
        dest.fill(new Region(0, 0, region.width(), region.height()), 255);
        Set<Placement> hit = new HashSet<>();
        int b = l.binSize();
        for (long by = Math.floorDiv(region.y(), b); by <= Math.floorDiv(region.bottom() - 1, b); by++) {
            for (long bx = Math.floorDiv(region.x(), b); bx <= Math.floorDiv(region.right() - 1, b); bx++) {
                List<Placement> ps = l.bins().get(by << 32 | (bx & 0xFFFFFFFFL));
                if (ps != null) hit.addAll(ps);
            }
        }
        List<Placement> order = new ArrayList<>(hit);
        // OpenSlide paints rows bottom to top, each right to left, with cairo's SATURATE operator (a
        // pixel once drawn stays): the image latest in row-major order is on top. Painted last here.
        order.sort(Comparator.comparingInt(Placement::row).thenComparingInt(Placement::column));
        for (Placement p : order) {
            Region target = new Region(p.x(), p.y(), p.width(), p.height()).intersect(region);
            if (target.isEmpty()) continue;
            Raster img = image(level, p.image());
            dest.copyFrom(img, p.srcX() + target.x() - p.x(), p.srcY() + target.y() - p.y(), target.x() - region.x(), target.y() - region.y(),
                    target.width(), target.height());
        }
    }

    /** An associated image (macro, label, thumbnail), decoded whole. */
    Raster readAssociated(String name) {
        MiraxIndex.Blob b = associated.get(name);
        byte[] data = readData(b.fileNumber(), b.offset(), (int) b.length());
        JpegStreams.Header h;
        try {
            h = JpegStreams.header(data);
        } catch (CodecException e) {
            throw new CorruptSlideException(dataFiles.get(b.fileNumber()), name + " image: " + e.getMessage(), e);
        }
        return decode(data, "JPEG", h.width(), h.height(), dataFiles.get(b.fileNumber()), name + " image");
    }

    @Override
    public void close() {
        cache.invalidate(k -> k instanceof ImageKey ik && ik.slide() == identity);
        synchronized (open) {
            for (RandomAccessFile f : open) {
                if (f == null) continue;
                try {
                    f.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    /** What Slidedat.ini says about the levels and records, and how images are placed from it. */
    private static final class Layout {
        final String slideId;
        final int imagesX, imagesY, divisions, magnification;
        final List<String> sections = new ArrayList<>();
        final double mppX, mppY;
        final int positionRecord;
        final boolean positionsCompressed;
        final Map<String, Integer> associatedRecords = new LinkedHashMap<>();
        final List<Integer> concatExponents = new ArrayList<>();
        final List<int[]> imageSizes = new ArrayList<>();
        final List<double[]> overlaps = new ArrayList<>();
        final List<String> formats = new ArrayList<>();

        Layout(IniFile ini) {
            slideId = ini.require("GENERAL", "SLIDE_ID");
            imagesX = ini.integer("GENERAL", "IMAGENUMBER_X");
            imagesY = ini.integer("GENERAL", "IMAGENUMBER_Y");
            magnification = ini.integer("GENERAL", "OBJECTIVE_MAGNIFICATION", 0);
            divisions = ini.integer("GENERAL", "CameraImageDivisionsPerSide", 1);
            if (imagesX <= 0 || imagesY <= 0 || divisions <= 0) throw new MiraxException("image grid " + imagesX + "x" + imagesY + " / " + divisions);
            if ((long) imagesX * imagesY > 50_000_000L) throw new MiraxException("image grid " + imagesX + "x" + imagesY + " is larger than any slide");
            int hierCount = ini.integer("HIERARCHICAL", "HIER_COUNT");
            if (hierCount <= 0) throw new MiraxException("HIER_COUNT " + hierCount);
            if (!"Slide zoom level".equals(ini.require("HIERARCHICAL", "HIER_0_NAME"))) {
                throw new MiraxException("HIER_0_NAME is not 'Slide zoom level'");
            }
            int levelCount = ini.integer("HIERARCHICAL", "HIER_0_COUNT");
            if (levelCount <= 0 || levelCount > 30) throw new MiraxException("HIER_0_COUNT " + levelCount);
            for (int k = 0; k < levelCount; k++) {
                String section = ini.require("HIERARCHICAL", "HIER_0_VAL_" + k + "_SECTION");
                sections.add(section);
                int e = ini.integer(section, "IMAGE_CONCAT_FACTOR");
                if (e < (k == 0 ? 0 : 1) || e > 20) throw new MiraxException("IMAGE_CONCAT_FACTOR " + e + " in [" + section + "]");
                concatExponents.add(e);
                int w = ini.integer(section, "DIGITIZER_WIDTH"), h = ini.integer(section, "DIGITIZER_HEIGHT");
                if (w <= 0 || h <= 0 || (long) w * h > 64L << 20) throw new MiraxException("image size " + w + "x" + h + " in [" + section + "]");
                imageSizes.add(new int[] {w, h});
                double ox = ini.decimal(section, "OVERLAP_X"), oy = ini.decimal(section, "OVERLAP_Y");
                if (Math.abs(ox) >= (double) w * divisions || Math.abs(oy) >= (double) h * divisions) {
                    throw new MiraxException("overlap " + ox + "x" + oy + " in [" + section + "] is larger than a camera photo");
                }
                overlaps.add(new double[] {ox, oy});
                String f = ini.require(section, "IMAGE_FORMAT");
                if (!f.equals("JPEG") && !f.equals("PNG") && !f.equals("BMP24")) throw new MiraxException("unsupported image format " + f + " in [" + section + "]");
                formats.add(f);
            }
            mppX = ini.decimal(sections.get(0), "MICROMETER_PER_PIXEL_X");
            mppY = ini.decimal(sections.get(0), "MICROMETER_PER_PIXEL_Y");
            int nonhierCount = ini.integer("HIERARCHICAL", "NONHIER_COUNT", 0);
            int offset = 0;
            int vimslide = -1, stitching = -1;
            for (int i = 0; i < nonhierCount; i++) {
                String name = ini.require("HIERARCHICAL", "NONHIER_" + i + "_NAME");
                int count = ini.integer("HIERARCHICAL", "NONHIER_" + i + "_COUNT");
                if (count <= 0 || count > 100_000) throw new MiraxException("NONHIER_" + i + "_COUNT " + count);
                if (name.equals("VIMSLIDE_POSITION_BUFFER")) vimslide = offset;
                if (name.equals("StitchingIntensityLayer")) stitching = offset;
                if (name.equals("Scan data layer")) {
                    for (int v = 0; v < count; v++) {
                        String value = ini.get("HIERARCHICAL", "NONHIER_" + i + "_VAL_" + v);
                        String assoc = value == null ? null : switch (value) {
                            case "ScanDataLayer_SlideThumbnail" -> "macro";
                            case "ScanDataLayer_SlideBarcode" -> "label";
                            case "ScanDataLayer_SlidePreview" -> "thumbnail";
                            default -> null;
                        };
                        if (assoc != null) {
                            String section = ini.require("HIERARCHICAL", "NONHIER_" + i + "_VAL_" + v + "_SECTION");
                            String key = switch (assoc) {
                                case "macro" -> "THUMBNAIL_IMAGE_TYPE";
                                case "label" -> "BARCODE_IMAGE_TYPE";
                                default -> "PREVIEW_IMAGE_TYPE";
                            };
                            String type = ini.require(section, key);
                            if (!type.equals("JPEG")) throw new MiraxException("unsupported " + assoc + " image format '" + IniFile.abbreviate(type) + "'");
                            associatedRecords.put(assoc, offset + v);
                        }
                    }
                }
                offset += count;
            }
            positionRecord = vimslide >= 0 ? vimslide : stitching;
            positionsCompressed = vimslide < 0 && stitching >= 0;
        }

        /** Camera positions in level-0 pixels, two ints per position; nominal ones without a position record. */
        int[] positions(MiraxIndex index, java.util.function.Function<MiraxIndex.Blob, byte[]> read) {
            int perRow = imagesX / divisions, perColumn = imagesY / divisions;
            int n = perRow * perColumn;
            int concat0 = 1 << concatExponents.get(0);
            int[] out = new int[2 * n];
            if (positionRecord < 0) {
                int[] size = imageSizes.get(0);
                double[] ov = overlaps.get(0);
                for (int i = 0; i < n; i++) {
                    out[2 * i] = (int) ((i % perRow) * (size[0] * divisions - ov[0]));
                    out[2 * i + 1] = (int) ((i / perRow) * (size[1] * divisions - ov[1]));
                }
                return out;
            }
            byte[] data = read.apply(index.nonHierarchical(positionRecord));
            if (positionsCompressed) data = inflate(data, 9L * n);
            if (data.length != 9L * n) throw new MiraxException("position buffer holds " + data.length + " bytes, " + n + " positions need " + 9L * n);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                int flag = b.get(9 * i);
                if ((flag & 0xFE) != 0) throw new MiraxException("position " + i + " has flag " + flag);
                out[2 * i] = b.getInt(9 * i + 1) * concat0;
                out[2 * i + 1] = b.getInt(9 * i + 5) * concat0;
            }
            return out;
        }

        private static byte[] inflate(byte[] data, long expected) {
            java.util.zip.Inflater inf = new java.util.zip.Inflater();
            try {
                inf.setInput(data);
                byte[] out = new byte[(int) Math.min(expected, Integer.MAX_VALUE - 16)];
                int n = inf.inflate(out);
                if (n != expected || !inf.finished()) throw new MiraxException("position buffer inflates to " + n + " bytes, expected " + expected);
                return out;
            } catch (java.util.zip.DataFormatException e) {
                throw new MiraxException("position buffer is not zlib data: " + e.getMessage());
            } finally {
                inf.end();
            }
        }

        /** Places every image of every level. */
        List<Level> place(MiraxIndex index, int[] positions) {
            int[] size0 = imageSizes.get(0);
            double[] ov0 = overlaps.get(0);
            long baseW = 0, baseH = 0;
            for (int i = 0; i < imagesX; i++) baseW += i % divisions != divisions - 1 || i == imagesX - 1 ? size0[0] : size0[0] - ov0[0];
            for (int i = 0; i < imagesY; i++) baseH += i % divisions != divisions - 1 || i == imagesY - 1 ? size0[1] : size0[1] - ov0[1];
            if (baseW <= 0 || baseH <= 0 || baseW > Integer.MAX_VALUE || baseH > Integer.MAX_VALUE) {
                throw new MiraxException("level 0 of " + baseW + "x" + baseH + " pixels (image grid, sizes and overlaps do not fit)");
            }
            boolean subtiles = positionRecord >= 0 || ov0[0] != 0 || ov0[1] != 0;
            int perRow = imagesX / divisions;
            Set<Integer> active = new HashSet<>();
            int exponent = 0;
            int concat0 = 1 << concatExponents.get(0);
            List<Level> out = new ArrayList<>();
            for (int k = 0; k < sections.size(); k++) {
                exponent += concatExponents.get(k);
                int concat = 1 << exponent;
                int positionsPerImage = Math.max(1, concat / divisions);
                int divisor = subtiles ? Math.min(concat, divisions) : concat;
                int tilesPerImage = subtiles ? positionsPerImage : 1;
                int positionsPerTile = subtiles ? 1 : positionsPerImage;
                int[] size = imageSizes.get(k);
                double tileW = (double) size[0] / tilesPerImage, tileH = (double) size[1] / tilesPerImage;
                int w = (int) Math.ceil(tileW), h = (int) Math.ceil(tileH);
                List<Placement> placements = new ArrayList<>();
                for (MiraxIndex.Image img : index.levels.get(k)) {
                    int x = img.index() % imagesX, y = img.index() / imagesX;
                    if (y >= imagesY) throw new MiraxException("level " + k + " image " + img.index() + " lies below the " + imagesY + " image rows");
                    if (x % concat != 0 || y % concat != 0) throw new MiraxException("level " + k + " image " + img.index() + " is not on the level's grid");
                    for (int yi = 0; yi < tilesPerImage; yi++) {
                        int yy = y + yi * divisions;
                        if (yy >= imagesY) break;
                        for (int xi = 0; xi < tilesPerImage; xi++) {
                            int xx = x + xi * divisions;
                            if (xx >= imagesX) break;
                            int xp = xx / divisions, yp = yy / divisions, cp = yp * perRow + xp;
                            if (2 * cp + 1 >= positions.length) continue;
                            if (k == 0) {
                                if (positions[2 * cp] == 0 && positions[2 * cp + 1] == 0 && (xp != 0 || yp != 0)) continue;
                                active.add(cp);
                            } else {
                                boolean any = false;
                                for (int a = yp; a < yp + positionsPerTile && !any; a++) {
                                    for (int c = xp; c < xp + positionsPerTile && !any; c++) any = active.contains(a * perRow + c);
                                }
                                if (!any) continue;
                            }
                            long px = positions[2 * cp] + (long) size0[0] * (xx - xp * divisions);
                            long py = positions[2 * cp + 1] + (long) size0[1] * (yy - yp * divisions);
                            int destX = (int) Math.round((double) px / concat), destY = (int) Math.round((double) py / concat);
                            placements.add(new Placement(img, (int) Math.round(tileW * xi), (int) Math.round(tileH * yi), w, h, destX, destY,
                                    x / divisor + xi, y / divisor + yi));
                        }
                    }
                }
                int levelW = (int) Math.max(1, baseW / concat), levelH = (int) Math.max(1, baseH / concat);
                int bin = Math.max(64, Math.max(w, h));
                Map<Long, List<Placement>> bins = new java.util.HashMap<>();
                for (Placement p : placements) {
                    for (long by = Math.floorDiv(p.y(), bin); by <= Math.floorDiv(p.y() + p.height() - 1, bin); by++) {
                        for (long bx = Math.floorDiv(p.x(), bin); bx <= Math.floorDiv(p.x() + p.width() - 1, bin); bx++) {
                            bins.computeIfAbsent(by << 32 | (bx & 0xFFFFFFFFL), q -> new ArrayList<>()).add(p);
                        }
                    }
                }
                double downsample = (double) concat / concat0;
                LevelInfo info = new LevelInfo(levelW, levelH, downsample, Math.min(512, levelW), Math.min(512, levelH));
                out.add(new Level(info, formats.get(k), size[0], size[1], concat, List.copyOf(placements), bin, bins));
            }
            return List.copyOf(out);
        }
    }
}

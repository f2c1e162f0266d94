package org.slidestream.dicom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.UnsupportedSlideException;

/**
 * One instance (file) of a VL Whole Slide Microscopy series: what it holds (a pyramid level or an
 * associated image), its tile geometry, pixel encoding, optical paths, and where each frame sits in
 * the total pixel matrix and in the file. Frames are read on demand; the file stays open until
 * {@link #close}.
 */
final class WsiInstance implements AutoCloseable {
    static final String WSI_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.77.1.6";
    /** Largest frame accepted (a damaged length must not become a huge allocation). */
    private static final long MAX_FRAME_BYTES = 256L << 20;

    /** What an instance holds (the third value of ImageType). */
    enum Flavor { VOLUME, THUMBNAIL, LABEL, OVERVIEW }

    /** An optical path: identifier, description, objective power (null when not given). */
    record OpticalPath(String id, String description, Double objectivePower) {
        String channelName() {
            return description != null && !description.isBlank() ? description : id;
        }
    }

    final Path path;
    final FileInput file;
    final String transferSyntax;
    final String seriesUid;
    final String sopInstanceUid;
    final int instanceNumber;
    final Flavor flavor;
    final int samples;
    final String photometric;
    final int planarConfiguration;
    final int bitsAllocated;
    final int bitsStored;
    final int pixelRepresentation;
    final int tileWidth;
    final int tileHeight;
    final int frames;
    final int totalWidth;
    final int totalHeight;
    final int focalPlanes;
    final List<OpticalPath> opticalPaths;
    final boolean tiledFull;
    final String concatenationUid;
    final int concatenationOffset;
    final int concatenationNumber;
    final int concatenationTotal;
    final double[] pixelSpacingMm;
    final Map<String, String> properties;

    /** Per-frame positions of TILED_SPARSE (0-based pixel column and row, optical path index, z offset); null for TILED_FULL. */
    private final int[] frameColumn;
    private final int[] frameRow;
    private final int[] framePath;
    private final double[] frameZ;

    private final PixelData pixelData;
    private final long[] extendedOffsets;
    private final long[] extendedLengths;
    /** For encapsulated data found by walking fragments: first fragment of each frame (one more at the end). */
    private final int[] frameFirstFragment;

    private WsiInstance(Path path, FileInput file, Part10Parser.Result r, PerFrame perFrame) {
        this.path = path;
        this.file = file;
        DicomDataset d = r.dataset();
        this.transferSyntax = r.transferSyntax();
        String sop = d.string(Tags.SOP_CLASS_UID);
        if (sop == null) sop = r.meta().string(0x00020002);
        if (!WSI_SOP_CLASS.equals(sop)) {
            throw new UnsupportedSlideException(path, "DICOM file is not a whole-slide image (SOP class " + sop
                    + ", not VL Whole Slide Microscopy Image Storage " + WSI_SOP_CLASS + ")");
        }
        this.seriesUid = require(d.string(Tags.SERIES_INSTANCE_UID), "SeriesInstanceUID");
        this.sopInstanceUid = d.string(Tags.SOP_INSTANCE_UID);
        this.instanceNumber = d.integer(Tags.INSTANCE_NUMBER, 0);
        String[] type = d.strings(Tags.IMAGE_TYPE);
        this.flavor = flavor(type);
        this.samples = d.integer(Tags.SAMPLES_PER_PIXEL, 1);
        this.photometric = require(d.string(Tags.PHOTOMETRIC_INTERPRETATION), "PhotometricInterpretation");
        this.planarConfiguration = d.integer(Tags.PLANAR_CONFIGURATION, 0);
        this.bitsAllocated = d.integer(Tags.BITS_ALLOCATED, 8);
        this.bitsStored = d.integer(Tags.BITS_STORED, bitsAllocated);
        this.pixelRepresentation = d.integer(Tags.PIXEL_REPRESENTATION, 0);
        this.tileHeight = d.integer(Tags.ROWS, 0);
        this.tileWidth = d.integer(Tags.COLUMNS, 0);
        this.frames = d.integer(Tags.NUMBER_OF_FRAMES, 1);
        this.totalWidth = d.integer(Tags.TOTAL_PIXEL_MATRIX_COLUMNS, tileWidth);
        this.totalHeight = d.integer(Tags.TOTAL_PIXEL_MATRIX_ROWS, tileHeight);
        this.focalPlanes = d.integer(Tags.TOTAL_PIXEL_MATRIX_FOCAL_PLANES, 1);
        if (samples != 1 && samples != 3) throw unsupported(samples + " samples per pixel");
        if (bitsAllocated != 8 && bitsAllocated != 16) throw unsupported(bitsAllocated + " bits allocated");
        if (tileWidth <= 0 || tileHeight <= 0) throw corrupt("frame size " + tileWidth + "x" + tileHeight);
        if (totalWidth <= 0 || totalHeight <= 0) throw corrupt("total pixel matrix " + totalWidth + "x" + totalHeight);
        if (frames <= 0) throw corrupt("NumberOfFrames " + frames);
        if (focalPlanes <= 0) throw corrupt("TotalPixelMatrixFocalPlanes " + focalPlanes);
        this.opticalPaths = opticalPaths(d);
        String org = d.string(Tags.DIMENSION_ORGANIZATION_TYPE);
        this.concatenationUid = d.string(Tags.CONCATENATION_UID);
        this.concatenationOffset = d.integer(Tags.CONCATENATION_FRAME_OFFSET_NUMBER, 0);
        this.concatenationNumber = d.integer(Tags.IN_CONCATENATION_NUMBER, 1);
        this.concatenationTotal = d.integer(Tags.IN_CONCATENATION_TOTAL_NUMBER, 1);
        if (concatenationOffset < 0) throw corrupt("ConcatenationFrameOffsetNumber " + concatenationOffset);
        DicomDataset shared = d.item(Tags.SHARED_FUNCTIONAL_GROUPS);
        DicomDataset measures = shared == null ? null : shared.item(Tags.PIXEL_MEASURES_SEQUENCE);
        double[] spacing = measures == null ? new double[0] : measures.numbers(Tags.PIXEL_SPACING);
        this.pixelSpacingMm = spacing.length == 2 && spacing[0] > 0 && spacing[1] > 0 ? spacing : null;
        // TILED_FULL when said, or when nothing says where frames are (a single-frame image, the usual associated image).
        boolean sparse = "TILED_SPARSE".equals(org) || (org == null && perFrame.count > 0 && perFrame.hasPositions
                && !inFullTilingOrder(perFrame));
        this.tiledFull = !sparse;
        if (sparse) {
            if (perFrame.count != frames || !perFrame.hasPositions) {
                throw corrupt("TILED_SPARSE with " + perFrame.count + " per-frame positions for " + frames + " frames");
            }
            this.frameColumn = perFrame.column.toIntArray();
            this.frameRow = perFrame.row.toIntArray();
            this.frameZ = perFrame.z.toDoubleArray();
            this.framePath = pathIndices(perFrame.pathIds, shared);
        } else {
            this.frameColumn = null;
            this.frameRow = null;
            this.frameZ = null;
            this.framePath = null;
        }
        this.pixelData = r.pixelData();
        if (pixelData == null) throw corrupt("no PixelData");
        this.extendedOffsets = d.longs(Tags.EXTENDED_OFFSET_TABLE);
        this.extendedLengths = d.longs(Tags.EXTENDED_OFFSET_TABLE_LENGTHS);
        this.frameFirstFragment = checkPixelData();
        this.properties = properties(d, r.meta());
    }

    /**
     * Parses a file's header. The file stays open when this returns (the instance owns it).
     *
     * @throws SlideException naming the file when it is not a whole-slide DICOM file or is damaged
     */
    static WsiInstance open(Path path) {
        FileInput in = new FileInput(path);
        try {
            PerFrame perFrame = new PerFrame();
            Part10Parser.Result r = Part10Parser.parse(in, Map.of(Tags.PER_FRAME_FUNCTIONAL_GROUPS, perFrame));
            return new WsiInstance(path, in, r, perFrame);
        } catch (DicomException e) {
            in.close();
            throw new CorruptSlideException(path, e.getMessage());
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Whether per-frame positions follow TILED_FULL's order (rows of tiles, then focal planes): then a
     * file that does not name its DimensionOrganizationType (some converters omit it) is a full tiling,
     * and a frame it lacks is missing, not a gap.
     */
    private boolean inFullTilingOrder(PerFrame p) {
        if (p.count != frames) return false;
        int across = tilesAcross();
        long perPlane = (long) across * tilesDown();
        for (int i = 0; i < frames; i++) {
            long g = (long) concatenationOffset + i;
            if (p.column.get(i) != g % across * tileWidth || p.row.get(i) != g / across % tilesDown() * tileHeight
                    || g >= perPlane * focalPlanes) {
                return false;
            }
        }
        return true;
    }

    /** Tiles across and down the total pixel matrix. */
    int tilesAcross() { return ceilDiv(totalWidth, tileWidth); }

    int tilesDown() { return ceilDiv(totalHeight, tileHeight); }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** Where frame {@code i} of this instance sits: {tile x, tile y, z index (TILED_FULL) or -1, optical path index}. */
    int[] framePosition(int i, List<Double> zValues) {
        if (tiledFull) {
            long g = (long) concatenationOffset + i;
            long perPlane = (long) tilesAcross() * tilesDown();
            int tx = (int) (g % tilesAcross());
            int ty = (int) (g / tilesAcross() % tilesDown());
            int z = (int) (g / perPlane % focalPlanes);
            int p = (int) (g / perPlane / focalPlanes);
            return new int[] {tx, ty, z, p};
        }
        int z = zValues.indexOf(frameZ[i]);
        return new int[] {Math.floorDiv(frameColumn[i], tileWidth), Math.floorDiv(frameRow[i], tileHeight), z, framePath[i]};
    }

    /** Distinct z offsets of a TILED_SPARSE instance; empty for TILED_FULL. */
    double[] zOffsets() {
        return frameZ == null ? new double[0] : Arrays.stream(frameZ).distinct().sorted().toArray();
    }

    /** Whether frame {@code i}'s top-left corner lies on the tile grid (TILED_SPARSE frames may not). */
    boolean onGrid(int i) {
        return tiledFull || (frameColumn[i] % tileWidth == 0 && frameRow[i] % tileHeight == 0);
    }

    /** Bytes of one uncompressed frame. */
    long nativeFrameBytes() {
        return (long) tileWidth * tileHeight * samples * (bitsAllocated / 8);
    }

    /** The stored bytes of frame {@code i} (0-based): a compressed stream, or raw samples. */
    byte[] frame(int i) {
        if (i < 0 || i >= frames) throw new IllegalArgumentException("frame " + i + " of " + frames);
        return switch (pixelData) {
            case PixelData.Native n -> file.read(n.offset() + i * nativeFrameBytes(), (int) nativeFrameBytes(), "frame " + (i + 1));
            case PixelData.Encapsulated e -> encapsulatedFrame(e, i);
        };
    }

    private byte[] encapsulatedFrame(PixelData.Encapsulated e, int i) {
        String what = "frame " + (i + 1);
        if (extendedOffsets.length > 0) {
            long at = e.firstItem() + extendedOffsets[i];
            byte[] h = file.read(at, 8, what + " item header");
            checkItem(h, at);
            return file.read(at + 8, (int) extendedLengths[i], what);
        }
        if (e.fragmentOffsets() != null) {
            int first = frameFirstFragment[i], last = frameFirstFragment[i + 1];
            if (last - first == 1) return file.read(e.fragmentOffsets()[first], (int) e.fragmentLengths()[first], what);
            long total = 0;
            for (int f = first; f < last; f++) total += e.fragmentLengths()[f];
            checkFrameSize(total, i);
            byte[] out = new byte[(int) total];
            int o = 0;
            for (int f = first; f < last; f++) {
                byte[] part = file.read(e.fragmentOffsets()[f], (int) e.fragmentLengths()[f], what);
                System.arraycopy(part, 0, out, o, part.length);
                o += part.length;
            }
            return out;
        }
        // Basic Offset Table: the frame's fragments run from its offset to the next frame's (or the sequence delimiter).
        long at = e.firstItem() + e.basicOffsets()[i];
        long end = i + 1 < e.basicOffsets().length ? e.firstItem() + e.basicOffsets()[i + 1] : Long.MAX_VALUE;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (at < end) {
            byte[] h = file.read(at, 8, what + " item header");
            int tag = itemTag(h);
            if (tag == Tags.SEQUENCE_DELIMITATION && end == Long.MAX_VALUE) break;
            checkItem(h, at);
            long len = le32(h, 4);
            checkFrameSize(out.size() + len, i);
            out.writeBytes(file.read(at + 8, (int) len, what));
            at += 8 + len;
        }
        if (at != end && end != Long.MAX_VALUE) throw corrupt("Basic Offset Table entry " + (i + 2) + " is not at a fragment boundary");
        return out.toByteArray();
    }

    private void checkFrameSize(long bytes, int i) {
        if (bytes > MAX_FRAME_BYTES) throw corrupt("frame " + (i + 1) + " is " + bytes + " bytes (over " + MAX_FRAME_BYTES + ")");
    }

    private static int itemTag(byte[] h) {
        int g = (h[0] & 0xFF) | (h[1] & 0xFF) << 8, el = (h[2] & 0xFF) | (h[3] & 0xFF) << 8;
        return g << 16 | el;
    }

    private static long le32(byte[] h, int o) {
        return (h[o] & 0xFFL) | (h[o + 1] & 0xFFL) << 8 | (h[o + 2] & 0xFFL) << 16 | (h[o + 3] & 0xFFL) << 24;
    }

    private void checkItem(byte[] h, long at) {
        if (itemTag(h) != Tags.ITEM) throw corrupt("offset table points at byte " + at + ", which is not a fragment item");
    }

    /** Checks the pixel data against the frame count; for walked fragments, groups them into frames. */
    private int[] checkPixelData() {
        switch (pixelData) {
            case PixelData.Native n -> {
                long need = nativeFrameBytes() * frames;
                if (n.length() < need) {
                    throw corrupt("PixelData holds " + n.length() + " bytes, " + frames + " frames of " + tileWidth + "x" + tileHeight + "x"
                            + samples + " need " + need);
                }
                return null;
            }
            case PixelData.Encapsulated e -> {
                if (extendedOffsets.length > 0 || extendedLengths.length > 0) {
                    if (extendedOffsets.length != frames || extendedLengths.length != frames) {
                        throw corrupt("Extended Offset Table has " + extendedOffsets.length + " offsets and " + extendedLengths.length
                                + " lengths for " + frames + " frames");
                    }
                    for (int i = 0; i < frames; i++) {
                        long o = extendedOffsets[i], l = extendedLengths[i];
                        if (o < 0 || l < 0 || l > MAX_FRAME_BYTES || e.firstItem() + o + 8 + l > file.size()) {
                            throw corrupt("Extended Offset Table entry " + (i + 1) + " points past the end of the file");
                        }
                    }
                    return null;
                }
                if (e.fragmentOffsets() == null) {
                    long[] bot = e.basicOffsets();
                    if (bot.length != frames) throw corrupt("Basic Offset Table has " + bot.length + " entries for " + frames + " frames");
                    for (int i = 0; i < frames; i++) {
                        if (bot[i] < 0 || e.firstItem() + bot[i] + 8 > file.size() || (i > 0 && bot[i] <= bot[i - 1])) {
                            throw corrupt("Basic Offset Table entry " + (i + 1) + " (" + bot[i] + ") is out of order or past the end of the file");
                        }
                    }
                    return null;
                }
                return groupFragments(e);
            }
        }
    }

    /** One fragment a frame; all fragments for one frame; else a frame starts at each fragment that starts a codestream. */
    private int[] groupFragments(PixelData.Encapsulated e) {
        int n = e.fragmentOffsets().length;
        int[] first = new int[frames + 1];
        if (n == frames) {
            for (int i = 0; i <= frames; i++) first[i] = i;
        } else if (frames == 1 && n > 0) {
            first[1] = n;
        } else if (n > frames) {
            int f = 0;
            for (int k = 0; k < n && f <= frames; k++) {
                if (e.fragmentLengths()[k] >= 2) {
                    byte[] head = file.read(e.fragmentOffsets()[k], 2, "fragment " + (k + 1));
                    boolean starts = (head[0] & 0xFF) == 0xFF && ((head[1] & 0xFF) == 0xD8 || (head[1] & 0xFF) == 0x4F);
                    if (starts || k == 0) {
                        if (f < frames) first[f] = k;
                        f++;
                    }
                }
            }
            if (f != frames) throw corrupt(n + " fragments hold " + f + " codestreams for " + frames + " frames");
            first[frames] = n;
        } else {
            throw corrupt("encapsulated PixelData has " + n + " fragments for " + frames + " frames");
        }
        return first;
    }

    private static Flavor flavor(String[] imageType) {
        if (imageType.length >= 3) {
            return switch (imageType[2].toUpperCase(Locale.ROOT)) {
                case "THUMBNAIL" -> Flavor.THUMBNAIL;
                case "LABEL" -> Flavor.LABEL;
                case "OVERVIEW" -> Flavor.OVERVIEW;
                default -> Flavor.VOLUME;
            };
        }
        return Flavor.VOLUME;
    }

    private static List<OpticalPath> opticalPaths(DicomDataset d) {
        List<OpticalPath> out = new ArrayList<>();
        for (DicomDataset p : d.sequence(Tags.OPTICAL_PATH_SEQUENCE)) {
            String id = p.string(Tags.OPTICAL_PATH_IDENTIFIER);
            String description = p.string(Tags.OPTICAL_PATH_DESCRIPTION);
            if (description == null || description.isBlank()) {
                DicomDataset colour = p.item(Tags.ILLUMINATION_COLOR_CODE_SEQUENCE);
                if (colour != null) description = colour.string(Tags.CODE_MEANING);
            }
            Double power;
            try {
                power = p.number(Tags.OBJECTIVE_LENS_POWER);
            } catch (DicomException e) {
                power = null;
            }
            out.add(new OpticalPath(id == null ? String.valueOf(out.size()) : id, description, power != null && power > 0 ? power : null));
        }
        if (out.isEmpty()) out.add(new OpticalPath("0", null, null));
        return List.copyOf(out);
    }

    private int[] pathIndices(List<String> ids, DicomDataset shared) {
        String sharedId = null;
        if (shared != null) {
            DicomDataset ident = shared.item(Tags.OPTICAL_PATH_IDENTIFICATION_SEQUENCE);
            if (ident != null) sharedId = ident.string(Tags.OPTICAL_PATH_IDENTIFIER);
        }
        int[] out = new int[frames];
        for (int i = 0; i < frames; i++) {
            String id = i < ids.size() && ids.get(i) != null ? ids.get(i) : sharedId;
            int idx = 0;
            if (id != null) {
                idx = -1;
                for (int k = 0; k < opticalPaths.size(); k++) if (opticalPaths.get(k).id().equals(id)) idx = k;
                if (idx < 0) throw corrupt("frame " + (i + 1) + " names optical path '" + id + "', which OpticalPathSequence does not list");
            }
            out[i] = idx;
        }
        return out;
    }

    private static Map<String, String> properties(DicomDataset d, DicomDataset meta) {
        Map<String, String> p = new LinkedHashMap<>();
        for (DicomDataset ds : List.of(meta, d)) {
            for (Map.Entry<Integer, DicomDataset.Element> e : ds.elements().entrySet()) {
                Tags.Entry entry = Tags.entry(e.getKey());
                if (entry == null) continue;
                String v = switch (e.getValue().value()) {
                    case String s -> s;
                    case byte[] b when b.length <= 64 -> join(ds.numbers(e.getKey()));
                    default -> null;
                };
                if (v != null && !v.isEmpty()) p.put("dicom." + entry.keyword(), v);
            }
        }
        return p;
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            if (!sb.isEmpty()) sb.append('\\');
            sb.append(x == Math.rint(x) && Math.abs(x) < 1e15 ? String.valueOf((long) x) : String.valueOf(x));
        }
        return sb.toString();
    }

    private String require(String v, String what) {
        if (v == null || v.isEmpty()) throw corrupt("no " + what);
        return v;
    }

    CorruptSlideException corrupt(String why) {
        return new CorruptSlideException(path, why);
    }

    private UnsupportedSlideException unsupported(String what) {
        return new UnsupportedSlideException(path, "unsupported DICOM image: " + what);
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return path.getFileName() + " (" + flavor + " " + totalWidth + "x" + totalHeight + ", " + frames + " frames)";
    }

    /** Collects per-frame positions from PerFrameFunctionalGroupsSequence items as they are parsed. */
    private static final class PerFrame implements Consumer<DicomDataset> {
        final IntList column = new IntList(), row = new IntList();
        final DoubleList z = new DoubleList();
        final List<String> pathIds = new ArrayList<>();
        int count;
        boolean hasPositions = true;

        @Override
        public void accept(DicomDataset item) {
            count++;
            DicomDataset pos = item.item(Tags.PLANE_POSITION_SLIDE_SEQUENCE);
            if (pos == null || !pos.contains(Tags.COLUMN_POSITION_IN_TOTAL_MATRIX) || !pos.contains(Tags.ROW_POSITION_IN_TOTAL_MATRIX)) {
                hasPositions = false;
                column.add(0);
                row.add(0);
                z.add(0);
            } else {
                column.add(pos.integer(Tags.COLUMN_POSITION_IN_TOTAL_MATRIX, 1) - 1);
                row.add(pos.integer(Tags.ROW_POSITION_IN_TOTAL_MATRIX, 1) - 1);
                Double zo = pos.number(Tags.Z_OFFSET_IN_SLIDE);
                z.add(zo == null ? 0 : zo);
            }
            DicomDataset ident = item.item(Tags.OPTICAL_PATH_IDENTIFICATION_SEQUENCE);
            pathIds.add(ident == null ? null : ident.string(Tags.OPTICAL_PATH_IDENTIFIER));
        }
    }

    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toIntArray() { return Arrays.copyOf(a, n); }

        int get(int i) { return a[i]; }
    }

    static final class DoubleList {
        private double[] a = new double[64];
        private int n;

        void add(double v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        double[] toDoubleArray() { return Arrays.copyOf(a, n); }
    }
}

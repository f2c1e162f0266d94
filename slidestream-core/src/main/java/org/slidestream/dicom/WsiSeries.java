package org.slidestream.dicom;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * A DICOM whole-slide series: every VL Whole Slide Microscopy instance of one SeriesInstanceUID in
 * a folder, arranged as pyramid levels (VOLUME instances by total pixel matrix size, largest first)
 * and associated images (THUMBNAIL, LABEL, OVERVIEW as {@code thumbnail}, {@code label},
 * {@code macro}). Each level maps (channel, z, tile x, tile y) to an instance's frame, for
 * TILED_FULL (frame order) and TILED_SPARSE (per-frame positions) alike; fluorescence optical paths
 * become named channels. Thread-safe once built.
 */
final class WsiSeries implements AutoCloseable {
    /** A pyramid level: its instances and, per (channel, z, tile), the frame that holds it. */
    record Level(LevelInfo info, int tilesAcross, int tilesDown, List<FrameDecoder> decoders, long[] frames) {}

    private final Path path;
    private final List<WsiInstance> instances;
    private final List<Level> levels;
    private final Map<String, WsiInstance> associated;
    private final Map<String, FrameDecoder> associatedDecoders = new HashMap<>();
    private final SlideMetadata metadata;
    private final JpegCodec jpeg;
    private final Jpeg2000Codec jpeg2000;
    private final int sizeC;
    private final int sizeZ;
    private final boolean rgb;

    private WsiSeries(Path path, List<WsiInstance> all, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        this.path = path;
        this.instances = all;
        this.jpeg = jpeg;
        this.jpeg2000 = jpeg2000;
        List<WsiInstance> volumes = all.stream().filter(i -> i.flavor == WsiInstance.Flavor.VOLUME).toList();
        if (volumes.isEmpty()) {
            throw new CorruptSlideException(path, "DICOM series has no VOLUME image (only " + all.stream().map(i -> i.flavor.name()).distinct().toList()
                    + "), so no pyramid to read");
        }
        checkConcatenations(all);
        // Levels: VOLUME instances by total size, largest first.
        Map<List<Integer>, List<WsiInstance>> bySize = new LinkedHashMap<>();
        for (WsiInstance i : volumes) bySize.computeIfAbsent(List.of(i.totalWidth, i.totalHeight), k -> new ArrayList<>()).add(i);
        List<List<WsiInstance>> groups = new ArrayList<>(bySize.values());
        groups.sort(Comparator.comparingLong((List<WsiInstance> g) -> (long) g.get(0).totalWidth * g.get(0).totalHeight).reversed());
        WsiInstance base = groups.get(0).get(0);
        this.rgb = base.samples == 3;
        PixelType type = FrameDecoder.pixelType(base);
        // Channels: RGB, or one per optical path of level 0 (fluorescence).
        List<String> channelIds = new ArrayList<>();
        List<String> channelNames = new ArrayList<>();
        Double magnification = null;
        for (WsiInstance i : groups.get(0)) {
            for (WsiInstance.OpticalPath p : i.opticalPaths) {
                if (magnification == null && p.objectivePower() != null) magnification = p.objectivePower();
                if (!channelIds.contains(p.id())) {
                    channelIds.add(p.id());
                    channelNames.add(p.channelName());
                }
            }
        }
        if (rgb && channelIds.size() > 1) {
            throw new UnsupportedSlideException(path, "RGB DICOM series with " + channelIds.size() + " optical paths is not supported");
        }
        this.sizeC = rgb ? 3 : channelIds.size();
        List<Double> baseZ = zValues(groups.get(0));
        this.sizeZ = Math.max(1, Math.max(baseZ.size(), groups.get(0).stream().mapToInt(i -> i.tiledFull ? i.focalPlanes : 1).max().orElse(1)));
        List<Level> ls = new ArrayList<>();
        for (List<WsiInstance> g : groups) ls.add(level(g, base, type, channelIds));
        this.levels = List.copyOf(ls);
        this.associated = associated(all);
        Map<String, String> props = new TreeMap<>(base.properties);
        props.put("openslide.vendor", "dicom");
        Double mppX = null, mppY = null;
        if (base.pixelSpacingMm != null) {
            mppY = base.pixelSpacingMm[0] * 1000;
            mppX = base.pixelSpacingMm[1] * 1000;
            props.put("openslide.mpp-x", number(mppX));
            props.put("openslide.mpp-y", number(mppY));
        }
        if (magnification != null) props.put("openslide.objective-power", number(magnification));
        props.put("openslide.level-count", String.valueOf(levels.size()));
        for (int i = 0; i < levels.size(); i++) {
            LevelInfo l = levels.get(i).info();
            String p = "openslide.level[" + i + "].";
            props.put(p + "width", String.valueOf(l.width()));
            props.put(p + "height", String.valueOf(l.height()));
            props.put(p + "downsample", number(l.downsample()));
            props.put(p + "tile-width", String.valueOf(l.tileWidth()));
            props.put(p + "tile-height", String.valueOf(l.tileHeight()));
        }
        List<String> names = rgb ? List.of("R", "G", "B") : channelNames;
        this.metadata = new SlideMetadata("dicom", type, sizeC, sizeZ, 1, names, mppX, mppY, null, magnification, rgb, props);
    }

    /**
     * Opens the series of a file (with the other files of its folder) or of a folder.
     *
     * @throws SlideException naming the file and the problem
     */
    static WsiSeries open(Path path, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        List<WsiInstance> opened = new ArrayList<>();
        try {
            String series;
            Path dir;
            if (Files.isDirectory(path)) {
                dir = path;
                List<Path> files = dicomFiles(dir);
                if (files.isEmpty()) throw new SlideException(path, "folder holds no DICOM files");
                WsiInstance first = null;
                for (Path f : files) {
                    try {
                        first = WsiInstance.open(f);
                        break;
                    } catch (UnsupportedSlideException e) {
                        // not a whole-slide instance (an annotation, a report): look further
                    }
                }
                if (first == null) throw new UnsupportedSlideException(path, "folder holds no DICOM whole-slide image");
                opened.add(first);
                series = first.seriesUid;
            } else {
                WsiInstance first = WsiInstance.open(path);
                opened.add(first);
                series = first.seriesUid;
                dir = path.toAbsolutePath().getParent();
            }
            for (Path f : dicomFiles(dir)) {
                if (opened.stream().anyMatch(i -> sameFile(i.path, f))) continue;
                WsiInstance i;
                try {
                    i = WsiInstance.open(f);
                } catch (UnsupportedSlideException e) {
                    continue; // another kind of DICOM object beside the slide
                } catch (CorruptSlideException e) {
                    if (seriesOf(f) != null && seriesOf(f).equals(series)) throw e;
                    continue; // a damaged file of another series does not concern this slide
                }
                if (series.equals(i.seriesUid) && opened.stream().noneMatch(o -> o.sopInstanceUid != null && o.sopInstanceUid.equals(i.sopInstanceUid))) {
                    opened.add(i);
                } else {
                    i.close();
                }
            }
            opened.sort(Comparator.comparingInt((WsiInstance i) -> i.instanceNumber).thenComparing(i -> i.path.getFileName().toString()));
            return new WsiSeries(path, List.copyOf(opened), jpeg, jpeg2000);
        } catch (RuntimeException e) {
            for (WsiInstance i : opened) i.close();
            throw e;
        }
    }

    /** SeriesInstanceUID of a damaged file when its header still says it, else null. */
    private static String seriesOf(Path f) {
        try (FileInput in = new FileInput(f)) {
            return Part10Parser.parse(in, Map.of()).dataset().string(Tags.SERIES_INSTANCE_UID);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** Regular files of a folder that start with a Part 10 header, by name. */
    static List<Path> dicomFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".") || !Files.isRegularFile(p)) continue;
                if (hasPart10Header(p)) out.add(p);
            }
        } catch (IOException e) {
            throw new SlideException(dir, "cannot list folder: " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    static boolean hasPart10Header(Path p) {
        try (var ch = java.nio.channels.FileChannel.open(p)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(132);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            return Part10Parser.isPart10(b.array()) && b.position() == 132;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every concatenation must be complete: a missing part is a missing instance, not a blank region. */
    private void checkConcatenations(List<WsiInstance> all) {
        Map<String, List<WsiInstance>> byUid = new LinkedHashMap<>();
        for (WsiInstance i : all) if (i.concatenationUid != null) byUid.computeIfAbsent(i.concatenationUid, k -> new ArrayList<>()).add(i);
        for (Map.Entry<String, List<WsiInstance>> e : byUid.entrySet()) {
            List<WsiInstance> parts = e.getValue();
            int total = parts.get(0).concatenationTotal;
            TreeSet<Integer> have = new TreeSet<>();
            for (WsiInstance i : parts) have.add(i.concatenationNumber);
            int last = Math.max(total, have.last());
            for (int k = 1; k <= last; k++) {
                if (!have.contains(k)) {
                    throw new CorruptSlideException(parts.get(0).path, "instance " + k + " of " + last + " of concatenation " + e.getKey()
                            + " is missing from the series (" + parts.size() + " found in " + parts.get(0).path.toAbsolutePath().getParent() + ")");
                }
            }
        }
    }

    private static List<Double> zValues(List<WsiInstance> group) {
        TreeSet<Double> z = new TreeSet<>();
        for (WsiInstance i : group) for (double v : i.zOffsets()) z.add(v);
        return new ArrayList<>(z);
    }

    private Level level(List<WsiInstance> group, WsiInstance base, PixelType type, List<String> channelIds) {
        WsiInstance first = group.get(0);
        for (WsiInstance i : group) {
            if (i.tileWidth != first.tileWidth || i.tileHeight != first.tileHeight) {
                throw new CorruptSlideException(i.path, "inconsistent frame sizes in one level: " + i.tileWidth + "x" + i.tileHeight + " frames, "
                        + first.path.getFileName() + " has " + first.tileWidth + "x" + first.tileHeight);
            }
        }
        for (WsiInstance i : group) {
            if (i.samples != base.samples || FrameDecoder.pixelType(i) != type) {
                throw new CorruptSlideException(i.path, "inconsistent pixels in one series: " + i.samples + " samples of " + FrameDecoder.pixelType(i)
                        + ", " + base.path.getFileName() + " has " + base.samples + " of " + type);
            }
        }
        int across = first.tilesAcross(), down = first.tilesDown();
        int channels = rgb ? 1 : sizeC;
        long planeTiles = (long) across * down;
        if (planeTiles * channels * sizeZ > Integer.MAX_VALUE - 16) {
            throw new CorruptSlideException(first.path, "total pixel matrix of " + first.totalWidth + "x" + first.totalHeight + " in " + first.tileWidth + "x"
                    + first.tileHeight + " frames has too many tiles");
        }
        long[] frames = new long[(int) (planeTiles * channels * sizeZ)];
        List<Double> zs = zValues(group);
        List<FrameDecoder> decoders = new ArrayList<>();
        boolean[] channelSeen = new boolean[channels];
        for (int d = 0; d < group.size(); d++) {
            WsiInstance i = group.get(d);
            decoders.add(new FrameDecoder(i, jpeg, jpeg2000));
            if (i.tiledFull) {
                long need = planeTiles * i.focalPlanes * i.opticalPaths.size();
                long have = i.frames;
                if (i.concatenationUid != null) {
                    have = group.stream().filter(o -> i.concatenationUid.equals(o.concatenationUid)).mapToLong(o -> o.frames).sum();
                }
                if (have < need) {
                    throw new CorruptSlideException(i.path, "full tiling of " + i.totalWidth + "x" + i.totalHeight + " in " + i.tileWidth + "x"
                            + i.tileHeight + " frames needs " + need + " frames, the " + (i.concatenationUid == null ? "file has " + have
                            : "concatenation has " + have + ": an instance of concatenation " + i.concatenationUid + " is missing"));
                }
            }
            for (int f = 0; f < i.frames; f++) {
                int[] pos = i.framePosition(f, zs);
                if (!i.onGrid(f)) {
                    throw new UnsupportedSlideException(i.path, "TILED_SPARSE frame " + (f + 1) + " is not on the " + i.tileWidth + "x" + i.tileHeight + " tile grid");
                }
                int tx = pos[0], ty = pos[1], z = pos[2], p = pos[3];
                if (tx < 0 || ty < 0 || tx >= across || ty >= down || z < 0 || z >= sizeZ || p < 0 || p >= i.opticalPaths.size()) {
                    if (i.tiledFull) continue; // frames past the matrix (padding of a concatenation) hold nothing to place
                    throw new CorruptSlideException(i.path, "frame " + (f + 1) + " lies outside the total pixel matrix");
                }
                int c = rgb ? 0 : channelIds.indexOf(i.opticalPaths.get(p).id());
                if (c < 0) continue; // an optical path level 0 does not have
                channelSeen[c] = true;
                long slot = ((long) (c * sizeZ + z) * down + ty) * across + tx;
                frames[(int) slot] = ((long) d << 32 | f) + 1;
            }
        }
        for (int c = 0; c < channels; c++) {
            if (!channelSeen[c]) {
                throw new CorruptSlideException(first.path, "level " + first.totalWidth + "x" + first.totalHeight + " has no frames of optical path '"
                        + channelIds.get(c) + "' (an instance of the series is missing)");
            }
        }
        double ds = ((double) base.totalWidth / first.totalWidth + (double) base.totalHeight / first.totalHeight) / 2;
        LevelInfo info = new LevelInfo(first.totalWidth, first.totalHeight, Math.max(1.0, ds), first.tileWidth, first.tileHeight);
        return new Level(info, across, down, List.copyOf(decoders), frames);
    }

    private static Map<String, WsiInstance> associated(List<WsiInstance> all) {
        Map<String, WsiInstance> out = new LinkedHashMap<>();
        for (WsiInstance i : all) {
            String name = switch (i.flavor) {
                case THUMBNAIL -> "thumbnail";
                case LABEL -> "label";
                case OVERVIEW -> "macro";
                case VOLUME -> null;
            };
            if (name != null) out.putIfAbsent(name, i);
        }
        return out;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    Path path() { return path; }

    SlideMetadata metadata() { return metadata; }

    List<Level> levels() { return levels; }

    List<String> associatedNames() { return List.copyOf(associated.keySet()); }

    /** Bytes of the largest decoded tile of a level (all channels). */
    long tileBytes(int level) {
        LevelInfo l = levels.get(level).info();
        return Raster.byteSize(metadata.pixelType(), l.tileWidth(), l.tileHeight(), sizeC);
    }

    /**
     * Decodes tile (tx, ty) of a level's plane (z) with all channels, at its stored size; null when the
     * series stores no frame there (TILED_SPARSE gaps), which reads as background.
     */
    Raster decodeTile(int level, int z, int tx, int ty) {
        Level l = levels.get(level);
        if (rgb) {
            long ref = l.frames()[(int) (((long) z * l.tilesDown() + ty) * l.tilesAcross() + tx)];
            return ref == 0 ? null : l.decoders().get((int) (ref - 1 >>> 32)).decode((int) (ref - 1));
        }
        Raster out = null;
        for (int c = 0; c < sizeC; c++) {
            long ref = l.frames()[(int) (((long) (c * sizeZ + z) * l.tilesDown() + ty) * l.tilesAcross() + tx)];
            if (out == null) out = Raster.create(metadata.pixelType(), l.info().tileWidth(), l.info().tileHeight(), sizeC);
            if (ref == 0) continue; // a channel without this tile reads as 0 (fluorescence background)
            Raster frame = l.decoders().get((int) (ref - 1 >>> 32)).decode((int) (ref - 1));
            copyBand(frame, out, c);
        }
        return out;
    }

    private static void copyBand(Raster src, Raster dest, int band) {
        int n = src.width() * src.height();
        int bands = dest.bands();
        if (src.type().bytes() == 1) {
            byte[] s = src.bytes(), d = dest.bytes();
            for (int p = 0; p < n; p++) d[p * bands + band] = s[p];
        } else {
            short[] s = src.shorts(), d = dest.shorts();
            for (int p = 0; p < n; p++) d[p * bands + band] = s[p];
        }
    }

    /** An associated image, whole, as 8-bit RGB. */
    Raster readAssociated(String name, long maxBytes) {
        WsiInstance i = associated.get(name);
        if (i == null) {
            throw new IllegalArgumentException(path.getFileName() + ": no associated image '" + name + "' (has " + associated.keySet() + ")");
        }
        if (i.bitsAllocated != 8) throw new UnsupportedSlideException(i.path, "associated image '" + name + "' is not 8-bit");
        long bytes = Raster.byteSize(PixelType.UINT8, i.totalWidth, i.totalHeight, 3);
        if (bytes > maxBytes) {
            throw new org.slidestream.memory.MemoryBudgetExceededException("associated image '" + name + "'", bytes, maxBytes);
        }
        FrameDecoder dec;
        synchronized (associatedDecoders) {
            dec = associatedDecoders.computeIfAbsent(name, k -> new FrameDecoder(i, jpeg, jpeg2000));
        }
        Raster out = Raster.create(PixelType.UINT8, i.totalWidth, i.totalHeight, 3);
        out.fill(new org.slidestream.image.Region(0, 0, i.totalWidth, i.totalHeight), 255);
        List<Double> zs = new ArrayList<>();
        for (double v : i.zOffsets()) zs.add(v);
        for (int f = 0; f < i.frames; f++) {
            int[] pos = i.framePosition(f, zs);
            if (pos[2] > 0 || pos[3] > 0) continue; // first plane and path only
            int x = pos[0] * i.tileWidth, y = pos[1] * i.tileHeight;
            if (x >= i.totalWidth || y >= i.totalHeight || x < 0 || y < 0) continue;
            Raster frame = dec.decode(f);
            int w = Math.min(i.tileWidth, i.totalWidth - x), h = Math.min(i.tileHeight, i.totalHeight - y);
            if (frame.bands() == 3) {
                out.copyFrom(frame, 0, 0, x, y, w, h);
            } else {
                for (int b = 0; b < 3; b++) {
                    for (int yy = 0; yy < h; yy++) {
                        for (int xx = 0; xx < w; xx++) out.bytes()[((y + yy) * out.width() + x + xx) * 3 + b] = frame.bytes()[yy * frame.width() + xx];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (WsiInstance i : instances) i.close();
    }
}

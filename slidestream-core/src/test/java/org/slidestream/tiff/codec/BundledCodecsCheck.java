package org.slidestream.tiff.codec;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.Inflater;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;

/**
 * Run in a JVM of its own by {@link BundledCodecsTest}: prints which codec each compression got,
 * then a digest of every pixel of every level of the given slides, read with natives, and of a JPEG
 * encode and a Deflate round trip. Lines: {@code codec<TAB>compression<TAB>origin<TAB>codec} and
 * {@code digest<TAB>what<TAB>sha-256}.
 *
 * <p>Usage: BundledCodecsCheck [--report-only | --dump DIR] SLIDE... ({@code --dump} also writes each
 * slide's pixels, level after level, to {@code DIR/NAME.rgb})
 */
public final class BundledCodecsCheck {
    private BundledCodecsCheck() {}

    public static void main(String[] args) throws Exception {
        for (Codecs.Choice c : Codecs.report(true)) {
            System.out.println("codec\t" + c.compression() + "\t" + c.origin() + "\t" + c.codec());
        }
        if (args.length > 0 && args[0].equals("--report-only")) return;
        Path dump = args.length > 1 && args[0].equals("--dump") ? Path.of(args[1]) : null;
        MemoryBudget budget = MemoryBudget.of(null);
        for (String a : java.util.Arrays.asList(args).subList(dump == null ? 0 : 2, args.length)) {
            try (Slide slide = Slide.open(Path.of(a), new SlideOptions(budget, new TileCache(budget, 16L << 20), true));
                 java.io.OutputStream raw = dump == null ? java.io.OutputStream.nullOutputStream()
                         : new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(dump.resolve(Path.of(a).getFileName() + ".rgb")))) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (int level = 0; level < slide.levelCount(); level++) {
                    LevelInfo l = slide.level(level);
                    for (int y = 0; y < l.height(); y += 512) {
                        for (int x = 0; x < l.width(); x += 512) {
                            Region r = new Region(x, y, Math.min(512, l.width() - x), Math.min(512, l.height() - y));
                            Raster out = Raster.create(PixelType.UINT8, r.width(), r.height(), 3);
                            slide.readLevelRegion(level, r, Plane.FIRST, out);
                            md.update(out.bytes());
                            raw.write(out.bytes());
                        }
                    }
                }
                System.out.println("digest\t" + Path.of(a).getFileName() + "\t" + HexFormat.of().formatHex(md.digest()));
            }
        }
        Raster src = CodecFixtures.image(300, 200, 3, 1);
        byte[] jpeg = Codecs.jpeg(true).encode(src, 85, ChromaSubsampling.S420);
        Raster decoded = Raster.create(PixelType.UINT8, 300, 200, 3);
        Codecs.jpeg(false).decode(jpeg, JpegColour.YCBCR, decoded);
        System.out.println("digest\tjpeg-encode\t" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(decoded.bytes())));
        byte[] deflated = Codecs.nativeZlib(true).compress(src.bytes(), 0, src.bytes().length, 6);
        Inflater inf = new Inflater();
        inf.setInput(deflated);
        byte[] back = new byte[src.bytes().length];
        int n = inf.inflate(back);
        inf.end();
        boolean same = n == back.length && java.util.Arrays.equals(back, src.bytes());
        System.out.println("digest\tdeflate-round-trip\t" + (same ? "identical" : "DIFFERENT"));
    }
}

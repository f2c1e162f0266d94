// Writes a Hamamatsu NDPI from a synthetic pyramidal TIFF (slidestream synth --layout generic),
// as NDP.scan lays it out (the test-side NdpiWriter: one JPEG strip per level with restart markers
// every 25 MCUs, McuStarts, macro), for bench/ndpi/run.sh. Levels: the synthetic slide's levels
// 0, 2, 4, ... (every fourth downsample, as NDPI stores 40x, 10x, 2.5x ...) while their width is a
// whole number of 200 px intervals.
// Usage: java -cp CORE:TEST-CLASSES MakeNdpi.java SYNTH.tif OUT.ndpi
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.Raster;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.NdpiWriter;
import org.slidestream.tiff.codec.ChromaSubsampling;

public class MakeNdpi {
    public static void main(String[] a) {
        long t0 = System.nanoTime();
        try (Slide s = Slide.open(Path.of(a[0]))) {
            List<NdpiWriter.Level> levels = new ArrayList<>();
            float lens = 40f;
            for (int i = 0; i < s.levelCount(); i += 2, lens /= 4) {
                if (s.level(i).width() % 200 != 0 || s.level(i).width() < 1000) break;
                levels.add(new NdpiWriter.Level(s.levelSource(i), lens));
            }
            double ds = s.level(0).width() / 1200.0;
            Raster macro = s.readRegion(ReadRequest.atDownsample(ds, 0, 0, 1200, (int) (s.level(0).height() / ds)));
            new NdpiWriter(25, ChromaSubsampling.S444, 85).write(Path.of(a[1]), levels, macro);
            System.out.printf("wrote %s: %d levels, %.1f s%n", a[1], levels.size(), (System.nanoTime() - t0) / 1e9);
        }
    }
}

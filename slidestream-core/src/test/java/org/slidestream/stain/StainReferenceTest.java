package org.slidestream.stain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Stain fitting and normalization against an independent numpy implementation of the published
 * algorithms (reference_stains.py), on patches of the shared slides read by OpenSlide.
 */
class StainReferenceTest {
    static final String SCRIPT = script();
    static final StainParameters P = StainParameters.defaults();
    static Path dir;

    static String script() {
        try (InputStream in = StainReferenceTest.class.getResourceAsStream("reference_stains.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void patches(@TempDir Path tmp) {
        dir = tmp;
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path tcga = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        ReferenceTools.requirePythonModules("openslide", "numpy", "PIL");
        patch(cmu, "800,1400,512,512", "cmuA");
        patch(cmu, "1100,2300,400,300", "cmuB");
        patch(cmu, "500,700,512,512", "cmuEdge"); // tissue and background
        patch(tcga, "1200,1600,512,512", "tcga");
        // every numpy fit and normalization in one Python run
        List<List<Object>> jobs = new ArrayList<>();
        for (String[] f : FITS) jobs.add(List.of("fit", png(f[0]), f[1], P.io(), P.beta(), P.alpha()));
        for (String[] n : NORMALIZATIONS) {
            jobs.add(List.of("normalize", png(n[0]), png(n[1]), n[2], P.io(), P.beta(), P.alpha(), n[3], png(String.join("-", n))));
        }
        try {
            Path jobFile = dir.resolve("jobs.json");
            new ObjectMapper().writeValue(jobFile.toFile(), jobs);
            JsonNode results = new ObjectMapper().readTree(ReferenceTools.python(SCRIPT, "batch", jobFile).requireSuccess("numpy reference").stdout());
            for (int i = 0; i < FITS.length; i++) REFERENCE_FITS.put(FITS[i][0] + "," + FITS[i][1], results.get(i));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final String[][] FITS = {{"cmuA", "macenko"}, {"cmuB", "macenko"}, {"cmuEdge", "macenko"}, {"tcga", "macenko"},
            {"cmuA", "vahadane"}, {"cmuEdge", "vahadane"}, {"tcga", "vahadane"}};
    static final String[][] NORMALIZATIONS = {{"tcga", "cmuA", "macenko", "true"}, {"tcga", "cmuA", "macenko", "false"},
            {"cmuEdge", "tcga", "macenko", "true"}, {"cmuB", "tcga", "macenko", "false"}, {"tcga", "cmuA", "vahadane", "true"},
            {"tcga", "cmuA", "vahadane", "false"}, {"cmuEdge", "tcga", "vahadane", "true"}, {"tcga", "cmuA", "reinhard", "true"},
            {"cmuEdge", "tcga", "reinhard", "true"}};
    static final Map<String, JsonNode> REFERENCE_FITS = new HashMap<>();

    static String png(String name) {
        return dir.resolve(name + ".png").toString();
    }

    static Stream<Arguments> fits() {
        return Arrays.stream(FITS).map(f -> Arguments.of((Object[]) f));
    }

    static Stream<Arguments> normalizations() {
        return Arrays.stream(NORMALIZATIONS).map(n -> Arguments.of(n[0], n[1], n[2], Boolean.parseBoolean(n[3])));
    }

    static void patch(Path slide, String xywh, String name) {
        String[] v = xywh.split(",");
        ReferenceTools.python(SCRIPT, "patches", slide, v[0], v[1], v[2], v[3], dir.resolve(name + ".png")).requireSuccess("OpenSlide patch");
    }

    static Raster image(String name) throws IOException {
        return ImageFiles.read(dir.resolve(name + ".png"));
    }

    static JsonNode reference(String name, String method) {
        return REFERENCE_FITS.get(name + "," + method);
    }

    static double cosineDistance(float[] a, JsonNode b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < 3; i++) {
            dot += a[i] * b.get(i).asDouble();
            na += a[i] * a[i];
            nb += b.get(i).asDouble() * b.get(i).asDouble();
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    @ParameterizedTest
    @MethodSource("fits")
    void stainVectorsMatchNumpy(String name, String method) throws IOException {
        StainProfile mine = StainFitter.fit(StainSample.of(image(name), P), StainMethod.parse(method), name).require(name);
        JsonNode ref = reference(name, method);
        assertThat(cosineDistance(mine.hematoxylin(), ref.get("hematoxylin"))).as("H").isLessThan(0.02);
        assertThat(cosineDistance(mine.eosin(), ref.get("eosin"))).as("E").isLessThan(0.02);
        for (int k = 0; k < 2; k++) {
            double want = ref.get("maxConcentrations").get(k).asDouble();
            assertThat((double) mine.maxConcentrations()[k]).as("max concentration " + k).isCloseTo(want, org.assertj.core.data.Percentage.withPercentage(3));
        }
        assertThat(mine.pixels()).isEqualTo(ref.get("pixels").asLong());
        for (int c = 0; c < 3; c++) {
            assertThat((double) mine.labMean()[c]).isCloseTo(ref.get("labMean").get(c).asDouble(), org.assertj.core.data.Offset.offset(0.01));
            assertThat((double) mine.labStd()[c]).isCloseTo(ref.get("labStd").get(c).asDouble(), org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @ParameterizedTest
    @MethodSource("normalizations")
    void normalizedPatchesMatchNumpy(String source, String target, String method, boolean keep) throws IOException {
        StainParameters p = P.withKeepResidual(keep);
        StainMethod m = StainMethod.parse(method);
        Raster src = image(source);
        StainProfile t = StainFitter.fit(StainSample.of(image(target), p), m, target).require(target);
        StainEstimate s = StainFitter.fit(StainSample.of(src, p), m, source);
        Raster mine = StainNormalizer.create(m, s, t, p, StainOutput.RGB, false).apply(src);
        Raster ref = ImageFiles.read(Path.of(png(String.join("-", source, target, method, "" + keep))));
        double sum = 0;
        int n = mine.sampleCount();
        for (int i = 0; i < n; i++) sum += Math.abs(mine.getAt(i) - ref.getAt(i));
        assertThat(sum / n).as("mean absolute difference").isLessThan(2.0);
        // and the normalization did something: the image moved towards the target
        double moved = 0;
        for (int i = 0; i < n; i++) moved += Math.abs(mine.getAt(i) - src.getAt(i));
        assertThat(moved / n).isGreaterThan(1.0);
    }

    @ParameterizedTest
    @CsvSource({"cmuA,macenko", "cmuEdge,macenko", "tcga,macenko", "cmuA,vahadane", "tcga,vahadane", "cmuEdge,reinhard", "tcga,reinhard"})
    void normalizingAPatchToItsOwnStainsChangesPixelsByAtMostRounding(String name, String method) throws IOException {
        StainMethod m = StainMethod.parse(method);
        Raster img = image(name);
        StainEstimate own = StainFitter.fit(StainSample.of(img, P), m, name);
        Raster out = StainNormalizer.create(m, own, own.require(name), P, StainOutput.RGB, false).apply(img);
        int max = 0;
        for (int i = 0; i < img.sampleCount(); i++) max = (int) Math.max(max, Math.abs(out.getAt(i) - img.getAt(i)));
        assertThat(max).isLessThanOrEqualTo(1);
    }
}

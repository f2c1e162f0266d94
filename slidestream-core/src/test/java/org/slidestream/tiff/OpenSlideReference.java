package org.slidestream.tiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;

/**
 * What OpenSlide (python3-openslide) reads for a list of requests, in one Python run: regions as RGBA
 * ({@code read_region}, location in level-0 pixels) and associated images as RGB.
 */
public final class OpenSlideReference {
    /** A region request in OpenSlide's convention, or an associated image when {@code name} is set. */
    public record Request(int level, int x, int y, int width, int height, String name) {
        public static Request region(int level, int x, int y, int w, int h) { return new Request(level, x, y, w, h, null); }
        public static Request associated(String name) { return new Request(0, 0, 0, 0, 0, name); }
    }

    /** OpenSlide's answer: RGBA for regions (4 bands), RGB for associated images. */
    public record Answer(Request request, Raster pixels) {}

    private static final String SCRIPT = """
            import sys, json, openslide, numpy as np
            path, out, reqs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
            s = openslide.OpenSlide(path)
            sizes = []
            with open(out, 'wb') as f:
                for r in reqs:
                    if r['name'] is not None:
                        a = np.asarray(s.associated_images[r['name']].convert('RGB'))
                    else:
                        a = np.asarray(s.read_region((r['x'], r['y']), r['level'], (r['width'], r['height'])))
                    f.write(np.ascontiguousarray(a).tobytes())
                    sizes.append([int(a.shape[1]), int(a.shape[0]), int(a.shape[2])])
            print(json.dumps(dict(sizes=sizes, dims=[list(d) for d in s.level_dimensions], downsamples=list(s.level_downsamples))))
            """;

    private OpenSlideReference() {}

    /** What OpenSlide says of a slide: its properties, level sizes ({width, height}) and downsamples, associated images. */
    public record Description(java.util.Map<String, String> properties, List<int[]> dimensions, List<Double> downsamples, List<String> associated) {}

    /** OpenSlide's description of a slide (python3-openslide). */
    public static Description describe(Path slide) {
        ReferenceTools.requirePythonModules("openslide");
        String out = ReferenceTools.python("import sys, json, openslide; s = openslide.OpenSlide(sys.argv[1]); "
                + "print(json.dumps(dict(p=dict(s.properties), d=s.level_dimensions, ds=s.level_downsamples, a=sorted(s.associated_images))))", slide)
                .requireSuccess("OpenSlide").stdout();
        try {
            JsonNode j = new ObjectMapper().readTree(out);
            java.util.Map<String, String> props = new java.util.TreeMap<>();
            j.get("p").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
            List<int[]> dims = new ArrayList<>();
            List<Double> ds = new ArrayList<>();
            for (int i = 0; i < j.get("d").size(); i++) {
                dims.add(new int[] {j.get("d").get(i).get(0).asInt(), j.get("d").get(i).get(1).asInt()});
                ds.add(j.get("ds").get(i).asDouble());
            }
            List<String> assoc = new ArrayList<>();
            j.get("a").forEach(n -> assoc.add(n.asText()));
            return new Description(props, dims, ds, assoc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that a slide has OpenSlide's levels: count, sizes and downsamples. */
    public static void assertSameLevels(Description ref, org.slidestream.slide.Slide s) {
        org.assertj.core.api.Assertions.assertThat(s.levelCount()).as("level count").isEqualTo(ref.dimensions().size());
        for (int l = 0; l < s.levelCount(); l++) {
            org.assertj.core.api.Assertions.assertThat(new int[] {s.level(l).width(), s.level(l).height()}).as("level %d size", l)
                    .isEqualTo(ref.dimensions().get(l));
            org.assertj.core.api.Assertions.assertThat(s.level(l).downsample()).as("level %d downsample", l)
                    .isCloseTo(ref.downsamples().get(l), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /**
     * OpenSlide's properties that ours lack or give otherwise ("key: ours X, OpenSlide Y"), leaving
     * out its quickhash (a hash of its own reading) and the tile sizes (ours are our tiles).
     */
    public static List<String> propertyDifferences(Description ref, java.util.Map<String, String> ours) {
        List<String> out = new ArrayList<>();
        ref.properties().forEach((k, v) -> {
            if (k.equals("openslide.quickhash-1") || k.endsWith(".tile-width") || k.endsWith(".tile-height")) return;
            if (!v.equals(ours.get(k))) out.add(k + ": ours " + ours.get(k) + ", OpenSlide " + v);
        });
        return out;
    }

    public static List<Answer> read(Path slide, List<Request> requests) {
        ReferenceTools.requirePythonModules("openslide", "numpy");
        ObjectMapper json = new ObjectMapper();
        try {
            Path out = Files.createTempFile("openslide", ".bin");
            try {
                String result = ReferenceTools.python(SCRIPT, slide, out, json.writeValueAsString(requests)).requireSuccess("OpenSlide").stdout();
                JsonNode sizes = json.readTree(result).get("sizes");
                byte[] all = Files.readAllBytes(out);
                List<Answer> answers = new ArrayList<>();
                int pos = 0;
                for (int i = 0; i < requests.size(); i++) {
                    JsonNode s = sizes.get(i);
                    int w = s.get(0).asInt(), h = s.get(1).asInt(), b = s.get(2).asInt();
                    Raster r = Raster.create(PixelType.UINT8, w, h, b);
                    System.arraycopy(all, pos, r.bytes(), 0, w * h * b);
                    pos += w * h * b;
                    answers.add(new Answer(requests.get(i), r));
                }
                return answers;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

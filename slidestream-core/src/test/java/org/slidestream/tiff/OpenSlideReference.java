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

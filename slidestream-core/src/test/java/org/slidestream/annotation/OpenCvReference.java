package org.slidestream.annotation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.testing.ReferenceTools;

/**
 * The Python way of making a label mask: the whole mask as one numpy array, each polygon drawn
 * with {@code cv2.fillPoly} (8-connected, coordinates with 8 fractional bits), classes painted
 * lowest priority first. It reads the annotations from our GeoJSON export, so both sides draw the
 * same polygons.
 */
final class OpenCvReference {
    private OpenCvReference() {}

    static final String SCRIPT = """
            import sys, json, numpy as np, cv2
            gj, w, h, sx, sy, paint, out = sys.argv[1:8]
            w, h, sx, sy = int(w), int(h), float(sx), float(sy)
            def fx(v, s):
                return np.floor(((v + 0.5) / s - 0.5) * 256 + 0.5).astype(np.int64)
            mask = np.zeros((h, w), np.uint8)
            feats = json.load(open(gj))['features']
            for item in paint.split(','):
                cls, val = item.rsplit('=', 1)
                for f in feats:
                    if f['properties']['classification']['name'] != cls:
                        continue
                    g = f['geometry']
                    polys = [g['coordinates']] if g['type'] == 'Polygon' else g['coordinates'] if g['type'] == 'MultiPolygon' else []
                    for p in polys:
                        rings = []
                        for r in p:
                            a = np.array(r, dtype=np.float64)[:, :2]
                            if len(a) > 1 and (a[0] == a[-1]).all():
                                a = a[:-1]
                            rings.append(np.stack([fx(a[:, 0], sx), fx(a[:, 1], sy)], 1).astype(np.int32))
                        if rings:
                            cv2.fillPoly(mask, rings, int(val), lineType=8, shift=8)
            open(out, 'wb').write(mask.tobytes())
            """;

    /** The mask OpenCV draws of {@code set} at {@code res}; {@code labels} as {@link LabelMask} uses them. */
    static byte[] mask(AnnotationSet set, LabelMap labels, MaskResolution res, Path dir) throws IOException {
        ReferenceTools.requirePythonModules("cv2", "numpy");
        Path gj = Files.createTempFile(dir, "ann", ".geojson");
        Path out = Files.createTempFile(dir, "mask", ".raw");
        set.writeGeoJson(gj);
        if (System.getenv("MASK_DEBUG") != null) Files.copy(gj, Path.of("/tmp/ann-debug-" + res.width() + ".geojson"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> paint = new ArrayList<>();
        for (int i = labels.priority().size() - 1; i >= 0; i--) {
            String c = labels.priority().get(i);
            paint.add(c + "=" + labels.label(c));
        }
        ReferenceTools.python(SCRIPT, gj, res.width(), res.height(), res.scaleX(), res.scaleY(), String.join(",", paint), out)
                .requireSuccess("OpenCV fillPoly");
        byte[] b = Files.readAllBytes(out);
        if (b.length != (long) res.width() * res.height()) throw new IllegalStateException("reference mask has " + b.length + " bytes");
        return b;
    }

    /** Intersection over union of the pixels with value {@code v}; 1 when neither has any. */
    static double iou(byte[] a, byte[] b, int v) {
        long inter = 0, union = 0;
        for (int i = 0; i < a.length; i++) {
            boolean x = (a[i] & 0xFF) == v, y = (b[i] & 0xFF) == v;
            if (x && y) inter++;
            if (x || y) union++;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    static long differing(byte[] a, byte[] b) {
        long n = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) n++;
        return n;
    }
}

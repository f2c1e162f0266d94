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
            gj, paint = sys.argv[1:3]
            def fx(v, s):
                return np.floor(((v + 0.5) / s - 0.5) * 256 + 0.5).astype(np.int64)
            feats = json.load(open(gj))['features']
            for arg in sys.argv[3:]:
              w, h, sx, sy, out = arg.split(';')
              w, h, sx, sy = int(w), int(h), float(sx), float(sy)
              mask = np.zeros((h, w), np.uint8)
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
        return masks(set, labels, List.of(res), dir).get(0);
    }

    /** The masks at several resolutions, in one Python run. */
    static List<byte[]> masks(AnnotationSet set, LabelMap labels, List<MaskResolution> resolutions, Path dir) throws IOException {
        ReferenceTools.requirePythonModules("cv2", "numpy");
        Path gj = Files.createTempFile(dir, "ann", ".geojson");
        set.writeGeoJson(gj);
        List<String> paint = new ArrayList<>();
        for (int i = labels.priority().size() - 1; i >= 0; i--) {
            String c = labels.priority().get(i);
            paint.add(c + "=" + labels.label(c));
        }
        List<Object> args = new ArrayList<>(List.of(gj, String.join(",", paint)));
        List<Path> outs = new ArrayList<>();
        for (MaskResolution res : resolutions) {
            Path out = Files.createTempFile(dir, "mask", ".raw");
            outs.add(out);
            args.add(res.width() + ";" + res.height() + ";" + res.scaleX() + ";" + res.scaleY() + ";" + out);
        }
        ReferenceTools.python(SCRIPT, args.toArray()).requireSuccess("OpenCV fillPoly");
        List<byte[]> masks = new ArrayList<>();
        for (int i = 0; i < outs.size(); i++) {
            byte[] b = Files.readAllBytes(outs.get(i));
            MaskResolution res = resolutions.get(i);
            if (b.length != (long) res.width() * res.height()) throw new IllegalStateException("reference mask has " + b.length + " bytes");
            masks.add(b);
        }
        return masks;
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

package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/** The clam method against CLAM's segmentation written with OpenCV, on the shared slides. */
class ClamAgreementTest {
    @TempDir Path dir;

    static final String DOWNSCALE = """
            import sys, openslide, cv2, numpy as np
            ds = int(sys.argv[2])
            try:
                s = openslide.OpenSlide(sys.argv[1]); w, h = s.dimensions
                img = np.asarray(s.read_region((0, 0), 0, (w, h)).convert('RGB'))
            except openslide.OpenSlideError:  # a plain TIFF OpenSlide 3.4 does not open
                from PIL import Image
                img = np.asarray(Image.open(sys.argv[1]).convert('RGB')); h, w = img.shape[:2]
            small = cv2.resize(img, ((w + ds - 1) // ds, (h + ds - 1) // ds), interpolation=cv2.INTER_AREA)
            cv2.imwrite(sys.argv[3], cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
            print(w / small.shape[1], h / small.shape[0])
            """;

    @ParameterizedTest
    @CsvSource({
            "cmu-1-small-region.svs, 4, 8, 7, 4, 0.25, 0.02, 8",
            "tcga-cr-7395-01a-01-ts1.svs, 4, -1, 11, 2, 0.2, 0.005, 3",
            "kidney-48-5.tif, 1, 4, 3, 0, 0.01, 0.0005, 20",
    })
    void clamAgreesWithOpenCv(String slide, int ds, int sthresh, int mthresh, int close, double aT, double aH, int maxHoles)
            throws IOException {
        Path slidePath = SharedData.slide(slide);
        ReferenceTools.requirePythonModules("openslide", "cv2", "numpy");
        Path png = dir.resolve("seg.png");
        String[] scale = ReferenceTools.python(DOWNSCALE, slidePath, ds, png).requireSuccess("downscale").stdout().strip().split(" ");
        double sx = Double.parseDouble(scale[0]), sy = Double.parseDouble(scale[1]);
        Path script = dir.resolve("clam_reference.py");
        try (InputStream in = getClass().getResourceAsStream("clam_reference.py")) {
            Files.copy(in, script);
        }
        String out = ReferenceTools.run(java.util.List.of(ReferenceTools.PYTHON, script.toString(), png.toString(),
                String.valueOf(sx), String.valueOf(sy), String.valueOf(sthresh), String.valueOf(mthresh), String.valueOf(close),
                String.valueOf(aT), String.valueOf(aH), String.valueOf(maxHoles), dir.resolve("ref").toString()), 300)
                .requireSuccess("CLAM reference").stdout();
        String[] lines = out.strip().split("\n");

        Raster img = ImageFiles.read(png);
        TissueParams p = new TissueParams(TissueMethod.CLAM, false, false, 20, 255, 30, 245, mthresh, sthresh, close,
                aT, aH, maxHoles, 512, false);
        int w = img.width(), h = img.height();
        boolean[] binary = TissueDetector.classify(img, p);
        if (close > 0) Morphology.closeInPlace(binary, w, h, close);
        Raster refBinary = ImageFiles.read(dir.resolve("ref_binary.png"));
        int diff = 0;
        for (int i = 0; i < binary.length; i++) if (binary[i] != ((refBinary.bytes()[i * refBinary.bands()] & 0xFF) > 0)) diff++;
        assertThat(diff).as("threshold + closing pixels differing from OpenCV").isZero();

        TissueMask mask = TissueDetector.detect(img, sx, sy, 0, p);
        assertThat(mask.regions()).as("kept contours").hasSize(Integer.parseInt(lines[0]));
        for (int k = 0; k < mask.regions().size(); k++) {
            String[] ref = lines[k + 1].split(" ");
            assertThat(mask.regions().get(k).area()).as("area of contour " + k).isEqualTo(Double.parseDouble(ref[0]), org.assertj.core.api.Assertions.within(0.06));
            assertThat(mask.regions().get(k).holes()).as("holes of contour " + k).hasSize(Integer.parseInt(ref[1]));
        }
        Raster refMask = ImageFiles.read(dir.resolve("ref_mask.png"));
        long inter = 0, union = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean a = mask.isTissue(x, y), b = (refMask.bytes()[(y * w + x) * refMask.bands()] & 0xFF) > 0;
                if (a && b) inter++;
                if (a || b) union++;
            }
        }
        double iou = union == 0 ? 1 : inter / (double) union;
        assertThat(iou).as("IoU with OpenCV's mask (%d tissue pixels)", union).isGreaterThanOrEqualTo(0.95);
        if (union > 0) assertThat(inter).isGreaterThan(0);
        System.out.printf("%s ds %d: %d contours, IoU %.5f%n", slide, ds, mask.regions().size(), iou);
    }
}

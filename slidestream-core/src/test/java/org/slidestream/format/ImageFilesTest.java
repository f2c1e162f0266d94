package org.slidestream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;

class ImageFilesTest {
    @TempDir Path dir;

    private static Raster smooth(int w, int h, int bands) {
        Raster r = Raster.create(PixelType.UINT8, w, h, bands);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int b = 0; b < bands; b++) {
            r.set(x, y, b, 40 + (x * 2 + y + b * 30) % 170);
        }
        return r;
    }

    @Test
    void theExtensionChoosesTheFormatAndPillowOpensBoth() throws IOException {
        Raster rgb = smooth(96, 64, 3);
        ImageFiles.write(rgb, dir.resolve("patch.png"));
        ImageFiles.write(rgb, dir.resolve("patch.JPG"));
        ImageFiles.write(smooth(40, 30, 1), dir.resolve("gray.jpeg"));
        assertThat(Files.readAllBytes(dir.resolve("patch.JPG"))).startsWith((byte) 0xFF, (byte) 0xD8);
        assertThat(ImageFiles.read(dir.resolve("patch.png")).contentEquals(rgb)).isTrue();
        Raster jpg = ImageFiles.read(dir.resolve("patch.JPG"));
        assertThat(jpg.bands()).isEqualTo(3);
        double diff = 0;
        for (int i = 0; i < rgb.sampleCount(); i++) diff += Math.abs(rgb.getAt(i) - jpg.getAt(i));
        assertThat(diff / rgb.sampleCount()).as("mean abs difference at quality 75").isLessThan(6);
        assertThat(ImageFiles.read(dir.resolve("gray.jpeg")).bands()).isEqualTo(1);
        ReferenceTools.requirePythonModules("PIL");
        String out = ReferenceTools.python("""
                import sys
                from PIL import Image
                import io, numpy as np
                for n in sys.argv[1:]:
                    im = Image.open(n)
                    print(im.format, im.mode, im.size)
                # Our JPEG loses about what Pillow's own does at its default quality.
                src = np.array(Image.open(sys.argv[1])).astype(int)
                ours = np.abs(np.array(Image.open(sys.argv[2])).astype(int) - src).mean()
                buf = io.BytesIO()
                Image.open(sys.argv[1]).save(buf, 'JPEG')
                pillow = np.abs(np.array(Image.open(buf)).astype(int) - src).mean()
                assert abs(ours - pillow) < 0.5, (ours, pillow)
                """, dir.resolve("patch.png"), dir.resolve("patch.JPG"), dir.resolve("gray.jpeg")).requireSuccess("Pillow").stdout();
        assertThat(out).isEqualTo("PNG RGB (96, 64)\nJPEG RGB (96, 64)\nJPEG L (40, 30)\n");
    }

    @Test
    void unsupportedExtensionsAndFilesAreReported() throws IOException {
        Raster r = smooth(8, 8, 3);
        assertThatThrownBy(() -> ImageFiles.write(r, dir.resolve("x.gif"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported image extension");
        assertThatThrownBy(() -> ImageFiles.write(Raster.create(PixelType.UINT16, 8, 8, 3), dir.resolve("x.jpg")))
                .isInstanceOf(IllegalArgumentException.class);
        Path text = Files.writeString(dir.resolve("x.png"), "hello");
        assertThatThrownBy(() -> ImageFiles.read(text)).isInstanceOf(FormatException.class).hasMessage(text + ": not a PNG or JPEG file");
        Path cut = dir.resolve("cut.jpg");
        ImageFiles.write(smooth(64, 64, 3), cut);
        byte[] b = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(b, 40));
        assertThatThrownBy(() -> ImageFiles.read(cut)).isInstanceOf(FormatException.class).hasMessageContaining("damaged JPEG");
    }
}

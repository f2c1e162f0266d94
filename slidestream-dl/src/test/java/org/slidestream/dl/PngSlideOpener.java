package org.slidestream.dl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.slidestream.format.ImageFiles;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;

/**
 * Opens PNG files named {@code *.slide.png} as one-level RGB slides, so that tests can give commands
 * a slide with known pixels. Other PNG files stay unsupported, as for users.
 */
public final class PngSlideOpener implements SlideOpener {
    @Override public String name() { return "png (tests)"; }

    @Override
    public int probe(Path path, byte[] h) {
        return path.getFileName().toString().endsWith(".slide.png") && h.length >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G' ? 1 : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        try {
            return new ArraySlide(path, List.of(ImageFiles.read(path)), true, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

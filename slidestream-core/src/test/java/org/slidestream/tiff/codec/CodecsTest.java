package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodecsTest {

    @Test
    void withoutNativesThePureJavaCodecsAreUsed() {
        assertThat(Codecs.jpeg(false).name()).isEqualTo("imageio");
        assertThat(Codecs.jpeg2000(false).name()).isEqualTo("jai-imageio");
    }

    @Test
    void withNativesTheInstalledLibrariesAreUsed() {
        assertThat(Codecs.jpeg(true).name()).isEqualTo(Codecs.nativeJpegAvailable() ? "libjpeg-turbo" : "imageio");
        assertThat(Codecs.jpeg2000(true).name()).isEqualTo(Codecs.nativeJpeg2000Available() ? "openjpeg" : "jai-imageio");
        // The libraries .ci/run installs must load where they are installed (and on CI).
        CodecFixtures.jpeg(CodecFixtures.TURBO);
        CodecFixtures.jpeg2000(CodecFixtures.OPENJPEG);
    }

    @Test
    void aLibraryThatDoesNotLoadMeansThePureJavaCodec() {
        assertThat(Codecs.<Object>tryLoad("missing", () -> NativeLibraries.load("libslidestream-missing.so.9", "slidestream-missing"), "java"))
                .isNull();
        assertThat(Codecs.<Object>tryLoad("broken", () -> { throw new NoClassDefFoundError("com/sun/jna/Native"); }, "java")).isNull();
        assertThat(Codecs.<Object>tryLoad("old", () -> { throw new UnsatisfiedLinkError("symbol tjDecompress2 not found"); }, "java")).isNull();
    }

    @Test
    void theSameInstanceEveryTime() {
        assertThat(Codecs.jpeg(true)).isSameAs(Codecs.jpeg(true));
        assertThat(Codecs.jpeg2000(true)).isSameAs(Codecs.jpeg2000(true));
    }
}

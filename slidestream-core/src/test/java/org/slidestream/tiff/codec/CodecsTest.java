package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class CodecsTest {

    @Test
    void withoutNativesThePureJavaCodecsAreUsed() {
        assertThat(Codecs.jpeg(false).name()).isEqualTo("imageio");
        assertThat(Codecs.jpeg2000(false).name()).isEqualTo("jai-imageio");
    }

    @Test
    void withNativesTheBundledLibrariesAreUsed() {
        assertThat(Codecs.jpeg(true).name()).isEqualTo("libjpeg-turbo");
        assertThat(Codecs.jpeg2000(true).name()).isEqualTo("openjpeg");
        assertThat(Codecs.nativeZlib(true)).isNotNull();
        if (!Codecs.PLATFORM.equals("linux-x86_64")) return; // the build bundles one platform's natives
        List<Codecs.Choice> report = Codecs.report(true);
        assertThat(report).filteredOn(c -> List.of("JPEG", "JPEG 2000", "Deflate (compression)").contains(c.compression()))
                .hasSize(3).allSatisfy(c -> {
                    assertThat(c.origin()).isEqualTo("bundled");
                    assertThat(Path.of(c.location())).isRegularFile();
                    assertThat(c.reason()).contains(".jar");
                });
        assertThat(report.getFirst().codec()).matches("libjpeg-turbo 3\\.\\d+\\.\\d+ \\(libjpeg API\\)");
    }

    @Test
    void withoutNativesTheReportSaysWhy() {
        assertThat(Codecs.report(false)).allSatisfy(c -> assertThat(c.origin()).isIn("pure Java", "bundled"))
                .filteredOn(c -> c.compression().startsWith("JPEG")).allSatisfy(c -> assertThat(c.reason()).isEqualTo("--no-natives"));
    }

    @Test
    void aBundledLibraryIsExtractedOnceAndReused() {
        NativeLibraries.Loaded a = NativeLibraries.bundled(Codecs.jlibdeflate());
        NativeLibraries.Loaded b = NativeLibraries.bundled(Codecs.jlibdeflate());
        assertThat(a.file()).isEqualTo(b.file()).startsWith(NativeLibraries.cacheFolder().toString());
        assertThat(a.origin()).isEqualTo(NativeLibraries.Origin.BUNDLED);
        assertThat(a.artifact()).startsWith("jlibdeflate-");
        assertThatThrownBy(() -> NativeLibraries.bundled("native/none/libslidestream-missing.so"))
                .isInstanceOf(UnsatisfiedLinkError.class).hasMessageContaining("no bundled");
    }

    @Test
    void aLibraryThatDoesNotLoadMeansThePureJavaCodec() {
        assertThat(Codecs.<Object>tryLoad("missing", () -> NativeLibraries.system("libslidestream-missing.so.9", "slidestream-missing"), "java"))
                .isNull();
        assertThat(Codecs.<Object>tryLoad("broken", () -> { throw new NoClassDefFoundError("com/sun/jna/Native"); }, "java")).isNull();
        assertThat(Codecs.<Object>tryLoad("old", () -> { throw new UnsatisfiedLinkError("symbol tjDecompress2 not found"); }, "java")).isNull();
    }

    @Test
    void loadingErrorsAreShortenedForTheReport() {
        String jna = "Unable to load library 'libdeflate.so.0':\n/usr/lib/libdeflate.so.0: file too short\nNative library not found in ("
                + "x".repeat(5000) + ")";
        assertThat(Codecs.brief(new UnsatisfiedLinkError(jna))).isEqualTo("Unable to load library 'libdeflate.so.0': /usr/lib/libdeflate.so.0: file too short");
        assertThat(Codecs.brief(new UnsatisfiedLinkError("y".repeat(500)))).hasSize(200).endsWith("...");
    }

    @Test
    void theSameInstanceEveryTime() {
        assertThat(Codecs.jpeg(true)).isSameAs(Codecs.jpeg(true));
        assertThat(Codecs.jpeg2000(true)).isSameAs(Codecs.jpeg2000(true));
    }
}

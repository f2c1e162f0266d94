package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * A fresh machine without the system codecs: a JVM started in a private mount namespace where
 * libturbojpeg, libjpeg, libopenjp2 and libdeflate are replaced by empty files loads the bundled
 * codecs, and decodes the shared SVS slides (JPEG and JPEG 2000) exactly as a JVM using the system
 * libraries does. Needs root and {@code unshare} (util-linux), as on CI.
 */
class BundledCodecsTest {
    private static final Path LIBS = Path.of("/usr/lib/x86_64-linux-gnu");
    private static final List<String> SYSTEM_CODECS = List.of("libturbojpeg.so.0", "libjpeg.so.62", "libopenjp2.so.7", "libdeflate.so.0");

    @TempDir Path dir;

    @Test
    void bundledCodecsLoadWithoutSystemLibrariesAndDecodeAsTheSystemOnes() throws Exception {
        Path cmu = SharedData.slide("cmu-1-small-region.svs"), tcga = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        requireNamespaces();
        List<String> present = SYSTEM_CODECS.stream().filter(n -> Files.exists(LIBS.resolve(n))).toList();

        // The hiding works: without the bundled copies, that JVM finds no native codec at all.
        Map<String, String> hiddenSystem = origins(run(hidden(present, List.of("-Dslidestream.natives.bundled=false", "--report-only"))));
        assertThat(hiddenSystem).containsEntry("JPEG", "pure Java").containsEntry("JPEG 2000", "pure Java")
                .containsEntry("Deflate (compression)", "pure Java");

        Path bundled = Files.createDirectories(dir.resolve("bundled")), system = Files.createDirectories(dir.resolve("system"));
        String bundledRun = run(hidden(present, List.of("--dump", bundled.toString(), cmu.toString(), tcga.toString())));
        assertThat(origins(bundledRun)).containsEntry("JPEG", "bundled").containsEntry("JPEG 2000", "bundled")
                .containsEntry("Deflate (compression)", "bundled");

        Assumptions.assumeTrue(present.containsAll(List.of("libjpeg.so.62", "libopenjp2.so.7", "libdeflate.so.0")),
                "the system codecs are not all installed: no system decode to compare with");
        String systemRun = run(java(List.of("-Dslidestream.natives.bundled=false", "--dump", system.toString(), cmu.toString(), tcga.toString())));
        assertThat(origins(systemRun)).containsEntry("JPEG", "system").containsEntry("JPEG 2000", "system")
                .containsEntry("Deflate (compression)", "system");
        Map<String, String> b = digests(bundledRun), s = digests(systemRun);
        assertThat(b).hasSize(4).containsEntry("deflate-round-trip", "identical");
        // JPEG (libjpeg-turbo 3.0 bundled, 2.1 on Debian 12): the same pixels, decoded and encoded.
        for (String key : List.of("cmu-1-small-region.svs", "jpeg-encode", "deflate-round-trip")) {
            assertThat(b.get(key)).as(key).isEqualTo(s.get(key));
        }
        // JPEG 2000 (OpenJPEG 2.5.4 bundled, 2.5.0 on Debian 12): a few samples one level apart.
        byte[] x = Files.readAllBytes(bundled.resolve(tcga.getFileName() + ".rgb"));
        byte[] y = Files.readAllBytes(system.resolve(tcga.getFileName() + ".rgb"));
        assertThat(x).hasSameSizeAs(y);
        long differing = 0;
        int max = 0;
        for (int i = 0; i < x.length; i++) {
            int d = Math.abs((x[i] & 0xFF) - (y[i] & 0xFF));
            if (d != 0) differing++;
            max = Math.max(max, d);
        }
        assertThat(max).as("largest difference of a JPEG 2000 sample").isLessThanOrEqualTo(1);
        assertThat((double) differing / x.length).as("share of JPEG 2000 samples that differ").isLessThan(1e-4);
    }

    private static void requireNamespaces() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean unshare = Files.isExecutable(Path.of("/usr/bin/unshare"));
        if (root && unshare && Files.isDirectory(LIBS)) return;
        String why = "hiding the system codecs needs root, /usr/bin/unshare and " + LIBS;
        if (SharedData.onCi()) throw new AssertionError(why + " (CI runs as root)");
        Assumptions.abort(why);
    }

    /** The java command for {@link BundledCodecsCheck}; JVM options first in {@code args}, then its arguments. */
    private static List<String> java(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        args.stream().filter(a -> a.startsWith("-D")).forEach(cmd::add);
        cmd.add(BundledCodecsCheck.class.getName());
        args.stream().filter(a -> !a.startsWith("-D")).forEach(cmd::add);
        return cmd;
    }

    /** The same, in a private mount namespace where each of {@code libs} is bound to /dev/null. */
    private List<String> hidden(List<String> libs, List<String> args) {
        StringBuilder script = new StringBuilder("set -e; ");
        for (String lib : libs) script.append("mount --bind /dev/null \"$(readlink -f ").append(LIBS.resolve(lib)).append(")\"; ");
        script.append("exec \"$@\"");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/unshare", "-m", "--propagation", "private", "sh", "-c", script.toString(), "sh"));
        cmd.addAll(java(args));
        return cmd;
    }

    private String run(List<String> command) throws java.io.IOException {
        // A separate cache folder: the bundled libraries are extracted afresh, as on a new machine.
        List<String> cmd = new ArrayList<>(List.of("env", "SLIDESTREAM_NATIVES_DIR=" + dir.resolve("natives")));
        cmd.addAll(command);
        return ReferenceTools.run(cmd, 300).requireSuccess("codec check").stdout();
    }

    private static Map<String, String> origins(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        out.lines().filter(l -> l.startsWith("codec\t")).map(l -> l.split("\t")).forEach(p -> m.put(p[1], p[2]));
        return m;
    }

    private static Map<String, String> digests(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        out.lines().filter(l -> l.startsWith("digest\t")).map(l -> l.split("\t")).forEach(p -> m.put(p[1], p[2]));
        return m;
    }
}

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Prints, after a module's tests, how many tests ran and why any were skipped (a reference tool or
 * the shared test data missing), one line per reason; run by the build in the {@code verify} phase
 * as {@code java bin/TestSummary.java REPORTS MODULE BUILD_START}. Under {@code CI=true} a skipped
 * test fails the build: CI installs every reference tool, so a skip there hides a test that did not
 * run. Only reports written by this build count (an earlier run's reports may lie beside them).
 */
public final class TestSummary {
    public static void main(String[] args) throws Exception {
        Path reports = Path.of(args[0]);
        String module = args[1];
        Instant buildStart = parseStart(args.length > 2 ? args[2] : "");
        if (!Files.isDirectory(reports)) return;
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(reports)) {
            s.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).filter(f -> writtenSince(f, buildStart)).forEach(files::add);
        }
        if (files.isEmpty()) return;
        int tests = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        var builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        for (Path f : files) {
            NodeList cases = builder.parse(f.toFile()).getElementsByTagName("testcase");
            tests += cases.getLength();
            for (int i = 0; i < cases.getLength(); i++) {
                NodeList skipped = ((Element) cases.item(i)).getElementsByTagName("skipped");
                if (skipped.getLength() == 0) continue;
                String message = ((Element) skipped.item(0)).getAttribute("message").strip();
                reasons.merge(message.isEmpty() ? "disabled" : message.lines().findFirst().orElse(""), 1, Integer::sum);
            }
        }
        int skippedCount = reasons.values().stream().mapToInt(Integer::intValue).sum();
        if (skippedCount == 0) {
            System.out.printf("[%s] %d tests, none skipped%n", module, tests);
            return;
        }
        System.out.printf("[%s] %d tests, %d skipped:%n", module, tests, skippedCount);
        reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %4d x %s%n", e.getValue(), e.getKey()));
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            System.out.printf("[%s] CI=true: no test may skip (CI installs every reference tool and has the shared data)%n", module);
            System.exit(1);
        }
    }

    private static Instant parseStart(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private static boolean writtenSince(Path f, Instant start) {
        try {
            // the build's start is rounded down to the second by Maven's timestamp format
            return !Files.getLastModifiedTime(f).toInstant().isBefore(start);
        } catch (IOException e) {
            return false;
        }
    }
}

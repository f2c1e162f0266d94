package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slidestream.format.csv.Csv;
import org.slidestream.testing.SharedData;
import org.slidestream.view.TestContent;
import org.slidestream.view.ViewServer;
import org.slidestream.view.content.ViewContent;

/**
 * The viewer in a real browser (headless Chromium): a {@code patch} run over the shared slides is
 * opened as its cohort page and one of its slides as a deep-zoom view. Screenshots go beside the test
 * reports ({@code target/surefire-reports/ViewBrowserTest-screenshots}).
 */
class ViewBrowserTest {
    static final String SLIDE = "cmu-1-small-region";
    @TempDir static Path tmp;
    static Path out;
    static List<String> statusColumns;
    static List<Map<String, String>> status;
    static ViewContent content;
    static ViewServer server;
    static Browser browser;
    static Path shots;
    /** Every request the server answered, as "STATUS PATH?QUERY". */
    static final ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        Path slides = SharedData.require().resolve("slides");
        browser = Browser.start();
        shots = Browser.reportDir(ViewBrowserTest.class);
        out = tmp.resolve("patches");
        Cli patch = Cli.run("patch", slides.toString(), "-o", out.toString(), "--a-t", "1", "--max-memory", "256m");
        assertThat(patch.exitCode()).as(patch.toString()).isEqualTo(1); // broken.svs and the int8 OME-TIFF fail
        readStatus(out.resolve("status.csv"));
        content = TestContent.of(List.of(out, slides));
        server = ViewServer.start(content, "127.0.0.1", 0,
                (request, response) -> answered.add(response.getStatus() + " " + request.getHttpURI().getPathQuery()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
        if (server != null) server.close();
        if (content != null) content.close();
    }

    static void readStatus(Path csv) throws IOException {
        List<List<String>> cells;
        try (Reader r = Files.newBufferedReader(csv)) {
            cells = Csv.read(r);
        }
        statusColumns = cells.get(0);
        status = new ArrayList<>();
        for (List<String> line : cells.subList(1, cells.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < statusColumns.size(); i++) row.put(statusColumns.get(i), line.get(i));
            status.add(row);
        }
    }

    static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver(), Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    @SuppressWarnings("unchecked")
    static List<List<String>> tableCells(String selector) {
        return (List<List<String>>) browser.js("return [...document.querySelectorAll(arguments[0])]"
                + ".map(tr => [...tr.cells].map(td => td.textContent));", selector);
    }

    @Test
    void cohortPageShowsTheRowsOfStatusCsvFailedFirst() throws Exception {
        browser.open(server.uri() + "cohort/patches");
        waitUpTo(30).until(d -> d.findElements(By.cssSelector("#table tbody tr")).size() == status.size());
        browser.screenshot(shots.resolve("cohort.png"));

        List<String> header = tableCells("#table thead tr").get(0);
        List<String> expectedHeader = new ArrayList<>(statusColumns);
        expectedHeader.add(4, "tissue_mm2");
        assertThat(header).isEqualTo(expectedHeader);

        List<List<String>> rows = tableCells("#table tbody tr");
        List<Map<String, String>> failedFirst = new ArrayList<>(status.stream().filter(r -> r.get("status").equals("failed")).toList());
        failedFirst.addAll(status.stream().filter(r -> !r.get("status").equals("failed")).toList());
        assertThat(failedFirst.get(0).get("status")).isEqualTo("failed");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> expected = failedFirst.get(i);
            for (String column : statusColumns) {
                assertThat(rows.get(i).get(header.indexOf(column))).as("row %d, %s", i, column).isEqualTo(expected.get(column));
            }
        }
        // each row links to its slide; the tissue area is filled for slides with contours
        assertThat(browser.driver().findElement(By.linkText(SLIDE)).getAttribute("href")).endsWith("/slide/" + SLIDE);
        int area = header.indexOf("tissue_mm2");
        Map<String, String> areaBySlide = new LinkedHashMap<>();
        for (List<String> r : rows) areaBySlide.put(r.get(0), r.get(area));
        assertThat(Double.parseDouble(areaBySlide.get(SLIDE))).isBetween(0.1, 2220 * 2967 * 0.499 * 0.499 / 1e6);
        assertThat(areaBySlide.get("broken")).isEmpty();

        // sorting by patches (numbers, ascending then descending) and filtering by text
        browser.driver().findElement(By.cssSelector("th[data-col=patches]")).click();
        List<Integer> ascending = tableCells("#table tbody tr").stream().map(r -> Integer.parseInt(r.get(header.indexOf("patches")))).toList();
        assertThat(ascending).isSorted().hasSize(status.size());
        browser.driver().findElement(By.cssSelector("th[data-col=patches]")).click();
        assertThat(tableCells("#table tbody tr").get(0).get(0)).isEqualTo("tcga-cr-7395-01a-01-ts1");
        browser.driver().findElement(By.id("filter")).sendKeys("tcga");
        assertThat(tableCells("#table tbody tr")).hasSize(1);

        // the summary charts are drawn (SVG images that loaded)
        @SuppressWarnings("unchecked")
        List<Object> charts = (List<Object>) browser.js("return [...document.querySelectorAll('#charts img')].map(i => i.complete && i.naturalWidth > 0);");
        assertThat(charts).hasSize(3).containsOnly(true);
    }

    @Test
    void slidePageDrawsTilesAndThePatchLayerChangesThePixels() throws Exception {
        answered.clear();
        browser.open(server.uri() + "slide/" + SLIDE);
        // a screenshot taken as the page loads may show the viewer black: its tiles are still on their way
        browser.screenshot(shots.resolve("slide-at-load.png"));
        int[] rect = waitUntilDrawn();
        BufferedImage slide = image(browser.screenshot(shots.resolve("slide.png")));
        assertThat(nonBlackFraction(slide, rect)).as("pixels of the slide drawn in the viewer").isGreaterThan(0.98);
        assertThat(lumaStdDev(slide, rect)).as("the slide's detail, not one colour").isGreaterThan(15);
        List<String> tiles = answered.stream().filter(a -> a.contains(" /tile/")).toList();
        assertThat(tiles).isNotEmpty().allMatch(a -> a.startsWith("200 "));
        assertThat(answered).allMatch(a -> a.startsWith("200 "), "every request answered 200");
        assertThat(browser.js("return window.slidestreamFailedTiles();")).isEqualTo(0L);

        browser.driver().findElement(By.cssSelector("#layer-patches input.toggle")).click();
        waitUntilDrawn();
        BufferedImage patches = image(browser.screenshot(shots.resolve("slide-patches.png")));
        assertThat(changedFraction(slide, patches, rect)).as("pixels changed by the patch layer").isGreaterThan(0.1);
        assertThat(answered.stream().filter(a -> a.contains("/patches/"))).isNotEmpty().allMatch(a -> a.startsWith("200 "));

        browser.driver().findElement(By.cssSelector("#layer-patches input.toggle")).click();
        waitUntilDrawn();
        BufferedImage again = image(browser.screenshot(shots.resolve("slide-patches-off.png")));
        assertThat(changedFraction(slide, again, rect)).as("the patch layer hidden again").isLessThan(0.01);
    }

    @Test
    void aLinkReopensTheSameView() {
        browser.open(server.uri() + "slide/" + SLIDE + "#x=700&y=1200&w=500&layers=image,patches");
        waitUntilDrawn();
        @SuppressWarnings("unchecked")
        List<Number> view = (List<Number>) browser.js("const v = window.slidestreamViewer, item = v.world.getItemAt(0);"
                + "const b = item.viewportToImageRectangle(v.viewport.getBounds(true));"
                + "return [b.x + b.width / 2, b.y + b.height / 2, b.width];");
        assertThat(view.get(0).doubleValue()).isCloseTo(700, org.assertj.core.data.Offset.offset(5.0));
        assertThat(view.get(1).doubleValue()).isCloseTo(1200, org.assertj.core.data.Offset.offset(5.0));
        assertThat(view.get(2).doubleValue()).isCloseTo(500, org.assertj.core.data.Offset.offset(5.0));
        assertThat(browser.driver().findElement(By.cssSelector("#layer-patches input.toggle")).isSelected()).isTrue();
        assertThat(browser.driver().findElement(By.cssSelector("#layer-tissue input.toggle")).isSelected()).isFalse();
        assertThat(browser.driver().findElement(By.id("link")).getAttribute("href")).contains("layers=image,patches");
    }

    @Test
    void theExportedReportOpensWithTheNetworkOff() throws Exception {
        Path report = tmp.resolve("report.html");
        Cli export = Cli.run("view", out.toString(), SharedData.require().resolve("slides").toString(), "--export", report.toString(),
                "--max-memory", "256m");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(export.out()).contains("report of 5 slides and 1 run");
        String html = Files.readString(report);
        // nothing in the page names another resource: images are data: URIs, style and script are inline
        assertThat(html).doesNotContainPattern("(?i)<(script|img|link|iframe)[^>]*\\s(src|href)=\"(?!data:|#)")
                .contains("Content-Security-Policy");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).as("addresses other than the charts' SVG namespace")
                .doesNotContain("http://", "https://");

        browser.offline(true);
        try {
            browser.open(report.toUri().toString());
            waitUpTo(30).until(d -> Boolean.TRUE.equals(browser.js("return document.readyState === 'complete';")));
            browser.screenshot(shots.resolve("report.png"));
            // the run's table: the rows of status.csv, failed first
            List<List<String>> rows = tableCells("table.cohort-table tbody tr");
            List<String> header = tableCells("table.cohort-table thead tr").get(0);
            assertThat(rows).hasSize(status.size());
            List<Map<String, String>> failedFirst = new ArrayList<>(status.stream().filter(r -> r.get("status").equals("failed")).toList());
            failedFirst.addAll(status.stream().filter(r -> !r.get("status").equals("failed")).toList());
            for (int i = 0; i < rows.size(); i++) {
                for (String column : statusColumns) {
                    assertThat(rows.get(i).get(header.indexOf(column))).as("row %d, %s", i, column).isEqualTo(failedFirst.get(i).get(column));
                }
            }
            // sorting and filtering work without a server
            browser.driver().findElement(By.xpath("//table[contains(@class,'cohort-table')]//th[text()='patches']")).click();
            browser.driver().findElement(By.xpath("//table[contains(@class,'cohort-table')]//th[text()='patches']")).click();
            assertThat(tableCells("table.cohort-table tbody tr").get(0).get(0)).isEqualTo("tcga-cr-7395-01a-01-ts1");
            browser.driver().findElement(By.cssSelector("input.filter")).sendKeys("cmu");
            assertThat(tableCells("table.cohort-table tbody tr")).hasSize(1);

            // every image decoded from the page itself, and no request made for anything
            @SuppressWarnings("unchecked")
            List<List<Object>> images = (List<List<Object>>) browser.js("return [...document.images].map(i => "
                    + "[i.src.slice(0, 5), i.complete && i.naturalWidth > 0, i.alt]);");
            assertThat(images).hasSizeGreaterThanOrEqualTo(3 + 3).allSatisfy(i -> {
                assertThat(i.get(0)).as(String.valueOf(i.get(2))).isEqualTo("data:");
                assertThat(i.get(1)).as(String.valueOf(i.get(2))).isEqualTo(true);
            });
            assertThat(browser.js("return performance.getEntriesByType('resource').map(e => e.name);")).asList().isEmpty();
            // charts drawn inline, one section per slide, the overview of a slide with its overlays drawn
            assertThat(browser.js("return document.querySelectorAll('section.cohort svg').length;")).isEqualTo(3L);
            assertThat(browser.js("return document.querySelectorAll('section.slide').length;")).isEqualTo(5L);
            Object drawn = browser.js("const img = [...document.images].find(i => i.alt.startsWith(arguments[0] + ' with'));"
                    + "const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
                    + "const g = c.getContext('2d'); g.drawImage(img, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data;"
                    + "let tissue = 0, green = 0; for (let i = 0; i < d.length; i += 4) { if (d[i] + d[i + 1] + d[i + 2] < 600) tissue++;"
                    + " if (d[i + 1] > d[i] + 30 && d[i + 1] > d[i + 2] + 30) green++; }"
                    + "return [c.width, c.height, tissue / (d.length / 4), green / (d.length / 4)];", SLIDE);
            @SuppressWarnings("unchecked")
            List<Number> overview = (List<Number>) drawn;
            assertThat(overview.get(0).intValue()).isLessThanOrEqualTo(800);
            assertThat(overview.get(1).intValue()).isBetween(400, 800);
            assertThat(overview.get(2).doubleValue()).as("tissue in the overview").isGreaterThan(0.1);
            assertThat(overview.get(3).doubleValue()).as("the tissue contours' green").isGreaterThan(0.005);
            assertThat(browser.driver().findElement(By.xpath("//section[h3='broken']//div[@class='status failed']")).getText())
                    .startsWith("failed: broken.svs: not a supported slide format");
        } finally {
            browser.offline(false);
        }
    }

    /**
     * Waits until every layer asked for is in the viewer, its tiles loaded and drawn, and two frames
     * have been painted since; returns the viewer's area covered by the slide (left, top, right,
     * bottom in screenshot pixels), less a margin, away from the navigator.
     */
    static int[] waitUntilDrawn() {
        waitUpTo(60).until(d -> Boolean.TRUE.equals(browser.js("return !!window.slidestreamIdle && window.slidestreamIdle();")));
        browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) browser.js("const v = window.slidestreamViewer, b = v.world.getItemAt(0).getBounds(true);"
                + "const tl = v.viewport.viewportToViewerElementCoordinates(b.getTopLeft());"
                + "const br = v.viewport.viewportToViewerElementCoordinates(b.getBottomRight());"
                + "const e = v.element.getBoundingClientRect();"
                + "return [Math.max(e.left, e.left + tl.x), Math.max(e.top, e.top + tl.y), Math.min(e.right, e.left + br.x), Math.min(e.bottom, e.top + br.y)];");
        int l = r.get(0).intValue(), t = r.get(1).intValue(), rr = r.get(2).intValue(), b = r.get(3).intValue();
        int mx = (rr - l) / 10, my = (b - t) / 10;
        return new int[] {l + mx, t + my, rr - mx, b - my};
    }

    static BufferedImage image(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    static double nonBlackFraction(BufferedImage img, int[] r) {
        long n = 0, lit = 0;
        for (int y = r[1]; y < r[3]; y++) {
            for (int x = r[0]; x < r[2]; x++, n++) {
                int p = img.getRGB(x, y);
                if (((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF) > 30) lit++;
            }
        }
        return (double) lit / n;
    }

    static double lumaStdDev(BufferedImage img, int[] r) {
        double sum = 0, sq = 0;
        long n = 0;
        for (int y = r[1]; y < r[3]; y++) {
            for (int x = r[0]; x < r[2]; x++, n++) {
                int p = img.getRGB(x, y);
                double l = 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
                sum += l;
                sq += l * l;
            }
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, sq / n - mean * mean));
    }

    static double changedFraction(BufferedImage a, BufferedImage b, int[] r) {
        long n = 0, changed = 0;
        for (int y = r[1]; y < r[3]; y++) {
            for (int x = r[0]; x < r[2]; x++, n++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                int d = Math.max(Math.abs(((p >> 16) & 0xFF) - ((q >> 16) & 0xFF)),
                        Math.max(Math.abs(((p >> 8) & 0xFF) - ((q >> 8) & 0xFF)), Math.abs((p & 0xFF) - (q & 0xFF))));
                if (d > 24) changed++;
            }
        }
        return (double) changed / n;
    }
}

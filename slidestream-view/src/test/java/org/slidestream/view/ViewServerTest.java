package org.slidestream.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slidestream.testing.SharedData;
import org.slidestream.view.content.ViewContent;

/** The server over the shared slides: tiles, and the answers to bad and hostile requests. */
class ViewServerTest {
    private static ViewContent content;
    private static ViewServer server;

    @BeforeAll
    static void start() throws Exception {
        content = TestContent.of(List.of(SharedData.require().resolve("slides")));
        server = ViewServer.start(content, "127.0.0.1", 0, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (content != null) content.close();
    }

    /** A raw request, so that the path reaches the server exactly as written (no client normalizes it). */
    static Answer get(String rawTarget) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            int status = Integer.parseInt(text.substring(9, 12));
            byte[] body = java.util.Arrays.copyOfRange(all, headEnd + 4, all.length);
            return new Answer(status, text.substring(0, headEnd), body);
        }
    }

    record Answer(int status, String head, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    @Test
    void servesTilesOfTheRightSize() throws Exception {
        Answer a = get("/tile/cmu-1-small-region/image/12/0_0.jpeg");
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        assertThat(a.head()).contains("image/jpeg");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(a.body()));
        assertThat(img.getWidth()).isEqualTo(255); // 254 + overlap on the right
        assertThat(img.getHeight()).isEqualTo(255);
        Answer last = get("/tile/cmu-1-small-region/image/12/8_11.jpeg"); // 2220 x 2967: 9 x 12 tiles
        assertThat(last.status()).isEqualTo(200);
        BufferedImage l = ImageIO.read(new ByteArrayInputStream(last.body()));
        assertThat(l.getWidth()).isEqualTo(2220 - 8 * 254 + 1);
        assertThat(l.getHeight()).isEqualTo(2967 - 11 * 254 + 1);
        Answer top = get("/tile/cmu-1-small-region/image/0/0_0.jpeg");
        assertThat(top.status()).isEqualTo(200);
        assertThat(ImageIO.read(new ByteArrayInputStream(top.body())).getWidth()).isEqualTo(1);
    }

    @Test
    void pagesAndJson() throws Exception {
        assertThat(get("/").status()).isEqualTo(200);
        assertThat(get("/api/catalog").text()).contains("cmu-1-small-region");
        Answer info = get("/api/slide/cmu-1-small-region");
        assertThat(info.text()).contains("\"width\":2220", "\"maxLevel\":12");
        assertThat(get("/slide/cmu-1-small-region").text()).contains("openseadragon.min.js");
        assertThat(get("/static/osd/openseadragon.min.js").status()).isEqualTo(200);
        assertThat(get("/dzi/cmu-1-small-region.dzi").text()).contains("TileSize=\"254\"", "Width=\"2220\"");
    }

    /** Unknown things, addresses outside the pyramid, malformed and hostile targets: each a 404 of one line. */
    static final List<String> BAD = List.of(
            "/tile/no-such-slide/image/12/0_0.jpeg",            // unknown slide
            "/tile/cmu-1-small-region/image/13/0_0.jpeg",       // level above the pyramid
            "/tile/cmu-1-small-region/image/12/9_0.jpeg",       // column outside the level
            "/tile/cmu-1-small-region/image/12/0_12.jpeg",      // row outside the level
            "/tile/cmu-1-small-region/image/12/-1_0.jpeg",
            "/tile/cmu-1-small-region/image/12/1e3_0.jpeg",
            "/tile/cmu-1-small-region/image/+12/0_0.jpeg",
            "/tile/cmu-1-small-region/image/12/99999999999999999999_0.jpeg", // huge numbers
            "/tile/cmu-1-small-region/image/12/0_99999999999999999999999999999999.jpeg",
            "/tile/cmu-1-small-region/image/4294967296/0_0.jpeg",
            "/tile/cmu-1-small-region/image/-1/0_0.jpeg",
            "/tile/cmu-1-small-region/image/12/0_0.png",         // wrong format
            "/tile/cmu-1-small-region/image/12/0_0",
            "/tile/cmu-1-small-region/image/12/0_0.jpeg/more",
            "/tile/cmu-1-small-region/image/12/0_0.jpeg%00",
            "/tile/cmu-1-small-region/nolayer/12/0_0.jpeg",
            "/tile/cmu-1-small-region/image/12/0_0.jpeg?evil=1", // unknown option
            "/tile/cmu-1-small-region/image/12/0_0.jpeg?by=%zz", // malformed escape in the query
            "/tile/cmu-1-small-region/image/12/0_0.jpeg?a=%00",
            "/static/../../../../etc/passwd",                    // traversal, plain and encoded
            "/static/..%2F..%2F..%2Fetc%2Fpasswd",
            "/static/%2e%2e/%2e%2e/etc/passwd",
            "/static/%252e%252e/%252e%252e/etc/passwd",          // encoded twice
            "/static/..%5c..%5c..%5cetc%5cpasswd",               // backslashes
            "/static/..\\..\\etc\\passwd",
            "/static/osd/images/../../../../pom.xml",
            "/static/style.css/../../pom.xml",
            "/static/%c0%ae%c0%ae/etc/passwd",                   // overlong UTF-8
            "/static/osd/%00openseadragon.min.js",               // NUL
            "/static/",
            "/static/ViewHandler.class",
            "/static/../http/ViewHandler.class",
            "/figure/cmu-1-small-region/..%2F..%2Fetc%2Fpasswd",
            "/figure/cmu-1-small-region/0",                       // a slide with no figures
            "/figure/cmu-1-small-region/999999",
            "/slide/..%2Fcmu-1-small-region",
            "/slide/cmu-1-small-region%2F..%2F..",
            "/slide/cmu-1-small-region/extra",
            "/dzi/../../etc/passwd.dzi",
            "/dzi/cmu-1-small-region_files/12/0_0.jpeg/..",
            "/api/slide/..",
            "/api/slide/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/api/cohort/none",
            "/..",
            "/%2e%2e/%2e%2e/",
            "/%ff%fe",                                            // not UTF-8
            "//etc/passwd",
            "/cohort/none",
            "/" + "a/".repeat(1500),                              // longer than an address may be
            "/" + "a".repeat(20_000));                           // longer than Jetty reads

    @Test
    void badRequestsAre404sOfOneLineWithoutStackTraces() throws Exception {
        List<String> wrong = new java.util.ArrayList<>();
        for (String target : BAD) {
            Answer a = get(target);
            String shown = target.length() > 80 ? target.substring(0, 80) + "..." : target;
            if (a.status() != 404) wrong.add(shown + " -> " + a.status() + " " + a.text());
            assertThat(a.head()).as(shown).contains("Content-Type: text/plain");
            assertThat(a.text().strip()).as(shown).startsWith("not found: ").doesNotContain("\n", "Exception", "\tat ", "root:", "<");
        }
        assertThat(wrong).as("answers that are not 404").isEmpty();
        // the plain ones name the problem
        assertThat(get("/tile/no-such-slide/image/12/0_0.jpeg").text().strip()).isEqualTo("not found: no slide 'no-such-slide'");
        assertThat(get("/tile/cmu-1-small-region/image/12/9_0.jpeg").text()).contains("no tile 9_0 at level 12 (9 x 12 tiles)");
        assertThat(get("/tile/broken/image/0/0_0.jpeg").text()).contains("broken.svs");
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("DELETE /slide/cmu-1-small-region HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 405").doesNotContain("<html");
        }
    }

    @Test
    void bindsTheLoopbackByDefault() {
        assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
    }
}

package org.slidestream.view.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.pipeline.Failures;
import org.slidestream.view.content.NotServedException;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.session.SlideViews;

/**
 * Routes requests to pages, JSON, tiles and figures. Every address names things by id (a slide, a
 * cohort, a layer, a figure's number), never by file path, and is decoded strictly
 * ({@link RequestPath}); anything that does not name something served is a plain-text 404 of one
 * line, never a stack trace.
 */
public final class ViewHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ViewHandler.class);
    private static final String WEB = "org/slidestream/view/web/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ViewContent content;

    public ViewHandler(ViewContent content) {
        this.content = content;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            text(response, callback, 405, "method not allowed: " + method);
            return true;
        }
        try {
            List<String> seg = RequestPath.segments(request.getHttpURI().getPath());
            Map<String, String> query = RequestPath.query(request.getHttpURI().getQuery());
            if (seg == null || query == null) throw new NotServedException("not a valid address");
            route(seg, query, response, callback);
        } catch (NotServedException e) {
            text(response, callback, 404, "not found: " + e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.debug("{}: {}", request.getHttpURI(), e.toString(), e);
            text(response, callback, 500, "error: " + Failures.oneLine(e));
        }
        return true;
    }

    private void route(List<String> s, Map<String, String> q, Response response, Callback callback) throws NotServedException, IOException {
        int n = s.size();
        String first = n == 0 ? "" : s.get(0);
        switch (first) {
            case "" -> resource(response, callback, "index.html");
            case "cohort" -> {
                if (n != 2 || content.cohort(s.get(1)) == null) throw new NotServedException("no cohort " + (n > 1 ? "'" + s.get(1) + "'" : ""));
                resource(response, callback, "cohort.html");
            }
            case "slide" -> {
                if (n != 2 || !content.hasSlide(s.get(1))) throw new NotServedException("no slide " + (n > 1 ? "'" + s.get(1) + "'" : ""));
                resource(response, callback, "slide.html");
            }
            case "static" -> {
                if (n < 2 || n > 4) throw new NotServedException("no such file");
                resource(response, callback, String.join("/", s.subList(1, n)));
            }
            case "api" -> api(s, response, callback);
            case "tile" -> {
                if (n != 5) throw new NotServedException("a tile is /tile/SLIDE/LAYER/LEVEL/COL_ROW.jpeg");
                tile(s.get(1), s.get(2), s.get(3), s.get(4), q, response, callback);
            }
            case "dzi" -> dzi(s, q, response, callback);
            case "figure" -> {
                if (n != 3) throw new NotServedException("no such figure");
                Path f = content.figure(s.get(1), number(s.get(2), 6, "figure"));
                bytes(response, callback, 200, contentType(f.getFileName().toString()), Files.readAllBytes(f), false);
            }
            default -> throw new NotServedException("no page '" + first + "'");
        }
    }

    private void api(List<String> s, Response response, Callback callback) throws NotServedException, IOException {
        int n = s.size();
        if (n == 2 && s.get(1).equals("catalog")) {
            json(response, callback, content.catalogJson());
        } else if (n == 3 && s.get(1).equals("cohort")) {
            json(response, callback, content.cohortJson(s.get(2)));
        } else if (n == 5 && s.get(1).equals("cohort") && s.get(3).equals("chart") && s.get(4).endsWith(".svg")) {
            String chart = content.chart(s.get(2), s.get(4).substring(0, s.get(4).length() - 4));
            bytes(response, callback, 200, "image/svg+xml; charset=utf-8", chart.getBytes(StandardCharsets.UTF_8), false);
        } else if (n == 3 && s.get(1).equals("slide")) {
            json(response, callback, content.slideJson(s.get(2)));
        } else {
            throw new NotServedException("no such API address");
        }
    }

    /** Deep Zoom Image descriptor and tiles of the slide layer, for any Deep Zoom client: /dzi/ID.dzi, /dzi/ID_files/L/C_R.jpeg. */
    private void dzi(List<String> s, Map<String, String> q, Response response, Callback callback) throws NotServedException, IOException {
        if (s.size() == 2 && s.get(1).endsWith(".dzi")) {
            String xml = content.dziXml(s.get(1).substring(0, s.get(1).length() - 4));
            bytes(response, callback, 200, "application/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8), false);
        } else if (s.size() == 4 && s.get(1).endsWith("_files")) {
            tile(s.get(1).substring(0, s.get(1).length() - 6), "image", s.get(2), s.get(3), q, response, callback);
        } else {
            throw new NotServedException("no such Deep Zoom address");
        }
    }

    private void tile(String slide, String layer, String levelText, String address, Map<String, String> q,
                      Response response, Callback callback) throws NotServedException {
        int level = number(levelText, 3, "level");
        int dot = address.lastIndexOf('.'), us = address.indexOf('_');
        if (dot < 0 || us < 0 || us > dot) throw new NotServedException("a tile address is COL_ROW.jpeg or COL_ROW.png");
        long col = number(address.substring(0, us), 9, "column"), row = number(address.substring(us + 1, dot), 9, "row");
        String ext = address.substring(dot + 1).toLowerCase(Locale.ROOT);
        ViewContent.Tile t = content.tile(slide, layer, level, col, row, ext, new TreeMap<>(q));
        bytes(response, callback, 200, t.contentType(), t.bytes(), true);
    }

    private static int number(String text, int maxDigits, String what) throws NotServedException {
        if (text.isEmpty() || text.length() > maxDigits || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NotServedException("bad " + what + " '" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'");
        }
        return Integer.parseInt(text);
    }

    private void resource(Response response, Callback callback, String name) throws NotServedException, IOException {
        for (String part : name.split("/")) {
            if (!part.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,80}")) throw new NotServedException("no such file");
        }
        try (InputStream in = ViewHandler.class.getClassLoader().getResourceAsStream(WEB + name)) {
            if (in == null) throw new NotServedException("no such file '" + name + "'");
            bytes(response, callback, 200, contentType(name), in.readAllBytes(), name.startsWith("osd/"));
        }
    }

    static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".html")) return "text/html; charset=utf-8";
        if (n.endsWith(".js")) return "text/javascript; charset=utf-8";
        if (n.endsWith(".css")) return "text/css; charset=utf-8";
        if (n.endsWith(".png")) return "image/png";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        if (n.endsWith(".svg")) return "image/svg+xml";
        if (n.endsWith(".json")) return "application/json";
        return "text/plain; charset=utf-8";
    }

    private static void json(Response response, Callback callback, Object node) throws IOException {
        bytes(response, callback, 200, "application/json", JSON.writeValueAsBytes(node), false);
    }

    static void text(Response response, Callback callback, int status, String message) {
        bytes(response, callback, status, "text/plain; charset=utf-8", (message.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    private static void bytes(Response response, Callback callback, int status, String type, byte[] body, boolean immutable) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, immutable && status == 200 ? "max-age=3600" : "no-cache");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}

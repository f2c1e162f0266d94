package org.slidestream.view;

import java.net.InetSocketAddress;
import java.net.URI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.http.ErrorAnswers;
import org.slidestream.view.http.ViewHandler;

/**
 * The viewer's web server (Jetty): pages, JSON and tiles of a {@link ViewContent} on one address.
 * Binds to the loopback address unless told otherwise. Closing it stops the server; the content
 * is closed by its owner.
 */
public final class ViewServer implements AutoCloseable {
    /** Threads serving requests: enough for a browser's parallel tile requests and a few clients. */
    static final int MAX_THREADS = 32;

    private final Server server;
    private final ServerConnector connector;

    private ViewServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts serving.
     *
     * @param bind       the address to listen on ({@code 127.0.0.1} by default)
     * @param port       the port, 0 for any free one
     * @param requestLog called after every request (tests check the answers), or null
     * @throws Exception when the address cannot be bound (the port in use, an unknown host)
     */
    public static ViewServer start(ViewContent content, String bind, int port, RequestLog requestLog) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 4);
        pool.setName("view");
        pool.setDaemon(true);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // every path Jetty can read reaches the handler, which decodes it strictly and answers 404 to
        // anything that is not one of its addresses (Jetty would answer 400 to some, such as encoded
        // slashes); what Jetty cannot read at all is answered by ErrorAnswers, also as a 404
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new ViewHandler(content));
        server.setErrorHandler(new ErrorAnswers());
        if (requestLog != null) server.setRequestLog(requestLog);
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new ViewServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The address to open in a browser. */
    public URI uri() {
        String host = connector.getHost() == null || connector.getHost().isEmpty() ? "127.0.0.1" : connector.getHost();
        if (host.equals("0.0.0.0") || host.equals("::")) host = "127.0.0.1";
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + "/");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

package org.slidestream.view.http;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers to requests that Jetty itself refuses before any handler sees them: one line of plain
 * text, never an HTML page or a stack trace. A request whose target cannot be read at all (a path
 * that climbs above the root such as {@code /..} or {@code /a/%2e%2e/%2e%2e}, a NUL byte, a target
 * longer than Jetty reads) names nothing this server serves, so it is a 404 like any other address
 * that is not one of ours; other refusals (malformed headers, a body on a GET that is too large) keep
 * their status.
 */
public final class ErrorAnswers implements Request.Handler {
    /** The target Jetty gives a request whose request line it could not accept. */
    private static final String UNREADABLE_TARGET = "/badMessage";

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        boolean unreadableTarget = status == HttpStatus.BAD_REQUEST_400 && UNREADABLE_TARGET.equals(request.getHttpURI().getPath())
                || status == HttpStatus.URI_TOO_LONG_414;
        if (unreadableTarget) {
            ViewHandler.text(response, callback, HttpStatus.NOT_FOUND_404, "not found: not a valid address");
        } else {
            ViewHandler.text(response, callback, status, status + ": " + HttpStatus.getMessage(status));
        }
        return true;
    }
}

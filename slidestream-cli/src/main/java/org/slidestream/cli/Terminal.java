package org.slidestream.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard error goes to an interactive terminal (progress bars) or to a file/pipe (log lines). */
final class Terminal {
    private Terminal() {}

    static boolean interactive() {
        if ("dumb".equals(System.getenv("TERM")) || System.getenv("CI") != null) return false;
        Console c = System.console();
        if (c == null) return false;
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() says which.
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a non-null console is a terminal
        }
    }
}

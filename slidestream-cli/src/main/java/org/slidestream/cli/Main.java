package org.slidestream.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.ServiceLoader;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code slidestream} command. Exit codes: 0 success; 1 failure (a command failed, or at least
 * one slide of a cohort failed); 2 bad usage.
 */
@Command(name = "slidestream",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Gigapixel bio-images in bounded memory: read, convert, tissue, patches, masks, stains, registration, features.",
        subcommands = {
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces and debug logging.")
    void setDebug(boolean debug) {
        Main.debug = debug;
        if (debug) {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
    }

    private static volatile boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static boolean debug() {
        return debug;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Each command is a service (META-INF/services/org.slidestream.cli.SlideCommand), listed in
        // the order it gives, so that commands are added without editing this class.
        ServiceLoader.load(SlideCommand.class).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparingInt(SlideCommand::order))
                .forEach(c -> cl.addSubcommand(c));
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setExitCodeExceptionMapper(ex -> EXIT_FAILED);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        return cl;
    }

    /**
     * The command list with the first whole sentence of each command's description: picocli shows
     * the first description line, which is cut off where a command wraps its description.
     */
    private static String commandList(CommandLine.Help help) {
        if (help.subcommands().isEmpty()) return "";
        int nameWidth = help.subcommands().keySet().stream().mapToInt(String::length).max().orElse(0) + 4;
        int width = help.commandSpec().usageMessage().width();
        CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(help.colorScheme(),
                new CommandLine.Help.Column(nameWidth, 2, CommandLine.Help.Column.Overflow.SPAN),
                new CommandLine.Help.Column(Math.max(20, width - nameWidth), 2, CommandLine.Help.Column.Overflow.WRAP));
        help.subcommands().forEach((name, sub) -> {
            // picocli's own rule: the header when there is one, else the description
            String[] header = sub.commandSpec().usageMessage().header();
            table.addRowValues(name, firstSentence(header.length > 0 ? header : sub.commandSpec().usageMessage().description()));
        });
        return table.toString();
    }

    /**
     * The first paragraph (lines up to an empty one) up to the first full stop that ends a sentence
     * (followed by the end or a capital letter).
     */
    static String firstSentence(String[] description) {
        StringBuilder paragraph = new StringBuilder();
        for (String line : description) {
            if (line.isBlank() || line.strip().equals("%n")) {
                if (!paragraph.isEmpty()) break;
                continue;
            }
            paragraph.append(' ').append(line);
        }
        String text = paragraph.toString().replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ").strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<=\\S)\\.(?=\\s+\\p{Lu}|\\s*$)").matcher(text);
        return m.find() ? text.substring(0, m.end()) : text;
    }

    private static int handleException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (debug) {
            ex.printStackTrace(err);
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + Errors.oneLine(ex));
        err.flush();
        return EXIT_FAILED;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        if (debug) {
            ex.printStackTrace(err);
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"slidestream " + (v == null ? "development build" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}

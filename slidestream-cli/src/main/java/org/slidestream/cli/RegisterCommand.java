package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.slidestream.format.FormatException;
import org.slidestream.format.csv.Csv;
import org.slidestream.io.AtomicOutput;
import org.slidestream.register.RegisterJob;
import org.slidestream.register.RegistrationOptions;
import org.slidestream.register.RoundTransform;
import org.slidestream.register.Transforms;
import org.slidestream.tiff.codec.Compression;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slidestream register}: multiplex rounds onto a reference round, with QC; or points through saved transforms. */
@Command(name = "register", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Register multiplex immunofluorescence rounds to a reference round by their nuclear channel (rigid or affine,",
                "optionally non-rigid), warp every channel onto the reference grid and write QC overlays and metrics.",
                "Writes OUT/<round>.registered.ome.tif (or OUT/registered.ome.tif with --merge), OUT/<round>.qc.png",
                "(reference nuclei magenta, registered nuclei green, overlap white), OUT/transforms.json, OUT/metrics.csv.",
                "With --apply-points: maps the x,y columns of a CSV through OUT/transforms.json instead."},
        footer = {"", "Examples:",
                "  slidestream register round0.ome.tif round1.ome.tif round2.ome.tif --channel DAPI -o registered --max-memory 2g",
                "  slidestream register --apply-points cells.csv --transforms registered/transforms.json --round round1 -o cells_ref.csv"})
public final class RegisterCommand implements Callable<Integer>, SlideCommand {

    @Parameters(paramLabel = "REFERENCE MOVING", arity = "0..*", description = "The reference round, then the rounds to register to it.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output folder (registration), or the CSV file to write (--apply-points).")
    Path output;

    @Option(names = "--channel", paramLabel = "NAME|INDEX", defaultValue = "DAPI",
            description = "Nuclear channel of every round, by name (case-insensitive) or index (default ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--model", paramLabel = "rigid|affine", defaultValue = "affine",
            description = "Rigid (rotation and translation at the physical pixel size) or affine (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--nonrigid", description = "Add a smooth displacement field after the affine stage.")
    boolean nonrigid;

    @Option(names = "--max-rotation", paramLabel = "DEG", defaultValue = "180",
            description = "Largest rotation between rounds to search, in degrees (default ${DEFAULT-VALUE}: any).")
    double maxRotation;

    @Option(names = "--merge", description = "Write one multi-channel OME-TIFF of the reference and all registered rounds, channel names prefixed by round.")
    boolean merge;

    @Option(names = "--qc-side", paramLabel = "PX", defaultValue = "2000",
            description = "Longer side of the QC overlays; taken from the pyramid level nearest it (default ${DEFAULT-VALUE}).")
    int qcSide;

    @Option(names = "--qc-full", description = "Also write the QC overlay at full resolution as a pyramidal OME-TIFF (OUT/<round>.qc.ome.tif).")
    boolean qcFull;

    @Option(names = "--no-images", description = "Write transforms, QC and metrics only, not the registered images.")
    boolean noImages;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads for writing (default: the number of cores).")
    Integer threads;

    @Option(names = "--apply-points", paramLabel = "POINTS.csv",
            description = "Map points instead of registering: a CSV with x and y columns in level-0 pixels.")
    Path points;

    @Option(names = "--transforms", paramLabel = "transforms.json", description = "With --apply-points: the transforms a registration wrote.")
    Path transforms;

    @Option(names = "--round", paramLabel = "NAME", description = "With --apply-points: the round whose transform to use.")
    String round;

    @Option(names = "--to", paramLabel = "reference|moving", defaultValue = "reference",
            description = "With --apply-points: map points of the round to the reference (default), or reference points to the round.")
    String to;

    @Mixin TiffOutputOptions tiff;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override public int order() { return 90; }

    @Override
    public Integer call() throws Exception {
        return points != null ? applyPoints() : register();
    }

    private int register() throws IOException {
        if (inputs.size() < 2) throw new ParameterException(spec.commandLine(), "give a reference and at least one moving round");
        if (transforms != null || round != null) throw new ParameterException(spec.commandLine(), "--transforms and --round go with --apply-points");
        RegistrationOptions.Model m = switch (model.toLowerCase(Locale.ROOT)) {
            case "rigid" -> RegistrationOptions.Model.RIGID;
            case "affine" -> RegistrationOptions.Model.AFFINE;
            default -> throw new ParameterException(spec.commandLine(), "--model must be rigid or affine: '" + model + "'");
        };
        if (qcSide < 16) throw new ParameterException(spec.commandLine(), "--qc-side must be >= 16");
        if (threads != null && threads < 1) throw new ParameterException(spec.commandLine(), "--threads must be >= 1");
        RegistrationOptions ro;
        try {
            ro = RegistrationOptions.defaults().withModel(m).withNonrigid(nonrigid).withMaxRotation(maxRotation);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : TiffCommands.defaultThreads();
        RegisterJob.Options o = new RegisterJob.Options(channel, ro, merge, qcSide, qcFull, !noImages,
                tiff.toOptions(Compression.DEFLATE, spec.commandLine()), n);
        RegisterJob job = new RegisterJob(o, run.slideOptions(), line -> {
            err.println(line);
            err.flush();
        });
        List<RegisterJob.RoundStatus> statuses = job.run(inputs.getFirst(), inputs.subList(1, inputs.size()), output);
        long failed = statuses.stream().filter(s -> !s.ok()).count();
        err.printf(Locale.ROOT, "%d round%s: %d registered, %d failed -> %s%n", statuses.size(), statuses.size() == 1 ? "" : "s",
                statuses.size() - failed, failed, output);
        summary.print(err, run.budget());
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    private int applyPoints() throws IOException {
        if (transforms == null || round == null) throw new ParameterException(spec.commandLine(), "--apply-points needs --transforms and --round");
        if (!inputs.isEmpty()) throw new ParameterException(spec.commandLine(), "--apply-points takes no images");
        boolean toReference = switch (to.toLowerCase(Locale.ROOT)) {
            case "reference" -> true;
            case "moving" -> false;
            default -> throw new ParameterException(spec.commandLine(), "--to must be reference or moving: '" + to + "'");
        };
        Transforms.Round r = Transforms.read(transforms).round(round);
        if (r.transform() == null) {
            throw new IllegalArgumentException(transforms.getFileName() + ": round '" + round + "' was not registered ("
                    + (r.reason() == null ? r.status() : r.reason()) + ")");
        }
        RoundTransform t = r.transform();
        List<List<String>> rows;
        try (Reader in = Files.newBufferedReader(points, StandardCharsets.UTF_8)) {
            rows = Csv.read(in);
        }
        if (rows.isEmpty()) throw new FormatException(points, "empty CSV (needs a header with x and y)");
        List<String> header = rows.getFirst();
        int xi = column(header, "x"), yi = column(header, "y");
        if (xi < 0 || yi < 0) throw new FormatException(points, "needs columns x and y (has: " + String.join(", ", header) + ")");
        double[] p = new double[2];
        try (AtomicOutput out = AtomicOutput.file(output)) {
            try (Writer w = Files.newBufferedWriter(out.path(), StandardCharsets.UTF_8)) {
                Csv.writeRow(w, header);
                for (int i = 1; i < rows.size(); i++) {
                    List<String> row = new ArrayList<>(rows.get(i));
                    if (row.size() == 1 && row.getFirst().isBlank()) continue;
                    double x, y;
                    try {
                        x = Double.parseDouble(row.get(xi).trim());
                        y = Double.parseDouble(row.get(yi).trim());
                    } catch (NumberFormatException | IndexOutOfBoundsException e) {
                        throw new FormatException(points, i + 1, 1, "x and y must be numbers", null);
                    }
                    if (toReference) t.toReference(x, y, p); else t.toMoving(x, y, p);
                    row.set(xi, String.format(Locale.ROOT, "%.3f", p[0]));
                    row.set(yi, String.format(Locale.ROOT, "%.3f", p[1]));
                    Csv.writeRow(w, row);
                }
            }
            out.commit();
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "%s: %d points of round %s mapped to the %s -> %s%n", points.getFileName(),
                rows.size() - 1, round, toReference ? "reference" : "round", output);
        return Main.EXIT_OK;
    }

    private static int column(List<String> header, String name) {
        for (int i = 0; i < header.size(); i++) if (header.get(i).trim().equalsIgnoreCase(name)) return i;
        return -1;
    }
}

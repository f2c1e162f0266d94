package org.slidestream.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slidestream.cells.Workers;
import org.slidestream.dl.Device;
import org.slidestream.dl.cells.CellEmbedding;
import org.slidestream.dl.cells.CellEncoder;
import org.slidestream.dl.cells.CellModelConfig;
import org.slidestream.dl.cells.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slidestream embed}: an ONNX cell encoder over every cell of an AnnData file, the latent into obsm. */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Embed every cell of an .h5ad file with an ONNX encoder (latent.h5ad: obs, var and obsm['X_latent']).",
                "Runs the encoder over the cells in batches: each batch of X (or --layer) and of every covariate matrix is "
                        + "densified on its own and normalised as configured, batches are read ahead by threads, and the latent is "
                        + "written into a dataset allocated for every cell: memory does not grow with the number of cells.",
                "The model's inputs are float32 matrices of one row per cell: the expression (its first input unless the model "
                        + "config says) and covariates, each fed from obsm:KEY (dense or sparse) or obs:COLUMN[,COLUMN...] "
                        + "(categoricals one-hot)."},
        footer = {"", "Examples:",
                "  slidestream embed cells.h5ad --model cpa_encoder.onnx -o latent.h5ad --normalize library_size,log1p \\",
                "      --covariates drugs=obsm:perturbations --covariates covariates=obs:cell_type",
                "  slidestream embed cells.h5ad --model encoder.onnx --model-config encoder.json --layer counts -o latent.h5ad"})
public final class EmbedCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", paramLabel = "CELLS.h5ad", description = "AnnData file of the cells.")
    Path input;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The encoder in ONNX format.")
    Path model;

    @Option(names = "--model-config", paramLabel = "CFG.json",
            description = "expression_input, layer, normalize, target_sum, covariates {input: source}, output_name, latent_key "
                    + "(every key optional; the options below override it).")
    Path modelConfig;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "LATENT.h5ad", description = "AnnData file to write (.h5ad).")
    Path output;

    @Option(names = "--layer", paramLabel = "NAME", description = "Embed this layer instead of X.")
    String layer;

    @Option(names = "--covariates", paramLabel = "[INPUT=]SOURCE",
            description = "Feed a model input from obsm:KEY or obs:COLUMN[,COLUMN...]; repeat for each input. Without INPUT=, "
                    + "the next model input not yet fed, in model order.")
    List<String> covariates = new ArrayList<>();

    @Option(names = "--normalize", paramLabel = "STEP,...", split = ",",
            description = "Steps applied to each cell's expression, in order: library_size, log1p, none (default: the config's, else none).")
    List<String> normalize;

    @Option(names = "--target-sum", paramLabel = "N", description = "library_size: each cell's total after scaling (default: 10000).")
    Double targetSum;

    @Option(names = "--latent-key", paramLabel = "KEY", description = "The obsm key of the latent (default: X_latent).")
    String latentKey;

    @Option(names = "--batch", defaultValue = "1024", paramLabel = "N", description = "Cells per model run (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--prefetch", defaultValue = "2", paramLabel = "N", description = "Batches read ahead while the model runs (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--threads", paramLabel = "N", description = "Threads reading and densifying batches (default: the number of cores).")
    Integer threads;

    @Option(names = "--model-threads", defaultValue = "0", paramLabel = "N", description = "ONNX Runtime threads per run (default: one per core).")
    int modelThreads;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda", description = "Where the model runs (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 105; }

    @Override
    public Integer call() throws Exception {
        if (batch < 1) throw usage("--batch must be >= 1");
        if (prefetch < 1) throw usage("--prefetch must be >= 1");
        if (threads != null && threads < 1) throw usage("--threads must be >= 1");
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".h5ad")) throw usage("the output is AnnData: name it .h5ad, not " + output.getFileName());
        Device dev;
        try {
            dev = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw usage("--device: " + e.getMessage());
        }
        if (!Files.isRegularFile(input)) throw new IllegalArgumentException(input + ": no such file");
        CellModelConfig cfg = modelConfig == null ? CellModelConfig.defaults() : CellModelConfig.read(modelConfig);
        cfg = overrides(cfg);
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "embed-reader");
            t.setDaemon(true);
            return t;
        });
        try (CellEncoder m = CellEncoder.open(model, cfg.outputName(), dev, modelThreads);
             TileProgress progress = new TileProgress(err, "embed", "cells", Terminal.interactive())) {
            cfg = cfg.withCovariates(mapCovariates(m, cfg));
            CellEmbedding.Result r = CellEmbedding.embed(input, output, m, cfg, new CellEmbedding.Options(batch, prefetch),
                    new Workers(pool, n, run.budget()), progress::tiles);
            progress.close();
            StringBuilder fed = new StringBuilder();
            r.inputs().forEach((k, v) -> fed.append(fed.isEmpty() ? "" : ", ").append(k).append(" <- ").append(v));
            PrintWriter out = spec.commandLine().getOut();
            out.println(String.format(Locale.ROOT, "%s: %,d cells, obsm['%s'] %d wide (%s)", output, r.cells(), cfg.latentKey(), r.dim(), fed));
            out.flush();
        } finally {
            pool.shutdownNow();
        }
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    private CellModelConfig overrides(CellModelConfig cfg) {
        if (layer != null) cfg = cfg.withLayer(layer);
        if (latentKey != null) cfg = cfg.withLatentKey(latentKey);
        if (normalize != null) {
            List<CellModelConfig.Normalization> steps = new ArrayList<>();
            for (String s : normalize) {
                switch (s.strip().toLowerCase(Locale.ROOT)) {
                    case "library_size", "normalize_total" -> steps.add(CellModelConfig.Normalization.LIBRARY_SIZE);
                    case "log1p" -> steps.add(CellModelConfig.Normalization.LOG1P);
                    case "none", "" -> { }
                    default -> throw usage("--normalize: unknown step '" + s + "' (library_size, log1p, none)");
                }
            }
            cfg = cfg.withNormalize(steps);
        }
        if (targetSum != null) {
            if (!(targetSum > 0)) throw usage("--target-sum must be > 0");
            cfg = new CellModelConfig(cfg.expressionInput(), cfg.layer(), cfg.normalize(), targetSum, cfg.covariates(), cfg.outputName(), cfg.latentKey());
        }
        return cfg;
    }

    /** The config's covariates with --covariates added: INPUT=SOURCE by name, bare sources to the next unfed inputs in model order. */
    private Map<String, String> mapCovariates(CellEncoder m, CellModelConfig cfg) {
        Map<String, String> map = new LinkedHashMap<>(cfg.covariates());
        List<String> bare = new ArrayList<>();
        for (String c : covariates) {
            int eq = c.indexOf('=');
            boolean named = eq > 0 && !c.substring(0, eq).contains(":");
            String src = named ? c.substring(eq + 1) : c;
            try {
                Source.parse(src);
            } catch (IllegalArgumentException e) {
                throw usage("--covariates: " + e.getMessage());
            }
            if (named) map.put(c.substring(0, eq), src);
            else bare.add(src);
        }
        String expr = cfg.expressionInput() != null ? cfg.expressionInput() : m.inputs().keySet().iterator().next();
        for (String in : m.inputs().keySet()) {
            if (bare.isEmpty()) break;
            if (!in.equals(expr) && !map.containsKey(in)) map.put(in, bare.remove(0));
        }
        if (!bare.isEmpty()) {
            throw usage("--covariates " + String.join(" ", bare) + ": the model has no input left to feed (inputs: "
                    + String.join(", ", m.inputs().keySet()) + ")");
        }
        return map;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

}

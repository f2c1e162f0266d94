package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slidestream.dl.Device;
import org.slidestream.dl.FeatureModel;
import org.slidestream.dl.ModelConfig;
import org.slidestream.dl.Preprocessor;
import org.slidestream.dl.Volume;
import org.slidestream.dl.VolumeFeatures;
import org.slidestream.dl.VolumeFeatures.Plane;
import org.slidestream.slide.Slide;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slidestream features3d}: a feature volume of a 3D image from a 2D encoder, plane by plane. */
@Command(name = "features3d", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Features of a 3D volume (an OME-TIFF Z-stack, one channel, or a .npy of shape (D, H, W) or (C, D, H, W)) "
                        + "from a 2D ViT encoder in ONNX format: for each plane orientation the volume is sliced, each slice is "
                        + "resized to the model input and embedded, its patch tokens form a feature map over the slice, and the "
                        + "orientation's feature volume is resampled by area to --output-size before the next one starts; the "
                        + "orientations are averaged.",
                "Writes OUT/features.npy and OUT/features.h5 (dataset 'features'): float32 C x D x H x W, C the model's feature "
                        + "dimension, D x H x W the output size along z, y, x. Slices: xy along z, xz along y (rows z), yz along "
                        + "x (rows z, columns y). The model's output must be its token sequence (B x T x D)."})
public final class Features3dCommand implements SlideCommand, Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VOLUME", description = "OME-TIFF with Z sections, or .npy.")
    Path volume;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The encoder, in ONNX format, with a B x T x D output.")
    Path model;

    @Option(names = "--model-config", paramLabel = "CFG.json", description = "As for 'features' (input size, mean/std, interpolation, output_name, prefix_tokens).")
    Path modelConfig;

    @Option(names = "--planes", defaultValue = "xy,xz,yz", paramLabel = "LIST", description = "Orientations to average (default: ${DEFAULT-VALUE}).")
    String planes;

    @Option(names = "--output-size", required = true, paramLabel = "D,H,W", description = "Size of the feature volume along z, y, x.")
    String outputSize;

    @Option(names = "--slice-batch", defaultValue = "64", paramLabel = "N", description = "Slices per model run (default: ${DEFAULT-VALUE}).")
    int sliceBatch;

    @Option(names = "--channel", paramLabel = "C", description = "Channel of a multi-channel volume: an index or (OME-TIFF) a name.")
    String channel;

    @Option(names = "--range", paramLabel = "LO,HI",
            description = "Intensities mapped to 0 and 1 before the model's mean/std (default: the sample type's range; 0,1 for floats).")
    String range;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda", description = "Where the model runs (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", paramLabel = "N", description = "Threads reading and preprocessing slices (default: the number of cores).")
    Integer workers;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output folder.")
    Path output;

    @Mixin RunOptions run;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public int order() {
        return 110;
    }

    @Override
    public Integer call() throws Exception {
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        List<Plane> planeList;
        int[] size;
        Device dev;
        double[] lohi;
        try {
            lohi = range == null ? null : numbers(range, 2, "--range");
            planeList = Plane.parse(planes);
            size = ints(outputSize, "--output-size");
            dev = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (sliceBatch < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--slice-batch must be >= 1");
        if (lohi != null && !(lohi[1] > lohi[0])) throw new CommandLine.ParameterException(spec.commandLine(), "--range: LO must be below HI");
        int threads = workers != null ? Math.max(1, workers) : Runtime.getRuntime().availableProcessors();
        ModelConfig cfg = modelConfig == null ? ModelConfig.defaults() : ModelConfig.read(modelConfig);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "slice");
            t.setDaemon(true);
            return t;
        });
        try (Volume vol = openVolume(); FeatureModel m = FeatureModel.open(model, cfg, dev, 0)) {
            double[] lh = lohi != null ? lohi : Preprocessor.defaultRange(vol.pixelType());
            m.tokenGrid();     // fails at once, before any slice is read, when the output has no patch tokens
            err.printf(Locale.ROOT, "%s: %d x %d x %d (z, y, x), planes %s, model %s (%d features, %d x %d patch tokens)%n",
                    volume.getFileName(), vol.depth(), vol.height(), vol.width(), planes, model.getFileName(), m.dim(),
                    m.tokenGrid()[0], m.tokenGrid()[1]);
            err.flush();
            long[] last = {-1};
            VolumeFeatures.Result r = VolumeFeatures.extract(vol, m, planeList, size, sliceBatch, lh[0], lh[1], run.budget(), pool,
                    threads, (done, total) -> {
                        long pct = 100 * done / Math.max(1, total);
                        if (pct / 25 != last[0] / 25) {
                            last[0] = pct;
                            err.printf(Locale.ROOT, "slices %d of %d%n", done, total);
                            err.flush();
                        }
                    });
            VolumeFeatures.write(r, output, planeList, model, volume);
            err.printf(Locale.ROOT, "wrote %s and features.h5: %d x %d x %d x %d (C, D, H, W)%n", output.resolve("features.npy"),
                    r.dim(), r.depth(), r.height(), r.width());
        } finally {
            pool.shutdownNow();
        }
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    private Volume openVolume() throws IOException {
        if (!Files.isRegularFile(volume)) throw new java.nio.file.NoSuchFileException(volume.toString());
        boolean npy = volume.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
        if (npy) return Volume.open(volume, channelIndex(null));
        Slide s = Slide.open(volume, run.slideOptions());
        try {
            return Volume.SlideVolume.of(s, channelIndex(s), true);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private int channelIndex(Slide s) {
        if (channel == null) return -1;
        try {
            int c = Integer.parseInt(channel.strip());
            if (c < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--channel must be >= 0");
            return c;
        } catch (NumberFormatException e) {
            int c = s == null ? -1 : s.metadata().channelIndex(channel.strip());
            if (c < 0) {
                throw new IllegalArgumentException(volume + ": no channel named '" + channel + "'"
                        + (s == null ? " (a .npy has channel indices only)" : " (channels " + s.metadata().channelNames() + ")"));
            }
            return c;
        }
    }

    private static double[] numbers(String s, int n, String what) {
        String[] parts = s.split(",");
        if (parts.length != n) throw new IllegalArgumentException(what + " needs " + n + " comma-separated numbers, not '" + s + "'");
        double[] out = new double[n];
        try {
            for (int i = 0; i < n; i++) out[i] = Double.parseDouble(parts[i].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " needs numbers, not '" + s + "'");
        }
        return out;
    }

    private static int[] ints(String s, String what) {
        double[] d = numbers(s, 3, what);
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            if (d[i] != Math.rint(d[i]) || d[i] < 1 || d[i] > 100_000) throw new IllegalArgumentException(what + " needs positive integers D,H,W, not '" + s + "'");
            out[i] = (int) d[i];
        }
        return out;
    }
}

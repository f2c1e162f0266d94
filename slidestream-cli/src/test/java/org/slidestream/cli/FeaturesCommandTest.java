package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.dl.ArraySlide;
import org.slidestream.dl.CoordsFiles;
import org.slidestream.dl.TestModel;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.format.npy.NpyWriter;
import picocli.CommandLine;

class FeaturesCommandTest {
    @TempDir static Path tmp;
    static Path patchOut;
    static Path manifest;

    record Run(int exit, String err) {}

    static Run run(Object... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) a[i] = String.valueOf(args[i]);
        return new Run(cl.execute(a), err.toString());
    }

    @BeforeAll
    static void setUp() throws IOException {
        patchOut = tmp.resolve("patches");
        Path slideA = tmp.resolve("slides/slide-a.slide.png");
        Path slideB = tmp.resolve("slides/b-scan.slide.png");
        Files.createDirectories(slideA.getParent());
        ImageFiles.write(ArraySlide.rgb(200, 150, 1), slideA);
        ImageFiles.write(ArraySlide.rgb(120, 180, 2), slideB);
        // slide-a names its slide; slide-b is found through the manifest; slide-c has neither
        CoordsFiles.clam(patchOut.resolve("slide-a/coords.h5"), CoordsFiles.grid(0, 0, 48, 4, 3), 48, 0, slideA.toString());
        CoordsFiles.clam(patchOut.resolve("slide-b/coords.h5"), CoordsFiles.grid(10, 10, 30, 3, 5), 32, 0, null);
        CoordsFiles.clam(patchOut.resolve("slide-c/coords.h5"), CoordsFiles.grid(0, 0, 32, 2, 2), 32, 0, null);
        Files.createDirectories(patchOut.resolve("not-a-slide"));
        manifest = Files.writeString(tmp.resolve("slides.csv"), "slide,id\n" + slideB + ",slide-b\n");
    }

    @Test
    void embedsEverySlideFolderWritesStatusAndResumes() throws IOException {
        Run r = run("features", patchOut, "--model", TestModel.onnx(), "--batch", 5, "--threads", 2, "--slides", manifest);
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.EXIT_FAILED);
        Path out = patchOut.resolve("features_tiny-vit");
        assertThat(r.err()).contains("model tiny-vit.onnx: 32x32 input, 64 features per patch, cpu")
                .contains("slide-c: FAILED: " + patchOut.resolve("slide-c/coords.h5") + ": names no slide (no 'slide_path' attribute) "
                        + "and --slides has no slide named 'slide-c'")
                .contains("slides: 2 done, 0 skipped, 1 failed; 27 features;");
        for (String id : List.of("slide-a", "slide-b")) {
            try (H5File f = H5File.open(out.resolve(id + "/features.h5"));
                 H5File c = H5File.open(patchOut.resolve(id + "/coords.h5"))) {
                long n = c.dataset("coords").rows();
                assertThat(f.dataset("features").shape()).containsExactly(n, 64);
                assertThat(f.dataset("coords").readLongs(0, (int) n)).containsExactly(c.dataset("coords").readLongs(0, (int) n));
            }
        }
        List<String> status = Files.readAllLines(out.resolve("status.csv"));
        assertThat(status.get(0)).isEqualTo("slide,status,reason,features,seconds,peak_mb");
        assertThat(status.get(1)).startsWith("slide-a,success,,12,");
        assertThat(status.get(2)).startsWith("slide-b,success,,15,");
        assertThat(status.get(3)).startsWith("slide-c,failed,");

        Run again = run("features", patchOut, "--model", TestModel.onnx(), "--slides", manifest);
        assertThat(again.err()).contains("slides: 0 done, 2 skipped, 1 failed");

        // two slides at a time, one decode thread, another batch size: the same features
        Path out2 = tmp.resolve("parallel");
        Run parallel = run("features", patchOut, "--model", TestModel.onnx(), "--slides", manifest, "--workers", 2, "--threads", 1,
                "--batch", 64, "-o", out2);
        assertThat(parallel.err()).contains("slides: 2 done, 0 skipped, 1 failed");
        for (String id : List.of("slide-a", "slide-b")) {
            try (H5File a = H5File.open(out.resolve(id + "/features.h5")); H5File b = H5File.open(out2.resolve(id + "/features.h5"))) {
                int n = (int) a.dataset("features").rows();
                assertThat(TestModel.maxAbsDiff(a.dataset("features").readFloats(0, n), b.dataset("features").readFloats(0, n))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void badInputsGiveOneLineErrors() throws IOException {
        Run noModel = run("features", patchOut, "--model", tmp.resolve("missing.onnx"));
        assertThat(noModel.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(noModel.err().strip()).isEqualTo("slidestream features: " + tmp.resolve("missing.onnx") + ": model file not found");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run noCoords = run("features", empty, "--model", TestModel.onnx());
        assertThat(noCoords.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(noCoords.err()).contains(empty + ": no slide folder with a coords.h5 (run 'slidestream patch' first)");

        Path cfg = Files.writeString(tmp.resolve("cfg.json"), "{\"input_size\": 224}");
        Run wrongSize = run("features", patchOut, "--model", TestModel.onnx(), "--model-config", cfg, "-o", tmp.resolve("o2"));
        assertThat(wrongSize.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(wrongSize.err()).contains("the model takes 32x32 images but the config says input_size 224x224");

        Run cuda = run("features", patchOut, "--model", TestModel.onnx(), "--device", "cuda", "-o", tmp.resolve("o3"));
        if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            assertThat(cuda.exit()).isEqualTo(Main.EXIT_FAILED);
            assertThat(cuda.err().strip().lines()).hasSize(1);
            assertThat(cuda.err()).contains("--device cuda: the CUDA provider is not in this ONNX Runtime build").contains("-Pcuda");
        }
        assertThat(run("features", patchOut, "--model", TestModel.onnx(), "--device", "tpu").exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("features", patchOut).exit()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void features3dWritesTheFeatureVolume() throws IOException {
        Path vol = tmp.resolve("vol.npy");
        try (NpyWriter w = NpyWriter.create(vol, NpyDtype.UINT16, new long[] {9, 30, 20}, 2, true)) {
            short[] v = new short[2 * 9 * 30 * 20];
            for (int i = 0; i < v.length; i++) v[i] = (short) ((i * 37) % 4000);
            w.write(0, v);
            w.commit();
        }
        Path out = tmp.resolve("vol-features");
        Run multi = run("features3d", vol, "--model", TestModel.onnx(), "--output-size", "3,4,5", "-o", out);
        assertThat(multi.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(multi.err()).contains("has 2 channels").contains("choose one with --channel");

        Run r = run("features3d", vol, "--model", TestModel.onnx(), "--planes", "xy,yz", "--output-size", "3,4,5",
                "--slice-batch", 4, "--channel", 1, "--range", "0,4000", "-o", out);
        assertThat(r.exit()).as(r.err()).isEqualTo(Main.EXIT_OK);
        assertThat(r.err()).contains("vol.npy: 9 x 30 x 20 (z, y, x), planes xy,yz").contains("peak memory");
        try (NpyReader npy = NpyReader.open(out.resolve("features.npy"))) {
            assertThat(npy.shape()).containsExactly(64, 3, 4, 5);
        }
        try (H5File f = H5File.open(out.resolve("features.h5"))) {
            assertThat(f.dataset("features").shape()).containsExactly(64, 3, 4, 5);
        }
        assertThat(run("features3d", vol, "--model", TestModel.onnx(), "--output-size", "3,4", "-o", out).exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run("features3d", vol, "--model", TestModel.onnx(), "--output-size", "3,4,5", "--planes", "xy,ab", "-o", out).exit())
                .isEqualTo(Main.EXIT_USAGE);
    }

    /** PyTorch on the patch step's own patches.npy, against features.h5 read from the slide. */
    private static final String PATCHES_TORCH = """
            import sys, numpy as np, h5py, cv2, torch
            sys.path.insert(0, sys.argv[1])
            import make_vit
            patches = np.load(sys.argv[2]).astype(np.float32)
            mean = np.array([0.485, 0.456, 0.406], np.float32); std = np.array([0.229, 0.224, 0.225], np.float32)
            x = np.stack([((cv2.resize(p, (32, 32), interpolation=cv2.INTER_AREA) / 255.0 - mean) / std).transpose(2, 0, 1) for p in patches])
            with torch.no_grad():
                _, cls = make_vit.build()(torch.from_numpy(x.astype(np.float32)))
            with h5py.File(sys.argv[3], 'r') as f, h5py.File(sys.argv[4], 'r') as c:
                same = bool((f['coords'][()] == c['coords'][()]).all())
                print(len(patches), same, float(np.abs(f['features'][()] - cls.numpy()).max()))
            """;

    @Test
    void featuresOfThePatchStepsOutputAreTheFeaturesOfItsStainNormalizedPatches() throws IOException {
        Path svs = org.slidestream.testing.SharedData.slide("cmu-1-small-region.svs");
        org.slidestream.testing.ReferenceTools.requirePythonModules("numpy", "h5py", "cv2", "torch");
        Path slides = Files.createDirectories(tmp.resolve("svs-slides"));
        Files.createSymbolicLink(slides.resolve("cmu-1-small-region.svs"), svs);
        Path patches = tmp.resolve("svs-patches");
        // both steps normalize the stains to the same target: features.h5 must be the features of patches.npy
        Path target = Files.writeString(tmp.resolve("stains.json"), """
                {"format": "slidestream-stains/1", "method": "macenko", "io": 255.0, "beta": 0.15,
                 "hematoxylin": [0.65, 0.70, 0.29], "eosin": [0.07, 0.99, 0.11], "maxConcentrations": [1.99, 1.63],
                 "labMean": [50.0, 25.0, -10.0], "labStd": [20.0, 12.0, 8.0], "pixels": 100000, "source": "reference"}
                """);
        Run p = run("patch", slides, "-o", patches, "--size", 64, "--downsample", 3, "--method", "otsu", "--save", "npy",
                "--normalize", target);
        assertThat(p.exit()).as(p.err()).isZero();
        Run f = run("features", patches, "--model", TestModel.onnx(), "--slides", slides, "--batch", 16, "--normalize", target);
        assertThat(f.exit()).as(f.err()).isZero();
        Path dir = patches.resolve("cmu-1-small-region");
        String res = org.slidestream.testing.ReferenceTools.python(PATCHES_TORCH,
                org.slidestream.testing.SharedData.projectRoot().resolve("slidestream-dl/src/test/python"), dir.resolve("patches.npy"),
                patches.resolve("features_tiny-vit/cmu-1-small-region/features.h5"), dir.resolve("coords.h5"))
                .requireSuccess("PyTorch on patches.npy").stdout().strip();
        String[] parts = res.split(" ");
        assertThat(Integer.parseInt(parts[0])).isGreaterThan(20);
        assertThat(parts[1]).isEqualTo("True");
        assertThat(Double.parseDouble(parts[2])).isLessThan(1e-4);
    }

    @Test
    void thePatchStepsCoordsNameTheirSlideSoFeaturesNeedsNoMapping() throws IOException {
        Path svs = org.slidestream.testing.SharedData.slide("cmu-1-small-region.svs");
        Path patches = tmp.resolve("named-patches");
        Run p = run("patch", svs, "-o", patches, "--size", 64, "--downsample", 4);
        assertThat(p.exit()).as(p.err()).isZero();
        Run f = run("features", patches, "--model", TestModel.onnx(), "--batch", 8);
        assertThat(f.exit()).as(f.err()).isZero();
        assertThat(patches.resolve("features_tiny-vit/cmu-1-small-region/features.h5")).isRegularFile();
    }

    @Test
    void aJobRunsPatchThenFeaturesPerSlide() throws IOException {
        Path svs = org.slidestream.testing.SharedData.slide("cmu-1-small-region.svs");
        Path dir = Files.createDirectories(tmp.resolve("job"));
        Files.createSymbolicLink(dir.resolve("cmu-1-small-region.svs"), svs);
        Path job = Files.writeString(dir.resolve("job.yaml"), "inputs: [cmu-1-small-region.svs]\noutput: out\nsteps:\n"
                + "  - patch: {method: otsu, size: 64, downsample: 4}\n"
                + "  - features: {model: '" + TestModel.onnx() + "', batch: 8}\n");
        Run r = run("run", job);
        assertThat(r.exit()).as(r.err()).isZero();
        Path slideDir = dir.resolve("out/cmu-1-small-region");
        try (H5File f = H5File.open(slideDir.resolve("features.h5")); H5File c = H5File.open(slideDir.resolve("coords.h5"))) {
            long n = c.dataset("coords").rows();
            assertThat(n).isGreaterThan(10);
            assertThat(f.dataset("features").shape()).containsExactly(n, 64);
        }
        Path noModel = Files.writeString(dir.resolve("bad.yaml"), "inputs: [cmu-1-small-region.svs]\noutput: out2\nsteps:\n  - features: {batch: 8}\n");
        Run bad = run("run", noModel);
        assertThat(bad.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err()).contains("step 'features' needs option 'model'");
    }

    @Test
    void helpListsTheOptions() {
        Run f = run("features", "--help");
        assertThat(f.exit()).isZero();
        Run v = run("features3d", "--help");
        assertThat(v.exit()).isZero();
    }
}

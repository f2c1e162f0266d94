package org.slidestream.dl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.dl.ModelConfig.Embedding;
import org.slidestream.format.FormatException;

class FeatureModelTest {
    @TempDir Path tmp;

    private static final float[] INPUTS = TestModel.npy("inputs.npy");

    @Test
    void tokensClsAndMeanMatchPyTorch() {
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 1)) {
            assertThat(m.inputHeight()).isEqualTo(32);
            assertThat(m.inputWidth()).isEqualTo(32);
            assertThat(m.dim()).isEqualTo(64);
            assertThat(m.hasTokens()).isTrue();
            assertThat(m.tokenGrid()).containsExactly(4, 4);
            FloatBuffer in = TestModel.direct(INPUTS);
            assertThat(TestModel.maxAbsDiff(m.run(in, 3), TestModel.npy("tokens.npy"))).isLessThan(1e-4);
            assertThat(TestModel.maxAbsDiff(m.embed(in, 3), TestModel.npy("cls.npy"))).isLessThan(1e-4);
        }
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults().withEmbedding(Embedding.MEAN), Device.CPU, 1)) {
            assertThat(TestModel.maxAbsDiff(m.embed(TestModel.direct(INPUTS), 3), TestModel.npy("mean.npy"))).isLessThan(1e-4);
        }
    }

    @Test
    void aBxDOutputIsUsedAsIs() {
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults().withOutputName("embedding"), Device.CPU, 1)) {
            assertThat(m.hasTokens()).isFalse();
            assertThat(m.dim()).isEqualTo(64);
            assertThat(TestModel.maxAbsDiff(m.embed(TestModel.direct(INPUTS), 3), TestModel.npy("cls.npy"))).isLessThan(1e-4);
            assertThatThrownBy(m::tokenGrid).isInstanceOf(ModelException.class).hasMessageContaining("B x T x D");
        }
    }

    @Test
    void eachImageGetsTheSameEmbeddingWhateverTheBatch() {
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 2)) {
            float[] all = m.embed(TestModel.direct(INPUTS), 3);
            int chw = m.inputSize();
            for (int i = 0; i < 3; i++) {
                float[] one = m.embed(TestModel.direct(Arrays.copyOfRange(INPUTS, i * chw, (i + 1) * chw)), 1);
                assertThat(TestModel.maxAbsDiff(one, Arrays.copyOfRange(all, i * 64, (i + 1) * 64))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void clearErrorsForBadModelsAndConfigs() throws IOException {
        assertThatThrownBy(() -> FeatureModel.open(tmp.resolve("missing.onnx"), ModelConfig.defaults(), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageEndingWith("missing.onnx: model file not found");
        Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
        assertThatThrownBy(() -> FeatureModel.open(junk, ModelConfig.defaults(), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("junk.onnx: cannot load the model");
        Path cfg = Files.writeString(tmp.resolve("cfg.json"), "{\"input_size\": 224}");
        assertThatThrownBy(() -> FeatureModel.open(TestModel.onnx(), ModelConfig.read(cfg), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("the model takes 32x32 images but the config says input_size 224x224");
        Path typo = Files.writeString(tmp.resolve("typo.json"), "{\"embeding\": \"mean\"}");
        assertThatThrownBy(() -> ModelConfig.read(typo)).isInstanceOf(FormatException.class).hasMessageContaining("unknown key 'embeding'");
        Path badOut = Files.writeString(tmp.resolve("out.json"), "{\"output_name\": \"logits\"}");
        assertThatThrownBy(() -> FeatureModel.open(TestModel.onnx(), ModelConfig.read(badOut), Device.CPU, 1))
                .hasMessageContaining("no output 'logits' (outputs: [tokens, embedding])");
    }

    @Test
    void aModelThatDoesNotTakeImagesIsRefused() {
        org.slidestream.testing.ReferenceTools.requirePythonModules("onnx");
        Path flat = tmp.resolve("flat.onnx");
        org.slidestream.testing.ReferenceTools.python("""
                import sys, onnx
                from onnx import helper, TensorProto
                x = helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 10])
                y = helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', 10])
                g = helper.make_graph([helper.make_node('Relu', ['x'], ['y'])], 'flat', [x], [y])
                onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)], ir_version=8), sys.argv[1])
                """, flat).requireSuccess("onnx");
        assertThatThrownBy(() -> FeatureModel.open(flat, ModelConfig.defaults(), Device.CPU, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("flat.onnx: input 'x' must be an image batch B x 3 x H x W");
    }

    @Test
    void cudaOnACpuBuildSaysWhatIsMissingAndHowToGetIt() {
        org.junit.jupiter.api.Assumptions.assumeFalse(ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                .contains(ai.onnxruntime.OrtProvider.CUDA), "this build has the CUDA provider");
        assertThatThrownBy(() -> FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CUDA, 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("CUDA provider is not in this ONNX Runtime build")
                .hasMessageContaining("-Pcuda");
    }

    @Test
    void configReadsEveryKey() throws IOException {
        Path cfg = Files.writeString(tmp.resolve("cfg.json"), """
                {"input_size": [32, 32], "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "channel_order": "bgr",
                 "interpolation": "bilinear", "embedding": "mean", "prefix_tokens": 1, "input_name": "pixel_values",
                 "output_name": "tokens"}""");
        ModelConfig c = ModelConfig.read(cfg);
        assertThat(c.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(c.channelOrder()).isEqualTo(ModelConfig.ChannelOrder.BGR);
        assertThat(c.interpolation()).isEqualTo(ModelConfig.Interpolation.BILINEAR);
        assertThat(c.embedding()).isEqualTo(Embedding.MEAN);
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), c, Device.CPU, 1)) {
            assertThat(TestModel.maxAbsDiff(m.embed(TestModel.direct(INPUTS), 3), TestModel.npy("mean.npy"))).isLessThan(1e-4);
        }
    }
}

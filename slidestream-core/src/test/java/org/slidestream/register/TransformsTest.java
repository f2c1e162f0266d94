package org.slidestream.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;

class TransformsTest {
    @TempDir Path dir;

    static DisplacementField wavyField() {
        DisplacementField f = DisplacementField.zero(1000, 800, 100);
        for (int j = 0; j < f.rows(); j++) {
            for (int i = 0; i < f.cols(); i++) {
                f.dx()[j * f.cols() + i] = (float) (4 * Math.sin(i * 0.7));
                f.dy()[j * f.cols() + i] = (float) (-3 * Math.cos(j * 0.5));
            }
        }
        return f;
    }

    @Test
    void affineInverseAndComposition() {
        Affine a = Affine.similarity(17, 1.3, 400, 300, 12, -8);
        Affine id = a.after(a.inverse());
        assertThat(id.m00()).isCloseTo(1, within(1e-12));
        assertThat(id.m01()).isCloseTo(0, within(1e-12));
        assertThat(id.m02()).isCloseTo(0, within(1e-9));
        assertThat(a.rotationDegrees()).isCloseTo(17, within(1e-9));
        assertThat(a.meanScale()).isCloseTo(1.3, within(1e-12));
        // the centre moves only by the translation
        assertThat(a.x(400, 300)).isCloseTo(412, within(1e-9));
        assertThat(a.y(400, 300)).isCloseTo(292, within(1e-9));
    }

    @Test
    void displacementIsBilinearBetweenNodesAndHeldBeyond() {
        DisplacementField f = wavyField();
        double[] d = new double[2];
        f.at(200, 300, d);
        assertThat(d[0]).isCloseTo(f.dx()[3 * f.cols() + 2], within(1e-6));
        f.at(250, 300, d);
        assertThat(d[0]).isCloseTo((f.dx()[3 * f.cols() + 2] + f.dx()[3 * f.cols() + 3]) / 2, within(1e-5));
        f.at(-50, 5000, d);
        assertThat(d[0]).isCloseTo(f.dx()[(f.rows() - 1) * f.cols()], within(1e-6));
    }

    @Test
    void pointsMapToMovingAndBack() {
        RoundTransform t = new RoundTransform(Affine.similarity(-23, 0.8, 500, 400, 30, 5), wavyField());
        double[] m = new double[2], r = new double[2];
        for (double x = 0; x < 1000; x += 97) {
            for (double y = 0; y < 800; y += 89) {
                t.toMoving(x, y, m);
                t.toReference(m[0], m[1], r);
                assertThat(r[0]).isCloseTo(x, within(1e-3));
                assertThat(r[1]).isCloseTo(y, within(1e-3));
            }
        }
    }

    @Test
    void jsonRoundTripKeepsEveryNumber() throws IOException {
        RoundTransform rigid = new RoundTransform(Affine.similarity(3.25, 1, 10, 20, -4.5, 7.125), null);
        RoundTransform warped = new RoundTransform(Affine.similarity(-1, 0.5, 0, 0, 1, 2), wavyField());
        Transforms.Image ref = new Transforms.Image("r0", "r0.ome.tif", 1000, 800, 0.5, 0.5);
        Transforms.Set set = new Transforms.Set(ref, List.of(
                new Transforms.Round(new Transforms.Image("r1", "r1.ome.tif", 1000, 800, 0.5, 0.5), "success", null, rigid),
                new Transforms.Round(new Transforms.Image("r2", "r2.ome.tif", 500, 400, 1.0, 1.0), "success", null, warped),
                new Transforms.Round(new Transforms.Image("r3", "r3.ome.tif", 0, 0, null, null), "failed", "r3.ome.tif: no nuclear channel", null)));
        Path f = dir.resolve("transforms.json");
        Transforms.write(set, f);
        Transforms.Set back = Transforms.read(f);
        assertThat(back.reference()).isEqualTo(ref);
        assertThat(back.round("r1").transform()).isEqualTo(rigid);
        assertThat(back.round("r2").transform()).isEqualTo(warped);
        assertThat(back.round("r3").transform()).isNull();
        assertThat(back.round("r3").reason()).contains("no nuclear channel");
        assertThatThrownBy(() -> back.round("r9")).hasMessageContaining("no round 'r9'").hasMessageContaining("r1, r2, r3");
    }

    @Test
    void damagedJsonIsAFormatError() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"reference\": {}, \"rounds\": [{\"name\": \"a\", \"affine\": [[1, 0], [0, 1, 0]]}]}");
        assertThatThrownBy(() -> Transforms.read(f)).isInstanceOf(FormatException.class).hasMessageContaining("2 rows of 3 numbers");
        Files.writeString(f, "{not json");
        assertThatThrownBy(() -> Transforms.read(f)).isInstanceOf(FormatException.class).hasMessageContaining("bad.json");
    }
}

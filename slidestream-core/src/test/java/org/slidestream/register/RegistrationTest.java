package org.slidestream.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slidestream.memory.MemoryBudget;

class RegistrationTest {
    private static final MemoryBudget BUDGET = new MemoryBudget(512L << 20);

    /** Median over a grid of reference points of |truth(estimate(p)) - p|, points whose estimate lies inside the moving round. */
    static double medianTre(SyntheticRounds s, int round, RoundTransform t) {
        SyntheticRounds.Truth truth = s.truths().get(round);
        double[] m = new double[2], r = new double[2];
        double[] errs = new double[400];
        int n = 0;
        for (int j = 0; j < 20; j++) {
            for (int i = 0; i < 20; i++) {
                double x = (i + 0.5) * s.width() / 20, y = (j + 0.5) * s.height() / 20;
                t.toMoving(x, y, m);
                if (m[0] < 0 || m[1] < 0 || m[0] > s.width() - 1 || m[1] > s.height() - 1) continue;
                truth.toReference(m[0], m[1], r);
                errs[n++] = Math.hypot(r[0] - x, r[1] - y);
            }
        }
        double[] e = Arrays.copyOf(errs, n);
        Arrays.sort(e);
        return e[n / 2];
    }

    static Pyramid pyramid(SyntheticRounds s, int round) {
        return Pyramid.inMemory("round" + round, s.round(round), s.channelNames(round), SyntheticRounds.mpp());
    }

    @Test
    void rigidRoundsRegisterWithinOnePixel() {
        SyntheticRounds s = new SyntheticRounds(1024, 1024, 2, 3, 7, SyntheticRounds.Variation.rigid());
        Registration reg = new Registration(pyramid(s, 0), 0, RegistrationOptions.defaults(), BUDGET);
        for (int r = 1; r < 3; r++) {
            Registration.Result res = reg.register(pyramid(s, r), 0);
            double tre = medianTre(s, r, res.transform());
            System.out.printf("round %d: truth rot %.2f t (%.1f, %.1f); found rot %.2f; TRE %.3f px, residual %.3f px (%d patches)%n",
                    r, s.truths().get(r).rotation(), s.truths().get(r).tx(), s.truths().get(r).ty(),
                    res.transform().affine().rotationDegrees(), tre, res.medianTrePx(), res.matchedPatches());
            assertThat(tre).isLessThanOrEqualTo(1.0);
            assertThat(res.medianTrePx()).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void nonrigidRoundsRegisterWithinTwoPixels() {
        SyntheticRounds s = new SyntheticRounds(1024, 1024, 2, 3, 11, SyntheticRounds.Variation.nonrigid());
        Registration affineOnly = new Registration(pyramid(s, 0), 0, RegistrationOptions.defaults(), BUDGET);
        Registration reg = new Registration(pyramid(s, 0), 0, RegistrationOptions.defaults().withNonrigid(true), BUDGET);
        for (int r = 1; r < 3; r++) {
            Pyramid mov = pyramid(s, r);
            double affineTre = medianTre(s, r, affineOnly.register(mov, 0).transform());
            Registration.Result res = reg.register(mov, 0);
            double tre = medianTre(s, r, res.transform());
            System.out.printf("round %d non-rigid: affine TRE %.3f px, non-rigid TRE %.3f px, residual %.3f px%n", r, affineTre, tre, res.medianTrePx());
            assertThat(tre).isLessThanOrEqualTo(2.0).isLessThan(affineTre);
        }
    }
}

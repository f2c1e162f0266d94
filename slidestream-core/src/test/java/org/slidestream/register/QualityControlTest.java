package org.slidestream.register;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;

class QualityControlTest {
    private static final MemoryBudget BUDGET = new MemoryBudget(256L << 20);

    /** Of the pixels bright in the reference (magenta), the fraction where the round is bright too (white). */
    static double whiteFraction(Raster overlay) {
        long bright = 0, white = 0;
        byte[] o = overlay.bytes();
        for (int i = 0; i < overlay.width() * overlay.height(); i++) {
            int r = o[3 * i] & 0xFF, g = o[3 * i + 1] & 0xFF, b = o[3 * i + 2] & 0xFF;
            assertThat(r).isEqualTo(b);
            if (r > 128) {
                bright++;
                if (g > 128) white++;
            }
        }
        return (double) white / bright;
    }

    @Test
    void overlayIsWhereAlignedAndMetricsImprove() {
        SyntheticRounds s = new SyntheticRounds(1024, 768, 2, 2, 21, SyntheticRounds.Variation.rigid());
        Pyramid ref = RegistrationTest.pyramid(s, 0), mov = RegistrationTest.pyramid(s, 1);
        Registration.Result res = new Registration(ref, 0, RegistrationOptions.defaults(), BUDGET).register(mov, 0);
        try (QualityControl qc = new QualityControl(ref, 0, 400, BUDGET)) {
            // QC comes from a pyramid level: 400 px on the longer side, not the 1024 of level 0
            assertThat(qc.width()).isEqualTo(400);
            assertThat(qc.height()).isEqualTo(300);
            QualityControl.RoundQc after = qc.evaluate(mov, 0, res.transform());
            QualityControl.RoundQc before = qc.evaluate(mov, 0, RoundTransform.IDENTITY);
            assertThat(after.overlay().width()).isEqualTo(400);
            assertThat(whiteFraction(after.overlay())).isGreaterThan(0.8);
            assertThat(whiteFraction(before.overlay())).isLessThan(0.5);
            assertThat(after.nccAfter()).isGreaterThan(0.8).isGreaterThan(after.nccBefore() + 0.3);
            assertThat(after.diceAfter()).isGreaterThan(0.8).isGreaterThan(after.diceBefore() + 0.3);
        }
    }
}

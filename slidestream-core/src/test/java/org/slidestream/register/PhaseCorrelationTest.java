package org.slidestream.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;

class PhaseCorrelationTest {

    @Test
    void findsSubPixelShiftsWithTheDocumentedSign() {
        SyntheticRounds s = new SyntheticRounds(512, 512, 1, 1, 5, SyntheticRounds.Variation.rigid());
        Pyramid p = Pyramid.inMemory("r", s.round(0), s.channelNames(0), 0.5);
        Gray whole = Sampler.whole(p, 0, 0, 1, new MemoryBudget(64L << 20));
        double[][] shifts = {{3.25, -1.5}, {-7.75, 4.4}, {0.3, 0.6}};
        for (double[] sh : shifts) {
            Gray ref = Gray.zeros(128, 128), mov = Gray.zeros(128, 128);
            for (int y = 0; y < 128; y++) {
                for (int x = 0; x < 128; x++) {
                    ref.data()[y * 128 + x] = (float) whole.sample(200 + x, 200 + y);
                    // moving(r) = image(r - s), so reference(r) = moving(r + s)
                    mov.data()[y * 128 + x] = (float) whole.sample(200 + x - sh[0], 200 + y - sh[1]);
                }
            }
            PhaseCorrelation.Shift r = PhaseCorrelation.estimate(ref, mov);
            assertThat(r.dx()).isCloseTo(sh[0], within(0.3));
            assertThat(r.dy()).isCloseTo(sh[1], within(0.3));
            assertThat(r.peak()).isGreaterThan(0.2);
        }
    }

    @Test
    void unrelatedImagesGiveALowPeak() {
        MemoryBudget b = new MemoryBudget(64L << 20);
        SyntheticRounds a = new SyntheticRounds(512, 512, 1, 1, 5, SyntheticRounds.Variation.rigid());
        SyntheticRounds c = new SyntheticRounds(512, 512, 1, 1, 6, SyntheticRounds.Variation.rigid());
        Region r = new Region(180, 180, 128, 128);
        Gray ga = Sampler.area(Pyramid.inMemory("a", a.round(0), a.channelNames(0), 0.5), 0, 0, 1, r, b);
        Gray gc = Sampler.area(Pyramid.inMemory("c", c.round(0), c.channelNames(0), 0.5), 0, 0, 1, r, b);
        assertThat(PhaseCorrelation.estimate(ga, gc).peak()).isLessThan(0.1);
        assertThat(PhaseCorrelation.estimate(ga, ga).peak()).isGreaterThan(0.9);
    }
}

package org.slidestream.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void requestLargerThanBudgetFailsAtOnceSayingHowMuch() {
        MemoryBudget b = new MemoryBudget(100 << 20);
        assertThatThrownBy(() -> b.reserve(200L << 20, "a 10000x7000 RGB region"))
                .isInstanceOf(MemoryBudgetExceededException.class)
                .hasMessageContaining("a 10000x7000 RGB region needs 200 MiB")
                .hasMessageContaining("budget is 100 MiB");
    }

    @Test
    void reserveWaitsUntilBytesAreReleased() throws Exception {
        MemoryBudget b = new MemoryBudget(1000);
        Reservation first = b.reserve(800, "first");
        AtomicBoolean got = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try (Reservation r = b.reserve(500, "second")) {
                got.set(true);
            }
            done.countDown();
        });
        assertThat(done.await(200, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(got).isFalse();
        first.close();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        t.join();
        assertThat(b.reserved()).isZero();
        assertThat(b.peak()).isEqualTo(800);
    }

    @Test
    void closingTwiceReleasesOnce() {
        MemoryBudget b = new MemoryBudget(1000);
        Reservation r = b.reserve(600, "x");
        r.close();
        r.close();
        assertThat(b.reserved()).isZero();
    }

    @Test
    void tryReserveGivesUp() throws Exception {
        MemoryBudget b = new MemoryBudget(1000);
        try (Reservation r = b.reserve(900, "x")) {
            assertThat(b.tryReserve(200, "y", 50, TimeUnit.MILLISECONDS)).isNull();
        }
        assertThat(b.tryReserve(200, "y", 50, TimeUnit.MILLISECONDS)).isNotNull();
    }

    @Test
    void defaultIsCappedByHeap() {
        MemoryBudget b = MemoryBudget.of(Long.MAX_VALUE / 2);
        assertThat(b.total()).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    }

    @Test
    void parsesAndFormatsSizes() {
        assertThat(MemorySize.parse("512m")).isEqualTo(512L << 20);
        assertThat(MemorySize.parse("2G")).isEqualTo(2L << 30);
        assertThat(MemorySize.parse("1.5GiB")).isEqualTo(3L << 29);
        assertThat(MemorySize.parse("4096")).isEqualTo(4096);
        assertThat(MemorySize.format(512L << 20)).isEqualTo("512 MiB");
        assertThat(MemorySize.format(1536L << 20)).isEqualTo("1.5 GiB");
        assertThatThrownBy(() -> MemorySize.parse("lots")).hasMessageContaining("not a memory size");
    }

    @Test
    void peakMemoryIsReported() {
        assertThat(PeakMemory.peakBytes()).isPositive();
    }
}

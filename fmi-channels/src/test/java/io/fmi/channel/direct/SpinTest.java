package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a receive polls before it blocks. */
class SpinTest {
    private static final long BUDGET = 50_000;

    /** How many of the next {@code receives} receives poll, none of them finding its message. */
    private static int pollingOf(Spin spin, int receives) {
        int polled = 0;
        for (int i = 0; i < receives; i++) {
            if (spin.budget(BUDGET) > 0) {
                polled++;
                spin.miss(true);
            }
        }
        return polled;
    }

    @Test
    void pollsWhileItFindsItsMessages() {
        Spin spin = new Spin();
        for (int i = 0; i < 100; i++) {
            assertEquals(BUDGET, spin.budget(BUDGET));
            spin.hit();
        }
    }

    @Test
    void backsOffExponentiallyWhilePollingFindsNothing() {
        Spin spin = new Spin();
        // polls at receives 0, 2, 6, 14, 30, 62, then every 64th
        assertEquals(6, pollingOf(spin, 63));
        assertEquals(2, pollingOf(spin, 128));
        assertEquals(0, spin.budget(BUDGET), "the receive after a miss at the cap blocks at once");
    }

    @Test
    void oneHitEndsTheBackOff() {
        Spin spin = new Spin();
        pollingOf(spin, 200);
        while (spin.budget(BUDGET) == 0) {
            // the backed-off receives block
        }
        spin.hit();
        assertEquals(BUDGET, spin.budget(BUDGET));
        spin.miss(true);
        assertEquals(0, spin.budget(BUDGET), "after a hit, one miss skips one receive, not 63");
        assertEquals(BUDGET, spin.budget(BUDGET));
    }

    @Test
    void noBudgetNeitherPollsNorSpendsTheBackOff() {
        Spin spin = new Spin();
        spin.budget(BUDGET);
        spin.miss(true);
        assertEquals(0, spin.budget(0));
        assertEquals(0, spin.budget(BUDGET), "the skip is still owed");
        assertEquals(BUDGET, spin.budget(BUDGET));
    }

    @Test
    void missesWithoutBackOffKeepPolling() {
        // polls that yield (where ranks share cores a receive that polled in vain mostly waited for a
        // peer that was not running) and a configured spin_us poll every time
        Spin spin = new Spin();
        for (int i = 0; i < 100; i++) {
            assertEquals(BUDGET, spin.budget(BUDGET), "receive " + i);
            spin.miss(false);
        }
        spin.miss(true);
        assertEquals(0, spin.budget(BUDGET), "an adaptive miss on a core of its own still backs off");
    }

    @Test
    void coresAreSharedWhenRanksOnTheHostOutnumberThem() {
        assertFalse(Spin.sharedCores(1, 1, 1), "one function on one vCPU");
        assertFalse(Spin.sharedCores(2, 1, 2), "two processes on two cores");
        assertTrue(Spin.sharedCores(8, 1, 2), "eight processes on two cores");
        assertTrue(Spin.sharedCores(1, 3, 2), "three ranks as threads of one JVM on two cores");
        assertFalse(Spin.sharedCores(1, 2, 4));
    }

    @Test
    void sharedCoresPollLongerThanACoreOfItsOwn() {
        // where ranks share cores a poll yields the core, so it may last longer without starving the peer
        assertEquals(Spin.SHARED_NANOS, Spin.defaultNanos(true));
        assertEquals(Spin.DEFAULT_NANOS, Spin.defaultNanos(false));
        assertTrue(Spin.defaultNanos(true) > Spin.defaultNanos(false));
    }
}

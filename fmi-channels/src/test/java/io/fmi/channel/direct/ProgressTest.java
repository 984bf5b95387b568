package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The background driver of the Direct channel: every task handed to it runs exactly once, also one
 * handed over while it closes (a pairing that completes during close() must get its socket
 * attached or closed, never forgotten).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProgressTest {

    @Test
    void aTaskSubmittedWhileCloseRunsStillRunsOnce() throws Exception {
        // the race is between submit's look at "stopped" and its queuing: many rounds, each a
        // submit and a close started at the same moment from two threads
        for (int round = 0; round < 2000; round++) {
            Progress progress = new Progress("progress-test-" + round, key -> { });
            AtomicInteger ran = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(2);
            Thread submitter = new Thread(() -> {
                try {
                    start.await();
                    progress.submit(ran::incrementAndGet);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            submitter.start();
            start.await();
            progress.close();
            submitter.join();
            assertEquals(1, ran.get(), "round " + round + ": the task ran " + ran.get() + " times");
        }
    }

    @Test
    void aTaskSubmittedAfterCloseRunsInTheSubmittingThread() {
        Progress progress = new Progress("progress-test-after", key -> { });
        progress.close();
        Thread[] ranIn = new Thread[1];
        progress.submit(() -> ranIn[0] = Thread.currentThread());
        assertEquals(Thread.currentThread(), ranIn[0]);
    }
}

package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * How {@link Liveness} judges a writer's mark when the store is slow to answer: the mark's age is
 * taken against this peer's clock when it asked, so a slow answer (a loaded store, or this host too
 * busy to take the response) does not turn a live peer into a dead one — as it did on a loaded CI
 * host ("its last heartbeat is 4039 ms old" for a peer that was beating). A mark that was already
 * old when asked for still counts as dead.
 */
class LivenessTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    /** Longer than the limit on a mark's age (two intervals and the slack). */
    private static final long ANSWER_MS = 2 * HEARTBEAT.toMillis() + Liveness.SLACK_MS + 500;

    /** Marks in memory; every read takes them when asked and answers {@link #ANSWER_MS} later. */
    private static final class SlowMarks implements ObjectStoreChannel {
        final Map<String, byte[]> marks = new ConcurrentHashMap<>();

        @Override
        public byte[][] getMarks(List<String> keys) {
            byte[][] values = keys.stream().map(marks::get).toArray(byte[][]::new);
            try {
                Thread.sleep(ANSWER_MS); // the answer's way back, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return values;
        }

        @Override
        public void putMark(String key, byte[] value, Duration ttl) {
            marks.put(key, value);
        }

        @Override
        public Duration heartbeat() {
            return HEARTBEAT;
        }

        @Override
        public String name() {
            return "SlowMarks";
        }

        @Override
        public void open(ChannelContext context) {
        }

        @Override
        public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] get(String key, Deadline deadline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] tryGet(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static byte[] mark(long counter, long wallMs) {
        return ByteBuffer.allocate(16).putLong(counter).putLong(wallMs).array();
    }

    @Test
    void aFreshMarkThatIsSlowToArriveIsAlive() {
        SlowMarks store = new SlowMarks();
        Liveness liveness = new Liveness(store, new ChannelContext(0, 2, "slow-answer", "fmi"));
        store.putMark(Liveness.heartbeatKey(1), mark(1, System.currentTimeMillis()), Duration.ofSeconds(60));
        Map<Integer, ChannelException> gone = liveness.gone(List.of(1));
        assertEquals(Map.of(), gone, "rank 1 beat just before the read began; the answer took " + ANSWER_MS + " ms");
    }

    @Test
    void aMarkThatWasOldWhenAskedForIsDead() {
        SlowMarks store = new SlowMarks();
        Liveness liveness = new Liveness(store, new ChannelContext(0, 2, "old-mark", "fmi"));
        store.putMark(Liveness.heartbeatKey(1), mark(1, System.currentTimeMillis() - ANSWER_MS), Duration.ofSeconds(60));
        Map<Integer, ChannelException> gone = liveness.gone(List.of(1));
        assertEquals(List.of(1), List.copyOf(gone.keySet()));
        assertTrue(gone.get(1).getMessage().contains("last heartbeat is"), gone.get(1).getMessage());
    }
}

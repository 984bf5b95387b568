package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.local.LocalPeers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which large collectives copy the user's buffers through pooled arrays ({@link Buf#bytesStaged}):
 * on two ranks, direct buffers go to the channel as they are (they used to be staged, so that a bcast
 * of 1 MiB between two processes was copied four times on its way); heap buffers that the channel
 * does not move in place are staged, as before. Every result is checked byte by byte.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StagingTest {
    private static final int LENGTH = 1 << 20;
    private static final int SIZE = 2;
    private static final int BLOCK = LENGTH / SIZE;

    private static ByteBuffer filled(boolean direct, int length, int seed) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            b.put(i, (byte) (i * (seed + 1)));
        }
        return b;
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void onTwoRanksOnlyDirectBuffersGoAsTheyAre(boolean direct) {
        long before = Buf.bytesStaged();
        List<ByteBuffer[]> results = LocalPeers.call(SIZE, comm -> {
            ByteBuffer bcast = filled(direct, LENGTH, comm.rank() == 1 ? 6 : 50);
            comm.bcast(bcast, 1);
            ByteBuffer gathered = filled(direct, LENGTH, 99);
            comm.allgather(filled(direct, BLOCK, 30 + comm.rank()), gathered);
            ByteBuffer exchanged = filled(direct, LENGTH, 98);
            comm.alltoall(filled(direct, LENGTH, comm.rank()), exchanged);
            return new ByteBuffer[] {bcast, gathered, exchanged};
        });
        long staged = Buf.bytesStaged() - before;
        for (int rank = 0; rank < SIZE; rank++) {
            ByteBuffer[] r = results.get(rank);
            for (int i = 0; i < LENGTH; i++) {
                int from = i / BLOCK;
                int at = i % BLOCK;
                byte bcast = (byte) (i * 7);
                byte gathered = (byte) (at * (30 + from + 1));
                // block j of rank r's result is block r of rank j's send buffer
                byte exchanged = (byte) ((rank * BLOCK + at) * (from + 1));
                if (r[0].get(i) != bcast || r[1].get(i) != gathered || r[2].get(i) != exchanged) {
                    assertEquals(bcast, r[0].get(i), "rank " + rank + ": bcast byte " + i);
                    assertEquals(gathered, r[1].get(i), "rank " + rank + ": allgather byte " + i);
                    assertEquals(exchanged, r[2].get(i), "rank " + rank + ": alltoall byte " + i);
                }
            }
        }
        if (direct) {
            assertEquals(0, staged, "bytes of direct buffers staged in pooled arrays");
        } else {
            // every rank's bcast buffer, allgather send and result, alltoall send and result
            assertTrue(staged >= (long) SIZE * (LENGTH + BLOCK + LENGTH + LENGTH + LENGTH), staged + " bytes staged");
        }
    }
}

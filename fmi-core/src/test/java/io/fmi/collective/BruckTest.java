package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.fmi.local.LocalPeers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Allgathers and alltoalls whose blocks are small enough for Bruck's algorithms (messages of up to
 * size / 2 blocks within {@link PeerToPeerCollectives#BRUCK_MAX_ALLTOALL_MESSAGE}, the smaller of the
 * two limits, so both algorithms run Bruck's in every case), on counts of ranks that
 * are and are not powers of two, from byte arrays and direct buffers: every block of every rank
 * arrives in its place.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BruckTest {

    private static byte[] blocks(int rank, int count, int block) {
        byte[] b = new byte[count * block];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (rank * 37 + i * 11 + i / block);
        }
        return b;
    }

    @ParameterizedTest(name = "{0} ranks, blocks of {1} B")
    @CsvSource({"3,16384", "5,16384", "6,8192", "7,4096", "8,8192", "8,8", "11,1000"})
    void everyBlockArrivesInItsPlace(int size, int block) {
        List<byte[][]> results = LocalPeers.call(size, comm -> {
            byte[] mine = blocks(comm.rank(), 1, block);
            byte[] gathered = new byte[size * block];
            comm.allgather(mine, gathered);
            ByteBuffer direct = ByteBuffer.allocateDirect(size * block);
            comm.allgather(ByteBuffer.allocateDirect(block).put(mine).flip(), direct);
            byte[] gatheredDirect = new byte[size * block];
            direct.get(0, gatheredDirect);

            byte[] out = blocks(comm.rank(), size, block);
            byte[] exchanged = new byte[size * block];
            comm.alltoall(out, exchanged);
            byte[] inPlace = out.clone();
            comm.alltoall(inPlace, inPlace);
            return new byte[][] {gathered, gatheredDirect, exchanged, inPlace};
        });
        for (int r = 0; r < size; r++) {
            byte[] wantGathered = new byte[size * block];
            byte[] wantExchanged = new byte[size * block];
            for (int from = 0; from < size; from++) {
                System.arraycopy(blocks(from, 1, block), 0, wantGathered, from * block, block);
                System.arraycopy(blocks(from, size, block), r * block, wantExchanged, from * block, block);
            }
            byte[][] got = results.get(r);
            assertArrayEquals(wantGathered, got[0], "allgather on rank " + r);
            assertArrayEquals(wantGathered, got[1], "allgather of direct buffers on rank " + r);
            assertArrayEquals(wantExchanged, got[2], "alltoall on rank " + r);
            assertArrayEquals(wantExchanged, got[3], "alltoall in place on rank " + r);
        }
    }
}

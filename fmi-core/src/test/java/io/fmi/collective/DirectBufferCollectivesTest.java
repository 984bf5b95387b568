package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Op;
import io.fmi.local.LocalPeers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.IntFunction;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large collectives on direct {@code ByteBuffer}s work in the user's buffer itself: the bytes
 * between position and limit get the result, the bytes around them and the position stay (an
 * allreduce whether the send buffer is another buffer or the same one, in place; a bcast on every
 * rank). Allgather and alltoall, whose results may be received straight into the user's buffer,
 * also on heap buffers; allreduce of heap windows, of a heap window into a direct one and back, and
 * of {@code double[]}, in place or not, on power-of-two counts of ranks and not.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DirectBufferCollectivesTest {
    private static final int OFFSET = 5;
    private static final int LENGTH = 1 << 20;
    private static final byte GUARD = 77;

    private static ByteBuffer window(int rank) {
        return window(rank, true);
    }

    /** A direct buffer, or a heap one that starts 3 bytes into its array. */
    private static ByteBuffer window(int rank, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(OFFSET + LENGTH + OFFSET)
                : ByteBuffer.wrap(new byte[3 + OFFSET + LENGTH + OFFSET], 3, OFFSET + LENGTH + OFFSET).slice();
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, GUARD);
        }
        for (int i = 0; i < LENGTH; i++) {
            b.put(OFFSET + i, (byte) (i * (rank + 1)));
        }
        return b.position(OFFSET).limit(OFFSET + LENGTH);
    }

    private static void check(List<ByteBuffer> results, int size) {
        check(results, i -> {
            byte expected = 0;
            for (int r = 0; r < size; r++) {
                expected += (byte) (i * (r + 1));
            }
            return expected;
        });
    }

    private static void check(List<ByteBuffer> results, IntFunction<Byte> element) {
        for (ByteBuffer b : results) {
            assertEquals(OFFSET, b.position(), "position moved");
            assertEquals(OFFSET + LENGTH, b.limit(), "limit moved");
            ByteBuffer all = b.duplicate().clear();
            for (int i = 0; i < OFFSET; i++) {
                assertEquals(GUARD, all.get(i), "byte " + i + " before the window");
                assertEquals(GUARD, all.get(OFFSET + LENGTH + i), "byte " + i + " after the window");
            }
            for (int i = 0; i < LENGTH; i++) {
                byte expected = element.apply(i);
                if (b.get(OFFSET + i) != expected) {
                    assertEquals(expected, b.get(OFFSET + i), "element " + i);
                }
            }
        }
    }

    @Test
    void intoAnotherDirectBuffer() {
        int size = 4;
        check(LocalPeers.call(size, comm -> {
            ByteBuffer send = window(comm.rank());
            ByteBuffer recv = window(99);
            comm.allreduce(send, recv, Op.SUM);
            return recv;
        }), size);
    }

    @Test
    void inPlace() {
        int size = 3;
        check(LocalPeers.call(size, comm -> {
            ByteBuffer both = window(comm.rank());
            comm.allreduce(both, both, Op.SUM);
            return both;
        }), size);
    }

    /**
     * The operand and the result the same bytes as two buffer objects (a duplicate, not the same
     * object): no partner's data may land where this rank still reads its own operand from.
     */
    @Test
    void operandAndResultSharingTheirBytes() {
        for (int size : new int[] {4, 8}) {
            check(LocalPeers.call(size, comm -> {
                ByteBuffer recv = window(comm.rank());
                comm.allreduce(recv.duplicate(), recv, Op.SUM);
                return recv;
            }), size);
        }
    }

    /** A heap window or a mix, in place too: the allreduce reads and writes the window's bytes only. */
    @ParameterizedTest(name = "send direct={0}, result direct={1}, in place={2}")
    @CsvSource({"false,false,false", "false,false,true", "true,false,false",
            "false,true,false"})
    void allreduceOfHeapWindowsAndMixes(boolean sendDirect, boolean resultDirect, boolean inPlace) {
        for (int size : new int[] {4, 8}) {
            check(LocalPeers.call(size, comm -> {
                ByteBuffer send = window(comm.rank(), sendDirect);
                ByteBuffer recv = inPlace ? send : window(99, resultDirect);
                comm.allreduce(send, recv, Op.SUM);
                return recv;
            }), size);
        }
    }

    /** Typed arrays, in place and not, on a power of two ranks and not: every element of the sum. */
    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {4, 6, 8})
    void allreduceOfDoublesInPlaceAndNot(int size) {
        int n = LENGTH / 8 + 3;
        List<double[][]> results = LocalPeers.call(size, comm -> {
            double[] mine = new double[n];
            for (int i = 0; i < n; i++) {
                mine[i] = i * (comm.rank() + 1);
            }
            double[] sum = new double[n];
            comm.allreduce(mine, sum, Op.SUM);
            comm.allreduce(mine, mine, Op.SUM);
            return new double[][] {sum, mine};
        });
        for (double[][] r : results) {
            for (int i = 0; i < n; i++) {
                double expected = (double) i * size * (size + 1) / 2;
                if (r[0][i] != expected || r[1][i] != expected) {
                    assertEquals(expected, r[0][i], "element " + i + " of the result");
                    assertEquals(expected, r[1][i], "element " + i + " in place");
                }
            }
        }
    }

    /**
     * Every other element type, and (value, index) pairs, whose operand is copied in and whose
     * result is stored a range at a time: a length the blocks do not divide, on 2 and 8 ranks
     * (Rabenseifner's algorithm) and 6 (the operand copied in whole first), in place too.
     */
    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {2, 6, 8})
    void allreduceOfEveryTypeAndOfPairs(int size) {
        int n = (1 << 17) + 6;
        List<Object[]> results = LocalPeers.call(size, comm -> {
            int r = comm.rank();
            int[] ints = new int[n];
            long[] longs = new long[n];
            float[] floats = new float[n];
            int[] pairs = new int[n];
            for (int i = 0; i < n; i++) {
                ints[i] = i * (r + 1);
                longs[i] = i * 1_000_003L * (r + 1);
                floats[i] = (i % 1000) * (r + 1);
                pairs[i] = i % 2 == 0 ? (i / 2 + r) % size : r;
            }
            int[] intSum = new int[n];
            long[] longSum = new long[n];
            float[] floatSum = new float[n];
            int[] max = new int[n];
            comm.allreduce(ints, intSum, Op.SUM);
            comm.allreduce(longs, longSum, Op.SUM);
            comm.allreduce(floats, floatSum, Op.SUM);
            comm.allreduce(pairs, max, Op.MAXLOC);
            comm.allreduce(ints, ints, Op.SUM);
            return new Object[] {intSum, longSum, floatSum, max, ints};
        });
        long ranks = (long) size * (size + 1) / 2;
        for (Object[] r : results) {
            int[] intSum = (int[]) r[0];
            long[] longSum = (long[]) r[1];
            float[] floatSum = (float[]) r[2];
            int[] max = (int[]) r[3];
            int[] inPlace = (int[]) r[4];
            for (int i = 0; i < n; i++) {
                int pair = i % 2 == 0 ? size - 1 : Math.floorMod(size - 1 - i / 2, size);
                if (intSum[i] != i * ranks || inPlace[i] != i * ranks || longSum[i] != i * 1_000_003L * ranks
                        || floatSum[i] != (i % 1000) * ranks || max[i] != pair) {
                    assertEquals(i * ranks, intSum[i], "int element " + i);
                    assertEquals(i * ranks, inPlace[i], "int element " + i + " in place");
                    assertEquals(i * 1_000_003L * ranks, longSum[i], "long element " + i);
                    assertEquals((i % 1000) * ranks, floatSum[i], "float element " + i);
                    assertEquals(pair, max[i], "MAXLOC element " + i);
                }
            }
        }
    }

    /** A large reduce of doubles to a root that is not rank 0: the root gets every element of the sum. */
    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {2, 6, 8})
    void reduceOfDoubles(int size) {
        int n = LENGTH / 8 + 3;
        int root = size - 1;
        List<double[]> results = LocalPeers.call(size, comm -> {
            double[] mine = new double[n];
            for (int i = 0; i < n; i++) {
                mine[i] = i * (comm.rank() + 1);
            }
            double[] sum = comm.rank() == root ? new double[n] : null;
            comm.reduce(mine, sum, Op.SUM, root);
            return sum;
        });
        double[] sum = results.get(root);
        for (int i = 0; i < n; i++) {
            double expected = (double) i * size * (size + 1) / 2;
            if (sum[i] != expected) {
                assertEquals(expected, sum[i], "element " + i);
            }
        }
    }

    /**
     * Ranks whose results go to direct buffers (reduced in them) and ranks whose results go to heap
     * buffers (reduced in a pooled one, copied in and out a range at a time) in one allreduce and one
     * reduce: they send the same messages.
     */
    @Test
    void directAndHeapResultsInOneCollective() {
        int size = 8;
        List<ByteBuffer[]> results = LocalPeers.call(size, comm -> {
            boolean direct = comm.rank() % 2 == 0;
            ByteBuffer send = window(comm.rank(), direct);
            ByteBuffer sum = window(99, direct);
            comm.allreduce(send, sum, Op.SUM);
            ByteBuffer reduced = window(98, !direct);
            comm.reduce(send, reduced, Op.SUM, 3);
            return new ByteBuffer[] {sum, reduced};
        });
        check(results.stream().map(r -> r[0]).collect(java.util.stream.Collectors.toList()), size);
        check(List.of(results.get(3)[1]), size);
    }

    /**
     * Doubles (and ints, longs, floats) kept in direct buffers, reduced as those elements: in the
     * receive buffer itself, in place too, the bytes around the window untouched; reduce and the
     * non-blocking forms alike.
     */
    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {2, 6, 8})
    void typedElementsInDirectBuffers(int size) {
        int n = LENGTH / 8 + 3;
        List<ByteBuffer[]> results = LocalPeers.call(size, comm -> {
            ByteBuffer mine = doubles(n, comm.rank() + 1);
            ByteBuffer sum = doubles(n, 0);
            comm.allreduce(mine, sum, double.class, Op.SUM);
            ByteBuffer inPlace = doubles(n, comm.rank() + 1);
            comm.iallreduce(inPlace, inPlace, double.class, Op.SUM).waitFor();
            ByteBuffer reduced = comm.rank() == 1 ? doubles(n, 0) : null;
            comm.reduce(mine, reduced, double.class, Op.SUM, 1);
            ByteBuffer ints = ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ByteBuffer longs = ByteBuffer.allocateDirect(8 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ByteBuffer floats = ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                ints.putInt(4 * i, i * (comm.rank() + 1));
                longs.putLong(8 * i, i * 1_000_003L * (comm.rank() + 1));
                floats.putFloat(4 * i, (i % 1000) * (comm.rank() + 1));
            }
            comm.allreduce(ints, ints, int.class, Op.SUM);
            comm.ireduce(longs, longs, long.class, Op.SUM, 0).waitFor();
            comm.allreduce(floats, floats, float.class, Op.SUM);
            return new ByteBuffer[] {sum, inPlace, reduced, ints, longs, floats};
        });
        long ranks = (long) size * (size + 1) / 2;
        for (int r = 0; r < size; r++) {
            ByteBuffer[] b = results.get(r);
            for (ByteBuffer d : r == 1 ? new ByteBuffer[] {b[0], b[1], b[2]} : new ByteBuffer[] {b[0], b[1]}) {
                assertEquals(OFFSET, d.position(), "position moved");
                assertEquals(OFFSET + 8 * n, d.limit(), "limit moved");
                ByteBuffer all = d.duplicate().clear();
                for (int i = 0; i < OFFSET; i++) {
                    assertEquals(GUARD, all.get(i), "byte " + i + " before the window");
                    assertEquals(GUARD, all.get(OFFSET + 8 * n + i), "byte " + i + " after the window");
                }
                for (int i = 0; i < n; i++) {
                    double expected = (double) i * ranks;
                    if (d.getDouble(OFFSET + 8 * i) != expected) {
                        assertEquals(expected, d.getDouble(OFFSET + 8 * i), "rank " + r + ", double " + i);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (b[3].getInt(4 * i) != i * ranks || b[5].getFloat(4 * i) != (i % 1000) * ranks
                        || (r == 0 && b[4].getLong(8 * i) != i * 1_000_003L * ranks)) {
                    assertEquals(i * ranks, b[3].getInt(4 * i), "rank " + r + ", int " + i);
                    assertEquals((i % 1000) * ranks, b[5].getFloat(4 * i), "rank " + r + ", float " + i);
                    assertEquals(i * 1_000_003L * ranks, b[4].getLong(8 * i), "long " + i + " on the root");
                }
            }
        }
    }

    /** {@code n} doubles {@code i * factor} in a little-endian direct window, guard bytes around it. */
    private static ByteBuffer doubles(int n, int factor) {
        ByteBuffer b = ByteBuffer.allocateDirect(OFFSET + 8 * n + OFFSET).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, GUARD);
        }
        for (int i = 0; i < n; i++) {
            b.putDouble(OFFSET + 8 * i, (double) i * factor);
        }
        return b.position(OFFSET).limit(OFFSET + 8 * n);
    }

    /** Buffers that cannot hold the elements asked for: a clear error, before anything is sent. */
    @Test
    void typedBuffersThatDoNotFit() {
        LocalPeers.call(1, comm -> {
            ByteBuffer bigEndian = ByteBuffer.allocateDirect(64);
            ByteBuffer little = ByteBuffer.allocateDirect(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ByteBuffer odd = ByteBuffer.allocateDirect(63).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertMessage(() -> comm.allreduce(bigEndian, little, double.class, Op.SUM),
                    "allreduce: the send ByteBuffer is in BIG_ENDIAN order", "order(ByteOrder.LITTLE_ENDIAN)");
            assertMessage(() -> comm.reduce(little, odd, long.class, Op.SUM, 0),
                    "reduce: the receive ByteBuffer holds 63 bytes", "8-byte long elements");
            assertMessage(() -> comm.allreduce(little, little, short.class, Op.SUM),
                    "cannot hold elements of short", "double.class");
            assertMessage(() -> comm.iallreduce(little, little, null, Op.SUM),
                    "element type is null");
            ByteBuffer ints = ByteBuffer.allocateDirect(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertMessage(() -> comm.allreduce(little, ints, int.class, Op.SUM),
                    "must be 16 elements, is 8");
            // bytes need no order
            comm.allreduce(bigEndian, bigEndian.duplicate(), byte.class, Op.MAX);
            return null;
        });
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        io.fmi.FmiException e = org.junit.jupiter.api.Assertions.assertThrows(io.fmi.FmiException.class, call);
        for (String part : parts) {
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(part),
                    "'" + part + "' not in: " + e.getMessage());
        }
    }

    @Test
    void bcast() {
        int size = 5;
        int root = 3;
        check(LocalPeers.call(size, comm -> {
            ByteBuffer buf = window(comm.rank() == root ? 6 : 50 + comm.rank());
            comm.bcast(buf, root);
            return buf;
        }), i -> (byte) (i * 7));
    }

    /** Heap buffers too: the result is received into the user's array itself. */
    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void allgatherAndAlltoall(boolean direct) {
        int size = 4;
        int block = LENGTH / size;
        List<ByteBuffer[]> results = LocalPeers.call(size, comm -> {
            ByteBuffer mine = ByteBuffer.allocateDirect(block);
            for (int i = 0; i < block; i++) {
                mine.put(i, (byte) (comm.rank() * 31 + i));
            }
            ByteBuffer gathered = window(99, direct);
            comm.allgather(mine, gathered);
            ByteBuffer blocks = window(comm.rank(), direct);
            ByteBuffer exchanged = window(98, direct);
            comm.alltoall(blocks, exchanged);
            ByteBuffer inPlace = window(comm.rank(), direct);
            comm.alltoall(inPlace, inPlace);
            return new ByteBuffer[] {gathered, exchanged, inPlace};
        });
        check(results.stream().map(r -> r[0]).toList(), i -> (byte) ((i / block) * 31 + i % block));
        for (int rank = 0; rank < size; rank++) {
            int me = rank;
            // block j of rank me's result is block me of rank j's window: byte (me * block + k) * (j + 1)
            IntFunction<Byte> expected = i -> (byte) ((me * block + i % block) * (i / block + 1));
            check(List.of(results.get(rank)[1]), expected);
            check(List.of(results.get(rank)[2]), expected);
        }
    }
}

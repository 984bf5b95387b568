package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.fmi.Op;
import io.fmi.local.LocalPeers;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large reduces (recursive halving, then a gather of the reduced blocks) on every path of the
 * gather: straight to the root up to {@link PeerToPeerCollectives#LINEAR_MAX} ranks, binomially
 * beyond, each with and without the fold of a rank count that is not a power of two. The root
 * must get each block from the rank that holds it after the halving, in its place, and the blocks
 * must keep rank order for an operator that is associative but not commutative.
 */
class LargeReduceTest {
    /** Pairs of ints: 320 KB, past the halving's threshold. */
    private static final int INTS = 80_000;

    /** Composition of affine maps {@code x -> a x + b} stored as pairs: associative, not commutative. */
    private static final Op AFFINE = Op.custom((int[] l, int[] r) -> {
        for (int i = 0; i + 1 < l.length; i += 2) {
            int a = l[i] * r[i];
            l[i + 1] = r[i] * l[i + 1] + r[i + 1];
            l[i] = a;
        }
    }, false, true).items(2);

    private static int[] row(int rank) {
        int[] v = new int[INTS];
        for (int i = 0; i < INTS; i++) {
            v[i] = (i * 31 + rank * 17) % 7 - 3;
        }
        return v;
    }

    private static int[] affineFold(int size) {
        int[] acc = row(0);
        for (int r = 1; r < size; r++) {
            int[] next = row(r);
            for (int i = 0; i + 1 < INTS; i += 2) {
                int a = acc[i] * next[i];
                acc[i + 1] = next[i] * acc[i + 1] + next[i + 1];
                acc[i] = a;
            }
        }
        return acc;
    }

    private static int[] roots(int size) {
        return IntStream.of(0, 1, size / 2, size - 1).distinct().toArray();
    }

    @ParameterizedTest(name = "{0} peers")
    @ValueSource(ints = {4, 6, 16, 17, 32, 35})
    void aNonCommutativeReduceKeepsRankOrderAtEveryRoot(int size) {
        int[] expected = affineFold(size);
        LocalPeers.call(size, comm -> {
            for (int root : roots(size)) {
                int[] out = comm.rank() == root ? new int[INTS] : null;
                comm.reduce(row(comm.rank()), out, AFFINE, root);
                if (comm.rank() == root) {
                    assertArrayEquals(expected, out, size + " peers, root " + root);
                }
            }
            return null;
        });
    }

    /** A sum of {@code double[]}: the root stores each block of the result as it arrives. */
    @ParameterizedTest(name = "{0} peers")
    @ValueSource(ints = {8, 12, 32})
    void aSumOfDoublesReachesEveryRoot(int size) {
        int n = 100_003; // 800 KB
        LocalPeers.call(size, comm -> {
            double[] mine = new double[n];
            for (int i = 0; i < n; i++) {
                mine[i] = comm.rank() * 1000.0 + i;
            }
            for (int root : roots(size)) {
                double[] out = comm.rank() == root ? new double[n] : null;
                comm.reduce(mine, out, Op.SUM, root);
                if (comm.rank() == root) {
                    double[] expected = new double[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = 1000.0 * size * (size - 1) / 2 + (double) size * i;
                    }
                    assertArrayEquals(expected, out, size + " peers, root " + root);
                }
            }
            return null;
        });
    }
}

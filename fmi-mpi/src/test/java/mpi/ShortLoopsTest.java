package mpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every MPI operator on SHORT and CHAR against its element-by-element definition, on values where
 * signed and unsigned readings differ (0x8000, 0xFFFF), wrapping sums and products, and lengths
 * around the loops' chunk of 512 elements. (mpitest.Reductions runs them through allReduce on
 * processes, with small values.)
 */
class ShortLoopsTest {
    private static final int[] OPS = {Op.SUM, Op.PROD, Op.MIN, Op.MAX, Op.BAND, Op.BOR, Op.BXOR, Op.LAND, Op.LOR,
            Op.LXOR};
    private static final short[] EDGES = {0, 1, -1, 2, 0x7FFF, (short) 0x8000, (short) 0xFFFE, 300, -300, 0x00FF};

    /** MPI's definition of {@code code} on two 16-bit values read signed or not, as a long. */
    private static LongBinaryOperator definition(int code) {
        switch (code) {
            case Op.SUM: return (a, b) -> a + b;
            case Op.PROD: return (a, b) -> a * b;
            case Op.MIN: return Math::min;
            case Op.MAX: return Math::max;
            case Op.BAND: return (a, b) -> a & b;
            case Op.BOR: return (a, b) -> a | b;
            case Op.BXOR: return (a, b) -> a ^ b;
            case Op.LAND: return (a, b) -> a != 0 && b != 0 ? 1 : 0;
            case Op.LOR: return (a, b) -> a != 0 || b != 0 ? 1 : 0;
            case Op.LXOR: return (a, b) -> (a != 0) != (b != 0) ? 1 : 0;
            default: throw new AssertionError(code);
        }
    }

    private static short value(int i, int salt) {
        return i % 3 == 0 ? EDGES[(i / 3 + salt) % EDGES.length] : (short) (i * 2654435761L >>> (8 + salt));
    }

    @Test
    void everyOperatorMatchesItsDefinitionSignedAndUnsigned() {
        for (boolean unsigned : new boolean[] {false, true}) {
            for (int code : OPS) {
                for (int n : new int[] {1, 7, 511, 512, 513, 1500}) {
                    ByteBuffer l = ByteBuffer.allocate(2 * n).order(ByteOrder.nativeOrder());
                    ByteBuffer r = ByteBuffer.allocate(2 * n).order(ByteOrder.nativeOrder());
                    ByteBuffer expected = ByteBuffer.allocate(2 * n).order(ByteOrder.nativeOrder());
                    LongBinaryOperator f = definition(code);
                    for (int i = 0; i < n; i++) {
                        short a = value(i, 0);
                        short b = value(i, 5);
                        l.putShort(2 * i, a);
                        r.putShort(2 * i, b);
                        long x = unsigned ? a & 0xFFFF : a;
                        long y = unsigned ? b & 0xFFFF : b;
                        expected.putShort(2 * i, (short) f.applyAsLong(x, y));
                    }
                    byte[] right = r.array().clone();
                    ShortLoops.of(code, unsigned).combine(l.array(), r.array());
                    String what = (unsigned ? "CHAR " : "SHORT ") + code + " over " + n;
                    assertArrayEquals(expected.array(), l.array(), what);
                    assertArrayEquals(right, r.array(), what + ": the right operand must stay as it was");
                }
            }
        }
    }

    @Test
    void operatorsMpiDoesNotDefineHaveNoLoop() {
        assertNull(ShortLoops.of(Op.MINLOC, false));
        assertNull(ShortLoops.of(Op.REPLACE, true));
    }
}

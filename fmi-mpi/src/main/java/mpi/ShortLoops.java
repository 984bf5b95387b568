package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/**
 * One predefined operator's loop over 16-bit elements ({@code MPI.SHORT}, and {@code MPI.CHAR}
 * where only MIN and MAX differ: unsigned), which the core has no element type for. Each operator
 * is its own subclass with a loop of its own, as the core's operators are: one loop calling a
 * shared {@code LongBinaryOperator} is compiled for the operators a program has used so far, and
 * after the third it calls the operator per element instead of inlining it.
 */
abstract class ShortLoops {
    /** Elements converted at a time between the wire bytes and the loops' arrays. */
    private static final int CHUNK = 512;

    /** {@code a[i] = a[i] ⊕ b[i]} for {@code i < n}. */
    abstract void apply(short[] a, short[] b, int n);

    /**
     * {@code l = l ⊕ r} over the 16-bit elements in native byte order that fill {@code l} and
     * {@code r} (arrays of the same, even length).
     */
    final void combine(byte[] l, byte[] r) {
        ShortBuffer left = ByteBuffer.wrap(l).order(ByteOrder.nativeOrder()).asShortBuffer();
        ShortBuffer right = ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()).asShortBuffer();
        int count = left.remaining();
        short[] a = new short[Math.min(CHUNK, count)];
        short[] b = new short[a.length];
        for (int at = 0; at < count; at += CHUNK) {
            int n = Math.min(CHUNK, count - at);
            left.get(at, a, 0, n);
            right.get(at, b, 0, n);
            apply(a, b, n);
            left.put(at, a, 0, n);
        }
    }

    /** The loop of MPI operator {@code code} over shorts ({@code unsigned}: chars), or null if MPI has none. */
    static ShortLoops of(int code, boolean unsigned) {
        switch (code) {
            case Op.SUM:
                return SUM;
            case Op.PROD:
                return PROD;
            case Op.MIN:
                return unsigned ? UNSIGNED_MIN : MIN;
            case Op.MAX:
                return unsigned ? UNSIGNED_MAX : MAX;
            case Op.BAND:
                return BAND;
            case Op.BOR:
                return BOR;
            case Op.BXOR:
                return BXOR;
            case Op.LAND:
                return LAND;
            case Op.LOR:
                return LOR;
            case Op.LXOR:
                return LXOR;
            default:
                return null;
        }
    }

    // wrapping sums and products, and the bitwise and logical operators, are the same on 16 bits
    // whether they are read signed or not
    private static final ShortLoops SUM = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
    };
    private static final ShortLoops PROD = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
    };
    private static final ShortLoops MIN = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) Math.min(a[i], b[i]); } }
    };
    private static final ShortLoops MAX = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) Math.max(a[i], b[i]); } }
    };
    private static final ShortLoops UNSIGNED_MIN = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) Math.min(a[i] & 0xFFFF, b[i] & 0xFFFF); } }
    };
    private static final ShortLoops UNSIGNED_MAX = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) Math.max(a[i] & 0xFFFF, b[i] & 0xFFFF); } }
    };
    private static final ShortLoops BAND = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] &= b[i]; } }
    };
    private static final ShortLoops BOR = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] |= b[i]; } }
    };
    private static final ShortLoops BXOR = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] ^= b[i]; } }
    };
    private static final ShortLoops LAND = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) (a[i] != 0 && b[i] != 0 ? 1 : 0); } }
    };
    private static final ShortLoops LOR = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) (a[i] != 0 || b[i] != 0 ? 1 : 0); } }
    };
    private static final ShortLoops LXOR = new ShortLoops() {
        @Override void apply(short[] a, short[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (short) ((a[i] != 0) != (b[i] != 0) ? 1 : 0); } }
    };
}

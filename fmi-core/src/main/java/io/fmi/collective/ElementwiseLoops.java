package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * One built-in operator's loops over arrays of each element type: {@code a[i] = a[i] ⊕ b[i]} for
 * {@code i < n}. Each operator is its own subclass, with loops of its own, so that the JIT compiles
 * each loop with its operation inlined (and vectorized where it can): one shared loop calling a
 * {@code DoubleBinaryOperator} is compiled for the operators a program has used so far, and once it
 * has seen more than two (SUM, then MAX, then MIN) it calls the operator per element instead.
 *
 * <p>The buffer forms, {@code c[i] = a[i] ⊕ b[i]}, run on the direct buffers of large reductions
 * element by element, with no copies into arrays first: where the data is not in the cache (eight
 * processes on two cores), copying it chunk by chunk into arrays and back took three times as long
 * as reading and writing it once ({@code ElementwiseCombiner}). {@code c} may be {@code b}.
 *
 * <p>Float and double results are computed in their own type; for +, *, min and max that is the
 * same as computing in double and rounding once.
 */
public abstract class ElementwiseLoops {
    private final boolean floating;

    private ElementwiseLoops(boolean floating) {
        this.floating = floating;
    }

    /** Whether the operator is defined for float and double elements (else integral types only). */
    final boolean floating() {
        return floating;
    }

    abstract void bytes(byte[] a, byte[] b, int n);

    abstract void ints(int[] a, int[] b, int n);

    abstract void longs(long[] a, long[] b, int n);

    void floats(float[] a, float[] b, int n) {
        throw new UnsupportedOperationException("integral types only");
    }

    void doubles(double[] a, double[] b, int n) {
        throw new UnsupportedOperationException("integral types only");
    }

    abstract void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n);

    abstract void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n);

    abstract void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n);

    void floats(FloatBuffer c, FloatBuffer a, FloatBuffer b, int n) {
        throw new UnsupportedOperationException("integral types only");
    }

    void doubles(DoubleBuffer c, DoubleBuffer a, DoubleBuffer b, int n) {
        throw new UnsupportedOperationException("integral types only");
    }

    /** Sum; integral types wrap around. */
    public static final ElementwiseLoops SUM = new ElementwiseLoops(true) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
        @Override void floats(float[] a, float[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
        @Override void doubles(double[] a, double[] b, int n) { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) + b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) + b.get(i)); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) + b.get(i)); } }
        @Override void floats(FloatBuffer c, FloatBuffer a, FloatBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) + b.get(i)); } }
        @Override void doubles(DoubleBuffer c, DoubleBuffer a, DoubleBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) + b.get(i)); } }
    };

    /** Product; integral types wrap around. */
    public static final ElementwiseLoops PROD = new ElementwiseLoops(true) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
        @Override void floats(float[] a, float[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
        @Override void doubles(double[] a, double[] b, int n) { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) * b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) * b.get(i)); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) * b.get(i)); } }
        @Override void floats(FloatBuffer c, FloatBuffer a, FloatBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) * b.get(i)); } }
        @Override void doubles(DoubleBuffer c, DoubleBuffer a, DoubleBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) * b.get(i)); } }
    };

    /** Minimum ({@link Math#min}: NaN wins, -0.0 is less than 0.0). */
    public static final ElementwiseLoops MIN = new ElementwiseLoops(true) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (byte) Math.min(a[i], b[i]); } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.min(a[i], b[i]); } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.min(a[i], b[i]); } }
        @Override void floats(float[] a, float[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.min(a[i], b[i]); } }
        @Override void doubles(double[] a, double[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.min(a[i], b[i]); } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) Math.min(a.get(i), b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.min(a.get(i), b.get(i))); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.min(a.get(i), b.get(i))); } }
        @Override void floats(FloatBuffer c, FloatBuffer a, FloatBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.min(a.get(i), b.get(i))); } }
        @Override void doubles(DoubleBuffer c, DoubleBuffer a, DoubleBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.min(a.get(i), b.get(i))); } }
    };

    /** Maximum ({@link Math#max}: NaN wins, 0.0 is greater than -0.0). */
    public static final ElementwiseLoops MAX = new ElementwiseLoops(true) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (byte) Math.max(a[i], b[i]); } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.max(a[i], b[i]); } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.max(a[i], b[i]); } }
        @Override void floats(float[] a, float[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.max(a[i], b[i]); } }
        @Override void doubles(double[] a, double[] b, int n) { for (int i = 0; i < n; i++) { a[i] = Math.max(a[i], b[i]); } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) Math.max(a.get(i), b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.max(a.get(i), b.get(i))); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.max(a.get(i), b.get(i))); } }
        @Override void floats(FloatBuffer c, FloatBuffer a, FloatBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.max(a.get(i), b.get(i))); } }
        @Override void doubles(DoubleBuffer c, DoubleBuffer a, DoubleBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, Math.max(a.get(i), b.get(i))); } }
    };

    /** Logical and: 1 if both are non-zero, else 0. */
    public static final ElementwiseLoops LAND = new ElementwiseLoops(false) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (byte) (a[i] != 0 && b[i] != 0 ? 1 : 0); } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] = a[i] != 0 && b[i] != 0 ? 1 : 0; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) != 0 && b.get(i) != 0 ? 1 : 0)); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) != 0 && b.get(i) != 0 ? 1 : 0); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) != 0 && b.get(i) != 0 ? 1L : 0L); } }
    };

    /** Logical or: 1 if either is non-zero, else 0. */
    public static final ElementwiseLoops LOR = new ElementwiseLoops(false) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] = (byte) (a[i] != 0 || b[i] != 0 ? 1 : 0); } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] = a[i] != 0 || b[i] != 0 ? 1 : 0; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) != 0 || b.get(i) != 0 ? 1 : 0)); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) != 0 || b.get(i) != 0 ? 1 : 0); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) != 0 || b.get(i) != 0 ? 1L : 0L); } }
    };

    /** Bitwise and. */
    public static final ElementwiseLoops BAND = new ElementwiseLoops(false) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] &= b[i]; } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] &= b[i]; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] &= b[i]; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) & b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) & b.get(i)); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) & b.get(i)); } }
    };

    /** Bitwise or. */
    public static final ElementwiseLoops BOR = new ElementwiseLoops(false) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] |= b[i]; } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] |= b[i]; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] |= b[i]; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) | b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) | b.get(i)); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) | b.get(i)); } }
    };

    /** Bitwise exclusive or. */
    public static final ElementwiseLoops BXOR = new ElementwiseLoops(false) {
        @Override void bytes(byte[] a, byte[] b, int n) { for (int i = 0; i < n; i++) { a[i] ^= b[i]; } }
        @Override void ints(int[] a, int[] b, int n) { for (int i = 0; i < n; i++) { a[i] ^= b[i]; } }
        @Override void longs(long[] a, long[] b, int n) { for (int i = 0; i < n; i++) { a[i] ^= b[i]; } }
        @Override void bytes(ByteBuffer c, ByteBuffer a, ByteBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, (byte) (a.get(i) ^ b.get(i))); } }
        @Override void ints(IntBuffer c, IntBuffer a, IntBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) ^ b.get(i)); } }
        @Override void longs(LongBuffer c, LongBuffer a, LongBuffer b, int n) { for (int i = 0; i < n; i++) { c.put(i, a.get(i) ^ b.get(i)); } }
    };
}

package io.fmi.testkit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The buffer types of the API, for tests that run every operation over every type. Values are
 * given and read back as longs (floating types hold small integers, so every result is exact).
 * {@code ByteBuffer} buffers are direct and start at position 3, to check that positions are
 * respected and not moved.
 */
public enum Kind {
    BYTES(1), INTS(4), LONGS(8), FLOATS(4), DOUBLES(8), BYTE_BUFFER(1);

    private static final int BUFFER_OFFSET = 3;
    private final int elementSize;

    Kind(int elementSize) {
        this.elementSize = elementSize;
    }

    public int elementSize() {
        return elementSize;
    }

    public boolean integral() {
        return this != FLOATS && this != DOUBLES;
    }

    /** A zeroed buffer of {@code n} elements. */
    public Object alloc(int n) {
        return of(new long[n]);
    }

    /** A buffer holding {@code values}, each cast to the element type (wrapping like Java casts). */
    public Object of(long[] values) {
        int n = values.length;
        switch (this) {
            case BYTES: {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) values[i];
                }
                return a;
            }
            case INTS: {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) values[i];
                }
                return a;
            }
            case LONGS:
                return values.clone();
            case FLOATS: {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (float) values[i];
                }
                return a;
            }
            case DOUBLES: {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (double) values[i];
                }
                return a;
            }
            default: {
                ByteBuffer b = ByteBuffer.allocateDirect(n + BUFFER_OFFSET + 2);
                b.position(BUFFER_OFFSET).limit(BUFFER_OFFSET + n);
                for (int i = 0; i < n; i++) {
                    b.put(BUFFER_OFFSET + i, (byte) values[i]);
                }
                return b;
            }
        }
    }

    /** The buffer's values, widened to long; fails on a ByteBuffer whose position moved. */
    public long[] values(Object buffer) {
        if (buffer instanceof byte[]) {
            byte[] a = (byte[]) buffer;
            long[] v = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                v[i] = a[i];
            }
            return v;
        }
        if (buffer instanceof int[]) {
            return Arrays.stream((int[]) buffer).asLongStream().toArray();
        }
        if (buffer instanceof long[]) {
            return ((long[]) buffer).clone();
        }
        if (buffer instanceof float[]) {
            float[] a = (float[]) buffer;
            long[] v = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                v[i] = exact(a[i]);
            }
            return v;
        }
        if (buffer instanceof double[]) {
            return Arrays.stream((double[]) buffer).mapToLong(Kind::exact).toArray();
        }
        ByteBuffer b = (ByteBuffer) buffer;
        if (b.position() != BUFFER_OFFSET) {
            throw new AssertionError("ByteBuffer position moved from " + BUFFER_OFFSET + " to " + b.position());
        }
        long[] v = new long[b.remaining()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.get(BUFFER_OFFSET + i);
        }
        return v;
    }

    private static long exact(double d) {
        if (d != Math.rint(d)) {
            throw new AssertionError("expected an integral value, got " + d);
        }
        return (long) d;
    }

    /** {@code values} as the element type would store them (e.g. wrapped to a byte), for expectations. */
    public long[] normalize(long[] values) {
        return values(of(values));
    }

    /** The buffer's raw bytes, little-endian, for bit-exact comparisons. */
    public byte[] bytes(Object buffer) {
        ByteBuffer out = ByteBuffer.allocate(length(buffer) * elementSize).order(ByteOrder.LITTLE_ENDIAN);
        if (buffer instanceof byte[]) {
            out.put((byte[]) buffer);
        } else if (buffer instanceof int[]) {
            out.asIntBuffer().put((int[]) buffer);
        } else if (buffer instanceof long[]) {
            out.asLongBuffer().put((long[]) buffer);
        } else if (buffer instanceof float[]) {
            out.asFloatBuffer().put((float[]) buffer);
        } else if (buffer instanceof double[]) {
            out.asDoubleBuffer().put((double[]) buffer);
        } else {
            out.put(((ByteBuffer) buffer).duplicate());
        }
        return out.array();
    }

    /** The number of elements of a buffer. */
    public static int length(Object buffer) {
        if (buffer instanceof ByteBuffer) {
            return ((ByteBuffer) buffer).remaining();
        }
        return java.lang.reflect.Array.getLength(buffer);
    }
}

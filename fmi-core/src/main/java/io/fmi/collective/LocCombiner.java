package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * MINLOC and MAXLOC over (value, index) pairs of two consecutive elements of one type: keeps the
 * smaller (or larger) value and, among equal values, the smaller index. Commutative and
 * associative; items are pairs, so buffers are only ever split between pairs.
 */
public final class LocCombiner implements Combiner {
    private final ElementType type;
    private final boolean min;

    private LocCombiner(ElementType type, boolean min) {
        this.type = type;
        this.min = min;
    }

    /** The combiner for {@code type}, or null for bytes (a byte cannot hold useful indices). */
    public static Combiner of(ElementType type, boolean min) {
        return type == ElementType.BYTE ? null : new LocCombiner(type, min);
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public boolean commutative() {
        return true;
    }

    @Override
    public boolean associative() {
        return true;
    }

    @Override
    public int itemElements() {
        return 2;
    }

    @Override
    public void combine(byte[] acc, int accOffset, byte[] other, int otherOffset, int count, boolean otherIsLower) {
        if (count % 2 != 0) {
            throw new io.fmi.FmiException((min ? "MINLOC" : "MAXLOC") + " works on (value, index) pairs, but the buffer"
                    + " holds an odd number of elements (" + count + ")");
        }
        ByteBuffer a = ByteBuffer.wrap(acc).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(other).order(ByteOrder.LITTLE_ENDIAN);
        int es = type.size();
        for (int i = 0; i < count; i += 2) {
            int ai = accOffset + i * es;
            int bi = otherOffset + i * es;
            int byValue = compare(b, bi, a, ai);
            boolean take = byValue == 0 ? compare(b, bi + es, a, ai + es) < 0 : min ? byValue < 0 : byValue > 0;
            if (take) {
                System.arraycopy(other, bi, acc, ai, 2 * es);
            }
        }
    }

    private int compare(ByteBuffer x, int xi, ByteBuffer y, int yi) {
        switch (type) {
            case INT:
                return Integer.compare(x.getInt(xi), y.getInt(yi));
            case LONG:
                return Long.compare(x.getLong(xi), y.getLong(yi));
            case FLOAT:
                return Float.compare(x.getFloat(xi), y.getFloat(yi));
            default:
                return Double.compare(x.getDouble(xi), y.getDouble(yi));
        }
    }
}

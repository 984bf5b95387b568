package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * A commutative, associative element-wise operator (the built-in {@code Op}s). Byte and int
 * elements use the int form, long the long form, float and double the double form (a float
 * result computed in double and rounded once equals the float operation for +, *, min and max).
 */
public final class ElementwiseCombiner implements Combiner {
    private final ElementType type;
    private final IntBinaryOperator ints;
    private final LongBinaryOperator longs;
    private final DoubleBinaryOperator doubles;

    private ElementwiseCombiner(ElementType type, IntBinaryOperator ints, LongBinaryOperator longs,
                                DoubleBinaryOperator doubles) {
        this.type = type;
        this.ints = ints;
        this.longs = longs;
        this.doubles = doubles;
    }

    /** Returns the combiner for {@code type}, or null if the operator has no form for it. */
    public static Combiner of(ElementType type, IntBinaryOperator ints, LongBinaryOperator longs,
                              DoubleBinaryOperator doubles) {
        boolean supported;
        switch (type) {
            case BYTE:
            case INT:
                supported = ints != null;
                break;
            case LONG:
                supported = longs != null;
                break;
            default:
                supported = doubles != null;
        }
        return supported ? new ElementwiseCombiner(type, ints, longs, doubles) : null;
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
    public void combine(byte[] acc, int accOffset, byte[] other, int otherOffset, int count, boolean otherIsLower) {
        switch (type) {
            case BYTE:
                for (int i = 0; i < count; i++) {
                    acc[accOffset + i] = (byte) ints.applyAsInt(acc[accOffset + i], other[otherOffset + i]);
                }
                break;
            case INT:
                for (int i = 0; i < count; i++) {
                    int a = accOffset + 4 * i;
                    int r = ints.applyAsInt((int) ElementType.INT_VIEW.get(acc, a),
                            (int) ElementType.INT_VIEW.get(other, otherOffset + 4 * i));
                    ElementType.INT_VIEW.set(acc, a, r);
                }
                break;
            case LONG:
                for (int i = 0; i < count; i++) {
                    int a = accOffset + 8 * i;
                    long r = longs.applyAsLong((long) ElementType.LONG_VIEW.get(acc, a),
                            (long) ElementType.LONG_VIEW.get(other, otherOffset + 8 * i));
                    ElementType.LONG_VIEW.set(acc, a, r);
                }
                break;
            case FLOAT:
                for (int i = 0; i < count; i++) {
                    int a = accOffset + 4 * i;
                    float r = (float) doubles.applyAsDouble((float) ElementType.FLOAT_VIEW.get(acc, a),
                            (float) ElementType.FLOAT_VIEW.get(other, otherOffset + 4 * i));
                    ElementType.FLOAT_VIEW.set(acc, a, r);
                }
                break;
            default:
                for (int i = 0; i < count; i++) {
                    int a = accOffset + 8 * i;
                    double r = doubles.applyAsDouble((double) ElementType.DOUBLE_VIEW.get(acc, a),
                            (double) ElementType.DOUBLE_VIEW.get(other, otherOffset + 8 * i));
                    ElementType.DOUBLE_VIEW.set(acc, a, r);
                }
        }
    }

    /** On direct buffers, element by element in place: no copies (the working buffers of large reductions). */
    @Override
    public void combine(ByteBuffer acc, int accOffset, ByteBuffer other, int otherOffset, int count, boolean otherIsLower) {
        if (acc.hasArray() && other.hasArray()) {
            Combiner.super.combine(acc, accOffset, other, otherOffset, count, otherIsLower);
            return;
        }
        ByteBuffer a = acc.order() == ByteOrder.LITTLE_ENDIAN ? acc : acc.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer o = other.order() == ByteOrder.LITTLE_ENDIAN ? other : other.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case BYTE:
                for (int i = 0; i < count; i++) {
                    a.put(accOffset + i, (byte) ints.applyAsInt(a.get(accOffset + i), o.get(otherOffset + i)));
                }
                break;
            case INT:
                for (int i = 0; i < count; i++) {
                    a.putInt(accOffset + 4 * i, ints.applyAsInt(a.getInt(accOffset + 4 * i), o.getInt(otherOffset + 4 * i)));
                }
                break;
            case LONG:
                for (int i = 0; i < count; i++) {
                    a.putLong(accOffset + 8 * i, longs.applyAsLong(a.getLong(accOffset + 8 * i), o.getLong(otherOffset + 8 * i)));
                }
                break;
            case FLOAT:
                for (int i = 0; i < count; i++) {
                    a.putFloat(accOffset + 4 * i, (float) doubles.applyAsDouble(a.getFloat(accOffset + 4 * i),
                            o.getFloat(otherOffset + 4 * i)));
                }
                break;
            default:
                for (int i = 0; i < count; i++) {
                    a.putDouble(accOffset + 8 * i, doubles.applyAsDouble(a.getDouble(accOffset + 8 * i),
                            o.getDouble(otherOffset + 8 * i)));
                }
        }
    }
}

package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The element types a buffer can hold. On the wire every buffer is little-endian bytes, so peers
 * on any JVM agree on the layout.
 */
public enum ElementType {
    BYTE(1, "byte[]"),
    INT(4, "int[]"),
    LONG(8, "long[]"),
    FLOAT(4, "float[]"),
    DOUBLE(8, "double[]");

    private final int size;
    private final String javaName;

    ElementType(int size, String javaName) {
        this.size = size;
        this.javaName = javaName;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The type whose elements are of the primitive class {@code elements} ({@code double.class} etc.), or null. */
    public static ElementType of(Class<?> elements) {
        for (ElementType t : values()) {
            if (t.javaName.equals(elements.getName() + "[]")) {
                return t;
            }
        }
        return null;
    }

    /** The Java array type, for messages, e.g. {@code double[]}. */
    public String javaName() {
        return javaName;
    }

    /** Copies {@code count} elements at {@code byteOffset} of {@code bytes} into a new Java array of this type. */
    public Object decode(byte[] bytes, int byteOffset, int count) {
        Object out;
        switch (this) {
            case BYTE:
                out = new byte[count];
                break;
            case INT:
                out = new int[count];
                break;
            case LONG:
                out = new long[count];
                break;
            case FLOAT:
                out = new float[count];
                break;
            default:
                out = new double[count];
        }
        decodeInto(bytes, byteOffset, out, count);
        return out;
    }

    /** Copies {@code count} elements at {@code byteOffset} of {@code bytes} into the start of {@code array}. */
    public void decodeInto(byte[] bytes, int byteOffset, Object array, int count) {
        decodeInto(ByteBuffer.wrap(bytes, byteOffset, count * size), array, count);
    }

    /** Copies {@code count} elements from {@code from}'s position (little-endian) into the start of {@code array}. */
    public void decodeInto(ByteBuffer from, Object array, int count) {
        decodeInto(from, array, 0, count);
    }

    /** Copies {@code count} elements from {@code from}'s position (little-endian) into {@code array} from index {@code first}. */
    public void decodeInto(ByteBuffer from, Object array, int first, int count) {
        ByteBuffer view = from.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case BYTE:
                view.get((byte[]) array, first, count);
                break;
            case INT:
                view.asIntBuffer().get((int[]) array, first, count);
                break;
            case LONG:
                view.asLongBuffer().get((long[]) array, first, count);
                break;
            case FLOAT:
                view.asFloatBuffer().get((float[]) array, first, count);
                break;
            default:
                view.asDoubleBuffer().get((double[]) array, first, count);
        }
    }

    /** Writes the whole Java array {@code array} (of this type) as bytes at {@code byteOffset} of {@code bytes}. */
    public void encode(Object array, byte[] bytes, int byteOffset) {
        encode(array, ByteBuffer.wrap(bytes, byteOffset, bytes.length - byteOffset));
    }

    /** Writes the whole Java array {@code array} (of this type) as little-endian bytes at {@code into}'s position. */
    public void encode(Object array, ByteBuffer into) {
        encode(array, 0, java.lang.reflect.Array.getLength(array), into);
    }

    /** Writes {@code count} elements of {@code array} from index {@code first} as little-endian bytes at {@code into}'s position. */
    public void encode(Object array, int first, int count, ByteBuffer into) {
        ByteBuffer view = into.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case BYTE:
                view.put((byte[]) array, first, count);
                break;
            case INT:
                view.asIntBuffer().put((int[]) array, first, count);
                break;
            case LONG:
                view.asLongBuffer().put((long[]) array, first, count);
                break;
            case FLOAT:
                view.asFloatBuffer().put((float[]) array, first, count);
                break;
            default:
                view.asDoubleBuffer().put((double[]) array, first, count);
        }
    }
}

package mpi;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * {@code count} items of a datatype in a user buffer (an array or NIO buffer, addressed from its
 * index 0 like Open MPI does), moved to and from the <em>wire array</em> the communicator is
 * called with: {@code int[]}, {@code long[]}, {@code float[]} or {@code double[]} for those base
 * types (so reductions use the core's typed operators), {@code byte[]} in native order for every
 * other type. A user array that already is the wire array, with exactly the length needed, is used
 * as it is: no copy.
 */
final class Region {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    // element kinds of user buffers and of the common view used to copy
    static final int E_BYTE = 0;
    static final int E_CHAR = 1;
    static final int E_SHORT = 2;
    static final int E_BOOLEAN = 3;
    static final int E_INT = 4;
    static final int E_LONG = 5;
    static final int E_FLOAT = 6;
    static final int E_DOUBLE = 7;
    static final int[] E_SIZE = {1, 2, 2, 1, 4, 8, 4, 8};
    /** The array class of each wire kind (wire kinds are BYTE, INT, LONG, FLOAT, DOUBLE only). */
    private static final Class<?>[] WIRE_CLASSES = {byte[].class, null, null, null, int[].class, long[].class,
        float[].class, double[].class};
    private static final String[] E_NAME = {"byte", "char", "short", "boolean", "int", "long", "float", "double"};

    final Object buf;
    final Datatype type;
    final int count;
    private final int userKind;
    private final boolean rawBytes;
    private final int common;

    private Region(Object buf, Datatype type, int count, int userKind, boolean rawBytes) {
        this.buf = buf;
        this.type = type;
        this.count = count;
        this.userKind = userKind;
        this.rawBytes = rawBytes;
        int wire = wireKind(type);
        this.common = wire != E_BYTE ? wire : rawBytes ? E_BYTE : userKind;
    }

    /**
     * The region, checked: the buffer's Java type fits the datatype and it holds {@code count} items.
     *
     * @param op   the operation, for messages
     * @param role "send", "receive", ...
     */
    static Region of(String op, String role, Object buf, int count, Datatype type) throws MPIException {
        if (type == null) {
            throw new MPIException(MPI.ERR_TYPE, MPI.ERR_TYPE, op + ": the " + role + " datatype is null");
        }
        type.checkUsable(op);
        if (count < 0) {
            throw new MPIException(MPI.ERR_COUNT, MPI.ERR_COUNT, op + ": the " + role + " count is negative ("
                    + count + ")");
        }
        if (buf == null || buf instanceof Comm.NullBuffer) {
            if (count == 0) {
                return new Region(new byte[0], type, 0, E_BYTE, true);
            }
            throw new MPIException(MPI.ERR_BUFFER, MPI.ERR_BUFFER, op + ": the " + role + " buffer is null");
        }
        int kind = kindOf(buf);
        if (kind < 0) {
            throw new MPIException(MPI.ERR_BUFFER, MPI.ERR_BUFFER, op + ": the " + role + " buffer is a "
                    + buf.getClass().getSimpleName() + "; use a Java array or NIO buffer of " + type);
        }
        boolean raw = buf instanceof ByteBuffer;
        int base = baseKind(type);
        boolean fits = raw || kind == base || (type.kind == Datatype.INT2 && kind == E_INT)
                || (type.baseType == Datatype.PACKED && kind == E_BYTE);
        if (!fits) {
            throw new MPIException(MPI.ERR_BUFFER, MPI.ERR_BUFFER, op + ": the " + role + " buffer holds "
                    + E_NAME[kind] + " elements but " + type + " needs a " + E_NAME[base] + "[] or "
                    + cap(E_NAME[base]) + "Buffer (or any ByteBuffer)");
        }
        long needed = (long) count * type.itemBytes();
        long capacity = (long) capacityOf(buf) * E_SIZE[kind];
        if (needed > capacity) {
            throw new MPIException(MPI.ERR_BUFFER, MPI.ERR_BUFFER, op + ": the " + role + " buffer holds " + capacity
                    + " bytes but " + count + " x " + type + " need " + needed + "; pass a larger buffer or a"
                    + " smaller count");
        }
        if (needed > Integer.MAX_VALUE - 16) {
            throw new MPIException(MPI.ERR_COUNT, MPI.ERR_COUNT, op + ": " + count + " x " + type
                    + " is larger than 2 GiB, more than one message can carry");
        }
        return new Region(buf, type, count, kind, raw);
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The wire element kind of a datatype. */
    static int wireKind(Datatype t) {
        switch (t.baseType) {
            case Datatype.INT:
                return E_INT;
            case Datatype.LONG:
                return E_LONG;
            case Datatype.FLOAT:
                return E_FLOAT;
            case Datatype.DOUBLE:
                return E_DOUBLE;
            default:
                return E_BYTE;
        }
    }

    /** Wire elements per item of a datatype. */
    static int wirePerItem(Datatype t) {
        return t.itemBytes() / E_SIZE[wireKind(t)];
    }

    /** A new wire array of {@code elements} for {@code t}. */
    static Object newWire(Datatype t, int elements) {
        switch (wireKind(t)) {
            case E_INT:
                return new int[elements];
            case E_LONG:
                return new long[elements];
            case E_FLOAT:
                return new float[elements];
            case E_DOUBLE:
                return new double[elements];
            default:
                return new byte[elements];
        }
    }

    private static int baseKind(Datatype t) {
        switch (t.baseType) {
            case Datatype.CHAR:
                return E_CHAR;
            case Datatype.SHORT:
                return E_SHORT;
            case Datatype.BOOLEAN:
                return E_BOOLEAN;
            case Datatype.INT:
                return E_INT;
            case Datatype.LONG:
                return E_LONG;
            case Datatype.FLOAT:
                return E_FLOAT;
            case Datatype.DOUBLE:
                return E_DOUBLE;
            default:
                return E_BYTE;
        }
    }

    private static int kindOf(Object b) {
        if (b instanceof byte[] || b instanceof ByteBuffer) {
            return E_BYTE;
        } else if (b instanceof char[] || b instanceof CharBuffer) {
            return E_CHAR;
        } else if (b instanceof short[] || b instanceof ShortBuffer) {
            return E_SHORT;
        } else if (b instanceof boolean[]) {
            return E_BOOLEAN;
        } else if (b instanceof int[] || b instanceof IntBuffer) {
            return E_INT;
        } else if (b instanceof long[] || b instanceof LongBuffer) {
            return E_LONG;
        } else if (b instanceof float[] || b instanceof FloatBuffer) {
            return E_FLOAT;
        } else if (b instanceof double[] || b instanceof DoubleBuffer) {
            return E_DOUBLE;
        }
        return -1;
    }

    private static int capacityOf(Object b) {
        return b instanceof Buffer ? ((Buffer) b).capacity() : java.lang.reflect.Array.getLength(b);
    }

    /** Wire elements of all items. */
    int wireLength() {
        return count * wirePerItem(type);
    }

    /** Whether the user buffer itself is the wire array of these items. */
    private boolean isWire(int fromItem, int items) {
        return fromItem == 0 && buf.getClass() == WIRE_CLASSES[wireKind(type)]
                && java.lang.reflect.Array.getLength(buf) == items * wirePerItem(type);
    }

    /** The items as a wire array (the user's array itself where it is one). */
    Object read() {
        return read(0, count);
    }

    /** Items {@code [fromItem, fromItem + items)} as a new wire array (or the user's array, see above). */
    Object read(int fromItem, int items) {
        if (isWire(fromItem, items)) {
            return buf;
        }
        Object wire = newWire(type, items * wirePerItem(type));
        copy(true, wire, fromItem, items * wirePerItem(type));
        return wire;
    }

    /** A wire array to receive all items into: the user's array where it is one (then {@link #write} is a no-op). */
    Object scratch() {
        return isWire(0, count) ? buf : newWire(type, wireLength());
    }

    /** Writes the whole wire array back into the user buffer from item 0 (nothing if it is the user's array). */
    void write(Object wire) {
        write(wire, 0, 0, java.lang.reflect.Array.getLength(wire));
    }

    /** Writes {@code wireElements} elements from {@code wire[wireOffset]} to the user buffer at item {@code toItem}. */
    void write(Object wire, int wireOffset, int toItem, int wireElements) {
        if (wire == buf && wireOffset == 0 && toItem == 0) {
            return;
        }
        if (wireOffset == 0) {
            copy(false, wire, toItem, wireElements);
        } else {
            Object part = newWire(type, wireElements);
            System.arraycopy(wire, wireOffset, part, 0, wireElements);
            copy(false, part, toItem, wireElements);
        }
    }

    /** Copies between the user buffer (at item {@code item}) and {@code wire[0..wireElements)}. */
    private void copy(boolean toWire, Object wire, int item, int wireElements) {
        int wireSize = E_SIZE[wireKind(type)];
        int bytes = wireElements * wireSize;
        int userByteOffset = item * type.itemBytes();
        if (common == E_BOOLEAN) {
            boolean[] flags = (boolean[]) buf;
            byte[] w = (byte[]) wire;
            for (int i = 0; i < bytes; i++) {
                if (toWire) {
                    w[i] = (byte) (flags[userByteOffset + i] ? 1 : 0);
                } else {
                    flags[userByteOffset + i] = w[i] != 0;
                }
            }
            return;
        }
        int size = E_SIZE[common];
        Buffer user = view(buf, common);
        Buffer wv = view(wire, common);
        int n = bytes / size;
        int at = userByteOffset / size;
        if (toWire) {
            put(wv, 0, user, at, n);
        } else {
            put(user, at, wv, 0, n);
        }
    }

    /** {@code o} (array, typed buffer or raw ByteBuffer) as a buffer of element kind {@code kind}, from index 0. */
    private static Buffer view(Object o, int kind) {
        ByteBuffer bytes = null;
        if (o instanceof byte[]) {
            bytes = ByteBuffer.wrap((byte[]) o);
        } else if (o instanceof ByteBuffer) {
            bytes = ((ByteBuffer) o).duplicate();
            bytes.clear();
        }
        if (bytes != null) {
            bytes.order(NATIVE);
            switch (kind) {
                case E_CHAR:
                    return bytes.asCharBuffer();
                case E_SHORT:
                    return bytes.asShortBuffer();
                case E_INT:
                    return bytes.asIntBuffer();
                case E_LONG:
                    return bytes.asLongBuffer();
                case E_FLOAT:
                    return bytes.asFloatBuffer();
                case E_DOUBLE:
                    return bytes.asDoubleBuffer();
                default:
                    return bytes;
            }
        }
        if (o instanceof Buffer) {
            Buffer b = duplicate((Buffer) o);
            b.clear();
            return b;
        }
        if (o instanceof char[]) {
            return CharBuffer.wrap((char[]) o);
        } else if (o instanceof short[]) {
            return ShortBuffer.wrap((short[]) o);
        } else if (o instanceof int[]) {
            return IntBuffer.wrap((int[]) o);
        } else if (o instanceof long[]) {
            return LongBuffer.wrap((long[]) o);
        } else if (o instanceof float[]) {
            return FloatBuffer.wrap((float[]) o);
        }
        return DoubleBuffer.wrap((double[]) o);
    }

    private static Buffer duplicate(Buffer b) {
        if (b instanceof CharBuffer) {
            return ((CharBuffer) b).duplicate();
        } else if (b instanceof ShortBuffer) {
            return ((ShortBuffer) b).duplicate();
        } else if (b instanceof IntBuffer) {
            return ((IntBuffer) b).duplicate();
        } else if (b instanceof LongBuffer) {
            return ((LongBuffer) b).duplicate();
        } else if (b instanceof FloatBuffer) {
            return ((FloatBuffer) b).duplicate();
        }
        return ((DoubleBuffer) b).duplicate();
    }

    /** {@code dst[dstAt..dstAt+n) = src[srcAt..srcAt+n)}; both views of the same element kind. */
    private static void put(Buffer dst, int dstAt, Buffer src, int srcAt, int n) {
        src.limit(srcAt + n).position(srcAt);
        dst.position(dstAt);
        if (dst instanceof ByteBuffer) {
            ((ByteBuffer) dst).put((ByteBuffer) src);
        } else if (dst instanceof CharBuffer) {
            ((CharBuffer) dst).put((CharBuffer) src);
        } else if (dst instanceof ShortBuffer) {
            ((ShortBuffer) dst).put((ShortBuffer) src);
        } else if (dst instanceof IntBuffer) {
            ((IntBuffer) dst).put((IntBuffer) src);
        } else if (dst instanceof LongBuffer) {
            ((LongBuffer) dst).put((LongBuffer) src);
        } else if (dst instanceof FloatBuffer) {
            ((FloatBuffer) dst).put((FloatBuffer) src);
        } else {
            ((DoubleBuffer) dst).put((DoubleBuffer) src);
        }
    }
}

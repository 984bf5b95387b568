package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.BiConsumer;

/**
 * MPI's predefined operators bound to the core's: its own where it has them (booleans are its
 * bytes), {@link ShortLoops} for chars and shorts, and here the rest (pairs, complex products,
 * LXOR); and the bridge that gives a {@link UserFunction} the buffers Open MPI gives it.
 */
final class Kernels {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Kernels() {
    }

    /** Thrown through the core by a user function's {@link MPIException}; unwrapped by {@link Comm}. */
    static final class UserFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserFailure(MPIException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The core operator for {@code op} on wire arrays of {@code t}, or null if MPI does not define it. */
    static io.fmi.Op bind(Op op, Datatype t) {
        int wire = Region.wireKind(t);
        int unit = t.unitBytes / Region.E_SIZE[wire];
        switch (op.code) {
            case Op.USER:
                return custom(wire, (l, r) -> user(op.function, t, l, r), op.commute(),
                        Region.wirePerItem(t));
            case Op.REPLACE:
                return custom(wire, (l, r) -> System.arraycopy(r, 0, l, 0, java.lang.reflect.Array.getLength(l)),
                        false, unit);
            case Op.NO_OP:
                return custom(wire, (l, r) -> { }, false, unit);
            default:
                break;
        }
        switch (t.kind) {
            case Datatype.INT:
            case Datatype.LONG:
                return op.code == Op.LXOR ? custom(wire, Kernels::lxor, true, 1) : builtin(op.code, true);
            case Datatype.FLOAT:
            case Datatype.DOUBLE:
                return builtin(op.code, false);
            case Datatype.FLOAT_COMPLEX:
            case Datatype.DOUBLE_COMPLEX:
                if (op.code == Op.SUM) {
                    return io.fmi.Op.SUM;
                }
                return op.code == Op.PROD ? custom(wire, Kernels::complexProduct, true, 2) : null;
            case Datatype.BYTE:
            case Datatype.BOOLEAN:
                if (t.kind == Datatype.BOOLEAN && op.code != Op.LAND && op.code != Op.LOR && op.code != Op.LXOR) {
                    return null;
                }
                // the core's byte elements: its own loop per operator (LXOR is MPI's alone)
                return op.code == Op.LXOR ? custom(wire, Kernels::lxor, true, 1) : builtin(op.code, true);
            case Datatype.CHAR:
            case Datatype.SHORT: {
                ShortLoops loops = ShortLoops.of(op.code, t.kind == Datatype.CHAR);
                return loops == null ? null : custom(wire, (l, r) -> loops.combine((byte[]) l, (byte[]) r), true, unit);
            }
            case Datatype.INT2:
            case Datatype.SHORT_INT:
            case Datatype.LONG_INT:
            case Datatype.FLOAT_INT:
            case Datatype.DOUBLE_INT: {
                if (op.code != Op.MINLOC && op.code != Op.MAXLOC) {
                    return null;
                }
                boolean min = op.code == Op.MINLOC;
                int kind = t.kind;
                return custom(wire, (l, r) -> location((byte[]) l, (byte[]) r, kind, min), true, unit);
            }
            default:
                return null;
        }
    }

    private static io.fmi.Op builtin(int code, boolean integral) {
        switch (code) {
            case Op.SUM:
                return io.fmi.Op.SUM;
            case Op.PROD:
                return io.fmi.Op.PROD;
            case Op.MIN:
                return io.fmi.Op.MIN;
            case Op.MAX:
                return io.fmi.Op.MAX;
            default:
                break;
        }
        if (!integral) {
            return null;
        }
        switch (code) {
            case Op.LAND:
                return io.fmi.Op.LAND;
            case Op.LOR:
                return io.fmi.Op.LOR;
            case Op.BAND:
                return io.fmi.Op.BAND;
            case Op.BOR:
                return io.fmi.Op.BOR;
            case Op.BXOR:
                return io.fmi.Op.BXOR;
            default:
                return null;
        }
    }

    private static io.fmi.Op custom(int wire, BiConsumer<Object, Object> f, boolean commute, int items) {
        io.fmi.Op op;
        switch (wire) {
            case Region.E_INT:
                op = io.fmi.Op.custom((io.fmi.Op.IntArrayFunction) f::accept, commute, true);
                break;
            case Region.E_LONG:
                op = io.fmi.Op.custom((io.fmi.Op.LongArrayFunction) f::accept, commute, true);
                break;
            case Region.E_FLOAT:
                op = io.fmi.Op.custom((io.fmi.Op.FloatArrayFunction) f::accept, commute, true);
                break;
            case Region.E_DOUBLE:
                op = io.fmi.Op.custom((io.fmi.Op.DoubleArrayFunction) f::accept, commute, true);
                break;
            default:
                op = io.fmi.Op.custom((io.fmi.Op.ByteArrayFunction) f::accept, commute, true);
                break;
        }
        return op.items(Math.max(1, items));
    }

    private static void lxor(Object l, Object r) {
        if (l instanceof byte[]) {
            byte[] a = (byte[]) l;
            byte[] b = (byte[]) r;
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) ((a[i] != 0) != (b[i] != 0) ? 1 : 0);
            }
        } else if (l instanceof int[]) {
            int[] a = (int[]) l;
            int[] b = (int[]) r;
            for (int i = 0; i < a.length; i++) {
                a[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0;
            }
        } else {
            long[] a = (long[]) l;
            long[] b = (long[]) r;
            for (int i = 0; i < a.length; i++) {
                a[i] = (a[i] != 0) != (b[i] != 0) ? 1 : 0;
            }
        }
    }

    /** {@code l = l * r} over (re, im) pairs. */
    private static void complexProduct(Object l, Object r) {
        if (l instanceof float[]) {
            float[] a = (float[]) l;
            float[] b = (float[]) r;
            for (int i = 0; i + 1 < a.length; i += 2) {
                float re = a[i] * b[i] - a[i + 1] * b[i + 1];
                float im = a[i] * b[i + 1] + a[i + 1] * b[i];
                a[i] = re;
                a[i + 1] = im;
            }
        } else {
            double[] a = (double[]) l;
            double[] b = (double[]) r;
            for (int i = 0; i + 1 < a.length; i += 2) {
                double re = a[i] * b[i] - a[i + 1] * b[i + 1];
                double im = a[i] * b[i + 1] + a[i + 1] * b[i];
                a[i] = re;
                a[i + 1] = im;
            }
        }
    }

    /** MINLOC/MAXLOC over (value, index) pairs laid out as C structs: index after the value, aligned. */
    private static void location(byte[] l, byte[] r, int kind, boolean min) {
        ByteBuffer a = ByteBuffer.wrap(l).order(NATIVE);
        ByteBuffer b = ByteBuffer.wrap(r).order(NATIVE);
        boolean wide = kind == Datatype.LONG_INT || kind == Datatype.DOUBLE_INT;
        int unit = wide ? 16 : 8;
        int index = wide ? 8 : 4;
        for (int at = 0; at + unit <= l.length; at += unit) {
            int c;
            switch (kind) {
                case Datatype.INT2:
                    c = Integer.compare(b.getInt(at), a.getInt(at));
                    break;
                case Datatype.SHORT_INT:
                    c = Short.compare(b.getShort(at), a.getShort(at));
                    break;
                case Datatype.LONG_INT:
                    c = Long.compare(b.getLong(at), a.getLong(at));
                    break;
                case Datatype.FLOAT_INT:
                    c = Float.compare(b.getFloat(at), a.getFloat(at));
                    break;
                default:
                    c = Double.compare(b.getDouble(at), a.getDouble(at));
                    break;
            }
            boolean better = min ? c < 0 : c > 0;
            if (better) {
                System.arraycopy(r, at, l, at, unit);
            } else if (c == 0) {
                a.putInt(at + index, Math.min(a.getInt(at + index), b.getInt(at + index)));
            }
        }
    }

    /** Calls a user function on two wire arrays the way Open MPI does; the result goes to {@code l}. */
    private static void user(UserFunction f, Datatype t, Object l, Object r) {
        int bytes = java.lang.reflect.Array.getLength(l) * Region.E_SIZE[Region.wireKind(t)];
        int count = bytes / t.itemBytes();
        try {
            if (t.baseType == Datatype.BOOLEAN) {
                byte[] lb = (byte[]) l;
                byte[] rb = (byte[]) r;
                boolean[] in = new boolean[lb.length];
                boolean[] inOut = new boolean[rb.length];
                for (int i = 0; i < lb.length; i++) {
                    in[i] = lb[i] != 0;
                    inOut[i] = rb[i] != 0;
                }
                f.call(in, inOut, count, t);
                for (int i = 0; i < lb.length; i++) {
                    lb[i] = (byte) (inOut[i] ? 1 : 0);
                }
                return;
            }
            ByteBuffer in = ByteBuffer.allocate(bytes).order(NATIVE);
            ByteBuffer inOut = ByteBuffer.allocate(bytes).order(NATIVE);
            writeBase(l, in);
            writeBase(r, inOut);
            f.call(in, inOut, count, t);
            readBase(inOut, l);
        } catch (MPIException e) {
            throw new UserFailure(e);
        }
    }

    /** A new array of {@code n} elements of {@code t}'s base type. */
    static Object baseArray(Datatype t, int n) {
        switch (t.baseType) {
            case Datatype.CHAR:
                return new char[n];
            case Datatype.SHORT:
                return new short[n];
            case Datatype.BOOLEAN:
                return new boolean[n];
            case Datatype.INT:
                return new int[n];
            case Datatype.LONG:
                return new long[n];
            case Datatype.FLOAT:
                return new float[n];
            case Datatype.DOUBLE:
                return new double[n];
            default:
                return new byte[n];
        }
    }

    /** Fills {@code dst} (an array of a base type) from {@code src}, native order, from index 0. */
    static void readBase(ByteBuffer src, Object dst) {
        ByteBuffer b = src.duplicate().order(NATIVE);
        b.clear();
        if (dst instanceof byte[]) {
            b.get((byte[]) dst);
        } else if (dst instanceof char[]) {
            b.asCharBuffer().get((char[]) dst);
        } else if (dst instanceof short[]) {
            b.asShortBuffer().get((short[]) dst);
        } else if (dst instanceof boolean[]) {
            boolean[] flags = (boolean[]) dst;
            for (int i = 0; i < flags.length; i++) {
                flags[i] = b.get(i) != 0;
            }
        } else if (dst instanceof int[]) {
            b.asIntBuffer().get((int[]) dst);
        } else if (dst instanceof long[]) {
            b.asLongBuffer().get((long[]) dst);
        } else if (dst instanceof float[]) {
            b.asFloatBuffer().get((float[]) dst);
        } else {
            b.asDoubleBuffer().get((double[]) dst);
        }
    }

    /** Writes {@code src} (an array of a base type) into {@code dst}, native order, from index 0. */
    static void writeBase(Object src, ByteBuffer dst) {
        ByteBuffer b = dst.duplicate().order(NATIVE);
        b.clear();
        if (src instanceof byte[]) {
            b.put((byte[]) src);
        } else if (src instanceof char[]) {
            b.asCharBuffer().put((char[]) src);
        } else if (src instanceof short[]) {
            b.asShortBuffer().put((short[]) src);
        } else if (src instanceof boolean[]) {
            boolean[] flags = (boolean[]) src;
            for (int i = 0; i < flags.length; i++) {
                b.put(i, (byte) (flags[i] ? 1 : 0));
            }
        } else if (src instanceof int[]) {
            b.asIntBuffer().put((int[]) src);
        } else if (src instanceof long[]) {
            b.asLongBuffer().put((long[]) src);
        } else if (src instanceof float[]) {
            b.asFloatBuffer().put((float[]) src);
        } else {
            b.asDoubleBuffer().put((double[]) src);
        }
    }
}

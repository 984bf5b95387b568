package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * A commutative, associative element-wise operator (the built-in {@code Op}s). On direct buffers
 * (the working buffers of large reductions) it runs the operator's own loop over typed views of
 * the buffers ({@link ElementwiseLoops}, buffer forms); on byte arrays and heap buffers a chunk at a
 * time: both operands' chunks are bulk-copied into arrays of the element type, combined there by the
 * operator's array loop and copied back.
 */
public final class ElementwiseCombiner implements Combiner {
    private final ElementType type;
    private final ElementwiseLoops loops;

    private ElementwiseCombiner(ElementType type, ElementwiseLoops loops) {
        this.type = type;
        this.loops = loops;
    }

    /** Returns the combiner for {@code type}, or null if the operator has no form for it. */
    public static Combiner of(ElementType type, ElementwiseLoops loops) {
        boolean floating = type == ElementType.FLOAT || type == ElementType.DOUBLE;
        return !floating || loops.floating() ? new ElementwiseCombiner(type, loops) : null;
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
        ByteBuffer a = ByteBuffer.wrap(acc);
        chunked(a, accOffset, a, accOffset, null, 0, ByteBuffer.wrap(other), otherOffset, count);
    }

    /**
     * Elements per chunk of the byte-array and heap-buffer forms: both operands' chunks are
     * bulk-copied into arrays, combined there and copied back (the copies stay in the cache). Direct
     * buffers once went this way too (in the cache, 64 Ki doubles in 21.9 µs against 40.3 for a
     * loop of {@code ByteBuffer.getDouble}); on typed views they take as long in the cache and a
     * third of the time out of it ({@link #direct}).
     */
    private static final int CHUNK = 512;
    private static final ThreadLocal<Chunks> CHUNKS = ThreadLocal.withInitial(Chunks::new);

    /**
     * One thread's chunk arrays, made on first use per element type. A combine never runs inside
     * another on the same thread: its operators are the built-in ones, which do not call back.
     */
    private static final class Chunks {
        byte[] bytes;
        byte[] otherBytes;
        int[] ints;
        int[] otherInts;
        long[] longs;
        long[] otherLongs;
        float[] floats;
        float[] otherFloats;
        double[] doubles;
        double[] otherDoubles;
    }

    /** In place: on direct buffers (the working buffers of large reductions) element by element, else a chunk at a time. */
    @Override
    public void combine(ByteBuffer acc, int accOffset, ByteBuffer other, int otherOffset, int count, boolean otherIsLower) {
        chunked(acc, accOffset, acc, accOffset, null, 0, other, otherOffset, count);
    }

    /** Yes: each element (or chunk) of {@code other} is read before the same one of {@code into} is written. */
    @Override
    public boolean combinesOverOther() {
        return true;
    }

    /** As the in-place form, each element of {@code first} read where that form reads {@code into}'s. */
    @Override
    public void combineInto(ByteBuffer into, int intoOffset, ByteBuffer first, int firstOffset, ByteBuffer other,
                            int otherOffset, int count, boolean otherIsLower) {
        chunked(into, intoOffset, first, firstOffset, null, 0, other, otherOffset, count);
    }

    /**
     * As the in-place form, {@code first} read from the array (with no buffer in between: a large
     * reduction of a heap array does not copy its operand into the working buffer first, then read
     * it back from there).
     */
    @Override
    public void combineInto(ByteBuffer into, int intoOffset, Object first, int firstIndex, ByteBuffer other,
                            int otherOffset, int count, boolean otherIsLower) {
        chunked(into, intoOffset, null, 0, first, firstIndex, other, otherOffset, count);
    }

    /**
     * {@code a = f ⊕ o} element by element on the buffers ({@code f} null: the array {@code first}
     * from element {@code firstIndex}), with no copies: where the buffers are not in the cache this
     * takes a third of the time of {@link #chunked}'s copies (a 512 KiB combine among 48 MiB of
     * such buffers on this machine: 30 µs against 100), and about as long where they are.
     */
    private void direct(ByteBuffer a, ByteBuffer f, Object first, int firstIndex, ByteBuffer o, int count) {
        switch (type) {
            case BYTE:
                loops.bytes(a, f != null ? f : ByteBuffer.wrap((byte[]) first, firstIndex, count).slice(), o, count);
                break;
            case INT:
                loops.ints(a.asIntBuffer(), f != null ? f.asIntBuffer() : IntBuffer.wrap((int[]) first, firstIndex, count).slice(),
                        o.asIntBuffer(), count);
                break;
            case LONG:
                loops.longs(a.asLongBuffer(), f != null ? f.asLongBuffer() : LongBuffer.wrap((long[]) first, firstIndex, count).slice(),
                        o.asLongBuffer(), count);
                break;
            case FLOAT:
                loops.floats(a.asFloatBuffer(), f != null ? f.asFloatBuffer() : FloatBuffer.wrap((float[]) first, firstIndex, count).slice(),
                        o.asFloatBuffer(), count);
                break;
            default:
                loops.doubles(a.asDoubleBuffer(), f != null ? f.asDoubleBuffer() : DoubleBuffer.wrap((double[]) first, firstIndex, count).slice(),
                        o.asDoubleBuffer(), count);
        }
    }

    /**
     * {@code into = first ⊕ other}, {@code first} the buffer {@code firstBuffer} (which may be
     * {@code into} at the same offset) or, when that is null, the array {@code firstArray} from
     * element {@code firstIndex}.
     */
    private void chunked(ByteBuffer into, int intoOffset, ByteBuffer firstBuffer, int firstOffset, Object firstArray,
                         int firstIndex, ByteBuffer other, int otherOffset, int count) {
        int bytes = count * type.size();
        // slices start big-endian whatever the buffer's order
        ByteBuffer a = into.slice(intoOffset, bytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f = firstBuffer == null ? null : firstBuffer.slice(firstOffset, bytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer o = other.slice(otherOffset, bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (a.isDirect() && o.isDirect() && (f == null || f.isDirect())) {
            direct(a, f, firstArray, firstIndex, o, count);
            return;
        }
        Chunks c = CHUNKS.get();
        switch (type) {
            case BYTE:
                if (c.bytes == null) {
                    c.bytes = new byte[CHUNK];
                    c.otherBytes = new byte[CHUNK];
                }
                for (int at = 0; at < count; at += CHUNK) {
                    int n = Math.min(CHUNK, count - at);
                    if (f == null) {
                        System.arraycopy(firstArray, firstIndex + at, c.bytes, 0, n);
                    } else {
                        f.get(at, c.bytes, 0, n);
                    }
                    o.get(at, c.otherBytes, 0, n);
                    loops.bytes(c.bytes, c.otherBytes, n);
                    a.put(at, c.bytes, 0, n);
                }
                break;
            case INT:
                if (c.ints == null) {
                    c.ints = new int[CHUNK];
                    c.otherInts = new int[CHUNK];
                }
                IntBuffer ai = a.asIntBuffer();
                IntBuffer fi = f == null ? null : f.asIntBuffer();
                IntBuffer oi = o.asIntBuffer();
                for (int at = 0; at < count; at += CHUNK) {
                    int n = Math.min(CHUNK, count - at);
                    if (f == null) {
                        System.arraycopy(firstArray, firstIndex + at, c.ints, 0, n);
                    } else {
                        fi.get(at, c.ints, 0, n);
                    }
                    oi.get(at, c.otherInts, 0, n);
                    loops.ints(c.ints, c.otherInts, n);
                    ai.put(at, c.ints, 0, n);
                }
                break;
            case LONG:
                if (c.longs == null) {
                    c.longs = new long[CHUNK];
                    c.otherLongs = new long[CHUNK];
                }
                LongBuffer al = a.asLongBuffer();
                LongBuffer fl = f == null ? null : f.asLongBuffer();
                LongBuffer ol = o.asLongBuffer();
                for (int at = 0; at < count; at += CHUNK) {
                    int n = Math.min(CHUNK, count - at);
                    if (f == null) {
                        System.arraycopy(firstArray, firstIndex + at, c.longs, 0, n);
                    } else {
                        fl.get(at, c.longs, 0, n);
                    }
                    ol.get(at, c.otherLongs, 0, n);
                    loops.longs(c.longs, c.otherLongs, n);
                    al.put(at, c.longs, 0, n);
                }
                break;
            case FLOAT:
                if (c.floats == null) {
                    c.floats = new float[CHUNK];
                    c.otherFloats = new float[CHUNK];
                }
                FloatBuffer af = a.asFloatBuffer();
                FloatBuffer ff = f == null ? null : f.asFloatBuffer();
                FloatBuffer of = o.asFloatBuffer();
                for (int at = 0; at < count; at += CHUNK) {
                    int n = Math.min(CHUNK, count - at);
                    if (f == null) {
                        System.arraycopy(firstArray, firstIndex + at, c.floats, 0, n);
                    } else {
                        ff.get(at, c.floats, 0, n);
                    }
                    of.get(at, c.otherFloats, 0, n);
                    loops.floats(c.floats, c.otherFloats, n);
                    af.put(at, c.floats, 0, n);
                }
                break;
            default:
                if (c.doubles == null) {
                    c.doubles = new double[CHUNK];
                    c.otherDoubles = new double[CHUNK];
                }
                DoubleBuffer ad = a.asDoubleBuffer();
                DoubleBuffer fd = f == null ? null : f.asDoubleBuffer();
                DoubleBuffer od = o.asDoubleBuffer();
                for (int at = 0; at < count; at += CHUNK) {
                    int n = Math.min(CHUNK, count - at);
                    if (f == null) {
                        System.arraycopy(firstArray, firstIndex + at, c.doubles, 0, n);
                    } else {
                        fd.get(at, c.doubles, 0, n);
                    }
                    od.get(at, c.otherDoubles, 0, n);
                    loops.doubles(c.doubles, c.otherDoubles, n);
                    ad.put(at, c.doubles, 0, n);
                }
        }
    }
}

package io.fmi.collective;

import java.nio.ByteBuffer;

/**
 * A reduction operator bound to one element type, working on little-endian byte slices.
 * Algorithms use {@link #commutative()} and {@link #associative()} to decide how freely they may
 * regroup and reorder operands; the result is always {@code lower ⊕ higher} in rank order.
 */
public interface Combiner {

    /** Element type the operator works on. */
    ElementType type();

    /** Whether {@code a ⊕ b == b ⊕ a}; when false, operands are combined strictly in rank order. */
    boolean commutative();

    /** Whether the operator may be regrouped; when false, reductions are a strict left fold over ranks. */
    boolean associative();

    /**
     * How many elements form one item the operator works on (2 for a complex number stored as two
     * doubles, or a (value, index) pair): algorithms that split buffers cut only at multiples of it.
     * 0 means the operator must be given whole buffers; 1 (the default) means element-wise.
     */
    default int itemElements() {
        return 1;
    }

    /**
     * Combines {@code count} elements and stores the result in {@code acc}: {@code acc = other ⊕ acc}
     * when {@code otherIsLower}, else {@code acc = acc ⊕ other}.
     */
    void combine(byte[] acc, int accOffset, byte[] other, int otherOffset, int count, boolean otherIsLower);

    /**
     * {@link #combine(byte[], int, byte[], int, int, boolean)} on buffers, at absolute byte offsets
     * (positions and limits are ignored; little-endian whatever the buffers' order). The default
     * works on the backing arrays, or on copies for direct buffers.
     */
    default void combine(ByteBuffer acc, int accOffset, ByteBuffer other, int otherOffset, int count, boolean otherIsLower) {
        if (acc.hasArray() && other.hasArray()) {
            combine(acc.array(), acc.arrayOffset() + accOffset, other.array(), other.arrayOffset() + otherOffset, count,
                    otherIsLower);
            return;
        }
        int bytes = count * type().size();
        byte[] a = new byte[bytes];
        byte[] o = new byte[bytes];
        acc.get(accOffset, a);
        other.get(otherOffset, o);
        combine(a, 0, o, 0, count, otherIsLower);
        acc.put(accOffset, a);
    }

    /**
     * Whether {@link #combineInto} may be given {@code into} and {@code other} as the same bytes (same
     * buffer, same offset): a large reduction then receives its partner's half straight into the
     * working buffer and combines its operand into it, with no temporary. The defaults copy
     * {@code first} into {@code into} before they read {@code other}, so false unless overridden.
     */
    default boolean combinesOverOther() {
        return false;
    }

    /**
     * {@code into = first ⊕ other} over {@code count} elements at absolute byte offsets, the order
     * as in {@link #combine(ByteBuffer, int, ByteBuffer, int, int, boolean)} with {@code first} in
     * the place of {@code acc}: the combine of an operand that is not in the working buffer yet,
     * without copying it there first. By default it copies, then combines.
     */
    default void combineInto(ByteBuffer into, int intoOffset, ByteBuffer first, int firstOffset, ByteBuffer other,
                             int otherOffset, int count, boolean otherIsLower) {
        into.put(intoOffset, first, firstOffset, count * type().size());
        combine(into, intoOffset, other, otherOffset, count, otherIsLower);
    }

    /**
     * {@link #combineInto(ByteBuffer, int, ByteBuffer, int, ByteBuffer, int, int, boolean)} with
     * {@code first} a Java array of {@link #type()} ({@code byte[]}, {@code int[]}, {@code long[]},
     * {@code float[]} or {@code double[]}) from element {@code firstIndex}: the operand of a large
     * reduction of a heap array, combined from where it is. By default it encodes, then combines,
     * 32 KiB at a time (each piece still in the cache when it is combined), whole items of
     * {@link #itemElements()} (all at once if that is 0).
     */
    default void combineInto(ByteBuffer into, int intoOffset, Object first, int firstIndex, ByteBuffer other,
                             int otherOffset, int count, boolean otherIsLower) {
        int size = type().size();
        int item = Math.max(1, itemElements());
        int piece = itemElements() == 0 ? count : Math.max(1, 32 * 1024 / size / item) * item;
        for (int at = 0; at < count; at += piece) {
            int n = Math.min(piece, count - at);
            type().encode(first, firstIndex + at, n, into.duplicate().position(intoOffset + at * size));
            combine(into, intoOffset + at * size, other, otherOffset + at * size, n, otherIsLower);
        }
    }
}

package io.fmi.collective;

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
}

package io.fmi.collective;

import java.util.function.BiConsumer;

/**
 * A user-defined operator over whole Java arrays: decodes both operands, calls the function with
 * the lower-rank operand as {@code left}, and encodes {@code left} back as the result.
 */
public final class ArrayFunctionCombiner implements Combiner {
    private final ElementType type;
    private final BiConsumer<Object, Object> function;
    private final boolean commutative;
    private final boolean associative;
    private final int itemElements;

    /** {@code itemElements}: see {@link Combiner#itemElements()}; 0 for whole buffers. */
    public ArrayFunctionCombiner(ElementType type, BiConsumer<Object, Object> function, boolean commutative,
                                 boolean associative, int itemElements) {
        this.itemElements = itemElements;
        this.type = type;
        this.function = function;
        this.commutative = commutative;
        this.associative = associative;
    }

    @Override
    public ElementType type() {
        return type;
    }

    @Override
    public boolean commutative() {
        return commutative;
    }

    @Override
    public boolean associative() {
        return associative;
    }

    @Override
    public int itemElements() {
        return itemElements;
    }

    @Override
    public void combine(byte[] acc, int accOffset, byte[] other, int otherOffset, int count, boolean otherIsLower) {
        if (count == 0) {
            return;
        }
        Object mine = type.decode(acc, accOffset, count);
        Object theirs = type.decode(other, otherOffset, count);
        Object left = otherIsLower ? theirs : mine;
        Object right = otherIsLower ? mine : theirs;
        function.accept(left, right);
        type.encode(left, acc, accOffset);
    }
}

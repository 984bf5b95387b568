package io.fmi;

import io.fmi.collective.ArrayFunctionCombiner;
import io.fmi.collective.Combiner;
import io.fmi.collective.ElementType;
import io.fmi.collective.ElementwiseCombiner;
import io.fmi.collective.ElementwiseLoops;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A reduction operator for {@code reduce}, {@code allreduce}, {@code scan}, {@code exscan} and
 * {@code reduceScatter}, together with its algebra.
 *
 * <p>Built-ins work element-wise: {@link #SUM}, {@link #PROD}, {@link #MIN}, {@link #MAX} on every
 * numeric type; {@link #LAND}, {@link #LOR} (non-zero is true, results are 0 or 1), {@link #BAND},
 * {@link #BOR}, {@link #BXOR} on {@code byte[]}, {@code int[]}, {@code long[]} and {@code ByteBuffer}
 * (bytes). Built-ins are treated as commutative and associative; floating-point sums are therefore
 * grouped by the algorithm's tree, but the grouping depends only on the communicator size and the
 * root, so the same topology gives bit-identical results on every run and on every rank.
 *
 * <p>{@link #custom(DoubleArrayFunction, boolean, boolean) custom} operators receive whole buffers
 * (unless they declare {@link #items(int) items}, then any whole number of items):
 * the function writes {@code left ⊕ right} into {@code left}, where {@code left} always holds the
 * contribution of the lower ranks. Non-commutative operators are combined strictly in rank order;
 * non-associative ones are evaluated as a left fold {@code ((r0 ⊕ r1) ⊕ r2) ⊕ ...}, which costs
 * a linear algorithm instead of a tree. For example
 * {@code Op.custom((double[] l, double[] r) -> { l[0] = 3 * l[0] + r[0]; }, false, false)} reduces
 * {@code 0, 1, 2} on ranks 0, 1, 2 to {@code 5}.
 */
public final class Op {

    /** Sum; integral types wrap around on overflow as Java arithmetic does. */
    public static final Op SUM = builtin("SUM", ElementwiseLoops.SUM);
    /** Product; integral types wrap around on overflow. */
    public static final Op PROD = builtin("PROD", ElementwiseLoops.PROD);
    /** Minimum. */
    public static final Op MIN = builtin("MIN", ElementwiseLoops.MIN);
    /** Maximum. */
    public static final Op MAX = builtin("MAX", ElementwiseLoops.MAX);
    /** Logical and: 1 if both elements are non-zero, else 0. Integral types only. */
    public static final Op LAND = builtin("LAND", ElementwiseLoops.LAND);
    /** Logical or: 1 if either element is non-zero, else 0. Integral types only. */
    public static final Op LOR = builtin("LOR", ElementwiseLoops.LOR);
    /** Bitwise and. Integral types only. */
    public static final Op BAND = builtin("BAND", ElementwiseLoops.BAND);
    /** Bitwise or. Integral types only. */
    public static final Op BOR = builtin("BOR", ElementwiseLoops.BOR);
    /** Bitwise exclusive or. Integral types only. */
    public static final Op BXOR = builtin("BXOR", ElementwiseLoops.BXOR);

    /**
     * Minimum with its location, over (value, index) pairs stored as two consecutive elements of an
     * {@code int[]}, {@code long[]}, {@code float[]} or {@code double[]} buffer: the result pair holds
     * the smallest value and, among equal values, the smallest index (MPI's {@code MINLOC}).
     */
    public static final Op MINLOC = new Op("MINLOC", true, true, type -> io.fmi.collective.LocCombiner.of(type, true));
    /** Maximum with its location; see {@link #MINLOC}. */
    public static final Op MAXLOC = new Op("MAXLOC", true, true, type -> io.fmi.collective.LocCombiner.of(type, false));

    /** A user operator over {@code byte[]} (also used for {@code ByteBuffer} buffers). */
    @FunctionalInterface
    public interface ByteArrayFunction {
        /** Writes {@code left ⊕ right} into {@code left}; {@code left} holds the lower ranks' contribution. */
        void apply(byte[] left, byte[] right);
    }

    /** A user operator over {@code int[]}. */
    @FunctionalInterface
    public interface IntArrayFunction {
        /** Writes {@code left ⊕ right} into {@code left}; {@code left} holds the lower ranks' contribution. */
        void apply(int[] left, int[] right);
    }

    /** A user operator over {@code long[]}. */
    @FunctionalInterface
    public interface LongArrayFunction {
        /** Writes {@code left ⊕ right} into {@code left}; {@code left} holds the lower ranks' contribution. */
        void apply(long[] left, long[] right);
    }

    /** A user operator over {@code float[]}. */
    @FunctionalInterface
    public interface FloatArrayFunction {
        /** Writes {@code left ⊕ right} into {@code left}; {@code left} holds the lower ranks' contribution. */
        void apply(float[] left, float[] right);
    }

    /** A user operator over {@code double[]}. */
    @FunctionalInterface
    public interface DoubleArrayFunction {
        /** Writes {@code left ⊕ right} into {@code left}; {@code left} holds the lower ranks' contribution. */
        void apply(double[] left, double[] right);
    }

    private interface CombinerFactory {
        Combiner forType(ElementType type);
    }

    private final String name;
    private final boolean commutative;
    private final boolean associative;
    private final CombinerFactory factory;
    /** {@link #factory}'s combiner for each element type, once asked for. */
    private final Combiner[] bound = new Combiner[ElementType.values().length];
    private final BiConsumer<Object, Object> function;
    private final ElementType functionType;

    private Op(String name, boolean commutative, boolean associative, CombinerFactory factory) {
        this(name, commutative, associative, factory, null, null);
    }

    private Op(String name, boolean commutative, boolean associative, CombinerFactory factory,
               ElementType functionType, BiConsumer<Object, Object> function) {
        this.functionType = functionType;
        this.function = function;
        this.name = name;
        this.commutative = commutative;
        this.associative = associative;
        this.factory = factory;
    }

    private static Op builtin(String name, ElementwiseLoops loops) {
        return new Op(name, true, true, type -> ElementwiseCombiner.of(type, loops));
    }

    private static Op custom(ElementType type, BiConsumer<Object, Object> fn, boolean commutative,
                             boolean associative) {
        String name = "custom " + type.javaName() + " op";
        return new Op(name, commutative, associative,
                t -> t == type ? new ArrayFunctionCombiner(type, fn, commutative, associative, 0) : null, type, fn);
    }

    /**
     * This custom operator, declared to work item by item, where one item is
     * {@code elementsPerItem} consecutive elements (2 for complex numbers stored as (re, im)
     * doubles): the function may then be given any whole number of items, and the bandwidth-optimal
     * algorithms for large buffers (which split buffers into slices) become available to it. Without
     * this declaration a custom operator is always given whole buffers.
     */
    public Op items(int elementsPerItem) {
        if (function == null) {
            throw new FmiException("items: " + name + " is a built-in operator; only custom operators declare items");
        }
        if (elementsPerItem < 1) {
            throw new FmiException("items: elementsPerItem must be at least 1, is " + elementsPerItem);
        }
        ElementType type = functionType;
        BiConsumer<Object, Object> fn = function;
        return new Op(name + " over items of " + elementsPerItem, commutative, associative,
                t -> t == type ? new ArrayFunctionCombiner(type, fn, commutative, associative, elementsPerItem) : null,
                type, fn);
    }

    /**
     * A user operator over {@code byte[]} (and {@code ByteBuffer}) buffers.
     *
     * @param fn          writes {@code left ⊕ right} into {@code left}
     * @param commutative whether {@code a ⊕ b == b ⊕ a}; if false, operands are combined in rank order
     * @param associative whether {@code (a ⊕ b) ⊕ c == a ⊕ (b ⊕ c)}; if false, a strict left fold is used
     */
    public static Op custom(ByteArrayFunction fn, boolean commutative, boolean associative) {
        Objects.requireNonNull(fn, "fn");
        return custom(ElementType.BYTE, (l, r) -> fn.apply((byte[]) l, (byte[]) r), commutative, associative);
    }

    /** A user operator over {@code int[]} buffers; see {@link #custom(ByteArrayFunction, boolean, boolean)}. */
    public static Op custom(IntArrayFunction fn, boolean commutative, boolean associative) {
        Objects.requireNonNull(fn, "fn");
        return custom(ElementType.INT, (l, r) -> fn.apply((int[]) l, (int[]) r), commutative, associative);
    }

    /** A user operator over {@code long[]} buffers; see {@link #custom(ByteArrayFunction, boolean, boolean)}. */
    public static Op custom(LongArrayFunction fn, boolean commutative, boolean associative) {
        Objects.requireNonNull(fn, "fn");
        return custom(ElementType.LONG, (l, r) -> fn.apply((long[]) l, (long[]) r), commutative, associative);
    }

    /** A user operator over {@code float[]} buffers; see {@link #custom(ByteArrayFunction, boolean, boolean)}. */
    public static Op custom(FloatArrayFunction fn, boolean commutative, boolean associative) {
        Objects.requireNonNull(fn, "fn");
        return custom(ElementType.FLOAT, (l, r) -> fn.apply((float[]) l, (float[]) r), commutative, associative);
    }

    /** A user operator over {@code double[]} buffers; see {@link #custom(ByteArrayFunction, boolean, boolean)}. */
    public static Op custom(DoubleArrayFunction fn, boolean commutative, boolean associative) {
        Objects.requireNonNull(fn, "fn");
        return custom(ElementType.DOUBLE, (l, r) -> fn.apply((double[]) l, (double[]) r), commutative, associative);
    }

    /** The operator's name, e.g. {@code SUM} or {@code custom double[] op}. */
    public String name() {
        return name;
    }

    /** Whether operands may be swapped. */
    public boolean commutative() {
        return commutative;
    }

    /** Whether operands may be regrouped. */
    public boolean associative() {
        return associative;
    }

    /** The operator bound to {@code type}; an {@link FmiException} naming both if it has no such form. */
    Combiner combiner(ElementType type, Operation operation) {
        Combiner combiner = bound[type.ordinal()];
        if (combiner == null) {
            // made once per type (combiners are immutable; a race makes an equal one twice)
            combiner = factory.forType(type);
            bound[type.ordinal()] = combiner;
        }
        if (combiner == null) {
            throw new FmiException(operation.label() + ": operator " + name + " is not defined for "
                    + type.javaName() + " buffers; use an operator for that type (LAND/LOR/BAND/BOR/BXOR are"
                    + " integral only, a custom op works on the array type it was declared for)");
        }
        return combiner;
    }

    @Override
    public String toString() {
        return name;
    }
}

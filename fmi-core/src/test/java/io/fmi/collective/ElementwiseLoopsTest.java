package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each built-in operator's own loops give, bit for bit, what the operator means element by element
 * (the scalar definitions below: integral types wrap, bytes compute in int and keep the low byte,
 * floats compute in double and round once), at offsets, across chunk edges, with the awkward values
 * (overflow, NaN, infinities, -0.0) mixed in, leaving every byte outside the range as it was.
 */
class ElementwiseLoopsTest {

    /** An operator's loops and its scalar definition (null: not defined for floating point). */
    private record Scalar(String name, ElementwiseLoops loops, IntBinaryOperator ints, LongBinaryOperator longs,
                          DoubleBinaryOperator doubles) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> operators() {
        Scalar[] all = {
            new Scalar("SUM", ElementwiseLoops.SUM, Integer::sum, Long::sum, Double::sum),
            new Scalar("PROD", ElementwiseLoops.PROD, (a, b) -> a * b, (a, b) -> a * b, (a, b) -> a * b),
            new Scalar("MIN", ElementwiseLoops.MIN, Math::min, Math::min, Math::min),
            new Scalar("MAX", ElementwiseLoops.MAX, Math::max, Math::max, Math::max),
            new Scalar("LAND", ElementwiseLoops.LAND, (a, b) -> a != 0 && b != 0 ? 1 : 0,
                    (a, b) -> a != 0 && b != 0 ? 1 : 0, null),
            new Scalar("LOR", ElementwiseLoops.LOR, (a, b) -> a != 0 || b != 0 ? 1 : 0,
                    (a, b) -> a != 0 || b != 0 ? 1 : 0, null),
            new Scalar("BAND", ElementwiseLoops.BAND, (a, b) -> a & b, (a, b) -> a & b, null),
            new Scalar("BOR", ElementwiseLoops.BOR, (a, b) -> a | b, (a, b) -> a | b, null),
            new Scalar("BXOR", ElementwiseLoops.BXOR, (a, b) -> a ^ b, (a, b) -> a ^ b, null),
        };
        return Stream.of(all).flatMap(s -> Stream.of(ElementType.values()).map(t -> Arguments.of(s, t)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("operators")
    void loopsMatchTheScalarDefinition(Scalar op, ElementType type) {
        Combiner combiner = ElementwiseCombiner.of(type, op.loops());
        boolean floating = type == ElementType.FLOAT || type == ElementType.DOUBLE;
        if (floating && op.doubles() == null) {
            assertNull(combiner, op + " must not be defined for " + type);
            return;
        }
        int size = type.size();
        for (int count : new int[] {1, 7, 511, 512, 513, 1500}) {
            Random random = new Random(31L * count + type.ordinal() + op.name().hashCode());
            int accOffset = 3 * size;
            int otherOffset = 5 * size;
            byte[] acc = values(random, type, accOffset + count * size + 11);
            byte[] other = values(random, type, otherOffset + count * size + 13);
            byte[] expected = acc.clone();
            ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer o = ByteBuffer.wrap(other).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                int at = accOffset + i * size;
                int from = otherOffset + i * size;
                switch (type) {
                    case BYTE -> e.put(at, (byte) op.ints().applyAsInt(e.get(at), o.get(from)));
                    case INT -> e.putInt(at, op.ints().applyAsInt(e.getInt(at), o.getInt(from)));
                    case LONG -> e.putLong(at, op.longs().applyAsLong(e.getLong(at), o.getLong(from)));
                    case FLOAT -> e.putFloat(at, (float) op.doubles().applyAsDouble(e.getFloat(at), o.getFloat(from)));
                    default -> e.putDouble(at, op.doubles().applyAsDouble(e.getDouble(at), o.getDouble(from)));
                }
            }
            byte[] actual = acc.clone();
            combiner.combine(actual, accOffset, other, otherOffset, count, false);
            assertArrayEquals(expected, actual, op + " on " + type + ", " + count + " elements (byte arrays)");
            ByteBuffer direct = ByteBuffer.allocateDirect(acc.length);
            direct.put(0, acc);
            ByteBuffer otherDirect = ByteBuffer.allocateDirect(other.length);
            otherDirect.put(0, other);
            combiner.combine(direct, accOffset, otherDirect, otherOffset, count, true);
            byte[] fromDirect = new byte[acc.length];
            direct.get(0, fromDirect);
            assertArrayEquals(expected, fromDirect, op + " on " + type + ", " + count + " elements (direct buffers)");
        }
    }

    /** Random elements with the values that trip operators up mixed in (the tail bytes random). */
    private static byte[] values(Random random, ElementType type, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        b.put(0, raw);
        int size = type.size();
        for (int at = 0; at + size <= bytes; at += size) {
            int pick = random.nextInt(8);
            switch (type) {
                case BYTE -> b.put(at, new byte[] {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE, 0, raw[at], raw[at]}[pick]);
                case INT -> b.putInt(at, new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0,
                        random.nextInt(), random.nextInt(100)}[pick]);
                case LONG -> b.putLong(at, new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0,
                        random.nextLong(), random.nextInt(100)}[pick]);
                case FLOAT -> b.putFloat(at, new float[] {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY,
                        Float.MAX_VALUE, Float.MIN_VALUE, random.nextFloat() * 1e6f - 5e5f, 1f / 3}[pick]);
                default -> b.putDouble(at, new double[] {0d, -0d, Double.NaN, Double.NEGATIVE_INFINITY,
                        Double.MAX_VALUE, Double.MIN_VALUE, random.nextGaussian() * 1e9, 0.1}[pick]);
            }
        }
        return b.array();
    }

    @Test
    void integralOnlyOperatorsHaveNoFloatingForm() {
        for (ElementwiseLoops loops : new ElementwiseLoops[] {ElementwiseLoops.LAND, ElementwiseLoops.LOR,
                ElementwiseLoops.BAND, ElementwiseLoops.BOR, ElementwiseLoops.BXOR}) {
            assertNull(ElementwiseCombiner.of(ElementType.DOUBLE, loops));
            assertNull(ElementwiseCombiner.of(ElementType.FLOAT, loops));
        }
    }
}

package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Large reductions combine in direct buffers; the result must be the byte-array combine's, bit for
 * bit, for every element type, at offsets, whatever the buffers' byte order, and for operators
 * that only work on arrays (through the default's copies); in place and into a third buffer.
 */
class CombinerBuffersTest {

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static ByteBuffer direct(byte[] content, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocateDirect(content.length).order(order);
        b.put(0, content);
        return b;
    }

    /** Counts around the direct combine's chunks of 512 elements. */
    private static final int[] COUNTS = {1, 511, 512, 513, 1000, 3000};

    private static void assertSameAsArrays(Combiner op, int size, ByteOrder order) {
        for (int count : COUNTS) {
            assertSameAsArrays(op, size, order, count);
        }
    }

    private static void assertSameAsArrays(Combiner op, int size, ByteOrder order, int count) {
        Random random = new Random(size * 31L + op.type().ordinal() + count);
        int accOffset = 3 * size;
        int otherOffset = 5 * size;
        byte[] acc = randomBytes(random, accOffset + count * size + 16);
        byte[] other = randomBytes(random, otherOffset + count * size + 16);
        // zeros among the random elements, in one operand, the other or both (the logical operators)
        for (int i = 0; i < count; i++) {
            if (i % 3 == 0) {
                java.util.Arrays.fill(acc, accOffset + i * size, accOffset + (i + 1) * size, (byte) 0);
            }
            if (i % 5 == 0) {
                java.util.Arrays.fill(other, otherOffset + i * size, otherOffset + (i + 1) * size, (byte) 0);
            }
        }
        for (boolean lower : new boolean[] {false, true}) {
            byte[] expected = acc.clone();
            op.combine(expected, accOffset, other, otherOffset, count, lower);
            ByteBuffer a = direct(acc, order);
            // offsets count from the buffer's start, whatever its position
            a.position(7);
            op.combine(a, accOffset, direct(other, order), otherOffset, count, lower);
            byte[] actual = new byte[acc.length];
            a.get(0, actual);
            assertArrayEquals(expected, actual, op.type() + " " + order + " count " + count + " other lower " + lower);
            // one operand on the heap, one direct (a user's heap buffer against a pooled direct one)
            ByteBuffer heap = ByteBuffer.wrap(acc.clone()).order(order);
            op.combine(heap, accOffset, direct(other, order), otherOffset, count, lower);
            assertArrayEquals(expected, heap.array(), op.type() + " heap and direct, count " + count);
            // into a third buffer, from an operand elsewhere (the first step of a large reduction,
            // reading the user's send buffer): only the range written, the operand untouched
            byte[] garbage = randomBytes(random, acc.length + 9);
            byte[] expectedInto = garbage.clone();
            System.arraycopy(expected, accOffset, expectedInto, 9, count * size);
            ByteBuffer into = direct(garbage, order);
            ByteBuffer first = direct(acc, order);
            op.combineInto(into, 9, first, accOffset, direct(other, order), otherOffset, count, lower);
            byte[] actualInto = new byte[garbage.length];
            into.get(0, actualInto);
            assertArrayEquals(expectedInto, actualInto, op.type() + " into another buffer, count " + count);
            byte[] firstAfter = new byte[acc.length];
            first.get(0, firstAfter);
            assertArrayEquals(acc, firstAfter, op.type() + " operand modified, count " + count);
            // from a Java array (the first step of a large reduction of the user's double[] etc.),
            // from an element past its start
            int firstIndex = 2;
            Object array = java.lang.reflect.Array.newInstance(elementClass(op.type()), firstIndex + count + 1);
            op.type().decodeInto(ByteBuffer.wrap(acc).position(accOffset), array, firstIndex, count);
            Object arrayBefore = copyOf(array);
            ByteBuffer intoFromArray = direct(garbage, order);
            op.combineInto(intoFromArray, 9, array, firstIndex, direct(other, order), otherOffset, count, lower);
            byte[] actualFromArray = new byte[garbage.length];
            intoFromArray.get(0, actualFromArray);
            assertArrayEquals(expectedInto, actualFromArray, op.type() + " into a buffer from an array, count " + count);
            assertArrayEquals(bytesOf(op.type(), arrayBefore), bytesOf(op.type(), array),
                    op.type() + " array operand modified, count " + count);
            if (op.combinesOverOther()) {
                // over the other operand itself (a large reduction receives its partner's half into
                // the working buffer and combines its own operand into it there)
                byte[] overOther = garbage.clone();
                System.arraycopy(other, otherOffset, overOther, 9, count * size);
                ByteBuffer fromArray = direct(overOther, order);
                op.combineInto(fromArray, 9, array, firstIndex, fromArray, 9, count, lower);
                byte[] actualOver = new byte[garbage.length];
                fromArray.get(0, actualOver);
                assertArrayEquals(expectedInto, actualOver, op.type() + " over the other operand from an array, count " + count);
                ByteBuffer fromBuffer = direct(overOther, order);
                op.combineInto(fromBuffer, 9, direct(acc, order), accOffset, fromBuffer, 9, count, lower);
                fromBuffer.get(0, actualOver);
                assertArrayEquals(expectedInto, actualOver, op.type() + " over the other operand from a buffer, count " + count);
            }
        }
    }

    private static Class<?> elementClass(ElementType type) {
        switch (type) {
            case BYTE:
                return byte.class;
            case INT:
                return int.class;
            case LONG:
                return long.class;
            case FLOAT:
                return float.class;
            default:
                return double.class;
        }
    }

    private static Object copyOf(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }

    private static byte[] bytesOf(ElementType type, Object array) {
        byte[] bytes = new byte[java.lang.reflect.Array.getLength(array) * type.size()];
        type.encode(array, bytes, 0);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(value = ElementType.class, names = {"BYTE", "INT", "LONG", "FLOAT", "DOUBLE"})
    void elementwiseCombinesInDirectBuffersAsInArrays(ElementType type) {
        // every built-in operator: its loops on direct buffers against its loops on arrays
        ElementwiseLoops[] all = {ElementwiseLoops.SUM, ElementwiseLoops.PROD, ElementwiseLoops.MIN, ElementwiseLoops.MAX,
                ElementwiseLoops.LAND, ElementwiseLoops.LOR, ElementwiseLoops.BAND, ElementwiseLoops.BOR, ElementwiseLoops.BXOR};
        int tested = 0;
        for (ElementwiseLoops loops : all) {
            Combiner op = ElementwiseCombiner.of(type, loops);
            if (op == null) {
                continue;
            }
            tested++;
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                assertSameAsArrays(op, type.size(), order);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(type == ElementType.FLOAT || type == ElementType.DOUBLE ? 4 : 9, tested);
    }

    @ParameterizedTest
    @EnumSource(value = ElementType.class, names = {"INT", "DOUBLE"})
    void anArrayOnlyOperatorCombinesDirectBuffersThroughCopies(ElementType type) {
        // MAXLOC: (value, index) items, a combiner with no buffer form of its own
        assertSameAsArrays(LocCombiner.of(type, false), type.size(), ByteOrder.LITTLE_ENDIAN, 1000);
        // more than the default's 32 KiB pieces
        assertSameAsArrays(LocCombiner.of(type, false), type.size(), ByteOrder.LITTLE_ENDIAN, 9000);
    }
}

package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * A complex number of {@link MPI#DOUBLE_COMPLEX}: two {@code double}s (real, imaginary) in an array or
 * buffer, read and written in place.
 */
public final class DoubleComplex {
    private final DoubleBuffer buffer;
    private final int offset;

    private DoubleComplex(DoubleBuffer buffer, int index) {
        this.buffer = buffer;
        this.offset = index * 2;
    }

    /**
     * The complex number at {@code index} of a buffer of complex numbers.
     *
     * @param buffer the buffer
     * @param index  the number's index
     * @return a view of it
     */
    public static DoubleComplex get(DoubleBuffer buffer, int index) {
        return new DoubleComplex(buffer, index);
    }

    /**
     * The first complex number of a buffer.
     *
     * @param buffer the buffer
     * @return a view of it
     */
    public static DoubleComplex get(DoubleBuffer buffer) {
        return new DoubleComplex(buffer, 0);
    }

    /**
     * The complex number at {@code index} of an array of (re, im) pairs.
     *
     * @param array the array
     * @param index the number's index
     * @return a view of it
     */
    public static DoubleComplex get(double[] array, int index) {
        return new DoubleComplex(DoubleBuffer.wrap(array), index);
    }

    /**
     * The first complex number of an array.
     *
     * @param array the array
     * @return a view of it
     */
    public static DoubleComplex get(double[] array) {
        return new DoubleComplex(DoubleBuffer.wrap(array), 0);
    }

    /**
     * The complex number at {@code index} of a byte buffer (native order).
     *
     * @param buffer the buffer
     * @param index  the number's index
     * @return a view of it
     */
    public static DoubleComplex get(ByteBuffer buffer, int index) {
        return new DoubleComplex(buffer.duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer(), index);
    }

    /**
     * The first complex number of a byte buffer.
     *
     * @param buffer the buffer
     * @return a view of it
     */
    public static DoubleComplex get(ByteBuffer buffer) {
        return get(buffer, 0);
    }

    /**
     * The real part.
     *
     * @return the real part
     */
    public double getReal() {
        return buffer.get(offset);
    }

    /**
     * The imaginary part.
     *
     * @return the imaginary part
     */
    public double getImag() {
        return buffer.get(offset + 1);
    }

    /**
     * Writes the real part.
     *
     * @param real the real part
     */
    public void putReal(double real) {
        buffer.put(offset, real);
    }

    /**
     * Writes the imaginary part.
     *
     * @param imag the imaginary part
     */
    public void putImag(double imag) {
        buffer.put(offset + 1, imag);
    }
}

package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A complex number of {@link MPI#FLOAT_COMPLEX}: two {@code float}s (real, imaginary) in an array or
 * buffer, read and written in place.
 */
public final class FloatComplex {
    private final FloatBuffer buffer;
    private final int offset;

    private FloatComplex(FloatBuffer buffer, int index) {
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
    public static FloatComplex get(FloatBuffer buffer, int index) {
        return new FloatComplex(buffer, index);
    }

    /**
     * The first complex number of a buffer.
     *
     * @param buffer the buffer
     * @return a view of it
     */
    public static FloatComplex get(FloatBuffer buffer) {
        return new FloatComplex(buffer, 0);
    }

    /**
     * The complex number at {@code index} of an array of (re, im) pairs.
     *
     * @param array the array
     * @param index the number's index
     * @return a view of it
     */
    public static FloatComplex get(float[] array, int index) {
        return new FloatComplex(FloatBuffer.wrap(array), index);
    }

    /**
     * The first complex number of an array.
     *
     * @param array the array
     * @return a view of it
     */
    public static FloatComplex get(float[] array) {
        return new FloatComplex(FloatBuffer.wrap(array), 0);
    }

    /**
     * The complex number at {@code index} of a byte buffer (native order).
     *
     * @param buffer the buffer
     * @param index  the number's index
     * @return a view of it
     */
    public static FloatComplex get(ByteBuffer buffer, int index) {
        return new FloatComplex(buffer.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer(), index);
    }

    /**
     * The first complex number of a byte buffer.
     *
     * @param buffer the buffer
     * @return a view of it
     */
    public static FloatComplex get(ByteBuffer buffer) {
        return get(buffer, 0);
    }

    /**
     * The real part.
     *
     * @return the real part
     */
    public float getReal() {
        return buffer.get(offset);
    }

    /**
     * The imaginary part.
     *
     * @return the imaginary part
     */
    public float getImag() {
        return buffer.get(offset + 1);
    }

    /**
     * Writes the real part.
     *
     * @param real the real part
     */
    public void putReal(float real) {
        buffer.put(offset, real);
    }

    /**
     * Writes the imaginary part.
     *
     * @param imag the imaginary part
     */
    public void putImag(float imag) {
        buffer.put(offset + 1, imag);
    }
}

package mpi;

import java.nio.ByteBuffer;

/**
 * Reads and writes {@link MPI#FLOAT_INT} items (a {@code float} value and an {@code int} index: 8
 * bytes per item, the index at byte 4) in a byte buffer, for {@code MINLOC}/{@code MAXLOC}:
 * {@code MPI.floatInt.getData(buffer, i).putValue(v)}.
 */
public final class FloatInt extends Struct {
    FloatInt() {
        super(8, 4);
    }

    /**
     * The item at {@code index} of {@code buffer} (item 0 at the buffer's index 0).
     *
     * @param buffer the buffer
     * @param index  the item
     * @return a view of that item
     */
    public Data getData(ByteBuffer buffer, int index) {
        return new Data(view(buffer), offset(index), indexAt);
    }

    /** One item: its value here, its index in {@link Struct.Data}. */
    public static final class Data extends Struct.Data {
        Data(ByteBuffer buffer, int at, int indexAt) {
            super(buffer, at, indexAt);
        }

        /**
         * The value.
         *
         * @return the value
         */
        public float getValue() {
            return buffer.getFloat(at);
        }

        /**
         * Writes the value.
         *
         * @param v the value
         */
        public void putValue(float v) {
            buffer.putFloat(at, v);
        }
    }
}

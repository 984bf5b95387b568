package mpi;

import java.nio.ByteBuffer;

/**
 * Reads and writes {@link MPI#SHORT_INT} items (a {@code short} value and an {@code int} index: 8
 * bytes per item, the index at byte 4) in a byte buffer, for {@code MINLOC}/{@code MAXLOC}:
 * {@code MPI.shortInt.getData(buffer, i).putValue(v)}.
 */
public final class ShortInt extends Struct {
    ShortInt() {
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
        public short getValue() {
            return buffer.getShort(at);
        }

        /**
         * Writes the value.
         *
         * @param v the value
         */
        public void putValue(short v) {
            buffer.putShort(at, v);
        }
    }
}

package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes {@link MPI#INT2} items (a {@code int} value and an {@code int} index, laid out
 * as the C struct: 8 bytes per item, the index at byte 4) in a byte buffer, for
 * {@code MINLOC}/{@code MAXLOC}: {@code MPI.int2.getData(buffer, i).putValue(v)}.
 */
public final class Int2 {
    Int2() {
    }

    /**
     * Bytes per item.
     *
     * @return 8
     */
    public int getExtent() {
        return 8;
    }

    /**
     * The item at {@code index} of {@code buffer} (item 0 at the buffer's index 0).
     *
     * @param buffer the buffer
     * @param index  the item
     * @return a view of that item
     */
    public Data getData(ByteBuffer buffer, int index) {
        return new Data(buffer.duplicate().order(ByteOrder.nativeOrder()), index * 8);
    }

    /** One (value, index) item in a buffer. */
    public static final class Data {
        private final ByteBuffer buffer;
        private final int at;

        Data(ByteBuffer buffer, int at) {
            this.buffer = buffer;
            this.at = at;
        }

        /**
         * The value.
         *
         * @return the value
         */
        public int getValue() {
            return buffer.getInt(at);
        }

        /**
         * The index.
         *
         * @return the index
         */
        public int getIndex() {
            return buffer.getInt(at + 4);
        }

        /**
         * Writes the value.
         *
         * @param v the value
         */
        public void putValue(int v) {
            buffer.putInt(at, v);
        }

        /**
         * Writes the index.
         *
         * @param v the index
         */
        public void putIndex(int v) {
            buffer.putInt(at + 4, v);
        }
    }
}

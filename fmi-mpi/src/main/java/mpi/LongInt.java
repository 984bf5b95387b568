package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes {@link MPI#LONG_INT} items (a {@code long} value and an {@code int} index, laid out
 * as the C struct: 16 bytes per item, the index at byte 8) in a byte buffer, for
 * {@code MINLOC}/{@code MAXLOC}: {@code MPI.longInt.getData(buffer, i).putValue(v)}.
 */
public final class LongInt {
    LongInt() {
    }

    /**
     * Bytes per item.
     *
     * @return 16
     */
    public int getExtent() {
        return 16;
    }

    /**
     * The item at {@code index} of {@code buffer} (item 0 at the buffer's index 0).
     *
     * @param buffer the buffer
     * @param index  the item
     * @return a view of that item
     */
    public Data getData(ByteBuffer buffer, int index) {
        return new Data(buffer.duplicate().order(ByteOrder.nativeOrder()), index * 16);
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
        public long getValue() {
            return buffer.getLong(at);
        }

        /**
         * The index.
         *
         * @return the index
         */
        public int getIndex() {
            return buffer.getInt(at + 8);
        }

        /**
         * Writes the value.
         *
         * @param v the value
         */
        public void putValue(long v) {
            buffer.putLong(at, v);
        }

        /**
         * Writes the index.
         *
         * @param v the index
         */
        public void putIndex(int v) {
            buffer.putInt(at + 8, v);
        }
    }
}

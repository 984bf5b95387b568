package mpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of the pair types' items in a byte buffer (native order, laid out as the C structs:
 * the value first, the {@code int} index after it at its alignment), with the accessors of
 * {@link Int2}, {@link ShortInt}, {@link LongInt}, {@link FloatInt} and {@link DoubleInt}.
 */
public abstract class Struct {
    private final int extent;
    final int indexAt;

    Struct(int extent, int indexAt) {
        this.extent = extent;
        this.indexAt = indexAt;
    }

    /**
     * Bytes per item.
     *
     * @return the extent
     */
    public final int getExtent() {
        return extent;
    }

    /** A native-order view of {@code buffer} and the byte offset of item {@code index}. */
    final ByteBuffer view(ByteBuffer buffer) {
        return buffer.duplicate().order(ByteOrder.nativeOrder());
    }

    final int offset(int index) {
        return index * extent;
    }

    /** One (value, index) item in a buffer; the subclasses add the value's accessors. */
    public abstract static class Data {
        final ByteBuffer buffer;
        final int at;
        private final int indexAt;

        Data(ByteBuffer buffer, int at, int indexAt) {
            this.buffer = buffer;
            this.at = at;
            this.indexAt = indexAt;
        }

        /**
         * The index.
         *
         * @return the index
         */
        public final int getIndex() {
            return buffer.getInt(at + indexAt);
        }

        /**
         * Writes the index.
         *
         * @param v the index
         */
        public final void putIndex(int v) {
            buffer.putInt(at + indexAt, v);
        }
    }
}

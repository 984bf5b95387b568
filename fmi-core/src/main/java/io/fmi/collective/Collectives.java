package io.fmi.collective;

import java.nio.ByteBuffer;

/**
 * The operations of a communicator over byte arrays, implemented once per channel kind. Lengths
 * have been validated by the caller; arrays marked "root only" are null on other ranks.
 * Implementations never modify send arrays.
 */
public interface Collectives {

    /** Point-to-point messages of this communicator. */
    Messages messages();

    void bcast(Call call, byte[] buf, int root);

    void barrier(Call call);

    /** {@code recv} (root only) receives {@code size} blocks of {@code send.length} bytes, in rank order. */
    void gather(Call call, byte[] send, byte[] recv, int root);

    /** {@code send} (root only) holds {@code size} blocks of {@code recv.length} bytes, in rank order. */
    void scatter(Call call, byte[] send, byte[] recv, int root);

    /** {@code recv} is root only. */
    void reduce(Call call, byte[] send, byte[] recv, Combiner op, int root);

    void allreduce(Call call, byte[] send, byte[] recv, Combiner op);

    /**
     * Whether this implementation reduces {@code bytes} with {@code op} in place in a direct buffer
     * ({@link #allreduce(Call, ByteBuffer, Combiner)}, {@link #reduce(Call, ByteBuffer, Combiner, int)}):
     * channels that move direct buffers without copies do, for large buffers. The caller then fills
     * one straight from the user's buffer.
     */
    default boolean reducesInPlace(int bytes, Combiner op) {
        return false;
    }

    /** Allreduce in place: {@code work} (direct, position 0, all of it) holds this rank's operand, then the result. */
    default void allreduce(Call call, ByteBuffer work, Combiner op) {
        throw new UnsupportedOperationException("no in-place allreduce here; check reducesInPlace first");
    }

    /**
     * Where an in-place reduction's operand comes from and where its result goes, a range at a
     * time: the user's buffers, which are not the direct work buffer. Ranges are byte offsets of
     * whole elements, the same in the work buffer and in the user's.
     */
    interface Operand {
        /** Copies bytes {@code [offset, offset + length)} of this rank's operand into the same range of {@code work}. */
        void fill(ByteBuffer work, int offset, int length);

        /**
         * Copies bytes {@code [offset, offset + length)} of {@code work}, which hold the result, into
         * the user's result; nothing on a rank that gets no result (a reduce's other ranks).
         */
        void store(ByteBuffer work, int offset, int length);

        /**
         * The operand's own bytes when they are in a direct buffer laid out as {@code work}
         * (position 0, the same capacity), which a collective may send from and combine from
         * directly instead of filling {@code work} first; null (the default) when it must fill.
         * {@link #fill} works either way.
         */
        default ByteBuffer source() {
            return null;
        }

        /**
         * The operand itself when it is a Java array of the combiner's type whose element 0 is
         * byte 0 of {@code work}, which a collective may combine from directly
         * ({@link Combiner#combineInto(ByteBuffer, int, Object, int, ByteBuffer, int, int, boolean)})
         * instead of filling {@code work} first; null (the default) otherwise. Read only; read
         * before anything is stored, as {@link #fill} is.
         */
        default Object array() {
            return null;
        }
    }

    /**
     * Allreduce in {@code work} (direct, position 0, all of it; its content unspecified) of the
     * operand {@code operand} fills, whose result goes to {@code operand}: each range may be filled
     * just before it is first sent or combined and stored as soon as it holds the result, while it
     * is in the cache, instead of the whole buffer before and after. Every range is filled before
     * any is stored (the operand and the result may be the same array), and every byte is stored
     * once; an allreduce that fails may have stored some. By default: all filled,
     * {@link #allreduce(Call, ByteBuffer, Combiner)}, all stored.
     */
    default void allreduce(Call call, ByteBuffer work, Combiner op, Operand operand) {
        operand.fill(work, 0, work.capacity());
        allreduce(call, work, op);
        operand.store(work, 0, work.capacity());
    }

    /**
     * Reduce in place: {@code work} (direct, position 0, all of it) holds this rank's operand, then
     * on the root the result (elsewhere, unspecified bytes).
     */
    default void reduce(Call call, ByteBuffer work, Combiner op, int root) {
        throw new UnsupportedOperationException("no in-place reduce here; check reducesInPlace first");
    }

    /**
     * Reduce in {@code work} of the operand {@code operand} fills, the root's result stored into it,
     * under the rules of {@link #allreduce(Call, ByteBuffer, Combiner, Operand)}. By default: all
     * filled, {@link #reduce(Call, ByteBuffer, Combiner, int)}, all stored (nothing off the root).
     */
    default void reduce(Call call, ByteBuffer work, Combiner op, int root, Operand operand) {
        operand.fill(work, 0, work.capacity());
        reduce(call, work, op, root);
        operand.store(work, 0, work.capacity());
    }

    /** Inclusive prefix reduction: rank r receives {@code send_0 ⊕ ... ⊕ send_r}. */
    void scan(Call call, byte[] send, byte[] recv, Combiner op);

    /** Exclusive prefix reduction: rank r > 0 receives {@code send_0 ⊕ ... ⊕ send_(r-1)}; rank 0's recv is untouched. */
    void exscan(Call call, byte[] send, byte[] recv, Combiner op);

    void allgather(Call call, byte[] send, byte[] recv);

    /**
     * Whether bcast, allgather and alltoall that fill {@code bytes} of receive buffer run on direct
     * buffers ({@link #bcast(Call, ByteBuffer, int)}, {@link #allgather(Call, ByteBuffer, ByteBuffer)},
     * {@link #alltoall(Call, ByteBuffer, ByteBuffer)}):
     * channels that move direct buffers without copies do, for large ones. The caller then fills
     * them straight from the user's buffers, or passes those themselves where {@code asIs}: the
     * user's buffers are direct, or heap buffers of bytes the channel moves in place
     * ({@link #movesHeapInPlace}), so running on them costs no copy at all.
     */
    default boolean movesDirect(long bytes, boolean asIs) {
        return false;
    }

    /**
     * Where {@link #movesDirect} holds: whether the buffers given to those operations may instead be
     * the user's heap buffers of bytes, for messages of {@code bytes} each, because the channel sends
     * and receives them in place ({@link io.fmi.spi.PeerToPeerChannel#movesHeapInPlace}).
     */
    default boolean movesHeapInPlace(long bytes) {
        return false;
    }

    /** {@link #bcast(Call, byte[], int)} on a direct buffer (position 0, all of it). */
    default void bcast(Call call, ByteBuffer buf, int root) {
        throw new UnsupportedOperationException("no direct bcast here; check movesDirect first");
    }

    /** {@link #allgather(Call, byte[], byte[])} on direct buffers (position 0, all of them). */
    default void allgather(Call call, ByteBuffer send, ByteBuffer recv) {
        throw new UnsupportedOperationException("no direct allgather here; check movesDirect first");
    }

    /** {@link #alltoall(Call, byte[], byte[])} on direct buffers (position 0, all of them). */
    default void alltoall(Call call, ByteBuffer send, ByteBuffer recv) {
        throw new UnsupportedOperationException("no direct alltoall here; check movesDirect first");
    }

    /** Block {@code j} of {@code send} goes to rank {@code j}; block {@code i} of {@code recv} comes from rank {@code i}. */
    void alltoall(Call call, byte[] send, byte[] recv);

    /** {@code send} is {@code size} blocks; rank r receives block r of the reduction. */
    void reduceScatter(Call call, byte[] send, byte[] recv, Combiner op);

    /**
     * {@code recv} (root only) receives {@code counts[r]} bytes from rank r at offset
     * {@code displs[r]}; every rank sends all of {@code send}, which must be {@code counts[rank]} bytes.
     */
    void gatherv(Call call, byte[] send, byte[] recv, int[] counts, int[] displs, int root);

    /** The inverse of {@link #gatherv}: rank r receives {@code counts[r]} bytes from offset {@code displs[r]} of the root's {@code send}. */
    void scatterv(Call call, byte[] send, int[] counts, int[] displs, byte[] recv, int root);

    /** {@link #gatherv} to every rank. */
    void allgatherv(Call call, byte[] send, byte[] recv, int[] counts, int[] displs);

    /** Rank r sends {@code sendCounts[j]} bytes from {@code sendDispls[j]} to rank j and receives {@code recvCounts[i]} bytes at {@code recvDispls[i]} from rank i. */
    void alltoallv(Call call, byte[] send, int[] sendCounts, int[] sendDispls, byte[] recv, int[] recvCounts,
                   int[] recvDispls);

    /** {@code send} holds {@code sum(counts)} bytes; rank r receives the reduction of the {@code counts[r]} bytes at offset {@code counts[0] + ... + counts[r-1]}. */
    void reduceScatterv(Call call, byte[] send, byte[] recv, int[] counts, Combiner op);
}

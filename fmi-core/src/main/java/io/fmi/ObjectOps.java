package io.fmi;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/** The object operations of a communicator: encoded with its codec, moved with its byte operations. */
final class ObjectOps {
    private final Communicator comm;
    private final ObjectCodec codec;

    ObjectOps(Communicator comm, ObjectCodec codec) {
        this.comm = comm;
        this.codec = codec;
    }

    ObjectCodec codec() {
        return codec;
    }

    void send(Object value, int dest, int tag) {
        comm.send(codec.encode(value), dest, tag);
    }

    /** Probes for the size, then receives exactly that message (the same one: messages of a source are not reordered). */
    <T> T recv(int src, int tag, Class<T> type) {
        Status next = comm.probe(src, tag);
        byte[] bytes = new byte[next.bytes()];
        comm.recvExact(bytes, next.source(), next.tag());
        return codec.decode(bytes, type);
    }

    <T> T bcast(T value, int root, Class<T> type) {
        byte[] bytes = comm.rank() == root ? codec.encode(value) : null;
        int[] length = {bytes == null ? 0 : bytes.length};
        comm.bcast(length, root);
        if (bytes == null) {
            bytes = new byte[length[0]];
        }
        comm.bcast(bytes, root);
        return comm.rank() == root ? value : codec.decode(bytes, type);
    }

    <T> List<T> gather(T value, int root, Class<T> type) {
        byte[] mine = codec.encode(value);
        int size = comm.size();
        int[] lengths = comm.rank() == root ? new int[size] : null;
        comm.gather(new int[] {mine.length}, lengths, root);
        byte[] all = null;
        if (comm.rank() == root) {
            all = new byte[sum(lengths)];
        }
        comm.gatherv(mine, all, comm.rank() == root ? lengths : new int[size], root);
        return comm.rank() == root ? decodeAll(all, lengths, type) : null;
    }

    <T> List<T> allgather(T value, Class<T> type) {
        byte[] mine = codec.encode(value);
        int[] lengths = new int[comm.size()];
        comm.allgather(new int[] {mine.length}, lengths);
        byte[] all = new byte[sum(lengths)];
        comm.allgatherv(mine, all, lengths);
        return decodeAll(all, lengths, type);
    }

    <T> T allreduce(T value, BinaryOperator<T> op, Class<T> type) {
        List<T> all = allgather(value, type);
        T acc = all.get(0);
        for (int r = 1; r < all.size(); r++) {
            acc = op.apply(acc, all.get(r));
        }
        return acc;
    }

    private static int sum(int[] lengths) {
        long total = 0;
        for (int l : lengths) {
            total += l;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new FmiException("the encoded objects add up to " + total + " bytes, more than one array holds");
        }
        return (int) total;
    }

    private <T> List<T> decodeAll(byte[] all, int[] lengths, Class<T> type) {
        List<T> out = new ArrayList<>(lengths.length);
        int at = 0;
        for (int length : lengths) {
            out.add(codec.decode(java.util.Arrays.copyOfRange(all, at, at + length), type));
            at += length;
        }
        return out;
    }
}

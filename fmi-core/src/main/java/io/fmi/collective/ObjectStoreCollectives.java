package io.fmi.collective;

import io.fmi.MessageSizeException;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Collectives over an {@link ObjectStoreChannel}: every value is uploaded once and downloaded by
 * the peers that need it, under keys {@code <op>-<seq>/<src>-<dst>} that are unique per call, so
 * repeated and concurrent operations never collide and nothing is ever listed or scanned.
 *
 * <p>Each stored value starts with an 8-byte little-endian total length, so a receiver detects a
 * size mismatch on the first read instead of waiting for data that will never come. Values larger
 * than {@link ObjectStoreChannel#maxValueBytes()} are split into parts {@code key}, {@code key~1},
 * {@code key~2}, ... (DynamoDB's 400 KB item limit, Redis' 512 MB value limit).
 */
public final class ObjectStoreCollectives extends AbstractCollectives {
    private static final int HEADER = 8;

    private final ObjectStoreChannel channel;
    private final Map<Long, Long> sent = new HashMap<>();
    private final Map<Long, Long> received = new HashMap<>();

    public ObjectStoreCollectives(ObjectStoreChannel channel, int rank, int size) {
        super(rank, size);
        this.channel = channel;
    }

    private static String key(Call call, int src, String dst) {
        return call.keyStem() + "/" + src + "-" + dst;
    }

    private void upload(Call call, String key, byte[] data, int offset, int length, int readers) {
        if (readers == 0) {
            return;
        }
        long max = Math.max(HEADER + 1L, Math.min(channel.maxValueBytes(), Integer.MAX_VALUE - 8L));
        int firstChunk = (int) Math.min(length, max - HEADER);
        byte[] first = new byte[HEADER + firstChunk];
        ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        System.arraycopy(data, offset, first, HEADER, firstChunk);
        channel.put(key, ByteBuffer.wrap(first), readers, call.deadline());
        int done = firstChunk;
        for (int part = 1; done < length; part++) {
            int chunk = (int) Math.min(length - done, max);
            channel.put(key + "~" + part, ByteBuffer.wrap(data, offset + done, chunk), readers, call.deadline());
            done += chunk;
        }
    }

    private void download(Call call, String key, int from, byte[] into, int offset, int length) {
        byte[] first = channel.get(key, call.deadline());
        if (first.length < HEADER) {
            throw new io.fmi.ChannelException("object " + key + " from rank " + from + " is corrupt: "
                    + first.length + " bytes, shorter than its " + HEADER + "-byte header");
        }
        long total = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (total != length) {
            throw new MessageSizeException("rank " + from + " sent " + total + " bytes (object " + key
                    + ") but the receiving buffer holds " + length + " bytes; sender and receiver must use"
                    + " buffers of the same length", length, total);
        }
        int firstChunk = first.length - HEADER;
        System.arraycopy(first, HEADER, into, offset, firstChunk);
        int done = firstChunk;
        for (int part = 1; done < length; part++) {
            byte[] chunk = channel.get(key + "~" + part, call.deadline());
            if (chunk.length == 0 || done + chunk.length > length) {
                throw new io.fmi.ChannelException("object " + key + "~" + part + " from rank " + from
                        + " does not fit the announced " + length + " bytes");
            }
            System.arraycopy(chunk, 0, into, offset + done, chunk.length);
            done += chunk.length;
        }
    }

    private static long pairKey(int peer, int tag) {
        return ((long) peer << 32) | (tag & 0xFFFF_FFFFL);
    }

    @Override
    public void send(Call call, byte[] data, int dest, int tag) {
        long n = sent.merge(pairKey(dest, tag), 1L, Long::sum);
        upload(call, "send.t" + tag + "-" + n + "/" + rank + "-" + dest, data, 0, data.length, 1);
    }

    @Override
    public void recv(Call call, byte[] into, int src, int tag) {
        long n = received.merge(pairKey(src, tag), 1L, Long::sum);
        download(call, "send.t" + tag + "-" + n + "/" + src + "-" + rank, src, into, 0, into.length);
    }

    @Override
    public void bcast(Call call, byte[] buf, int root) {
        String key = key(call, root, "all");
        if (rank == root) {
            upload(call, key, buf, 0, buf.length, size - 1);
        } else {
            download(call, key, root, buf, 0, buf.length);
        }
    }

    /** Everyone reports to rank 0 (n - 1 writes), rank 0 releases everyone with one value. */
    @Override
    public void barrier(Call call) {
        byte[] empty = new byte[0];
        if (rank == 0) {
            for (int r = 1; r < size; r++) {
                download(call, key(call, r, "0"), r, empty, 0, 0);
            }
            upload(call.phase(1), key(call.phase(1), 0, "all"), empty, 0, 0, size - 1);
        } else {
            upload(call, key(call, rank, "0"), empty, 0, 0, 1);
            download(call.phase(1), key(call.phase(1), 0, "all"), 0, empty, 0, 0);
        }
    }

    @Override
    public void gather(Call call, byte[] send, byte[] recv, int root) {
        int block = send.length;
        if (rank == root) {
            System.arraycopy(send, 0, recv, root * block, block);
            for (int r = 0; r < size; r++) {
                if (r != root) {
                    download(call, key(call, r, Integer.toString(root)), r, recv, r * block, block);
                }
            }
        } else {
            upload(call, key(call, rank, Integer.toString(root)), send, 0, block, 1);
        }
    }

    @Override
    public void scatter(Call call, byte[] send, byte[] recv, int root) {
        int block = recv.length;
        if (rank == root) {
            for (int r = 0; r < size; r++) {
                if (r != root) {
                    upload(call, key(call, root, Integer.toString(r)), send, r * block, block, 1);
                }
            }
            System.arraycopy(send, root * block, recv, 0, block);
        } else {
            download(call, key(call, root, Integer.toString(rank)), root, recv, 0, block);
        }
    }

    @Override
    public void alltoall(Call call, byte[] send, byte[] recv) {
        int block = send.length / size;
        for (int r = 0; r < size; r++) {
            if (r != rank) {
                upload(call, key(call, rank, Integer.toString(r)), send, r * block, block, 1);
            }
        }
        System.arraycopy(send, rank * block, recv, rank * block, block);
        for (int r = 0; r < size; r++) {
            if (r != rank) {
                download(call, key(call, r, Integer.toString(rank)), r, recv, r * block, block);
            }
        }
    }
}

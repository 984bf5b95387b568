package io.fmi.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw-Java baseline of the process benchmark: the same algorithms as FMI's peer-to-peer
 * collectives (binomial bcast, recursive doubling / Rabenseifner allreduce, allgather and alltoall
 * sending every block at once, dissemination barrier) written directly over blocking {@link SocketChannel}s
 * that are connected before the benchmark starts, one per pair. An exchange with a partner
 * writes from a helper thread while the caller reads (small messages: write, then read), data is
 * reduced in direct buffers. Rank and size come from fmirun's environment; rank 0 listens on the
 * port the benchmark driver gave and hands out every rank's listening port.
 */
final class RawPeers implements OsuWorker.Ops {
    /** Up to this many bytes are written before reading, without the helper thread. */
    private static final int INLINE_BYTES = 32 * 1024;
    /** Allreduce switches from recursive doubling to Rabenseifner here (as FMI does). */
    private static final int LARGE_BYTES = 64 * 1024;

    private final int rank;
    private final int size;
    private final SocketChannel[] peers;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "raw-writer");
        t.setDaemon(true);
        return t;
    });
    private ByteBuffer work = ByteBuffer.allocateDirect(0);
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0);
    private final ByteBuffer small = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    private final ByteBuffer smallIn = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());

    private RawPeers(int rank, int size, SocketChannel[] peers) {
        this.rank = rank;
        this.size = size;
        this.peers = peers;
    }

    /** Connects every pair of ranks; rank 0 listens on {@code port0}. */
    static RawPeers connect(int port0) throws IOException {
        int rank = Integer.parseInt(System.getenv("FMI_RANK"));
        int size = Integer.parseInt(System.getenv("FMI_SIZE"));
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("the raw baseline runs on a power-of-two number of ranks, not " + size);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        SocketChannel[] peers = new SocketChannel[size];
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(loopback, rank == 0 ? port0 : 0));
            int[] ports = new int[size];
            if (rank == 0) {
                for (int i = 1; i < size; i++) {
                    SocketChannel s = server.accept();
                    ByteBuffer hello = readFully(s, ByteBuffer.allocate(8));
                    int from = hello.getInt(0);
                    ports[from] = hello.getInt(4);
                    peers[from] = s;
                }
                ByteBuffer table = ByteBuffer.allocate(4 * size);
                for (int p : ports) {
                    table.putInt(p);
                }
                for (int i = 1; i < size; i++) {
                    writeFully(peers[i], table.flip().position(0));
                }
            } else {
                peers[0] = connectTo(new InetSocketAddress(loopback, port0));
                ByteBuffer hello = ByteBuffer.allocate(8).putInt(rank).putInt(((InetSocketAddress) server.getLocalAddress()).getPort());
                writeFully(peers[0], hello.flip());
                ByteBuffer table = readFully(peers[0], ByteBuffer.allocate(4 * size));
                for (int j = 1; j < rank; j++) {
                    peers[j] = connectTo(new InetSocketAddress(loopback, table.getInt(4 * j)));
                    writeFully(peers[j], ByteBuffer.allocate(4).putInt(0, rank));
                }
                for (int j = rank + 1; j < size; j++) {
                    SocketChannel s = server.accept();
                    peers[readFully(s, ByteBuffer.allocate(4)).getInt(0)] = s;
                }
            }
        }
        for (SocketChannel s : peers) {
            if (s != null) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        }
        return new RawPeers(rank, size, peers);
    }

    private static SocketChannel connectTo(InetSocketAddress address) throws IOException {
        long giveUp = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                return SocketChannel.open(address);
            } catch (java.net.ConnectException e) {
                // rank 0 is still starting: retrying is all a plain-socket program can do
                if (System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static ByteBuffer readFully(SocketChannel s, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                throw new IOException("a peer closed its connection");
            }
        }
        return b;
    }

    private static void writeFully(SocketChannel s, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            s.write(b);
        }
    }

    /** Sends {@code out} to {@code to} while receiving {@code in} from {@code from}. */
    private void exchange(int to, ByteBuffer out, int from, ByteBuffer in) {
        if (out.remaining() <= INLINE_BYTES) {
            try {
                writeFully(peers[to], out);
                readFully(peers[from], in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        exchange(new int[] {to}, new ByteBuffer[] {out}, new int[] {from}, new ByteBuffer[] {in});
    }

    /** The helper thread sends every {@code out[i]} to {@code to[i]}, in order, while this one reads every {@code in[i]} from {@code from[i]}, in order. */
    private void exchange(int[] to, ByteBuffer[] out, int[] from, ByteBuffer[] in) {
        try {
            Future<?> written = writer.submit(() -> {
                for (int i = 0; i < to.length; i++) {
                    writeFully(peers[to[i]], out[i]);
                }
                return null;
            });
            for (int i = 0; i < from.length; i++) {
                readFully(peers[from[i]], in[i]);
            }
            written.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing to ranks " + java.util.Arrays.toString(to) + " failed", e.getCause());
        }
    }

    private void send(int to, ByteBuffer out) {
        try {
            writeFully(peers[to], out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void recv(int from, ByteBuffer in) {
        try {
            readFully(peers[from], in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer slice(ByteBuffer b, int offset, int length) {
        return b.duplicate().position(offset).limit(offset + length);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void barrier() {
        for (int k = 1; k < size; k <<= 1) {
            exchange((rank + k) % size, small.clear().limit(1), (rank - k + size) % size, smallIn.clear().limit(1));
        }
    }

    @Override
    public void send(byte[] buf, int length, int dest) {
        send(dest, OsuWorker.buffer(buf, 0, length));
    }

    @Override
    public void recv(byte[] buf, int length, int source) {
        recv(source, OsuWorker.buffer(buf, 0, length));
    }

    /** Binomial tree from rank 0. */
    @Override
    public void bcast(byte[] buf, int length) {
        int mask = 1;
        while (mask < size) {
            if ((rank & mask) != 0) {
                recv(rank - mask, OsuWorker.buffer(buf, 0, length));
                break;
            }
            mask <<= 1;
        }
        for (mask >>= 1; mask > 0; mask >>= 1) {
            if (rank + mask < size) {
                send(rank + mask, OsuWorker.buffer(buf, 0, length));
            }
        }
    }

    @Override
    public void allreduce(double[] send, double[] recv) {
        int bytes = load(send, recv);
        DoubleBuffer data = work.clear().asDoubleBuffer();
        if (bytes < LARGE_BYTES || send.length < size) {
            for (int mask = 1; mask < size; mask <<= 1) {
                int partner = rank ^ mask;
                exchange(partner, slice(work, 0, bytes), partner, slice(scratch, 0, bytes));
                sum(data, scratch.clear().asDoubleBuffer(), 0, 0, send.length);
            }
        } else {
            int lo = reduceScatter(send.length);
            int hi = lo + 1;
            for (int mask = size >> 1; mask >= 1; mask >>= 1) {
                int partner = rank ^ mask;
                int width = hi - lo;
                int otherLo = (rank & mask) == 0 ? hi : lo - width;
                exchange(partner, blocks(lo, hi, send.length), partner, blocks(otherLo, otherLo + width, send.length));
                lo = Math.min(lo, otherLo);
                hi = Math.max(hi, otherLo + width);
            }
        }
        if (!OsuWorker.DIRECT) {
            data.get(0, recv);
        }
    }

    /**
     * To rank 0. Small: a binomial tree (each rank adds its children's sums, passes its own up).
     * Large: the reduce-scatter of {@link #allreduce}, then the blocks travel to rank 0 by a binomial
     * gather (MPICH's choice for large reductions).
     */
    @Override
    public void reduce(double[] send, double[] recv) {
        int bytes = load(send, recv);
        DoubleBuffer data = work.clear().asDoubleBuffer();
        if (bytes < LARGE_BYTES || send.length < size) {
            for (int mask = 1; mask < size; mask <<= 1) {
                if ((rank & mask) != 0) {
                    send(rank - mask, slice(work, 0, bytes));
                    return;
                }
                recv(rank | mask, slice(scratch, 0, bytes));
                sum(data, scratch.clear().asDoubleBuffer(), 0, 0, send.length);
            }
        } else {
            int lo = reduceScatter(send.length);
            int hi = lo + 1;
            for (int mask = size >> 1; mask >= 1; mask >>= 1) {
                int width = hi - lo;
                if ((rank & mask) != 0) {
                    send(rank ^ mask, blocks(lo, hi, send.length));
                    return;
                }
                recv(rank ^ mask, blocks(hi, hi + width, send.length));
                hi += width;
            }
        }
        if (!OsuWorker.DIRECT) {
            data.get(0, recv);
        }
    }

    /**
     * Copies {@code send} into the working buffer (grown as needed); returns its length in bytes.
     * With {@link OsuWorker#DIRECT}, the working buffer is {@code recv}'s direct buffer, into which
     * {@code send}'s is copied (as Open MPI copies the send buffer into the receive buffer), and the
     * result stays there.
     */
    private int load(double[] send, double[] recv) {
        int bytes = send.length * Double.BYTES;
        if (scratch.capacity() < bytes) {
            scratch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        if (OsuWorker.DIRECT) {
            work = OsuWorker.doubles(recv);
            work.put(0, OsuWorker.doubles(send), 0, bytes);
            return bytes;
        }
        if (work.capacity() < bytes) {
            work = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        work.clear().asDoubleBuffer().put(0, send);
        return bytes;
    }

    /** Blocks {@code [lo, hi)} of the working buffer's {@code count} doubles cut in {@code size} blocks. */
    private ByteBuffer blocks(int lo, int hi, int count) {
        int off = start(lo, count);
        return slice(work, off * 8, (start(hi, count) - off) * 8);
    }

    /** Reduce-scatter by recursive halving: returns the block of the working buffer this rank holds the sum of. */
    private int reduceScatter(int count) {
        DoubleBuffer data = work.clear().asDoubleBuffer();
        DoubleBuffer other = scratch.clear().asDoubleBuffer();
        int lo = 0;
        int hi = size;
        for (int mask = 1; mask < size; mask <<= 1) {
            int partner = rank ^ mask;
            int mid = (lo + hi) >>> 1;
            boolean keepLower = (rank & mask) == 0;
            int keepLo = keepLower ? lo : mid;
            int keepHi = keepLower ? mid : hi;
            int keepOff = start(keepLo, count);
            int keepLen = start(keepHi, count) - keepOff;
            exchange(partner, keepLower ? blocks(mid, hi, count) : blocks(lo, mid, count), partner,
                    slice(scratch, 0, keepLen * 8));
            sum(data, other, keepOff, 0, keepLen);
            lo = keepLo;
            hi = keepHi;
        }
        return lo;
    }

    private int start(int block, int count) {
        return (int) ((long) block * count / size);
    }

    private static void sum(DoubleBuffer into, DoubleBuffer from, int at, int fromAt, int n) {
        for (int i = 0; i < n; i++) {
            into.put(at + i, into.get(at + i) + from.get(fromAt + i));
        }
    }

    /**
     * FMI's from 64 KiB of result: Bruck's where its messages are small enough ({@link #bruckPays}),
     * else every rank's block to every other at once, sent to rank + 1, + 2, ..., read from rank - 1,
     * - 2, .... Below 64 KiB too (FMI: a binomial gather and bcast).
     */
    @Override
    public void allgather(byte[] send, int length, byte[] recv) {
        if ((long) length * size >= LARGE_BYTES && bruckPays(length)) {
            ByteBuffer gathered = scratchOf(0, size * length);
            gathered.put(0, OsuWorker.buffer(send, 0, length), 0, length);
            for (int k = 1; k < size; k <<= 1) {
                int bytes = Math.min(k, size - k) * length;
                exchange((rank - k + size) % size, slice(gathered, 0, bytes), (rank + k) % size,
                        slice(gathered, k * length, bytes));
            }
            ByteBuffer all = OsuWorker.buffer(recv, 0, size * length);
            for (int i = 0; i < size; i++) {
                all.put(((rank + i) % size) * length, gathered, i * length, length);
            }
            return;
        }
        OsuWorker.buffer(recv, rank * length, length).put(OsuWorker.buffer(send, 0, length));
        blockwise(k -> OsuWorker.buffer(send, 0, length), from -> OsuWorker.buffer(recv, from * length, length));
    }

    /**
     * FMI's: Bruck's for small blocks ({@link #bruckPays}), else every block at once, sent to rank + 1,
     * + 2, ..., read from rank - 1, - 2, ....
     */
    @Override
    public void alltoall(byte[] send, int length, byte[] recv) {
        if (bruckPays(length)) {
            bruckAlltoall(OsuWorker.buffer(send, 0, size * length), OsuWorker.buffer(recv, 0, size * length), length);
            return;
        }
        OsuWorker.buffer(recv, rank * length, length).put(OsuWorker.buffer(send, rank * length, length));
        blockwise(to -> OsuWorker.buffer(send, to * length, length), from -> OsuWorker.buffer(recv, from * length, length));
    }

    /** FMI's rule ({@code PeerToPeerCollectives.bruckPays}): more than two ranks, messages of size / 2 blocks within 64 KiB. */
    private boolean bruckPays(int block) {
        return size > 2 && (long) (size / 2) * block <= 64 * 1024;
    }

    /** Bruck's alltoall: in the step of bit k, the blocks whose distance to their destination has bit k move k ranks on, packed. */
    private void bruckAlltoall(ByteBuffer send, ByteBuffer recv, int block) {
        ByteBuffer rotated = scratchOf(0, size * block);
        ByteBuffer out = scratchOf(1, (size / 2) * block);
        ByteBuffer in = scratchOf(2, (size / 2) * block);
        for (int i = 0; i < size; i++) {
            rotated.put(i * block, send, ((rank + i) % size) * block, block);
        }
        for (int k = 1; k < size; k <<= 1) {
            int packed = 0;
            for (int i = k; i < size; i++) {
                if ((i & k) != 0) {
                    out.put(packed, rotated, i * block, block);
                    packed += block;
                }
            }
            exchange((rank + k) % size, slice(out, 0, packed), (rank - k + size) % size, slice(in, 0, packed));
            packed = 0;
            for (int i = k; i < size; i++) {
                if ((i & k) != 0) {
                    rotated.put(i * block, in, packed, block);
                    packed += block;
                }
            }
        }
        for (int i = 0; i < size; i++) {
            recv.put(((rank - i + size) % size) * block, rotated, i * block, block);
        }
    }

    private final ByteBuffer[] bruckScratch = new ByteBuffer[3];

    /** Heap buffer {@code which} of Bruck's, kept between calls, of at least {@code bytes}. */
    private ByteBuffer scratchOf(int which, int bytes) {
        if (bruckScratch[which] == null || bruckScratch[which].capacity() < bytes) {
            bruckScratch[which] = ByteBuffer.allocate(bytes);
        }
        return bruckScratch[which];
    }

    /** The block for rank {@code to} to every other rank, the block from rank {@code from} from it, all at once. */
    private void blockwise(java.util.function.IntFunction<ByteBuffer> outFor, java.util.function.IntFunction<ByteBuffer> inFrom) {
        int[] to = new int[size - 1];
        int[] from = new int[size - 1];
        ByteBuffer[] out = new ByteBuffer[size - 1];
        ByteBuffer[] in = new ByteBuffer[size - 1];
        for (int k = 1; k < size; k++) {
            to[k - 1] = (rank + k) % size;
            from[k - 1] = (rank - k + size) % size;
            out[k - 1] = outFor.apply(to[k - 1]);
            in[k - 1] = inFrom.apply(from[k - 1]);
        }
        exchange(to, out, from, in);
    }

    /** Everyone's value to rank 0, the largest back. */
    @Override
    public double max(double value) {
        double m = value;
        if (rank == 0) {
            for (int r = 1; r < size; r++) {
                recv(r, smallIn.clear());
                m = Math.max(m, smallIn.getDouble(0));
            }
            for (int r = 1; r < size; r++) {
                send(r, small.clear().putDouble(0, m));
            }
        } else {
            send(0, small.clear().putDouble(0, value));
            recv(0, smallIn.clear());
            m = smallIn.getDouble(0);
        }
        return m;
    }

    @Override
    public void close() {
        writer.shutdownNow();
        for (SocketChannel s : peers) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing at exit: nothing to do about it
                }
            }
        }
    }
}

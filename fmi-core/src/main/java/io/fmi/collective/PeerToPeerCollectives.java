package io.fmi.collective;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * Collectives over a {@link PeerToPeerChannel}, with the classic tree and butterfly algorithms:
 * binomial trees for bcast, gather, scatter and small reduces; recursive doubling (small buffers)
 * and Rabenseifner's reduce-scatter + allgather (large buffers) for allreduce, the same
 * reduce-scatter + a gather straight to the root (binomial beyond {@value #LINEAR_MAX} ranks) for
 * large reduces; recursive doubling for
 * scan and exscan; a dissemination barrier; a binomial gather and bcast for small allgathers;
 * Bruck's algorithms for alltoalls of small blocks and allgathers of medium ones; above, allgather
 * and alltoall with every block sent at once ({@link Messages#exchange}), or large blocks from the
 * heap one at a time ({@link #pairwise}); a ring allgather beyond {@value #LINEAR_MAX} ranks.
 *
 * <p>Every reduction keeps operands in rank order: each partial result covers a contiguous range
 * of ranks and is combined as {@code lower ⊕ higher}, so associative but non-commutative
 * operators are exact. Non-associative operators fall back to the linear algorithms of
 * {@link AbstractCollectives}. The grouping depends only on size and root, so results are
 * bit-identical on every run, and identical on every rank for allreduce.
 *
 * <p>Large reduces, allreduces, bcasts, allgathers and alltoalls run on direct buffers ({@link DirectScratch};
 * {@link #reducesInPlace}, {@link #movesDirect}): a socket reads into and writes from a direct
 * buffer without the JDK's copy through a temporary one; bcasts and allgathers of bytes run on the
 * user's arrays where the channel moves those in place ({@link #movesHeapInPlace}). Rabenseifner's algorithm posts every
 * step's receive ahead of its step ({@link Messages#post}; in the reduce-scatter, the later steps'
 * just after the first send, into the half of the working buffer it frees), so what a partner that
 * is a step ahead sends lands in place rather than in the queue of unexpected messages.
 */
public final class PeerToPeerCollectives extends AbstractCollectives {
    /** Buffers at least this large use the bandwidth-optimal algorithms. */
    static final int LARGE_BYTES = 64 * 1024;
    /** Reduces of this many bytes or more halve ({@link #reduceLarge}); smaller ones run the binomial tree. */
    static final int REDUCE_HALVING_BYTES = 256 * 1024;
    /** Bytes of an operand copied in at a time just before they are combined (they stay in the cache). */
    private static final int FILL_PIECE = 32 * 1024;
    /**
     * Allgathers of up to this many ranks send every block straight to every rank; large reduces
     * gather their blocks straight to the root.
     */
    static final int LINEAR_MAX = 16;
    /**
     * Allgathers whose Bruck messages (up to size / 2 blocks) are at most this large run Bruck's
     * algorithm ({@link #bruckAllgather}).
     */
    static final int BRUCK_MAX_MESSAGE = 64 * 1024;
    /**
     * Alltoalls whose Bruck messages are at most this large run Bruck's algorithm ({@link #bruck}):
     * less than an allgather's, since an alltoall's blocks travel up to log2(size) times, where an
     * allgather's go to their destination once. 8 processes sharing 2 cores, alternating runs:
     * blocks of 8 KiB (32 KiB messages) 181-212 µs against 237-241 with every block its own message,
     * of 16 KiB 303-336 against 254-280 (the allgather of 16 KiB blocks: 188-224 with Bruck's against
     * 216-264).
     */
    static final int BRUCK_MAX_ALLTOALL_MESSAGE = 32 * 1024;
    /** Alltoalls from the heap of blocks at least this large send one block at a time ({@link #pairwise}). */
    static final int PAIRWISE_MIN_BLOCK = 128 * 1024;

    private final Messages messages;

    /** Collectives of the communicator {@code messages} belongs to: this peer is {@code rank} of {@code size}. */
    public PeerToPeerCollectives(Messages messages, int rank, int size) {
        super(rank, size);
        this.messages = messages;
    }

    @Override
    public Messages messages() {
        return messages;
    }

    private void sendTo(Call call, int peer, byte[] buf, int offset, int length) {
        sendTo(call, peer, ByteBuffer.wrap(buf), offset, length);
    }

    private void recvFrom(Call call, int peer, byte[] buf, int offset, int length) {
        recvFrom(call, peer, ByteBuffer.wrap(buf), offset, length);
    }

    /** Sends {@code [sendOffset, +sendLength)} of {@code out} to {@code to} while receiving from {@code from}. */
    private void exchange(Call call, int to, byte[] out, int sendOffset, int sendLength, int from, byte[] in,
                          int recvOffset, int recvLength) {
        exchange(call, to, ByteBuffer.wrap(out), sendOffset, sendLength, from, ByteBuffer.wrap(in), recvOffset, recvLength);
    }

    @Override
    protected void put(Call call, int peer, byte[] buf, int offset, int length) {
        sendTo(call, peer, buf, offset, length);
    }

    @Override
    protected void take(Call call, int peer, byte[] buf, int offset, int length) {
        recvFrom(call, peer, buf, offset, length);
    }

    private int real(int virtualRank, int root) {
        return (virtualRank + root) % size;
    }

    /** Binomial tree rooted at {@code root}. */
    @Override
    public void bcast(Call call, byte[] buf, int root) {
        bcast(call, ByteBuffer.wrap(buf), root);
    }

    /** Binomial tree. */
    @Override
    public void bcast(Call call, ByteBuffer buf, int root) {
        int length = buf.capacity();
        int vr = (rank - root + size) % size;
        int mask = 1;
        while (mask < size) {
            if ((vr & mask) != 0) {
                recvFrom(call, real(vr - mask, root), buf, 0, length);
                break;
            }
            mask <<= 1;
        }
        mask >>= 1;
        while (mask > 0) {
            if (vr + mask < size) {
                sendTo(call, real(vr + mask, root), buf, 0, length);
            }
            mask >>= 1;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** Dissemination barrier: ceil(log2 size) rounds of empty messages. */
    @Override
    public void barrier(Call call) {
        for (int distance = 1; distance < size; distance <<= 1) {
            exchange(call, (rank + distance) % size, EMPTY, 0, 0, (rank - distance + size) % size, EMPTY, 0, 0);
        }
    }

    /** Ranks {@code [vr, vr + n)} form the subtree of virtual rank {@code vr} in a binomial tree. */
    private int subtreeSize(int vr) {
        return vr == 0 ? size : Math.min(Integer.lowestOneBit(vr), size - vr);
    }

    /** Binomial gather: each subtree's blocks travel up together, in virtual-rank order. */
    @Override
    public void gather(Call call, byte[] send, byte[] recv, int root) {
        int block = send.length;
        int vr = (rank - root + size) % size;
        int subtree = subtreeSize(vr);
        byte[] tmp = vr == 0 && root == 0 ? recv : Scratch.take(subtree * block);
        System.arraycopy(send, 0, tmp, 0, block);
        int span = 1;
        for (int mask = 1; mask < size; mask <<= 1) {
            if ((vr & mask) != 0) {
                sendTo(call, real(vr - mask, root), tmp, 0, span * block);
                break;
            }
            int child = vr + mask;
            if (child < size) {
                int n = Math.min(mask, size - child);
                recvFrom(call, real(child, root), tmp, mask * block, n * block);
                span = mask + n;
            }
        }
        if (vr == 0 && tmp != recv) {
            for (int v = 0; v < size; v++) {
                System.arraycopy(tmp, v * block, recv, real(v, root) * block, block);
            }
        }
        if (tmp != recv) {
            Scratch.give(tmp);
        }
    }

    /** Binomial scatter: the reverse of {@link #gather}. */
    @Override
    public void scatter(Call call, byte[] send, byte[] recv, int root) {
        int block = recv.length;
        int vr = (rank - root + size) % size;
        int subtree = subtreeSize(vr);
        byte[] tmp;
        if (vr == 0) {
            if (root == 0) {
                tmp = send;
            } else {
                tmp = Scratch.take(size * block);
                for (int v = 0; v < size; v++) {
                    System.arraycopy(send, real(v, root) * block, tmp, v * block, block);
                }
            }
        } else {
            tmp = subtree == 1 ? recv : Scratch.take(subtree * block);
        }
        int mask = 1;
        while (mask < size) {
            if ((vr & mask) != 0) {
                recvFrom(call, real(vr - mask, root), tmp, 0, subtree * block);
                break;
            }
            mask <<= 1;
        }
        mask >>= 1;
        while (mask > 0) {
            int child = vr + mask;
            if (child < size) {
                int n = Math.min(mask, size - child);
                sendTo(call, real(child, root), tmp, mask * block, n * block);
            }
            mask >>= 1;
        }
        if (tmp != recv) {
            System.arraycopy(tmp, 0, recv, 0, block);
            if (tmp != send) {
                Scratch.give(tmp);
            }
        }
    }

    @Override
    public void reduce(Call call, byte[] send, byte[] recv, Combiner op, int root) {
        if (!op.associative()) {
            reduceLinear(call, send, recv, op, root);
            return;
        }
        if (rank == root) {
            System.arraycopy(send, 0, recv, 0, send.length);
            reduce(call, ByteBuffer.wrap(recv), op, root);
        } else {
            // the send buffer is the caller's: reduce a pooled copy of it
            ByteBuffer work = temporary(ByteBuffer.wrap(send), send.length).put(0, send);
            reduce(call, work, op, root);
            giveBack(work);
        }
    }

    /**
     * Large buffers: Rabenseifner's reduce-scatter (recursive halving, as in allreduce), then a
     * gather of the reduced blocks to the root (straight from every rank up to {@value #LINEAR_MAX}
     * ranks, {@link #gatherBlocks}; binomially beyond, MPICH's choice for large buffers): the root
     * receives and combines under one buffer's worth in the halving and receives the rest of the
     * result in the gather, where a binomial tree makes it receive and combine log2(size) whole
     * buffers, one after another. Rank order is kept either way (each block is reduced as in
     * allreduce). Buffers under {@value #REDUCE_HALVING_BYTES} bytes, and any on two ranks, a binomial
     * tree: its log2(size) steps of whole buffers cost less than the halving's 2 log2(size) steps
     * below that (8 processes sharing 2 cores: 64 KiB 112-131 µs against 185-203, 128 KiB 227-241
     * against 252-275, 256 KiB 426-492 against 373-425; 4 processes: 64 KiB 55-60 against 65-68,
     * 256 KiB even). On two ranks the halving and the gather are two steps that move half as many
     * bytes again as the tree's one: 1 MiB of doubles between two processes took 170-194 µs with
     * the tree against 201-333 µs (the root combines the whole buffer, which costs less than the
     * step). In the tree, commutative operators use the tree rooted at {@code root}, non-commutative
     * ones the tree rooted at rank 0 (where every subtree is a contiguous rank range), and rank 0
     * forwards the result to {@code root}.
     */
    @Override
    public void reduce(Call call, ByteBuffer work, Combiner op, int root) {
        int length = work.capacity();
        int pof2 = Integer.highestOneBit(size);
        int count = count(length, op);
        if (!reduceMayHalve(length) || !halves(length, op, pof2, count)) {
            reduceTree(call, work, op, root);
            return;
        }
        reduceLarge(call, work, op, root, pof2, count, null);
    }

    /**
     * Where the ranks are a power of two and the reduce is large, the operand is copied in as
     * {@link #allreduce(Call, ByteBuffer, Combiner, Operand)} does, and the root stores each block
     * of the result as it arrives; otherwise the operand is copied in whole first.
     */
    @Override
    public void reduce(Call call, ByteBuffer work, Combiner op, int root, Operand operand) {
        if (!reduceMayHalve(work.capacity()) || !halvesWithoutFold(work.capacity(), op)) {
            super.reduce(call, work, op, root, operand);
            return;
        }
        reduceLarge(call, work, op, root, size, count(work.capacity(), op), operand);
    }

    /**
     * Whether a reduce of {@code bytes} is large enough for the halving ({@link #reduceLarge}), if
     * the operator allows it: on more than two ranks, from {@value #REDUCE_HALVING_BYTES} bytes.
     */
    private boolean reduceMayHalve(int bytes) {
        return size > 2 && bytes >= REDUCE_HALVING_BYTES;
    }

    /** The large reduce; with an {@code operand} (else null), on a power of two of ranks only. */
    private void reduceLarge(Call call, ByteBuffer work, Combiner op, int root, int pof2, int count, Operand operand) {
        // the pairs that fold in keep the root's parity, so the root is among the pof2 that remain
        int keep = root % 2;
        int newRank = foldIn(call, work, op, pof2, keep);
        if (newRank < 0) {
            return;
        }
        int rem = size - pof2;
        int newRoot = root < 2 * rem ? root / 2 : root - rem;
        Call core = call.phase(call.phase() + 1);
        int block = reduceScatter(core, work, op, newRank, pof2, count, keep, operand);
        int es = op.type().size() * op.itemElements();
        int items = count / op.itemElements();
        int lo = block;
        int hi = block + 1;
        if (operand != null && rank == root) {
            int mine = blockStart(lo, items, pof2) * es;
            operand.store(work, mine, blockStart(hi, items, pof2) * es - mine);
        }
        if (pof2 <= LINEAR_MAX) {
            gatherBlocks(core, work, block, newRank, newRoot, root, pof2, keep, items, es, operand);
            return;
        }
        // the halving in reverse, one way: a rank whose bit differs from the root's sends all it has
        // and is done; its partner then has twice the blocks
        for (int mask = pof2 >> 1; mask >= 1; mask >>= 1) {
            int peer = realOf(newRank ^ mask, pof2, keep);
            int width = hi - lo;
            int myOff = blockStart(lo, items, pof2) * es;
            if ((newRank & mask) != (newRoot & mask)) {
                sendTo(core, peer, work, myOff, blockStart(hi, items, pof2) * es - myOff);
                return;
            }
            int otherLo = (newRank & mask) == 0 ? hi : lo - width;
            int otherOff = blockStart(otherLo, items, pof2) * es;
            int otherLen = blockStart(otherLo + width, items, pof2) * es - otherOff;
            recvFrom(core, peer, work, otherOff, otherLen);
            if (operand != null && rank == root) {
                operand.store(work, otherOff, otherLen);
            }
            lo = Math.min(lo, otherLo);
            hi = Math.max(hi, otherLo + width);
        }
    }

    /**
     * The large reduce's gather: after the halving every rank but the root sends its reduced block
     * straight to the root, which has posted a receive for each into its place. The bytes into the
     * root are the binomial gather's, but no rank waits for another's blocks before sending its
     * own, and each block crosses one connection, not up to log2(pof2) (on 8 ranks the binomial
     * gather moves 1.5 buffers in all, this one 7/8 of one). 8 processes sharing 2 cores, 1 MiB of
     * doubles: 1120-1142 µs against 1168-1294 binomially; 256 KiB 396-440 against 424-499 (and
     * 64 KiB, which the halving then took, 194-234 against 233-307); 4 processes, 1 MiB: 412-456
     * against 465-488. With an {@code operand}, the root stores each block as it arrives.
     */
    private void gatherBlocks(Call call, ByteBuffer work, int block, int newRank, int newRoot, int root, int pof2,
                              int keep, int items, int es, Operand operand) {
        if (newRank != newRoot) {
            int off = blockStart(block, items, pof2) * es;
            sendTo(call, root, work, off, blockStart(block + 1, items, pof2) * es - off);
            return;
        }
        // after the halving, each rank holds the block numbered by its (new) rank's bits reversed:
        // step s kept the half chosen by bit s
        int bits = Integer.numberOfTrailingZeros(pof2);
        Messages.Posted[] posted = new Messages.Posted[pof2];
        int[] at = new int[pof2];
        int[] length = new int[pof2];
        try {
            for (int other = 0; other < pof2; other++) {
                if (other != newRoot) {
                    int theirs = blockOfHalving(other, bits);
                    at[other] = blockStart(theirs, items, pof2) * es;
                    length[other] = blockStart(theirs + 1, items, pof2) * es - at[other];
                    posted[other] = messages.post(realOf(other, pof2, keep), call.tag(),
                            work.slice(at[other], length[other]), call.deadline());
                }
            }
            for (int other = 0; other < pof2; other++) {
                if (other != newRoot) {
                    await(call, posted, other);
                    if (operand != null) {
                        operand.store(work, at[other], length[other]);
                    }
                }
            }
        } finally {
            withdrawAll(posted);
        }
    }

    /** The block a rank holds after {@code bits} steps of {@link #reduceScatter}. */
    private static int blockOfHalving(int newRank, int bits) {
        return bits == 0 ? 0 : Integer.reverse(newRank) >>> (32 - bits);
    }

    /** Binomial reduce of {@code acc} in place (see {@link #reduce(Call, ByteBuffer, Combiner, int)}). */
    private void reduceTree(Call call, ByteBuffer acc, Combiner op, int root) {
        int length = acc.capacity();
        int treeRoot = op.commutative() ? root : 0;
        int vr = (rank - treeRoot + size) % size;
        int count = count(length, op);
        ByteBuffer tmp = null;
        for (int mask = 1; mask < size; mask <<= 1) {
            if ((vr & mask) != 0) {
                sendTo(call, real(vr - mask, treeRoot), acc, 0, length);
                break;
            }
            int child = vr | mask;
            if (child < size) {
                tmp = tmp == null ? temporary(acc, length) : tmp;
                recvFrom(call, real(child, treeRoot), tmp, 0, length);
                op.combine(acc, 0, tmp, 0, count, false);
            }
        }
        if (tmp != null) {
            giveBack(tmp);
        }
        if (treeRoot != root) {
            Call forward = call.phase(call.phase() + 1);
            if (rank == treeRoot) {
                sendTo(forward, root, acc, 0, length);
            } else if (rank == root) {
                recvFrom(forward, treeRoot, acc, 0, length);
            }
        }
    }

    @Override
    public void allreduce(Call call, byte[] send, byte[] recv, Combiner op) {
        System.arraycopy(send, 0, recv, 0, send.length);
        if (size == 1) {
            return;
        }
        if (!op.associative()) {
            super.allreduce(call, send, recv, op);
            return;
        }
        reduceAll(call, ByteBuffer.wrap(recv), op);
    }

    /**
     * Large buffers are reduced in a direct buffer: the sockets read into and write from it without
     * the JDK's copy through a temporary direct buffer (a copy of every byte each way).
     */
    @Override
    public boolean reducesInPlace(int bytes, Combiner op) {
        return size > 1 && op.associative() && bytes >= LARGE_BYTES;
    }

    @Override
    public void allreduce(Call call, ByteBuffer work, Combiner op) {
        reduceAll(call, work, op);
    }

    /**
     * Where the ranks are a power of two and Rabenseifner's algorithm runs, the operand is copied in
     * as the first step needs it (the half it sends just before it, the half it keeps a piece at a
     * time just before the piece is combined) and the result is stored a block at a time as each
     * arrives, each while it is in the cache: eight processes sharing two cores spent about a
     * seventh of their CPU copying the whole operand in and the whole result out around a 1 MiB
     * allreduce of doubles, which takes about a tenth less time this way (median of ten alternating
     * rounds; the bytes copied are the same). Otherwise the operand is copied in whole first.
     */
    @Override
    public void allreduce(Call call, ByteBuffer work, Combiner op, Operand operand) {
        if (!halvesWithoutFold(work.capacity(), op)) {
            super.allreduce(call, work, op, operand);
            return;
        }
        rabenseifner(call.phase(call.phase() + 1), work, op, rank, size, count(work.capacity(), op), operand);
    }

    /** Allreduce of an associative operator in place on {@code work}: Rabenseifner for large buffers, else recursive doubling. */
    private void reduceAll(Call call, ByteBuffer work, Combiner op) {
        int length = work.capacity();
        int pof2 = Integer.highestOneBit(size);
        int count = count(length, op);
        int newRank = foldIn(call, work, op, pof2, 1);
        if (newRank >= 0) {
            if (halves(length, op, pof2, count)) {
                rabenseifner(call.phase(call.phase() + 1), work, op, newRank, pof2, count, null);
            } else {
                recursiveDoubling(call.phase(call.phase() + 1), work, op, newRank, pof2, count);
            }
        }
        foldOut(call.phase(call.phase() + 2), work, pof2);
    }

    /** A temporary like {@code work}: direct for a direct one. */
    private static ByteBuffer temporary(ByteBuffer work, int length) {
        return work.isDirect() ? DirectScratch.take(length) : ByteBuffer.wrap(Scratch.take(length));
    }

    private static void giveBack(ByteBuffer temporary) {
        if (temporary.isDirect()) {
            DirectScratch.give(temporary);
        } else {
            Scratch.give(temporary.array());
        }
    }

    private void sendTo(Call call, int peer, ByteBuffer buf, int offset, int length) {
        messages.send(peer, call.tag(), buf.slice(offset, length), call.deadline());
    }

    private void recvFrom(Call call, int peer, ByteBuffer buf, int offset, int length) {
        messages.recv(peer, call.tag(), buf.slice(offset, length), true, call.deadline());
    }

    private void exchange(Call call, int peer, ByteBuffer out, int sendOffset, int sendLength, ByteBuffer in,
                          int recvOffset, int recvLength) {
        exchange(call, peer, out, sendOffset, sendLength, peer, in, recvOffset, recvLength);
    }

    private void exchange(Call call, int to, ByteBuffer out, int sendOffset, int sendLength, int from, ByteBuffer in,
                          int recvOffset, int recvLength) {
        messages.sendrecv(to, out.slice(sendOffset, sendLength), from, in.slice(recvOffset, recvLength), call.tag(),
                call.deadline());
    }

    /**
     * Reduces the communicator to a power of two: among the first {@code 2 * rem} ranks, each pair
     * (2i, 2i + 1) reduces into one of them, the odd one when {@code keep} is 1, the even one when
     * it is 0 (a reduce keeps the root's parity, so that the root stays in). Returns this rank's
     * index among the remaining {@code pof2} (-1 if it dropped out); {@link #realOf} maps it back.
     * Index {@code i} covers a contiguous range of ranks.
     */
    private int foldIn(Call call, ByteBuffer buf, Combiner op, int pof2, int keep) {
        int rem = size - pof2;
        int length = buf.capacity();
        if (rank < 2 * rem) {
            int partner = rank ^ 1;
            if (rank % 2 != keep) {
                sendTo(call, partner, buf, 0, length);
                return -1;
            }
            ByteBuffer tmp = temporary(buf, length);
            recvFrom(call, partner, tmp, 0, length);
            op.combine(buf, 0, tmp, 0, count(length, op), partner < rank);
            giveBack(tmp);
            return rank / 2;
        }
        return rank - rem;
    }

    /** Gives the ranks that dropped out in {@link #foldIn} the result. */
    private void foldOut(Call call, ByteBuffer buf, int pof2) {
        int rem = size - pof2;
        if (rank < 2 * rem) {
            if (rank % 2 == 1) {
                sendTo(call, rank - 1, buf, 0, buf.capacity());
            } else {
                recvFrom(call, rank + 1, buf, 0, buf.capacity());
            }
        }
    }

    /** The rank of index {@code newRank} after {@link #foldIn} with the same {@code keep}. */
    private int realOf(int newRank, int pof2, int keep) {
        int rem = size - pof2;
        return newRank < rem ? 2 * newRank + keep : newRank + rem;
    }

    private void recursiveDoubling(Call call, ByteBuffer buf, Combiner op, int newRank, int pof2, int count) {
        int length = buf.capacity();
        ByteBuffer tmp = temporary(buf, length);
        for (int mask = 1; mask < pof2; mask <<= 1) {
            int partner = newRank ^ mask;
            exchange(call, realOf(partner, pof2, 1), buf, 0, length, tmp, 0, length);
            op.combine(buf, 0, tmp, 0, count, partner < newRank);
        }
        giveBack(tmp);
    }

    /**
     * Whether {@code length} bytes ({@code count} elements) reduce by recursive halving over
     * {@code pof2} blocks: large, and at least one whole item of the operator per block.
     */
    private static boolean halves(int length, Combiner op, int pof2, int count) {
        int item = op.itemElements();
        return length >= LARGE_BYTES && item > 0 && count % item == 0 && count / item >= pof2;
    }

    /**
     * Whether {@code length} bytes are reduced by recursive halving over every rank, with no fold
     * first (a power of two of ranks): {@link #foldIn} then sends nothing, so copying the operand
     * in as the halving needs it sends the same messages as {@link #reduceAll} and
     * {@link #reduce(Call, ByteBuffer, Combiner, int)}, whichever path another rank takes.
     */
    private boolean halvesWithoutFold(int length, Combiner op) {
        return Integer.bitCount(size) == 1 && halves(length, op, size, count(length, op));
    }

    /**
     * Reduce-scatter by recursive halving, then allgather by recursive doubling, over {@code pof2}
     * blocks; with an {@code operand} (else null), {@code buf} is filled from it on the way and each
     * block of the result stored into it as it is complete.
     */
    private void rabenseifner(Call call, ByteBuffer buf, Combiner op, int newRank, int pof2, int elements,
                              Operand operand) {
        int es = op.type().size() * op.itemElements();
        int count = elements / op.itemElements();
        int lo = reduceScatter(call, buf, op, newRank, pof2, elements, 1, operand);
        int hi = lo + 1;
        if (operand != null) {
            int mine = blockStart(lo, count, pof2) * es;
            operand.store(buf, mine, blockStart(hi, count, pof2) * es - mine);
        }
        // every step's receive is posted first, each into the part of buf it fills: disjoint from one
        // another and from what this rank sends before it (the blocks it holds by then)
        int steps = Integer.numberOfTrailingZeros(pof2);
        Messages.Posted[] posted = new Messages.Posted[steps];
        int[] sendOff = new int[steps];
        int[] sendLen = new int[steps];
        int[] from = new int[steps];
        int[] length = new int[steps];
        try {
            for (int step = 0; step < steps; step++) {
                int mask = pof2 >> 1 >> step;
                int width = hi - lo;
                int otherLo = (newRank & mask) == 0 ? hi : lo - width;
                int otherHi = otherLo + width;
                sendOff[step] = blockStart(lo, count, pof2) * es;
                sendLen[step] = blockStart(hi, count, pof2) * es - sendOff[step];
                from[step] = blockStart(otherLo, count, pof2) * es;
                length[step] = blockStart(otherHi, count, pof2) * es - from[step];
                posted[step] = messages.post(realOf(newRank ^ mask, pof2, 1), call.tag(),
                        buf.slice(from[step], length[step]), call.deadline());
                lo = Math.min(lo, otherLo);
                hi = Math.max(hi, otherHi);
            }
            for (int step = 0; step < steps; step++) {
                sendTo(call, realOf(newRank ^ (pof2 >> 1 >> step), pof2, 1), buf, sendOff[step], sendLen[step]);
                await(call, posted, step);
                if (operand != null) {
                    operand.store(buf, from[step], length[step]);
                }
            }
        } finally {
            withdrawAll(posted);
        }
    }

    /**
     * Reduce-scatter by recursive halving over {@code pof2} blocks of {@code buf} among the ranks
     * left by {@link #foldIn} with {@code keep}: returns the block this rank then holds the
     * reduction of (the bit-reversal of {@code newRank}). With an {@code operand} (else null), the
     * first step fills {@code buf} from it: all of it is sent or combined in that step; or, when the
     * operand is a direct buffer itself ({@link Operand#source}), sends and combines straight from it;
     * or, when it is a heap array ({@link Operand#array}), fills only the half it sends and combines
     * the kept half from the array.
     */
    private int reduceScatter(Call call, ByteBuffer buf, Combiner op, int newRank, int pof2, int elements, int keep,
                              Operand operand) {
        // blocks are cut at item boundaries, so an operator over items of several elements (a complex
        // number as two doubles) is never handed half an item; es is the size of one item
        int es = op.type().size() * op.itemElements();
        int count = elements / op.itemElements();
        int steps = Integer.numberOfTrailingZeros(pof2);
        int[] giveOff = new int[steps];
        int[] giveLen = new int[steps];
        int[] keepOff = new int[steps];
        int[] keepLen = new int[steps];
        int lo = 0;
        int hi = pof2;
        int later = 0;
        for (int step = 0; step < steps; step++) {
            int mid = (lo + hi) >>> 1;
            boolean keepLower = (newRank & (1 << step)) == 0;
            int keepLo = keepLower ? lo : mid;
            int keepHi = keepLower ? mid : hi;
            giveOff[step] = blockStart(keepLower ? mid : lo, count, pof2) * es;
            giveLen[step] = blockStart(keepLower ? hi : mid, count, pof2) * es - giveOff[step];
            keepOff[step] = blockStart(keepLo, count, pof2) * es;
            keepLen[step] = blockStart(keepHi, count, pof2) * es - keepOff[step];
            later += step > 0 ? keepLen[step] : 0;
            lo = keepLo;
            hi = keepHi;
        }
        // Each step's receive is posted ahead, each into a part of its own: a partner that is a step
        // ahead sends into place. Where the operand is a heap array (so not in buf's memory) and the
        // operator may write over what it reads, the first step's lands in the half of buf it keeps
        // and is combined with the operand there; else in a temporary (a direct operand may be
        // buf's own bytes through another buffer object). The later ones' (a quarter of buf, an
        // eighth, ...) land in the half of buf the first step gives away, posted once it is sent.
        // Eight processes sharing two cores (their buffers the size of the 32 MiB cache between
        // them) took less time per 1 MiB allreduce this way than with seven eighths of buf in a
        // temporary.
        ByteBuffer source = operand != null ? operand.source() : null;
        boolean landsInBuf = operand != null && source == null && operand.array() != null && op.combinesOverOther();
        boolean intoGiven = steps > 1 && later <= giveLen[0];
        int scratch = intoGiven ? (landsInBuf ? 0 : keepLen[0]) : buf.capacity();
        ByteBuffer tmp = scratch > 0 ? temporary(buf, scratch) : null;
        ByteBuffer[] into = new ByteBuffer[steps];
        int[] at = new int[steps];
        Messages.Posted[] posted = new Messages.Posted[steps];
        try {
            int free = 0;
            for (int step = 0; step < steps; step++) {
                if (step == 0 && landsInBuf) {
                    into[step] = buf;
                    at[step] = keepOff[0];
                } else if (step > 0 && intoGiven) {
                    into[step] = buf;
                    at[step] = giveOff[0] + free - keepLen[0];
                } else {
                    into[step] = tmp;
                    at[step] = free;
                }
                free += keepLen[step];
            }
            // the later steps' receives go into the first step's given half once it is sent
            int postedUpTo = intoGiven ? 1 : steps;
            post(call, posted, 0, postedUpTo, into, at, keepLen, newRank, pof2, keep);
            for (int step = 0; step < steps; step++) {
                int partner = newRank ^ (1 << step);
                int peer = realOf(partner, pof2, keep);
                int in = at[step];
                ByteBuffer received = into[step];
                ByteBuffer from = step == 0 ? source : null; // source is null without an operand
                boolean filling = operand != null && step == 0 && from == null;
                Object array = filling ? operand.array() : null;
                boolean lower = partner < newRank;
                // the given half goes out: the operand's own bytes, or buf's (filled from the
                // operand first on the first step); the later steps' receives are posted once it is sent
                if (filling) {
                    operand.fill(buf, giveOff[step], giveLen[step]);
                }
                sendTo(call, peer, from != null ? from : buf, giveOff[step], giveLen[step]);
                if (step == 0) {
                    post(call, posted, postedUpTo, steps, into, at, keepLen, newRank, pof2, keep);
                }
                await(call, posted, step);
                if (from != null) {
                    // its kept half is combined from where it is into buf (buf's given half is not
                    // read again: the allgather overwrites it)
                    op.combineInto(buf, keepOff[step], from, keepOff[step], received, in, keepLen[step] / op.type().size(), lower);
                } else if (array != null) {
                    // a heap array: its kept half is combined from the array into buf (not copied
                    // into buf, then read back from it)
                    int size = op.type().size();
                    op.combineInto(buf, keepOff[step], array, keepOff[step] / size, received, in, keepLen[step] / size, lower);
                } else {
                    // filling, the kept half is copied in a piece at a time just before the piece is combined
                    int piece = filling ? Math.max(1, FILL_PIECE / es) * es : keepLen[step];
                    for (int done = 0; done < keepLen[step]; done += piece) {
                        int n = Math.min(piece, keepLen[step] - done);
                        if (filling) {
                            operand.fill(buf, keepOff[step] + done, n);
                        }
                        op.combine(buf, keepOff[step] + done, received, in + done, n / op.type().size(), lower);
                    }
                }
            }
            if (tmp != null) {
                giveBack(tmp);
            }
            return lo;
        } finally {
            withdrawAll(posted);
        }
    }

    /**
     * Posts the receives of steps {@code [from, to)} of {@link #reduceScatter}, each into
     * {@code into[step]} at {@code at[step]}.
     */
    private void post(Call call, Messages.Posted[] posted, int from, int to, ByteBuffer[] into, int[] at, int[] length,
                      int newRank, int pof2, int keep) {
        for (int step = from; step < to; step++) {
            posted[step] = messages.post(realOf(newRank ^ (1 << step), pof2, keep), call.tag(),
                    into[step].slice(at[step], length[step]), call.deadline());
        }
    }

    /** Waits for the receive {@code posted[i]} (then null: nothing to withdraw). */
    private void await(Call call, Messages.Posted[] posted, int i) {
        Messages.Posted p = posted[i];
        posted[i] = null;
        messages.complete(p, call.deadline());
    }

    /**
     * Gives up the receives a failed step left posted. A message already arriving into one still
     * lands in its buffer, so such a buffer is never given back to the pool (only on success).
     */
    private void withdrawAll(Messages.Posted[] posted) {
        for (Messages.Posted p : posted) {
            if (p != null) {
                messages.withdraw(p);
            }
        }
    }

    private static int blockStart(int block, int count, int blocks) {
        return (int) ((long) block * count / blocks);
    }

    /** Recursive-doubling inclusive scan; {@code partial} covers an aligned, contiguous range of ranks. */
    @Override
    public void scan(Call call, byte[] send, byte[] recv, Combiner op) {
        if (!op.associative()) {
            super.scan(call, send, recv, op);
            return;
        }
        System.arraycopy(send, 0, recv, 0, send.length);
        prefix(call, send, recv, op, true);
    }

    @Override
    public void exscan(Call call, byte[] send, byte[] recv, Combiner op) {
        if (!op.associative()) {
            super.exscan(call, send, recv, op);
            return;
        }
        prefix(call, send, recv, op, false);
    }

    private void prefix(Call call, byte[] send, byte[] result, Combiner op, boolean inclusive) {
        int count = count(send.length, op);
        byte[] partial = Scratch.take(send.length);
        System.arraycopy(send, 0, partial, 0, send.length);
        byte[] tmp = Scratch.take(send.length);
        boolean haveResult = inclusive;
        for (int mask = 1; mask < size; mask <<= 1) {
            int partner = rank ^ mask;
            if (partner >= size) {
                continue;
            }
            exchange(call, partner, partial, 0, partial.length, partner, tmp, 0, tmp.length);
            if (partner < rank) {
                op.combine(partial, 0, tmp, 0, count, true);
                if (haveResult) {
                    op.combine(result, 0, tmp, 0, count, true);
                } else {
                    System.arraycopy(tmp, 0, result, 0, tmp.length);
                    haveResult = true;
                }
            } else {
                op.combine(partial, 0, tmp, 0, count, false);
            }
        }
        Scratch.give(partial);
        Scratch.give(tmp);
    }

    /** Gather + bcast for small totals (2 log n steps); a ring for large ones (bandwidth-optimal). */
    @Override
    public void allgather(Call call, byte[] send, byte[] recv) {
        if ((long) send.length * size < LARGE_BYTES) {
            // a binomial gather and bcast: 2 (size - 1) messages in all, against size log2 size for
            // Bruck's; where ranks share cores the count of messages is what costs (8 processes on 2
            // cores, 8 B and 1 KiB: 0.29-0.37 ms against Bruck's 0.34-0.42)
            super.allgather(call, send, recv);
            return;
        }
        allgather(call, ByteBuffer.wrap(send), ByteBuffer.wrap(recv));
    }

    /**
     * Bruck's allgather: in the step of distance k (1, 2, 4, ...), send the blocks gathered so far
     * (up to k) to rank - k and receive as many from rank + k, which continue them; ceil(log2 size)
     * messages per rank, each block received once, as with a message per rank (8 processes on 2
     * cores, back to back: 8 KiB blocks 0.50 ms against 0.52-0.77, 16 KiB 0.61-0.80 against 0.88-1.27).
     */
    private void bruckAllgather(Call call, ByteBuffer send, ByteBuffer recv) {
        int block = send.capacity();
        // gathered block i: rank + i's
        byte[] gathered = Scratch.take(size * block);
        send.get(0, gathered, 0, block);
        for (int k = 1; k < size; k <<= 1) {
            int blocks = Math.min(k, size - k);
            exchange(call, (rank - k + size) % size, gathered, 0, blocks * block, (rank + k) % size, gathered,
                    k * block, blocks * block);
        }
        for (int i = 0; i < size; i++) {
            recv.put(((rank + i) % size) * block, gathered, i * block, block);
        }
        Scratch.give(gathered);
    }

    /**
     * From 64 KiB of receive buffer on more than two ranks, allgather and alltoall may run on direct
     * buffers: each block crosses a socket without the JDK's copies through a temporary direct buffer
     * (2 (size - 1) block copies for an allgather), for the copies in and out of the user's buffers
     * (size + 1 blocks; 2 size for an alltoall, which only gains where the user's buffers are encoded
     * anyway). A result of bytes on the heap is received in place (the caller passes the user's
     * array): an allgather from a byte array then copies its own block once, not once per rank.
     * On two ranks a copy in or out costs as much as the JDK's copies it saves, so they run on the
     * user's buffers only where those go as they are: a bcast of 1 MiB from a direct buffer between
     * two processes was copied four times on its way (direct to array, array to the JDK's
     * temporary buffer and back on the other side, array to direct).
     */
    @Override
    public boolean movesDirect(long bytes, boolean asIs) {
        return (size > 2 || asIs) && bytes >= LARGE_BYTES;
    }

    /**
     * Where the channel sends and receives heap arrays in place ({@link Messages#movesHeapInPlace}),
     * staging them in direct memory would only add a copy: a bcast of 1 MiB from a {@code byte[]} on
     * 8 processes sharing 2 cores took 1146-1307 µs in place against 1617-1908 staged (Temurin 25).
     */
    @Override
    public boolean movesHeapInPlace(long bytes) {
        return messages.movesHeapInPlace(bytes);
    }

    /**
     * Bruck's allgather where its messages are small enough ({@link #bruckPays}). Else, up to
     * {@value #LINEAR_MAX} ranks, every rank sends its block to every other: at once
     * ({@link Messages#exchange}), or one rank at a time where {@link #withEveryRank} chooses that (a send
     * block on the heap: 1 MiB × 8 processes on Temurin 25 from a {@code byte[]} written in place,
     * 8866-9883 µs against 10620-11749 all at once from a pooled direct copy); the bytes each rank
     * sends and receives are the ring's, without its chain of size - 1 steps, each waiting for the
     * one before on the left neighbour. Beyond, a ring:
     * in step s, pass on to the right the block received from the left in step s - 1 (two connections
     * per rank instead of size - 1).
     */
    @Override
    public void allgather(Call call, ByteBuffer send, ByteBuffer recv) {
        int block = send.capacity();
        if (bruckPays(block, BRUCK_MAX_MESSAGE)) {
            bruckAllgather(call, send, recv);
            return;
        }
        recv.put(rank * block, send, 0, block);
        if (size <= LINEAR_MAX) {
            withEveryRank(call, send, block, to -> send.slice(0, block), from -> recv.slice(from * block, block));
            return;
        }
        int right = (rank + 1) % size;
        int left = (rank - 1 + size) % size;
        for (int step = 0; step < size - 1; step++) {
            int sendIndex = (rank - step + size) % size;
            int recvIndex = (rank - step - 1 + size) % size;
            exchange(call, right, recv, sendIndex * block, block, left, recv, recvIndex * block, block);
        }
    }

    /**
     * Bruck's alltoall for small blocks ({@link #bruckPays}); blocks of {@value #PAIRWISE_MIN_BLOCK}
     * bytes or more on the heap one at a time where the channel agrees ({@link #pairwise}); else every block at once
     * ({@link Messages#exchange}): receives from every rank posted, then the sends to rank + 1,
     * rank + 2, ...; no step waits for a partner busy with another step.
     */
    @Override
    public void alltoall(Call call, byte[] send, byte[] recv) {
        alltoall(call, ByteBuffer.wrap(send), ByteBuffer.wrap(recv));
    }

    @Override
    public void alltoall(Call call, ByteBuffer send, ByteBuffer recv) {
        int block = send.capacity() / size;
        if (bruckPays(block, BRUCK_MAX_ALLTOALL_MESSAGE)) {
            bruck(call, send, recv, block);
            return;
        }
        recv.put(rank * block, send, rank * block, block);
        withEveryRank(call, send, block, to -> send.slice(to * block, block), from -> recv.slice(from * block, block));
    }

    /**
     * An allgather's or alltoall's blocks of {@code block} bytes from {@code send} to and from every
     * other rank: one at a time ({@link #pairwise}) for blocks of {@value #PAIRWISE_MIN_BLOCK} bytes
     * or more from the heap, where the channel agrees; else all at once ({@link #blockwise}). From
     * direct buffers every block at once took less time (the kernel reads those as they are).
     */
    private void withEveryRank(Call call, ByteBuffer send, int block, IntFunction<ByteBuffer> outFor,
                               IntFunction<ByteBuffer> inFrom) {
        if (block >= PAIRWISE_MIN_BLOCK && !send.isDirect() && messages.largeBlocksOneAtATime()) {
            pairwise(call, outFor, inFrom);
        } else {
            blockwise(call, outFor, inFrom);
        }
    }

    /**
     * Whether Bruck's algorithms pay for blocks of {@code block} bytes: ceil(log2 size) messages per
     * rank of up to size / 2 blocks each, against size - 1 of one block. On 8 processes sharing 2
     * cores, back to back, an alltoall of 1 KiB blocks took 0.3-0.5 ms against 0.6-0.8 with every
     * block its own message, of 16 KiB blocks 0.8-1.0 ms against 0.9-1.4; of 32 KiB blocks (128 KiB
     * messages) 1.8-2.5 ms against 0.8-1.7 (measured before every block went at once; see
     * {@link #BRUCK_MAX_ALLTOALL_MESSAGE} for the alltoall since).
     */
    private boolean bruckPays(int block, int maxMessage) {
        return size > 2 && (long) (size / 2) * block <= maxMessage;
    }

    /**
     * Bruck's alltoall: ceil(log2 size) steps instead of size - 1 messages per rank; in the step of
     * bit k, every block whose distance to its destination has bit k set moves k ranks on, packed
     * into one message. Each block travels up to log2 size times, so this pays only for small ones,
     * where a message costs far more than its bytes.
     */
    private void bruck(Call call, ByteBuffer send, ByteBuffer recv, int block) {
        int total = size * block;
        // rotated block i: the block for rank + i, until it arrives: then the block from rank - i
        byte[] rotated = Scratch.take(total);
        for (int i = 0; i < size; i++) {
            send.get(((rank + i) % size) * block, rotated, i * block, block);
        }
        int most = (size / 2) * block;
        byte[] out = Scratch.take(most);
        byte[] in = Scratch.take(most);
        for (int k = 1; k < size; k <<= 1) {
            int packed = 0;
            for (int i = k; i < size; i++) {
                if ((i & k) != 0) {
                    System.arraycopy(rotated, i * block, out, packed, block);
                    packed += block;
                }
            }
            exchange(call, (rank + k) % size, out, 0, packed, (rank - k + size) % size, in, 0, packed);
            packed = 0;
            for (int i = k; i < size; i++) {
                if ((i & k) != 0) {
                    System.arraycopy(in, packed, rotated, i * block, block);
                    packed += block;
                }
            }
        }
        for (int i = 0; i < size; i++) {
            recv.put(((rank - i + size) % size) * block, rotated, i * block, block);
        }
        Scratch.give(in);
        Scratch.give(out);
        Scratch.give(rotated);
    }

    /**
     * The receives from every other rank posted at once, each into its place; then in step k the
     * send to rank + k, and the wait for the receive from rank - k. A rank has one block of its own
     * in flight rather than size - 1: on 8 processes sharing 2 cores, 1 MiB blocks from byte arrays
     * took 10-30% less time than with every block sent at once (on JDK 25, where they are written
     * in place; less on JDK 17; 4 MiB blocks too, 4 processes as well); 128 KiB blocks 0-25% less;
     * 64 KiB blocks up to 20% more. From direct buffers, which the kernel reads as they are, 1 MiB
     * blocks took 10-25% more time, so those still go all at once; so do 8 ranks as threads of one
     * JVM over Direct (one at a time took 20-35% more), where the channel declines
     * ({@link Messages#largeBlocksOneAtATime}). Allgathers, whose blocks are all the same, go the same
     * way ({@link #allgather(Call, ByteBuffer, ByteBuffer)}).
     * What an early partner sends still lands in place, as the receives are posted before the first send.
     */
    private void pairwise(Call call, IntFunction<ByteBuffer> outFor, IntFunction<ByteBuffer> inFrom) {
        Messages.Posted[] posted = new Messages.Posted[size - 1];
        try {
            for (int k = 1; k < size; k++) {
                int from = (rank - k + size) % size;
                posted[k - 1] = messages.post(from, call.tag(), inFrom.apply(from), call.deadline());
            }
            for (int k = 1; k < size; k++) {
                int to = (rank + k) % size;
                messages.send(to, call.tag(), outFor.apply(to), call.deadline());
                await(call, posted, k - 1);
            }
        } finally {
            withdrawAll(posted);
        }
    }

    /**
     * One {@link Messages#exchange} with every other rank: {@code outFor.apply(r)} goes to rank r,
     * {@code inFrom.apply(r)} comes from it; sends to rank + 1, + 2, ..., receives from rank - 1, - 2, ....
     */
    private void blockwise(Call call, IntFunction<ByteBuffer> outFor, IntFunction<ByteBuffer> inFrom) {
        int[] to = new int[size - 1];
        int[] from = new int[size - 1];
        ByteBuffer[] out = new ByteBuffer[size - 1];
        ByteBuffer[] in = new ByteBuffer[size - 1];
        for (int step = 1; step < size; step++) {
            to[step - 1] = (rank + step) % size;
            from[step - 1] = (rank - step + size) % size;
            out[step - 1] = outFor.apply(to[step - 1]);
            in[step - 1] = inFrom.apply(from[step - 1]);
        }
        messages.exchange(to, out, from, in, call.tag(), call.deadline());
    }
}

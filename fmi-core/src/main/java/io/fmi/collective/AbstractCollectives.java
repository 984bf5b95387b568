package io.fmi.collective;

/**
 * Algorithms that only need gather, scatter and bcast: the reductions as a gather to one peer
 * followed by a strict left fold in rank order. They are correct for every operator, including
 * non-associative ones, and are the upload-once/download-many patterns object stores want;
 * peer-to-peer channels override them with trees where the operator allows.
 */
public abstract class AbstractCollectives implements Collectives {
    protected final int rank;
    protected final int size;

    protected AbstractCollectives(int rank, int size) {
        this.rank = rank;
        this.size = size;
    }

    /** Gathers every contribution to {@code root} and folds them there in rank order. */
    protected void reduceLinear(Call call, byte[] send, byte[] recv, Combiner op, int root) {
        int len = send.length;
        byte[] all = rank == root ? new byte[len * size] : null;
        gather(call, send, all, root);
        if (rank == root) {
            System.arraycopy(all, 0, recv, 0, len);
            int count = len / op.type().size();
            for (int r = 1; r < size; r++) {
                op.combine(recv, 0, all, r * len, count, false);
            }
        }
    }

    /** Gathers to rank 0, computes every prefix there in rank order, and scatters them. */
    protected void scanLinear(Call call, byte[] send, byte[] recv, Combiner op, boolean inclusive) {
        int len = send.length;
        int count = len / op.type().size();
        byte[] all = rank == 0 ? new byte[len * size] : null;
        gather(call, send, all, 0);
        byte[] prefixes = null;
        if (rank == 0) {
            prefixes = new byte[len * size];
            byte[] acc = new byte[len];
            System.arraycopy(all, 0, acc, 0, len);
            if (inclusive) {
                System.arraycopy(acc, 0, prefixes, 0, len);
            }
            for (int r = 1; r < size; r++) {
                if (!inclusive) {
                    System.arraycopy(acc, 0, prefixes, r * len, len);
                }
                op.combine(acc, 0, all, r * len, count, false);
                if (inclusive) {
                    System.arraycopy(acc, 0, prefixes, r * len, len);
                }
            }
        }
        if (inclusive || rank != 0) {
            scatter(call.phase(call.phase() + 1), prefixes, recv, 0);
        } else {
            scatter(call.phase(call.phase() + 1), prefixes, new byte[len], 0);
        }
    }

    @Override
    public void reduce(Call call, byte[] send, byte[] recv, Combiner op, int root) {
        reduceLinear(call, send, recv, op, root);
    }

    @Override
    public void allreduce(Call call, byte[] send, byte[] recv, Combiner op) {
        reduce(call, send, rank == 0 ? recv : null, op, 0);
        bcast(call.phase(call.phase() + 2), recv, 0);
    }

    @Override
    public void scan(Call call, byte[] send, byte[] recv, Combiner op) {
        scanLinear(call, send, recv, op, true);
    }

    @Override
    public void exscan(Call call, byte[] send, byte[] recv, Combiner op) {
        scanLinear(call, send, recv, op, false);
    }

    @Override
    public void allgather(Call call, byte[] send, byte[] recv) {
        gather(call, send, rank == 0 ? recv : null, 0);
        bcast(call.phase(call.phase() + 1), recv, 0);
    }

    @Override
    public void reduceScatter(Call call, byte[] send, byte[] recv, Combiner op) {
        byte[] reduced = rank == 0 ? new byte[send.length] : null;
        reduce(call, send, reduced, op, 0);
        scatter(call.phase(call.phase() + 2), reduced, recv, 0);
    }

    /** Sends {@code length} bytes to {@code peer} as part of {@code call} (one message per peer and call phase). */
    protected abstract void put(Call call, int peer, byte[] buf, int offset, int length);

    /** Receives exactly {@code length} bytes from {@code peer} as part of {@code call}. */
    protected abstract void take(Call call, int peer, byte[] buf, int offset, int length);

    /** Linear: every rank sends its block to the root, which receives them in rank order. */
    @Override
    public void gatherv(Call call, byte[] send, byte[] recv, int[] counts, int[] displs, int root) {
        if (rank != root) {
            put(call, root, send, 0, send.length);
            return;
        }
        System.arraycopy(send, 0, recv, displs[root], counts[root]);
        for (int r = 0; r < size; r++) {
            if (r != root) {
                take(call, r, recv, displs[r], counts[r]);
            }
        }
    }

    @Override
    public void scatterv(Call call, byte[] send, int[] counts, int[] displs, byte[] recv, int root) {
        if (rank != root) {
            take(call, root, recv, 0, recv.length);
            return;
        }
        for (int r = 0; r < size; r++) {
            if (r != root) {
                put(call, r, send, displs[r], counts[r]);
            }
        }
        System.arraycopy(send, displs[root], recv, 0, counts[root]);
    }

    /** gatherv of the packed blocks to rank 0, bcast of the packed blocks, unpacked at every rank's displacements. */
    @Override
    public void allgatherv(Call call, byte[] send, byte[] recv, int[] counts, int[] displs) {
        int[] packed = new int[size];
        int total = 0;
        for (int r = 0; r < size; r++) {
            packed[r] = total;
            total += counts[r];
        }
        byte[] all = new byte[total];
        gatherv(call, send, rank == 0 ? all : null, counts, packed, 0);
        bcast(call.phase(call.phase() + 1), all, 0);
        for (int r = 0; r < size; r++) {
            System.arraycopy(all, packed[r], recv, displs[r], counts[r]);
        }
    }

    /** Every rank sends each block, then receives each block (sends never wait for receives). */
    @Override
    public void alltoallv(Call call, byte[] send, int[] sendCounts, int[] sendDispls, byte[] recv, int[] recvCounts,
                          int[] recvDispls) {
        for (int step = 1; step < size; step++) {
            int dest = (rank + step) % size;
            put(call, dest, send, sendDispls[dest], sendCounts[dest]);
        }
        System.arraycopy(send, sendDispls[rank], recv, recvDispls[rank], recvCounts[rank]);
        for (int step = 1; step < size; step++) {
            int src = (rank - step + size) % size;
            take(call, src, recv, recvDispls[src], recvCounts[src]);
        }
    }

    /** The whole buffer reduced to rank 0, then scattered by counts. */
    @Override
    public void reduceScatterv(Call call, byte[] send, byte[] recv, int[] counts, Combiner op) {
        byte[] reduced = rank == 0 ? new byte[send.length] : null;
        reduce(call, send, reduced, op, 0);
        int[] displs = new int[size];
        for (int r = 1; r < size; r++) {
            displs[r] = displs[r - 1] + counts[r - 1];
        }
        scatterv(call.phase(call.phase() + 2), reduced, counts, displs, recv, 0);
    }

    /** The number of elements of {@code len} bytes. */
    protected static int count(int len, Combiner op) {
        return len / op.type().size();
    }
}

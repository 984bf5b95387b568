package io.fmi.model;

import io.fmi.Operation;

/**
 * The latency-bandwidth model of the peer-to-peer algorithms: a message costs
 * {@code overhead + bytes / bandwidth}, and each operation costs what its algorithm's critical
 * path sends (binomial trees, recursive doubling or Rabenseifner, dissemination, ring, pairwise).
 * Its price is the transfer plus, with {@code include_infrastructure_costs}, the rendezvous VM
 * ({@code vm_price} per hour) amortised over {@code requests_per_hour} operations.
 */
public final class PeerToPeerModel extends ChannelModel {
    /** The size from which allreduce and allgather switch to their bandwidth-optimal algorithms. */
    static final long LARGE_BYTES = 64 * 1024;

    public PeerToPeerModel(ModelParameters params) {
        super(params);
    }

    private double message(double bytes) {
        return params.overheadSeconds() + bytes / params.bandwidth();
    }

    @Override
    public Cost cost(Operation op, long bytes, int peers) {
        int n = peers;
        int depth = log2Ceil(n);
        int pof2 = Integer.highestOneBit(Math.max(1, n));
        int fold = n == pof2 ? 0 : 2;
        double seconds;
        double moved;
        switch (op) {
            case SEND:
            case RECV:
                seconds = message(bytes);
                moved = bytes;
                break;
            case BCAST:
            case REDUCE:
                seconds = depth * message(bytes);
                moved = (n - 1) * (double) bytes;
                break;
            case BARRIER:
                seconds = depth * message(0);
                moved = 0;
                break;
            case GATHER:
            case SCATTER:
                seconds = depth * params.overheadSeconds() + (n - 1) * (double) bytes / params.bandwidth();
                moved = (n - 1) * (double) bytes;
                break;
            case ALLREDUCE:
                if (n > 1 && bytes >= LARGE_BYTES && bytes / 8 >= pof2) {
                    int steps = log2Ceil(pof2);
                    seconds = 2 * steps * params.overheadSeconds() + 2.0 * (pof2 - 1) / pof2 * bytes / params.bandwidth()
                            + fold * message(bytes);
                } else {
                    seconds = (log2Ceil(pof2) + fold) * message(bytes);
                }
                moved = 2.0 * n * bytes;
                break;
            case SCAN:
            case EXSCAN:
                seconds = depth * message(bytes);
                moved = (double) n * depth * bytes;
                break;
            case ALLGATHER:
                if ((double) bytes * n < LARGE_BYTES) {
                    seconds = depth * params.overheadSeconds() + (n - 1) * (double) bytes / params.bandwidth()
                            + depth * message((double) bytes * n);
                } else {
                    seconds = (n - 1) * message(bytes);
                }
                moved = (double) n * (n - 1) * bytes;
                break;
            case ALLTOALL:
                seconds = (n - 1) * message(bytes);
                moved = (double) n * (n - 1) * bytes;
                break;
            case REDUCE_SCATTER:
                seconds = depth * message((double) bytes * n) + depth * params.overheadSeconds()
                        + (n - 1) * (double) bytes / params.bandwidth();
                moved = (n - 1) * (double) bytes * n + (n - 1) * (double) bytes;
                break;
            default:
                throw new IllegalArgumentException("no model for " + op);
        }
        double infrastructure = params.get("include_infrastructure_costs", 0) > 0
                ? params.get("vm_price", 0) / Math.max(1, params.get("requests_per_hour", 1000)) : 0;
        return new Cost(seconds, transferDollars(moved) + infrastructure, 0);
    }
}

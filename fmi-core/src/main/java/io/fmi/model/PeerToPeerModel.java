package io.fmi.model;

import io.fmi.Operation;

/**
 * The latency-bandwidth model of the peer-to-peer algorithms: a message costs
 * {@code overhead + bytes / bandwidth}, and each operation costs what its algorithm's critical
 * path sends (binomial trees, recursive doubling, recursive halving with Rabenseifner's allgather or
 * a binomial gather, dissemination, ring, pairwise).
 * Its price is the transfer plus, with {@code include_infrastructure_costs}, the rendezvous VM
 * ({@code vm_price} per hour) amortised over {@code requests_per_hour} operations.
 *
 * <p>Pairs whose hole punching failed are relayed by the rendezvous server ({@link #relayed}): a
 * message then also pays {@code relay_overhead} (ms, default: the channel's {@code overhead}, one
 * more hop), and the relayed pairs of the job share {@code relay_bandwidth} (MB/s, default 134:
 * the server's default of 128 MiB/s per job); an operation on {@code n} peers runs at most
 * {@code n / 2} pairs at once, so that is how many share it.
 */
public final class PeerToPeerModel extends ChannelModel {
    /** The size from which reduce, allreduce and allgather switch to their bandwidth-optimal algorithms. */
    static final long LARGE_BYTES = 64 * 1024;
    /** The rendezvous server's default relay rate per job (128 MiB/s), in MB/s. */
    static final double RELAY_MBPS = 128 * 1.048576;

    private final double relayedPairs;

    public PeerToPeerModel(ModelParameters params) {
        this(params, 0);
    }

    private PeerToPeerModel(ModelParameters params, double relayedPairs) {
        super(params);
        this.relayedPairs = relayedPairs;
    }

    /** This model for a job in which {@code pairs} pairs of peers are relayed (0: none). */
    public PeerToPeerModel relayed(double pairs) {
        return pairs == relayedPairs ? this : new PeerToPeerModel(params, Math.max(0, pairs));
    }

    /** The model of the relayed connections between {@code n} peers: the relay's hop and share of bandwidth. */
    private PeerToPeerModel viaRelay(int n) {
        double sharing = Math.max(1, Math.min(relayedPairs, n / 2.0));
        double relayBandwidth = params.get("relay_bandwidth", RELAY_MBPS) / sharing;
        return new PeerToPeerModel(params.with(java.util.Map.of(
                "overhead", params.get("overhead", 1.0) + params.get("relay_overhead", params.get("overhead", 1.0)),
                "bandwidth", Math.min(params.bandwidth() / 1e6, relayBandwidth))));
    }

    private double message(double bytes) {
        return params.overheadSeconds() + bytes / params.bandwidth();
    }

    /** Whether reductions of {@code bytes} on {@code n} peers run by recursive halving (large, at least a double per block). */
    private static boolean halves(int n, long bytes, int pof2) {
        return n > 1 && bytes >= LARGE_BYTES && bytes / 8 >= pof2;
    }

    /**
     * Reduce-scatter by recursive halving over {@code pof2} ranks and its mirror (Rabenseifner's
     * allgather, or a binomial gather to one rank): log2 pof2 steps each way, each way moving
     * (pof2 - 1) / pof2 of the buffer along the critical path.
     */
    private double halvingAndBack(int pof2, long bytes) {
        return 2 * log2Ceil(pof2) * params.overheadSeconds() + 2.0 * (pof2 - 1) / pof2 * bytes / params.bandwidth();
    }

    @Override
    public Cost cost(Operation op, long bytes, int peers) {
        if (relayedPairs > 0) {
            return viaRelay(peers).cost(op, bytes, peers);
        }
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
                seconds = depth * message(bytes);
                moved = (n - 1) * (double) bytes;
                break;
            case REDUCE:
                if (halves(n, bytes, pof2)) {
                    // then a binomial gather of the blocks to the root; the ranks beyond pof2 fold in
                    // first (the root is never one of them), nothing folds out
                    seconds = halvingAndBack(pof2, bytes) + (fold / 2) * message(bytes);
                    // in all: a buffer per folding pair, pof2 - 1 in the halving, steps / 2 in the gather
                    moved = (n - 1 + log2Ceil(pof2) / 2.0) * bytes;
                } else {
                    seconds = depth * message(bytes);
                    moved = (n - 1) * (double) bytes;
                }
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
                if (halves(n, bytes, pof2)) {
                    seconds = halvingAndBack(pof2, bytes) + fold * message(bytes);
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

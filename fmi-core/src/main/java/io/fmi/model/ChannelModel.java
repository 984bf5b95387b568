package io.fmi.model;

import io.fmi.Operation;

/**
 * Predicts one channel's time and price for an operation, following the algorithm that channel
 * really runs. {@code bytes} is the per-peer size: the buffer for send, bcast, reduce, allreduce,
 * scan and exscan; one block for gather, scatter, allgather, alltoall and reduceScatter.
 */
public abstract class ChannelModel {
    /** What the model predicts for one operation. */
    public record Cost(double seconds, double dollars, double requests) {
    }

    protected final ModelParameters params;

    protected ChannelModel(ModelParameters params) {
        this.params = params;
    }

    public ModelParameters parameters() {
        return params;
    }

    /** The prediction for {@code op} with {@code bytes} per peer on {@code peers} peers. */
    public abstract Cost cost(Operation op, long bytes, int peers);

    /** ceil(log2 n), the depth of a binomial tree over n peers. */
    static int log2Ceil(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** The price of moving {@code bytes} once, from {@code transfer_price} per GB. */
    double transferDollars(double bytes) {
        return params.get("transfer_price", 0) * bytes / 1e9;
    }
}

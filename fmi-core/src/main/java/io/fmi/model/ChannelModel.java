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

    /**
     * The model of a configured channel: its family's defaults, overridden by the config's
     * {@code model.<name>} section and then by {@code overrides} (e.g. freshly calibrated values);
     * a polling store's intervals come from the backend's {@code timeout} and {@code max_poll_interval}.
     */
    public static ChannelModel of(io.fmi.config.FmiConfig config, io.fmi.config.BackendConfig backend,
                                  boolean peerToPeer, java.util.Map<String, Double> overrides) {
        java.util.Map<String, Double> values = new java.util.HashMap<>(config.model(backend.name()));
        values.putAll(overrides);
        ModelParameters params = ModelParameters.of(backend.name(), peerToPeer, values);
        if (peerToPeer) {
            return new PeerToPeerModel(params);
        }
        double first = backend.pollInterval().toNanos() / 1e9;
        double max = backend.integer("max_poll_interval", 200, 1, 600_000) / 1000.0;
        return new ObjectStoreModel(params, first, Math.max(first, max));
    }

    /** ceil(log2 n), the depth of a binomial tree over n peers. */
    static int log2Ceil(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** The price of moving {@code bytes} once, from {@code transfer_price} per GB. */
    double transferDollars(double bytes) {
        return params.get("transfer_price", 0) * bytes / 1e9;
    }
}

package io.fmi;

/** The operations of a {@link Communicator}; the channel policy chooses a channel per operation. */
public enum Operation {
    SEND, RECV, BCAST, BARRIER, GATHER, SCATTER, REDUCE, ALLREDUCE, SCAN, EXSCAN, ALLGATHER, ALLTOALL,
    REDUCE_SCATTER;

    /** Made once: every operation asks for its label. */
    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name used in messages and object keys, e.g. {@code reduce_scatter}. */
    public String label() {
        return label;
    }
}

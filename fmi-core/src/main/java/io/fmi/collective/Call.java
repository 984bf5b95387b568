package io.fmi.collective;

import io.fmi.spi.Deadline;

/**
 * One invocation of an operation: its sequence number on the communicator (the same on every
 * peer, since all peers call operations in the same order), its name, the sub-phase of composite
 * algorithms, and the deadline shared by everything it does.
 */
public record Call(String op, long seq, int phase, Deadline deadline) {

    /** The same call in another phase, so that the messages of the phases cannot be confused. */
    public Call phase(int newPhase) {
        return new Call(op, seq, newPhase, deadline);
    }

    /**
     * The tag peer-to-peer channels use for this call: negative, so it never collides with user tags,
     * and distinct per sequence number and phase.
     */
    public int tag() {
        return -1 - (int) (((seq & 0x07FF_FFFFL) << 4) | (phase & 0xF));
    }

    /** The object-store key stem of this call, e.g. {@code allreduce-17.1}. */
    public String keyStem() {
        return phase == 0 ? op + "-" + seq : op + "-" + seq + "." + phase;
    }
}

package io.fmi.model;

import io.fmi.Hint;
import io.fmi.Operation;
import java.util.List;

/**
 * Why an operation goes through the channel it goes through: every channel's estimate and the
 * choice, as returned by {@link io.fmi.Communicator#explain(Operation, long)}.
 *
 * @param operation the operation
 * @param bytes     the per-peer message size the estimate is for
 * @param peers     the communicator size
 * @param hint      the hint in force
 * @param estimates one estimate per channel, in configuration order
 * @param chosen    the channel the operation uses
 * @param reason    why, e.g. "fastest predicted", "cheapest predicted" or "pinned"
 */
public record Explanation(Operation operation, long bytes, int peers, Hint hint, List<Estimate> estimates,
                          String chosen, String reason) {

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(operation.label() + " of " + bytes + " bytes over " + peers + " peers, "
                + hint + ": " + chosen + " (" + reason + ")");
        for (Estimate e : estimates) {
            s.append("\n  ").append(e);
        }
        return s.toString();
    }
}

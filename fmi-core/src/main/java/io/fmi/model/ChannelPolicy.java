package io.fmi.model;

import io.fmi.Hint;
import io.fmi.Operation;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the channel for an operation from the model's estimates. A policy must depend only on its
 * arguments — inputs every peer shares — so that all members of a communicator choose the same
 * channel for the same operation.
 */
@FunctionalInterface
public interface ChannelPolicy {

    /**
     * Returns the name of one of {@code estimates}' channels.
     *
     * @param estimates one per channel, in configuration order (never empty)
     */
    String choose(Operation operation, long bytes, Hint hint, List<Estimate> estimates);

    /**
     * The default: the smallest predicted time for {@link Hint#FAST}, the smallest predicted total
     * price (channel + functions' time) for {@link Hint#CHEAP}; ties go to the channel configured
     * first.
     */
    static ChannelPolicy byModel() {
        return (operation, bytes, hint, estimates) -> estimates.stream()
                .min(hint == Hint.FAST ? Comparator.comparingDouble(Estimate::seconds)
                        : Comparator.comparingDouble(Estimate::totalDollars))
                .orElseThrow()
                .channel();
    }
}

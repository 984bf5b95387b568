package io.fmi.spi;

import java.time.Duration;

/**
 * A point in time by which a blocking call must complete. Every operation of a communicator gets
 * one deadline, shared by all the channel calls it makes; channels pass {@link #remainingNanos()}
 * to their blocking primitives and give up with an {@link io.fmi.FmiTimeoutException} once it is
 * zero.
 */
public final class Deadline {
    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(long deadlineNanos, Duration budget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    /** A deadline {@code budget} from now. */
    public static Deadline after(Duration budget) {
        long nanos = budget.toNanos();
        return new Deadline(System.nanoTime() + nanos, budget);
    }

    /**
     * A deadline at most {@code max} from now and never later than this one, with this one's
     * budget for messages: a wait in slices (to look at other things between them) still reports
     * the operation's budget when it finally times out.
     */
    public Deadline slice(Duration max) {
        long end = System.nanoTime() + max.toNanos();
        return new Deadline(end - deadlineNanos < 0 ? end : deadlineNanos, budget);
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Milliseconds left, rounded up so that a positive remainder never reads as zero. */
    public long remainingMillis() {
        long nanos = remainingNanos();
        return (nanos + 999_999) / 1_000_000;
    }

    /** Whether the deadline has passed. */
    public boolean expired() {
        return remainingNanos() == 0;
    }

    /** The whole budget this deadline was created with, for messages ("within 30000 ms"). */
    public Duration budget() {
        return budget;
    }

    @Override
    public String toString() {
        return "Deadline[" + remainingMillis() + " of " + budget.toMillis() + " ms left]";
    }
}

package io.fmi.spi;

import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting by polling, for backends that cannot block or notify (S3, DynamoDB): the interval starts
 * at {@code first}, grows by half each time up to {@code cap}, and the last sleep is cut short so
 * that the wait never outlasts the deadline. One more attempt is always made at the deadline.
 */
public final class Poller {
    private final Duration first;
    private final Duration cap;

    public Poller(Duration first, Duration cap) {
        if (first.isNegative() || cap.compareTo(first) < 0) {
            throw new IllegalArgumentException("need 0 <= first <= cap, got " + first + " and " + cap);
        }
        this.first = first;
        this.cap = cap;
    }

    /**
     * Calls {@code attempt} until it returns non-null.
     *
     * @param what describes what is awaited, for the timeout message ("key x in bucket y")
     * @throws FmiTimeoutException if the deadline passes first
     */
    public <T> T await(Supplier<T> attempt, Deadline deadline, Supplier<String> what) {
        long intervalNanos = Math.max(first.toNanos(), 100_000);
        while (true) {
            T result = attempt.get();
            if (result != null) {
                return result;
            }
            long left = deadline.remainingNanos();
            if (left == 0) {
                throw new FmiTimeoutException(what.get() + " did not appear within " + deadline.budget().toMillis() + " ms");
            }
            sleepNanos(Math.min(intervalNanos, left));
            intervalNanos = Math.min(cap.toNanos(), intervalNanos + intervalNanos / 2);
        }
    }

    /** Sleeps, turning an interrupt into an {@link FmiException} (with the interrupt flag kept). */
    public static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while waiting", e);
        }
    }
}

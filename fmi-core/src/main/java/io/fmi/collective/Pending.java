package io.fmi.collective;

import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A receive in progress: a posted {@link Mailbox.Receive} seen as a future that completes by
 * itself — when its message arrives (whoever delivers it), at its deadline with an
 * {@link FmiTimeoutException}, when its channel fails, or with null when it is cancelled.
 */
public final class Pending {
    /** The outcome of a cancelled receive. */
    private static final class Cancelled extends FmiException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled");
        }
    }

    private final Mailbox mailbox;
    private final Mailbox.Receive receive;
    private final CompletableFuture<Mailbox.Envelope> future = new CompletableFuture<>();

    private Pending(Mailbox mailbox, Mailbox.Receive receive) {
        this.mailbox = mailbox;
        this.receive = receive;
    }

    /**
     * Watches {@code receive} (posted on {@code mailbox}); envelopes are passed through
     * {@code translate} (channel ranks to communicator ranks).
     */
    public static Pending of(Mailbox mailbox, Mailbox.Receive receive, Deadline deadline,
                             UnaryOperator<Mailbox.Envelope> translate) {
        Pending p = new Pending(mailbox, receive);
        ScheduledFuture<?> timer = receive.done() ? null : Background.TIMER.schedule(() -> mailbox.fail(receive,
                new FmiTimeoutException(Mailbox.describe(receive) + " did not arrive within "
                        + deadline.budget().toMillis() + " ms")), Math.max(1, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        receive.whenDone(() -> {
            if (timer != null) {
                timer.cancel(false);
            }
            Background.WORKERS.execute(() -> {
                try {
                    p.future.complete(translate.apply(receive.envelope()));
                } catch (Cancelled c) {
                    p.future.complete(null);
                } catch (RuntimeException e) {
                    p.future.completeExceptionally(e);
                }
            });
        });
        return p;
    }

    /** Completes with the envelope, or null if cancelled; exceptionally with the receive's failure. */
    public CompletableFuture<Mailbox.Envelope> future() {
        return future;
    }

    /** Cancels the receive if no message has matched it yet. */
    public boolean cancel() {
        if (mailbox.fail(receive, new Cancelled())) {
            future.complete(null);
            return true;
        }
        return false;
    }
}

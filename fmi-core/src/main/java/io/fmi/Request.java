package io.fmi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A non-blocking operation in progress ({@code isend}, {@code irecv}, {@code iallreduce}, ...): MPI's
 * request. It completes by itself — the library makes progress without the caller — and
 * {@link #waitFor()} returns its {@link Status} or throws the same {@link FmiException} the blocking
 * operation would have thrown. Every request has the deadline of the operation it stands for, so
 * waiting for one never hangs.
 *
 * <p>The buffers handed to the operation belong to it until it completes: do not read a receive
 * buffer or change a send buffer before then.
 */
public final class Request {
    private final CompletableFuture<Status> future;
    private final BooleanSupplier canceller;
    private final String what;

    Request(String what, CompletableFuture<Status> future, BooleanSupplier canceller) {
        this.what = what;
        this.future = future;
        this.canceller = canceller;
    }

    /** Waits until the operation is complete and returns its status; throws what the blocking form would. */
    public Status waitFor() {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new FmiException(cause.toString(), cause);
    }

    /** Whether the operation is complete (successfully, with an error, or cancelled). Never waits. */
    public boolean test() {
        return future.isDone();
    }

    /**
     * Cancels the operation if nothing has matched it yet (an {@code irecv} still waiting for its
     * message); returns whether it was cancelled. A cancelled request completes with a status whose
     * {@link Status#cancelled()} is true. Sends and collectives cannot be cancelled (false).
     */
    public boolean cancel() {
        if (canceller == null || future.isDone() || !canceller.getAsBoolean()) {
            return false;
        }
        // the cancelled status is set by whichever thread completed the receive: wait for it, so that
        // test() and isCancelled() say so as soon as cancel() returns
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // completed
        }
        return true;
    }

    /** Whether the request was cancelled. */
    public boolean isCancelled() {
        return future.isDone() && !future.isCompletedExceptionally() && future.join().cancelled();
    }

    /**
     * The operation as a {@link CompletableFuture}, for composing with other Java code; completing or
     * cancelling the returned future does not affect the operation.
     */
    public CompletableFuture<Status> future() {
        return future.copy();
    }

    @Override
    public String toString() {
        return "Request[" + what + (future.isDone() ? ", done" : ", pending") + "]";
    }

    // ---- many requests ----

    /** Waits for every request; returns their statuses in order. Throws the first failure (after waiting for all). */
    public static Status[] waitAll(Request... requests) {
        Status[] statuses = new Status[requests.length];
        RuntimeException first = null;
        for (int i = 0; i < requests.length; i++) {
            try {
                statuses[i] = Objects.requireNonNull(requests[i], "request " + i).waitFor();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return statuses;
    }

    /** Waits until one of the requests completes and returns its index (the lowest, if several are). */
    public static int waitAny(Request... requests) {
        if (requests.length == 0) {
            throw new FmiException("waitAny: no requests given");
        }
        int done = testAny(requests);
        if (done >= 0) {
            return done;
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[requests.length];
        for (int i = 0; i < requests.length; i++) {
            all[i] = requests[i].future;
        }
        try {
            CompletableFuture.anyOf(all).handle((v, e) -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while waiting for any of " + requests.length + " requests", e);
        } catch (ExecutionException e) {
            // a request failed: it is complete, and reported by its own waitFor
        }
        return testAny(requests);
    }

    /** Waits until at least one request completes; returns the indices of all that are complete. */
    public static int[] waitSome(Request... requests) {
        waitAny(requests);
        return testSome(requests);
    }

    /** Whether every request is complete. */
    public static boolean testAll(Request... requests) {
        for (Request r : requests) {
            if (!r.test()) {
                return false;
            }
        }
        return true;
    }

    /** The index of a complete request (the lowest), or -1 if none is. */
    public static int testAny(Request... requests) {
        for (int i = 0; i < requests.length; i++) {
            if (requests[i].test()) {
                return i;
            }
        }
        return -1;
    }

    /** The indices of the complete requests (possibly none). */
    public static int[] testSome(Request... requests) {
        List<Integer> done = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            if (requests[i].test()) {
                done.add(i);
            }
        }
        return done.stream().mapToInt(Integer::intValue).toArray();
    }
}

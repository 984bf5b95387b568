package mpi;

import java.util.ArrayList;
import java.util.List;

/**
 * A non-blocking operation in progress ({@code MPI_Request}): {@code iSend}, {@code iRecv}, any
 * {@code i…} collective, or a started {@link Prequest}. Completing it ({@code waitFor},
 * {@code test}, or one of the static forms over arrays) writes received data into the user's
 * buffer and makes the request inactive ({@link #isNull()} true afterwards, as in MPI).
 *
 * <p>Every wait has the communicator's deadline: a peer that never answers makes it fail with an
 * {@link MPIException}, it does not hang.
 */
public class Request implements Freeable {
    /** Turns the core's completed status into this package's, after writing data back. */
    interface Completion {
        Status complete(io.fmi.Status status) throws MPIException;
    }

    io.fmi.Request core;
    Completion completion;
    final Comm comm;
    final String op;

    Request(Comm comm, String op, io.fmi.Request core, Completion completion) {
        this.comm = comm;
        this.op = op;
        this.core = core;
        this.completion = completion;
    }

    /** Whether an operation is pending on this request (it was started and not yet completed). */
    boolean active() {
        return core != null;
    }

    private Status finish(io.fmi.Status s) throws MPIException {
        Completion c = completion;
        core = null;
        completion = null;
        return c == null ? Status.empty(-1) : c.complete(s);
    }

    /**
     * Waits until the operation completes ({@code MPI_WAIT}).
     *
     * @throws MPIException if it failed (the peer died, the deadline passed, the message was too long)
     */
    public final void waitFor() throws MPIException {
        waitStatus();
    }

    /**
     * Waits until the operation completes ({@code MPI_WAIT}) and returns its status.
     *
     * @return the status; an empty one for a null or inactive request
     * @throws MPIException if it failed
     */
    public final Status waitStatus() throws MPIException {
        MPI.check();
        if (!active()) {
            return Status.empty(-1);
        }
        io.fmi.Status s;
        try {
            s = core.waitFor();
        } catch (RuntimeException e) {
            core = null;
            completion = null;
            throw comm.fail(op, e);
        }
        return finish(s);
    }

    /**
     * Whether the operation is complete ({@code MPI_TEST}); completes it if so.
     *
     * @return whether it is complete (true for a null or inactive request)
     * @throws MPIException if it failed
     */
    public final boolean test() throws MPIException {
        return testStatus() != null;
    }

    /**
     * The status if the operation is complete, else null ({@code MPI_TEST}).
     *
     * @return the status, or null while the operation is pending
     * @throws MPIException if it failed
     */
    public final Status testStatus() throws MPIException {
        MPI.check();
        if (!active()) {
            return Status.empty(-1);
        }
        return core.test() ? waitStatus() : null;
    }

    /**
     * Cancels a pending receive ({@code MPI_CANCEL}): if no message matched it yet, it completes
     * with a status whose {@link Status#isCancelled()} is true. Sends and collectives cannot be
     * cancelled once started; for them this does nothing.
     *
     * @throws MPIException if MPI is not initialized
     */
    public final void cancel() throws MPIException {
        MPI.check();
        if (active()) {
            core.cancel();
        }
    }

    /**
     * Frees the request ({@code MPI_REQUEST_FREE}); a pending operation still runs to its end, but
     * nothing tells when (received data may then not reach the buffer: wait instead).
     */
    @Override
    public void free() {
        core = null;
        completion = null;
    }

    /**
     * Whether this is {@link MPI#REQUEST_NULL} or a completed (inactive) request.
     *
     * @return whether the request is null
     */
    public boolean isNull() {
        return core == null;
    }

    // ---- arrays of requests ----

    private static List<Integer> activeIndices(Request[] requests) {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            if (requests[i] != null && requests[i].active()) {
                active.add(i);
            }
        }
        return active;
    }

    private static io.fmi.Request[] cores(Request[] requests, List<Integer> active) {
        io.fmi.Request[] cores = new io.fmi.Request[active.size()];
        for (int i = 0; i < cores.length; i++) {
            cores[i] = requests[active.get(i)].core;
        }
        return cores;
    }

    /**
     * Waits for every request ({@code MPI_WAITALL}).
     *
     * @param requests the requests (null or inactive ones are skipped)
     * @throws MPIException the first failure, after waiting for all
     */
    public static void waitAll(Request[] requests) throws MPIException {
        waitAllStatus(requests);
    }

    /**
     * Waits for every request and returns their statuses ({@code MPI_WAITALL}).
     *
     * @param requests the requests
     * @return one status per request (empty for null or inactive ones)
     * @throws MPIException the first failure, after waiting for all
     */
    public static Status[] waitAllStatus(Request[] requests) throws MPIException {
        MPI.check();
        Status[] statuses = new Status[requests.length];
        MPIException first = null;
        for (int i = 0; i < requests.length; i++) {
            try {
                statuses[i] = requests[i] == null ? Status.empty(i) : requests[i].waitStatus();
            } catch (MPIException e) {
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

    /**
     * Waits until one request completes ({@code MPI_WAITANY}).
     *
     * @param requests the requests
     * @return its index, or {@link MPI#UNDEFINED} if none is active
     * @throws MPIException if the completed one failed
     */
    public static int waitAny(Request[] requests) throws MPIException {
        Status s = waitAnyStatus(requests);
        return s.getIndex();
    }

    /**
     * Waits until one request completes ({@code MPI_WAITANY}); its index is in the status.
     *
     * @param requests the requests
     * @return the status, with {@link Status#getIndex()} set ({@link MPI#UNDEFINED} if none is active)
     * @throws MPIException if the completed one failed
     */
    public static Status waitAnyStatus(Request[] requests) throws MPIException {
        MPI.check();
        List<Integer> active = activeIndices(requests);
        if (active.isEmpty()) {
            return Status.empty(MPI.UNDEFINED);
        }
        int done = active.get(io.fmi.Request.waitAny(cores(requests, active)));
        return requests[done].waitStatus().withIndex(done);
    }

    /**
     * Whether one request is complete; completes it ({@code MPI_TESTANY}).
     *
     * @param requests the requests
     * @return its index, or {@link MPI#UNDEFINED} if none is complete or active
     * @throws MPIException if the completed one failed
     */
    public static int testAny(Request[] requests) throws MPIException {
        Status s = testAnyStatus(requests);
        return s == null ? MPI.UNDEFINED : s.getIndex();
    }

    /**
     * The status of a complete request, or null if none is ({@code MPI_TESTANY}).
     *
     * @param requests the requests
     * @return the status with its index, an empty status with index {@link MPI#UNDEFINED} if none is
     *         active, or null
     * @throws MPIException if the completed one failed
     */
    public static Status testAnyStatus(Request[] requests) throws MPIException {
        MPI.check();
        List<Integer> active = activeIndices(requests);
        if (active.isEmpty()) {
            return Status.empty(MPI.UNDEFINED);
        }
        int i = io.fmi.Request.testAny(cores(requests, active));
        if (i < 0) {
            return null;
        }
        int done = active.get(i);
        return requests[done].waitStatus().withIndex(done);
    }

    /**
     * Whether every request is complete; completes them all if so ({@code MPI_TESTALL}).
     *
     * @param requests the requests
     * @return whether all are complete
     * @throws MPIException the first failure
     */
    public static boolean testAll(Request[] requests) throws MPIException {
        return testAllStatus(requests) != null;
    }

    /**
     * The statuses if every request is complete, else null ({@code MPI_TESTALL}).
     *
     * @param requests the requests
     * @return the statuses or null
     * @throws MPIException the first failure
     */
    public static Status[] testAllStatus(Request[] requests) throws MPIException {
        MPI.check();
        List<Integer> active = activeIndices(requests);
        if (!io.fmi.Request.testAll(cores(requests, active))) {
            return null;
        }
        return waitAllStatus(requests);
    }

    /**
     * Waits until at least one request completes and completes all that are ({@code MPI_WAITSOME}).
     *
     * @param requests the requests
     * @return the indices of the completed ones, or null if none is active
     * @throws MPIException the first failure
     */
    public static int[] waitSome(Request[] requests) throws MPIException {
        return indices(waitSomeStatus(requests));
    }

    /**
     * {@link #waitSome} with the statuses (each with its index).
     *
     * @param requests the requests
     * @return the statuses of the completed ones, or null if none is active
     * @throws MPIException the first failure
     */
    public static Status[] waitSomeStatus(Request[] requests) throws MPIException {
        return some(requests, true);
    }

    /**
     * Completes the requests that are complete, without waiting ({@code MPI_TESTSOME}).
     *
     * @param requests the requests
     * @return their indices (empty if none is complete), or null if none is active
     * @throws MPIException the first failure
     */
    public static int[] testSome(Request[] requests) throws MPIException {
        return indices(testSomeStatus(requests));
    }

    /**
     * {@link #testSome} with the statuses (each with its index).
     *
     * @param requests the requests
     * @return the statuses of the completed ones (possibly none), or null if none is active
     * @throws MPIException the first failure
     */
    public static Status[] testSomeStatus(Request[] requests) throws MPIException {
        return some(requests, false);
    }

    /** waitSome or testSome: completes the requests that are complete, after waiting for one if {@code wait}. */
    private static Status[] some(Request[] requests, boolean wait) throws MPIException {
        MPI.check();
        List<Integer> active = activeIndices(requests);
        if (active.isEmpty()) {
            return null;
        }
        io.fmi.Request[] cores = cores(requests, active);
        int[] done = wait ? io.fmi.Request.waitSome(cores) : io.fmi.Request.testSome(cores);
        Status[] statuses = new Status[done.length];
        MPIException first = null;
        for (int i = 0; i < done.length; i++) {
            int at = active.get(done[i]);
            try {
                statuses[i] = requests[at].waitStatus().withIndex(at);
            } catch (MPIException e) {
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

    private static int[] indices(Status[] statuses) {
        if (statuses == null) {
            return null;
        }
        int[] indices = new int[statuses.length];
        for (int i = 0; i < statuses.length; i++) {
            indices[i] = statuses[i].getIndex();
        }
        return indices;
    }
}

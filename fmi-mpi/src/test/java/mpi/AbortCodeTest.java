package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.FmiAbortedException;
import org.junit.jupiter.api.Test;

/**
 * A process whose operation failed because another called {@code MPI_ABORT} ends with that
 * process's errorcode, so the job's status is the aborting process's whichever exits first.
 */
class AbortCodeTest {

    @Test
    void anotherProcesssAbortGivesItsErrorcode() {
        FmiAbortedException aborted = new FmiAbortedException(2,
                MPI.ABORT_INVOKED + " on rank 2 of job fmirun-1e94 with errorcode 3");
        MPIException e = new MPIException(16, "recv: " + aborted.getMessage(),
                new FmiAbortedException("recv on channel 'Direct': " + aborted.getMessage(), aborted));
        assertEquals(3, MPI.abortedWith(e, 1));
    }

    @Test
    void otherErrorsKeepTheirStatus() {
        FmiAbortedException fatal = new FmiAbortedException(0,
                "MPI error (class 15): recv: ...\n  aborting the job on rank 0 of job j with errorcode 1");
        assertEquals(1, MPI.abortedWith(new MPIException(16, "recv", fatal), 1));
        assertEquals(1, MPI.abortedWith(new MPIException(16, "recv", new io.fmi.FmiException("timeout")), 1));
        assertEquals(1, MPI.abortedWith(new MPIException(16, "recv", null), 1));
    }
}

package mpi;

import java.nio.Buffer;

/**
 * A one-sided communication window ({@code MPI_Win}). Not supported: functions have no memory
 * another function can access; the constructor throws an {@link MPIException} of class
 * {@link MPI#ERR_UNSUPPORTED_OPERATION}.
 */
public final class Win implements Freeable {
    /**
     * {@code MPI_WIN_CREATE}: not supported.
     *
     * @param base     the window's memory
     * @param size     its size
     * @param dispUnit its displacement unit
     * @param info     hints
     * @param comm     the communicator
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public Win(Buffer base, int size, int dispUnit, Info info, Comm comm) throws MPIException {
        throw Unsupported.of("one-sided communication (Win)", "serverless functions cannot expose memory to each"
                + " other; use point-to-point messages or collectives");
    }

    @Override
    public void free() {
    }
}

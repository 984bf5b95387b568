package mpi;

/**
 * A graph topology communicator. Not supported: {@link Intracomm#createGraph} throws an
 * {@link MPIException} of class {@link MPI#ERR_UNSUPPORTED_OPERATION}.
 */
public final class GraphComm extends Intracomm {
    private GraphComm() {
        super(null, null);
    }
}

package mpi;

/**
 * An inter-communicator. Not supported: {@link Comm#createIntercomm} and {@link Intracomm#spawn}
 * throw an {@link MPIException} of class {@link MPI#ERR_UNSUPPORTED_OPERATION}.
 */
public final class Intercomm extends Comm {
    private Intercomm() {
        super(null, null);
    }
}

package mpi;

/**
 * A Cartesian topology communicator. Not supported: {@link Intracomm#createCart} throws an
 * {@link MPIException} of class {@link MPI#ERR_UNSUPPORTED_OPERATION}.
 */
public final class CartComm extends Intracomm {
    private CartComm() {
        super(null, null);
    }
}

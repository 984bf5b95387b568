package mpi;

/** The exception for the parts of Open MPI's Java API this implementation does not provide. */
final class Unsupported {
    private Unsupported() {
    }

    static MPIException of(String what, String why) {
        return new MPIException(MPI.ERR_UNSUPPORTED_OPERATION, MPI.ERR_UNSUPPORTED_OPERATION, what
                + " is not supported by fmi-mpi: " + why + ". Supported: point-to-point, collectives (blocking and"
                + " non-blocking), split/dup of intra-communicators; see the README's porting guide");
    }
}

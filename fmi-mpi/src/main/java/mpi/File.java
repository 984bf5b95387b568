package mpi;

/**
 * MPI I/O ({@code MPI_File}). Not supported: the constructor throws an {@link MPIException} of
 * class {@link MPI#ERR_UNSUPPORTED_OPERATION}; functions read and write object storage directly.
 */
public final class File {
    /**
     * {@code MPI_FILE_OPEN}: not supported.
     *
     * @param comm     the communicator
     * @param filename the file
     * @param amode    the access mode
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public File(Comm comm, String filename, int amode) throws MPIException {
        throw Unsupported.of("MPI I/O (File)", "functions have no shared file system; read and write S3 directly");
    }
}

package mpi;

/**
 * What a receive, probe or completed request learnt ({@code MPI_Status}): the message's source and
 * tag, its size (read with {@link #getCount(Datatype)}), an error code, whether the operation was
 * cancelled, and its index in the array of a {@code waitAny}/{@code testAny}/{@code waitSome}.
 */
public final class Status {
    private final int source;
    private final int tag;
    private final int error;
    private final boolean cancelled;
    private final long bytes;
    private final int index;

    Status(int source, int tag, int error, boolean cancelled, long bytes, int index) {
        this.source = source;
        this.tag = tag;
        this.error = error;
        this.cancelled = cancelled;
        this.bytes = bytes;
        this.index = index;
    }

    /** The status of a request that was null or inactive, and of a receive from {@code PROC_NULL}. */
    static Status empty(int index) {
        return new Status(MPI.ANY_SOURCE, MPI.ANY_TAG, MPI.SUCCESS, false, 0, index);
    }

    Status withIndex(int i) {
        return new Status(source, tag, error, cancelled, bytes, i);
    }

    /**
     * The number of whole items of {@code datatype} the message holds ({@code MPI_GET_COUNT}).
     *
     * @param datatype the datatype received with
     * @return the item count, or {@link MPI#UNDEFINED} if the message is not a whole number of items
     * @throws MPIException if MPI is not initialized
     */
    public int getCount(Datatype datatype) throws MPIException {
        MPI.check();
        int item = datatype.itemBytes();
        if (item == 0) {
            return bytes == 0 ? 0 : MPI.UNDEFINED;
        }
        return bytes % item == 0 ? (int) (bytes / item) : MPI.UNDEFINED;
    }

    /**
     * The number of base elements of {@code datatype} the message holds ({@code MPI_GET_ELEMENTS}).
     *
     * @param datatype the datatype received with
     * @return the element count, or {@link MPI#UNDEFINED} if the message is not a whole number of them
     * @throws MPIException if MPI is not initialized
     */
    public int getElements(Datatype datatype) throws MPIException {
        MPI.check();
        return bytes % datatype.baseSize == 0 ? (int) (bytes / datatype.baseSize) : MPI.UNDEFINED;
    }

    /**
     * Whether the operation was cancelled ({@code MPI_TEST_CANCELLED}).
     *
     * @return whether it was cancelled before a message matched it
     * @throws MPIException if MPI is not initialized
     */
    public boolean isCancelled() throws MPIException {
        MPI.check();
        return cancelled;
    }

    /**
     * The message's source ({@code MPI_SOURCE}).
     *
     * @return the sender's rank in the communicator
     */
    public int getSource() {
        return source;
    }

    /**
     * The message's tag ({@code MPI_TAG}).
     *
     * @return the tag
     */
    public int getTag() {
        return tag;
    }

    /**
     * The error code ({@code MPI_ERROR}); {@link MPI#SUCCESS} for a completed operation.
     *
     * @return the error code
     */
    public int getError() {
        return error;
    }

    /**
     * The index of the request in the array given to {@code waitAny}, {@code testAny},
     * {@code waitSome} or {@code testSome}; -1 otherwise.
     *
     * @return the index
     */
    public int getIndex() {
        return index;
    }

    @Override
    public String toString() {
        return "Status[source=" + source + ", tag=" + tag + ", bytes=" + bytes + (cancelled ? ", cancelled" : "")
                + (index >= 0 ? ", index=" + index : "") + "]";
    }
}

package mpi;

import io.fmi.Communicator;

/**
 * An intra-communicator: {@link Comm} plus the prefix reductions and {@link #split}. Every
 * communicator here is one (inter-communicators are not supported).
 */
public class Intracomm extends Comm {
    Intracomm() {
        super();
    }

    Intracomm(Communicator fmi, int[] members) {
        super(fmi, members);
    }

    /**
     * A copy with the same group and its own traffic ({@code MPI_COMM_DUP}); collective.
     *
     * @return the copy
     * @throws MPIException if the communicator was freed or the agreement failed
     */
    @Override
    public Intracomm dup() throws MPIException {
        return run("dup", c -> new Intracomm(c.dup(), members));
    }

    /**
     * {@link #dup()} with unchecked exceptions.
     *
     * @return the copy
     */
    @Override
    public Intracomm clone() {
        try {
            return dup();
        } catch (MPIException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Splits into one communicator per colour ({@code MPI_COMM_SPLIT}); collective. Ranks in a new
     * communicator are ordered by {@code key}, then by their rank here.
     *
     * @param colour the group to join, or {@link MPI#UNDEFINED} to join none
     * @param key    the order within it
     * @return the new communicator, or null for {@code UNDEFINED} ({@code MPI_COMM_NULL})
     * @throws MPIException if the colour is negative (other than {@code UNDEFINED}) or the agreement failed
     */
    public final Intracomm split(int colour, int key) throws MPIException {
        String op = "split";
        return run(op, c -> {
            if (colour < 0 && colour != MPI.UNDEFINED) {
                throw new MPIException(MPI.ERR_ARG, MPI.ERR_ARG, op + ": colour " + colour + " is negative; use 0 or"
                        + " more, or MPI.UNDEFINED to join no new communicator");
            }
            Communicator sub = c.split(colour, key);
            if (sub == null) {
                return null;
            }
            int[] world = new int[sub.size()];
            sub.allgather(new int[] {members[c.rank()]}, world);
            return new Intracomm(sub, world);
        });
    }

    /**
     * {@code MPI_CART_CREATE}: not supported.
     *
     * @param dims    the grid's dimensions
     * @param periods whether each dimension wraps
     * @param reorder whether ranks may be reordered
     * @return never
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public final CartComm createCart(int[] dims, boolean[] periods, boolean reorder) throws MPIException {
        throw fail("createCart", Unsupported.of("process topologies (createCart)",
                "compute neighbours' ranks from getRank() and getSize()"));
    }

    /**
     * {@code MPI_GRAPH_CREATE}: not supported.
     *
     * @param index   the graph's index array
     * @param edges   its edges
     * @param reorder whether ranks may be reordered
     * @return never
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public final GraphComm createGraph(int[] index, int[] edges, boolean reorder) throws MPIException {
        throw fail("createGraph", Unsupported.of("process topologies (createGraph)",
                "compute neighbours' ranks from getRank() and getSize()"));
    }

    /**
     * {@code MPI_COMM_SPAWN}: not supported.
     *
     * @param command  the program
     * @param argv     its arguments
     * @param maxprocs how many
     * @param info     hints
     * @param root     the rank whose arguments count
     * @param errcodes one code per process
     * @return never
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public final Intercomm spawn(String command, String[] argv, int maxprocs, Info info, int root, int[] errcodes)
            throws MPIException {
        throw fail("spawn", Unsupported.of("dynamic processes (spawn)",
                "start every rank up front with fmirun -np N (or fmirun --lambda)"));
    }

    /**
     * Inclusive prefix reduction ({@code MPI_SCAN}): rank {@code r} gets the combination of ranks 0..r.
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void scan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        collective("scan", reduceCall("scan", Reduction.SCAN, require(sendbuf), recvbuf, count, type, op, 0));
    }

    /**
     * In-place {@link #scan}.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @throws MPIException as {@link #scan}
     */
    public final void scan(Object buf, int count, Datatype type, Op op) throws MPIException {
        collective("scan", reduceCall("scan", Reduction.SCAN, null, buf, count, type, op, 0));
    }

    /**
     * Non-blocking {@link #scan} ({@code MPI_ISCAN}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScan(java.nio.Buffer sendbuf, java.nio.Buffer recvbuf, int count, Datatype type, Op op)
            throws MPIException {
        return icollective("iScan", reduceCall("iScan", Reduction.SCAN, require(sendbuf), recvbuf, count, type, op,
                0));
    }

    /**
     * Non-blocking in-place {@link #scan(Object, int, Datatype, Op)}.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScan(java.nio.Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return icollective("iScan", reduceCall("iScan", Reduction.SCAN, null, buf, count, type, op, 0));
    }

    /**
     * Exclusive prefix reduction ({@code MPI_EXSCAN}): rank {@code r > 0} gets the combination of
     * ranks 0..r-1; rank 0's receive buffer is left as it is.
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void exScan(Object sendbuf, Object recvbuf, int count, Datatype type, Op op) throws MPIException {
        collective("exScan", reduceCall("exScan", Reduction.EXSCAN, require(sendbuf), recvbuf, count, type, op, 0));
    }

    /**
     * In-place {@link #exScan}.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @throws MPIException as {@link #exScan}
     */
    public final void exScan(Object buf, int count, Datatype type, Op op) throws MPIException {
        collective("exScan", reduceCall("exScan", Reduction.EXSCAN, null, buf, count, type, op, 0));
    }

    /**
     * Non-blocking {@link #exScan} ({@code MPI_IEXSCAN}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iExScan(java.nio.Buffer sendbuf, java.nio.Buffer recvbuf, int count, Datatype type, Op op)
            throws MPIException {
        return icollective("iExScan", reduceCall("iExScan", Reduction.EXSCAN, require(sendbuf), recvbuf, count, type,
                op, 0));
    }

    /**
     * Non-blocking in-place {@link #exScan(Object, int, Datatype, Op)}.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iExScan(java.nio.Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return icollective("iExScan", reduceCall("iExScan", Reduction.EXSCAN, null, buf, count, type, op, 0));
    }
}

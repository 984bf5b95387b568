package mpi;

import io.fmi.Communicator;
import io.fmi.FmiException;
import io.fmi.MessageSizeException;
import java.nio.Buffer;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A communicator ({@code MPI_Comm}): point-to-point messages between its ranks, management
 * ({@code dup}, {@code free}, {@code compare}, {@code abort}, error handlers) and every collective
 * of the MPI standard, blocking and non-blocking. Backed by an FMI {@link Communicator}, so each
 * operation travels over the channel the FMI model picks (Direct TCP between functions, Redis, S3,
 * DynamoDB).
 *
 * <p>Buffers are Java arrays or NIO buffers of the datatype's base type, or any {@code ByteBuffer}
 * (see {@link Datatype}), addressed from their index 0 ({@link MPI#slice} makes a view at an
 * offset). Non-blocking operations take NIO buffers, as in Open MPI; heap buffers are accepted too.
 * Send buffers are read when an operation starts and receive buffers written when it completes
 * ({@code waitFor}/{@code test}).
 *
 * <p>Errors follow the communicator's {@link Errhandler}: {@link MPI#ERRORS_ARE_FATAL} (the default)
 * prints the error and aborts the job; with {@link MPI#ERRORS_RETURN} they are thrown as
 * {@link MPIException}. Every blocking call has the job's deadline; a dead peer is an error, not a
 * hang.
 */
public class Comm implements Freeable {
    Communicator fmi;
    /** The world ranks of this communicator's members in rank order (for {@link #compare}). */
    int[] members;
    private final boolean predefined;
    private Errhandler errhandler;

    /** A predefined communicator ({@code COMM_WORLD}, {@code COMM_SELF}), bound by {@link MPI#Init}. */
    Comm() {
        this.predefined = true;
    }

    Comm(Communicator fmi, int[] members) {
        this.predefined = false;
        this.fmi = fmi;
        this.members = members;
    }

    void bind(Communicator c, int[] worldRanks) {
        this.fmi = c;
        this.members = worldRanks;
        this.errhandler = null;
    }

    // ---- errors ----

    /** One operation's body, given the open core communicator. */
    interface Body<T> {
        T run(Communicator c) throws MPIException;
    }

    final <T> T run(String op, Body<T> body) throws MPIException {
        MPI.check();
        if (fmi == null) {
            throw fail(op, new MPIException(MPI.ERR_COMM, MPI.ERR_COMM, op + ": the communicator was freed"
                    + " (or is MPI.COMM_NULL)"));
        }
        try {
            return body.run(fmi);
        } catch (MPIException | RuntimeException e) {
            throw fail(op, e);
        }
    }

    /**
     * The {@link MPIException} for {@code cause} (its MPI error class from its kind), after the
     * error handler: with {@link MPI#ERRORS_ARE_FATAL} this prints it and ends the process.
     */
    final MPIException fail(String op, Throwable cause) {
        MPIException e = translate(op, cause);
        if (getErrhandlerNoCheck().fatal) {
            MPI.fatal(this, e);
        }
        return e;
    }

    private static MPIException translate(String op, Throwable cause) {
        if (cause instanceof MPIException) {
            return (MPIException) cause;
        }
        if (cause instanceof Kernels.UserFailure && cause.getCause() instanceof MPIException) {
            return (MPIException) cause.getCause();
        }
        int clazz;
        if (cause instanceof MessageSizeException) {
            clazz = MPI.ERR_TRUNCATE;
        } else if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            clazz = MPI.ERR_ARG;
        } else if (cause instanceof FmiException) {
            clazz = MPI.ERR_OTHER;
        } else {
            clazz = MPI.ERR_INTERN;
        }
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new MPIException(clazz, op + ": " + message, cause);
    }

    private Errhandler getErrhandlerNoCheck() {
        Errhandler h = errhandler;
        return h == null ? MPI.ERRORS_ARE_FATAL : h;
    }

    /**
     * Sets the error handler ({@code MPI_COMM_SET_ERRHANDLER}).
     *
     * @param errhandler {@link MPI#ERRORS_RETURN} to get exceptions, {@link MPI#ERRORS_ARE_FATAL} to abort
     * @throws MPIException if MPI is not initialized
     */
    public final void setErrhandler(Errhandler errhandler) throws MPIException {
        MPI.check();
        this.errhandler = errhandler;
    }

    /**
     * The error handler ({@code MPI_COMM_GET_ERRHANDLER}).
     *
     * @return the handler in force
     * @throws MPIException if MPI is not initialized
     */
    public final Errhandler getErrhandler() throws MPIException {
        MPI.check();
        return getErrhandlerNoCheck();
    }

    // ---- argument checks ----

    private static MPIException error(int clazz, String message) {
        return new MPIException(clazz, clazz, message);
    }

    static void checkPeer(String op, Communicator c, String role, int rank, boolean wildcard) throws MPIException {
        if ((wildcard && rank == MPI.ANY_SOURCE) || (rank >= 0 && rank < c.size())) {
            return;
        }
        throw error(MPI.ERR_RANK, op + ": " + role + " rank " + rank + " is not a rank of this communicator (0.."
                + (c.size() - 1) + (wildcard ? ", MPI.ANY_SOURCE" : "") + " or MPI.PROC_NULL)");
    }

    static void checkTag(String op, int tag, boolean wildcard) throws MPIException {
        if (tag >= 0 || (wildcard && tag == MPI.ANY_TAG)) {
            return;
        }
        throw error(MPI.ERR_TAG, op + ": tag " + tag + " is negative; tags are 0.." + Integer.MAX_VALUE
                + (wildcard ? " or MPI.ANY_TAG" : ""));
    }

    static void checkRoot(String op, Communicator c, int root) throws MPIException {
        if (root < 0 || root >= c.size()) {
            throw error(MPI.ERR_ROOT, op + ": root " + root + " is not a rank of this communicator (0.."
                    + (c.size() - 1) + ")");
        }
    }

    private static void sameWire(String op, Datatype a, Datatype b) throws MPIException {
        if (Region.wireKind(a) != Region.wireKind(b)) {
            throw error(MPI.ERR_TYPE, op + ": the send type " + a + " and the receive type " + b + " have different"
                    + " base types; give both sides the same base type");
        }
    }

    private static void sameBytes(String op, long sent, long expected) throws MPIException {
        if (sent != expected) {
            throw error(MPI.ERR_TRUNCATE, op + ": a rank sends " + sent + " bytes but " + expected
                    + " are expected (counts and datatypes must describe the same data on both sides)");
        }
    }

    private static int[] scaled(int[] counts, int factor) {
        if (counts == null) {
            return null;
        }
        int[] out = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i] * factor;
        }
        return out;
    }

    private static int[] checkedCounts(String op, String name, int[] counts, int size) throws MPIException {
        if (counts == null || counts.length < size) {
            throw error(MPI.ERR_COUNT, op + ": " + name + " must have one entry per rank (" + size + "), has "
                    + (counts == null ? "none (null)" : counts.length));
        }
        return counts.length == size ? counts : Arrays.copyOf(counts, size);
    }

    /** Items a v-collective's buffer must hold: the end of its furthest block. */
    private static int span(String op, String name, int[] counts, int[] displs, int size) throws MPIException {
        int[] d = checkedCounts(op, name.replace("counts", "displs"), displs, size);
        long end = 0;
        for (int i = 0; i < size; i++) {
            if (counts[i] < 0 || d[i] < 0) {
                throw error(MPI.ERR_COUNT, op + ": " + name + "[" + i + "] = " + counts[i] + " and its displacement "
                        + d[i] + " must not be negative");
            }
            end = Math.max(end, (long) d[i] + counts[i]);
        }
        return Math.toIntExact(end);
    }

    private static Status status(io.fmi.Status s) {
        return new Status(s.source(), s.tag(), MPI.SUCCESS, s.cancelled(), s.bytes(), -1);
    }

    private static int wireSize(Datatype t) {
        return Region.E_SIZE[Region.wireKind(t)];
    }

    private static Object copyOf(Object wire) {
        int n = java.lang.reflect.Array.getLength(wire);
        Object copy = java.lang.reflect.Array.newInstance(wire.getClass().getComponentType(), n);
        System.arraycopy(wire, 0, copy, 0, n);
        return copy;
    }

    // ---- size, rank, management ----

    /**
     * The number of ranks ({@code MPI_COMM_SIZE}).
     *
     * @return the size
     * @throws MPIException if the communicator was freed
     */
    public final int getSize() throws MPIException {
        return run("getSize", Communicator::size);
    }

    /**
     * This process's rank ({@code MPI_COMM_RANK}).
     *
     * @return the rank, 0..size-1
     * @throws MPIException if the communicator was freed
     */
    public final int getRank() throws MPIException {
        return run("getRank", Communicator::rank);
    }

    /**
     * A copy with the same group and its own traffic ({@code MPI_COMM_DUP}); collective.
     *
     * @return the copy
     * @throws MPIException if the communicator was freed or the agreement failed
     */
    public Comm dup() throws MPIException {
        return run("dup", c -> new Comm(c.dup(), members));
    }

    /**
     * {@link #dup()} that throws unchecked exceptions (Java's {@code clone}).
     *
     * @return the copy
     */
    @Override
    public Comm clone() {
        try {
            return dup();
        } catch (MPIException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Releases the communicator ({@code MPI_COMM_FREE}); afterwards {@link #isNull()} is true.
     *
     * @throws MPIException of class {@link MPI#ERR_COMM} for {@code COMM_WORLD}/{@code COMM_SELF}
     */
    @Override
    public void free() throws MPIException {
        run("free", c -> {
            if (predefined) {
                throw error(MPI.ERR_COMM, "free: MPI.COMM_WORLD and MPI.COMM_SELF cannot be freed (MPI.Finalize"
                        + " releases them)");
            }
            c.free();
            fmi = null;
            return null;
        });
    }

    /**
     * Whether the communicator was freed ({@code MPI_COMM_NULL}).
     *
     * @return whether it is null
     */
    public final boolean isNull() {
        return fmi == null;
    }

    /**
     * Compares two communicators ({@code MPI_COMM_COMPARE}).
     *
     * @param comm1 one
     * @param comm2 the other
     * @return {@link MPI#IDENT} (the same object), {@link MPI#CONGRUENT} (same ranks in the same
     *         order, different traffic), {@link MPI#SIMILAR} (same processes, other order) or
     *         {@link MPI#UNEQUAL}
     * @throws MPIException if MPI is not initialized
     */
    public static int compare(Comm comm1, Comm comm2) throws MPIException {
        MPI.check();
        if (comm1 == comm2) {
            return MPI.IDENT;
        }
        if (comm1.members == null || comm2.members == null) {
            return MPI.UNEQUAL;
        }
        if (Arrays.equals(comm1.members, comm2.members)) {
            return MPI.CONGRUENT;
        }
        int[] a = comm1.members.clone();
        int[] b = comm2.members.clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b) ? MPI.SIMILAR : MPI.UNEQUAL;
    }

    /**
     * Ends the whole job ({@code MPI_ABORT}): prints who aborted and exits this process with
     * {@code errorcode}; {@code fmirun} then stops the other ranks and exits with the same status.
     *
     * @param errorcode the exit status
     * @throws MPIException if MPI is not initialized
     */
    public final void abort(int errorcode) throws MPIException {
        MPI.check();
        MPI.abort(this, errorcode, MPI.ABORT_INVOKED);
    }

    /**
     * {@code MPI_COMM_GROUP}: not supported (groups are not part of this implementation).
     *
     * @return never
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public final Group getGroup() throws MPIException {
        throw fail("getGroup", Unsupported.of("process groups (getGroup)", "make sub-communicators with split"));
    }

    /**
     * {@code MPI_INTERCOMM_CREATE}: not supported.
     *
     * @param localComm    the local communicator
     * @param localLeader  its leader
     * @param remoteLeader the remote leader's rank here
     * @param tag          a safe tag
     * @return never
     * @throws MPIException always, of class {@link MPI#ERR_UNSUPPORTED_OPERATION}
     */
    public final Intercomm createIntercomm(Comm localComm, int localLeader, int remoteLeader, int tag)
            throws MPIException {
        throw fail("createIntercomm", Unsupported.of("inter-communicators (createIntercomm)",
                "use split to make intra-communicators and send between them through a common parent"));
    }

    /**
     * Whether this is an inter-communicator ({@code MPI_COMM_TEST_INTER}).
     *
     * @return false: every communicator here is an intra-communicator
     * @throws MPIException if MPI is not initialized
     */
    public final boolean isInter() throws MPIException {
        MPI.check();
        return false;
    }

    // ---- point to point ----

    /**
     * Blocking send ({@code MPI_SEND}).
     *
     * @param buf   the data
     * @param count items to send
     * @param type  their datatype
     * @param dest  the receiver's rank, or {@link MPI#PROC_NULL} (then nothing happens)
     * @param tag   the tag, 0 or more
     * @throws MPIException if the arguments are wrong or the send fails
     */
    public final void send(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        send("send", buf, count, type, dest, tag);
    }

    private void send(String op, Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        run(op, c -> {
            Region r = Region.of(op, "send", buf, count, type);
            if (dest == MPI.PROC_NULL) {
                return null;
            }
            checkPeer(op, c, "destination", dest, false);
            checkTag(op, tag, false);
            Core.send(c, Region.wireKind(type), r.read(), dest, tag);
            return null;
        });
    }

    /**
     * Buffered-mode send ({@code MPI_BSEND}); the same as {@link #send} here (sends never wait for
     * an attached buffer: small messages are always buffered by the channel).
     *
     * @param buf   the data
     * @param count items to send
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @throws MPIException as {@link #send}
     */
    public final void bSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        send("bSend", buf, count, type, dest, tag);
    }

    /**
     * Synchronous-mode send ({@code MPI_SSEND}); behaves as {@link #send} here: it may return before
     * the receiver has started to receive.
     *
     * @param buf   the data
     * @param count items to send
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @throws MPIException as {@link #send}
     */
    public final void sSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        send("sSend", buf, count, type, dest, tag);
    }

    /**
     * Ready-mode send ({@code MPI_RSEND}); the same as {@link #send} here.
     *
     * @param buf   the data
     * @param count items to send
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @throws MPIException as {@link #send}
     */
    public final void rSend(Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        send("rSend", buf, count, type, dest, tag);
    }

    /**
     * Blocking receive ({@code MPI_RECV}). A shorter message is accepted (see
     * {@link Status#getCount}); a longer one is an {@link MPIException} of class
     * {@link MPI#ERR_TRUNCATE}, and the buffer is not written.
     *
     * @param buf    where the data goes
     * @param count  items the buffer can take
     * @param type   their datatype
     * @param source the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param tag    the tag or {@link MPI#ANY_TAG}
     * @return the status: source, tag, size
     * @throws MPIException if the arguments are wrong or the receive fails
     */
    public final Status recv(Object buf, int count, Datatype type, int source, int tag) throws MPIException {
        String op = "recv";
        return run(op, c -> {
            Region r = Region.of(op, "receive", buf, count, type);
            if (source == MPI.PROC_NULL) {
                return Status.empty(-1);
            }
            checkPeer(op, c, "source", source, true);
            checkTag(op, tag, true);
            Object wire = r.scratch();
            io.fmi.Status s = Core.recv(c, Region.wireKind(type), wire, source, tag);
            r.write(wire, 0, 0, s.bytes() / wireSize(type));
            return status(s);
        });
    }

    /**
     * Sends and receives at once ({@code MPI_SENDRECV}); no deadlock when two ranks exchange.
     *
     * @param sendbuf   the data to send
     * @param sendcount items to send
     * @param sendtype  their datatype
     * @param dest      the receiver's rank or {@link MPI#PROC_NULL}
     * @param sendtag   the send's tag
     * @param recvbuf   where the received data goes
     * @param recvcount items it can take
     * @param recvtype  their datatype
     * @param source    the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param recvtag   the receive's tag or {@link MPI#ANY_TAG}
     * @return the receive's status
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final Status sendRecv(Object sendbuf, int sendcount, Datatype sendtype, int dest, int sendtag,
                                 Object recvbuf, int recvcount, Datatype recvtype, int source, int recvtag)
            throws MPIException {
        String op = "sendRecv";
        return run(op, c -> {
            Region s = Region.of(op, "send", sendbuf, sendcount, sendtype);
            Region r = Region.of(op, "receive", recvbuf, recvcount, recvtype);
            return exchange(op, c, s, s.read(), dest, sendtag, r, source, recvtag);
        });
    }

    /**
     * Sends a buffer and receives into it ({@code MPI_SENDRECV_REPLACE}).
     *
     * @param buf     the data to send, overwritten by the received data
     * @param count   items
     * @param type    their datatype
     * @param dest    the receiver's rank or {@link MPI#PROC_NULL}
     * @param sendtag the send's tag
     * @param source  the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param recvtag the receive's tag or {@link MPI#ANY_TAG}
     * @return the receive's status
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final Status sendRecvReplace(Object buf, int count, Datatype type, int dest, int sendtag, int source,
                                        int recvtag) throws MPIException {
        String op = "sendRecvReplace";
        return run(op, c -> {
            Region r = Region.of(op, "send/receive", buf, count, type);
            Object out = r.read();
            return exchange(op, c, r, out == buf ? copyOf(out) : out, dest, sendtag, r, source, recvtag);
        });
    }

    private Status exchange(String op, Communicator c, Region s, Object out, int dest, int sendtag, Region r,
                            int source, int recvtag) throws MPIException {
        if (dest != MPI.PROC_NULL) {
            checkPeer(op, c, "destination", dest, false);
            checkTag(op, sendtag, false);
        }
        if (source != MPI.PROC_NULL) {
            checkPeer(op, c, "source", source, true);
            checkTag(op, recvtag, true);
        }
        int sk = Region.wireKind(s.type);
        int rk = Region.wireKind(r.type);
        if (source == MPI.PROC_NULL) {
            if (dest != MPI.PROC_NULL) {
                Core.send(c, sk, out, dest, sendtag);
            }
            return Status.empty(-1);
        }
        Object in = r.scratch();
        io.fmi.Status st;
        if (dest == MPI.PROC_NULL) {
            st = Core.recv(c, rk, in, source, recvtag);
        } else if (sk == rk) {
            st = Core.sendrecv(c, sk, out, dest, sendtag, in, source, recvtag);
        } else {
            io.fmi.Request sent = Core.isend(c, sk, out, dest, sendtag);
            st = Core.recv(c, rk, in, source, recvtag);
            sent.waitFor();
        }
        r.write(in, 0, 0, st.bytes() / wireSize(r.type));
        return status(st);
    }

    /**
     * Waits for a matching message without receiving it ({@code MPI_PROBE}).
     *
     * @param source the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param tag    the tag or {@link MPI#ANY_TAG}
     * @return the message's status (source, tag, size)
     * @throws MPIException if the arguments are wrong or the deadline passes
     */
    public final Status probe(int source, int tag) throws MPIException {
        String op = "probe";
        return run(op, c -> {
            if (source == MPI.PROC_NULL) {
                return Status.empty(-1);
            }
            checkPeer(op, c, "source", source, true);
            checkTag(op, tag, true);
            return status(c.probe(source, tag));
        });
    }

    /**
     * Checks for a matching message without waiting ({@code MPI_IPROBE}).
     *
     * @param source the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param tag    the tag or {@link MPI#ANY_TAG}
     * @return its status, or null if none has arrived
     * @throws MPIException if the arguments are wrong
     */
    public final Status iProbe(int source, int tag) throws MPIException {
        String op = "iProbe";
        return run(op, c -> {
            if (source == MPI.PROC_NULL) {
                return Status.empty(-1);
            }
            checkPeer(op, c, "source", source, true);
            checkTag(op, tag, true);
            return c.iprobe(source, tag).map(Comm::status).orElse(null);
        });
    }

    /**
     * Starts a send ({@code MPI_ISEND}); the buffer is read now.
     *
     * @param buf   the data (a direct or heap NIO buffer)
     * @param count items to send
     * @param type  their datatype
     * @param dest  the receiver's rank or {@link MPI#PROC_NULL}
     * @param tag   the tag
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSend("iSend", buf, count, type, dest, tag);
    }

    private Request iSend(String op, Object buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return run(op, c -> {
            Region r = Region.of(op, "send", buf, count, type);
            if (dest == MPI.PROC_NULL) {
                return new Request(this, op, null, null);
            }
            checkPeer(op, c, "destination", dest, false);
            checkTag(op, tag, false);
            io.fmi.Request q = Core.isend(c, Region.wireKind(type), r.read(), dest, tag);
            return new Request(this, op, q, s -> Status.empty(-1));
        });
    }

    /**
     * Buffered-mode {@link #iSend} ({@code MPI_IBSEND}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the request
     * @throws MPIException as {@link #iSend}
     */
    public final Request ibSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSend("ibSend", buf, count, type, dest, tag);
    }

    /**
     * Synchronous-mode {@link #iSend} ({@code MPI_ISSEND}); behaves as {@code iSend}.
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the request
     * @throws MPIException as {@link #iSend}
     */
    public final Request isSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSend("isSend", buf, count, type, dest, tag);
    }

    /**
     * Ready-mode {@link #iSend} ({@code MPI_IRSEND}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the request
     * @throws MPIException as {@link #iSend}
     */
    public final Request irSend(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return iSend("irSend", buf, count, type, dest, tag);
    }

    /**
     * Starts a receive ({@code MPI_IRECV}); the buffer is written when the request completes.
     *
     * @param buf    where the data goes (a direct or heap NIO buffer)
     * @param count  items it can take
     * @param type   their datatype
     * @param source the sender's rank, {@link MPI#ANY_SOURCE} or {@link MPI#PROC_NULL}
     * @param tag    the tag or {@link MPI#ANY_TAG}
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iRecv(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        return iRecv("iRecv", buf, count, type, source, tag);
    }

    private Request iRecv(String op, Object buf, int count, Datatype type, int source, int tag)
            throws MPIException {
        return run(op, c -> {
            Region r = Region.of(op, "receive", buf, count, type);
            if (source == MPI.PROC_NULL) {
                return new Request(this, op, null, null);
            }
            checkPeer(op, c, "source", source, true);
            checkTag(op, tag, true);
            Object wire = r.scratch();
            io.fmi.Request q = Core.irecv(c, Region.wireKind(type), wire, source, tag);
            return new Request(this, op, q, s -> {
                if (!s.cancelled()) {
                    r.write(wire, 0, 0, s.bytes() / wireSize(type));
                }
                return status(s);
            });
        });
    }

    /**
     * A persistent send ({@code MPI_SEND_INIT}): each {@link Prequest#start()} sends the buffer's
     * content at that moment.
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the persistent request (inactive until started)
     * @throws MPIException if MPI is not initialized
     */
    public final Prequest sendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent("sendInit", () -> iSend("sendInit", buf, count, type, dest, tag));
    }

    /**
     * {@link #sendInit} in buffered mode ({@code MPI_BSEND_INIT}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the persistent request
     * @throws MPIException if MPI is not initialized
     */
    public final Prequest bSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent("bSendInit", () -> iSend("bSendInit", buf, count, type, dest, tag));
    }

    /**
     * {@link #sendInit} in synchronous mode ({@code MPI_SSEND_INIT}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the persistent request
     * @throws MPIException if MPI is not initialized
     */
    public final Prequest sSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent("sSendInit", () -> iSend("sSendInit", buf, count, type, dest, tag));
    }

    /**
     * {@link #sendInit} in ready mode ({@code MPI_RSEND_INIT}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param dest  the receiver's rank
     * @param tag   the tag
     * @return the persistent request
     * @throws MPIException if MPI is not initialized
     */
    public final Prequest rSendInit(Buffer buf, int count, Datatype type, int dest, int tag) throws MPIException {
        return persistent("rSendInit", () -> iSend("rSendInit", buf, count, type, dest, tag));
    }

    /**
     * A persistent receive ({@code MPI_RECV_INIT}).
     *
     * @param buf    where the data goes
     * @param count  items it can take
     * @param type   their datatype
     * @param source the sender's rank or {@link MPI#ANY_SOURCE}
     * @param tag    the tag or {@link MPI#ANY_TAG}
     * @return the persistent request (inactive until started)
     * @throws MPIException if MPI is not initialized
     */
    public final Prequest recvInit(Buffer buf, int count, Datatype type, int source, int tag) throws MPIException {
        return persistent("recvInit", () -> iRecv("recvInit", buf, count, type, source, tag));
    }

    private Prequest persistent(String op, Prequest.Starter starter) throws MPIException {
        return run(op, c -> new Prequest(this, op, starter));
    }

    // ---- collectives: each is described once as a Call, run blocking or started ----

    /** One collective on the core: blocking, non-blocking, and what to write back afterwards. */
    static final class Call {
        final Runnable blocking;
        final Supplier<io.fmi.Request> start;
        final Runnable after;

        Call(Runnable blocking, Supplier<io.fmi.Request> start, Runnable after) {
            this.blocking = blocking;
            this.start = start;
            this.after = after;
        }
    }

    /** Makes the {@link Call} of one collective, checking its arguments. */
    interface CallMaker {
        Call make(Communicator c) throws MPIException;
    }

    final void collective(String op, CallMaker maker) throws MPIException {
        run(op, c -> {
            Call call = maker.make(c);
            call.blocking.run();
            if (call.after != null) {
                call.after.run();
            }
            return null;
        });
    }

    final Request icollective(String op, CallMaker maker) throws MPIException {
        return run(op, c -> {
            Call call = maker.make(c);
            io.fmi.Request q = call.start.get();
            return new Request(this, op, q, s -> {
                if (call.after != null) {
                    call.after.run();
                }
                return Status.empty(-1);
            });
        });
    }

    /**
     * Waits until every rank has called it ({@code MPI_BARRIER}).
     *
     * @throws MPIException if a rank fails or the deadline passes
     */
    public final void barrier() throws MPIException {
        run("barrier", c -> {
            c.barrier();
            return null;
        });
    }

    /**
     * Non-blocking {@link #barrier()} ({@code MPI_IBARRIER}).
     *
     * @return the request
     * @throws MPIException if the communicator was freed
     */
    public final Request iBarrier() throws MPIException {
        return run("iBarrier", c -> new Request(this, "iBarrier", c.ibarrier(), s -> Status.empty(-1)));
    }

    // bcast

    private static CallMaker bcastCall(String op, Object buf, int count, Datatype type, int root) {
        return c -> {
            checkRoot(op, c, root);
            Region r = Region.of(op, "buffer", buf, count, type);
            boolean isRoot = c.rank() == root;
            Object w = isRoot ? r.read() : r.scratch();
            int k = Region.wireKind(type);
            return new Call(() -> Core.bcast(c, k, w, root), () -> Core.ibcast(c, k, w, root),
                    isRoot ? null : () -> r.write(w));
        };
    }

    /**
     * Sends the root's buffer to every rank ({@code MPI_BCAST}).
     *
     * @param buf   the data on the root, where it goes elsewhere
     * @param count items
     * @param type  their datatype
     * @param root  the sending rank
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void bcast(Object buf, int count, Datatype type, int root) throws MPIException {
        collective("bcast", bcastCall("bcast", buf, count, type, root));
    }

    /**
     * Non-blocking {@link #bcast} ({@code MPI_IBCAST}).
     *
     * @param buf   the data
     * @param count items
     * @param type  their datatype
     * @param root  the sending rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iBcast(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return icollective("iBcast", bcastCall("iBcast", buf, count, type, root));
    }

    // gather

    private static CallMaker gatherCall(String op, boolean inPlace, Object sendbuf, int sendcount, Datatype sendtype,
                                        Object recvbuf, int recvcount, Datatype recvtype, int root) {
        return c -> {
            checkRoot(op, c, root);
            boolean isRoot = c.rank() == root;
            int k = Region.wireKind(inPlace ? recvtype : sendtype);
            Object in;
            Object out = null;
            Region r = null;
            if (isRoot) {
                r = Region.of(op, "receive", recvbuf, Math.multiplyExact(recvcount, c.size()), recvtype);
                if (inPlace) {
                    in = r.read(root * recvcount, recvcount);
                } else {
                    sameWire(op, sendtype, recvtype);
                    Region s = Region.of(op, "send", sendbuf, sendcount, sendtype);
                    sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) recvcount * recvtype.itemBytes());
                    in = s.read();
                }
                out = r.scratch();
            } else {
                in = Region.of(op, "send", sendbuf, sendcount, sendtype).read();
            }
            Object o = out;
            Region region = r;
            return new Call(() -> Core.gather(c, k, in, o, root), () -> Core.igather(c, k, in, o, root),
                    isRoot ? () -> region.write(o) : null);
        };
    }

    /**
     * Collects every rank's items on the root, in rank order ({@code MPI_GATHER}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   on the root: room for {@code size * recvcount} items
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @param root      the collecting rank
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void gather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                             Datatype recvtype, int root) throws MPIException {
        collective("gather", gatherCall("gather", false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                recvtype, root));
    }

    /**
     * {@link #gather} in place ({@code MPI_IN_PLACE}): on the root {@code buf} holds
     * {@code size * count} items with its own at block {@code root}; elsewhere it is the send buffer.
     *
     * @param buf   see above
     * @param count items per rank
     * @param type  their datatype
     * @param root  the collecting rank
     * @throws MPIException as {@link #gather}
     */
    public final void gather(Object buf, int count, Datatype type, int root) throws MPIException {
        collective("gather", gatherCall("gather", true, buf, count, type, buf, count, type, root));
    }

    /**
     * Non-blocking {@link #gather} ({@code MPI_IGATHER}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   on the root: room for every rank's items
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @param root      the collecting rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                 Datatype recvtype, int root) throws MPIException {
        return icollective("iGather", gatherCall("iGather", false, sendbuf, sendcount, sendtype, recvbuf,
                recvcount, recvtype, root));
    }

    /**
     * Non-blocking in-place {@link #gather(Object, int, Datatype, int)}.
     *
     * @param buf   see the blocking form
     * @param count items per rank
     * @param type  their datatype
     * @param root  the collecting rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iGather(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return icollective("iGather", gatherCall("iGather", true, buf, count, type, buf, count, type, root));
    }

    // gatherv

    private static CallMaker gathervCall(String op, boolean rootInPlace, Object sendbuf, int sendcount,
                                         Datatype sendtype, Object recvbuf, int[] recvcount, int[] displs,
                                         Datatype recvtype, int root) {
        return c -> {
            checkRoot(op, c, root);
            boolean isRoot = c.rank() == root;
            if (!isRoot) {
                Object in = Region.of(op, "send", sendbuf, sendcount, sendtype).read();
                int k = Region.wireKind(sendtype);
                return new Call(() -> Core.gatherv(c, k, in, null, null, null, root),
                        () -> Core.igatherv(c, k, in, null, null, null, root), null);
            }
            int size = c.size();
            int[] counts = checkedCounts(op, "recvcount", recvcount, size);
            Region r = Region.of(op, "receive", recvbuf, span(op, "recvcount", counts, displs, size), recvtype);
            int k = Region.wireKind(recvtype);
            int wpi = Region.wirePerItem(recvtype);
            int[] wc = scaled(counts, wpi);
            int[] wd = scaled(checkedCounts(op, "displs", displs, size), wpi);
            Object out = r.read();
            Object in;
            if (rootInPlace) {
                in = out;
            } else {
                sameWire(op, sendtype, recvtype);
                sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) counts[root] * recvtype.itemBytes());
                in = Region.of(op, "send", sendbuf, sendcount, sendtype).read();
            }
            return new Call(() -> Core.gatherv(c, k, in, out, wc, wd, root),
                    () -> Core.igatherv(c, k, in, out, wc, wd, root), () -> r.write(out));
        };
    }

    /**
     * Collects a different number of items from each rank on the root ({@code MPI_GATHERV}); items of
     * the receive buffer outside the blocks are left as they are.
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   on the root: the receive buffer
     * @param recvcount on the root: items from each rank
     * @param displs    on the root: where each rank's items go (in items)
     * @param recvtype  their datatype
     * @param root      the collecting rank
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int[] recvcount,
                              int[] displs, Datatype recvtype, int root) throws MPIException {
        collective("gatherv", gathervCall("gatherv", false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                displs, recvtype, root));
    }

    /**
     * In-place {@link #gatherv} on the root: its own items are already at {@code displs[root]}.
     *
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param displs    where each rank's items go
     * @param recvtype  their datatype
     * @param root      this rank, the root
     * @throws MPIException as {@link #gatherv}
     */
    public final void gatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root)
            throws MPIException {
        collective("gatherv", gathervCall("gatherv", true, null, 0, recvtype, recvbuf, recvcount, displs, recvtype,
                root));
    }

    /**
     * In-place {@link #gatherv} on a rank other than the root: only its send buffer.
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param root      the collecting rank
     * @throws MPIException as {@link #gatherv}
     */
    public final void gatherv(Object sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        collective("gatherv", gathervCall("gatherv", false, sendbuf, sendcount, sendtype, null, null, null,
                sendtype, root));
    }

    /**
     * Non-blocking {@link #gatherv} ({@code MPI_IGATHERV}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   on the root: the receive buffer
     * @param recvcount on the root: items from each rank
     * @param displs    on the root: where each rank's items go
     * @param recvtype  their datatype
     * @param root      the collecting rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf,
                                  int[] recvcount, int[] displs, Datatype recvtype, int root) throws MPIException {
        return icollective("iGatherv", gathervCall("iGatherv", false, sendbuf, sendcount, sendtype, recvbuf,
                recvcount, displs, recvtype, root));
    }

    /**
     * Non-blocking in-place {@link #gatherv} on the root.
     *
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param displs    where each rank's items go
     * @param recvtype  their datatype
     * @param root      this rank, the root
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iGatherv(Buffer recvbuf, int[] recvcount, int[] displs, Datatype recvtype, int root)
            throws MPIException {
        return icollective("iGatherv", gathervCall("iGatherv", true, null, 0, recvtype, recvbuf, recvcount, displs,
                recvtype, root));
    }

    /**
     * Non-blocking in-place {@link #gatherv} on a rank other than the root.
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param root      the collecting rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, int root) throws MPIException {
        return icollective("iGatherv", gathervCall("iGatherv", false, sendbuf, sendcount, sendtype, null, null,
                null, sendtype, root));
    }

    // scatter

    private static CallMaker scatterCall(String op, boolean inPlace, Object sendbuf, int sendcount,
                                         Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype,
                                         int root) {
        return c -> {
            checkRoot(op, c, root);
            boolean isRoot = c.rank() == root;
            int k = Region.wireKind(isRoot ? sendtype : recvtype);
            Object in = null;
            Object out;
            Region r = null;
            if (isRoot) {
                Region s = Region.of(op, "send", sendbuf, Math.multiplyExact(sendcount, c.size()), sendtype);
                in = s.read();
                if (inPlace) {
                    out = Region.newWire(sendtype, sendcount * Region.wirePerItem(sendtype));
                } else {
                    sameWire(op, sendtype, recvtype);
                    sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) recvcount * recvtype.itemBytes());
                    r = Region.of(op, "receive", recvbuf, recvcount, recvtype);
                    out = r.scratch();
                }
            } else {
                r = Region.of(op, "receive", recvbuf, recvcount, recvtype);
                out = r.scratch();
            }
            Object i = in;
            Region region = r;
            return new Call(() -> Core.scatter(c, k, i, out, root), () -> Core.iscatter(c, k, i, out, root),
                    region == null ? null : () -> region.write(out));
        };
    }

    /**
     * Sends block {@code i} of the root's buffer to rank {@code i} ({@code MPI_SCATTER}).
     *
     * @param sendbuf   on the root: {@code size * sendcount} items
     * @param sendcount items per rank
     * @param sendtype  their datatype
     * @param recvbuf   this rank's block
     * @param recvcount its items
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void scatter(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                              Datatype recvtype, int root) throws MPIException {
        collective("scatter", scatterCall("scatter", false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                recvtype, root));
    }

    /**
     * {@link #scatter} in place: the root sends from {@code buf} ({@code size * count} items, its own
     * block stays where it is); the other ranks receive into it.
     *
     * @param buf   see above
     * @param count items per rank
     * @param type  their datatype
     * @param root  the sending rank
     * @throws MPIException as {@link #scatter}
     */
    public final void scatter(Object buf, int count, Datatype type, int root) throws MPIException {
        collective("scatter", scatterCall("scatter", true, buf, count, type, buf, count, type, root));
    }

    /**
     * Non-blocking {@link #scatter} ({@code MPI_ISCATTER}).
     *
     * @param sendbuf   on the root: every rank's block
     * @param sendcount items per rank
     * @param sendtype  their datatype
     * @param recvbuf   this rank's block
     * @param recvcount its items
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScatter(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                  Datatype recvtype, int root) throws MPIException {
        return icollective("iScatter", scatterCall("iScatter", false, sendbuf, sendcount, sendtype, recvbuf,
                recvcount, recvtype, root));
    }

    /**
     * Non-blocking in-place {@link #scatter(Object, int, Datatype, int)}.
     *
     * @param buf   see the blocking form
     * @param count items per rank
     * @param type  their datatype
     * @param root  the sending rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScatter(Buffer buf, int count, Datatype type, int root) throws MPIException {
        return icollective("iScatter", scatterCall("iScatter", true, buf, count, type, buf, count, type, root));
    }

    // scatterv

    private static CallMaker scattervCall(String op, boolean rootInPlace, Object sendbuf, int[] sendcount,
                                          int[] displs, Datatype sendtype, Object recvbuf, int recvcount,
                                          Datatype recvtype, int root) {
        return c -> {
            checkRoot(op, c, root);
            if (c.rank() != root) {
                Region r = Region.of(op, "receive", recvbuf, recvcount, recvtype);
                Object out = r.scratch();
                int k = Region.wireKind(recvtype);
                return new Call(() -> Core.scatterv(c, k, null, null, null, out, root),
                        () -> Core.iscatterv(c, k, null, null, null, out, root), () -> r.write(out));
            }
            int size = c.size();
            int[] counts = checkedCounts(op, "sendcount", sendcount, size);
            Region s = Region.of(op, "send", sendbuf, span(op, "sendcount", counts, displs, size), sendtype);
            int k = Region.wireKind(sendtype);
            int wpi = Region.wirePerItem(sendtype);
            int[] wc = scaled(counts, wpi);
            int[] wd = scaled(checkedCounts(op, "displs", displs, size), wpi);
            Object in = s.read();
            if (rootInPlace) {
                return new Call(() -> Core.scatterv(c, k, in, wc, wd, in, root),
                        () -> Core.iscatterv(c, k, in, wc, wd, in, root), null);
            }
            sameWire(op, sendtype, recvtype);
            sameBytes(op, (long) counts[root] * sendtype.itemBytes(), (long) recvcount * recvtype.itemBytes());
            Region r = Region.of(op, "receive", recvbuf, recvcount, recvtype);
            Object out = r.scratch();
            return new Call(() -> Core.scatterv(c, k, in, wc, wd, out, root),
                    () -> Core.iscatterv(c, k, in, wc, wd, out, root), () -> r.write(out));
        };
    }

    /**
     * Sends a different number of items to each rank ({@code MPI_SCATTERV}).
     *
     * @param sendbuf   on the root: the send buffer
     * @param sendcount on the root: items for each rank
     * @param displs    on the root: where each rank's items start (in items)
     * @param sendtype  their datatype
     * @param recvbuf   this rank's items
     * @param recvcount how many
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype, Object recvbuf,
                               int recvcount, Datatype recvtype, int root) throws MPIException {
        collective("scatterv", scattervCall("scatterv", false, sendbuf, sendcount, displs, sendtype, recvbuf,
                recvcount, recvtype, root));
    }

    /**
     * In-place {@link #scatterv} on the root: its own block stays in the send buffer.
     *
     * @param sendbuf   the send buffer
     * @param sendcount items for each rank
     * @param displs    where each rank's items start
     * @param sendtype  their datatype
     * @param root      this rank, the root
     * @throws MPIException as {@link #scatterv}
     */
    public final void scatterv(Object sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root)
            throws MPIException {
        collective("scatterv", scattervCall("scatterv", true, sendbuf, sendcount, displs, sendtype, null, 0,
                sendtype, root));
    }

    /**
     * In-place {@link #scatterv} on a rank other than the root: only its receive buffer.
     *
     * @param recvbuf   this rank's items
     * @param recvcount how many
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @throws MPIException as {@link #scatterv}
     */
    public final void scatterv(Object recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        collective("scatterv", scattervCall("scatterv", false, null, null, null, recvtype, recvbuf, recvcount,
                recvtype, root));
    }

    /**
     * Non-blocking {@link #scatterv} ({@code MPI_ISCATTERV}).
     *
     * @param sendbuf   on the root: the send buffer
     * @param sendcount on the root: items for each rank
     * @param displs    on the root: where each rank's items start
     * @param sendtype  their datatype
     * @param recvbuf   this rank's items
     * @param recvcount how many
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype,
                                   Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        return icollective("iScatterv", scattervCall("iScatterv", false, sendbuf, sendcount, displs, sendtype,
                recvbuf, recvcount, recvtype, root));
    }

    /**
     * Non-blocking in-place {@link #scatterv} on the root.
     *
     * @param sendbuf   the send buffer
     * @param sendcount items for each rank
     * @param displs    where each rank's items start
     * @param sendtype  their datatype
     * @param root      this rank, the root
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScatterv(Buffer sendbuf, int[] sendcount, int[] displs, Datatype sendtype, int root)
            throws MPIException {
        return icollective("iScatterv", scattervCall("iScatterv", true, sendbuf, sendcount, displs, sendtype, null,
                0, sendtype, root));
    }

    /**
     * Non-blocking in-place {@link #scatterv} on a rank other than the root.
     *
     * @param recvbuf   this rank's items
     * @param recvcount how many
     * @param recvtype  their datatype
     * @param root      the sending rank
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iScatterv(Buffer recvbuf, int recvcount, Datatype recvtype, int root) throws MPIException {
        return icollective("iScatterv", scattervCall("iScatterv", false, null, null, null, recvtype, recvbuf,
                recvcount, recvtype, root));
    }

    // allGather

    private static CallMaker allGatherCall(String op, boolean inPlace, Object sendbuf, int sendcount,
                                           Datatype sendtype, Object recvbuf, int recvcount, Datatype recvtype) {
        return c -> {
            Region r = Region.of(op, "receive", recvbuf, Math.multiplyExact(recvcount, c.size()), recvtype);
            Object in;
            if (inPlace) {
                in = r.read(c.rank() * recvcount, recvcount);
            } else {
                sameWire(op, sendtype, recvtype);
                sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) recvcount * recvtype.itemBytes());
                in = Region.of(op, "send", sendbuf, sendcount, sendtype).read();
            }
            Object out = r.scratch();
            int k = Region.wireKind(recvtype);
            return new Call(() -> Core.allgather(c, k, in, out), () -> Core.iallgather(c, k, in, out),
                    () -> r.write(out));
        };
    }

    /**
     * {@link #gather} to every rank ({@code MPI_ALLGATHER}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   room for {@code size * recvcount} items
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void allGather(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                                Datatype recvtype) throws MPIException {
        collective("allGather", allGatherCall("allGather", false, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                recvtype));
    }

    /**
     * In-place {@link #allGather}: each rank's own items are already at its block of {@code buf}.
     *
     * @param buf   {@code size * count} items
     * @param count items per rank
     * @param type  their datatype
     * @throws MPIException as {@link #allGather}
     */
    public final void allGather(Object buf, int count, Datatype type) throws MPIException {
        collective("allGather", allGatherCall("allGather", true, null, 0, type, buf, count, type));
    }

    /**
     * Non-blocking {@link #allGather} ({@code MPI_IALLGATHER}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   room for every rank's items
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllGather(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf,
                                    int recvcount, Datatype recvtype) throws MPIException {
        return icollective("iAllGather", allGatherCall("iAllGather", false, sendbuf, sendcount, sendtype, recvbuf,
                recvcount, recvtype));
    }

    /**
     * Non-blocking in-place {@link #allGather(Object, int, Datatype)}.
     *
     * @param buf   every rank's items
     * @param count items per rank
     * @param type  their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllGather(Buffer buf, int count, Datatype type) throws MPIException {
        return icollective("iAllGather", allGatherCall("iAllGather", true, null, 0, type, buf, count, type));
    }

    // allGatherv

    private static CallMaker allGathervCall(String op, boolean inPlace, Object sendbuf, int sendcount,
                                            Datatype sendtype, Object recvbuf, int[] recvcount, int[] displs,
                                            Datatype recvtype) {
        return c -> {
            int size = c.size();
            int[] counts = checkedCounts(op, "recvcount", recvcount, size);
            Region r = Region.of(op, "receive", recvbuf, span(op, "recvcount", counts, displs, size), recvtype);
            int wpi = Region.wirePerItem(recvtype);
            int[] wc = scaled(counts, wpi);
            int[] wd = scaled(checkedCounts(op, "displs", displs, size), wpi);
            Object out = r.read();
            Object in;
            if (inPlace) {
                in = out;
            } else {
                sameWire(op, sendtype, recvtype);
                sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) counts[c.rank()] * recvtype.itemBytes());
                in = Region.of(op, "send", sendbuf, sendcount, sendtype).read();
            }
            int k = Region.wireKind(recvtype);
            return new Call(() -> Core.allgatherv(c, k, in, out, wc, wd), () -> Core.iallgatherv(c, k, in, out, wc, wd),
                    () -> r.write(out));
        };
    }

    /**
     * {@link #gatherv} to every rank ({@code MPI_ALLGATHERV}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param displs    where each rank's items go
     * @param recvtype  their datatype
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void allGatherv(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf,
                                 int[] recvcount, int[] displs, Datatype recvtype) throws MPIException {
        collective("allGatherv", allGathervCall("allGatherv", false, sendbuf, sendcount, sendtype, recvbuf,
                recvcount, displs, recvtype));
    }

    /**
     * In-place {@link #allGatherv}: each rank's items are already at {@code displs[rank]}.
     *
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param displs    where each rank's items go
     * @param recvtype  their datatype
     * @throws MPIException as {@link #allGatherv}
     */
    public final void allGatherv(Object recvbuf, int[] recvcount, int[] displs, Datatype recvtype)
            throws MPIException {
        collective("allGatherv", allGathervCall("allGatherv", true, null, 0, recvtype, recvbuf, recvcount, displs,
                recvtype));
    }

    /**
     * Non-blocking {@link #allGatherv} ({@code MPI_IALLGATHERV}).
     *
     * @param sendbuf   this rank's items
     * @param sendcount how many
     * @param sendtype  their datatype
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param displs    where each rank's items go
     * @param recvtype  their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllGatherv(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf,
                                     int[] recvcount, int[] displs, Datatype recvtype) throws MPIException {
        return icollective("iAllGatherv", allGathervCall("iAllGatherv", false, sendbuf, sendcount, sendtype,
                recvbuf, recvcount, displs, recvtype));
    }

    /**
     * Non-blocking in-place {@link #allGatherv(Object, int[], int[], Datatype)}.
     *
     * @param buf    the receive buffer
     * @param count  items from each rank
     * @param displs where each rank's items go
     * @param type   their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllGatherv(Buffer buf, int[] count, int[] displs, Datatype type) throws MPIException {
        return icollective("iAllGatherv", allGathervCall("iAllGatherv", true, null, 0, type, buf, count, displs,
                type));
    }

    // allToAll

    private static CallMaker allToAllCall(String op, Object sendbuf, int sendcount, Datatype sendtype,
                                          Object recvbuf, int recvcount, Datatype recvtype) {
        return c -> {
            sameWire(op, sendtype, recvtype);
            sameBytes(op, (long) sendcount * sendtype.itemBytes(), (long) recvcount * recvtype.itemBytes());
            Object in = Region.of(op, "send", sendbuf, Math.multiplyExact(sendcount, c.size()), sendtype).read();
            Region r = Region.of(op, "receive", recvbuf, Math.multiplyExact(recvcount, c.size()), recvtype);
            Object out = r.scratch();
            Object source = in == out ? copyOf(in) : in;
            int k = Region.wireKind(recvtype);
            return new Call(() -> Core.alltoall(c, k, source, out), () -> Core.ialltoall(c, k, source, out),
                    () -> r.write(out));
        };
    }

    /**
     * Block {@code j} of every rank's send buffer goes to rank {@code j} ({@code MPI_ALLTOALL}).
     *
     * @param sendbuf   {@code size * sendcount} items
     * @param sendcount items for each rank
     * @param sendtype  their datatype
     * @param recvbuf   room for {@code size * recvcount} items
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void allToAll(Object sendbuf, int sendcount, Datatype sendtype, Object recvbuf, int recvcount,
                               Datatype recvtype) throws MPIException {
        collective("allToAll", allToAllCall("allToAll", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype));
    }

    /**
     * Non-blocking {@link #allToAll} ({@code MPI_IALLTOALL}).
     *
     * @param sendbuf   every rank's block
     * @param sendcount items for each rank
     * @param sendtype  their datatype
     * @param recvbuf   room for every rank's block
     * @param recvcount items from each rank
     * @param recvtype  their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllToAll(Buffer sendbuf, int sendcount, Datatype sendtype, Buffer recvbuf, int recvcount,
                                   Datatype recvtype) throws MPIException {
        return icollective("iAllToAll", allToAllCall("iAllToAll", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                recvtype));
    }

    private static CallMaker allToAllvCall(String op, Object sendbuf, int[] sendcount, int[] sdispls,
                                           Datatype sendtype, Object recvbuf, int[] recvcount, int[] rdispls,
                                           Datatype recvtype) {
        return c -> {
            sameWire(op, sendtype, recvtype);
            int size = c.size();
            int[] sc = checkedCounts(op, "sendcount", sendcount, size);
            int[] rc = checkedCounts(op, "recvcount", recvcount, size);
            Region s = Region.of(op, "send", sendbuf, span(op, "sendcount", sc, sdispls, size), sendtype);
            Region r = Region.of(op, "receive", recvbuf, span(op, "recvcount", rc, rdispls, size), recvtype);
            int sw = Region.wirePerItem(sendtype);
            int rw = Region.wirePerItem(recvtype);
            int[] wsc = scaled(sc, sw);
            int[] wsd = scaled(checkedCounts(op, "sdispls", sdispls, size), sw);
            int[] wrc = scaled(rc, rw);
            int[] wrd = scaled(checkedCounts(op, "rdispls", rdispls, size), rw);
            Object in = s.read();
            Object out = r.read();
            Object source = in == out ? copyOf(in) : in;
            int k = Region.wireKind(recvtype);
            return new Call(() -> Core.alltoallv(c, k, source, wsc, wsd, out, wrc, wrd),
                    () -> Core.ialltoallv(c, k, source, wsc, wsd, out, wrc, wrd), () -> r.write(out));
        };
    }

    /**
     * {@link #allToAll} with a different number of items per pair ({@code MPI_ALLTOALLV}).
     *
     * @param sendbuf   the send buffer
     * @param sendcount items for each rank
     * @param sdispls   where each rank's items start
     * @param sendtype  their datatype
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param rdispls   where each rank's items go
     * @param recvtype  their datatype
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void allToAllv(Object sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype, Object recvbuf,
                                int[] recvcount, int[] rdispls, Datatype recvtype) throws MPIException {
        collective("allToAllv", allToAllvCall("allToAllv", sendbuf, sendcount, sdispls, sendtype, recvbuf,
                recvcount, rdispls, recvtype));
    }

    /**
     * Non-blocking {@link #allToAllv} ({@code MPI_IALLTOALLV}).
     *
     * @param sendbuf   the send buffer
     * @param sendcount items for each rank
     * @param sdispls   where each rank's items start
     * @param sendtype  their datatype
     * @param recvbuf   the receive buffer
     * @param recvcount items from each rank
     * @param rdispls   where each rank's items go
     * @param recvtype  their datatype
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllToAllv(Buffer sendbuf, int[] sendcount, int[] sdispls, Datatype sendtype,
                                    Buffer recvbuf, int[] recvcount, int[] rdispls, Datatype recvtype)
            throws MPIException {
        return icollective("iAllToAllv", allToAllvCall("iAllToAllv", sendbuf, sendcount, sdispls, sendtype,
                recvbuf, recvcount, rdispls, recvtype));
    }

    // reductions

    /** The kinds of element-wise reduction with equal counts everywhere. */
    enum Reduction {
        REDUCE, ALLREDUCE, SCAN, EXSCAN
    }

    /**
     * One reduction. {@code sendbuf == null} means in place ({@code buf} is {@code recvbuf}); for
     * {@code REDUCE} the root writes, for {@code EXSCAN} rank 0's buffer is left as it is.
     */
    static CallMaker reduceCall(String op, Reduction kind, Object sendbuf, Object recvbuf, int count, Datatype type,
                                Op operator, int root) {
        return c -> {
            if (operator == null) {
                throw error(MPI.ERR_OP, op + ": the operator is null");
            }
            if (kind == Reduction.REDUCE) {
                checkRoot(op, c, root);
            }
            boolean writes = kind == Reduction.REDUCE ? c.rank() == root : kind != Reduction.EXSCAN || c.rank() > 0;
            boolean inPlace = sendbuf == null;
            io.fmi.Op f = operator.bind(op, type);
            int k = Region.wireKind(type);
            Region r = writes || inPlace ? Region.of(op, "receive", recvbuf, count, type) : null;
            Region s = inPlace ? null : Region.of(op, "send", sendbuf, count, type);
            if (kind == Reduction.ALLREDUCE || kind == Reduction.REDUCE) {
                Call direct = DirectReduction.of(c, kind == Reduction.ALLREDUCE, inPlace ? recvbuf : sendbuf,
                        writes ? recvbuf : null, count, type, operator, f, root);
                if (direct != null) {
                    return direct;
                }
            }
            Object in = inPlace ? r.read() : s.read();
            // the core's allreduce takes the same array as operand and result (a large one reads
            // each range of the operand before it stores that range): no copy of the operand
            if (inPlace && in == recvbuf && kind != Reduction.ALLREDUCE) {
                in = copyOf(in);
            }
            Object out = writes ? r.scratch() : Region.newWire(type, count * Region.wirePerItem(type));
            Object source = in;
            Runnable after = writes ? () -> r.write(out) : null;
            switch (kind) {
                case REDUCE:
                    return new Call(() -> Core.reduce(c, k, source, out, f, root),
                            () -> Core.ireduce(c, k, source, out, f, root), after);
                case ALLREDUCE:
                    return new Call(() -> Core.allreduce(c, k, source, out, f),
                            () -> Core.iallreduce(c, k, source, out, f), after);
                case SCAN:
                    return new Call(() -> Core.scan(c, k, source, out, f), () -> Core.iscan(c, k, source, out, f),
                            after);
                default:
                    return new Call(() -> Core.exscan(c, k, source, out, f), () -> Core.iexscan(c, k, source, out, f),
                            after);
            }
        };
    }

    /**
     * Combines every rank's items element-wise on the root ({@code MPI_REDUCE}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf on the root: the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @param root    the rank that gets the result
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void reduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op, int root)
            throws MPIException {
        collective("reduce", reduceCall("reduce", Reduction.REDUCE, require(sendbuf), recvbuf, count, type, op,
                root));
    }

    /**
     * In-place {@link #reduce}: {@code buf} is the input everywhere and the result on the root.
     *
     * @param buf   see above
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @param root  the rank that gets the result
     * @throws MPIException as {@link #reduce}
     */
    public final void reduce(Object buf, int count, Datatype type, Op op, int root) throws MPIException {
        collective("reduce", reduceCall("reduce", Reduction.REDUCE, null, buf, count, type, op, root));
    }

    /**
     * Non-blocking {@link #reduce} ({@code MPI_IREDUCE}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf on the root: the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @param root    the rank that gets the result
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op, int root)
            throws MPIException {
        return icollective("iReduce", reduceCall("iReduce", Reduction.REDUCE, require(sendbuf), recvbuf, count, type,
                op, root));
    }

    /**
     * Non-blocking in-place {@link #reduce(Object, int, Datatype, Op, int)}.
     *
     * @param buf   input everywhere, result on the root
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @param root  the rank that gets the result
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduce(Buffer buf, int count, Datatype type, Op op, int root) throws MPIException {
        return icollective("iReduce", reduceCall("iReduce", Reduction.REDUCE, null, buf, count, type, op, root));
    }

    /**
     * {@link #reduce} with the result on every rank ({@code MPI_ALLREDUCE}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void allReduce(Object sendbuf, Object recvbuf, int count, Datatype type, Op op)
            throws MPIException {
        collective("allReduce", reduceCall("allReduce", Reduction.ALLREDUCE, require(sendbuf), recvbuf, count, type,
                op, 0));
    }

    /**
     * In-place {@link #allReduce}: {@code buf} is input and result.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @throws MPIException as {@link #allReduce}
     */
    public final void allReduce(Object buf, int count, Datatype type, Op op) throws MPIException {
        collective("allReduce", reduceCall("allReduce", Reduction.ALLREDUCE, null, buf, count, type, op, 0));
    }

    /**
     * Non-blocking {@link #allReduce} ({@code MPI_IALLREDUCE}).
     *
     * @param sendbuf this rank's items
     * @param recvbuf the result
     * @param count   items
     * @param type    their datatype
     * @param op      the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllReduce(Buffer sendbuf, Buffer recvbuf, int count, Datatype type, Op op)
            throws MPIException {
        return icollective("iAllReduce", reduceCall("iAllReduce", Reduction.ALLREDUCE, require(sendbuf), recvbuf,
                count, type, op, 0));
    }

    /**
     * Non-blocking in-place {@link #allReduce(Object, int, Datatype, Op)}.
     *
     * @param buf   input and result
     * @param count items
     * @param type  their datatype
     * @param op    the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iAllReduce(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return icollective("iAllReduce", reduceCall("iAllReduce", Reduction.ALLREDUCE, null, buf, count, type, op,
                0));
    }

    static Object require(Object sendbuf) {
        return sendbuf == null ? new NullBuffer() : sendbuf;
    }

    /** Marks a null send buffer given to a form that is not in place, so that Region reports it. */
    static final class NullBuffer {
    }

    // reduceScatter

    private static CallMaker reduceScatterCall(String op, Object sendbuf, Object recvbuf, int[] recvcounts,
                                               Datatype type, Op operator) {
        return c -> {
            if (operator == null) {
                throw error(MPI.ERR_OP, op + ": the operator is null");
            }
            int size = c.size();
            int[] counts = checkedCounts(op, "recvcounts", recvcounts, size);
            long total = 0;
            for (int i = 0; i < size; i++) {
                if (counts[i] < 0) {
                    throw error(MPI.ERR_COUNT, op + ": recvcounts[" + i + "] is negative (" + counts[i] + ")");
                }
                total += counts[i];
            }
            io.fmi.Op f = operator.bind(op, type);
            int k = Region.wireKind(type);
            int wpi = Region.wirePerItem(type);
            boolean inPlace = sendbuf == null;
            Region r = Region.of(op, "receive", recvbuf, inPlace ? Math.toIntExact(total) : counts[c.rank()], type);
            Object in = inPlace ? r.read() : Region.of(op, "send", sendbuf, Math.toIntExact(total), type).read();
            Object source = in == recvbuf ? copyOf(in) : in;
            Object out = Region.newWire(type, counts[c.rank()] * wpi);
            int[] wc = scaled(counts, wpi);
            return new Call(() -> Core.reduceScatter(c, k, source, out, wc, f),
                    () -> Core.ireduceScatter(c, k, source, out, wc, f), () -> r.write(out));
        };
    }

    /**
     * Reduces element-wise and gives rank {@code i} the {@code recvcounts[i]} items after those of
     * the ranks below it ({@code MPI_REDUCE_SCATTER}).
     *
     * @param sendbuf    the sum of {@code recvcounts} items
     * @param recvbuf    this rank's part of the result
     * @param recvcounts items for each rank
     * @param type       their datatype
     * @param op         the operator
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void reduceScatter(Object sendbuf, Object recvbuf, int[] recvcounts, Datatype type, Op op)
            throws MPIException {
        collective("reduceScatter", reduceScatterCall("reduceScatter", require(sendbuf), recvbuf, recvcounts, type,
                op));
    }

    /**
     * In-place {@link #reduceScatter}: {@code buf} holds the input; this rank's part is written at its start.
     *
     * @param buf    input, then result
     * @param counts items for each rank
     * @param type   their datatype
     * @param op     the operator
     * @throws MPIException as {@link #reduceScatter}
     */
    public final void reduceScatter(Object buf, int[] counts, Datatype type, Op op) throws MPIException {
        collective("reduceScatter", reduceScatterCall("reduceScatter", null, buf, counts, type, op));
    }

    /**
     * Non-blocking {@link #reduceScatter} ({@code MPI_IREDUCE_SCATTER}).
     *
     * @param sendbuf    the input
     * @param recvbuf    this rank's part of the result
     * @param recvcounts items for each rank
     * @param type       their datatype
     * @param op         the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduceScatter(Buffer sendbuf, Buffer recvbuf, int[] recvcounts, Datatype type, Op op)
            throws MPIException {
        return icollective("iReduceScatter", reduceScatterCall("iReduceScatter", require(sendbuf), recvbuf,
                recvcounts, type, op));
    }

    /**
     * Non-blocking in-place {@link #reduceScatter(Object, int[], Datatype, Op)}.
     *
     * @param buf    input, then result
     * @param counts items for each rank
     * @param type   their datatype
     * @param op     the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduceScatter(Buffer buf, int[] counts, Datatype type, Op op) throws MPIException {
        return icollective("iReduceScatter", reduceScatterCall("iReduceScatter", null, buf, counts, type, op));
    }

    private CallMaker blockCall(String op, Object sendbuf, Object recvbuf, int recvcount, Datatype type, Op operator)
            throws MPIException {
        int size = getSize();
        int[] counts = new int[size];
        Arrays.fill(counts, recvcount);
        return reduceScatterCall(op, sendbuf, recvbuf, counts, type, operator);
    }

    /**
     * {@link #reduceScatter} with {@code recvcount} items for every rank ({@code MPI_REDUCE_SCATTER_BLOCK}).
     *
     * @param sendbuf   {@code size * recvcount} items
     * @param recvbuf   this rank's block of the result
     * @param recvcount items per rank
     * @param type      their datatype
     * @param op        the operator
     * @throws MPIException if the arguments are wrong or a transfer fails
     */
    public final void reduceScatterBlock(Object sendbuf, Object recvbuf, int recvcount, Datatype type, Op op)
            throws MPIException {
        collective("reduceScatterBlock", blockCall("reduceScatterBlock", require(sendbuf), recvbuf, recvcount, type,
                op));
    }

    /**
     * In-place {@link #reduceScatterBlock}: this rank's block is written at the start of {@code buf}.
     *
     * @param buf   input, then result
     * @param count items per rank
     * @param type  their datatype
     * @param op    the operator
     * @throws MPIException as {@link #reduceScatterBlock}
     */
    public final void reduceScatterBlock(Object buf, int count, Datatype type, Op op) throws MPIException {
        collective("reduceScatterBlock", blockCall("reduceScatterBlock", null, buf, count, type, op));
    }

    /**
     * Non-blocking {@link #reduceScatterBlock} ({@code MPI_IREDUCE_SCATTER_BLOCK}).
     *
     * @param sendbuf   the input
     * @param recvbuf   this rank's block of the result
     * @param recvcount items per rank
     * @param type      their datatype
     * @param op        the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduceScatterBlock(Buffer sendbuf, Buffer recvbuf, int recvcount, Datatype type, Op op)
            throws MPIException {
        return icollective("iReduceScatterBlock", blockCall("iReduceScatterBlock", require(sendbuf), recvbuf,
                recvcount, type, op));
    }

    /**
     * Non-blocking in-place {@link #reduceScatterBlock(Object, int, Datatype, Op)}.
     *
     * @param buf   input, then result
     * @param count items per rank
     * @param type  their datatype
     * @param op    the operator
     * @return the request
     * @throws MPIException if the arguments are wrong
     */
    public final Request iReduceScatterBlock(Buffer buf, int count, Datatype type, Op op) throws MPIException {
        return icollective("iReduceScatterBlock", blockCall("iReduceScatterBlock", null, buf, count, type, op));
    }

    @Override
    public String toString() {
        return fmi == null ? "Comm[null]" : "Comm[rank " + fmi.rank() + " of " + fmi.size() + ", id " + fmi.id() + "]";
    }
}

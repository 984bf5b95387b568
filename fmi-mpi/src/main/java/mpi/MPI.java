package mpi;

import io.fmi.Communicator;
import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.mpi.MpiWorld;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * The MPI environment, as in Open MPI 5.0's Java bindings: {@link #Init}, {@link #Finalize},
 * {@link #COMM_WORLD}, the datatypes, operators and constants, and direct-buffer helpers.
 *
 * <p>{@code Init} takes the rank, size, job name, channel configuration and secret from what
 * {@code fmirun} (local processes) or {@link io.fmi.mpi.MpiHandler} (Lambda functions) provide; a
 * program started alone with {@code java} is rank 0 of 1. No native library is loaded.
 */
public final class MPI {
    private MPI() {
    }

    // ---- error classes (the values of Open MPI's mpi.h) ----
    /** No error. */
    public static final int SUCCESS = 0;
    /** Invalid buffer. */
    public static final int ERR_BUFFER = 1;
    /** Invalid count. */
    public static final int ERR_COUNT = 2;
    /** Invalid datatype. */
    public static final int ERR_TYPE = 3;
    /** Invalid tag. */
    public static final int ERR_TAG = 4;
    /** Invalid communicator. */
    public static final int ERR_COMM = 5;
    /** Invalid rank. */
    public static final int ERR_RANK = 6;
    /** Invalid request. */
    public static final int ERR_REQUEST = 7;
    /** Invalid root. */
    public static final int ERR_ROOT = 8;
    /** Invalid group. */
    public static final int ERR_GROUP = 9;
    /** Invalid operator. */
    public static final int ERR_OP = 10;
    /** Invalid topology. */
    public static final int ERR_TOPOLOGY = 11;
    /** Invalid dimensions. */
    public static final int ERR_DIMS = 12;
    /** Invalid argument. */
    public static final int ERR_ARG = 13;
    /** Unknown error. */
    public static final int ERR_UNKNOWN = 14;
    /** Message truncated: a message longer than the receive buffer. */
    public static final int ERR_TRUNCATE = 15;
    /** Another error: a failed channel, a dead peer, a passed deadline (the message says which). */
    public static final int ERR_OTHER = 16;
    /** Internal error. */
    public static final int ERR_INTERN = 17;
    /** Error code in status. */
    public static final int ERR_IN_STATUS = 18;
    /** Pending request. */
    public static final int ERR_PENDING = 19;
    /** The operation is not supported by this implementation (one-sided, I/O, topologies, ...). */
    public static final int ERR_UNSUPPORTED_OPERATION = 52;
    /** The last standard error code. */
    public static final int ERR_LASTCODE = 92;

    // ---- constants ----
    /** Thread support levels; {@link #InitThread} provides {@link #THREAD_MULTIPLE}. */
    public static final int THREAD_SINGLE = 0;
    /** Only the main thread calls MPI. */
    public static final int THREAD_FUNNELED = 1;
    /** One thread at a time calls MPI. */
    public static final int THREAD_SERIALIZED = 2;
    /** Any thread calls MPI at any time: what this implementation provides. */
    public static final int THREAD_MULTIPLE = 3;
    /** Receive from any source. */
    public static final int ANY_SOURCE = Communicator.ANY_SOURCE;
    /** Receive with any tag (0 or more). */
    public static final int ANY_TAG = Communicator.ANY_TAG;
    /** The null process: sends to it and receives from it do nothing. */
    public static final int PROC_NULL = -2;
    /** "No value": the colour of a split that joins no communicator, an undefined count or index. */
    public static final int UNDEFINED = Communicator.UNDEFINED;
    /** {@link Comm#compare}: the same communicator. */
    public static final int IDENT = 0;
    /** {@link Comm#compare}: the same ranks in the same order. */
    public static final int CONGRUENT = 1;
    /** {@link Comm#compare}: the same processes in another order. */
    public static final int SIMILAR = 2;
    /** {@link Comm#compare}: different processes. */
    public static final int UNEQUAL = 3;
    /** The largest tag. */
    public static final int TAG_UB = Integer.MAX_VALUE;

    // ---- datatypes ----
    /** The null datatype. */
    public static final Datatype DATATYPE_NULL = Datatype.basic(Datatype.NULL, "MPI_DATATYPE_NULL");
    /** {@code byte}. */
    public static final Datatype BYTE = Datatype.basic(Datatype.BYTE, "MPI_BYTE");
    /** {@code char} (2 bytes). */
    public static final Datatype CHAR = Datatype.basic(Datatype.CHAR, "MPI_CHAR");
    /** {@code short}. */
    public static final Datatype SHORT = Datatype.basic(Datatype.SHORT, "MPI_SHORT");
    /** {@code boolean} (1 byte on the wire). */
    public static final Datatype BOOLEAN = Datatype.basic(Datatype.BOOLEAN, "MPI_BOOLEAN");
    /** {@code int}. */
    public static final Datatype INT = Datatype.basic(Datatype.INT, "MPI_INT");
    /** {@code long}. */
    public static final Datatype LONG = Datatype.basic(Datatype.LONG, "MPI_LONG");
    /** {@code float}. */
    public static final Datatype FLOAT = Datatype.basic(Datatype.FLOAT, "MPI_FLOAT");
    /** {@code double}. */
    public static final Datatype DOUBLE = Datatype.basic(Datatype.DOUBLE, "MPI_DOUBLE");
    /** Packed bytes. */
    public static final Datatype PACKED = Datatype.basic(Datatype.PACKED, "MPI_PACKED");
    /** (int value, int index), for MINLOC/MAXLOC; see {@link #int2}. */
    public static final Datatype INT2 = Datatype.basic(Datatype.INT2, "MPI_2INT");
    /** (short value, int index); see {@link #shortInt}. */
    public static final Datatype SHORT_INT = Datatype.basic(Datatype.SHORT_INT, "MPI_SHORT_INT");
    /** (long value, int index); see {@link #longInt}. */
    public static final Datatype LONG_INT = Datatype.basic(Datatype.LONG_INT, "MPI_LONG_INT");
    /** (float value, int index); see {@link #floatInt}. */
    public static final Datatype FLOAT_INT = Datatype.basic(Datatype.FLOAT_INT, "MPI_FLOAT_INT");
    /** (double value, int index); see {@link #doubleInt}. */
    public static final Datatype DOUBLE_INT = Datatype.basic(Datatype.DOUBLE_INT, "MPI_DOUBLE_INT");
    /** A complex number of two floats (re, im); see {@link FloatComplex}. */
    public static final Datatype FLOAT_COMPLEX = Datatype.basic(Datatype.FLOAT_COMPLEX, "MPI_C_FLOAT_COMPLEX");
    /** A complex number of two doubles (re, im); see {@link DoubleComplex}. */
    public static final Datatype DOUBLE_COMPLEX = Datatype.basic(Datatype.DOUBLE_COMPLEX, "MPI_C_DOUBLE_COMPLEX");

    /** Reads and writes {@link #INT2} pairs in a byte buffer. */
    public static final Int2 int2 = new Int2();
    /** Reads and writes {@link #SHORT_INT} pairs. */
    public static final ShortInt shortInt = new ShortInt();
    /** Reads and writes {@link #LONG_INT} pairs. */
    public static final LongInt longInt = new LongInt();
    /** Reads and writes {@link #FLOAT_INT} pairs. */
    public static final FloatInt floatInt = new FloatInt();
    /** Reads and writes {@link #DOUBLE_INT} pairs. */
    public static final DoubleInt doubleInt = new DoubleInt();

    // ---- operators ----
    /** Maximum. */
    public static final Op MAX = new Op(Op.MAX, "MPI_MAX");
    /** Minimum. */
    public static final Op MIN = new Op(Op.MIN, "MPI_MIN");
    /** Sum. */
    public static final Op SUM = new Op(Op.SUM, "MPI_SUM");
    /** Product. */
    public static final Op PROD = new Op(Op.PROD, "MPI_PROD");
    /** Logical and. */
    public static final Op LAND = new Op(Op.LAND, "MPI_LAND");
    /** Bitwise and. */
    public static final Op BAND = new Op(Op.BAND, "MPI_BAND");
    /** Logical or. */
    public static final Op LOR = new Op(Op.LOR, "MPI_LOR");
    /** Bitwise or. */
    public static final Op BOR = new Op(Op.BOR, "MPI_BOR");
    /** Logical exclusive or. */
    public static final Op LXOR = new Op(Op.LXOR, "MPI_LXOR");
    /** Bitwise exclusive or. */
    public static final Op BXOR = new Op(Op.BXOR, "MPI_BXOR");
    /** Minimum value and the lowest index holding it, over the pair types. */
    public static final Op MINLOC = new Op(Op.MINLOC, "MPI_MINLOC");
    /** Maximum value and the lowest index holding it, over the pair types. */
    public static final Op MAXLOC = new Op(Op.MAXLOC, "MPI_MAXLOC");
    /** Keeps the higher rank's value (non-commutative). */
    public static final Op REPLACE = new Op(Op.REPLACE, "MPI_REPLACE");
    /** Keeps the lower rank's value (non-commutative). */
    public static final Op NO_OP = new Op(Op.NO_OP, "MPI_NO_OP");

    // ---- handlers, null objects, communicators ----
    /** Print the error and abort the job (exit status 1): the default of every communicator. */
    public static final Errhandler ERRORS_ARE_FATAL = new Errhandler(true, "MPI_ERRORS_ARE_FATAL");
    /** Throw {@link MPIException}. */
    public static final Errhandler ERRORS_RETURN = new Errhandler(false, "MPI_ERRORS_RETURN");
    /** The null request: complete, inactive. */
    public static final Request REQUEST_NULL = new Request(null, "REQUEST_NULL", null, null);
    /** All ranks of the job. */
    public static final Intracomm COMM_WORLD = new Intracomm();
    /** This process alone. */
    public static final Intracomm COMM_SELF = new Intracomm();

    private static volatile boolean initialized;
    private static volatile boolean finalized;
    private static boolean ownsWorld;
    private static byte[] attached;

    /**
     * Joins the job ({@code MPI_INIT}): opens the communicator of this rank.
     *
     * @param args the program's arguments
     * @return the arguments, unchanged
     * @throws MPIException if MPI is already initialized, or the job's configuration is wrong
     */
    public static String[] Init(String[] args) throws MPIException {
        init();
        return args;
    }

    /**
     * {@link #Init} with a thread level ({@code MPI_INIT_THREAD}); every level is provided.
     *
     * @param args     the program's arguments
     * @param required the level needed
     * @return {@link #THREAD_MULTIPLE}
     * @throws MPIException as {@link #Init}
     */
    public static int InitThread(String[] args, int required) throws MPIException {
        init();
        return THREAD_MULTIPLE;
    }

    private static synchronized void init() throws MPIException {
        Communicator preset = MpiWorld.take();
        if (preset == null && (initialized || finalized)) {
            throw new MPIException(ERR_OTHER, ERR_OTHER, "Init: MPI is already " + (finalized ? "finalized" : "initialized")
                    + "; call MPI.Init once per process");
        }
        Communicator world;
        try {
            world = preset != null ? preset : Communicator.fromEnvironment();
        } catch (RuntimeException e) {
            throw new MPIException(ERR_OTHER, "Init: cannot join the job: " + e.getMessage(), e);
        }
        ownsWorld = preset == null;
        int[] members = new int[world.size()];
        for (int i = 0; i < members.length; i++) {
            members[i] = i;
        }
        COMM_WORLD.bind(world, members);
        COMM_SELF.bind(Communicator.builder().rank(0).size(1).name(world.name() + "-self-" + world.rank())
                .channel(new LocalChannel(new LocalHub())).build(), new int[] {world.rank()});
        finalized = false;
        initialized = true;
    }

    /**
     * Leaves the job ({@code MPI_FINALIZE}): waits until every rank has called it (so no rank closes
     * a connection another still reads from), then closes this rank's communicators.
     *
     * @throws MPIException if MPI is not initialized, or the closing barrier fails
     */
    public static synchronized void Finalize() throws MPIException {
        check();
        Communicator world = COMM_WORLD.fmi;
        RuntimeException failed = null;
        try {
            world.barrier();
        } catch (RuntimeException e) {
            failed = e;
        } finally {
            finalized = true;
            COMM_SELF.fmi.close();
            COMM_SELF.fmi = null;
            COMM_WORLD.fmi = null;
            if (ownsWorld) {
                try {
                    world.close();
                } catch (RuntimeException e) {
                    if (failed == null) {
                        failed = e;
                    } else {
                        failed.addSuppressed(e);
                    }
                }
            }
        }
        if (failed != null) {
            throw COMM_WORLD.fail("Finalize", failed);
        }
    }

    /**
     * Whether {@link #Init} was called.
     *
     * @return whether MPI is initialized
     */
    public static boolean isInitialized() {
        return initialized;
    }

    /**
     * Whether {@link #Finalize} was called.
     *
     * @return whether MPI is finalized
     */
    public static boolean isFinalized() {
        return finalized;
    }

    /**
     * Seconds since an arbitrary moment ({@code MPI_WTIME}), from the monotonic clock.
     *
     * @return elapsed seconds
     * @throws MPIException if MPI is not initialized
     */
    public static double wtime() throws MPIException {
        check();
        return System.nanoTime() / 1e9;
    }

    /**
     * The resolution of {@link #wtime()} ({@code MPI_WTICK}).
     *
     * @return seconds per tick
     * @throws MPIException if MPI is not initialized
     */
    public static double wtick() throws MPIException {
        check();
        return 1e-9;
    }

    /**
     * This process's host name ({@code MPI_GET_PROCESSOR_NAME}).
     *
     * @return the host name
     * @throws MPIException if MPI is not initialized
     */
    public static String getProcessorName() throws MPIException {
        check();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /**
     * The thread level provided ({@code MPI_QUERY_THREAD}).
     *
     * @return {@link #THREAD_MULTIPLE}
     * @throws MPIException if MPI is not initialized
     */
    public static int queryThread() throws MPIException {
        check();
        return THREAD_MULTIPLE;
    }

    /**
     * {@code MPI_BUFFER_ATTACH}: accepted and kept; buffered sends never need it here (the
     * channels buffer messages themselves).
     *
     * @param buffer the buffer
     * @throws MPIException if MPI is not initialized
     */
    public static void attachBuffer(byte[] buffer) throws MPIException {
        check();
        attached = buffer;
    }

    /**
     * {@code MPI_BUFFER_DETACH}: gives back the attached buffer.
     *
     * @return the buffer given to {@link #attachBuffer}, or null
     * @throws MPIException if MPI is not initialized
     */
    public static byte[] detachBuffer() throws MPIException {
        check();
        byte[] b = attached;
        attached = null;
        return b;
    }

    /** Profiling control: does nothing. */
    public static void pControl(int level, Object obj) {
    }

    static void check() throws MPIException {
        if (!initialized) {
            throw new MPIException(ERR_OTHER, ERR_OTHER, "MPI is not initialized; call MPI.Init(args) first");
        }
        if (finalized) {
            throw new MPIException(ERR_OTHER, ERR_OTHER, "MPI is finalized; no MPI call may follow MPI.Finalize()");
        }
    }

    private static String who() {
        Communicator world = COMM_WORLD.fmi;
        return world == null ? "a rank" : "rank " + world.rank() + " of job " + world.name();
    }

    /**
     * {@link #ERRORS_ARE_FATAL}: prints the error and ends the process with status 1 — or, when the
     * error is another process's {@code MPI_ABORT}, with the errorcode that process gave, as mpirun
     * ends the job with it: whichever process of the job exits first, the launcher then reports the
     * aborting process's code (otherwise a process that learnt of the abort could exit with 1 before
     * the aborting one exits with its code).
     */
    static void fatal(Comm comm, MPIException e) {
        abort(comm, abortedWith(e, 1), "MPI error (class " + e.getErrorClass() + "): " + e.getMessage()
                + "\n  (MPI.ERRORS_ARE_FATAL is in force; call comm.setErrhandler(MPI.ERRORS_RETURN) to get an"
                + " MPIException instead)\n  aborting the job");
    }

    /** What {@link Comm#abort} says, in the reason the other processes get. */
    static final String ABORT_INVOKED = "MPI_ABORT was invoked";

    private static final java.util.regex.Pattern ABORTED = java.util.regex.Pattern.compile(
            "^" + java.util.regex.Pattern.quote(ABORT_INVOKED) + " on .* with errorcode (-?\\d+)$");

    /** The errorcode of another process's {@code MPI_ABORT} that caused {@code e}, else {@code otherwise}. */
    static int abortedWith(Throwable e, int otherwise) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.fmi.FmiAbortedException a && a.reason() != null) {
                java.util.regex.Matcher m = ABORTED.matcher(a.reason());
                if (m.matches()) {
                    try {
                        return Integer.parseInt(m.group(1));
                    } catch (NumberFormatException ignored) {
                        return otherwise;
                    }
                }
            }
        }
        return otherwise;
    }

    static void abort(Comm comm, int code, String what) {
        System.out.flush();
        String message = what + " on " + who() + " with errorcode " + code;
        System.err.println(message);
        System.err.flush();
        if (comm != null && comm.fmi != null) {
            try {
                // every other process's waiting operations fail with this message at once (Direct)
                // or within a heartbeat (storage channels), instead of at their deadline
                comm.fmi.abort(message);
            } catch (RuntimeException e) {
                System.err.println("(telling the other processes failed: " + e + ")");
            }
        }
        Runtime.getRuntime().halt(code);
    }

    // ---- buffers ----

    /**
     * A direct byte buffer in native order.
     *
     * @param capacity bytes
     * @return the buffer
     */
    public static ByteBuffer newByteBuffer(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /**
     * A direct char buffer.
     *
     * @param capacity chars
     * @return the buffer
     */
    public static CharBuffer newCharBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 2)).asCharBuffer();
    }

    /**
     * A direct short buffer.
     *
     * @param capacity shorts
     * @return the buffer
     */
    public static ShortBuffer newShortBuffer(int capacity) {
        return newByteBuffer(Math.multiplyExact(capacity, 2)).asShortBuffer();
    }

    /**
     * A direct int buffer.
     *
     * @param capacity ints
     * @return the buffer
     */
    public static IntBuffer newIntBuffer(int capacity) {
        ByteBuffer bytes = newByteBuffer(Math.multiplyExact(capacity, 4));
        return Backing.remember(bytes.asIntBuffer(), bytes);
    }

    /**
     * A direct long buffer.
     *
     * @param capacity longs
     * @return the buffer
     */
    public static LongBuffer newLongBuffer(int capacity) {
        ByteBuffer bytes = newByteBuffer(Math.multiplyExact(capacity, 8));
        return Backing.remember(bytes.asLongBuffer(), bytes);
    }

    /**
     * A direct float buffer.
     *
     * @param capacity floats
     * @return the buffer
     */
    public static FloatBuffer newFloatBuffer(int capacity) {
        ByteBuffer bytes = newByteBuffer(Math.multiplyExact(capacity, 4));
        return Backing.remember(bytes.asFloatBuffer(), bytes);
    }

    /**
     * A direct double buffer.
     *
     * @param capacity doubles
     * @return the buffer
     */
    public static DoubleBuffer newDoubleBuffer(int capacity) {
        ByteBuffer bytes = newByteBuffer(Math.multiplyExact(capacity, 8));
        return Backing.remember(bytes.asDoubleBuffer(), bytes);
    }

    /**
     * A view of {@code buf} from element {@code offset} (buffers have no offset argument).
     *
     * @param buf    the buffer
     * @param offset the first element of the view
     * @return the view
     */
    public static ByteBuffer slice(ByteBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice().order(buf.order());
    }

    /** {@link #slice(ByteBuffer, int)} for chars. @param buf the buffer @param offset the first element @return the view */
    public static CharBuffer slice(CharBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** {@link #slice(ByteBuffer, int)} for shorts. @param buf the buffer @param offset the first element @return the view */
    public static ShortBuffer slice(ShortBuffer buf, int offset) {
        return buf.duplicate().position(offset).slice();
    }

    /** {@link #slice(ByteBuffer, int)} for ints. @param buf the buffer @param offset the first element @return the view */
    public static IntBuffer slice(IntBuffer buf, int offset) {
        return sliced(buf, buf.duplicate().position(offset).slice(), offset * 4);
    }

    /** {@link #slice(ByteBuffer, int)} for longs. @param buf the buffer @param offset the first element @return the view */
    public static LongBuffer slice(LongBuffer buf, int offset) {
        return sliced(buf, buf.duplicate().position(offset).slice(), offset * 8);
    }

    /** {@link #slice(ByteBuffer, int)} for floats. @param buf the buffer @param offset the first element @return the view */
    public static FloatBuffer slice(FloatBuffer buf, int offset) {
        return sliced(buf, buf.duplicate().position(offset).slice(), offset * 4);
    }

    /** {@link #slice(ByteBuffer, int)} for doubles. @param buf the buffer @param offset the first element @return the view */
    public static DoubleBuffer slice(DoubleBuffer buf, int offset) {
        return sliced(buf, buf.duplicate().position(offset).slice(), offset * 8);
    }

    /** {@code view}, which starts {@code byteOffset} bytes into {@code buf}, remembered over {@code buf}'s bytes if they are ({@link Backing}). */
    private static <B extends java.nio.Buffer> B sliced(java.nio.Buffer buf, B view, int byteOffset) {
        ByteBuffer bytes = Backing.of(buf);
        return bytes == null ? view : Backing.remember(view, slice(bytes, byteOffset));
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static ByteBuffer slice(byte[] buf, int offset) {
        return ByteBuffer.wrap(buf, offset, buf.length - offset).slice().order(ByteOrder.nativeOrder());
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static CharBuffer slice(char[] buf, int offset) {
        return CharBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static ShortBuffer slice(short[] buf, int offset) {
        return ShortBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static IntBuffer slice(int[] buf, int offset) {
        return IntBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static LongBuffer slice(long[] buf, int offset) {
        return LongBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static FloatBuffer slice(float[] buf, int offset) {
        return FloatBuffer.wrap(buf, offset, buf.length - offset).slice();
    }

    /** A view of an array from {@code offset}. @param buf the array @param offset the first element @return the view */
    public static DoubleBuffer slice(double[] buf, int offset) {
        return DoubleBuffer.wrap(buf, offset, buf.length - offset).slice();
    }
}

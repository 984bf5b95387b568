package io.fmi.bench;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Operation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One rank of a process benchmark ({@link ProcessBench}): runs the OSU-style tests over FMI
 * ({@code fmi}: a {@link Communicator} from fmirun's environment) or over plain pre-connected
 * Java sockets ({@code raw}: {@link RawPeers}, the same algorithms with no library in between),
 * and prints one line per point on rank 0:
 * {@code @osu <test> <ranks> <bytes> <iterations> <microseconds per iteration> <model's µs>}, the
 * time being the slowest rank's average, the model's prediction NaN except for FMI. {@code osu_fmi.c} prints the same lines for Open MPI.
 *
 * <p>Arguments: {@code fmi|raw <tests,...> <sizes,...> [rank-0 port for raw]}.
 */
public final class OsuWorker {

    /** What a benchmark needs of a message-passing library; bytes, except allreduce and reduce (doubles). */
    interface Ops extends AutoCloseable {
        int rank();

        int size();

        void barrier();

        void send(byte[] buf, int length, int dest);

        void recv(byte[] buf, int length, int source);

        void bcast(byte[] buf, int length);

        void allreduce(double[] send, double[] recv);

        /** The sum of every rank's {@code send} into rank 0's {@code recv}. */
        void reduce(double[] send, double[] recv);

        void allgather(byte[] send, int length, byte[] recv);

        void alltoall(byte[] send, int length, byte[] recv);

        /** The largest {@code value} of all ranks. */
        double max(double value);

        /** What the library's model predicts for one iteration of {@code test}, in µs; NaN without a model. */
        default double predictedMicros(String test, int bytes) {
            return Double.NaN;
        }

        @Override
        void close();
    }

    /** The tests, named as on the command line. */
    static final List<String> TESTS = List.of("latency", "bandwidth", "bcast", "allreduce", "reduce", "allgather",
            "alltoall");

    /**
     * Not an OSU test (so not in {@link #TESTS}): rank 0 sends one message to rank 1, timed until it
     * is received — with {@link #SEPARATE}, one send as the model prices it. A polling receiver's
     * delay depends on how long it has waited, which a ping-pong's half does not show.
     */
    static final String ONE_WAY = "oneway";

    /**
     * Where the Java implementations keep the data ({@code -Dfmi.osu.buffers}): {@code heap} (the
     * default: byte arrays, which every socket read and write copies through a temporary direct
     * buffer of the JDK's) or {@code direct} (direct {@code ByteBuffer}s, one per array of the test,
     * as a program that keeps its data off the heap uses; allreduce and reduce then run on
     * little-endian direct buffers of doubles, {@link #doubles}).
     */
    static final boolean DIRECT = "direct".equals(System.getProperty("fmi.osu.buffers", "heap"));
    private static final java.util.Map<byte[], java.nio.ByteBuffer> MIRRORS = new java.util.IdentityHashMap<>();
    private static final java.util.Map<double[], java.nio.ByteBuffer> DOUBLE_MIRRORS = new java.util.IdentityHashMap<>();

    /**
     * With {@link #DIRECT}, the little-endian direct buffer that stands for a test's {@code double[]}
     * (its content copied in once, when the test starts; the result copied out once, to check it).
     */
    static java.nio.ByteBuffer doubles(double[] array) {
        return DOUBLE_MIRRORS.get(array);
    }

    /**
     * The bytes {@code [offset, offset + length)} of a test's array, as the buffer the implementations
     * send from and receive into: the array itself, or with {@link #DIRECT} the same bytes of a direct
     * buffer that stands for the array (its content is not copied: only the transfer is measured).
     */
    static java.nio.ByteBuffer buffer(byte[] array, int offset, int length) {
        java.nio.ByteBuffer mirror = MIRRORS.get(array);
        return mirror == null ? java.nio.ByteBuffer.wrap(array, offset, length) : mirror.slice(offset, length);
    }

    /** A test's data array of {@code length} bytes; with {@link #DIRECT}, mirrored by a direct buffer ({@link #buffer}). */
    private static byte[] data(int length) {
        byte[] array = new byte[length];
        if (DIRECT) {
            MIRRORS.put(array, java.nio.ByteBuffer.allocateDirect(length));
        }
        return array;
    }

    /** Messages in flight per window of the bandwidth test (as osu_bw). */
    static final int WINDOW = 64;

    private OsuWorker() {
    }

    /**
     * Timed iterations per point ({@code -Dfmi.osu.iterations}; 0 = OSU's count, {@link #iterations}):
     * more than OSU's 32 for a 1 MiB collective average out more of a shared machine's hiccups.
     */
    static final int ITERATIONS = Integer.getInteger("fmi.osu.iterations", 0);

    /**
     * Iterations per point: {@link #ITERATIONS}, else OSU's count (32 MiB per point, 5 to 1000); the
     * same for every implementation (osu_fmi.c has the same rule and option).
     */
    static int iterations(int bytes) {
        return ITERATIONS > 0 ? ITERATIONS : (int) Math.max(5, Math.min(1000, (32L << 20) / Math.max(bytes, 1)));
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5) {
            System.err.println("usage: OsuWorker fmi|raw <tests,...> <sizes,...> <warm-up ms> <warm-up passes>"
                    + " [rank-0 port for raw]");
            System.exit(2);
        }
        List<String> tests = List.of(args[1].split(","));
        List<Integer> sizes = new ArrayList<>();
        for (String s : args[2].split(",")) {
            sizes.add(Integer.parseInt(s));
        }
        warmUpMillis = Long.parseLong(args[3]);
        int passes = Integer.parseInt(args[4]);
        try (Ops ops = args[0].equals("raw") ? RawPeers.connect(Integer.parseInt(args[5])) : new FmiOps()) {
            // untimed passes first: a JVM compiles its hot paths over many seconds, longer when
            // several JVMs share the cores (8 ranks on 2 cores: ~20 s), so that steady state is measured
            for (int pass = passes; pass >= 0; pass--) {
                for (String test : tests) {
                    if (!TESTS.contains(test) && !test.equals(ONE_WAY)) {
                        throw new IllegalArgumentException("unknown test '" + test + "'; tests are " + TESTS);
                    }
                    if ((test.equals("latency") || test.equals("bandwidth") || test.equals(ONE_WAY)) && ops.size() != 2) {
                        continue;
                    }
                    for (int bytes : sizes) {
                        run(ops, test, bytes, pass == 0);
                    }
                }
            }
        }
    }

    /** Milliseconds of warm-up per point (the JIT compiles the hot paths of a JVM over seconds). */
    static long warmUpMillis = 500;

    /**
     * At most about this many ms of timed iterations per point ({@code -Dfmi.osu.maxMs}; 0 = OSU's
     * fixed counts): storage channels take milliseconds per message, where OSU's 1000 iterations of
     * a small message would take minutes. Rank 0 derives the count from its warm-up and tells the
     * others, so every rank runs the same iterations.
     */
    static final long MAX_MILLIS = Long.getLong("fmi.osu.maxMs", 0);

    /**
     * Each timed iteration starts together on every rank (a barrier, not timed) and is timed alone
     * ({@code -Dfmi.osu.separate=true}): the completion time of one operation, which is what the
     * model predicts, instead of OSU's back-to-back loop, where a root that need not wait (a bcast
     * over a store) overlaps consecutive operations.
     */
    static final boolean SEPARATE = Boolean.getBoolean("fmi.osu.separate");

    /**
     * After its {@link #warmUpMillis}, a point's warm-up goes on until no rank's JIT compilers have
     * finished a compilation for this long, ms ({@code -Dfmi.osu.quietMs}; 0: warm up by time only),
     * for at most {@link #QUIET_CAP_MILLIS} more. Several JVMs sharing a few cores compile for many
     * seconds, and code that is compiled late (a test that comes after others: its methods wait behind
     * theirs) was otherwise timed half-compiled: 8 processes on 2 cores, 1 MiB allreduce after an
     * alltoall with 3 s of warm-up per point, 5382-6166 µs against 2808-3104 for the allreduce alone
     * (alternating runs); with 8 s, 2137 — the compilers still busy 35 s into the run.
     */
    static final long QUIET_MILLIS = Long.getLong("fmi.osu.quietMs", 1000);

    /** How much longer than {@link #warmUpMillis} a point may warm up waiting for the compilers to go quiet. */
    static final long QUIET_CAP_MILLIS = 60_000;

    private static final java.lang.management.CompilationMXBean COMPILER =
            java.lang.management.ManagementFactory.getCompilationMXBean();

    /** Milliseconds this JVM's compilers have spent so far (-1 where the JVM does not say). */
    private static long compilationMillis() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported() ? COMPILER.getTotalCompilationTime() : -1;
    }

    /**
     * Whether a rank's warm-up goes on at {@code now} (ns): before {@code until}, or while its
     * compilers finished something less than {@code quiet} ns ago ({@code compiledAt}), up to {@code cap}.
     */
    static boolean warming(long now, long until, long compiledAt, long quiet, long cap) {
        return now - until < 0 || (now - compiledAt < quiet && now - cap < 0);
    }

    /**
     * Runs {@code once} at least {@code minimum} times, for {@link #warmUpMillis}, and then until no
     * rank's compilers have finished anything for {@link #QUIET_MILLIS}; every rank's decision to go
     * on travels in an allreduce (the largest wins), so that every rank runs the same number of
     * iterations (the same rule for every Java implementation; Open MPI's ranks warm up by time).
     */
    static double warmUp(Ops ops, Runnable once, int minimum) {
        long start = System.nanoTime();
        long until = start + warmUpMillis * 1_000_000;
        long cap = until + QUIET_CAP_MILLIS * 1_000_000;
        long quiet = QUIET_MILLIS * 1_000_000;
        long compiled = compilationMillis();
        long compiledAt = start;
        for (int i = 0; ; i++) {
            once.run();
            if (i + 1 >= minimum) {
                long now = System.nanoTime();
                long total = compilationMillis();
                if (total != compiled) {
                    compiled = total;
                    compiledAt = now;
                }
                if (ops.max(warming(now, until, compiledAt, quiet, cap) ? 1 : 0) == 0) {
                    if (quiet > 0 && now - cap >= 0 && ops.rank() == 0) {
                        System.err.printf(java.util.Locale.ROOT, "# the compilers were still busy after %d ms of"
                                + " warm-up%n", (now - start) / 1_000_000);
                    }
                    return (System.nanoTime() - start) / 1e6 / (i + 1);
                }
            }
        }
    }

    /** OSU's count, or with {@link #MAX_MILLIS} as many as fit in it (at least 3), decided by rank 0. */
    private static int iterations(Ops ops, int bytes, double warmUpMillisPerIteration) {
        int iterations = iterations(bytes);
        if (MAX_MILLIS <= 0) {
            return iterations;
        }
        byte[] count = java.nio.ByteBuffer.allocate(4)
                .putInt((int) Math.max(3, Math.min(iterations, MAX_MILLIS / Math.max(1e-3, warmUpMillisPerIteration)))).array();
        ops.bcast(count, 4);
        return java.nio.ByteBuffer.wrap(count).getInt();
    }

    private static void run(Ops ops, String test, int bytes, boolean timed) {
        int n = ops.size();
        boolean perPeer = test.equals("allgather") || test.equals("alltoall");
        // each point has its own arrays: the previous point's mirrors are garbage
        MIRRORS.clear();
        DOUBLE_MIRRORS.clear();
        byte[] a = data(perPeer && test.equals("alltoall") ? bytes * n : bytes);
        byte[] b = data(perPeer ? bytes * n : bytes);
        int elements = Math.max(1, bytes / Double.BYTES);
        boolean reduces = test.equals("allreduce") || test.equals("reduce");
        double[] x = new double[reduces ? elements : 0];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = ops.rank() + i;
        }
        if (DIRECT && reduces) {
            for (double[] array : new double[][] {x, y}) {
                java.nio.ByteBuffer mirror = java.nio.ByteBuffer.allocateDirect(8 * array.length)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                mirror.asDoubleBuffer().put(array);
                DOUBLE_MIRRORS.put(array, mirror);
            }
        }
        int iterations = iterations(bytes);
        Runnable once = switch (test) {
            case "latency" -> () -> {
                if (ops.rank() == 0) {
                    ops.send(a, bytes, 1);
                    ops.recv(b, bytes, 1);
                } else {
                    ops.recv(b, bytes, 0);
                    ops.send(a, bytes, 0);
                }
            };
            case "bandwidth" -> () -> {
                if (ops.rank() == 0) {
                    for (int w = 0; w < WINDOW; w++) {
                        ops.send(a, bytes, 1);
                    }
                    ops.recv(b, 1, 1);
                } else {
                    for (int w = 0; w < WINDOW; w++) {
                        ops.recv(b, bytes, 0);
                    }
                    ops.send(a, 1, 0);
                }
            };
            case ONE_WAY -> () -> {
                if (ops.rank() == 0) {
                    ops.send(a, bytes, 1);
                } else {
                    ops.recv(b, bytes, 0);
                }
            };
            case "bcast" -> () -> ops.bcast(a, bytes);
            case "allreduce" -> () -> ops.allreduce(x, y);
            case "reduce" -> () -> ops.reduce(x, y);
            case "allgather" -> () -> ops.allgather(a, bytes, b);
            default -> () -> ops.alltoall(a, bytes, b);
        };
        double perIteration = warmUp(ops, once, MAX_MILLIS > 0 ? 2 : Math.max(2, iterations / 10));
        iterations = iterations(ops, bytes, perIteration);
        // the untimed passes do everything the timed one does (barrier, max): code first used while
        // timing would be compiled then, and new classes then invalidate compiled hot paths
        ops.barrier();
        long elapsed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            if (SEPARATE) {
                ops.barrier();
                start = System.nanoTime();
            }
            once.run();
            if (SEPARATE) {
                elapsed += System.nanoTime() - start;
            }
        }
        double micros = (SEPARATE ? elapsed : System.nanoTime() - start) / 1e3 / iterations;
        if (test.equals("latency")) {
            micros /= 2;
        }
        if (DIRECT && reduces) {
            doubles(y).asDoubleBuffer().get(0, y);
        }
        if (reduces && (test.equals("allreduce") || ops.rank() == 0) && y[0] != (double) n * (n - 1) / 2) {
            throw new IllegalStateException(test + " computed " + y[0] + " instead of " + (double) n * (n - 1) / 2);
        }
        double slowest = ops.max(micros);
        if (timed && ops.rank() == 0) {
            System.out.printf(Locale.ROOT, "@osu %s %d %d %d %.3f %.3f%n", test, n, bytes, iterations, slowest,
                    ops.predictedMicros(test, bytes));
            System.out.flush();
        }
    }

    /** The benchmark over FMI: the communicator fmirun describes in the environment. */
    static final class FmiOps implements Ops {
        private final Communicator comm = Communicator.fromEnvironment();
        private final double[] one = new double[1];
        private final double[] result = new double[1];

        @Override
        public int rank() {
            return comm.rank();
        }

        @Override
        public int size() {
            return comm.size();
        }

        @Override
        public void barrier() {
            comm.barrier();
        }

        @Override
        public void send(byte[] buf, int length, int dest) {
            comm.send(buffer(buf, 0, length), dest);
        }

        @Override
        public void recv(byte[] buf, int length, int source) {
            comm.recv(buffer(buf, 0, length), source);
        }

        @Override
        public void bcast(byte[] buf, int length) {
            if (length == buf.length && !MIRRORS.containsKey(buf)) {
                comm.bcast(buf, 0);
            } else {
                comm.bcast(buffer(buf, 0, length), 0);
            }
        }

        @Override
        public void allreduce(double[] send, double[] recv) {
            if (DIRECT) {
                comm.allreduce(doubles(send), doubles(recv), double.class, Op.SUM);
            } else {
                comm.allreduce(send, recv, Op.SUM);
            }
        }

        @Override
        public void reduce(double[] send, double[] recv) {
            if (DIRECT) {
                comm.reduce(doubles(send), doubles(recv), double.class, Op.SUM, 0);
            } else {
                comm.reduce(send, recv, Op.SUM, 0);
            }
        }

        @Override
        public void allgather(byte[] send, int length, byte[] recv) {
            if (MIRRORS.containsKey(send)) {
                comm.allgather(buffer(send, 0, send.length), buffer(recv, 0, recv.length));
            } else {
                comm.allgather(send, recv);
            }
        }

        @Override
        public void alltoall(byte[] send, int length, byte[] recv) {
            if (MIRRORS.containsKey(send)) {
                comm.alltoall(buffer(send, 0, send.length), buffer(recv, 0, recv.length));
            } else {
                comm.alltoall(send, recv);
            }
        }

        @Override
        public double max(double value) {
            one[0] = value;
            comm.allreduce(one, result, Op.MAX);
            return result[0];
        }

        /**
         * The model's cost of the operation on the channel the communicator picks (as fmi-bench's
         * thread sweeps predict): latency is one send, bandwidth a window of sends and the 1-byte
         * answer, the collectives one call with {@code bytes} per rank.
         */
        @Override
        public double predictedMicros(String test, int bytes) {
            double micros = switch (test) {
                case "latency", ONE_WAY -> seconds(Operation.SEND, bytes);
                case "bandwidth" -> WINDOW * seconds(Operation.SEND, bytes) + seconds(Operation.SEND, 1);
                case "bcast" -> seconds(Operation.BCAST, bytes);
                case "allreduce" -> seconds(Operation.ALLREDUCE, bytes);
                case "reduce" -> seconds(Operation.REDUCE, bytes);
                case "allgather" -> seconds(Operation.ALLGATHER, bytes);
                default -> seconds(Operation.ALLTOALL, bytes);
            };
            return micros * 1e6;
        }

        private double seconds(Operation op, long bytes) {
            io.fmi.model.Explanation why = comm.explain(op, bytes);
            return why.estimates().stream().filter(e -> e.channel().equals(why.chosen())).findFirst()
                    .orElseThrow().seconds();
        }

        @Override
        public void close() {
            comm.close();
        }
    }
}

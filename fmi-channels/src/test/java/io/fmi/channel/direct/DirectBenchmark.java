package io.fmi.channel.direct;

import io.fmi.Communicator;
import io.fmi.bench.Jmh;
import io.fmi.bench.Partners;
import io.fmi.config.FmiConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Direct channel against raw blocking Java sockets doing the same work on loopback, as JMH
 * benchmarks run side by side ({@link Jmh}): half round trips, one-way streams of messages, and
 * allreduce of 1 MiB of doubles over 8 peers (raw: recursive doubling over pre-connected sockets, a
 * writer thread per peer). Peers are threads of this JVM; rank 0 is JMH's thread, the others
 * ({@link Partners}) answer in the background. Prints the table; asserts nothing about time. Run
 * with {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=DirectBenchmark}.
 */
@Tag("benchmark")
public class DirectBenchmark {
    /** Messages per invocation of the bandwidth benchmarks (each is one operation). */
    private static final int WINDOW = 4;
    private static final int ALLREDUCE_PEERS = 8;
    private static final int ALLREDUCE_DOUBLES = 1 << 17;

    /** The configs of the run, set by the test before JMH starts (JMH runs in this JVM). */
    static FmiConfig config;
    static FmiConfig spinConfig;

    @Test
    void directChannelVersusRawSockets() throws Exception {
        try (RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults())) {
            String backend = "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + server.port();
            config = FmiConfig.parse(backend + "}}}");
            spinConfig = FmiConfig.parse(backend + ", \"spin_us\": 20}}}");
            Jmh.compare(DirectBenchmark.class, "Direct, loopback", List.of(
                    new Jmh.Pair("latency (half round trip)", "oursPingPong", "rawPingPong"),
                    new Jmh.Pair("latency 8 B with spin_us 20", "oursPingPongSpin", "rawPingPong"),
                    new Jmh.Pair("one-way stream, per message", "oursStream", "rawStream"),
                    new Jmh.Pair("allreduce 1 MiB doubles x 8 peers", "oursAllreduce", "rawAllreduce")),
                    "(stream: " + WINDOW + " messages one way, then a 1-byte acknowledgement; per message)");
        }
    }

    @State(Scope.Benchmark)
    public static class Echo extends Partners.EchoState {
        @Param({"8", "1024", "65536"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() {
            open(config, bytes);
        }
    }

    /** {@link Echo} with {@code spin_us} 20. */
    @State(Scope.Benchmark)
    public static class SpinningEcho extends Partners.EchoState {
        @Param("8")
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() {
            open(spinConfig, bytes);
        }
    }

    /** Two peers: rank 1 receives windows of messages. */
    @State(Scope.Benchmark)
    public static class Sink {
        @Param({"1048576", "67108864"})
        public int bytes;
        Partners peers;
        byte[] buf;
        final byte[] ack = new byte[1];

        @Setup(Level.Trial)
        public void setUp() {
            peers = Partners.sink(config, bytes, WINDOW);
            buf = new byte[bytes];
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            peers.close();
        }
    }

    /** Eight peers summing zeros. */
    @State(Scope.Benchmark)
    public static class Allreduce extends Partners.AllreduceState {
        @Setup(Level.Trial)
        public void setUp() {
            open(config, ALLREDUCE_PEERS, ALLREDUCE_DOUBLES);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] oursPingPong(Echo s) {
        return s.roundTrip();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] oursPingPongSpin(SpinningEcho s) {
        return s.roundTrip();
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public byte[] oursStream(Sink s) {
        Communicator comm = s.peers.root();
        for (int i = 0; i < WINDOW; i++) {
            comm.send(s.buf, 1);
        }
        comm.recv(s.ack, 1);
        return s.ack;
    }

    @Benchmark
    public double[] oursAllreduce(Allreduce s) {
        return s.once();
    }

    /** A connected pair of plain blocking sockets with TCP_NODELAY, and a thread serving the far end. */
    public abstract static class RawPair {
        byte[] buf;
        Socket near;
        Socket far;
        DataInputStream in;
        DataOutputStream out;
        Thread server;

        void open(int bytes) throws IOException {
            buf = new byte[bytes];
            try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                near = new Socket(listener.getInetAddress(), listener.getLocalPort());
                far = listener.accept();
            }
            near.setTcpNoDelay(true);
            far.setTcpNoDelay(true);
            in = new DataInputStream(near.getInputStream());
            out = new DataOutputStream(near.getOutputStream());
            DataInputStream farIn = new DataInputStream(far.getInputStream());
            DataOutputStream farOut = new DataOutputStream(far.getOutputStream());
            byte[] farBuf = new byte[bytes];
            server = new Thread(() -> {
                try {
                    while (true) {
                        serve(farIn, farOut, farBuf);
                    }
                } catch (EOFException end) {
                    // the near end closed: the trial is over
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "raw-far-end");
            server.setDaemon(true);
            server.start();
        }

        abstract void serve(DataInputStream farIn, DataOutputStream farOut, byte[] buf) throws IOException;

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            near.close();
            server.join();
            far.close();
        }
    }

    @State(Scope.Benchmark)
    public static class RawEcho extends RawPair {
        @Param({"8", "1024", "65536"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(bytes);
        }

        @Override
        void serve(DataInputStream farIn, DataOutputStream farOut, byte[] b) throws IOException {
            farIn.readFully(b);
            farOut.write(b);
        }
    }

    @State(Scope.Benchmark)
    public static class RawSink extends RawPair {
        @Param({"1048576", "67108864"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            open(bytes);
        }

        @Override
        void serve(DataInputStream farIn, DataOutputStream farOut, byte[] b) throws IOException {
            for (int i = 0; i < WINDOW; i++) {
                farIn.readFully(b);
            }
            farOut.write(1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] rawPingPong(RawEcho s) throws IOException {
        s.out.write(s.buf);
        s.in.readFully(s.buf);
        return s.buf;
    }

    @Benchmark
    @OperationsPerInvocation(WINDOW)
    public int rawStream(RawSink s) throws IOException {
        for (int i = 0; i < WINDOW; i++) {
            s.out.write(s.buf);
        }
        return s.in.read();
    }

    /**
     * Raw baseline: recursive doubling allreduce over pre-connected blocking sockets (each step a full
     * exchange with the partner, its two directions on two threads); ranks 1.. run in the background
     * until rank 0 contributes a NaN.
     */
    @State(Scope.Benchmark)
    public static class RawAllreduce {
        Socket[][] links;
        ExecutorService[] writers;
        byte[][] mine;
        byte[][] theirs;
        final List<Future<?>> partners = new ArrayList<>();
        ExecutorService partnerThreads;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            int size = ALLREDUCE_PEERS;
            links = new Socket[size][size];
            for (int a = 0; a < size; a++) {
                for (int b = a + 1; b < size; b++) {
                    try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                        links[a][b] = new Socket(listener.getInetAddress(), listener.getLocalPort());
                        links[b][a] = listener.accept();
                    }
                    links[a][b].setTcpNoDelay(true);
                    links[b][a].setTcpNoDelay(true);
                }
            }
            writers = new ExecutorService[size];
            mine = new byte[size][ALLREDUCE_DOUBLES * 8];
            theirs = new byte[size][ALLREDUCE_DOUBLES * 8];
            partnerThreads = Executors.newFixedThreadPool(size - 1);
            for (int r = 0; r < size; r++) {
                writers[r] = Executors.newSingleThreadExecutor();
            }
            for (int r = 1; r < size; r++) {
                int rank = r;
                partners.add(partnerThreads.submit(() -> {
                    do {
                        step(rank);
                    } while (!Double.isNaN(ByteBuffer.wrap(mine[rank]).getDouble(0)));
                    return null;
                }));
            }
        }

        void step(int rank) throws Exception {
            for (int mask = 1; mask < ALLREDUCE_PEERS; mask <<= 1) {
                Socket link = links[rank][rank ^ mask];
                Future<?> sent = writers[rank].submit(() -> {
                    link.getOutputStream().write(mine[rank]);
                    return null;
                });
                new DataInputStream(link.getInputStream()).readFully(theirs[rank]);
                sent.get();
                DoubleBuffer a = ByteBuffer.wrap(mine[rank]).asDoubleBuffer();
                DoubleBuffer b = ByteBuffer.wrap(theirs[rank]).asDoubleBuffer();
                for (int k = 0; k < ALLREDUCE_DOUBLES; k++) {
                    a.put(k, a.get(k) + b.get(k));
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            ByteBuffer.wrap(mine[0]).putDouble(0, Double.NaN);
            step(0);
            for (Future<?> f : partners) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
            partnerThreads.shutdown();
            for (ExecutorService w : writers) {
                w.shutdown();
            }
            for (Socket[] row : links) {
                for (Socket s : row) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    @Benchmark
    public byte[] rawAllreduce(RawAllreduce s) throws Exception {
        s.step(0);
        return s.mine[0];
    }
}

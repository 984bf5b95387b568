package io.fmi.channel.direct;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Direct channel against raw blocking Java sockets doing the same work on loopback, in one run:
 * ping-pong half round trips, one-way bandwidth, and allreduce of 1 MiB of doubles over 8 peers
 * (raw: the same recursive doubling over pre-connected sockets, a writer thread per peer). Each case runs
 * three times, raw and ours alternating; prints medians and the median ratio;
 * asserts nothing about time. Run with {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=DirectBenchmark}.
 */
@Tag("benchmark")
class DirectBenchmark {

    /** Each case runs this many times, raw and ours alternating; medians and the median ratio are printed. */
    private static final int ROUNDS = 3;

    @Test
    void directChannelVersusRawSockets() throws Exception {
        try (RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults())) {
            FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
                    + server.port() + "}}}");
            List<String> rows = new ArrayList<>();
            rows.add(String.format(Locale.ROOT, "%-36s %12s %12s %8s   (medians of %d alternating rounds)",
                    "Direct, loopback", "ours", "raw", "ratio", ROUNDS));
            for (int bytes : new int[] {8, 1024, 64 * 1024}) {
                int iters = 4000;
                rows.add(compare("latency (half round trip) " + label(bytes), "%10.1fµs", () -> rawPingPong(bytes, iters),
                        () -> pingPong(config, bytes, iters)));
            }
            FmiConfig spin = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
                    + server.port() + ", \"spin_us\": 20}}}");
            rows.add(compare("latency 8 B with spin_us 20", "%10.1fµs", () -> rawPingPong(8, 4000),
                    () -> pingPong(spin, 8, 4000)));
            for (int bytes : new int[] {1 << 20, 64 << 20}) {
                long total = 512L << 20;
                int count = (int) Math.max(4, total / bytes);
                rows.add(compare("bandwidth " + label(bytes) + " messages", "%8.0fMB/s", () -> rawBandwidth(bytes, count),
                        () -> bandwidth(config, bytes, count)));
            }
            rows.add(compare("allreduce 1 MiB doubles x 8 peers", "%10.1fms", () -> rawAllreduce(8, 1 << 17, 20),
                    () -> allreduce(config, 8, 1 << 17, 20)));
            rows.add("(ratio = ours/raw per round, median over rounds; for latency and allreduce time lower is better,"
                    + " for bandwidth higher is better)");
            System.out.println();
            rows.forEach(System.out::println);
            System.out.println();
        }
    }

    private static String compare(String label, String format, Callable<Double> raw, Callable<Double> ours)
            throws Exception {
        double[] r = new double[ROUNDS];
        double[] o = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            r[i] = raw.call();
            o[i] = ours.call();
            ratio[i] = o[i] / r[i];
        }
        return String.format(Locale.ROOT, "%-36s " + format + " " + format + " %8.2f", label, middle(o), middle(r),
                middle(ratio));
    }

    private static double middle(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String label(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " B";
    }

    private static double median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1000.0;
    }

    private static <T> List<T> peers(FmiConfig config, int size, LocalPeers.Peer<T> body) {
        String name = "bench-" + UUID.randomUUID();
        return LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name).config(config)
                .timeout(Duration.ofMinutes(2)).build(), body, Duration.ofMinutes(10));
    }

    private static double pingPong(FmiConfig config, int bytes, int iters) {
        return peers(config, 2, comm -> {
            byte[] buf = new byte[bytes];
            long[] t = new long[iters];
            for (int i = -iters / 2; i < iters; i++) {
                long start = System.nanoTime();
                io.fmi.calibration.Calibrator.roundTrip(comm, buf);
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
            return median(t) / 2;
        }).get(0);
    }

    private static double bandwidth(FmiConfig config, int bytes, int count) {
        return peers(config, 2, comm -> {
            byte[] buf = new byte[bytes];
            byte[] ack = new byte[1];
            for (int round = 0; round < 2; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (comm.rank() == 0) {
                        comm.send(buf, 1);
                    } else {
                        comm.recv(buf, 0);
                    }
                }
                if (comm.rank() == 1) {
                    comm.send(ack, 0);
                } else {
                    comm.recv(ack, 1);
                }
                if (round == 1) {
                    return (double) bytes * count / ((System.nanoTime() - start) / 1e9) / 1e6;
                }
            }
            return 0.0;
        }).get(0);
    }

    /** A connected pair of plain blocking sockets with TCP_NODELAY. */
    private static Socket[] socketPair() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Socket a = new Socket(listener.getInetAddress(), listener.getLocalPort());
            Socket b = listener.accept();
            a.setTcpNoDelay(true);
            b.setTcpNoDelay(true);
            return new Socket[] {a, b};
        }
    }

    private static double rawPingPong(int bytes, int iters) throws Exception {
        Socket[] pair = socketPair();
        Thread echo = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(pair[1].getInputStream());
                DataOutputStream out = new DataOutputStream(pair[1].getOutputStream());
                byte[] buf = new byte[bytes];
                for (int i = -iters / 2; i < iters; i++) {
                    in.readFully(buf);
                    out.write(buf);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        echo.start();
        DataInputStream in = new DataInputStream(pair[0].getInputStream());
        DataOutputStream out = new DataOutputStream(pair[0].getOutputStream());
        byte[] buf = new byte[bytes];
        long[] t = new long[iters];
        for (int i = -iters / 2; i < iters; i++) {
            long start = System.nanoTime();
            out.write(buf);
            in.readFully(buf);
            if (i >= 0) {
                t[i] = System.nanoTime() - start;
            }
        }
        echo.join();
        pair[0].close();
        pair[1].close();
        return median(t) / 2;
    }

    private static double rawBandwidth(int bytes, int count) throws Exception {
        Socket[] pair = socketPair();
        double[] result = new double[1];
        Thread sink = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(pair[1].getInputStream());
                byte[] buf = new byte[bytes];
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < count; i++) {
                        in.readFully(buf);
                    }
                    pair[1].getOutputStream().write(1);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        sink.start();
        byte[] buf = new byte[bytes];
        DataOutputStream out = new DataOutputStream(pair[0].getOutputStream());
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                out.write(buf);
            }
            pair[0].getInputStream().read();
            result[0] = (double) bytes * count / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
        sink.join();
        pair[0].close();
        pair[1].close();
        return result[0];
    }

    private static double allreduce(FmiConfig config, int size, int doubles, int iters) {
        return peers(config, size, comm -> {
            double[] in = new double[doubles];
            double[] out = new double[doubles];
            long[] t = new long[iters];
            for (int i = -3; i < iters; i++) {
                comm.barrier();
                long start = System.nanoTime();
                comm.allreduce(in, out, Op.SUM);
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
            return median(t) / 1000;
        }).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /**
     * Raw baseline: recursive doubling allreduce over pre-connected blocking sockets (each step a
     * full exchange with the partner, the exchange's two directions on two threads), 8 peers.
     */
    private static double rawAllreduce(int size, int doubles, int iters) throws Exception {
        Socket[][] links = new Socket[size][size];
        for (int a = 0; a < size; a++) {
            for (int b = a + 1; b < size; b++) {
                Socket[] pair = socketPair();
                links[a][b] = pair[0];
                links[b][a] = pair[1];
            }
        }
        double[] medians = new double[size];
        Thread[] threads = new Thread[size];
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(size);
        java.util.concurrent.ExecutorService[] writers = new java.util.concurrent.ExecutorService[size];
        for (int r = 0; r < size; r++) {
            writers[r] = java.util.concurrent.Executors.newSingleThreadExecutor();
        }
        for (int r = 0; r < size; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                try {
                    byte[] mine = new byte[doubles * 8];
                    byte[] theirs = new byte[doubles * 8];
                    long[] t = new long[iters];
                    for (int i = -3; i < iters; i++) {
                        barrier.await();
                        long start = System.nanoTime();
                        for (int mask = 1; mask < size; mask <<= 1) {
                            Socket link = links[rank][rank ^ mask];
                            java.util.concurrent.Future<?> sent = writers[rank].submit(() -> {
                                link.getOutputStream().write(mine);
                                return null;
                            });
                            new DataInputStream(link.getInputStream()).readFully(theirs);
                            sent.get();
                            java.nio.DoubleBuffer a = ByteBuffer.wrap(mine).asDoubleBuffer();
                            java.nio.DoubleBuffer b = ByteBuffer.wrap(theirs).asDoubleBuffer();
                            for (int k = 0; k < doubles; k++) {
                                a.put(k, a.get(k) + b.get(k));
                            }
                        }
                        if (i >= 0) {
                            t[i] = System.nanoTime() - start;
                        }
                    }
                    medians[rank] = median(t) / 1000;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads[r].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (java.util.concurrent.ExecutorService w : writers) {
            w.shutdown();
        }
        for (Socket[] row : links) {
            for (Socket s : row) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return Arrays.stream(medians).max().orElseThrow();
    }
}

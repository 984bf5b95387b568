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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Direct channel against raw blocking Java sockets doing the same work on loopback, in one run:
 * ping-pong half round trips, one-way bandwidth, and allreduce of 1 MiB of doubles over 8 peers
 * (raw: the same recursive doubling over pre-connected sockets). Prints medians and ratios;
 * asserts nothing about time. Run with {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=DirectBenchmark}.
 */
@Tag("benchmark")
class DirectBenchmark {

    @Test
    void directChannelVersusRawSockets() throws Exception {
        try (RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults())) {
            FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
                    + server.port() + "}}}");
            List<String> rows = new ArrayList<>();
            rows.add(String.format(Locale.ROOT, "%-36s %12s %12s %8s", "Direct, loopback, medians", "ours", "raw", "ratio"));
            for (int bytes : new int[] {8, 1024, 64 * 1024}) {
                int iters = 2000;
                double raw = rawPingPong(bytes, iters);
                double ours = pingPong(config, bytes, iters);
                rows.add(String.format(Locale.ROOT, "%-36s %10.1fµs %10.1fµs %8.2f", "latency (half round trip) " + label(bytes),
                        ours, raw, ours / raw));
            }
            for (int bytes : new int[] {1 << 20, 64 << 20}) {
                long total = 512L << 20;
                int count = (int) Math.max(4, total / bytes);
                double raw = rawBandwidth(bytes, count);
                double ours = bandwidth(config, bytes, count);
                rows.add(String.format(Locale.ROOT, "%-36s %8.0fMB/s %8.0fMB/s %8.2f", "bandwidth " + label(bytes)
                        + " messages", ours, raw, ours / raw));
            }
            double raw = rawAllreduce(8, 1 << 17, 20);
            double ours = allreduce(config, 8, 1 << 17, 20);
            rows.add(String.format(Locale.ROOT, "%-36s %10.1fms %10.1fms %8.2f", "allreduce 1 MiB doubles x 8 peers",
                    ours, raw, ours / raw));
            rows.add("(latency ratio = ours/raw, lower is better; bandwidth ratio = ours/raw, higher is better)");
            System.out.println();
            rows.forEach(System.out::println);
            System.out.println();
        }
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
                if (comm.rank() == 0) {
                    comm.send(buf, 1);
                    comm.recv(buf, 1);
                } else {
                    comm.recv(buf, 0);
                    comm.send(buf, 0);
                }
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
                            Thread writer = new Thread(() -> {
                                try {
                                    link.getOutputStream().write(mine);
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                            writer.start();
                            new DataInputStream(link.getInputStream()).readFully(theirs);
                            writer.join();
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

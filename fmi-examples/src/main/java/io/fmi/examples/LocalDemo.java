package io.fmi.examples;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.channel.direct.RendezvousServer;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The local demo: starts N peers (default 8) as threads of this JVM, runs every collective on them,
 * checks each result, and prints results and per-operation timings. Needs no external server: by
 * default the peers talk over the Direct channel (real TCP on loopback, paired through an embedded
 * rendezvous server); {@code --channel Local} or {@code LocalStore} use the in-memory channels.
 *
 * <pre>
 * java -jar fmi-examples/target/fmi-demo.jar [--peers N] [--channel Direct|Local|LocalStore] [--config fmi.json] [--reps R]
 * </pre>
 */
public final class LocalDemo {
    private LocalDemo() {
    }

    public static void main(String[] args) {
        int peers = 8;
        int reps = 50;
        String channel = "Direct";
        Path configPath = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers":
                    peers = Integer.parseInt(value(args, ++i));
                    break;
                case "--channel":
                    channel = value(args, ++i);
                    break;
                case "--config":
                    configPath = Path.of(value(args, ++i));
                    break;
                case "--reps":
                    reps = Integer.parseInt(value(args, ++i));
                    break;
                default:
                    System.err.println("usage: fmi-demo [--peers N] [--channel Direct|Local|LocalStore] [--config file] [--reps R]");
                    System.exit(2);
            }
        }
        if (configPath != null) {
            run(peers, reps, FmiConfig.load(configPath));
        } else if (channel.equals("Direct")) {
            String secret = java.util.UUID.randomUUID().toString();
            try (RendezvousServer server = RendezvousServer.start(new java.net.InetSocketAddress("127.0.0.1", 0),
                    RendezvousServer.Options.defaults().withSecret(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                System.out.println("embedded rendezvous server on 127.0.0.1:" + server.port());
                run(peers, reps, FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
                        + server.port() + ", \"secret\": \"" + secret + "\"}}}"));
            }
        } else {
            run(peers, reps, FmiConfig.parse("{\"backends\": {\"" + channel + "\": {}}}"));
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value after " + args[i - 1]);
        }
        return args[i];
    }

    static void run(int size, int reps, FmiConfig config) {
        String name = "demo-" + UUID.randomUUID();
        System.out.printf(Locale.ROOT, "FMI for Java demo: %d peers as threads, channels %s%n%n", size,
                config.enabledBackends().keySet());
        List<List<String>> lines = LocalPeers.call(size,
                rank -> Communicator.builder().rank(rank).size(size).name(name).config(config).build(),
                comm -> demo(comm, reps), Duration.ofMinutes(5));
        lines.get(0).forEach(System.out::println);
        System.out.println();
        System.out.println("All results checked on every rank.");
    }

    /** Runs every operation on one peer; rank 0's report is printed. */
    private static List<String> demo(Communicator comm, int reps) {
        int r = comm.rank();
        int n = comm.size();
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "%-14s %-44s %12s", "operation", "result on rank 0 (checked on all ranks)",
                "median µs"));

        double[] one = {r + 1};
        double[] sum = new double[1];
        time(report, "allreduce", () -> comm.allreduce(one, sum, Op.SUM), reps, () -> "sum of 1.." + n + " = " + fmt(sum[0]));
        check(sum[0] == n * (n + 1) / 2.0, "allreduce");

        int[] token = {r == 0 ? 42 : 0};
        time(report, "bcast", () -> comm.bcast(token, 0), reps, () -> "rank 0's 42 everywhere: " + token[0]);
        check(token[0] == 42, "bcast");

        time(report, "barrier", comm::barrier, reps, () -> "everyone arrived");

        long[] mine = {r * 10L};
        long[] all = new long[n];
        time(report, "allgather", () -> comm.allgather(mine, all), reps, () -> Arrays.toString(all));
        for (int i = 0; i < n; i++) {
            check(all[i] == i * 10L, "allgather");
        }

        int[] gathered = r == 0 ? new int[n] : null;
        time(report, "gather", () -> comm.gather(new int[] {r * r}, gathered, 0), reps, () -> r == 0 ? Arrays.toString(gathered) : "");

        int[] pieces = r == 0 ? java.util.stream.IntStream.range(0, n).map(i -> 100 + i).toArray() : null;
        int[] piece = new int[1];
        time(report, "scatter", () -> comm.scatter(pieces, piece, 0), reps, () -> "rank 0 got " + piece[0]);
        check(piece[0] == 100 + r, "scatter");

        long[] max = new long[1];
        time(report, "reduce", () -> comm.reduce(new long[] {r}, r == 0 ? max : null, Op.MAX, 0), reps, () -> "max rank = " + max[0]);

        int[] prefix = new int[1];
        time(report, "scan", () -> comm.scan(new int[] {1}, prefix, Op.SUM), reps, () -> "rank 0's prefix = " + prefix[0]);
        check(prefix[0] == r + 1, "scan");

        int[] before = {-1};
        time(report, "exscan", () -> comm.exscan(new int[] {1}, before, Op.SUM), reps, () -> "rank 0 keeps its buffer: " + before[0]);
        check(r == 0 ? before[0] == -1 : before[0] == r, "exscan");

        int[] out = new int[n];
        int[] in = java.util.stream.IntStream.range(0, n).map(j -> r * 100 + j).toArray();
        time(report, "alltoall", () -> comm.alltoall(in, out), reps, () -> Arrays.toString(out));
        for (int i = 0; i < n; i++) {
            check(out[i] == i * 100 + r, "alltoall");
        }

        double[] block = new double[1];
        double[] contributions = new double[n];
        Arrays.fill(contributions, 1);
        time(report, "reduceScatter", () -> comm.reduceScatter(contributions, block, Op.SUM), reps, () -> "each rank gets its block's sum = " + fmt(block[0]));
        check(block[0] == n, "reduceScatter");

        int right = (r + 1) % n;
        int left = (r - 1 + n) % n;
        int[] got = new int[1];
        time(report, "send/recv", () -> {
            comm.send(new int[] {r}, right, 7);
            comm.recv(got, left, 7);
        }, reps, () -> "rank 0 heard from rank " + got[0]);
        check(got[0] == left, "send/recv");

        double[] big = new double[1 << 17];
        Arrays.fill(big, 1.0);
        double[] bigSum = new double[big.length];
        time(report, "allreduce 1MiB", () -> comm.allreduce(big, bigSum, Op.SUM), Math.max(3, reps / 5), () -> "every element = " + fmt(bigSum[0]));
        check(bigSum[bigSum.length - 1] == n, "allreduce 1 MiB");

        Op threeAPlusB = Op.custom((double[] a, double[] b) -> { a[0] = 3 * a[0] + b[0]; }, false, false);
        double[] fold = new double[1];
        time(report, "custom op", () -> comm.allreduce(new double[] {r}, fold, threeAPlusB), reps, () -> "((0*3+1)*3+2)... in rank order = " + fmt(fold[0]));
        return report;
    }

    private static void time(List<String> report, String op, Runnable body, int reps,
                             java.util.function.Supplier<String> result) {
        long[] nanos = new long[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            body.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        report.add(String.format(Locale.ROOT, "%-14s %-44s %12.1f", op, result.get(), nanos[reps / 2] / 1000.0));
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static void check(boolean ok, String op) {
        if (!ok) {
            throw new IllegalStateException(op + " returned a wrong result");
        }
    }
}

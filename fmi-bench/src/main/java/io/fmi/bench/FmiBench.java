package io.fmi.bench;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Operation;
import io.fmi.channel.direct.RendezvousServer;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fmi-bench}: OSU-style sweeps per channel — latency (half a round trip), bandwidth (a
 * window of messages one way), bcast, allreduce, allgather, alltoall — over message sizes, with
 * the model's prediction next to each measurement; prints a table, and writes CSV and one PNG
 * chart per operation (time against size, log-log, measured and predicted per channel).
 *
 * <p>The peers are threads of this JVM over the real channels (Direct with an embedded rendezvous
 * server unless the config names one; the storage channels at the config's endpoints).
 */
@Command(name = "fmi-bench", mixinStandardHelpOptions = true, sortOptions = false, subcommands = {ProcessBench.class, AccuracyBench.class},
        description = "Latency, bandwidth and collective sweeps per channel, OSU style, with CSV and PNG charts.")
public final class FmiBench implements Callable<Integer> {

    /** What one sweep measures. */
    enum Test {
        LATENCY(Operation.SEND), BANDWIDTH(Operation.SEND), BCAST(Operation.BCAST), ALLREDUCE(Operation.ALLREDUCE),
        ALLGATHER(Operation.ALLGATHER), ALLTOALL(Operation.ALLTOALL);

        final Operation op;

        Test(Operation op) {
            this.op = op;
        }
    }

    /** One measured point. */
    record Point(String channel, Test test, int peers, int bytes, double medianMicros, double minMicros,
                 double predictedMicros) {
    }

    @Option(names = "--channel", description = "channel to measure (repeatable; default Local). Local, LocalStore and"
            + " Direct need no config; others come from --config")
    List<String> channels = new ArrayList<>();

    @Option(names = "--config", description = "fmi.json with the backends (and model) to use")
    Path config;

    @Option(names = "--peers", description = "number of peers (default ${DEFAULT-VALUE})")
    int peers = 2;

    @Option(names = "--sizes", split = ",", converter = SizeConverter.class,
            description = "message sizes in bytes, e.g. 8,1K,64K,1M (default 8 B to 1 MiB, x8)")
    List<Integer> sizes = List.of(8, 64, 512, 4 << 10, 32 << 10, 256 << 10, 1 << 20);

    /** {@code 8}, {@code 64K}, {@code 1M}: bytes. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            String t = s.trim().toUpperCase(Locale.ROOT);
            int factor = t.endsWith("K") ? 1024 : t.endsWith("M") ? 1 << 20 : 1;
            String digits = factor == 1 ? t : t.substring(0, t.length() - 1);
            long n;
            try {
                n = Long.parseLong(digits) * factor;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + s + "' is not a size like 8, 64K or 1M");
            }
            if (n < 1 || n > (1 << 30)) {
                throw new CommandLine.TypeConversionException("size " + s + " is not between 1 byte and 1 GiB");
            }
            return (int) n;
        }
    }

    @Option(names = "--tests", split = ",", description = "tests, any of ${COMPLETION-CANDIDATES} (default all)")
    List<Test> tests = Arrays.asList(Test.values());

    @Option(names = "--min-time", description = "milliseconds each point is measured for at least (default ${DEFAULT-VALUE})")
    long minTimeMs = 200;

    @Option(names = "--csv", description = "write the points to this CSV file")
    Path csv;

    @Option(names = "--png", description = "write one chart per test into this directory")
    Path png;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FmiBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (channels.isEmpty()) {
            channels = List.of("Local");
        }
        int[] bytes = sizes.stream().mapToInt(Integer::intValue).toArray();
        List<Point> points = new ArrayList<>();
        System.out.printf(Locale.ROOT, "# fmi-bench: %d peers (threads of one JVM), median of at least %d ms per point%n",
                peers, minTimeMs);
        System.out.printf(Locale.ROOT, "# %-10s %-10s %10s %12s %12s %12s %10s%n", "channel", "test", "bytes", "median us",
                "min us", "model us", "MB/s");
        RendezvousServer server = null;
        try {
            for (String channel : channels) {
                FmiConfig cfg;
                if (channel.equals("Direct") && (config == null || !FmiConfig.load(config).enabledBackends().containsKey("Direct"))) {
                    if (server == null) {
                        server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0), RendezvousServer.Options.defaults());
                    }
                    cfg = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + server.port()
                            + "}}}");
                } else if (config != null) {
                    cfg = FmiConfig.load(config);
                } else {
                    cfg = FmiConfig.parse("{\"backends\": {\"" + channel + "\": {}}}");
                }
                // an unopened channel tells its kind without connecting anywhere
                io.fmi.config.BackendConfig backend = cfg.enabledBackends().get(channel);
                boolean p2p = backend != null && io.fmi.spi.ChannelProviders.find(channel).map(p -> p.create(backend))
                        .map(c -> c instanceof io.fmi.spi.PeerToPeerChannel).orElse(false);
                for (Test test : tests) {
                    for (int size : bytes) {
                        Point p = measure(cfg, channel, p2p, test, size);
                        points.add(p);
                        double mbps = test == Test.LATENCY || test == Test.BANDWIDTH ? size / p.medianMicros() : Double.NaN;
                        System.out.printf(Locale.ROOT, "  %-10s %-10s %10d %12.2f %12.2f %12.2f %10s%n", channel,
                                test.name().toLowerCase(Locale.ROOT), size, p.medianMicros(), p.minMicros(),
                                p.predictedMicros(), Double.isNaN(mbps) ? "" : String.format(Locale.ROOT, "%.1f", mbps));
                    }
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        if (csv != null) {
            writeCsv(points, csv);
        }
        if (png != null) {
            Charts.write(points, png);
        }
        return 0;
    }

    /** One point: all peers run the test until {@code minTimeMs} has passed; rank 0's median counts. */
    private Point measure(FmiConfig cfg, String channel, boolean p2p, Test test, int size) {
        String name = "bench-" + UUID.randomUUID();
        List<double[]> results = LocalPeers.call(peers, rank -> {
            Communicator.Builder b = Communicator.builder().rank(rank).size(peers).name(name).config(cfg)
                    .timeout(Duration.ofMinutes(2));
            for (Operation op : Operation.values()) {
                b.pin(op, channel);
            }
            return b.build();
        }, comm -> run(comm, test, size), Duration.ofMinutes(10));
        double[] times = results.get(0);
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double model = predict(cfg, channel, p2p, test, size);
        return new Point(channel, test, peers, size, sorted[sorted.length / 2], sorted[0], model);
    }

    /** The model's prediction in microseconds, as the communicator would make it. */
    private double predict(FmiConfig cfg, String channel, boolean p2p, Test test, int size) {
        io.fmi.config.BackendConfig backend = cfg.enabledBackends().get(channel);
        if (backend == null) {
            return Double.NaN;
        }
        // a send's prediction is one message: half a round trip, or one message of the window
        return io.fmi.model.ChannelModel.of(cfg, backend, p2p, java.util.Map.of()).cost(test.op, size, peers).seconds() * 1e6;
    }

    /** Rank 0's time per operation in microseconds, one value per repetition. */
    private double[] run(Communicator comm, Test test, int size) {
        byte[] buf = new byte[size];
        byte[] blocks = new byte[size * comm.size()];
        byte[] other = new byte[size * comm.size()];
        double[] in = new double[Math.max(1, size / 8)];
        double[] reduced = new double[in.length];
        int window = 16;
        List<Double> micros = new ArrayList<>();
        long until = 0;
        for (int i = 0; ; i++) {
            comm.barrier();
            long start = System.nanoTime();
            switch (test) {
                case LATENCY:
                    io.fmi.calibration.Calibrator.roundTrip(comm, buf);
                    break;
                case BANDWIDTH:
                    if (comm.rank() == 0) {
                        for (int w = 0; w < window; w++) {
                            comm.send(buf, 1);
                        }
                        comm.recv(new byte[1], 1);
                    } else if (comm.rank() == 1) {
                        for (int w = 0; w < window; w++) {
                            comm.recv(buf, 0);
                        }
                        comm.send(new byte[1], 0);
                    }
                    break;
                case BCAST:
                    comm.bcast(buf, 0);
                    break;
                case ALLREDUCE:
                    comm.allreduce(in, reduced, Op.SUM);
                    break;
                case ALLGATHER:
                    comm.allgather(buf, blocks);
                    break;
                case ALLTOALL:
                    comm.alltoall(blocks, other);
                    break;
                default:
                    throw new IllegalStateException(test.name());
            }
            long nanos = System.nanoTime() - start;
            double us = nanos / 1e3;
            micros.add(test == Test.LATENCY ? us / 2 : test == Test.BANDWIDTH ? us / window : us);
            // every rank stops after the same repetition: rank 0 decides, all learn it
            long[] stop = {comm.rank() == 0 && i >= 4 && System.nanoTime() - until >= 0 ? 1 : 0};
            if (i == 0) {
                until = System.nanoTime() + minTimeMs * 1_000_000;
            }
            comm.bcast(stop, 0);
            if (stop[0] == 1 || i >= 10_000) {
                break;
            }
        }
        return micros.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void writeCsv(List<Point> points, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.println("channel,test,peers,bytes,median_us,min_us,model_us");
            for (Point p : points) {
                out.printf(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.3f,%.3f%n", p.channel(), p.test().name().toLowerCase(Locale.ROOT),
                        p.peers(), p.bytes(), p.medianMicros(), p.minMicros(), p.predictedMicros());
            }
        }
    }
}

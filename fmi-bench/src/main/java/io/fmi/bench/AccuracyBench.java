package io.fmi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.calibration.Calibrator;
import io.fmi.config.FmiConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fmi-bench accuracy}: how well the model knows the channels when every peer is a separate
 * process, as functions are. For each channel of the config that can join processes (not the
 * in-JVM Local and LocalStore), it first calibrates with processes started by fmirun — half round
 * trips between two processes over {@code --fit-sizes} give overhead and bandwidth, broadcasts over
 * the larger peer counts the aggregate download bandwidth of a Redis-like store
 * ({@link Calibrator#fit}) — and writes the calibrated config; then, with that config, it measures
 * send (two processes), bcast and allreduce over {@code --sizes} × {@code --np} — each operation
 * timed alone, every rank starting together, as the model predicts it — and prints each
 * cell's prediction (the library's own, in the job: {@code explain}) against the measurement, the
 * share of cells within [0.67, 1.5], and how often FAST — the channel with the lowest predicted
 * time — is the measured fastest or within 10% of it; overall and per channel. With
 * {@code --repeat N} it measures the grid N times and also prints how often a later pass's
 * measurement is within the same band of the first pass's: how far this machine agrees with itself,
 * which no model can beat.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Calibrates the model with separate processes (fmirun) and prints predicted against measured time"
                + " of send, bcast and allreduce per channel, and how often FAST picks the measured-fastest channel.")
final class AccuracyBench implements Callable<Integer> {
    /** Channels that live in one JVM and cannot join separate processes. */
    private static final Set<String> IN_JVM = Set.of("Local", "LocalStore");
    private static final double LOW = 0.67;
    private static final double HIGH = 1.5;
    private static final double NEAR_FASTEST = 1.10;

    @Option(names = "--config", required = true, description = "fmi.json naming the backends (their servers must be up)")
    Path config;

    @Option(names = "--channel", split = ",", description = "channels to check (default: every enabled one that can join"
            + " processes)")
    List<String> channels;

    @Option(names = "--np", split = ",", description = "numbers of processes for bcast and allreduce (default 2,4,8)")
    List<Integer> ranks = List.of(2, 4, 8);

    @Option(names = "--sizes", split = ",", converter = FmiBench.SizeConverter.class,
            description = "sizes of the grid (default 8,64K,1M)")
    List<Integer> sizes = List.of(8, 64 << 10, 1 << 20);

    @Option(names = "--fit-sizes", split = ",", converter = FmiBench.SizeConverter.class,
            description = "sizes of the calibration's half round trips (default 8,16K,256K,1M)")
    List<Integer> fitSizes = List.of(8, 16 << 10, 256 << 10, 1 << 20);

    @Option(names = "--warmup-ms", description = "warm-up per point, ms (default ${DEFAULT-VALUE})")
    long warmUpMillis = 300;

    @Option(names = "--warmup-passes", description = "untimed passes over every point of a job first (default ${DEFAULT-VALUE};"
            + " the calibration's shorter jobs get two more)")
    int passes = 1;

    @Option(names = "--max-ms", description = "timed iterations per point, at most about this many ms (default ${DEFAULT-VALUE})")
    long maxMillis = 1500;

    @Option(names = "--out", description = "where to write the calibrated config (default: a temporary file)")
    Path out;

    @Option(names = "--csv", description = "write every cell (channel, op, bytes, peers, predicted_us, measured_us) here")
    Path csv;

    @Option(names = "--repeat", description = "measure the grid this many times (default ${DEFAULT-VALUE}); from 2 on,"
            + " also print how often the passes' measurements agree within the band")
    int repeat = 1;

    @Option(names = "--jvm-arg", description = "an argument for each rank's JVM (repeatable)")
    List<String> jvmArgs = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One cell of the grid on one channel. */
    record Cell(String channel, String op, int bytes, int peers, double predictedMicros, double measuredMicros, int pass) {
        double ratio() {
            return predictedMicros / measuredMicros;
        }

        boolean inBand() {
            return inBand(ratio());
        }

        static boolean inBand(double ratio) {
            return ratio >= LOW && ratio <= HIGH;
        }

        /** The cell of the grid, whichever pass measured it. */
        String point() {
            return channel + " " + op + " " + bytes + " " + peers;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        JsonNode original = json.readTree(config.toFile());
        FmiConfig parsed = FmiConfig.load(config);
        List<String> checked = channels != null ? channels : parsed.enabledBackends().keySet().stream()
                .filter(c -> !IN_JVM.contains(c)).collect(Collectors.toList());
        for (String c : checked) {
            if (IN_JVM.contains(c) || !parsed.enabledBackends().containsKey(c)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "channel '" + c + "' "
                        + (IN_JVM.contains(c) ? "lives in one JVM and cannot join separate processes"
                        : "is not enabled in " + config + " (enabled: " + parsed.enabledBackends().keySet() + ")"));
            }
        }
        int[] peerCounts = ranks.stream().mapToInt(Integer::intValue).toArray();
        long[] fitBytes = fitSizes.stream().mapToLong(Integer::longValue).toArray();
        String fitList = fitSizes.stream().map(String::valueOf).collect(Collectors.joining(","));
        int largest = fitSizes.get(fitSizes.size() - 1);

        // 1. calibration, with processes
        Calibrator calibrator = new Calibrator(parsed, 3);
        List<Calibrator.Fit> fits = new ArrayList<>();
        for (String channel : checked) {
            System.err.printf(Locale.ROOT, "# calibrating %s with 2 processes%n", channel);
            Map<Integer, Double> sends = new TreeMap<>();
            // the calibration's job is short: two more untimed passes, or its JVMs are colder than the grid's
            for (String[] p : job(config, channel, 2, sendTest(calibrator, channel), fitList, passes + 2)) {
                sends.put(Integer.parseInt(p[2]), Double.parseDouble(p[4]) / 1e6);
            }
            double[] seconds = fitSizes.stream().mapToDouble(sends::get).toArray();
            fits.add(calibrator.fit(channel, fitBytes, seconds, peerCounts, n -> {
                try {
                    System.err.printf(Locale.ROOT, "# calibrating %s: bcast of %d bytes over %d processes%n", channel, largest, n);
                    return Double.parseDouble(job(config, channel, n, "bcast", String.valueOf(largest), passes + 2).get(0)[4]) / 1e6;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }));
        }
        Path calibrated = out != null ? out : Files.createTempFile("fmi-calibrated", ".json");
        json.writerWithDefaultPrettyPrinter().writeValue(calibrated.toFile(), Calibrator.merge(original, fits));

        // 2. the grid, with the calibrated model
        String sizeList = sizes.stream().map(String::valueOf).collect(Collectors.joining(","));
        List<Cell> cells = new ArrayList<>();
        for (int pass = 1; pass <= repeat; pass++) {
            for (String channel : checked) {
                for (int np : ranks) {
                    System.err.printf(Locale.ROOT, "# measuring %s with %d processes (pass %d of %d)%n", channel, np,
                            pass, repeat);
                    String tests = np == 2 ? sendTest(calibrator, channel) + ",bcast,allreduce" : "bcast,allreduce";
                    for (String[] p : job(calibrated, channel, np, tests, sizeList, passes)) {
                        String op = p[0].equals("latency") || p[0].equals(OsuWorker.ONE_WAY) ? "send" : p[0];
                        cells.add(new Cell(channel, op, Integer.parseInt(p[2]), Integer.parseInt(p[1]),
                                Double.parseDouble(p[5]), Double.parseDouble(p[4]), pass));
                    }
                }
            }
        }
        print(fits, cells, calibrated);
        if (csv != null) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
                w.println("channel,op,bytes,peers,predicted_us,measured_us,pass");
                cells.forEach(c -> w.printf(Locale.ROOT, "%s,%s,%d,%d,%.3f,%.3f,%d%n", c.channel(), c.op(), c.bytes(),
                        c.peers(), c.predictedMicros(), c.measuredMicros(), c.pass()));
            }
        }
        return 0;
    }

    /**
     * How a send is measured: half a ping-pong on a peer-to-peer channel (OSU's latency); one message
     * from a common start on a store, whose polling receiver finds a message the later the longer it
     * has waited — the second half of a ping-pong waited a whole first half.
     */
    private static String sendTest(Calibrator calibrator, String channel) {
        return calibrator.peerToPeer(channel) ? "latency" : OsuWorker.ONE_WAY;
    }

    /** One fmirun job of OsuWorker over {@code channel}; its {@code @osu} lines. */
    private List<String[]> job(Path cfg, String channel, int np, String tests, String sizeList, int warmUpPasses)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "io.fmi.launcher.FmiRun", "-np",
                String.valueOf(np), "--timeout", "1800", "--config", cfg.toAbsolutePath().toString(), "--channel", channel,
                "-cp", classPath, "--jvm-arg=-Dfmi.osu.maxMs=" + maxMillis, "--jvm-arg=-Dfmi.osu.separate=true"));
        for (String arg : jvmArgs) {
            command.add("--jvm-arg=" + arg);
        }
        command.addAll(List.of("io.fmi.bench.OsuWorker", "fmi", tests, sizeList, String.valueOf(warmUpMillis),
                String.valueOf(warmUpPasses)));
        return ProcessBench.execute(command);
    }

    private void print(List<Calibrator.Fit> fits, List<Cell> cells, Path calibrated) {
        System.out.println("# fmi-bench accuracy: model calibrated with separate processes, written to " + calibrated);
        for (Calibrator.Fit f : fits) {
            System.out.printf(Locale.ROOT, "fit %-10s overhead %9.4f ms  bandwidth %10.1f MB/s%s%n", f.channel(),
                    f.overheadMs(), f.bandwidthMBps(), Double.isNaN(f.aggregateBandwidthMBps()) ? ""
                            : String.format(Locale.ROOT, "  concurrent downloads %10.1f MB/s", f.aggregateBandwidthMBps()));
        }
        System.out.printf(Locale.ROOT, "%-10s %-10s %9s %5s %14s %14s %7s%s%n", "channel", "op", "bytes", "peers",
                "predicted µs", "measured µs", "ratio", repeat > 1 ? "  pass" : "");
        for (Cell c : cells) {
            System.out.printf(Locale.ROOT, "%-10s %-10s %9d %5d %14.1f %14.1f %7.2f%s%s%n", c.channel(), c.op(), c.bytes(),
                    c.peers(), c.predictedMicros(), c.measuredMicros(), c.ratio(), c.inBand() ? "   " : "  *",
                    repeat > 1 ? "  " + c.pass() : "");
        }
        Map<String, List<Cell>> byChannel = cells.stream().collect(Collectors.groupingBy(Cell::channel,
                LinkedHashMap::new, Collectors.toList()));
        System.out.printf(Locale.ROOT, "predicted/measured within [%.2f, %.2f] (* = outside): %s of cells; per channel: %s%n",
                LOW, HIGH, share(cells), byChannel.entrySet().stream().map(e -> e.getKey() + " " + share(e.getValue()))
                        .collect(Collectors.joining(", ")));
        int cores = Runtime.getRuntime().availableProcessors();
        List<Cell> ownCores = cells.stream().filter(c -> c.peers() <= cores).collect(Collectors.toList());
        System.out.printf(Locale.ROOT, "  of them with at most %d processes (this machine's cores; functions have their own):"
                + " %s; with more processes than cores: %s%n", cores, share(ownCores),
                share(cells.stream().filter(c -> c.peers() > cores).collect(Collectors.toList())));
        printAgreement(cells);
        // FAST: per (op, bytes, peers) and pass, the channel with the lowest prediction against the measured fastest
        Map<String, List<Cell>> byCase = cells.stream().collect(Collectors.groupingBy(
                c -> c.op() + " " + c.bytes() + " " + c.peers() + (repeat > 1 ? " pass " + c.pass() : ""),
                LinkedHashMap::new, Collectors.toList()));
        int good = 0;
        Map<String, Integer> picked = new TreeMap<>();
        Map<String, Integer> fastest = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        for (Map.Entry<String, List<Cell>> e : byCase.entrySet()) {
            Cell choice = e.getValue().stream().min((a, b) -> Double.compare(a.predictedMicros(), b.predictedMicros())).orElseThrow();
            Cell best = e.getValue().stream().min((a, b) -> Double.compare(a.measuredMicros(), b.measuredMicros())).orElseThrow();
            picked.merge(choice.channel(), 1, Integer::sum);
            fastest.merge(best.channel(), 1, Integer::sum);
            if (choice.measuredMicros() <= NEAR_FASTEST * best.measuredMicros()) {
                good++;
            } else {
                misses.add(String.format(Locale.ROOT, "%s: FAST picks %s (%.1f µs), fastest %s (%.1f µs)", e.getKey(),
                        choice.channel(), choice.measuredMicros(), best.channel(), best.measuredMicros()));
            }
        }
        System.out.printf(Locale.ROOT, "FAST picks the measured-fastest channel (or one within 10%%) in %d of %d cases (%.0f%%);"
                + " picked %s, fastest %s%n", good, byCase.size(), 100.0 * good / Math.max(1, byCase.size()), picked, fastest);
        misses.forEach(m -> System.out.println("  missed " + m));
    }

    /**
     * With several passes: how often a later pass measured a cell within the band of what the
     * first pass measured (later ÷ first), overall and per channel — the accuracy a model that knew
     * the first pass's every figure would have.
     */
    private static void printAgreement(List<Cell> cells) {
        Map<String, Double> first = cells.stream().filter(c -> c.pass() == 1)
                .collect(Collectors.toMap(Cell::point, Cell::measuredMicros));
        List<Cell> later = cells.stream().filter(c -> c.pass() > 1).collect(Collectors.toList());
        if (later.isEmpty()) {
            return;
        }
        Map<String, int[]> perChannel = new LinkedHashMap<>();
        int[] all = new int[2];
        for (Cell c : later) {
            boolean agrees = Cell.inBand(c.measuredMicros() / first.get(c.point()));
            for (int[] count : List.of(all, perChannel.computeIfAbsent(c.channel(), k -> new int[2]))) {
                count[0] += agrees ? 1 : 0;
                count[1]++;
            }
        }
        System.out.printf(Locale.ROOT, "this machine against itself: a later pass measured within [%.2f, %.2f] of the first"
                + " in %d/%d (%.0f%%) of cells; per channel: %s%n", LOW, HIGH, all[0], all[1], 100.0 * all[0] / all[1],
                perChannel.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %d/%d", e.getKey(), e.getValue()[0],
                        e.getValue()[1])).collect(Collectors.joining(", ")));
    }

    private static String share(List<Cell> cells) {
        long in = cells.stream().filter(Cell::inBand).count();
        return String.format(Locale.ROOT, "%d/%d (%.0f%%)", in, cells.size(), 100.0 * in / Math.max(1, cells.size()));
    }
}

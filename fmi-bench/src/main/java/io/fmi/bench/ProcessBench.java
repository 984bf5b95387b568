package io.fmi.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fmi-bench processes}: the OSU-style tests with every rank a separate process, side by
 * side in one run: FMI over Direct started by fmirun, the same algorithms in plain Java over
 * pre-connected sockets ({@link RawPeers}), and Open MPI ({@code osu_fmi.c} compiled with
 * {@code mpicc}, run by {@code mpirun --mca btl tcp,self}) when it is installed. The three run in
 * alternating rounds, in reverse order every other round (fmi raw ompi, ompi raw fmi, ...), so that
 * a noisy machine, and a drift across a round, affect them alike; the table gives each one's
 * median over the rounds with the range, the ratios ours / raw and ours / Open MPI, each
 * computed per round, as median [min–max], and the model's prediction over FMI's measurement
 * (how well the model that picks channels knows Direct across processes).
 */
@Command(name = "processes", mixinStandardHelpOptions = true, sortOptions = false,
        description = "OSU-style tests with one process per rank: FMI (Direct, via fmirun) vs plain Java sockets vs Open MPI.")
final class ProcessBench implements Callable<Integer> {
    /** The implementations, in the order they run within an odd round (even rounds reverse it). */
    static final List<String> IMPLS = List.of("fmi", "raw", "ompi");

    @Option(names = "--np", split = ",", description = "numbers of ranks (default 2,4,8; the raw baseline needs powers of two)")
    List<Integer> ranks = List.of(2, 4, 8);

    @Option(names = "--tests", split = ",", description = "any of latency, bandwidth (2 ranks only), bcast, allreduce,"
            + " reduce, allgather, alltoall (default all)")
    List<String> tests = OsuWorker.TESTS;

    @Option(names = "--sizes", split = ",", converter = FmiBench.SizeConverter.class,
            description = "message sizes (per rank for allgather and alltoall), e.g. 8,64K,1M (default 8,1K,64K,1M,16M)")
    List<Integer> sizes = List.of(8, 1 << 10, 64 << 10, 1 << 20, 16 << 20);

    @Option(names = "--rounds", description = "alternating rounds (default ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--warmup-ms", description = "warm-up per point, ms (default ${DEFAULT-VALUE}; every implementation"
            + " gets the same)")
    long warmUpMillis = 1000;

    @Option(names = "--quiet-ms", description = "after --warmup-ms, a Java job's warm-up goes on until no rank's JIT"
            + " compilers have finished anything for this long, ms (at most 60 s more; default ${DEFAULT-VALUE};"
            + " 0: by time only): several JVMs on a few cores compile for many seconds")
    long quietMillis = OsuWorker.QUIET_MILLIS;

    @Option(names = "--warmup-passes", description = "untimed passes over all tests and sizes before the timed one"
            + " (default ${DEFAULT-VALUE}): the JVMs' compilers need many seconds when several share the cores")
    int passes = 1;

    @Option(names = "--impl", split = ",", description = "implementations to run: fmi, raw, ompi (default all that exist)")
    List<String> impls = IMPLS;

    @Option(names = "--config", description = "fmi.json for the FMI jobs (fmirun --config; default Direct with an embedded"
            + " rendezvous server); its model section is what the model/fmi column uses, e.g. one written by Calibrate")
    Path config;

    @Option(names = "--buffers", description = "where the Java ranks keep the data: heap (byte arrays) or direct"
            + " (direct ByteBuffers, which sockets use without the JDK's copy); default ${DEFAULT-VALUE}")
    Buffers buffers = Buffers.heap;

    /** {@link OsuWorker#DIRECT}. */
    enum Buffers { heap, direct }

    @Option(names = "--separate", description = "time each iteration alone, after a barrier, as OSU's collective tests"
            + " do (default: back to back, where a rank that need not wait — a reduce's leaves — runs ahead)")
    boolean separate;

    @Option(names = "--iterations", description = "timed iterations per point for every implementation (default 0:"
            + " OSU's count, 32 MiB per point, 5 to 1000 — 32 for 1 MiB); more average out more of a shared machine's noise")
    int iterations;

    @Option(names = "--jvm-arg", description = "an argument for each Java rank's JVM (repeatable)")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--csv", description = "write every measurement (impl, round, test, ranks, bytes, us, model_us, iterations) to this CSV file")
    Path csv;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One rank count's measurements: impl → key (test, bytes) → one value per round. */
    private final Map<Integer, Map<String, Map<String, List<Double>>>> results = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (quietMillis < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--quiet-ms is " + quietMillis + "; give 0 (warm up by time only) or more");
        }
        if (iterations < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--iterations is " + iterations + "; give 1 or more, or 0 for OSU's count");
        }
        for (String test : tests) {
            if (!OsuWorker.TESTS.contains(test)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "unknown test '" + test + "'; tests are " + OsuWorker.TESTS);
            }
        }
        List<String> run = new ArrayList<>(impls);
        Path ompi = null;
        if (run.contains("ompi")) {
            ompi = compileOpenMpi();
            if (ompi == null) {
                run.remove("ompi");
            }
        }
        String sizeList = sizes.stream().map(String::valueOf).collect(Collectors.joining(","));
        String testList = String.join(",", tests);
        List<String[]> rows = new ArrayList<>();
        try {
            for (int np : ranks) {
                Map<String, Map<String, List<Double>>> perImpl = results.computeIfAbsent(np, k -> new LinkedHashMap<>());
                for (int round = 1; round <= rounds; round++) {
                    for (String impl : roundOrder(run, round)) {
                        List<String> command = impl.equals("ompi") ? mpirun(ompi, np, testList, sizeList)
                                : fmirun(impl, np, testList, sizeList);
                        System.err.printf(Locale.ROOT, "# round %d/%d, %d ranks: %s%n", round, rounds, np, impl);
                        for (String[] point : execute(command)) {
                            String key = point[0] + " " + point[2];
                            perImpl.computeIfAbsent(impl, k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                                    .add(Double.parseDouble(point[4]));
                            if (point.length > 5 && !point[5].equals("NaN")) {
                                perImpl.computeIfAbsent("model", k -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                                        .add(Double.parseDouble(point[5]));
                            }
                            rows.add(new String[] {impl, String.valueOf(round), point[0], point[1], point[2], point[4],
                                    point.length > 5 ? point[5] : "NaN", point[3]});
                        }
                    }
                }
            }
        } finally {
            if (ompi != null) {
                deleteBuild(ompi.getParent());
            }
        }
        print(run);
        if (csv != null) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
                out.println("impl,round,test,ranks,bytes,us,model_us,iterations");
                rows.forEach(r -> out.println(String.join(",", r)));
            }
        }
        return 0;
    }

    private List<String> fmirun(String impl, int np, String testList, String sizeList) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java, "-cp", classPath, "io.fmi.launcher.FmiRun", "-np",
                String.valueOf(np), "--timeout", "1800", "-cp", classPath));
        for (String arg : jvmArgs) {
            command.add("--jvm-arg=" + arg);
        }
        command.add("--jvm-arg=-Dfmi.osu.buffers=" + buffers);
        command.add("--jvm-arg=-Dfmi.osu.quietMs=" + quietMillis);
        if (separate) {
            command.add("--jvm-arg=-Dfmi.osu.separate=true");
        }
        if (iterations > 0) {
            command.add("--jvm-arg=-Dfmi.osu.iterations=" + iterations);
        }
        if (config != null && impl.equals("fmi")) {
            command.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        command.addAll(List.of("io.fmi.bench.OsuWorker", impl, testList, sizeList, String.valueOf(warmUpMillis),
                String.valueOf(passes)));
        if (impl.equals("raw")) {
            command.add(String.valueOf(freePort()));
        }
        return command;
    }

    private List<String> mpirun(Path binary, int np, String testList, String sizeList) {
        List<String> command = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "-np",
                String.valueOf(np), "--mca", "btl", "tcp,self", binary.toString(), testList, sizeList,
                String.valueOf(warmUpMillis), String.valueOf(passes)));
        if (separate) {
            command.add("separate");
        }
        if (iterations > 0) {
            command.add("iterations=" + iterations);
        }
        return command;
    }

    /**
     * A port for the plain-Java job's rank 0 to listen on, free now and below Linux's ephemeral range
     * (32768 and up): a port the kernel picked for us could be given to another connection's local
     * end before rank 0 binds it (a run failed with "Address already in use" that way).
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20000 + random.nextInt(12000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Compiles osu_fmi.c with mpicc; null (and why, on stderr) when Open MPI is not installed. */
    private static Path compileOpenMpi() throws IOException, InterruptedException {
        if (!onPath("mpirun") || !onPath("mpicc")) {
            System.err.println("# Open MPI (mpirun, mpicc) is not installed: no Open MPI column"
                    + " (apt-get install openmpi-bin libopenmpi-dev)");
            return null;
        }
        Path dir = Files.createTempDirectory("fmi-bench-ompi");
        Path source = dir.resolve("osu_fmi.c");
        try (InputStream in = ProcessBench.class.getResourceAsStream("osu_fmi.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("osu_fmi");
        Process cc = new ProcessBuilder("mpicc", "-O2", "-o", binary.toString(), source.toString()).inheritIO().start();
        if (cc.waitFor() != 0) {
            deleteBuild(dir);
            throw new IOException("mpicc failed to compile " + source);
        }
        return binary;
    }

    /** Deletes the directory Open MPI's benchmark was built in (each run builds its own under the temp dir). */
    private static void deleteBuild(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("# could not delete " + dir + ": " + e);
        }
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    /** Runs one job; returns its {@code @osu} lines split into fields (test, ranks, bytes, iterations, us). */
    static List<String[]> execute(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String[]> points = new ArrayList<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                int at = line.indexOf("@osu ");
                if (at >= 0) {
                    points.add(line.substring(at + 5).trim().split(" "));
                } else {
                    output.add(line);
                }
            }
        }
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("the benchmark job failed: " + String.join(" ", command) + "\n" + String.join("\n", output));
        }
        return points;
    }

    private void print(List<String> run) {
        boolean raw = run.contains("raw");
        boolean ompi = run.contains("ompi");
        System.out.printf(Locale.ROOT, "# fmi-bench processes: %d alternating rounds; times in us (median [min-max] over rounds);"
                + " ratios per round, median [min-max]; Java ranks' data %s; %s; %s%n", rounds,
                buffers == Buffers.direct ? "in direct buffers" : "on the heap",
                separate ? "each iteration timed alone after a barrier" : "iterations back to back",
                iterations > 0 ? iterations + " timed iterations per point" : "OSU's iteration counts");
        System.out.printf(Locale.ROOT, "%-10s %3s %9s %26s %26s %26s %22s %22s %22s%n", "test", "np", "bytes", "fmi",
                raw ? "raw java" : "", ompi ? "open mpi" : "", raw ? "fmi/raw" : "", ompi ? "fmi/ompi" : "", "model/fmi");
        for (Map.Entry<Integer, Map<String, Map<String, List<Double>>>> e : results.entrySet()) {
            Map<String, Map<String, List<Double>>> perImpl = e.getValue();
            // every point any implementation measured (a run may leave FMI out: --impl raw,ompi)
            java.util.Set<String> points = new java.util.LinkedHashSet<>();
            perImpl.forEach((impl, measured) -> points.addAll(measured.keySet()));
            for (String key : points) {
                String[] tb = key.split(" ");
                List<Double> ours = perImpl.getOrDefault("fmi", Map.of()).get(key);
                List<Double> base = perImpl.getOrDefault("raw", Map.of()).get(key);
                List<Double> mpi = perImpl.getOrDefault("ompi", Map.of()).get(key);
                List<Double> model = perImpl.getOrDefault("model", Map.of()).get(key);
                System.out.printf(Locale.ROOT, "%-10s %3d %9s %26s %26s %26s %22s %22s %22s%n", tb[0], e.getKey(), tb[1],
                        range(ours), range(base), range(mpi), range(ratios(ours, base)), range(ratios(ours, mpi)),
                        range(ratios(model, ours)));
            }
        }
    }

    /**
     * The order of the implementations in {@code round} (from 1): as given in odd rounds, reversed in
     * even ones, so that none always runs first, right after the previous round's last.
     */
    static List<String> roundOrder(List<String> impls, int round) {
        List<String> order = new ArrayList<>(impls);
        if (round % 2 == 0) {
            java.util.Collections.reverse(order);
        }
        return order;
    }

    /** Per-round ratios {@code a[i] / b[i]}. */
    static List<Double> ratios(List<Double> a, List<Double> b) {
        if (a == null || b == null) {
            return null;
        }
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }

    /** {@code median [min-max]}. */
    static String range(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%s [%s-%s]", fmt(median), fmt(v[0]), fmt(v[v.length - 1]));
    }

    private static String fmt(double x) {
        return x >= 100 ? String.format(Locale.ROOT, "%.0f", x) : x >= 10 ? String.format(Locale.ROOT, "%.1f", x)
                : String.format(Locale.ROOT, "%.2f", x);
    }
}

package io.fmi.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the JMH benchmarks of one class in this JVM (the channels' servers are fixtures of this
 * test JVM, so no fork), {@code rounds} times, and prints ours against raw side by side: each
 * {@link Pair} names the benchmark method measuring FMI and the one measuring the raw baseline;
 * rows are per parameter combination, with each side's median score over the rounds (µs per
 * operation, average time) and the median and range of the per-round ratio ours/raw.
 *
 * <p>{@code -Dfmi.bench.rounds}, {@code -Dfmi.bench.iterations} (measurement iterations, warm-up is
 * half) and {@code -Dfmi.bench.iterationMs} change the defaults (3 rounds of 4 iterations of 400 ms).
 */
public final class Jmh {
    /** A row of the table: {@code ours} and {@code raw} are benchmark method names of the class. */
    public record Pair(String label, String ours, String raw) {
    }

    private Jmh() {
    }

    /** Runs {@code benchmarks}' methods and prints the table; returns it (one line per row). */
    public static List<String> compare(Class<?> benchmarks, String title, List<Pair> pairs, String... notes)
            throws RunnerException {
        int rounds = Integer.getInteger("fmi.bench.rounds", 3);
        int iterations = Integer.getInteger("fmi.bench.iterations", 4);
        long iterationMs = Long.getLong("fmi.bench.iterationMs", 400);
        // method -> params -> score per round
        Map<String, Map<String, List<Double>>> scores = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            Options options = new OptionsBuilder()
                    .include(java.util.regex.Pattern.quote(benchmarks.getName()) + "\\.")
                    .forks(0)
                    .threads(1)
                    .mode(Mode.AverageTime)
                    .timeUnit(TimeUnit.MICROSECONDS)
                    .warmupIterations(Math.max(1, iterations / 2))
                    .warmupTime(TimeValue.milliseconds(iterationMs))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.milliseconds(iterationMs))
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT)
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            for (RunResult r : results) {
                String label = r.getParams().getBenchmark();
                String method = label.substring(label.lastIndexOf('.') + 1);
                Map<String, String> params = new TreeMap<>();
                for (String key : r.getParams().getParamsKeys()) {
                    params.put(key, r.getParams().getParam(key));
                }
                scores.computeIfAbsent(method, k -> new LinkedHashMap<>())
                        .computeIfAbsent(params.toString(), k -> new ArrayList<>())
                        .add(r.getPrimaryResult().getScore());
            }
        }
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-44s %-24s %12s %12s %8s %13s", title, "params", "ours µs/op", "raw µs/op",
                "ours/raw", "range"));
        for (Pair pair : pairs) {
            Map<String, List<Double>> ours = scores.get(pair.ours());
            Map<String, List<Double>> raw = scores.get(pair.raw());
            if (ours == null || raw == null) {
                throw new IllegalStateException("no results for " + pair + " (benchmarks measured: " + scores.keySet() + ")");
            }
            for (Map.Entry<String, List<Double>> e : ours.entrySet()) {
                List<Double> base = raw.get(e.getKey());
                if (base == null) {
                    throw new IllegalStateException("no raw result for " + pair + " with " + e.getKey());
                }
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < Math.min(e.getValue().size(), base.size()); i++) {
                    ratios.add(e.getValue().get(i) / base.get(i));
                }
                rows.add(String.format(Locale.ROOT, "%-44s %-24s %12.1f %12.1f %8.2f %6.2f–%-6.2f", pair.label(),
                        e.getKey(), median(e.getValue()), median(base), median(ratios), min(ratios), max(ratios)));
            }
        }
        rows.add("(JMH, average time per operation, " + rounds + " rounds of " + iterations + " × " + iterationMs
                + " ms after warm-up; ratio per round, median and range over the rounds; lower is better)");
        rows.addAll(List.of(notes));
        System.out.println();
        rows.forEach(System.out::println);
        System.out.println();
        return rows;
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}

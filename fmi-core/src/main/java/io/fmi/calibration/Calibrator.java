package io.fmi.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Operation;
import io.fmi.config.BackendConfig;
import io.fmi.model.ChannelModel;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import io.fmi.spi.PeerToPeerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Measures every enabled channel of a configuration and fits the model to it: overhead and
 * bandwidth from a least-squares line through send-to-receive times over a sweep of sizes, the
 * aggregate bandwidth of concurrent downloads (Redis' {@code bandwidth_multiple}) from broadcasts
 * over the sweep of peer counts, then a
 * model-accuracy check of predicted against measured time for send, bcast and allreduce over sizes
 * and peer counts, and how often the FAST choice is the measured-fastest channel.
 *
 * <p>Peers run as threads of this JVM, so what is measured is this machine's path to each backend;
 * calibrate where the functions run (e.g. in one Lambda with several threads) for production
 * numbers. Used by the {@code Calibrate} command of {@code fmi-examples}.
 */
public final class Calibrator {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * A fitted channel: overhead per request in ms, bandwidth of one transfer in MB/s, and for
     * stores that serve concurrent readers from one server (Redis) the aggregate bandwidth of
     * concurrent downloads, fitted from broadcasts over the peer counts (NaN when not fitted).
     */
    public record Fit(String channel, boolean peerToPeer, double overheadMs, double bandwidthMBps,
                      double aggregateBandwidthMBps) {
    }

    /** One row of the accuracy table. */
    public record Accuracy(String channel, Operation op, long bytes, int peers, double predictedSeconds,
                           double measuredSeconds) {
        public double ratio() {
            return predictedSeconds / measuredSeconds;
        }
    }

    /** Everything one calibration found. */
    public record Report(List<Fit> fits, List<Accuracy> rows, int fastMatches, int cases) {
        /** The accuracy table, one row per channel, operation, size and peer count. */
        public String table() {
            StringBuilder s = new StringBuilder();
            for (Fit f : fits) {
                s.append(String.format(Locale.ROOT, "fit %-10s overhead %9.4f ms  bandwidth %10.1f MB/s%s%n",
                        f.channel(), f.overheadMs(), f.bandwidthMBps(), Double.isNaN(f.aggregateBandwidthMBps()) ? ""
                                : String.format(Locale.ROOT, "  concurrent downloads %10.1f MB/s", f.aggregateBandwidthMBps())));
            }
            s.append(String.format(Locale.ROOT, "%-10s %-10s %10s %5s %14s %14s %7s%n", "channel", "op", "bytes", "peers",
                    "predicted ms", "measured ms", "ratio"));
            for (Accuracy a : rows) {
                s.append(String.format(Locale.ROOT, "%-10s %-10s %10d %5d %14.3f %14.3f %7.2f%n", a.channel(),
                        a.op().label(), a.bytes(), a.peers(), a.predictedSeconds() * 1000, a.measuredSeconds() * 1000,
                        a.ratio()));
            }
            s.append(String.format(Locale.ROOT, "FAST choice = measured fastest in %d of %d cases%n", fastMatches, cases));
            return s.toString();
        }
    }

    private final FmiConfig config;
    private final int reps;

    /** Calibrates the enabled backends of {@code config}, repeating each measurement {@code reps} times. */
    public Calibrator(FmiConfig config, int reps) {
        this.config = config;
        this.reps = Math.max(3, reps);
    }

    /**
     * Fits every enabled channel on {@code fitSizes}, then checks the model on {@code sizes} ×
     * {@code peerCounts} for send, bcast and allreduce.
     */
    public Report run(long[] fitSizes, long[] sizes, int[] peerCounts) {
        List<Fit> fits = new ArrayList<>();
        Map<String, ChannelModel> models = new LinkedHashMap<>();
        for (BackendConfig backend : config.enabledBackends().values()) {
            FmiConfig single = config.only(backend.name());
            double[] seconds = new double[fitSizes.length];
            measure(single, Operation.SEND, fitSizes[fitSizes.length - 1], 2);
            for (int i = 0; i < fitSizes.length; i++) {
                seconds[i] = measure(single, Operation.SEND, fitSizes[i], 2);
            }
            long bcastBytes = fitSizes[fitSizes.length - 1];
            Fit fit = fit(backend.name(), fitSizes, seconds, peerCounts, n -> measure(single, Operation.BCAST, bcastBytes, n));
            fits.add(fit);
            models.put(backend.name(), model(fit));
        }
        List<Accuracy> rows = new ArrayList<>();
        int matches = 0;
        int cases = 0;
        for (Operation op : new Operation[] {Operation.SEND, Operation.BCAST, Operation.ALLREDUCE}) {
            for (long bytes : sizes) {
                for (int peers : peerCounts) {
                    String predictedBest = null;
                    String measuredBest = null;
                    double bestPredicted = Double.MAX_VALUE;
                    double bestMeasured = Double.MAX_VALUE;
                    for (Map.Entry<String, ChannelModel> e : models.entrySet()) {
                        double predicted = e.getValue().cost(op, bytes, peers).seconds();
                        double measured = measure(config.only(e.getKey()), op, bytes, peers);
                        rows.add(new Accuracy(e.getKey(), op, bytes, peers, predicted, measured));
                        if (predicted < bestPredicted) {
                            bestPredicted = predicted;
                            predictedBest = e.getKey();
                        }
                        if (measured < bestMeasured) {
                            bestMeasured = measured;
                            measuredBest = e.getKey();
                        }
                    }
                    cases++;
                    if (predictedBest != null && predictedBest.equals(measuredBest)) {
                        matches++;
                    }
                }
            }
        }
        return new Report(fits, rows, matches, cases);
    }

    /**
     * Fits backend {@code name} of this calibrator's config to measurements made elsewhere (e.g. by
     * separate processes): {@code sendSeconds[i]}, the time from send to receive of {@code sizes[i]}
     * bytes (half a round trip), gives overhead and bandwidth; for stores that serve concurrent
     * readers from one server (Redis), {@code bcastSeconds} — the time of a broadcast of the largest
     * size over a number of peers, asked only for those of {@code peerCounts} it needs — gives the
     * aggregate bandwidth of concurrent downloads.
     */
    public Fit fit(String name, long[] sizes, double[] sendSeconds, int[] peerCounts,
                   java.util.function.IntToDoubleFunction bcastSeconds) {
        BackendConfig backend = config.enabledBackends().get(name);
        if (backend == null) {
            throw new IllegalArgumentException("no enabled backend '" + name + "' in the configuration; enabled: "
                    + config.enabledBackends().keySet());
        }
        boolean p2p = peerToPeer(name);
        double[] x = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            x[i] = sizes[i];
        }
        double[] line = leastSquares(x, sendSeconds);
        int transfers = p2p ? 1 : 2;
        double bandwidth = Math.min(1e5, line[1] > 0 ? transfers / line[1] / 1e6 : 1e5);
        String bandwidthName = bandwidthName(name, p2p);
        double overheadMs = overheadMatching(backend, p2p, bandwidthName, bandwidth, Math.max(line[0], 1e-7));
        ChannelModel singleModel = ChannelModel.of(config, backend, p2p, Map.of("overhead", overheadMs, bandwidthName, bandwidth));
        double aggregate = Double.NaN;
        if (!p2p && singleModel.parameters().get("polling", 0) == 0) {
            aggregate = aggregateBandwidth(sizes[sizes.length - 1], peerCounts, bcastSeconds, overheadMs / 1000, bandwidth * 1e6);
        }
        return new Fit(name, p2p, overheadMs, bandwidth, aggregate);
    }

    /** The model of a fitted channel: the config's parameters with the fitted ones in their place. */
    public ChannelModel model(Fit fit) {
        Map<String, Double> fitted = new LinkedHashMap<>(Map.of("overhead", fit.overheadMs(),
                bandwidthName(fit.channel(), fit.peerToPeer()), fit.bandwidthMBps()));
        if (!Double.isNaN(fit.aggregateBandwidthMBps())) {
            fitted.put("bandwidth_multiple", fit.aggregateBandwidthMBps());
        }
        return ChannelModel.of(config, config.enabledBackends().get(fit.channel()), fit.peerToPeer(), fitted);
    }

    private static String bandwidthName(String channel, boolean p2p) {
        return p2p || !channel.equals("Redis") ? "bandwidth" : "bandwidth_single";
    }

    /**
     * The aggregate bandwidth (MB/s) of concurrent downloads that explains the measured broadcasts
     * of {@code bytes} over each peer count: a broadcast is one upload and {@code n - 1} concurrent
     * downloads, {@code overhead + max(bytes / bandwidth, (n - 1) bytes / aggregate)}. The median
     * over the peer counts where the downloads were bandwidth-bound; NaN if none was.
     */
    private static double aggregateBandwidth(long bytes, int[] peerCounts, java.util.function.IntToDoubleFunction bcastSeconds,
                                             double overhead, double bandwidth) {
        List<Double> estimates = new ArrayList<>();
        for (int n : peerCounts) {
            if (n < 3 || bytes == 0) {
                continue;
            }
            double measured = bcastSeconds.applyAsDouble(n);
            double downloads = measured - (overhead + bytes / bandwidth) - overhead;
            if (downloads > bytes / bandwidth) {
                estimates.add((n - 1) * (double) bytes / downloads / 1e6);
            }
        }
        if (estimates.isEmpty()) {
            return Double.NaN;
        }
        java.util.Collections.sort(estimates);
        return estimates.get(estimates.size() / 2);
    }

    /**
     * The per-request overhead (ms) for which the model predicts exactly the measured time of an
     * empty send; found by bisection, so that what the model adds itself (polling delay, two requests
     * per message on stores) is not counted twice.
     */
    private double overheadMatching(BackendConfig backend, boolean p2p, String bandwidthName, double bandwidth,
                                    double emptySendSeconds) {
        double lo = 0;
        double hi = emptySendSeconds * 1000;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            double predicted = ChannelModel.of(config, backend, p2p, Map.of("overhead", mid, bandwidthName, bandwidth))
                    .cost(Operation.SEND, 0, 2).seconds();
            if (predicted > emptySendSeconds) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return Math.max(1e-4, (lo + hi) / 2);
    }

    /**
     * {@code original} (a parsed config file) with each fitted channel's {@code overhead} and
     * bandwidth written into its {@code model} section; other parameters are kept.
     */
    public static ObjectNode merge(JsonNode original, List<Fit> fits) {
        ObjectNode root = original == null || !original.isObject() ? MAPPER.createObjectNode() : ((ObjectNode) original).deepCopy();
        String section = root.has("performance") && !root.has("model") ? "performance" : "model";
        ObjectNode model = root.has(section) && root.get(section).isObject() ? (ObjectNode) root.get(section)
                : root.putObject(section);
        for (Fit fit : fits) {
            ObjectNode params = model.has(fit.channel()) && model.get(fit.channel()).isObject()
                    ? (ObjectNode) model.get(fit.channel()) : model.putObject(fit.channel());
            params.put("overhead", round(fit.overheadMs()));
            params.put(fit.channel().equals("Redis") ? "bandwidth_single" : "bandwidth", round(fit.bandwidthMBps()));
            if (!Double.isNaN(fit.aggregateBandwidthMBps())) {
                params.put("bandwidth_multiple", round(fit.aggregateBandwidthMBps()));
            }
        }
        return root;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    /** Whether backend {@code name} of the config is a peer-to-peer channel (else an object store). */
    public boolean peerToPeer(String name) {
        return kindOf(config.only(name)).equals("p2p");
    }

    private static String kindOf(FmiConfig single) {
        BackendConfig backend = single.enabledBackends().values().iterator().next();
        java.util.ServiceLoader<io.fmi.spi.ChannelProvider> loader =
                java.util.ServiceLoader.load(io.fmi.spi.ChannelProvider.class, Calibrator.class.getClassLoader());
        for (io.fmi.spi.ChannelProvider provider : loader) {
            if (provider.name().equals(backend.name())) {
                return provider.create(backend) instanceof PeerToPeerChannel ? "p2p" : "store";
            }
        }
        return "store";
    }

    /**
     * One round trip of {@code buf} between ranks 0 and 1 (rank 0 sends first); other ranks take
     * no part. The ping-pong of the calibration and of the benchmarks.
     */
    public static void roundTrip(Communicator comm, byte[] buf) {
        if (comm.rank() == 0) {
            comm.send(buf, 1);
            comm.recv(buf, 1);
        } else if (comm.rank() == 1) {
            comm.recv(buf, 0);
            comm.send(buf, 0);
        }
    }

    /** Median completion time (slowest peer) of {@code op} on {@code peers} peers. */
    private double measure(FmiConfig single, Operation op, long bytes, int peers) {
        String name = "calibrate-" + UUID.randomUUID();
        int n = op == Operation.SEND ? 2 : peers;
        int length = (int) bytes;
        List<Double> medians = LocalPeers.call(n, rank -> Communicator.builder().rank(rank).size(n).name(name)
                .config(single).build(), comm -> {
            byte[] buf = new byte[length];
            double[] doubles = new double[length / 8];
            double[] out = new double[doubles.length];
            long[] t = new long[reps];
            for (int i = -3; i < reps; i++) {
                comm.barrier();
                long start = System.nanoTime();
                switch (op) {
                    case SEND:
                        roundTrip(comm, buf);
                        break;
                    case BCAST:
                        comm.bcast(buf, 0);
                        break;
                    default:
                        comm.allreduce(doubles, out, Op.SUM);
                }
                long took = System.nanoTime() - start;
                if (i >= 0) {
                    t[i] = op == Operation.SEND ? took / 2 : took;
                }
            }
            Arrays.sort(t);
            return t[reps / 2] / 1e9;
        }, Duration.ofMinutes(10));
        return medians.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /**
     * Intercept and slope of the line through (x, y) with the least squared relative error (each
     * point weighted by 1/y²): the model is judged by predicted/measured, and a plain least-squares
     * line over sizes from 8 B to 1 MiB follows the large ones (with the largest 15% slow, it
     * predicted the smallest 25% short).
     */
    static double[] leastSquares(double[] x, double[] y) {
        int n = x.length;
        double[] w = new double[n];
        double sw = 0;
        double swx = 0;
        double swy = 0;
        for (int i = 0; i < n; i++) {
            w[i] = 1 / Math.max(1e-18, y[i] * y[i]);
            sw += w[i];
            swx += w[i] * x[i];
            swy += w[i] * y[i];
        }
        double mx = swx / sw;
        double my = swy / sw;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += w[i] * (x[i] - mx) * (y[i] - my);
            sxx += w[i] * (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }
}

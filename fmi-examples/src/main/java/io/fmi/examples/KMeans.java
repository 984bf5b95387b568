package io.fmi.examples;

import io.fmi.Communicator;
import io.fmi.Op;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Distributed K-means, the workload of the FMI paper's headline result (LambdaML's K-means on HIGGS):
 * every rank owns a shard of the points, assigns them to the nearest centroid, and one allreduce
 * per epoch adds up the centroid sums and counts of all ranks.
 *
 * <p>The data is synthetic and deterministic (HIGGS-like: 28 features, {@code k} clusters), the
 * same for any number of ranks. Coordinates are multiples of 1/256, so every sum of them is exact
 * in a double whatever the grouping: the centroids after each epoch are bit-identical to a
 * single-process run's, which is how tests check a distributed run.
 *
 * <pre>
 * java -jar fmi-launcher/target/fmirun.jar -np 8 -cp fmi-examples/target/fmi-demo.jar io.fmi.examples.KMeans
 * </pre>
 */
@Command(name = "kmeans", mixinStandardHelpOptions = true,
        description = "Distributed K-means: one allreduce of centroid sums and counts per epoch.")
public final class KMeans implements Callable<Integer> {
    @Option(names = "--points", description = "points in all (default ${DEFAULT-VALUE})")
    int points = 200_000;
    @Option(names = "--k", description = "clusters (default ${DEFAULT-VALUE})")
    int k = 10;
    @Option(names = "--dims", description = "features per point (default ${DEFAULT-VALUE}, as HIGGS)")
    int dims = 28;
    @Option(names = "--epochs", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs = 10;
    @Option(names = "--seed", description = "data seed (default ${DEFAULT-VALUE})")
    long seed = 42;
    @Option(names = "--out", description = "rank 0 writes the final centroids here, one per line")
    Path out;

    /** What a run produced: the final centroids and, per epoch, rank 0's compute and communication time. */
    public record Result(double[][] centroids, double[] computeMs, double[] communicationMs, double[] inertia) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new KMeans()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        try (Communicator comm = Communicator.fromEnvironment()) {
            long start = System.nanoTime();
            Result r = run(comm, points, k, dims, epochs, seed);
            if (comm.rank() == 0) {
                PrintStream o = System.out;
                o.printf("K-means: %d points x %d features, k = %d, %d ranks, channel %s%n", points, dims, k,
                        comm.size(), comm.explain(io.fmi.Operation.ALLREDUCE, 8L * k * (dims + 1)).chosen());
                for (int e = 0; e < epochs; e++) {
                    o.printf("epoch %2d: compute %8.2f ms, allreduce %8.2f ms, inertia %.6e%n", e + 1, r.computeMs[e],
                            r.communicationMs[e], r.inertia[e]);
                }
                o.printf("total %.1f ms; centroids sha256 %s%n", (System.nanoTime() - start) / 1e6, digest(r.centroids));
                if (out != null) {
                    Files.writeString(out, format(r.centroids));
                }
            }
        }
        return 0;
    }

    /** A deterministic hash of (seed, a, b), well mixed. */
    private static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L + a * 0xC2B2AE3D27D4EB4FL + b * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 32);
    }

    /** Point {@code i}: the centre of cluster {@code i % k} plus noise, every coordinate a multiple of 1/256. */
    static void point(long seed, int k, int dims, long i, double[] into) {
        long cluster = i % k;
        for (int d = 0; d < dims; d++) {
            long centre = Math.floorMod(mix(seed, -1 - cluster, d), 41) - 20;
            long noise = Math.floorMod(mix(seed, i, d), 2049) - 1024;
            into[d] = centre + noise / 256.0;
        }
    }

    /** Runs K-means on {@code comm}: this rank's shard, one allreduce per epoch. */
    public static Result run(Communicator comm, int points, int k, int dims, int epochs, long seed) {
        int size = comm.size();
        long from = (long) points * comm.rank() / size;
        long to = (long) points * (comm.rank() + 1) / size;
        double[][] shard = new double[(int) (to - from)][dims];
        for (long i = from; i < to; i++) {
            point(seed, k, dims, i, shard[(int) (i - from)]);
        }
        double[][] centroids = new double[k][dims];
        for (int c = 0; c < k; c++) {
            point(seed, k, dims, c * 7919L % Math.max(1, points), centroids[c]);
        }
        int width = dims + 1;
        double[] local = new double[k * width + 1];
        double[] global = new double[local.length];
        double[] computeMs = new double[epochs];
        double[] communicationMs = new double[epochs];
        double[] inertia = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            java.util.Arrays.fill(local, 0);
            for (double[] p : shard) {
                int best = 0;
                double bestDistance = Double.MAX_VALUE;
                for (int c = 0; c < k; c++) {
                    double dist = 0;
                    double[] centroid = centroids[c];
                    for (int d = 0; d < dims; d++) {
                        double diff = p[d] - centroid[d];
                        dist += diff * diff;
                    }
                    if (dist < bestDistance) {
                        bestDistance = dist;
                        best = c;
                    }
                }
                int at = best * width;
                for (int d = 0; d < dims; d++) {
                    local[at + d] += p[d];
                }
                local[at + dims] += 1;
                local[k * width] += bestDistance;
            }
            long t1 = System.nanoTime();
            comm.allreduce(local, global, Op.SUM);
            long t2 = System.nanoTime();
            for (int c = 0; c < k; c++) {
                double count = global[c * width + dims];
                if (count > 0) {
                    for (int d = 0; d < dims; d++) {
                        centroids[c][d] = global[c * width + d] / count;
                    }
                }
            }
            computeMs[e] = (t1 - t0) / 1e6;
            communicationMs[e] = (t2 - t1) / 1e6;
            inertia[e] = global[k * width];
        }
        return new Result(centroids, computeMs, communicationMs, inertia);
    }

    /** The centroids as text, every double exact ({@link Double#toString}). */
    public static String format(double[][] centroids) {
        StringBuilder b = new StringBuilder();
        for (double[] c : centroids) {
            for (int d = 0; d < c.length; d++) {
                b.append(d == 0 ? "" : " ").append(c[d]);
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String digest(double[][] centroids) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(format(centroids).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

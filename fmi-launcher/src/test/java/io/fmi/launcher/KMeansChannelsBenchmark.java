package io.fmi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.channel.dynamodb.DynaliteFixture;
import io.fmi.channel.redis.RedisServerFixture;
import io.fmi.channel.s3.S3ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The K-means job through fmirun (separate processes) over every channel that runs here: Direct
 * with the embedded rendezvous server, Redis, S3 (s3proxy) and DynamoDB (dynalite) on their local
 * servers. Prints the per-epoch allreduce time per channel (epoch 1, the warm-up with pairing and
 * class loading, apart), in alternating rounds. Not a timed test:
 * {@code mvn -B -P bench -pl fmi-launcher -am test -Dtest=KMeansChannelsBenchmark}.
 */
@Tag("benchmark")
class KMeansChannelsBenchmark {
    private static final Pattern EPOCH = Pattern.compile("epoch +(\\d+): compute +([\\d.]+) ms, allreduce +([\\d.]+) ms");

    @Test
    void perEpochCommunicationTimePerChannel(@TempDir Path dir) throws Exception {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("Direct", "{\"backends\": {\"Direct\": {}}}");
        configs.put("Redis", RedisServerFixture.shared().backend(""));
        configs.put("S3", S3ServerFixture.shared().backend(""));
        configs.put("DynamoDB", DynaliteFixture.shared().backend("fmi-kmeans-bench", ""));
        int ranks = Integer.getInteger("fmi.bench.ranks", 4);
        int rounds = Integer.getInteger("fmi.bench.rounds", 2);
        Map<String, List<Double>> allreduce = new LinkedHashMap<>();
        Map<String, List<Double>> compute = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, String> c : configs.entrySet()) {
                Path config = dir.resolve(c.getKey() + ".json");
                Files.writeString(config, c.getValue());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = FmiRun.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                        "-np", Integer.toString(ranks), "--config", config.toString(), "--channel", c.getKey(),
                        "--jvm-arg", "-XX:+UseSerialGC", "--jvm-arg", "-Xmx256m",
                        "io.fmi.examples.KMeans", "--points", "100000", "--epochs", "8");
                String text = out.toString(StandardCharsets.UTF_8);
                assertEquals(0, status, text);
                Matcher m = EPOCH.matcher(text);
                while (m.find()) {
                    if (Integer.parseInt(m.group(1)) > 1) {
                        compute.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
                        allreduce.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(Double.parseDouble(m.group(3)));
                    }
                }
            }
        }
        System.out.printf("K-means, 100000 points x 28 features, k = 10, %d processes, %d rounds; per epoch (2-8):%n",
                ranks, rounds);
        System.out.printf("%-9s %12s %12s %12s   %s%n", "channel", "allreduce p50", "min", "max", "compute p50");
        for (String channel : configs.keySet()) {
            double[] a = allreduce.get(channel).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] c = compute.get(channel).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%-9s %10.2f ms %9.2f ms %9.2f ms   %8.2f ms%n", channel, a[a.length / 2], a[0],
                    a[a.length - 1], c[c.length / 2]);
        }
        System.out.println("raw: " + Arrays.toString(allreduce.entrySet().toArray()));
    }
}

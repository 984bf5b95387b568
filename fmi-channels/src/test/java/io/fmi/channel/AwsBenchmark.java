package io.fmi.channel;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.channel.dynamodb.DynamoFixtures;
import io.fmi.channel.s3.S3Fixtures;
import io.fmi.local.LocalPeers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 and DynamoDB channels against raw SDK calls on the same local servers in one run (s3proxy,
 * dynalite). Prints medians and ratios; asserts nothing about time. Run with
 * {@code mvn -B -P bench -pl fmi-channels -am test}.
 */
@Tag("benchmark")
class AwsBenchmark {

    @Test
    void s3AndDynamoDbChannelsVersusRawRequests() {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-40s %12s %12s %8s", "S3 / DynamoDB, loopback, medians", "ours (µs)",
                "raw (µs)", "ratio"));
        FmiConfig s3Config = FmiConfig.parse(S3Fixtures.backend());
        FmiConfig dynamoConfig = FmiConfig.parse(DynamoFixtures.backend("fmi-bench"));
        try (S3Client s3Client = S3Fixtures.client(); DynamoDbClient dynamo = DynamoFixtures.client()) {
            for (int bytes : new int[] {1024, 1 << 20}) {
                int iters = bytes > 4096 ? 20 : 60;
                double raw = median(iters, () -> {
                    String key = "raw/" + UUID.randomUUID();
                    s3Client.putObject(b -> b.bucket(S3Fixtures.bucket()).key(key), RequestBody.fromBytes(new byte[bytes]));
                    s3Client.getObjectAsBytes(b -> b.bucket(S3Fixtures.bucket()).key(key));
                });
                double ours = pingPongHalf(s3Config, bytes, iters);
                rows.add(String.format(Locale.ROOT, "%-40s %12.1f %12.1f %8.2f", "S3 send->recv " + label(bytes)
                        + " vs PUT+GET", ours, raw, ours / raw));
                System.out.println(rows.get(rows.size() - 1));
            }
            for (int bytes : new int[] {1024, 1 << 20}) {
                int iters = bytes > 4096 ? 10 : 60;
                double ours = pingPongHalf(dynamoConfig, bytes, iters);
                double raw = median(iters, () -> {
                    String key = "raw/" + UUID.randomUUID();
                    int chunk = 380_000;
                    for (int off = 0, part = 0; off < bytes || part == 0; off += chunk, part++) {
                        int n = Math.min(chunk, bytes - off);
                        String k = key + "~" + part;
                        dynamo.putItem(b -> b.tableName("fmi-bench").item(Map.of("k", AttributeValue.fromS(k),
                                "v", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[n])))));
                        dynamo.getItem(b -> b.tableName("fmi-bench").key(Map.of("k", AttributeValue.fromS(k)))
                                .consistentRead(true));
                    }
                });
                rows.add(String.format(Locale.ROOT, "%-40s %12.1f %12.1f %8.2f", "DynamoDB send->recv " + label(bytes)
                        + " vs PutItem+GetItem", ours, raw, ours / raw));
            }
        }
        rows.add("(send->recv = half a ping-pong between two peers, readers polling from 1 ms up to 20 ms;"
                + " raw = one client writing then reading; 1 MiB on DynamoDB = 3 items either way)");
        System.out.println();
        rows.forEach(System.out::println);
        System.out.println();
    }

    private static String label(int bytes) {
        return bytes >= 1 << 20 ? bytes / (1 << 20) + " MiB" : bytes / 1024 + " KiB";
    }

    private static double median(int iters, Runnable body) {
        long[] t = new long[iters];
        for (int i = -Math.max(2, iters / 5); i < iters; i++) {
            long start = System.nanoTime();
            body.run();
            if (i >= 0) {
                t[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(t);
        return t[iters / 2] / 1000.0;
    }

    private static double pingPongHalf(FmiConfig config, int bytes, int iters) {
        String name = "bench-" + UUID.randomUUID();
        return LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name).config(config).build(),
                comm -> {
                    byte[] buf = new byte[bytes];
                    return median(iters, () -> io.fmi.calibration.Calibrator.roundTrip(comm, buf)) / 2;
                }, Duration.ofMinutes(10)).get(0);
    }
}

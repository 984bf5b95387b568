package io.fmi.channel;

import io.fmi.Communicator;
import io.fmi.bench.Jmh;
import io.fmi.bench.Partners;
import io.fmi.channel.dynamodb.DynamoFixtures;
import io.fmi.channel.s3.S3Fixtures;
import io.fmi.config.FmiConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 and DynamoDB channels against raw SDK calls on the same local servers (s3proxy, dynalite),
 * as JMH benchmarks run side by side ({@link Jmh}): half a ping-pong between two peers against one
 * client writing and reading back the same bytes. Prints the table; asserts nothing about time. Run
 * with {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=AwsBenchmark}.
 */
@Tag("benchmark")
public class AwsBenchmark {
    private static final String TABLE = "fmi-bench";
    /** DynamoDB items hold at most 400 KB: 1 MiB is 3 items either way. */
    private static final int ITEM_BYTES = 380_000;

    static FmiConfig s3Config;
    static FmiConfig dynamoConfig;

    @Test
    void s3AndDynamoDbChannelsVersusRawRequests() throws Exception {
        s3Config = FmiConfig.parse(S3Fixtures.backend());
        dynamoConfig = FmiConfig.parse(DynamoFixtures.backend(TABLE));
        // the channel creates the table; the raw benchmark needs it too
        Communicator.builder().rank(0).size(1).name("bench-" + UUID.randomUUID()).config(dynamoConfig).build().close();
        Jmh.compare(AwsBenchmark.class, "S3 / DynamoDB, loopback", List.of(
                new Jmh.Pair("S3 send->recv vs PUT+GET", "oursS3PingPong", "rawS3PutGet"),
                new Jmh.Pair("DynamoDB send->recv vs PutItem+GetItem", "oursDynamoPingPong", "rawDynamoPutGet")),
                "(send->recv = half a ping-pong between two peers, readers polling from 1 ms up to 20 ms;"
                        + " raw = one client writing then reading)");
    }

    @State(Scope.Benchmark)
    public static class S3Echo extends Partners.EchoState {
        @Param({"1024", "1048576"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() {
            open(s3Config, bytes);
        }
    }

    @State(Scope.Benchmark)
    public static class DynamoEcho extends Partners.EchoState {
        @Param({"1024", "1048576"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() {
            open(dynamoConfig, bytes);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] oursS3PingPong(S3Echo s) {
        return s.roundTrip();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] oursDynamoPingPong(DynamoEcho s) {
        return s.roundTrip();
    }

    @State(Scope.Benchmark)
    public static class RawS3 {
        @Param({"1024", "1048576"})
        public int bytes;
        S3Client client;
        byte[] value;
        final String key = "raw/" + UUID.randomUUID();

        @Setup(Level.Trial)
        public void setUp() {
            client = S3Fixtures.client();
            value = new byte[bytes];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            client.deleteObject(b -> b.bucket(S3Fixtures.bucket()).key(key));
            client.close();
        }
    }

    @Benchmark
    public byte[] rawS3PutGet(RawS3 s) {
        s.client.putObject(b -> b.bucket(S3Fixtures.bucket()).key(s.key), RequestBody.fromBytes(s.value));
        return s.client.getObjectAsBytes(b -> b.bucket(S3Fixtures.bucket()).key(s.key)).asByteArray();
    }

    @State(Scope.Benchmark)
    public static class RawDynamo {
        @Param({"1024", "1048576"})
        public int bytes;
        DynamoDbClient client;
        byte[] value;
        final String key = "raw/" + UUID.randomUUID();

        @Setup(Level.Trial)
        public void setUp() {
            client = DynamoFixtures.client();
            value = new byte[bytes];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (int off = 0, part = 0; off < bytes || part == 0; off += ITEM_BYTES, part++) {
                String k = key + "~" + part;
                client.deleteItem(b -> b.tableName(TABLE).key(Map.of("k", AttributeValue.fromS(k))));
            }
            client.close();
        }
    }

    @Benchmark
    public int rawDynamoPutGet(RawDynamo s) {
        int got = 0;
        for (int off = 0, part = 0; off < s.bytes || part == 0; off += ITEM_BYTES, part++) {
            SdkBytes chunk = SdkBytes.fromByteArrayUnsafe(Arrays.copyOfRange(s.value, off, Math.min(s.bytes, off + ITEM_BYTES)));
            String k = s.key + "~" + part;
            s.client.putItem(b -> b.tableName(TABLE).item(Map.of("k", AttributeValue.fromS(k), "v", AttributeValue.fromB(chunk))));
            got += s.client.getItem(b -> b.tableName(TABLE).key(Map.of("k", AttributeValue.fromS(k))).consistentRead(true))
                    .item().get("v").b().asByteArrayUnsafe().length;
        }
        return got;
    }
}

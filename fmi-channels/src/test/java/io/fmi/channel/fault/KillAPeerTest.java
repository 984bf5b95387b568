package io.fmi.channel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fmi.channel.direct.RendezvousServer;
import io.fmi.channel.dynamodb.DynamoFixtures;
import io.fmi.channel.redis.RedisFixtures;
import io.fmi.channel.s3.S3Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fault injection with real processes: four JVMs run allreduce in a loop over one channel, one is
 * killed with SIGKILL at a random moment, and every survivor must end with an {@code FmiException}
 * within the channel's detection time (the operations' deadline is 60 s, so waiting for it would
 * fail the test), close promptly, and leave nothing of the job in the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KillAPeerTest {
    private static final int SIZE = 4;
    private static final int VICTIM = 2;
    private static final int DEADLINE_S = 60;
    /** What a survivor may take from the kill to its failure: well below the deadline. */
    private static final long DETECTION_BOUND_MS = 15_000;

    private RendezvousServer rendezvous;

    @AfterAll
    void stop() {
        if (rendezvous != null) {
            rendezvous.close();
        }
    }

    private String config(String channel, String table) {
        switch (channel) {
            case "Direct":
                if (rendezvous == null) {
                    rendezvous = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                            RendezvousServer.Options.defaults());
                }
                return "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + rendezvous.port() + "}}}";
            case "Redis":
                return "{\"backends\": {" + RedisFixtures.backendBlock().replaceFirst("\\}$", ", \"heartbeat_ms\": 500}")
                        + "}}";
            case "S3":
                return S3Fixtures.backend().replaceFirst("\\}\\}\\}$", ", \"heartbeat_ms\": 1000}}}");
            case "DynamoDB":
                return DynamoFixtures.backend(table).replaceFirst("\\}\\}\\}$", ", \"heartbeat_ms\": 1000}}}");
            default:
                throw new IllegalArgumentException(channel);
        }
    }

    private static List<String> leftovers(String channel, String prefix, String table) {
        switch (channel) {
            case "Redis":
                return RedisFixtures.keys(prefix + "*");
            case "S3":
                return S3Fixtures.keys(prefix);
            case "DynamoDB":
                return DynamoFixtures.keys(table, prefix);
            default:
                return List.of();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Direct", "Redis", "S3", "DynamoDB"})
    void survivorsOfAKilledPeerFailWithinTheDetectionTimeAndLeaveNothing(String channel) throws Exception {
        String name = "kill-" + channel.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String table = "fmi-kill";
        Path config = Files.createTempFile("fmi-kill", ".json");
        Files.writeString(config, config(channel, table));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<List<String>> output = new ArrayList<>();
        try {
            for (int rank = 0; rank < SIZE; rank++) {
                Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                        KillablePeer.class.getName(), config.toString(), name, Integer.toString(rank),
                        Integer.toString(SIZE), Integer.toString(DEADLINE_S)).redirectErrorStream(true).start();
                processes.add(p);
                List<String> mine = java.util.Collections.synchronizedList(new ArrayList<>());
                output.add(mine);
                int r = rank;
                Thread reader = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            mine.add(line);
                            lines.add(r + " " + line);
                        }
                    } catch (IOException ignored) {
                        // the process is gone
                    }
                });
                reader.setDaemon(true);
                reader.start();
            }
            int ready = 0;
            while (ready < SIZE) {
                String line = lines.poll(90, TimeUnit.SECONDS);
                if (line == null) {
                    fail("not every peer got ready within 90 s: " + output);
                }
                if (line.endsWith(" ready")) {
                    ready++;
                }
            }
            // a random moment within the loop of allreduces
            Thread.sleep(ThreadLocalRandom.current().nextInt(20, 400));
            long killedAt = System.currentTimeMillis();
            processes.get(VICTIM).destroyForcibly();
            StringBuilder report = new StringBuilder(channel + ": killed rank " + VICTIM + ";");
            for (int rank = 0; rank < SIZE; rank++) {
                if (rank == VICTIM) {
                    continue;
                }
                Process p = processes.get(rank);
                assertTrue(p.waitFor(DEADLINE_S, TimeUnit.SECONDS), "rank " + rank + " still runs: " + output.get(rank));
                assertEquals(3, p.exitValue(), "rank " + rank + " ended without an FmiException: " + output.get(rank));
                String failed = output.get(rank).stream().filter(l -> l.startsWith("failed ")).findFirst().orElseThrow();
                long detection = Long.parseLong(failed.split(" ")[1]) - killedAt;
                long close = output.get(rank).stream().filter(l -> l.startsWith("closed ")).findFirst()
                        .map(l -> Long.parseLong(l.split(" ")[1])).orElseThrow();
                report.append(" rank ").append(rank).append(" failed after ").append(detection).append(" ms, closed in ")
                        .append(close).append(" ms (").append(failed.split(" ")[2]).append(");");
                assertTrue(detection < DETECTION_BOUND_MS, "rank " + rank + " failed only after " + detection
                        + " ms: " + failed);
                assertTrue(close < 5_000, "rank " + rank + " took " + close + " ms to close");
            }
            System.out.println(report);
            List<String> left = leftovers(channel, "fmi/" + name + "/", table);
            assertEquals(List.of(), left, "left in the store by the job; output: " + output);
        } finally {
            processes.forEach(Process::destroyForcibly);
            Files.deleteIfExists(config);
        }
    }
}

package io.fmi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * fmirun's Lambda mode against a local HTTP server that stands in for the Lambda API (Invoke,
 * GetAccountSettings, GetFunctionConcurrency): no AWS account and no Docker exist here. The real AWS
 * SDK client talks to it, so request shapes, headers and error mapping are the SDK's.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LambdaRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded Invoke request: its headers of interest and its event. */
    record Invoke(String invocationType, String logType, JsonNode event) {
    }

    private final List<Invoke> invokes = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private volatile int unreserved = 1000;
    private volatile boolean throttle;

    @BeforeAll
    static void credentials() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    private static void send(HttpExchange ex, int status, String body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            ex.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static String tail(String log) {
        return Base64.getEncoder().encodeToString(log.getBytes(StandardCharsets.UTF_8));
    }

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/2016-08-19/account-settings")) {
                send(ex, 200, "{\"AccountLimit\": {\"ConcurrentExecutions\": 1000, \"UnreservedConcurrentExecutions\": "
                        + unreserved + "}, \"AccountUsage\": {\"FunctionCount\": 1}}");
            } else if (path.endsWith("/concurrency")) {
                send(ex, 200, "{}");
            } else if (path.endsWith("/invocations")) {
                JsonNode event = JSON.readTree(ex.getRequestBody().readAllBytes());
                invokes.add(new Invoke(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"),
                        ex.getRequestHeaders().getFirst("X-Amz-Log-Type"), event));
                int rank = event.path("fmi").path("rank").asInt();
                String report = "REPORT RequestId: r" + rank + "\tDuration: 900.12 ms\tBilled Duration: 1000 ms\t"
                        + "Memory Size: 2048 MB\tMax Memory Used: 300 MB\n";
                if (throttle) {
                    send(ex, 429, "{\"Reason\": \"ConcurrentInvocationLimitExceeded\", \"Type\": \"User\","
                            + " \"message\": \"Rate Exceeded.\"}", "x-amzn-ErrorType", "TooManyRequestsException",
                            "Retry-After", "7");
                } else if (rank == 2) {
                    send(ex, 200, "{\"errorMessage\": \"boom at rank 2\", \"errorType\": \"java.lang.IllegalStateException\"}",
                            "X-Amz-Function-Error", "Unhandled", "X-Amz-Log-Result",
                            tail("START\njava.lang.IllegalStateException: boom at rank 2\n" + report));
                } else {
                    send(ex, 200, "{\"rank\": " + rank + ", \"result\": {\"sum\": 6}, \"timings\": {\"run_ms\": 5.0},"
                            + " \"requests\": {\"S3\": {\"put\": 2, \"get\": 3}}}",
                            "X-Amz-Executed-Version", "$LATEST", "X-Amz-Log-Result", tail("START\n" + report));
                }
            } else {
                send(ex, 404, "{\"message\": \"no such API in the stand-in: " + path + "\"}",
                        "x-amzn-ErrorType", "ResourceNotFoundException");
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private record Outcome(int status, String out, String err) {
    }

    private Outcome fmirun(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FmiRun.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyRankGetsOneInvocationWithItsEventAndAFailedRankIsReportedWithItsLogTail(@TempDir Path dir)
            throws IOException {
        String endpoint = start();
        Path payload = dir.resolve("payload.json");
        Files.writeString(payload, "{\"epochs\": 3}");
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "the-deployed-servers-secret-of-forty-chars\n");
        Outcome run = fmirun("-np", "4", "--lambda", "kmeans", "--payload", payload.toString(), "--region", "us-east-1",
                "--endpoint", endpoint, "--rendezvous", "rendezvous.example.com:10000", "--memory", "2048",
                "--secret-file", secret.toString());
        assertEquals(1, run.status, run.out + run.err);
        assertEquals(4, invokes.size(), "one invocation per rank, no retries");
        Set<Integer> ranks = invokes.stream().map(i -> i.event.path("fmi").path("rank").asInt()).collect(Collectors.toSet());
        assertEquals(Set.of(0, 1, 2, 3), ranks);
        Set<String> secrets = invokes.stream().map(i -> i.event.path("fmi").path("secret").asText()).collect(Collectors.toSet());
        assertEquals(Set.of("the-deployed-servers-secret-of-forty-chars"), secrets, "the server's secret, for every rank");
        for (Invoke i : invokes) {
            assertEquals("RequestResponse", i.invocationType);
            assertEquals("Tail", i.logType);
            JsonNode fmi = i.event.path("fmi");
            assertEquals(4, fmi.path("size").asInt());
            assertEquals(invokes.get(0).event.path("fmi").path("job").asText(), fmi.path("job").asText());
            assertEquals(3, i.event.path("payload").path("epochs").asInt());
            JsonNode direct = fmi.path("config").path("backends").path("Direct");
            assertEquals("rendezvous.example.com", direct.path("host").asText());
            assertEquals(10000, direct.path("port").asInt());
            assertEquals("${FMI_JOB_SECRET}", direct.path("secret").asText());
        }
        assertTrue(run.err.contains("rank 2 failed (Unhandled)") && run.err.contains("boom at rank 2"), run.err);
        assertTrue(run.err.contains("[2] java.lang.IllegalStateException: boom at rank 2"), run.err);
        assertTrue(run.out.contains("[0] {\"sum\":6}"), run.out);
        assertTrue(run.out.contains("cost: 4 invocations, 8.000 GB-s billed"), run.out);
        assertTrue(run.out.contains("cost: S3 requests {get=9, put=6}"), run.out);
    }

    @Test
    void aJobThatCannotRunAtOnceIsRefusedBeforeAnyInvocation() throws IOException {
        String endpoint = start();
        unreserved = 5;
        Outcome run = fmirun("-np", "8", "--lambda", "kmeans", "--channel", "S3", "--region", "us-east-1",
                "--endpoint", endpoint);
        assertEquals(LambdaRun.NOT_STARTED, run.status, run.out + run.err);
        assertTrue(run.err.contains("unreserved concurrency in this region is 5") && run.err.contains("-np 5"), run.err);
        assertEquals(0, invokes.size(), "nothing may be invoked for a job that cannot run at once");
    }

    @Test
    void throttlingIsReportedWithItsReasonAndNeverRetried() throws IOException {
        String endpoint = start();
        throttle = true;
        Outcome run = fmirun("-np", "3", "--lambda", "kmeans", "--channel", "Redis", "--region", "us-east-1",
                "--endpoint", endpoint);
        assertEquals(LambdaRun.NOT_STARTED, run.status, run.out + run.err);
        assertTrue(run.err.contains("TooManyRequestsException, reason ConcurrentInvocationLimitExceeded"), run.err);
        assertTrue(run.err.contains("not retried"), run.err);
        assertEquals(3, invokes.size(), "each rank is invoked exactly once, throttled or not");
    }

    @Test
    void directWithoutARendezvousServerIsRefusedWithWhatToDo() throws IOException {
        String endpoint = start();
        Outcome run = fmirun("-np", "2", "--lambda", "kmeans", "--region", "us-east-1", "--endpoint", endpoint);
        assertEquals(2, run.status, run.out + run.err);
        assertTrue(run.err.contains("--rendezvous"), run.err);
        assertEquals(0, invokes.size());
    }
}

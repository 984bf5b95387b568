package io.fmi.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fmi.channel.direct.RendezvousServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handler run as Lambda runs it: N processes of the real AWS Lambda Java runtime interface
 * client, each polling a minimal Runtime API served by this test (AWS Lambda itself cannot run
 * here), each handed one rank's event, doing a real allreduce over Direct through an embedded
 * rendezvous server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RuntimeInterfaceClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 3;

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final BlockingQueue<String> done = new LinkedBlockingQueue<>();

    private static void answer(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private HttpServer runtimeApi() throws IOException {
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        api.createContext("/2018-06-01/runtime/", ex -> {
            String path = ex.getRequestURI().getPath();
            try {
                if (path.endsWith("/invocation/next")) {
                    String event = events.poll(150, TimeUnit.SECONDS);
                    if (event == null) {
                        answer(ex, 500, "{}", Map.of());
                        return;
                    }
                    String id = "req-" + JSON.readTree(event).path("fmi").path("rank").asInt();
                    answer(ex, 200, event, Map.of("Content-Type", "application/json",
                            "Lambda-Runtime-Aws-Request-Id", id,
                            "Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 120_000),
                            "Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:fmi",
                            "Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"));
                } else if (path.endsWith("/response") || path.endsWith("/error")) {
                    String[] parts = path.split("/");
                    String id = parts[parts.length - 2];
                    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    (path.endsWith("/response") ? responses : errors).put(id, body);
                    answer(ex, 202, "{\"status\": \"OK\"}", Map.of("Content-Type", "application/json"));
                    done.add(id);
                } else {
                    answer(ex, 404, "{}", Map.of());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(ex, 500, "{}", Map.of());
            }
        });
        api.start();
        return api;
    }

    /**
     * The client's native library, unpacked once: left to itself, every client process unpacks it to
     * the same file in /tmp, and processes that start together overwrite it under each other (on
     * Lambda there is one client per sandbox).
     */
    private static String nativeLibrary() throws IOException {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        java.nio.file.Path target = java.nio.file.Path.of("target", "ric-jni", "libaws-lambda-jni.so").toAbsolutePath();
        java.nio.file.Files.createDirectories(target.getParent());
        try (java.io.InputStream in = com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class
                .getResourceAsStream("/jni/libaws-lambda-jni.linux-" + arch + ".so")) {
            assertTrue(in != null, "the runtime interface client jar has no native library for " + arch);
            java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target.toString();
    }

    private static String tails(List<java.io.File> logs) {
        StringBuilder b = new StringBuilder();
        for (java.io.File f : logs) {
            try {
                String text = java.nio.file.Files.readString(f.toPath());
                b.append("\n--- ").append(f).append(":\n").append(text.length() > 3000 ? text.substring(text.length() - 3000) : text);
            } catch (IOException e) {
                b.append("\n--- ").append(f).append(": ").append(e);
            }
        }
        return b.toString();
    }

    @Test
    void threeRuntimeClientsRunTheHandlerAndAllreduceOverDirect() throws Exception {
        byte[] secret = "ric-test-secret".getBytes(StandardCharsets.UTF_8);
        RendezvousServer rendezvous = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults().withSecret(secret));
        HttpServer api = runtimeApi();
        List<Process> processes = new ArrayList<>();
        List<java.io.File> logs = new ArrayList<>();
        try {
            String config = "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + rendezvous.port()
                    + ", \"secret\": \"${FMI_JOB_SECRET}\", \"max_timeout\": 60000}}}";
            for (int r = 0; r < N; r++) {
                events.add("{\"fmi\": {\"rank\": " + r + ", \"size\": " + N + ", \"job\": \"ric-job\", \"secret\": "
                        + "\"ric-test-secret\", \"config\": " + config + "}, \"payload\": {\"offset\": 10}}");
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String jni = nativeLibrary();
            for (int p = 0; p < N; p++) {
                ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx192m",
                        "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + jni, "-cp",
                        System.getProperty("java.class.path"),
                        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                        AllreduceHandler.class.getName() + "::handleRequest");
                Map<String, String> env = pb.environment();
                env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
                env.put("AWS_LAMBDA_FUNCTION_NAME", "fmi");
                env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
                env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
                env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fmi");
                env.put("AWS_LAMBDA_LOG_STREAM_NAME", "stream-" + p);
                env.put("AWS_REGION", "us-east-1");
                pb.redirectErrorStream(true);
                java.io.File log = new java.io.File("target", "ric-" + p + ".log");
                logs.add(log);
                pb.redirectOutput(log);
                processes.add(pb.start());
            }
            for (int i = 0; i < N; i++) {
                String id = done.poll(120, TimeUnit.SECONDS);
                assertTrue(id != null, "only " + i + " of " + N + " invocations finished; errors: " + errors
                        + "; logs: " + tails(logs));
            }
            assertEquals(Map.of(), errors, "invocations failed; logs: " + tails(logs));
            Set<Integer> ranks = responses.values().stream().map(body -> {
                try {
                    JsonNode answer = JSON.readTree(body);
                    assertEquals(30 + 3, answer.path("result").path("sum").asLong(), body);
                    assertEquals(N, answer.path("result").path("ranks").asInt(), body);
                    assertEquals("req-" + answer.path("rank").asInt(), answer.path("result").path("request").asText());
                    assertTrue(answer.path("timings").has("run_ms"), body);
                    return answer.path("rank").asInt();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(Set.of(0, 1, 2), ranks);
        } finally {
            processes.forEach(Process::destroyForcibly);
            for (Process p : processes) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            api.stop(0);
            rendezvous.close();
        }
    }
}

package io.fmi.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The smallest stand-in for AWS Lambda that runs a handler as Lambda runs it: a minimal Runtime API
 * (next invocation, response, error) served here, and N processes of the real AWS Lambda Java
 * runtime interface client that poll it, each handed one queued event. AWS Lambda itself cannot run
 * on this machine; everything the handler does (sockets, stores) is real.
 */
public final class LambdaRuntimeStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final BlockingQueue<String> done = new LinkedBlockingQueue<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<File> logs = new ArrayList<>();
    private final HttpServer api;

    private LambdaRuntimeStandIn() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        api.createContext("/2018-06-01/runtime/", this::serve);
        api.start();
    }

    /** Starts the Runtime API on a free loopback port. */
    public static LambdaRuntimeStandIn start() throws IOException {
        return new LambdaRuntimeStandIn();
    }

    private static void answer(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private void serve(HttpExchange ex) throws IOException {
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
    }

    /** Queues one invocation event (request id {@code req-<fmi.rank>}). */
    public void invoke(String event) {
        events.add(event);
    }

    /**
     * The client's native library, unpacked once: left to itself, every client process unpacks it to
     * the same file in /tmp, and processes that start together overwrite it under each other (on
     * Lambda there is one client per sandbox).
     */
    private static String nativeLibrary() throws IOException {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        Path target = Path.of("target", "ric-jni", "libaws-lambda-jni.so").toAbsolutePath();
        Files.createDirectories(target.getParent());
        try (InputStream in = com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class
                .getResourceAsStream("/jni/libaws-lambda-jni.linux-" + arch + ".so")) {
            if (in == null) {
                throw new IOException("the runtime interface client jar has no native library for " + arch);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target.toString();
    }

    /**
     * Starts {@code n} runtime interface client processes (this JVM's class path) serving
     * {@code handler} ("class::method"), with 512 MB of memory each.
     */
    public void runtimes(int n, String handler) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jni = nativeLibrary();
        for (int p = 0; p < n; p++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1",
                    "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + jni, "-cp",
                    System.getProperty("java.class.path"),
                    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler);
            Map<String, String> env = pb.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort());
            env.put("AWS_LAMBDA_FUNCTION_NAME", "fmi");
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fmi");
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "stream-" + processes.size());
            env.put("AWS_REGION", "us-east-1");
            pb.redirectErrorStream(true);
            File log = new File("target", "ric-" + handler.replaceAll("[^A-Za-z0-9]", "_") + "-" + p + ".log");
            logs.add(log);
            pb.redirectOutput(log);
            processes.add(pb.start());
        }
    }

    /**
     * Waits until {@code n} invocations answered (response or error).
     *
     * @return whether they did within {@code seconds}
     */
    public boolean awaitAnswers(int n, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; i < n; i++) {
            long left = end - System.nanoTime();
            if (left <= 0 || done.poll(left, TimeUnit.NANOSECONDS) == null) {
                return false;
            }
        }
        return true;
    }

    /** The responses by request id. */
    public Map<String, String> responses() {
        return responses;
    }

    /** The errors by request id. */
    public Map<String, String> errors() {
        return errors;
    }

    /** The last 3000 characters of every client process's output, for failure messages. */
    public String logTails() {
        StringBuilder b = new StringBuilder();
        for (File f : logs) {
            try {
                String text = Files.readString(f.toPath());
                b.append("\n--- ").append(f).append(":\n")
                        .append(text.length() > 3000 ? text.substring(text.length() - 3000) : text);
            } catch (IOException e) {
                b.append("\n--- ").append(f).append(": ").append(e);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        api.stop(0);
    }
}

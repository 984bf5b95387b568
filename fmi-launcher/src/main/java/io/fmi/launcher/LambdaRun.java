package io.fmi.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.FmiConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Lambda mode: N synchronous invocations at once, one per rank, each event carrying the rank, size,
 * job name, secret, configuration and payload. A gang-scheduled job must never half-start, so the
 * account's (or the function's reserved) concurrency is checked first, and no invocation is ever
 * retried (a retry of a call that may be running would duplicate a rank).
 */
final class LambdaRun {
    /** Exit status when the job could not start (not enough concurrency, throttled). */
    static final int NOT_STARTED = 3;
    static final double GIB_SECOND_PRICE = 0.0000166667;
    static final double REQUEST_PRICE = 0.0000002;
    private static final Pattern BILLED = Pattern.compile("Billed Duration: (\\d+) ms");
    private static final Pattern MEMORY = Pattern.compile("Memory Size: (\\d+) MB");

    private final FmiRun options;
    private final String name;
    private final String secret;
    private final ObjectNode config;
    private final PrintStream out;
    private final PrintStream err;

    LambdaRun(FmiRun options, String name, String secret, ObjectNode config, PrintStream out, PrintStream err) {
        this.options = options;
        this.name = name;
        this.secret = secret;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    private LambdaAsyncClient client(int n) {
        LambdaAsyncClientBuilder b = LambdaAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(Math.max(50, 2 * n))
                        .readTimeout(Duration.ofMinutes(16)).tcpKeepAlive(true))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofMinutes(16)));
        if (options.region != null) {
            b.region(Region.of(options.region));
        }
        if (options.endpoint != null) {
            b.endpointOverride(options.endpoint);
        }
        return b.build();
    }

    int run() throws IOException {
        int n = options.ranks();
        ObjectNode direct = FmiRun.directWithoutServer(config);
        if (direct != null) {
            if (options.rendezvous == null) {
                throw new FmiConfigException("the job uses Direct but no rendezvous server is given: pass --rendezvous"
                        + " host:port of a server the functions can reach (see README, Deploy on AWS), or --channel"
                        + " with a storage channel");
            }
            int colon = options.rendezvous.lastIndexOf(':');
            if (colon < 1) {
                throw new FmiConfigException("--rendezvous " + options.rendezvous + " is not host:port");
            }
            direct.put("host", options.rendezvous.substring(0, colon))
                    .put("port", Integer.parseInt(options.rendezvous.substring(colon + 1)))
                    .put("secret", "${FMI_JOB_SECRET}");
        }
        JsonNode payload = options.payload == null ? null : FmiRun.JSON.readTree(Files.readString(options.payload));
        try (LambdaAsyncClient lambda = client(n)) {
            String refusal = concurrencyRefusal(lambda, n);
            if (refusal != null) {
                err.println("fmirun: " + refusal);
                return NOT_STARTED;
            }
            List<CompletableFuture<InvokeResponse>> calls = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                ObjectNode event = FmiRun.JSON.createObjectNode();
                ObjectNode fmi = event.putObject("fmi");
                fmi.put("rank", r).put("size", n).put("job", name).put("secret", secret).put("memory_mib", options.memoryMiB);
                fmi.set("config", config);
                event.set("payload", payload);
                byte[] bytes = FmiRun.JSON.writeValueAsBytes(event);
                calls.add(lambda.invoke(b -> b.functionName(options.function).invocationType(InvocationType.REQUEST_RESPONSE)
                        .logType(LogType.TAIL).payload(SdkBytes.fromByteArray(bytes))));
            }
            return report(calls);
        }
    }

    /** Why N ranks cannot run at once, or null if they can. */
    private String concurrencyRefusal(LambdaAsyncClient lambda, int n) {
        try {
            Integer reserved = lambda.getFunctionConcurrency(b -> b.functionName(options.function)).join()
                    .reservedConcurrentExecutions();
            if (reserved != null) {
                return n <= reserved ? null : "function " + options.function + " has a reserved concurrency of "
                        + reserved + ", so " + n + " ranks cannot run at once; a job whose ranks do not all run at"
                        + " once never finishes. Raise its reserved concurrency or use -np " + reserved + " or fewer";
            }
            Integer unreserved = lambda.getAccountSettings().join().accountLimit().unreservedConcurrentExecutions();
            if (unreserved != null && n > unreserved) {
                return "the account's unreserved concurrency in this region is " + unreserved + ", so " + n
                        + " ranks cannot run at once; a job whose ranks do not all run at once never finishes."
                        + " Request a higher limit (Service Quotas: Lambda concurrent executions) or use -np "
                        + unreserved + " or fewer";
            }
            return null;
        } catch (CompletionException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return "function " + options.function + " does not exist in this account and region: "
                        + e.getCause().getMessage();
            }
            throw e;
        }
    }

    private int report(List<CompletableFuture<InvokeResponse>> calls) throws IOException {
        int failed = 0;
        int throttled = 0;
        double gibSeconds = 0;
        Map<String, Map<String, Long>> requests = new TreeMap<>();
        for (int r = 0; r < calls.size(); r++) {
            InvokeResponse response;
            try {
                response = calls.get(r).join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TooManyRequestsException) {
                    TooManyRequestsException t = (TooManyRequestsException) cause;
                    throttled++;
                    err.printf("fmirun: rank %d was throttled by Lambda (TooManyRequestsException, reason %s%s): %s."
                            + " It is not retried (the call may be running and a retry would duplicate the rank);"
                            + " the job cannot finish without it%n", r, t.reasonAsString(),
                            t.retryAfterSeconds() != null ? ", retry after " + t.retryAfterSeconds() + " s" : "",
                            t.awsErrorDetails() != null ? t.awsErrorDetails().errorMessage() : t.getMessage());
                } else {
                    failed++;
                    err.printf("fmirun: rank %d: the invocation failed: %s%n", r, cause);
                }
                continue;
            }
            String log = response.logResult() == null ? ""
                    : new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
            gibSeconds += billedGibSeconds(log);
            String body = response.payload() == null ? "" : response.payload().asUtf8String();
            if (response.functionError() != null) {
                failed++;
                err.printf("fmirun: rank %d failed (%s): %s%n", r, response.functionError(), body);
                for (String line : log.split("\n")) {
                    err.println("[" + r + "] " + line);
                }
                continue;
            }
            JsonNode answer = FmiRun.JSON.readTree(body.isEmpty() ? "null" : body);
            out.println("[" + r + "] " + (answer.has("result") ? answer.get("result") : answer)
                    + (answer.has("timings") ? " " + answer.get("timings") : ""));
            answer.path("requests").fields().forEachRemaining(channel -> channel.getValue().fields().forEachRemaining(
                    kind -> requests.computeIfAbsent(channel.getKey(), k -> new TreeMap<>())
                            .merge(kind.getKey(), kind.getValue().asLong(), Long::sum)));
        }
        printCost(calls.size(), gibSeconds, requests);
        if (throttled > 0) {
            return NOT_STARTED;
        }
        return failed > 0 ? 1 : 0;
    }

    /** GiB-seconds billed, from the REPORT line of a log tail. */
    static double billedGibSeconds(String log) {
        Matcher billed = BILLED.matcher(log);
        Matcher memory = MEMORY.matcher(log);
        if (!billed.find() || !memory.find()) {
            return 0;
        }
        return Long.parseLong(billed.group(1)) / 1000.0 * Long.parseLong(memory.group(1)) / 1024.0;
    }

    private void printCost(int invocations, double gibSeconds, Map<String, Map<String, Long>> requests) {
        double functions = gibSeconds * GIB_SECOND_PRICE + invocations * REQUEST_PRICE;
        out.printf("cost: %d invocations, %.3f GB-s billed: $%.6f for the functions%n", invocations, gibSeconds, functions);
        double channels = 0;
        for (Map.Entry<String, Map<String, Long>> channel : requests.entrySet()) {
            double dollars = io.fmi.model.RequestPrices.dollars(channel.getKey(), channel.getValue());
            channels += dollars;
            out.printf("cost: %s requests %s: $%.6f%n", channel.getKey(), channel.getValue(), dollars);
        }
        out.printf("cost: total $%.6f%n", functions + channels);
    }
}

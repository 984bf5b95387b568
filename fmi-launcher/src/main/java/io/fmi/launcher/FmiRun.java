package io.fmi.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.FmiConfigException;
import io.fmi.channel.direct.RendezvousServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fmirun}: starts the N ranks of an FMI job, like {@code mpirun}. Each rank learns its rank,
 * the size, the job name, the channel configuration and a fresh job secret from its environment
 * ({@link io.fmi.Job}); {@code Communicator.fromEnvironment()} builds its communicator.
 *
 * <pre>
 * fmirun -np 8 [--config fmi.json] [--channel Direct] [--aot-cache job.aot] -cp app.jar com.example.Main args...
 * fmirun -np 64 --lambda FUNCTION [--payload payload.json] [--config fmi.json] [--rendezvous host:port]
 * </pre>
 */
@Command(name = "fmirun", mixinStandardHelpOptions = true, version = "fmirun 0.1.0",
        description = "Starts the ranks of an FMI job as local processes or as AWS Lambda invocations.")
public final class FmiRun implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-np", "-n"}, required = true, description = "number of ranks")
    int ranks;
    @Option(names = "--config", description = "channel configuration (fmi.json); default: Direct with an embedded rendezvous server")
    Path config;
    @Option(names = "--channel", description = "use only this backend of the configuration (Direct, Redis, S3, DynamoDB, ...)")
    String channel;
    @Option(names = "--job", description = "job name (default: fmirun-<random>)")
    String job;
    @Option(names = "--timeout", description = "seconds the whole job may take (default ${DEFAULT-VALUE}; 0: no limit)")
    long timeoutSeconds = 3600;
    @Option(names = "--grace", description = "seconds the other ranks get to end by themselves after one failed (default ${DEFAULT-VALUE})")
    double graceSeconds = 3;
    @Option(names = "--memory", description = "MiB of each rank, for the cost model and reports (default ${DEFAULT-VALUE})")
    int memoryMiB = 1024;
    @Option(names = {"-cp", "--classpath"}, description = "the application's class path (local mode)")
    String classpath;
    @Option(names = "--jvm-arg", description = "an argument for each rank's JVM (repeatable)")
    List<String> jvmArgs = new ArrayList<>();
    @Option(names = "--aot-cache", description = "JDK 25+: the ranks start from this ahead-of-time cache (classes and"
            + " method profiles, so they are fast sooner); if it does not exist, rank 0 records it as it exits (local mode)")
    Path aotCache;
    @Option(names = "--lambda", description = "invoke this Lambda function N times instead of starting processes")
    String function;
    @Option(names = "--payload", description = "JSON file sent to every rank as the event's payload (Lambda mode)")
    Path payload;
    @Option(names = "--region", description = "AWS region (Lambda mode; default: the SDK's chain)")
    String region;
    @Option(names = "--endpoint", description = "Lambda API endpoint (Lambda mode; for tests and local stand-ins)")
    java.net.URI endpoint;
    @Option(names = "--rendezvous", description = "host:port of a rendezvous server the functions can reach (Lambda mode with Direct)")
    String rendezvous;
    @Option(names = "--secret-file", description = "the job secret (the rendezvous server's --secret-file, for Lambda mode with a"
            + " deployed server); default: a fresh random secret per job")
    Path secretFile;
    @Parameters(description = "main class and its arguments (local mode)")
    List<String> command = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;

    public FmiRun(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        RendezvousServer.withoutUnsafeWarnings();
        System.exit(run(System.out, System.err, args));
    }

    /** Runs fmirun with {@code args}; returns its exit status. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new FmiRun(out, err));
        // everything after the main class belongs to the application
        cli.setStopAtPositional(true);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("fmirun: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (ranks < 1) {
            throw new FmiConfigException("-np must be at least 1, is " + ranks);
        }
        String name = job != null ? job : "fmirun-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        byte[] secretBytes = new byte[32];
        new SecureRandom().nextBytes(secretBytes);
        String secret = secretFile != null ? Files.readString(secretFile).trim()
                : Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        ObjectNode cfg = configuration();
        if (function != null) {
            if (!command.isEmpty() || classpath != null) {
                throw new FmiConfigException("--lambda starts functions, not a main class: drop -cp and the command");
            }
            if (aotCache != null) {
                throw new FmiConfigException("--aot-cache is for local ranks, whose JVMs fmirun starts; a function's"
                        + " JVM takes its options from the function's configuration (JAVA_TOOL_OPTIONS)");
            }
            return new LambdaRun(this, name, secret, cfg, out, err).run();
        }
        if (command.isEmpty()) {
            throw new FmiConfigException("give the main class to run (and -cp with the application's class path),"
                    + " or --lambda FUNCTION");
        }
        return new LocalRun(this, name, secret, cfg, out, err).run();
    }

    /** The user's config (or Direct alone), restricted to {@code --channel}. */
    ObjectNode configuration() throws IOException {
        ObjectNode cfg;
        if (config != null) {
            cfg = (ObjectNode) JSON.readTree(Files.readString(config));
        } else {
            cfg = (ObjectNode) JSON.readTree("{\"backends\": {\"Direct\": {}}}");
        }
        ObjectNode backends = cfg.has("backends") ? (ObjectNode) cfg.get("backends") : cfg.putObject("backends");
        if (channel != null) {
            if (!backends.has(channel)) {
                backends.putObject(channel);
            }
            for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = backends.fields(); it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
                ((ObjectNode) e.getValue()).put("enabled", e.getKey().equals(channel));
            }
        }
        return cfg;
    }

    /** The Direct block if Direct is enabled and has no rendezvous host yet (fmirun provides one), else null. */
    static ObjectNode directWithoutServer(ObjectNode cfg) {
        com.fasterxml.jackson.databind.JsonNode direct = cfg.path("backends").path("Direct");
        if (!direct.isObject() || !direct.path("enabled").asBoolean(true) || direct.has("host")) {
            return null;
        }
        return (ObjectNode) direct;
    }

    int ranks() {
        return ranks;
    }
}

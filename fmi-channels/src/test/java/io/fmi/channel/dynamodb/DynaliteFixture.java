package io.fmi.channel.dynamodb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A real DynamoDB-compatible HTTP server for tests: dynalite (MIT, from the npm registry; DynamoDB's
 * API over an in-memory LevelDB, with the 400 KB item limit), installed by this fixture with
 * {@code npm ci} from the pinned {@code src/test/dynalite/package-lock.json} into {@code target/} and
 * started as a child process on a free loopback port, behind {@code serve.js}, which keeps it serving
 * when a client drops a request half-sent (dynalite itself then exits). {@code FMI_TEST_DYNAMODB_URL} points the tests
 * at another endpoint instead. (Amazon's DynamoDB Local is not used: its licence is not open source.)
 */
public final class DynaliteFixture {
    private static DynaliteFixture shared;

    private final URI endpoint;
    private final Process process;
    private final DynamoDbClient client;

    private DynaliteFixture(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fmi", "fmi")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public static synchronized DynaliteFixture shared() {
        if (shared == null) {
            String url = System.getenv("FMI_TEST_DYNAMODB_URL");
            shared = url != null && !url.isEmpty() ? new DynaliteFixture(URI.create(url), null) : start();
        }
        return shared;
    }

    private static DynaliteFixture start() {
        Path dir = Path.of("target", "dynalite").toAbsolutePath();
        Path cli = dir.resolve("node_modules/dynalite/cli.js");
        try {
            if (!Files.exists(cli)) {
                Files.createDirectories(dir);
                for (String file : new String[] {"package.json", "package-lock.json"}) {
                    Files.copy(lockFiles().resolve(file), dir.resolve(file),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                run(dir, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
            }
            // dynalite's cli behind a guard that keeps it serving when a client drops a request (serve.js)
            Path serve = dir.resolve("serve.js");
            Files.copy(lockFiles().resolve("serve.js"), serve, StandardCopyOption.REPLACE_EXISTING);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Process process = new ProcessBuilder("node", serve.toString(), "--host", "127.0.0.1", "--port",
                    Integer.toString(port), "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dynalite.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listening(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dynalite did not start; see " + dir.resolve("dynalite.log"));
                }
                Thread.sleep(20);
            }
            return new DynaliteFixture(URI.create("http://127.0.0.1:" + port), process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dynalite (needs node and npm on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(new File(dir.toFile(), "npm.log")).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed in " + dir + "; see npm.log there");
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** The JSON of a {@code DynamoDB} backend block for this server and {@code table}, plus {@code extra}. */
    /** The pinned package files: this module's, or fmi-channels' when another module of the build uses the fixture. */
    private static Path lockFiles() {
        Path own = Path.of("src", "test", "dynalite");
        return Files.isDirectory(own) ? own : Path.of("..", "fmi-channels", "src", "test", "dynalite");
    }

    public String backend(String table, String extra) {
        return "{\"backends\": {\"DynamoDB\": {\"table\": \"" + table + "\", \"region\": \"us-east-1\","
                + " \"endpoint\": \"" + endpoint + "\", \"access_key_id\": \"fmi\", \"secret_access_key\": \"fmi\","
                + " \"create_table\": true, \"timeout\": 1, \"max_poll_interval\": 20"
                + (extra.isEmpty() ? "" : ", " + extra) + "}}}";
    }

    /** Keys of items under a prefix, found by a scan: for leak checks in tests only; the channel never scans. */
    List<String> keys(String table, String prefix) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = client.scan(b -> b.tableName(table).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String k = item.get("k").s();
                if (k.startsWith(prefix)) {
                    keys.add(k);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return keys;
    }

    DynamoDbClient client() {
        return client;
    }

    boolean managed() {
        return process != null;
    }
}

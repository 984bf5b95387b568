package io.fmi.channel.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests: the {@code redis-server} binary shipped in the embedded-redis test
 * dependency, started on a free loopback port, or the server {@code FMI_TEST_REDIS_URL} points at
 * ({@code redis://host:port}).
 */
public final class RedisServerFixture implements AutoCloseable {
    private static RedisServerFixture shared;

    private final String host;
    private final int port;
    private final RedisServer server;

    private RedisServerFixture(String host, int port, RedisServer server) {
        this.host = host;
        this.port = port;
        this.server = server;
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static synchronized RedisServerFixture shared() {
        if (shared == null) {
            String url = System.getenv("FMI_TEST_REDIS_URL");
            if (url != null && !url.isEmpty()) {
                URI uri = URI.create(url);
                shared = new RedisServerFixture(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379, null);
            } else {
                shared = startOwn();
                RedisServerFixture started = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            }
        }
        return shared;
    }

    /** A server of the test's own on a free port, e.g. to stop and restart it. */
    static RedisServerFixture startOwn() {
        int port = freePort();
        RedisServerFixture fixture = new RedisServerFixture("127.0.0.1", port, build(port));
        fixture.start();
        return fixture;
    }

    private static RedisServer build(int port) {
        try {
            return RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server on port " + port, e);
        }
    }

    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** The JSON of a {@code Redis} backend block pointing at this server, plus {@code extra} fields. */
    public String backend(String extra) {
        return "{\"backends\": {\"Redis\": {\"host\": \"" + host + "\", \"port\": " + port
                + (extra.isEmpty() ? "" : ", " + extra) + "}}}";
    }

    Jedis client() {
        return new Jedis(host, port);
    }

    /** The keys matching a glob, found with SCAN: for leak checks in tests only; the channel never scans. */
    List<String> keys(String glob) {
        List<String> keys = new ArrayList<>();
        try (Jedis jedis = client()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(glob).count(1000));
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return keys;
    }

    @Override
    public void close() {
        if (server != null && server.isActive()) {
            stop();
        }
    }
}

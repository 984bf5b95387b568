package io.fmi.channel.redis;

import io.fmi.FmiConfigException;
import io.fmi.config.BackendConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code Redis} block of the configuration, validated. Either {@code host}/{@code port} (the C++
 * original's fields) or a {@code url} ({@code redis://[user:password@]host:port[/db]}, or
 * {@code rediss://} for TLS).
 */
final class RedisSettings {
    static final Set<String> FIELDS = Set.of("host", "port", "url", "user", "password", "database", "tls",
            "ttl_seconds", "connect_timeout", "max_value_bytes", "close_grace", "copy_limit_bytes", "heartbeat_ms");

    /** Redis' largest bulk string is 512 MB; stay below it with room for the protocol. */
    static final long DEFAULT_MAX_VALUE = 512L * 1024 * 1024 - 1024;

    final String host;
    final int port;
    final String user;
    final String password;
    final int database;
    final boolean tls;
    final long ttlMillis;
    final int connectTimeoutMs;
    final long maxValueBytes;
    final Duration closeGrace;
    /** {@code heartbeat_ms} (default 500; a SET per interval per peer, free on Redis). */
    final Duration heartbeat;
    final long copyLimitBytes;

    RedisSettings(BackendConfig config) {
        config.rejectUnknown(FIELDS);
        String url = config.string("url", null);
        String h = config.string("host", "127.0.0.1");
        int p = (int) config.integer("port", 6379, 1, 65535);
        String u = config.string("user", null);
        String pw = config.string("password", null);
        int db = (int) config.integer("database", 0, 0, 1_000_000);
        boolean secure = config.bool("tls", false);
        if (url != null && !url.isEmpty()) {
            if (config.has("host") || config.has("port")) {
                throw new FmiConfigException(config.path("url") + " and " + config.path("host") + "/port are both set;"
                        + " give either a url or host and port");
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw new FmiConfigException(config.path("url") + " is not a valid URI: " + e.getMessage());
            }
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new FmiConfigException(config.path("url") + " must start with redis:// or rediss://");
            }
            if (uri.getHost() == null) {
                throw new FmiConfigException(config.path("url") + " has no host");
            }
            h = uri.getHost();
            p = uri.getPort() > 0 ? uri.getPort() : 6379;
            secure = secure || "rediss".equals(uri.getScheme());
            if (uri.getUserInfo() != null) {
                String info = uri.getUserInfo();
                int colon = info.indexOf(':');
                if (colon >= 0) {
                    u = colon > 0 ? info.substring(0, colon) : u;
                    pw = info.substring(colon + 1);
                } else {
                    pw = info;
                }
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                try {
                    db = Integer.parseInt(path.substring(1));
                } catch (NumberFormatException e) {
                    throw new FmiConfigException(config.path("url") + ": the path must be a database number, is " + path);
                }
            }
        }
        this.host = h;
        this.port = p;
        this.user = u == null || u.isEmpty() ? null : u;
        this.password = pw == null || pw.isEmpty() ? null : pw;
        this.database = db;
        this.tls = secure;
        this.ttlMillis = config.integer("ttl_seconds", 3600, 1, 7L * 24 * 3600) * 1000;
        this.connectTimeoutMs = (int) config.integer("connect_timeout", 2000, 1, 600_000);
        this.maxValueBytes = config.integer("max_value_bytes", DEFAULT_MAX_VALUE, 64, DEFAULT_MAX_VALUE);
        this.closeGrace = Duration.ofMillis(config.integer("close_grace", 10_000, 0, 600_000));
        this.copyLimitBytes = config.integer("copy_limit_bytes", 1 << 20, 0, Integer.MAX_VALUE);
        this.heartbeat = config.heartbeat(500);
    }

    /** {@code host:port}, for messages; never the password. */
    String endpoint() {
        return host + ":" + port;
    }
}

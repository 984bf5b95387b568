package io.fmi.channel.direct;

import io.fmi.FmiConfigException;
import io.fmi.config.BackendConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code Direct} block: the original's {@code host}, {@code port} (the rendezvous server) and
 * {@code max_timeout}, plus {@code secret} or {@code secret_file} (the job secret for HMAC
 * authentication; omit both for a server without one), {@code checksum} (CRC32C on every frame),
 * {@code eager} (connect to every peer at once instead of on first use), {@code pairing_timeout}
 * (ms, default {@code max_timeout}) and {@code close_grace} (ms that {@code close()} waits to deliver
 * sends whose connection is still being made, default 10000), {@code spin_us} (µs a receive from one
 * peer polls for its message before it blocks, every time; 0: never; absent: up to 50 while this host
 * runs no more ranks than it has cores, backing off per peer while polling finds nothing, else up to
 * 200, yielding the core after each poll — see {@link Spin}) and {@code max_queued_mb}
 * (MiB received from one peer ahead of its receives before this peer stops reading from it, so that
 * the sender blocks: backpressure; default 256), {@code relay} (default true: when hole punching
 * fails, e.g. between symmetric NATs, the pair's connection is carried by the rendezvous server) and
 * {@code punch_timeout} (ms punching may take once the server named the peer before the pair falls
 * back to the relay, default 5000) and {@code punch} (default true; false: every connection is
 * relayed at once, without trying — for networks where punching is known to fail, which would
 * otherwise cost {@code punch_timeout} per pair), {@code receive_buffer_kb} (each connection's
 * receive buffer, {@code SO_RCVBUF}, which the kernel caps at {@code net.core.rmem_max}; default 0:
 * not set, the kernel autotunes it — a fixed 4 MiB measured against autotuning on 8 processes
 * sharing 2 cores gave no difference that outlasted the order of the runs), {@code in_place}
 * (default true: large messages in Java arrays are written to and read from the socket in place,
 * without the JDK's copy, where the JVM allows it — see {@link HeapSocketIo}; false: always through
 * the JDK).
 */
final class DirectSettings {
    final InetSocketAddress server;
    final byte[] secret;
    final boolean checksum;
    final boolean eager;
    final Duration pairingTimeout;
    final Duration closeGrace;
    /** How long every receive from one peer polls before it blocks; null: adaptively ({@link Spin}). */
    final Duration spin;
    final long maxQueued;
    final boolean relay;
    final Duration punchTimeout;
    final boolean punch;
    /** {@code SO_RCVBUF} asked of every connection, bytes; 0: not set (the kernel autotunes it). */
    final int receiveBuffer;
    /** Whether large heap messages are read and written in place where {@link HeapSocketIo} can. */
    final boolean inPlace;

    DirectSettings(BackendConfig config) {
        config.rejectUnknown(Set.of("host", "port", "secret", "secret_file", "checksum", "eager", "pairing_timeout",
                "close_grace", "spin_us", "max_queued_mb", "relay", "punch_timeout", "punch", "receive_buffer_kb", "in_place"));
        String host = config.string("host", "127.0.0.1");
        int port = (int) config.integer("port", 10000, 1, 65535);
        this.server = new InetSocketAddress(host, port);
        if (server.isUnresolved()) {
            throw new FmiConfigException(config.path("host") + " '" + host + "' cannot be resolved");
        }
        String secretText = config.string("secret", null);
        String secretFile = config.string("secret_file", null);
        if (secretText != null && secretFile != null) {
            throw new FmiConfigException(config.path("secret") + " and " + config.path("secret_file") + " are both set; give one");
        }
        if (secretFile != null) {
            try {
                secretText = Files.readString(Path.of(secretFile)).trim();
            } catch (java.io.IOException e) {
                throw new FmiConfigException(config.path("secret_file") + ": cannot read " + secretFile + ": " + e.getMessage());
            }
        }
        this.secret = secretText == null || secretText.isEmpty() ? null : secretText.getBytes(StandardCharsets.UTF_8);
        this.checksum = config.bool("checksum", false);
        this.eager = config.bool("eager", false);
        this.pairingTimeout = Duration.ofMillis(config.integer("pairing_timeout", config.maxTimeout().toMillis(), 1, 86_400_000));
        this.closeGrace = Duration.ofMillis(config.integer("close_grace", 10_000, 0, 600_000));
        this.spin = config.has("spin_us") ? Duration.ofNanos(1000 * config.integer("spin_us", 0, 0, 1_000_000)) : null;
        this.maxQueued = config.integer("max_queued_mb", 256, 1, 1 << 20) << 20;
        this.relay = config.bool("relay", true);
        this.punchTimeout = Duration.ofMillis(config.integer("punch_timeout", 5000, 1, 600_000));
        this.punch = config.bool("punch", true);
        this.receiveBuffer = (int) config.integer("receive_buffer_kb", 0, 0, 1 << 20) * 1024;
        this.inPlace = config.bool("in_place", true);
        if (!punch && !relay) {
            throw new FmiConfigException(config.path("punch") + " and " + config.path("relay")
                    + " are both false: peers would have no way to connect; turn one on");
        }
    }
}

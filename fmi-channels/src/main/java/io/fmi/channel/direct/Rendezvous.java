package io.fmi.channel.direct;

import io.fmi.ChannelException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The rendezvous protocol, version 1. Every frame is
 * {@code 'F' 'M' | version u8 | type u8 | payload length u32 | payload}, payloads at most
 * {@value #MAX_PAYLOAD} bytes, big-endian.
 * <ul>
 *   <li>{@code PAIR} (client): {@code name length u16 | name (UTF-8) | side u8 | time ms u64 | mac length u8 | mac}
 *       where mac = HMAC-SHA256(secret, version | name | side | time), empty without a secret;</li>
 *   <li>{@code OBSERVED} (server): the client's endpoint as the server sees it;</li>
 *   <li>{@code PEER} (server): the other side's endpoint, once both sides arrived;</li>
 *   <li>{@code ERROR} (server): {@code code u16 | message (UTF-8)}; the server closes the connection after it;</li>
 *   <li>{@code RELAY} (client): as {@code PAIR}, with the name {@value #RELAY_PREFIX}{@code <pairing>} (so a PAIR
 *       request cannot be replayed as one): when hole punching failed, both sides ask the server to carry their
 *       connection;</li>
 *   <li>{@code RELAYED} (server, empty): both sides arrived; from here on the connection is a byte pipe to the
 *       other side (rate-limited per job).</li>
 * </ul>
 * An endpoint is {@code address length u8 (4 or 16) | address | port u16}.
 */
final class Rendezvous {
    static final byte MAGIC_0 = 'F';
    static final byte MAGIC_1 = 'M';
    static final byte VERSION = 1;
    static final int HEADER = 8;
    static final int MAX_PAYLOAD = 1024;
    static final int MAX_NAME = 512;

    static final byte PAIR = 1;
    static final byte OBSERVED = 2;
    static final byte PEER = 3;
    static final byte ERROR = 4;
    static final byte RELAY = 5;
    static final byte RELAYED = 6;

    /** The name of a RELAY request starts with this; the rest is the pairing's name. */
    static final String RELAY_PREFIX = "relay:";

    static final int E_MALFORMED = 1;
    static final int E_VERSION = 2;
    static final int E_AUTH = 3;
    static final int E_DUPLICATE = 4;
    static final int E_BUSY = 5;
    static final int E_EXPIRED = 6;
    static final int E_TIMEOUT = 7;
    static final int E_RELAY = 8;

    /** How far a PAIR's timestamp may be from the server's clock. */
    static final long MAX_SKEW_MS = 120_000;

    private Rendezvous() {
    }

    /** A client's pairing request. */
    record Pair(String name, int side, long timeMillis, byte[] mac) {
    }

    static byte[] frame(byte type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.put(MAGIC_0).put(MAGIC_1).put(VERSION).put(type).putInt(payload.length).put(payload);
        return b.array();
    }

    static byte[] pairPayload(String name, int side, long timeMillis, byte[] secret) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] mac = secret == null ? new byte[0] : mac(secret, n, side, timeMillis);
        ByteBuffer b = ByteBuffer.allocate(2 + n.length + 1 + 8 + 1 + mac.length);
        b.putShort((short) n.length).put(n).put((byte) side).putLong(timeMillis).put((byte) mac.length).put(mac);
        return b.array();
    }

    /** Parses a PAIR payload; null if it is malformed. */
    static Pair parsePair(ByteBuffer p) {
        try {
            int nameLength = p.getShort() & 0xFFFF;
            if (nameLength == 0 || nameLength > MAX_NAME) {
                return null;
            }
            byte[] n = new byte[nameLength];
            p.get(n);
            int side = p.get();
            long time = p.getLong();
            int macLength = p.get() & 0xFF;
            byte[] mac = new byte[macLength];
            p.get(mac);
            if (p.hasRemaining() || (side != 0 && side != 1)) {
                return null;
            }
            return new Pair(new String(n, StandardCharsets.UTF_8), side, time, mac);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static byte[] mac(byte[] secret, byte[] name, int side, long timeMillis) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(VERSION);
            mac.update(name);
            mac.update((byte) side);
            mac.update(ByteBuffer.allocate(8).putLong(timeMillis).array());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static boolean verify(byte[] secret, Pair pair) {
        byte[] expected = mac(secret, pair.name().getBytes(StandardCharsets.UTF_8), pair.side(), pair.timeMillis());
        return MessageDigest.isEqual(expected, pair.mac());
    }

    static byte[] endpoint(InetSocketAddress address) {
        byte[] a = address.getAddress().getAddress();
        return ByteBuffer.allocate(1 + a.length + 2).put((byte) a.length).put(a).putShort((short) address.getPort()).array();
    }

    static InetSocketAddress parseEndpoint(ByteBuffer p) {
        int length = p.hasRemaining() ? p.get() : -1;
        if (length != 4 && length != 16) {
            throw new ChannelException("rendezvous server sent a malformed endpoint (address of " + length + " bytes)");
        }
        if (p.remaining() < length + 2) {
            // found by DirectFuzzTest: a truncated endpoint threw BufferUnderflowException
            throw new ChannelException("rendezvous server sent a truncated endpoint (" + p.remaining()
                    + " bytes after the length, " + (length + 2) + " needed)");
        }
        byte[] a = new byte[length];
        p.get(a);
        int port = p.getShort() & 0xFFFF;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a), port);
        } catch (UnknownHostException e) {
            throw new ChannelException("rendezvous server sent a malformed endpoint", e);
        }
    }

    static byte[] error(int code, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + m.length).putShort((short) code).put(m).array();
    }
}

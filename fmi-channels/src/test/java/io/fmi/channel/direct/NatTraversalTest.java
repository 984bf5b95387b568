package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hole punching through real NATs: two functions in their own network namespaces, each behind a
 * router doing iptables MASQUERADE (and dropping unsolicited inbound SYNs), both using the same
 * private address, and the rendezvous server on a "public" network. A plain connect between the
 * functions fails; the punched connection succeeds and carries collectives. Behind symmetric NATs
 * (which defeat punching) the pair falls back to a connection relayed by the rendezvous server. The namespaces are
 * created by {@code src/test/nat/nat.sh} and removed afterwards. Needs root, iproute2 and iptables
 * ({@code .ci/run} installs iptables); skipped, with this reason, only without root.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NatTraversalTest {

    private static boolean root() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 && out.equals("0");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            System.err.println(String.join(" ", command) + " failed:\n" + out);
        }
        return code;
    }

    /** A child JVM in namespace {@code ns}, with its output collected line by line. */
    private static final class Child {
        final Process process;
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        Child(String ns, String mainClass, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), mainClass));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        boolean await(String fragment, long seconds) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < until) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(l -> l.contains(fragment))) {
                        return true;
                    }
                }
                if (!process.isAlive() && lines.stream().noneMatch(l -> l.contains(fragment))) {
                    Thread.sleep(100);
                    return lines.stream().anyMatch(l -> l.contains(fragment));
                }
                Thread.sleep(20);
            }
            return false;
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    /** Both peers' output, after running them behind two NATs (symmetric or not). */
    private static String[] scenario(boolean symmetric, String maxTimeoutMs, boolean relay) throws Exception {
        assumeTrue(root(), "the NAT test needs root to create network namespaces; skipped");
        assertTrue(onPath("ip"), "iproute2 (ip) is missing: install it (apt-get install iproute2)");
        assertTrue(onPath("iptables"), "iptables is missing: install it (apt-get install iptables; .ci/run does)");
        String id = "fmi" + Long.toHexString(System.nanoTime() & 0xFFFFF);
        String script = Path.of("src", "test", "nat", "nat.sh").toAbsolutePath().toString();
        Path secret = Files.createTempFile("fmi-nat", ".secret");
        Files.writeString(secret, "nat-secret");
        List<Child> children = new ArrayList<>();
        try {
            List<String> up = new ArrayList<>(List.of("bash", script, "up", id));
            if (symmetric) {
                up.add("symmetric");
            }
            assertTrue(run(up) == 0, "creating the namespaces failed (see stderr)");
            Child server = new Child(id + "pub", RendezvousServer.class.getName(), "--port", "10000", "--bind",
                    "203.0.113.1", "--secret-file", secret.toString());
            children.add(server);
            assertTrue(server.await("listening", 60), "rendezvous server did not start:\n" + server.output());
            String name = "nat-" + id;
            Child one = new Child(id + "h2", NatPeer.class.getName(), "1", "203.0.113.1", "10000", name, "203.0.113.11",
                    maxTimeoutMs, String.valueOf(relay));
            children.add(one);
            assertTrue(one.await("LISTENING", 60), "peer 1 did not start:\n" + one.output());
            Child zero = new Child(id + "h1", NatPeer.class.getName(), "0", "203.0.113.1", "10000", name, "203.0.113.12",
                    maxTimeoutMs, String.valueOf(relay));
            children.add(zero);
            CompletableFuture.allOf(zero.process.onExit(), one.process.onExit()).get(150, TimeUnit.SECONDS);
            String out0 = zero.output();
            String out1 = one.output();
            System.out.println((symmetric ? "symmetric NATs" : "MASQUERADE NATs") + "\n--- peer 0 (behind NAT 1)\n" + out0
                    + "\n--- peer 1 (behind NAT 2)\n" + out1);
            return new String[] {out0, out1, server.output()};
        } finally {
            for (Child c : children) {
                c.process.destroyForcibly();
            }
            run(List.of("bash", script, "down", id));
            Files.deleteIfExists(secret);
        }
    }

    @Test
    void holePunchingConnectsTwoFunctionsBehindSeparateNatsWherePlainConnectsFail() throws Exception {
        String[] out = scenario(false, "60000", true);
        assertTrue(out[0].contains("PLAIN_CONNECT_FAILED"), "a plain connect through the NAT should fail:\n" + out[0]);
        assertTrue(out[0].contains("RESULT 3 3") && out[1].contains("RESULT 3 3") && out[1].contains("BCAST64 OK"),
                "the punched connection did not carry the collectives:\n--- peer 0\n" + out[0] + "\n--- peer 1\n" + out[1]
                        + "\n--- server\n" + out[2]);
        assertTrue(!out[0].contains("RELAYED") && !out[1].contains("RELAYED"), "punching worked, yet the pair was relayed:\n"
                + out[0]);
    }

    @Test
    void behindSymmetricNatsThePairFallsBackToTheRelayAndCarriesAnAllreduceAndA64MiBBcast() throws Exception {
        String[] out = scenario(true, "60000", true);
        assertTrue(out[0].contains("RESULT 3 3") && out[1].contains("RESULT 3 3") && out[1].contains("BCAST64 OK"),
                "the relayed connection did not carry the collectives:\n--- peer 0\n" + out[0] + "\n--- peer 1\n" + out[1]
                        + "\n--- server\n" + out[2]);
        for (String peer : new String[] {out[0], out[1]}) {
            assertTrue(peer.contains("RELAYED") && peer.contains("hole punching"), "no relay event:\n" + peer);
        }
    }

    @Test
    void withoutTheRelaySymmetricNatsDefeatHolePunchingWithAClearErrorAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        String[] out = scenario(true, "6000", false);
        for (String peer : new String[] {out[0], out[1]}) {
            assertTrue(peer.contains("PAIRING_FAILED") && peer.contains("symmetric") && peer.contains("storage channel"),
                    "expected a clear hole-punching failure:\n" + peer);
            assertTrue(!peer.contains("RESULT"), peer);
        }
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 120, "the failure took too long");
    }
}

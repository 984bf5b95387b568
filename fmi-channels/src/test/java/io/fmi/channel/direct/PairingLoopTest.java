package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import java.io.DataInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one thread that drives every pairing of the JVM must wait, not spin, while pairings wait. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PairingLoopTest {

    /**
     * A rendezvous server that names a peer nobody listens for and then closes the connection (as
     * the real server does once its linger time is over). The pairing keeps punching until its
     * deadline; the closed connection must not keep the loop's selector busy meanwhile.
     */
    @Test
    void aServerClosingAfterNamingThePeerDoesNotMakeThePairingThreadSpin() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = s.getLocalPort();
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                try (Socket client = server.accept()) {
                    DataInputStream in = new DataInputStream(client.getInputStream());
                    byte[] header = new byte[Rendezvous.HEADER];
                    in.readFully(header);
                    in.readFully(new byte[ByteBuffer.wrap(header).getInt(4)]);
                    client.getOutputStream().write(Rendezvous.frame(Rendezvous.PEER,
                            Rendezvous.endpoint(new InetSocketAddress(InetAddress.getLoopbackAddress(), nobody))));
                    client.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            HolePuncher.Attempt attempt = HolePuncher.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), "spin/0-1", 0, null,
                    Deadline.after(Duration.ofSeconds(3)), Duration.ZERO, true, false);
            serving.get(10, TimeUnit.SECONDS);
            Thread loop = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(PairingLoop.THREAD_NAME)).findFirst().orElse(null);
            assertNotNull(loop, "no pairing thread");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuBefore = threads.getThreadCpuTime(loop.getId());
            long wallBefore = System.nanoTime();
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> attempt.result().get(20, TimeUnit.SECONDS));
            long wall = System.nanoTime() - wallBefore;
            long cpu = threads.getThreadCpuTime(loop.getId()) - cpuBefore;
            assertInstanceOf(FmiTimeoutException.class, failed.getCause(), failed.getCause().toString());
            assertTrue(failed.getCause().getMessage().contains("spin/0-1"), failed.getCause().getMessage());
            assertTrue(cpu < wall / 4, "the pairing thread used " + cpu / 1_000_000 + " ms of CPU in "
                    + wall / 1_000_000 + " ms of punching to a closed port");
        }
    }
}

package io.fmi.channel.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback in front of a real server that can be frozen: while frozen it
 * accepts and reads nothing and forwards nothing, so the server looks alive but silent (a hung
 * endpoint), which a plain stopped server would not (it refuses connections at once).
 */
final class FreezableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile boolean frozen;
    /** An HTTP response to give the next connection instead of forwarding its first request. */
    private volatile String answerNext;
    private volatile long replyDelayMillis;

    FreezableProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void freeze() {
        frozen = true;
    }

    /** Holds every chunk of the server's replies for {@code millis} before passing it on: a slow link. */
    void delayReplies(long millis) {
        replyDelayMillis = millis;
    }

    /**
     * Closes every open connection, and answers the first request of the next one with
     * {@code response} (a whole HTTP response) instead of forwarding it: the client's next request
     * fails once, as a busy service's would.
     */
    void failNextRequest(String response) {
        answerNext = response;
        sockets.forEach(FreezableProxy::close);
        sockets.clear();
    }

    void thaw() {
        synchronized (lock) {
            frozen = false;
            lock.notifyAll();
        }
    }

    private void awaitThawed() throws InterruptedException {
        synchronized (lock) {
            while (frozen) {
                lock.wait();
            }
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                String answer = answerNext;
                if (answer != null) {
                    answerNext = null;
                    answerOnce(client, answer);
                    continue;
                }
                Socket server = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(server);
                pump(client, server, false);
                pump(server, client, true);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /**
     * Reads the request's head, answers {@code response} and closes once the client has: closing
     * with the request's body unread would reset the connection, and the client could lose the
     * answer to the reset (seen in CI: two "no response" retries and no 503).
     */
    private static void answerOnce(Socket client, String response) {
        Thread t = new Thread(() -> {
            try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                int matched = 0;
                byte[] end = {'\r', '\n', '\r', '\n'};
                for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                    matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                out.write(response.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                client.shutdownOutput();
                client.setSoTimeout(10_000);
                byte[] rest = new byte[8192];
                while (in.read(rest) >= 0) {
                    // the body the answer made moot, until the client closes (Connection: close)
                }
            } catch (IOException ignored) {
                // the client went away
            }
        }, "proxy-answer");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to, boolean replies) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    awaitThawed();
                    if (replies && replyDelayMillis > 0) {
                        // latency injected on the link, not a wait for anything
                        Thread.sleep(replyDelayMillis);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed
            } finally {
                close(from);
                close(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        thaw();
        listener.close();
        sockets.forEach(FreezableProxy::close);
    }
}

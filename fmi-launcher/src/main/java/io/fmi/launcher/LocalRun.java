package io.fmi.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.Job;
import io.fmi.channel.direct.RendezvousServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Local mode: N JVMs on this machine, with an embedded rendezvous server when the job uses Direct.
 * Output lines carry their rank; the first failure stops the others after a grace period and gives
 * fmirun its exit status; a job timeout or Ctrl-C stops everything; nothing is left running.
 */
final class LocalRun {
    /** Exit status when the job timed out (as timeout(1)). */
    static final int TIMED_OUT = 124;

    private final FmiRun options;
    private final String name;
    private final String secret;
    private final ObjectNode config;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();

    LocalRun(FmiRun options, String name, String secret, ObjectNode config, PrintStream out, PrintStream err) {
        this.options = options;
        this.name = name;
        this.secret = secret;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    private record Exit(int rank, int status) {
    }

    /**
     * What lets the ranks' Direct channel read and write Java arrays on its sockets in place,
     * without the JDK's copy through a direct buffer (its {@code in_place}; a JVM of release 22 or
     * later, which the ranks are: they run on fmirun's own): native access for the class path, and
     * {@code sun.nio.ch} open to it for the sockets' descriptors. Nothing for older JVMs.
     */
    static List<String> inPlaceFlags(int release) {
        return release >= 22 ? List.of("--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
                : List.of();
    }

    int run() throws IOException, InterruptedException {
        // checked before anything starts, the rendezvous server included
        AotCache aot = options.aotCache == null ? null
                : AotCache.of(options.aotCache, Runtime.version().feature(), classPath());
        RendezvousServer server = null;
        ObjectNode direct = FmiRun.directWithoutServer(config);
        if (direct != null) {
            server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                    RendezvousServer.Options.defaults().withSecret(secret.getBytes(StandardCharsets.UTF_8)));
            direct.put("host", "127.0.0.1").put("port", server.port()).put("secret", "${" + Job.SECRET + "}");
        }
        Thread hook = new Thread(this::killAll, "fmirun-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return supervise(aot);
        } finally {
            killAll();
            for (Thread pump : pumps) {
                pump.join(2000);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /** The ranks' class path: the application's, then fmirun's own. */
    private String classPath() {
        return (options.classpath == null ? "" : options.classpath + File.pathSeparator)
                + System.getProperty("java.class.path");
    }

    /** Starts the ranks ({@code aot}: the ahead-of-time cache they use or record, or null) and waits for them. */
    private int supervise(AotCache aot) throws IOException, InterruptedException {
        int n = options.ranks();
        String json = FmiRun.JSON.writeValueAsString(config);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = classPath();
        if (aot != null && aot.training()) {
            err.println("fmirun: " + aot.file() + " does not exist yet: rank 0 records it this run (written as it"
                    + " exits); later runs with --aot-cache start every rank from it");
        }
        BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
        for (int r = 0; r < n; r++) {
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(inPlaceFlags(Runtime.version().feature()));
            cmd.addAll(options.jvmArgs);
            if (aot != null) {
                cmd.addAll(aot.options(r));
            }
            cmd.add("-cp");
            cmd.add(cp);
            cmd.addAll(options.command);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(new Job(r, n, name, json, secret, options.memoryMiB, 0).environment());
            pb.environment().put(Job.LOCAL_SIZE, Integer.toString(n));
            Process p = pb.start();
            processes.add(p);
            p.getOutputStream().close();
            pump(r, p.getInputStream(), out);
            pump(r, p.getErrorStream(), err);
            int rank = r;
            p.onExit().thenAccept(done -> exits.add(new Exit(rank, done.exitValue())));
        }
        long deadline = options.timeoutSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds)
                : Long.MAX_VALUE;
        Exit firstFailure = null;
        long graceUntil = Long.MAX_VALUE;
        int exited = 0;
        while (exited < n) {
            long now = System.nanoTime();
            long wait = Math.min(deadline, graceUntil) - now;
            Exit e = wait > 0 ? exits.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS) : null;
            if (e != null) {
                exited++;
                if (e.status != 0 && firstFailure == null) {
                    firstFailure = e;
                    int left = n - exited;
                    if (left > 0) {
                        err.printf("fmirun: rank %d exited with status %d; the other %d rank%s get %.1f s to end, then"
                                + " are stopped%n", e.rank, e.status, left, left == 1 ? "" : "s", options.graceSeconds);
                    }
                    graceUntil = System.nanoTime() + (long) (options.graceSeconds * 1e9);
                }
                continue;
            }
            now = System.nanoTime();
            if (now - deadline >= 0) {
                err.printf("fmirun: the job did not finish within %d s (--timeout); stopping %d rank%s%n",
                        options.timeoutSeconds, n - exited, n - exited == 1 ? "" : "s");
                killAll();
                return TIMED_OUT;
            }
            if (now - graceUntil >= 0) {
                err.printf("fmirun: stopping %d rank%s still running after rank %d failed%n", n - exited,
                        n - exited == 1 ? "" : "s", firstFailure.rank);
                killAll();
                graceUntil = Long.MAX_VALUE;
            }
        }
        if (firstFailure != null) {
            return firstFailure.status;
        }
        return 0;
    }

    /** Copies a rank's output line by line, prefixed with its rank. */
    private void pump(int rank, InputStream from, PrintStream to) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (to) {
                        to.println("[" + rank + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "fmirun-output-" + rank);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    /** Stops every rank (and whatever it started): politely, then forcibly after 2 s. */
    private void killAll() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.removeIf(h -> !h.isAlive());
        all.forEach(ProcessHandle::destroy);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("fmirun: process " + h.pid() + " did not stop: " + e);
            }
        }
    }
}

package io.fmi.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.examples.KMeans;
import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** fmirun's local mode end to end: real JVM processes, real sockets, an embedded rendezvous server. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FmiRunLocalTest {
    private static final String[] SMALL_JVM = {"--jvm-arg", "-XX:+UseSerialGC", "--jvm-arg", "-Xmx192m",
        "--jvm-arg", "-XX:TieredStopAtLevel=1"};

    private record Outcome(int status, String out, String err, long millis) {
    }

    private static Outcome fmirun(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[SMALL_JVM.length + args.length];
        System.arraycopy(SMALL_JVM, 0, all, 0, SMALL_JVM.length);
        System.arraycopy(args, 0, all, SMALL_JVM.length, args.length);
        long start = System.nanoTime();
        int status = FmiRun.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void nothingLeftRunning() {
        List<ProcessHandle> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .collect(Collectors.toList());
        assertEquals(List.of(), alive.stream().map(p -> p.info().commandLine().orElse("?")).collect(Collectors.toList()),
                "processes left running");
    }

    @Test
    void kmeansOnEightProcessesOverDirectEqualsTheSingleProcessRun(@TempDir Path dir) throws Exception {
        Path result = dir.resolve("centroids.txt");
        Outcome run = fmirun("-np", "8", "io.fmi.examples.KMeans", "--points", "40000", "--epochs", "4",
                "--out", result.toString());
        assertEquals(0, run.status, run.out + run.err);
        assertTrue(run.out.contains("[0] epoch  4: compute"), run.out);
        assertTrue(run.out.contains("8 ranks, channel Direct"), run.out);
        String expected;
        try (Communicator single = Communicator.builder().rank(0).size(1).name("kmeans-single")
                .channel(new LocalChannel(new LocalHub())).build()) {
            expected = KMeans.format(KMeans.run(single, 40000, 10, 28, 4, 42).centroids());
        }
        assertEquals(expected, Files.readString(result), "8 processes and one process disagree");
        nothingLeftRunning();
    }

    @Test
    void aRankThatFailsMakesFmirunFailWithItsStatusWithinSecondsAndStopsTheOthers() {
        Outcome run = fmirun("-np", "4", "--grace", "1", "io.fmi.launcher.Ranks", "fail", "2", "7");
        assertEquals(7, run.status, run.out + run.err);
        assertTrue(run.millis < 20_000, "took " + run.millis + " ms");
        assertTrue(run.err.contains("rank 2 exited with status 7"), run.err);
        assertTrue(run.err.contains("[2] rank 2 gives up"), run.err);
        for (int r = 0; r < 4; r++) {
            // the ranks learn how many of them share the host (Direct polls only while they do not outnumber its cores)
            assertTrue(run.out.contains("[" + r + "] rank " + r + " of 4 started, 4 on this host"), run.out);
        }
        nothingLeftRunning();
    }

    private static final int LARGE_BLOCK = 200_003;

    /**
     * Large alltoall, allgather and bcast blocks from byte arrays go one at a time between processes
     * (Direct's choice with a rank per JVM), through the JDK's copies on the JVM running the tests.
     */
    @Test
    void largeBlocksFromArraysArriveIntactBetweenProcesses() {
        Outcome run = fmirun("-np", "3", "io.fmi.launcher.Ranks", "large");
        assertEquals(0, run.status, run.out + run.err);
        long[] written = writtenInPlace(run.out, 3);
        if (Runtime.version().feature() < 22) {
            assertArrayEquals(new long[3], written, "no JVM before 22 writes arrays to sockets in place");
        }
        nothingLeftRunning();
    }

    /**
     * The same job with fmirun and its ranks on JDK 25, which write Java arrays to their sockets in
     * place: the allgather and bcast hand Direct the user's arrays rather than staged direct copies,
     * so every rank writes its alltoall and allgather blocks in place, and the bcast's root its own
     * too (with 3 ranks it sends to both others).
     */
    @Test
    void largeBlocksFromArraysAreWrittenInPlaceOnJdk25() throws Exception {
        Optional<Path> jdk = Jdk25.find();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 25 here (-Dfmi.test.jdk25=JAVA_HOME names one)");
        List<String> cmd = new ArrayList<>(List.of(jdk.get().resolve("bin/java").toString(), "-cp",
                System.getProperty("java.class.path"), FmiRun.class.getName(), "-np", "3", "--timeout", "120"));
        cmd.addAll(List.of(SMALL_JVM));
        cmd.addAll(List.of(Ranks.class.getName(), "large"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        long[] written = writtenInPlace(output, 3);
        // two calls, each an alltoall and an allgather sending size - 1 blocks
        long blocks = 2L * 2 * (3 - 1) * LARGE_BLOCK;
        for (int r = 0; r < 3; r++) {
            long atLeast = blocks + (r == 1 ? 2L * 2 * LARGE_BLOCK : 0);
            assertTrue(written[r] >= atLeast, "rank " + r + " wrote " + written[r] + " bytes in place, expected at least "
                    + atLeast + "\n" + output);
        }
        nothingLeftRunning();
    }

    /** Each rank's bytes written in place, from {@link Ranks}' "large" lines, which must report no wrong block. */
    private static long[] writtenInPlace(String out, int size) {
        long[] written = new long[size];
        for (int r = 0; r < size; r++) {
            Matcher m = Pattern.compile("\\[" + r + "\\] rank " + r + " blocks wrong: (\\d+), bytes written in place: (\\d+)")
                    .matcher(out);
            assertTrue(m.find(), "rank " + r + " did not report\n" + out);
            assertEquals("0", m.group(1), "rank " + r + "'s wrong blocks\n" + out);
            written[r] = Long.parseLong(m.group(2));
        }
        return written;
    }

    @Test
    void aJobThatOutlivesItsTimeoutIsStopped() {
        Outcome run = fmirun("-np", "3", "--timeout", "3", "io.fmi.launcher.Ranks", "sleep");
        assertEquals(LocalRun.TIMED_OUT, run.status, run.out + run.err);
        assertTrue(run.err.contains("did not finish within 3 s"), run.err);
        assertTrue(run.millis < 20_000, "took " + run.millis + " ms");
        nothingLeftRunning();
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        Outcome none = fmirun("-np", "2");
        assertEquals(2, none.status);
        assertTrue(none.err.contains("main class"), none.err);
        Outcome zero = fmirun("-np", "0", "x.Main");
        assertEquals(2, zero.status);
        assertTrue(zero.err.contains("-np must be at least 1"), zero.err);
    }

    /** Ctrl-C (SIGINT) and SIGTERM run fmirun's shutdown hook, which stops every rank. */
    @Test
    void stoppingFmirunStopsEveryRank() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process fmirun = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FmiRun.class.getName(),
                "-np", "3", "--jvm-arg", "-XX:+UseSerialGC", "io.fmi.launcher.Ranks", "sleep")
                .redirectErrorStream(true).start();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(fmirun.getInputStream(), StandardCharsets.UTF_8))) {
            java.util.Set<String> sleeping = new java.util.HashSet<>();
            String line;
            while (sleeping.size() < 3 && (line = lines.readLine()) != null) {
                if (line.endsWith("sleeping")) {
                    sleeping.add(line);
                }
            }
            assertEquals(3, sleeping.size(), "the ranks did not all start");
            List<ProcessHandle> ranks = fmirun.descendants().collect(Collectors.toList());
            assertTrue(ranks.size() >= 3, "ranks: " + ranks);
            new ProcessBuilder("kill", "-INT", Long.toString(fmirun.pid())).start().waitFor();
            assertTrue(fmirun.waitFor(30, TimeUnit.SECONDS), "fmirun did not stop on SIGINT");
            for (ProcessHandle rank : ranks) {
                rank.onExit().get(10, TimeUnit.SECONDS);
                assertTrue(!rank.isAlive(), "rank process " + rank.pid() + " survived fmirun");
            }
        } finally {
            fmirun.destroyForcibly();
        }
    }
}

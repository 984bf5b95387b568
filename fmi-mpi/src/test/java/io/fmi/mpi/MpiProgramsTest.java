package io.fmi.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.channel.redis.RedisServerFixture;
import io.fmi.launcher.FmiRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MPI regression programs ({@code mpitest.*}, each a {@code main} that exits 0 when every check
 * passes) and the unchanged Open MPI example programs, run by {@code fmirun} as separate JVM
 * processes over real sockets (Direct, with fmirun's embedded rendezvous server) and over a real
 * Redis server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MpiProgramsTest {
    private static final List<String> SMALL_JVM = List.of("--jvm-arg", "-XX:+UseSerialGC", "--jvm-arg", "-Xmx160m",
            "--jvm-arg", "-XX:TieredStopAtLevel=1", "--jvm-arg", "-Xss512k");

    record Outcome(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Outcome fmirun(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(SMALL_JVM);
        all.addAll(List.of(args));
        int status = FmiRun.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(new String[0]));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> programs() {
        List<Arguments> cases = new ArrayList<>();
        for (String program : List.of("PointToPoint", "NonBlocking", "Collectives", "ICollectives", "Reductions",
                "Communicators")) {
            // 3: not a power of two (the other branch of every algorithm); 8: more processes than cores
            for (int n : new int[] {3, 8}) {
                cases.add(Arguments.of(program, n));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1} processes")
    @MethodSource("programs")
    void regressionProgramPasses(String program, int processes) {
        Outcome run = fmirun("-np", Integer.toString(processes), "mpitest." + program);
        assertEquals(0, run.status, run.all());
        assertTrue(run.out.contains(program + ": all checks passed on " + processes + " ranks"), run.all());
        nothingLeftRunning();
    }

    @Test
    void abortEndsTheJobWithItsCodeAndSaysWho() {
        Outcome run = fmirun("-np", "4", "--grace", "1", "mpitest.Abort", "abort", "3");
        assertEquals(3, run.status, run.all());
        assertTrue(run.err.contains("MPI_ABORT was invoked on rank 3 of job"), run.all());
        assertTrue(run.err.contains("with errorcode 3"), run.all());
        assertTrue(!run.out.contains("not reached"), run.all());
        nothingLeftRunning();
    }

    @Test
    void abortReachesTheOtherProcessesWhichFailWithTheReasonInsteadOfWaiting() {
        long start = System.nanoTime();
        // a long grace: fmirun does not stop the others, the abort frames do
        Outcome run = fmirun("-np", "3", "--grace", "60", "mpitest.Abort", "abort", "3", "connected");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(3, run.status, run.all());
        assertTrue(run.err.contains("[0] MPI error") && run.err.contains("[1] MPI error"), run.all());
        assertTrue(run.err.contains("rank 2 aborted the job: MPI_ABORT was invoked on rank 2"), run.all());
        assertTrue(seconds < 30, "the job took " + seconds + " s: " + run.all());
        nothingLeftRunning();
    }

    @Test
    void anErrorUnderErrorsAreFatalAbortsTheJobNamingTheErrorClass() {
        Outcome run = fmirun("-np", "2", "--grace", "1", "mpitest.Abort", "fatal");
        assertEquals(1, run.status, run.all());
        assertTrue(run.err.contains("[1] MPI error (class 15): recv:"), run.all());
        assertTrue(run.err.contains("ERRORS_RETURN"), run.all());
        nothingLeftRunning();
    }

    @Test
    void theRingExampleRunsUnchangedOverDirect() {
        Outcome run = fmirun("-np", "4", "Ring", "5");
        assertEquals(0, run.status, run.all());
        assertTrue(run.out.contains("[0] Ring done: 24 receives in 5 laps"), run.all());
        assertTrue(run.out.contains("[0] Process 0 decremented the value: 0"), run.all());
    }

    @Test
    void theExamplesRunUnchangedOverRedis(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("redis.json");
        Files.writeString(config, RedisServerFixture.shared().backend(""));
        Outcome ring = fmirun("-np", "3", "--config", config.toString(), "Ring", "4");
        assertEquals(0, ring.status, ring.all());
        assertTrue(ring.out.contains("[0] Ring done: 15 receives in 4 laps"), ring.all());
        Outcome pi = fmirun("-np", "4", "--config", config.toString(), "Pi", "200000");
        assertEquals(0, pi.status, pi.all());
        Matcher hits = Pattern.compile("hits=(\\d+)").matcher(pi.out);
        assertTrue(hits.find(), pi.all());
        assertEquals(expectedHits(4, 200000), Long.parseLong(hits.group(1)), "the hits of 4 seeded ranks");
    }

    @Test
    void piOverDirectCountsExactlyTheDartsOfEachSeed() {
        Outcome pi = fmirun("-np", "8", "Pi", "100000");
        assertEquals(0, pi.status, pi.all());
        Matcher hits = Pattern.compile("hits=(\\d+)").matcher(pi.out);
        assertTrue(hits.find(), pi.all());
        assertEquals(expectedHits(8, 100000), Long.parseLong(hits.group(1)));
    }

    /** What Pi's ranks hit, computed here in one loop per seed. */
    static long expectedHits(int ranks, long darts) {
        long hits = 0;
        for (int rank = 0; rank < ranks; rank++) {
            java.util.Random random = new java.util.Random(12345L + rank);
            for (long i = 0; i < darts; i++) {
                double x = random.nextDouble();
                double y = random.nextDouble();
                if (x * x + y * y <= 1.0) {
                    hits++;
                }
            }
        }
        return hits;
    }

    @Test
    void aProgramStartedAloneIsRankZeroOfOne() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "mpitest.Communicators").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Communicators: all checks passed on 1 ranks"), out);
    }

    static void nothingLeftRunning() {
        List<String> alive = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().orElse("?")).filter(c -> !c.contains("redis-server"))
                .collect(Collectors.toList());
        assertEquals(List.of(), alive, "processes left running");
    }
}

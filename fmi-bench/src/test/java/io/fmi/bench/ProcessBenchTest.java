package io.fmi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fmi-bench processes} end to end with real processes: fmirun starts two JVMs per job, once
 * over FMI (Direct) and once over the raw-socket baseline, in two alternating rounds; every point
 * is measured by both (the workers check the allreduce's result) and the table has the ratios.
 * Open MPI is left out here (CI does not install it; the benchmark script does). The first run waits
 * for 200 ms without compilations after its warm-up ({@code --quiet-ms}); the others warm up by time
 * only: they check what is measured, not steady state, and JVMs that run for seconds keep compiling.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProcessBenchTest {

    @Test
    void bothImplementationsMeasureEveryPointInEveryRound(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("processes.csv");
        FmiBenchTest.Run run = FmiBenchTest.run("processes", "--np", "2", "--impl", "fmi,raw", "--tests", "latency,allreduce",
                "--sizes", "8,64K", "--rounds", "2", "--warmup-ms", "20", "--warmup-passes", "0", "--quiet-ms", "200", "--csv", csv.toString());
        String table = run.out();
        assertEquals(0, run.status(), table);
        List<String> rows = Files.readAllLines(csv);
        assertEquals("impl,round,test,ranks,bytes,us,model_us,iterations", rows.get(0));
        Set<String> seen = new TreeSet<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals("2", f[3], row);
            assertTrue(Double.parseDouble(f[5]) > 0, row);
            // OSU's count: 32 MiB per point, at most 1000
            assertEquals(f[4].equals("8") ? "1000" : "512", f[7], row);
            double model = Double.parseDouble(f[6]);
            assertTrue(f[0].equals("fmi") ? model > 0 : Double.isNaN(model), "the model predicts FMI's points only: " + row);
            seen.add(f[0] + " " + f[1] + " " + f[2] + " " + f[4]);
        }
        assertEquals(2 * 2 * 2 * 2, seen.size(), "every impl, round, test and size once: " + rows);
        assertEquals(seen.size(), rows.size() - 1, rows.toString());
        // rows are written in the order the jobs ran: the second round runs the implementations reversed
        List<String> order = rows.subList(1, rows.size()).stream().map(r -> r.split(",")[0] + " " + r.split(",")[1])
                .distinct().toList();
        assertEquals(List.of("fmi 1", "raw 1", "raw 2", "fmi 2"), order, rows.toString());
        assertTrue(table.contains("fmi/raw") && table.contains("model/fmi") && table.lines().filter(l -> l.startsWith("allreduce")).count() == 2, table);
    }

    /** Without FMI in the run, the table still has a row per point, with the baseline's times. */
    @Test
    void aRunWithoutFmiStillPrintsItsPoints() throws Exception {
        FmiBenchTest.Run run = FmiBenchTest.run("processes", "--np", "2", "--impl", "raw", "--tests", "allreduce",
                "--sizes", "8", "--rounds", "1", "--warmup-ms", "20", "--warmup-passes", "0", "--quiet-ms", "0");
        String table = run.out();
        assertEquals(0, run.status(), table);
        List<String> rows = table.lines().filter(l -> l.startsWith("allreduce")).toList();
        assertEquals(1, rows.size(), table);
        assertTrue(rows.get(0).trim().split("\\s+").length >= 4 && rows.get(0).contains("[") , table);
    }

    /** The workers check reduce's result on the root (a tree at 8 B, halving and a gather at 64 KiB on 4 ranks). */
    @Test
    void reduceIsMeasuredByBothWithEachIterationTimedAlone(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("reduce.csv");
        FmiBenchTest.Run run = FmiBenchTest.run("processes", "--np", "4", "--impl", "fmi,raw", "--tests", "reduce",
                "--sizes", "8,64K", "--rounds", "1", "--warmup-ms", "20", "--warmup-passes", "0", "--quiet-ms", "0", "--separate",
                "--csv", csv.toString());
        String table = run.out();
        assertEquals(0, run.status(), table);
        List<String> rows = Files.readAllLines(csv);
        Set<String> seen = new TreeSet<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertTrue(f[2].equals("reduce") && f[3].equals("4") && Double.parseDouble(f[5]) > 0, row);
            seen.add(f[0] + " " + f[4]);
        }
        assertEquals(Set.of("fmi 8", "fmi 65536", "raw 8", "raw 65536"), seen);
        assertTrue(table.contains("each iteration timed alone after a barrier"), table);
    }

    /**
     * With {@code --buffers direct}, allreduce and reduce run on direct buffers of doubles (FMI's
     * typed {@code ByteBuffer} reductions, reduced in the receive buffer itself); the workers check
     * the sums, so a wrong one fails the run.
     */
    @Test
    void reductionsOfDoublesInDirectBuffers(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("direct.csv");
        FmiBenchTest.Run run = FmiBenchTest.run("processes", "--np", "2", "--impl", "fmi,raw", "--tests",
                "allreduce,reduce", "--sizes", "64K", "--rounds", "1", "--warmup-ms", "20", "--warmup-passes", "0", "--quiet-ms", "0",
                "--buffers", "direct", "--iterations", "7", "--csv", csv.toString());
        String table = run.out();
        assertEquals(0, run.status(), table);
        Set<String> seen = new TreeSet<>();
        List<String> rows = Files.readAllLines(csv);
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertTrue(Double.parseDouble(f[5]) > 0, row);
            assertEquals("7", f[7], "--iterations 7 for every implementation instead of OSU's 512: " + row);
            seen.add(f[0] + " " + f[2] + " " + f[4]);
        }
        assertEquals(Set.of("fmi allreduce 65536", "fmi reduce 65536", "raw allreduce 65536", "raw reduce 65536"), seen);
        assertTrue(table.contains("Java ranks' data in direct buffers") && table.contains("7 timed iterations per point"), table);
    }

    @Test
    void anUnknownTestIsAUsageError() {
        assertUsageError("unknown test 'pingpong'", "processes", "--tests", "allreduce,pingpong");
    }

    @Test
    void aNegativeIterationCountIsAUsageError() {
        assertUsageError("--iterations is -3; give 1 or more, or 0 for OSU's count", "processes", "--iterations", "-3");
    }

    @Test
    void aNegativeQuietTimeIsAUsageError() {
        assertUsageError("--quiet-ms is -1; give 0 (warm up by time only) or more", "processes", "--quiet-ms", "-1");
    }

    @Test
    void warmUpGoesOnWhileTheCompilersWorkUpToItsCap() {
        long ms = 1_000_000;
        long until = 5_000 * ms;
        long cap = until + 60_000 * ms;
        long quiet = 1_000 * ms;
        // before the warm-up time: on, however quiet
        assertTrue(OsuWorker.warming(4_000 * ms, until, 0, quiet, cap));
        // after it: on while something was compiled less than the quiet time ago
        assertTrue(OsuWorker.warming(6_000 * ms, until, 5_500 * ms, quiet, cap));
        assertFalse(OsuWorker.warming(6_000 * ms, until, 4_900 * ms, quiet, cap));
        // never past the cap, compiling or not
        assertFalse(OsuWorker.warming(cap, until, cap - ms, quiet, cap));
        // a quiet time of 0: by time only
        assertFalse(OsuWorker.warming(6_000 * ms, until, 6_000 * ms, 0, cap));
    }

    private static void assertUsageError(String message, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new FmiBench());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int status = cli.execute(args);
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(message), err.toString(StandardCharsets.UTF_8));
    }
}

package io.fmi.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI end to end over two in-memory channels and Direct: the table, the CSV and the PNG charts. */
class FmiBenchTest {

    /** What the CLI printed on standard output, and its exit status. */
    record Run(int status, String out) {
    }

    /** Runs {@code fmi-bench args} in this JVM, capturing standard output. */
    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int status = new CommandLine(new FmiBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void aSweepWritesOneRowPerPointAndOneChartPerTest(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("points.csv");
        Path charts = dir.resolve("charts");
        Run run = run("--channel", "Local", "--channel", "LocalStore", "--channel", "Direct", "--peers", "3", "--sizes",
                "8,4K", "--tests", "latency,allreduce", "--min-time", "20", "--csv", csv.toString(), "--png", charts.toString());
        String table = run.out();
        assertEquals(0, run.status(), table);
        List<String> rows = Files.readAllLines(csv);
        assertEquals("channel,test,peers,bytes,median_us,min_us,model_us", rows.get(0));
        assertEquals(1 + 3 * 2 * 2, rows.size(), rows.toString());
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertEquals("3", f[2], row);
            double median = Double.parseDouble(f[4]);
            double min = Double.parseDouble(f[5]);
            assertTrue(median > 0 && min > 0 && min <= median, row);
            assertTrue(Double.parseDouble(f[6]) > 0, "no model prediction: " + row);
        }
        assertTrue(table.contains("Direct") && table.contains("allreduce"), table);
        for (String test : new String[] {"latency", "allreduce"}) {
            byte[] png = Files.readAllBytes(charts.resolve(test + ".png"));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), test);
            assertTrue(png.length > 10_000, test + ".png has only " + png.length + " bytes");
        }
    }

    @Test
    void aBadSizeIsAUsageErrorNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new FmiBench());
        cli.setErr(new java.io.PrintWriter(err, true));
        int status = cli.execute("--sizes", "12Q");
        assertEquals(2, status);
        assertTrue(err.toString().contains("12Q"), err.toString());
    }
}

package io.fmi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.channel.redis.RedisFixtures;
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
 * {@code fmi-bench accuracy} end to end with real processes on a peer-to-peer channel (Direct) and a
 * store (Redis, a real server): it calibrates both with two processes, writes the calibrated config,
 * and measures every cell of a small grid with the model's prediction next to it. Asserts what was
 * measured and written, not how fast.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AccuracyBenchTest {

    @Test
    void calibratesWithProcessesAndMeasuresEveryCell(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("servers.json"),
                "{\"backends\": {\"Direct\": {}, " + RedisFixtures.backendBlock() + "}}");
        Path calibrated = dir.resolve("calibrated.json");
        Path csv = dir.resolve("accuracy.csv");
        FmiBenchTest.Run run = FmiBenchTest.run("accuracy", "--config", config.toString(), "--np", "2", "--sizes", "8,64K",
                "--fit-sizes", "8,64K", "--warmup-ms", "20", "--warmup-passes", "0", "--max-ms", "50", "--repeat", "2",
                "--out", calibrated.toString(), "--csv", csv.toString());
        String table = run.out();
        assertEquals(0, run.status(), table);

        JsonNode model = new ObjectMapper().readTree(calibrated.toFile()).path("model");
        assertTrue(model.path("Direct").path("overhead").asDouble() > 0, model.toString());
        assertTrue(model.path("Direct").path("bandwidth").asDouble() > 0, model.toString());
        assertTrue(model.path("Redis").path("overhead").asDouble() > 0, model.toString());
        assertTrue(model.path("Redis").path("bandwidth_single").asDouble() > 0, "Redis' name for it: " + model);

        List<String> rows = Files.readAllLines(csv);
        assertEquals("channel,op,bytes,peers,predicted_us,measured_us,pass", rows.get(0));
        Set<String> cells = new TreeSet<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            assertTrue(Double.parseDouble(f[4]) > 0 && Double.parseDouble(f[5]) > 0, row);
            cells.add(f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " pass " + f[6]);
        }
        assertEquals(2 * 3 * 2 * 2, cells.size(), "every channel, op and size once per pass: " + rows);
        assertEquals(cells.size(), rows.size() - 1, rows.toString());
        assertTrue(table.contains("within [0.67, 1.50]") && table.contains("FAST picks the measured-fastest channel")
                && table.contains("fit Redis") && table.contains("fit Direct"), table);
        assertTrue(table.matches("(?s).*this machine against itself: .* in \\d+/12 .*"), table);
    }

    @Test
    void anInJvmChannelIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("local.json"), "{\"backends\": {\"Local\": {}}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new FmiBench());
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        int status = cli.execute("accuracy", "--config", config.toString(), "--channel", "Local");
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'Local' lives in one JVM"), err.toString(StandardCharsets.UTF_8));
    }
}

package io.fmi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.channel.StoreFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model's accuracy with separate processes on every channel that runs here: Direct (fmirun's
 * rendezvous server), Redis, S3 (s3proxy) and DynamoDB (dynalite), whose servers this test JVM
 * starts and the processes reach on loopback. Prints the grid ({@code fmi-bench accuracy});
 * asserts nothing about time. Run with
 * {@code mvn -B -P bench -pl fmi-bench -am test -Dtest=ProcessAccuracyBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * {@code -Dfmi.bench.out=DIR} keeps the calibrated config and the cells' CSV there,
 * {@code -Dfmi.bench.repeat=N} measures the grid N times ({@code --repeat}).
 */
@Tag("benchmark")
class ProcessAccuracyBenchmark {

    @Test
    void calibratedWithProcessesThenCheckedOnTheGrid(@TempDir Path dir) throws Exception {
        Path out = System.getProperty("fmi.bench.out") != null
                ? Files.createDirectories(Path.of(System.getProperty("fmi.bench.out"))) : dir;
        String json = "{\"backends\": {\"Direct\": {}, " + StoreFixtures.backendBlocks("fmi-accuracy") + "}}";
        Path config = Files.writeString(dir.resolve("servers.json"), json);
        int exit = new CommandLine(new FmiBench()).execute("accuracy", "--config", config.toString(),
                "--out", out.resolve("calibrated.json").toString(), "--csv", out.resolve("accuracy.csv").toString(),
                "--repeat", System.getProperty("fmi.bench.repeat", "1"));
        assertEquals(0, exit);
    }
}

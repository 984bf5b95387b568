package io.fmi.channel;

import io.fmi.config.FmiConfig;
import io.fmi.calibration.Calibrator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Calibrates the model on every channel that runs here (in-memory, Redis, S3 via s3proxy, DynamoDB
 * via dynalite) and prints predicted against measured times and how often the FAST choice was the
 * measured-fastest channel. Run with {@code mvn -B -P bench -pl fmi-channels -am test}.
 */
@Tag("benchmark")
class ModelAccuracyBenchmark {

    @Test
    void calibratedModelAgainstMeasurements() {
        String json = "{\"backends\": {\"Local\": {}, \"LocalStore\": {}, " + StoreFixtures.backendBlocks("fmi-model") + "}}";
        Calibrator.Report report = new Calibrator(FmiConfig.parse(json), 5)
                .run(new long[] {0, 16 * 1024, 256 * 1024, 1 << 20}, new long[] {8, 64 * 1024, 1 << 20}, new int[] {2, 4, 8});
        System.out.println();
        System.out.print(report.table());
        System.out.println();
    }
}

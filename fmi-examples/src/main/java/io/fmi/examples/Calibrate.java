package io.fmi.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.config.FmiConfig;
import io.fmi.calibration.Calibrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Calibrates the model: measures every enabled channel of a config, prints the fit and the
 * model-accuracy table, and writes the config with its {@code model} section updated.
 *
 * <pre>
 * java -cp fmi-examples/target/fmi-demo.jar io.fmi.examples.Calibrate --config config/fmi.json \
 *      [--out calibrated.json] [--reps 7] [--sizes 8,65536,1048576] [--peers 2,4,8]
 * </pre>
 */
public final class Calibrate {
    private Calibrate() {
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of("config/fmi.json");
        Path out = null;
        int reps = 7;
        long[] sizes = {8, 64 * 1024, 1 << 20};
        int[] peers = {2, 4, 8};
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--config":
                    config = Path.of(value);
                    break;
                case "--out":
                    out = Path.of(value);
                    break;
                case "--reps":
                    reps = Integer.parseInt(value);
                    break;
                case "--sizes":
                    sizes = Arrays.stream(value.split(",")).mapToLong(Long::parseLong).toArray();
                    break;
                case "--peers":
                    peers = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    break;
                default:
                    System.err.println("usage: Calibrate --config fmi.json [--out file] [--reps R] [--sizes a,b] [--peers a,b]");
                    System.exit(2);
            }
        }
        Calibrator.Report report = new Calibrator(FmiConfig.load(config), reps)
                .run(new long[] {0, 16 * 1024, 256 * 1024, 1 << 20}, sizes, peers);
        System.out.print(report.table());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode original = mapper.readTree(Files.readString(config));
        String merged = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(Calibrator.merge(original, report.fits()));
        if (out != null) {
            Files.writeString(out, merged + System.lineSeparator());
            System.out.println("wrote " + out);
        } else {
            System.out.println(merged);
        }
    }
}

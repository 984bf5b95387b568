package io.fmi.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.config.FmiConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class LocalDemoTest {

    @Test
    void theDemoRunsEveryCollectiveAndChecksItsResults() {
        String out = capture(() -> LocalDemo.run(5, 2, FmiConfig.parse("{\"backends\": {\"Local\": {}}}")));
        for (String op : new String[] {"allreduce", "bcast", "barrier", "allgather", "gather", "scatter", "reduce",
                "scan", "exscan", "alltoall", "reduceScatter", "send/recv", "custom op"}) {
            assertTrue(out.contains("\n" + op + " "), "missing " + op + " in:\n" + out);
        }
        assertTrue(out.contains("sum of 1..5 = 15"), out);
        assertTrue(out.contains("All results checked"), out);
    }

    @Test
    void theDefaultDemoRunsOverDirectTcpWithAnEmbeddedRendezvousServer() {
        String out = capture(() -> LocalDemo.main(new String[] {"--peers", "4", "--reps", "2"}));
        assertTrue(out.contains("embedded rendezvous server") && out.contains("[Direct]"), out);
        assertTrue(out.contains("sum of 1..4 = 10") && out.contains("All results checked"), out);
    }

    @Test
    void theDemoAlsoRunsOverTheObjectStoreAlgorithms() {
        String out = capture(() -> LocalDemo.run(3, 2, FmiConfig.parse("{\"backends\": {\"LocalStore\": {}}}")));
        assertTrue(out.contains("sum of 1..3 = 6"), out);
    }

    @Test
    void theShippedConfigFileLoads() {
        FmiConfig config = FmiConfig.load(Path.of("..", "config", "fmi.json"));
        assertEquals("Local", config.enabledBackends().keySet().iterator().next());
    }

    private static String capture(Runnable body) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

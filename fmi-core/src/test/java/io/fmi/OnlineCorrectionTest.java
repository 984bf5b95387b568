package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import io.fmi.model.Estimate;
import io.fmi.model.Explanation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The online correction: a model that over-rates a channel sends the job there; the observed times
 * correct it, every peer agrees on the correction, and the choice moves to the channel that is
 * really faster.
 */
class OnlineCorrectionTest {
    /**
     * Both in-memory channels made to look very fast, the store a hundred times faster still: the
     * model prefers it, though passing values through it takes far longer than the 10 ns it is said to.
     */
    private static final String CONFIG = "{\"backends\": {\"Local\": {}, \"LocalStore\": {}},"
            + " \"model\": {\"Local\": {\"overhead\": 0.001, \"bandwidth\": 100000},"
            + " \"LocalStore\": {\"overhead\": 0.00001, \"bandwidth\": 10000000}}}";

    @Test
    void aMisSetModelConvergesToTheChannelThatIsReallyFaster() {
        FmiConfig config = FmiConfig.parse(CONFIG);
        String name = "correction-" + UUID.randomUUID();
        Map<String, Long> usedAfter = new ConcurrentHashMap<>();
        FmiEventListener count = new FmiEventListener() {
            @Override
            public void operationEnd(OperationEvent e, Duration took, Map<String, Long> requests) {
                if (e.operation().equals("allreduce") && e.sequence() > 100) {
                    usedAfter.merge(e.channel(), 1L, Long::sum);
                }
            }
        };
        List<String> seen = LocalPeers.call(4, rank -> Communicator.builder().rank(rank).size(4).name(name).config(config)
                .hint(Hint.FAST).eventListener(count).build(), comm -> {
                    long bytes = 64 * 1024;
                    Explanation before = comm.explain(Operation.ALLREDUCE, bytes);
                    double[] in = new double[(int) (bytes / 8)];
                    double[] out = new double[in.length];
                    for (int i = 0; i < 30; i++) {
                        comm.allreduce(in, out, Op.SUM);
                    }
                    comm.correctModel();
                    Explanation after = comm.explain(Operation.ALLREDUCE, bytes);
                    Estimate store = after.estimates().stream().filter(e -> e.channel().equals("LocalStore")).findFirst()
                            .orElseThrow();
                    assertTrue(store.corrected() && store.correction() > 10, store.toString());
                    assertTrue(store.toString().contains("observed"), store.toString());
                    // sequence numbers continue past 100 on the corrected choice
                    for (int i = 0; i < 80; i++) {
                        comm.barrier();
                    }
                    for (int i = 0; i < 10; i++) {
                        comm.allreduce(in, out, Op.SUM);
                    }
                    return before.chosen() + " -> " + after.chosen() + " x" + String.format("%.6g", store.correction());
                }, Duration.ofMinutes(2));
        String first = seen.get(0);
        assertTrue(first.startsWith("LocalStore -> Local "), seen.toString());
        for (String s : seen) {
            assertEquals(first, s, "every peer agrees on the correction and the choice");
        }
        assertEquals(Map.of("Local", 40L), usedAfter, "the allreduces after the correction went to Local");
    }

    @Test
    void withoutObservationsNothingIsCorrectedAndOnlyTheBuildersCommunicatorAgrees() {
        FmiConfig config = FmiConfig.parse(CONFIG);
        String name = "no-correction-" + UUID.randomUUID();
        LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name).config(config).build(), comm -> {
            comm.correctModel();
            for (Estimate e : comm.explain(Operation.BCAST, 100).estimates()) {
                assertFalse(e.corrected(), e.toString());
                assertEquals(e.modelSeconds(), e.seconds());
            }
            Communicator sub = comm.dup();
            assertThrows(FmiConfigException.class, sub::correctModel);
            return null;
        }, Duration.ofMinutes(1));
    }
}

package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.local.LocalPeers;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ObjectCodecTest {

    /** A Jackson-mappable record, not Serializable. */
    public record Centroid(int id, double[] sums, long count) {
    }

    @Test
    void recordsTravelWithTheJacksonCodecChosenInTheBuilder() {
        LocalHub hub = new LocalHub();
        String name = "codec-" + UUID.randomUUID();
        List<Centroid> merged = LocalPeers.call(3, rank -> Communicator.builder().rank(rank).size(3).name(name)
                .channel(new LocalChannel(hub)).codec(ObjectCodec.jackson()).build(), comm -> {
                    Centroid mine = new Centroid(7, new double[] {comm.rank(), 1}, comm.rank() + 1);
                    List<Centroid> all = comm.allgatherObject(mine, Centroid.class);
                    assertEquals(3, all.size());
                    assertEquals(2.0, all.get(2).sums()[0]);
                    return comm.allreduceObject(mine, (a, b) -> new Centroid(a.id(),
                            new double[] {a.sums()[0] + b.sums()[0], a.sums()[1] + b.sums()[1]}, a.count() + b.count()),
                            Centroid.class);
                }, java.time.Duration.ofMinutes(1));
        for (Centroid c : merged) {
            assertEquals(3.0, c.sums()[0]);
            assertEquals(3.0, c.sums()[1]);
            assertEquals(6, c.count());
        }
    }

    @Test
    void theDefaultCodecRefusesWhatIsNotSerializableAndSaysWhatToDo() {
        try (Communicator comm = Communicator.builder().rank(0).size(1).name("codec-alone")
                .channel(new LocalChannel(new LocalHub())).build()) {
            FmiException e = assertThrows(FmiException.class, () -> comm.sendObject(new Object(), 0, 1));
            assertTrue(e.getMessage().contains("Serializable") && e.getMessage().contains("jackson"), e.getMessage());
        }
    }
}

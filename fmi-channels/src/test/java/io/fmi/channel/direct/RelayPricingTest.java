package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.FmiConfigException;
import io.fmi.FmiEventListener;
import io.fmi.Hint;
import io.fmi.Operation;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import io.fmi.model.Estimate;
import io.fmi.model.Explanation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The model prices relayed connections: two peers whose Direct connection the rendezvous server
 * relays ({@code punch: false}, so on loopback too) agree on it at {@code correctModel()}, and from
 * then on Direct's estimate carries the relay's hop and bandwidth — enough, with a slow relay, for
 * FAST to move a large allreduce to the store.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RelayPricingTest {
    private final RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
            RendezvousServer.Options.defaults());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void relayedPairsArePricedOnceThePeersAgreeOnThem() {
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + server.port()
                + ", \"punch\": false}, \"LocalStore\": {}},"
                + " \"model\": {\"Direct\": {\"overhead\": 0.05, \"bandwidth\": 1000, \"relay_bandwidth\": 1,"
                + " \"relay_overhead\": 0.05}, \"LocalStore\": {\"overhead\": 1, \"bandwidth\": 100}}}");
        String name = "relay-" + UUID.randomUUID();
        AtomicInteger relayed = new AtomicInteger();
        FmiEventListener counting = new FmiEventListener() {
            @Override
            public void relayed(String channel, int rank, int peer, String why) {
                assertTrue(why.contains("punch: false"), why);
                relayed.incrementAndGet();
            }
        };
        List<Explanation[]> seen = LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .config(config).hint(Hint.FAST).pin(Operation.SEND, "Direct").eventListener(counting).build(), comm -> {
            Explanation before = comm.explain(Operation.ALLREDUCE, 1 << 20);
            byte[] buf = new byte[1024];
            if (comm.rank() == 0) {
                comm.send(buf, 1);
            } else {
                comm.recv(buf, 0);
            }
            comm.correctModel();
            return new Explanation[] {before, comm.explain(Operation.ALLREDUCE, 1 << 20)};
        }, Duration.ofMinutes(1));
        assertEquals(2, relayed.get(), "each end reports its relayed connection");
        assertEquals(1, server.relayedPairs(), "the server carried the pair");
        for (Explanation[] e : seen) {
            assertEquals("Direct", e[0].chosen(), e[0].toString());
            double direct = seconds(e[0], "Direct");
            double relayedDirect = seconds(e[1], "Direct");
            // 2 × (0.05 + 0.05 ms) + a MiB at 1 MB/s ≫ what the direct connection costs
            assertTrue(relayedDirect > 1.0 && relayedDirect > 100 * direct, e[0] + " then " + e[1]);
            assertEquals("LocalStore", e[1].chosen(), e[1].toString());
        }
        assertEquals(seen.get(0)[1].toString(), seen.get(1)[1].toString(), "both peers price it alike");
    }

    @Test
    void punchingAndRelayingBothOffIsAConfigError() {
        Executable build = () -> Communicator.builder().rank(0).size(2).name("x").config(FmiConfig.parse(
                "{\"backends\": {\"Direct\": {\"port\": " + server.port() + ", \"punch\": false, \"relay\": false}}}")).build();
        FmiConfigException e = org.junit.jupiter.api.Assertions.assertThrows(FmiConfigException.class, build);
        assertTrue(e.getMessage().contains("punch") && e.getMessage().contains("relay"), e.getMessage());
    }

    private static double seconds(Explanation e, String channel) {
        return e.estimates().stream().filter(x -> x.channel().equals(channel)).mapToDouble(Estimate::seconds)
                .findFirst().orElseThrow();
    }
}

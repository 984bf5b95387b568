package io.fmi.channel.direct;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite over the Direct channel: real TCP connections on loopback, paired through
 * an embedded rendezvous server with HMAC authentication.
 */
class DirectConformanceTest extends CommunicatorConformanceSuite {
    private final RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
            RendezvousServer.Options.defaults().withSecret("conformance-secret".getBytes()));
    private final FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
            + server.port() + ", \"secret\": \"conformance-secret\"}}}");

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(config).timeout(timeout).build();
    }

    @AfterAll
    void stopServer() {
        server.close();
    }
}

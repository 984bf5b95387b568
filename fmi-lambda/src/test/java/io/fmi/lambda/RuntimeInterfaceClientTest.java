package io.fmi.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.channel.direct.RendezvousServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handler run as Lambda runs it: N processes of the real AWS Lambda Java runtime interface
 * client, each polling a minimal Runtime API served by this test (AWS Lambda itself cannot run
 * here), each handed one rank's event, doing a real allreduce over Direct through an embedded
 * rendezvous server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RuntimeInterfaceClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int N = 3;

    @Test
    void threeRuntimeClientsRunTheHandlerAndAllreduceOverDirect() throws Exception {
        byte[] secret = "ric-test-secret".getBytes(StandardCharsets.UTF_8);
        try (RendezvousServer rendezvous = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults().withSecret(secret));
             LambdaRuntimeStandIn lambda = LambdaRuntimeStandIn.start()) {
            String config = "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + rendezvous.port()
                    + ", \"secret\": \"${FMI_JOB_SECRET}\", \"max_timeout\": 60000}}}";
            for (int r = 0; r < N; r++) {
                lambda.invoke("{\"fmi\": {\"rank\": " + r + ", \"size\": " + N + ", \"job\": \"ric-job\", \"secret\": "
                        + "\"ric-test-secret\", \"config\": " + config + "}, \"payload\": {\"offset\": 10}}");
            }
            lambda.runtimes(N, AllreduceHandler.class.getName() + "::handleRequest");
            assertTrue(lambda.awaitAnswers(N, 120), "not every invocation finished; errors: " + lambda.errors()
                    + "; logs: " + lambda.logTails());
            assertEquals(Map.of(), lambda.errors(), "invocations failed; logs: " + lambda.logTails());
            Set<Integer> ranks = lambda.responses().values().stream().map(body -> {
                try {
                    JsonNode answer = JSON.readTree(body);
                    assertEquals(30 + 3, answer.path("result").path("sum").asLong(), body);
                    assertEquals(N, answer.path("result").path("ranks").asInt(), body);
                    assertEquals("req-" + answer.path("rank").asInt(), answer.path("result").path("request").asText());
                    assertTrue(answer.path("timings").has("run_ms"), body);
                    return answer.path("rank").asInt();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(Set.of(0, 1, 2), ranks);
        }
    }
}

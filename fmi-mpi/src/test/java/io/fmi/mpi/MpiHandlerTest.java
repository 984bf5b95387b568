package io.fmi.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.channel.direct.RendezvousServer;
import io.fmi.lambda.LambdaRuntimeStandIn;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An unchanged MPI program run as Lambda functions: {@link MpiHandler} under the real AWS Lambda
 * runtime interface client, one process per rank, polling a Runtime API stand-in (AWS Lambda
 * itself cannot run here), the ranks talking over Direct through a rendezvous server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MpiHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCollectivesProgramRunsAsFourLambdaFunctions() throws Exception {
        int n = 4;
        try (RendezvousServer rendezvous = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults().withSecret("mpi-secret".getBytes(StandardCharsets.UTF_8)));
             LambdaRuntimeStandIn lambda = LambdaRuntimeStandIn.start()) {
            String config = "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + rendezvous.port()
                    + ", \"secret\": \"${FMI_JOB_SECRET}\", \"max_timeout\": 60000}}}";
            for (int r = 0; r < n; r++) {
                lambda.invoke("{\"fmi\": {\"rank\": " + r + ", \"size\": " + n + ", \"job\": \"mpi-job\", \"secret\":"
                        + " \"mpi-secret\", \"config\": " + config + "}, \"payload\": {\"main\": \"mpitest.Collectives\","
                        + " \"args\": []}}");
            }
            lambda.runtimes(n, MpiHandler.class.getName() + "::handleRequest");
            assertTrue(lambda.awaitAnswers(n, 150), "not every rank answered; errors " + lambda.errors()
                    + lambda.logTails());
            assertEquals(Map.of(), lambda.errors(), lambda.logTails());
            for (String body : lambda.responses().values()) {
                JsonNode answer = JSON.readTree(body);
                assertEquals("ok", answer.path("result").asText(), body);
            }
            assertEquals(n, lambda.responses().size());
            assertTrue(lambda.logTails().contains("Collectives: all checks passed on 4 ranks"), lambda.logTails());
        }
    }

    @Test
    void aPayloadWithoutAMainClassFailsTheInvocationSayingWhatToSend() throws Exception {
        try (LambdaRuntimeStandIn lambda = LambdaRuntimeStandIn.start()) {
            lambda.invoke("{\"fmi\": {\"rank\": 0, \"size\": 1, \"job\": \"mpi-alone\", \"config\":"
                    + " {\"backends\": {\"Local\": {}}}}, \"payload\": {\"args\": []}}");
            lambda.runtimes(1, MpiHandler.class.getName() + "::handleRequest");
            assertTrue(lambda.awaitAnswers(1, 60), lambda.logTails());
            String error = lambda.errors().get("req-0");
            assertTrue(error != null && error.contains("the payload must name the main class"), error + lambda.logTails());
        }
    }
}

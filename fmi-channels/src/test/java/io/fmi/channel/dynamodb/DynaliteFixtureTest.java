package io.fmi.channel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test server outlives a client that drops a request half-sent, as the AWS SDK does when a call
 * times out on a loaded machine: dynalite alone exits then (its handler rethrows the socket's
 * 'aborted' error), and every DynamoDB test after that one failed to reach it.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DynaliteFixtureTest {

    @Test
    void keepsServingAfterAClientDropsARequestHalfSent() throws Exception {
        DynaliteFixture fixture = DynaliteFixture.shared();
        URI endpoint = fixture.endpoint();
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket(endpoint.getHost(), endpoint.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write(("POST / HTTP/1.1\r\nHost: " + endpoint.getAuthority()
                        + "\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Type: application/x-amz-json-1.0"
                        + "\r\nContent-Length: 1000\r\n\r\n{\"Limit\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // closed with most of the promised body unsent
            }
        }
        // the server answers afterwards (a fresh client: the fixture's may have pooled a dead connection)
        try (var client = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().endpointOverride(endpoint)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("fmi", "fmi")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.apiCallTimeout(java.time.Duration.ofSeconds(10)))
                .build()) {
            assertNotNull(client.listTables().tableNames(), "dynalite stopped answering after dropped requests");
        }
    }
}

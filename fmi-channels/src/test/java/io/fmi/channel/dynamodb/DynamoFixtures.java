package io.fmi.channel.dynamodb;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The DynamoDB test server, for benchmarks outside this package. */
public final class DynamoFixtures {
    private DynamoFixtures() {
    }

    /** A backend block for {@code table}; the table is created by the first communicator. */
    public static String backend(String table) {
        return DynaliteFixture.shared().backend(table, "\"close_grace\": 200");
    }

    public static DynamoDbClient client() {
        return DynamoDbClient.builder().endpointOverride(DynaliteFixture.shared().endpoint()).region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("fmi", "fmi")))
                .build();
    }

    /** Keys of items under a prefix (a scan, for leak checks in tests only). */
    public static java.util.List<String> keys(String table, String prefix) {
        return DynaliteFixture.shared().keys(table, prefix);
    }
}

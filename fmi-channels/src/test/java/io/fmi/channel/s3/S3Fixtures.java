package io.fmi.channel.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 test server, for benchmarks outside this package. */
public final class S3Fixtures {
    private S3Fixtures() {
    }

    public static String backend() {
        return S3ServerFixture.shared().backend("\"close_grace\": 200");
    }

    public static String bucket() {
        return S3ServerFixture.BUCKET;
    }

    public static S3Client client() {
        return S3Client.builder().endpointOverride(S3ServerFixture.shared().endpoint()).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ServerFixture.ACCESS, S3ServerFixture.SECRET)))
                .build();
    }

    /** Object keys under a prefix (a listing, for leak checks in tests only). */
    public static java.util.List<String> keys(String prefix) {
        return S3ServerFixture.shared().keys(prefix);
    }
}

package io.fmi.channel.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible HTTP server for tests: s3proxy over a temporary directory, started in this
 * JVM on a free loopback port, with SigV4 authentication and one bucket.
 */
public final class S3ServerFixture {
    static final String BUCKET = "fmi-test";
    static final String ACCESS = "fmi-access";
    static final String SECRET = "fmi-secret";

    private static S3ServerFixture shared;

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client client;

    private S3ServerFixture() throws Exception {
        // A real directory rather than s3proxy's in-memory store: the latter loses objects when one
        // key is read and written at the same moment, which our readers' polling does all the time.
        java.nio.file.Path root = java.nio.file.Files.createTempDirectory("fmi-s3proxy");
        root.toFile().deleteOnExit();
        proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(root.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    public static synchronized S3ServerFixture shared() {
        if (shared == null) {
            try {
                shared = new S3ServerFixture();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start s3proxy", e);
            }
            S3ServerFixture started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.proxy.stop();
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return shared;
    }

    URI endpoint() {
        return endpoint;
    }

    /** The JSON of an {@code S3} backend block for this server, plus {@code extra} fields. */
    public String backend(String extra) {
        return "{\"backends\": {\"S3\": {\"bucket_name\": \"" + BUCKET + "\", \"s3_region\": \"us-east-1\","
                + " \"endpoint\": \"" + endpoint + "\", \"access_key_id\": \"" + ACCESS + "\","
                + " \"secret_access_key\": \"" + SECRET + "\", \"timeout\": 1, \"max_poll_interval\": 20"
                + (extra.isEmpty() ? "" : ", " + extra) + "}}}";
    }

    /** Object keys under a prefix: for leak checks in tests; the channel never lists. */
    List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Response page = client.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix));
        for (S3Object o : page.contents()) {
            keys.add(o.key());
        }
        return keys;
    }
}

package io.fmi.channel.aws;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.ChannelEvents;
import io.fmi.spi.Deadline;
import io.fmi.FmiConfigException;
import io.fmi.config.BackendConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Settings shared by the AWS channels: region, endpoint override (MinIO, s3proxy, dynalite),
 * credentials (the default provider chain — environment, profile, Lambda role — unless keys are
 * configured) and timeouts. Internal to the channels.
 */
public final class AwsSettings {
    /** Fields every AWS backend block accepts. */
    public static final Set<String> FIELDS = Set.of("region", "endpoint", "access_key_id", "secret_access_key",
            "session_token", "connect_timeout", "request_timeout", "max_poll_interval", "close_grace");

    /** Attempts per request: enough that the deadline, not the count, ends retrying under throttling. */
    static final int MAX_ATTEMPTS = 30;
    /** The time a request made at its deadline still gets. */
    static final Duration LAST_LOOK = Duration.ofMillis(200);

    private final String backend;
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    /** First polling interval ({@code timeout}). */
    public final Duration pollInterval;
    /** Largest polling interval ({@code max_poll_interval}, ms). */
    public final Duration maxPollInterval;
    /** How long {@code close()} lets slower peers read before deleting ({@code close_grace}, ms). */
    public final Duration closeGrace;

    /** Reads the common fields; {@code regionAlias} is an extra accepted name, e.g. S3's {@code s3_region}. */
    public AwsSettings(BackendConfig config, String regionAlias) {
        this.backend = config.name();
        String regionName = config.string("region", regionAlias == null ? null : config.string(regionAlias, null));
        if (regionName == null) {
            regionName = System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : "us-east-1";
        }
        this.region = Region.of(regionName);
        String url = config.string("endpoint", null);
        if (url != null && !url.isEmpty()) {
            try {
                this.endpoint = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new FmiConfigException(config.path("endpoint") + " is not a URL: " + url);
            }
            if (endpoint.getScheme() == null || endpoint.getHost() == null) {
                throw new FmiConfigException(config.path("endpoint") + " must be a URL like http://127.0.0.1:9000, is " + url);
            }
        } else {
            this.endpoint = null;
        }
        String key = config.string("access_key_id", null);
        String secret = config.string("secret_access_key", null);
        String token = config.string("session_token", null);
        if ((key == null) != (secret == null)) {
            throw new FmiConfigException(config.path("access_key_id") + " and " + config.path("secret_access_key")
                    + " go together; give both or neither (neither uses the default credential chain)");
        }
        if (key != null) {
            this.credentials = StaticCredentialsProvider.create(token != null && !token.isEmpty()
                    ? AwsSessionCredentials.create(key, secret, token) : AwsBasicCredentials.create(key, secret));
        } else {
            this.credentials = DefaultCredentialsProvider.builder().build();
        }
        this.connectTimeout = Duration.ofMillis(config.integer("connect_timeout", 2000, 1, 600_000));
        this.requestTimeout = Duration.ofMillis(config.integer("request_timeout", 30_000, 1, 3_600_000));
        this.pollInterval = config.pollInterval();
        this.maxPollInterval = Duration.ofMillis(config.integer("max_poll_interval", 200,
                Math.max(1, pollInterval.toMillis()), 600_000));
        this.closeGrace = Duration.ofMillis(config.integer("close_grace", 5000, 0, 600_000));
    }

    /** Which attempt of a request is being sent, and what the previous one got. */
    private static final ExecutionAttribute<Integer> ATTEMPT = new ExecutionAttribute<>("fmi.attempt");
    private static final ExecutionAttribute<String> LAST = new ExecutionAttribute<>("fmi.last-attempt");

    /**
     * Applies region, endpoint, credentials, HTTP client, timeouts and retries to an SDK client
     * builder, and tells {@code events} of every request the SDK sends again (its second attempt
     * and later) with what the previous attempt got.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                          ChannelEvents events) {
        ExecutionInterceptor retries = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                Integer previous = attributes.getAttribute(ATTEMPT);
                int attempt = previous == null ? 1 : previous + 1;
                attributes.putAttribute(ATTEMPT, attempt);
                if (attempt > 1) {
                    events.retried(backend, attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), attempt,
                            attributes.getAttribute(LAST));
                }
                attributes.putAttribute(LAST, "no response (the connection failed or timed out)");
            }

            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                attributes.putAttribute(LAST, "HTTP " + context.httpResponse().statusCode());
            }
        };
        builder.region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(requestTimeout))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(requestTimeout)
                        .apiCallTimeout(requestTimeout.multipliedBy(3))
                        // the SDK's retries (throttling, 5xx, broken connections) are the only ones:
                        // requests with a deadline are bounded by it through within(), so the SDK
                        // retries until the operation's deadline, not a fixed number of times
                        .retryStrategy(AwsRetryStrategy.configure(StandardRetryStrategy.builder())
                                .maxAttempts(MAX_ATTEMPTS).circuitBreakerEnabled(false).build())
                        .addExecutionInterceptor(retries)
                        .build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    /**
     * The per-request override that bounds a request, with the SDK's retries, by what is left of
     * {@code deadline} (and each attempt by {@code request_timeout}). A deadline that has just
     * passed still allows {@link #LAST_LOOK} (a poll's last attempt at its deadline).
     */
    public AwsRequestOverrideConfiguration within(Deadline deadline) {
        long left = deadline.remainingMillis();
        Duration call = Duration.ofMillis(Math.max(left, LAST_LOOK.toMillis()));
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(call)
                .apiCallAttemptTimeout(call.compareTo(requestTimeout) < 0 ? call : requestTimeout).build();
    }

    /**
     * The bound of the check that opening a channel makes (bucket or table exists), retries
     * included: an unreachable endpoint fails the build in seconds, not at the request timeout.
     */
    public Deadline openDeadline() {
        return Deadline.after(Duration.ofMillis(Math.max(5_000, 3 * connectTimeout.toMillis())));
    }

    /** Where requests go, for messages: the endpoint override, or the region. */
    public String where() {
        return endpoint != null ? endpoint.toString() : "region " + region.id();
    }

    /**
     * A {@link ChannelException} for a failed request, naming the backend and endpoint, with the fix
     * for the common causes (no credentials, unreachable endpoint).
     */
    public FmiException failure(String what, RuntimeException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof ApiCallTimeoutException && what.startsWith("checking ")) {
            Throwable last = e.getSuppressed().length > 0 ? e.getSuppressed()[e.getSuppressed().length - 1] : e.getCause();
            return new ChannelException(backend + " at " + where() + ": " + what + " failed: no answer within the"
                    + " retries (" + (last != null ? last.toString() : message) + "); check that " + where()
                    + " is reachable (backends." + backend + ".endpoint/region)", e);
        }
        if (e instanceof ApiCallTimeoutException) {
            return new FmiTimeoutException(backend + " at " + where() + ": " + what + " did not complete before the"
                    + " operation's deadline (with the SDK's retries): " + message, e);
        }
        String hint = "";
        if (e instanceof SdkClientException) {
            if (message.toLowerCase(java.util.Locale.ROOT).contains("credentials")) {
                hint = "; no AWS credentials were found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile,"
                        + " a Lambda role, or backends." + backend + ".access_key_id/secret_access_key";
            } else {
                hint = "; check that " + where() + " is reachable (backends." + backend + ".endpoint/region)";
            }
        }
        return new ChannelException(backend + " at " + where() + ": " + what + " failed: " + message + hint, e);
    }
}

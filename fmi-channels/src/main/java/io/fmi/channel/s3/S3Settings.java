package io.fmi.channel.s3;

import io.fmi.channel.aws.AwsSettings;
import io.fmi.config.BackendConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code S3} block: the original's {@code bucket_name}, {@code s3_region}, {@code timeout},
 * {@code max_timeout}, plus {@code endpoint}, {@code path_style}, credentials and limits.
 */
final class S3Settings {
    final String bucket;
    final boolean pathStyle;
    final long maxValueBytes;
    final long partSize;
    final int parallelism;
    final AwsSettings aws;
    /** {@code heartbeat_ms}: how often the liveness mark is written (default 3000; 0 = no failure detection). */
    final java.time.Duration heartbeat;

    S3Settings(BackendConfig config) {
        Set<String> fields = new HashSet<>(AwsSettings.FIELDS);
        fields.add("heartbeat_ms");
        fields.addAll(Set.of("bucket_name", "s3_region", "path_style", "max_value_bytes", "part_size", "parallelism"));
        config.rejectUnknown(fields);
        this.bucket = config.requiredString("bucket_name");
        this.aws = new AwsSettings(config, "s3_region");
        this.heartbeat = config.heartbeat(3000);
        this.pathStyle = config.bool("path_style", config.has("endpoint"));
        this.maxValueBytes = config.integer("max_value_bytes", Integer.MAX_VALUE - 64, 64, Integer.MAX_VALUE - 64);
        this.partSize = config.integer("part_size", 8L << 20, 5L << 20, 1L << 30);
        this.parallelism = (int) config.integer("parallelism", 4, 1, 64);
    }
}

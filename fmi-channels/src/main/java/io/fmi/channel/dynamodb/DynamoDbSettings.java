package io.fmi.channel.dynamodb;

import io.fmi.channel.aws.AwsSettings;
import io.fmi.config.BackendConfig;
import java.util.HashSet;
import java.util.Set;

/** The {@code DynamoDB} block: {@code table}, {@code create_table}, {@code ttl_seconds}, limits, and the AWS fields. */
final class DynamoDbSettings {
    /** DynamoDB items hold at most 400 KB including attribute names and the key; leave room for both. */
    static final long DEFAULT_MAX_VALUE = 380_000;

    final String table;
    final boolean createTable;
    final long ttlSeconds;
    final long maxValueBytes;
    final AwsSettings aws;
    /** {@code heartbeat_ms}: how often the liveness mark is written (default 1000; 0 = no failure detection). */
    final java.time.Duration heartbeat;

    DynamoDbSettings(BackendConfig config) {
        Set<String> fields = new HashSet<>(AwsSettings.FIELDS);
        fields.add("heartbeat_ms");
        fields.addAll(Set.of("table", "create_table", "ttl_seconds", "max_value_bytes"));
        config.rejectUnknown(fields);
        this.table = config.requiredString("table");
        if (table.length() < 3 || !table.matches("[A-Za-z0-9_.-]+")) {
            throw new io.fmi.FmiConfigException(config.path("table") + " is \"" + table
                    + "\"; DynamoDB table names are 3-255 characters from [A-Za-z0-9_.-]");
        }
        this.createTable = config.bool("create_table", false);
        this.ttlSeconds = config.integer("ttl_seconds", 3600, 1, 366L * 24 * 3600);
        this.maxValueBytes = config.integer("max_value_bytes", DEFAULT_MAX_VALUE, 64, DEFAULT_MAX_VALUE);
        this.aws = new AwsSettings(config, null);
        this.heartbeat = config.heartbeat(1000);
    }
}

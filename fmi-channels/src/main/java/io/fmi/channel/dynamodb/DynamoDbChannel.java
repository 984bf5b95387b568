package io.fmi.channel.dynamodb;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.channel.aws.AwsSettings;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import io.fmi.spi.Poller;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The DynamoDB channel: one item per value in the configured table.
 *
 * <p>Table schema (documented in the README; {@code create_table: true} creates it on demand):
 * partition key {@code k} (string); attributes {@code v} (binary value), {@code r} (number of readers
 * left) and {@code expires_at} (epoch seconds, the table's TTL attribute). Items are limited to
 * 400 KB, so {@code max_value_bytes} defaults to 380000 and larger messages are split into several
 * items by the object-store algorithms.
 *
 * <p>Readers poll {@code GetItem} with strongly consistent reads and a growing interval. A value
 * with one reader is deleted by it; otherwise each reader atomically decrements {@code r}
 * ({@code UpdateItem ADD}) and the reader that brings it to zero deletes the item, so nothing
 * lingers; this bookkeeping runs in the background, off the critical path of the receive.
 * Throttling and transient errors are retried by the SDK until the operation's deadline (each
 * request carries it). {@link #close()} waits up to
 * {@code close_grace} for this peer's items to be consumed, then batch-deletes what is left.
 */
public final class DynamoDbChannel implements ObjectStoreChannel {
    /** The backend name. */
    public static final String NAME = "DynamoDB";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbChannel.class);
    static final String KEY = "k";
    static final String VALUE = "v";
    static final String READERS = "r";
    static final String EXPIRES = "expires_at";

    private final DynamoDbSettings settings;
    private final AwsSettings aws;
    private final Poller poller;
    /** What this peer wrote that readers may not have consumed yet. */
    private final io.fmi.spi.WrittenKeys written = new io.fmi.spi.WrittenKeys("DynamoDB channel",
            new io.fmi.spi.WrittenKeys.Store() {
                @Override
                public List<String> existing(List<String> keys) {
                    return remaining(keys);
                }

                @Override
                public List<String> delete(List<String> keys) {
                    return deleteOnce(keys, Deadline.after(Duration.ofSeconds(30)));
                }
            });
    private final io.fmi.channel.aws.RequestCounter requests = new io.fmi.channel.aws.RequestCounter();
    private ChannelContext context;
    private DynamoDbClient dynamo;
    private io.fmi.channel.aws.Cleaner cleaner;

    DynamoDbChannel(DynamoDbSettings settings) {
        this.settings = settings;
        this.aws = settings.aws;
        this.poller = new Poller(aws.pollInterval, aws.maxPollInterval);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("DynamoDB channel is already open; create one channel per peer");
        }
        this.context = context;
        this.cleaner = new io.fmi.channel.aws.Cleaner("DynamoDB " + context.communicatorName() + " rank " + context.rank());
        dynamo = aws.configure(DynamoDbClient.builder(), context.events()).build();
        try {
            count("describe");
            dynamo.describeTable(b -> b.tableName(settings.table).overrideConfiguration(aws.within(aws.openDeadline())));
        } catch (ResourceNotFoundException e) {
            if (!settings.createTable) {
                close();
                throw new ChannelException("DynamoDB at " + aws.where() + ": table '" + settings.table
                        + "' (backends.DynamoDB.table) does not exist; create it with partition key '" + KEY
                        + "' (string) and TTL attribute '" + EXPIRES + "', or set create_table: true", e);
            }
            createTable();
        } catch (RuntimeException e) {
            close();
            throw aws.failure("checking table '" + settings.table + "'", e);
        }
    }

    private void createTable() {
        try {
            count("create_table");
            dynamo.createTable(b -> b.tableName(settings.table)
                    .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
                            .attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException raced) {
            LOG.debug("table {} is being created by another peer", settings.table);
        } catch (RuntimeException e) {
            close();
            throw aws.failure("creating table '" + settings.table + "'", e);
        }
        Deadline ready = Deadline.after(Duration.ofSeconds(60));
        poller.await(() -> {
            count("describe");
            TableStatus status = dynamo.describeTable(b -> b.tableName(settings.table)).table().tableStatus();
            return status == TableStatus.ACTIVE ? Boolean.TRUE : null;
        }, ready, () -> "DynamoDB at " + aws.where() + ": table '" + settings.table + "' becoming ACTIVE");
        try {
            dynamo.updateTimeToLive(b -> b.tableName(settings.table)
                    .timeToLiveSpecification(t -> t.attributeName(EXPIRES).enabled(true)));
        } catch (RuntimeException e) {
            LOG.warn("DynamoDB at {}: enabling TTL on {} failed ({}); items are still deleted by their readers",
                    aws.where(), settings.table, e.toString());
        }
    }

    private void count(String kind) {
        requests.count(kind);
    }

    @Override
    public Map<String, Long> requestCounts() {
        return requests.snapshot();
    }

    @Override
    public long maxValueBytes() {
        return settings.maxValueBytes;
    }

    /**
     * Runs a request bounded by {@code deadline}: the SDK retries throttling and transient errors
     * with its backoff until then (there is no second retry loop here); what is left is turned into
     * the library's exceptions.
     */
    private <T> T call(String what, Deadline deadline, Function<AwsRequestOverrideConfiguration, T> request) {
        AwsRequestOverrideConfiguration within = aws.within(deadline);
        try {
            return request.apply(within);
        } catch (ProvisionedThroughputExceededException | RequestLimitExceededException e) {
            count("throttled");
            throw new FmiTimeoutException("DynamoDB at " + aws.where() + ": " + what + " was throttled on every"
                    + " attempt; raise the table's capacity or use on-demand billing", e);
        } catch (software.amazon.awssdk.core.exception.ApiCallTimeoutException e) {
            throw new FmiTimeoutException("DynamoDB at " + aws.where() + ": " + what + " did not complete within the"
                    + " deadline of " + deadline.budget().toMillis() + " ms (throttled or slow; if throttled, raise the"
                    + " table's capacity or use on-demand billing)", e);
        } catch (FmiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw aws.failure(what, e);
        }
    }

    @Override
    public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
        String full = context.keyPrefix() + key;
        Map<String, AttributeValue> item = Map.of(
                KEY, AttributeValue.fromS(full),
                VALUE, AttributeValue.fromB(SdkBytes.fromByteBuffer(value.duplicate())),
                READERS, AttributeValue.fromN(Integer.toString(readers)),
                EXPIRES, AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000 + settings.ttlSeconds)));
        call("writing item " + full, deadline, o -> {
            count("put");
            return dynamo.putItem(b -> b.tableName(settings.table).item(item).overrideConfiguration(o));
        });
        written.add(full);
    }

    @Override
    public byte[] get(String key, Deadline deadline) {
        return poller.await(() -> attempt(key, deadline), deadline,
                () -> "DynamoDB at " + aws.where() + ": item " + context.keyPrefix() + key + " in table " + settings.table);
    }

    @Override
    public byte[] tryGet(String key) {
        return attempt(key, Deadline.after(aws.closeGrace.plusSeconds(30)));
    }

    /** Polls every key once per round (one strongly consistent GetItem each), with this channel's backoff. */
    @Override
    public Taken getAny(List<String> keys, Deadline deadline) {
        return poller.await(() -> {
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = attempt(keys.get(i), deadline);
                if (value != null) {
                    return new Taken(i, value);
                }
            }
            return null;
        }, deadline, () -> "DynamoDB at " + aws.where() + ": any of the items " + keys + " under "
                + context.keyPrefix() + " in table " + settings.table);
    }

    /** One read of {@code key}: its value (its reader count then decremented in the background), or null. */
    private byte[] attempt(String key, Deadline deadline) {
        String full = context.keyPrefix() + key;
        Map<String, AttributeValue> k = Map.of(KEY, AttributeValue.fromS(full));
        GetItemResponse response = call("reading item " + full, deadline, o -> {
            count("get");
            return dynamo.getItem(b -> b.tableName(settings.table).key(k).consistentRead(true).overrideConfiguration(o));
        });
        if (!response.hasItem() || response.item().isEmpty()) {
            count("get_miss");
            return null;
        }
        Map<String, AttributeValue> item = response.item();
        byte[] value = item.get(VALUE).b().asByteArray();
        int readers = Integer.parseInt(item.get(READERS).n());
        Deadline cleanup = Deadline.after(aws.closeGrace.plusSeconds(30));
        cleaner.submit("counting the readers of " + full, () -> consumed(full, k, readers, cleanup));
        return value;
    }

    /** One reader is done: the last one deletes the item. */
    private void consumed(String full, Map<String, AttributeValue> k, int readers, Deadline deadline) {
        boolean last = readers <= 1;
        if (!last) {
            AttributeValue left = call("counting readers of " + full, deadline, o -> {
                count("update");
                return dynamo.updateItem(b -> b.tableName(settings.table).key(k).overrideConfiguration(o)
                        .updateExpression("ADD " + READERS + " :minus")
                        .expressionAttributeValues(Map.of(":minus", AttributeValue.fromN("-1")))
                        .returnValues(ReturnValue.UPDATED_NEW));
            }).attributes().get(READERS);
            last = left != null && Integer.parseInt(left.n()) <= 0;
        }
        if (last) {
            call("deleting item " + full, deadline, o -> {
                count("delete");
                return dynamo.deleteItem(b -> b.tableName(settings.table).key(k).overrideConfiguration(o));
            });
        }
    }

    @Override
    public Duration heartbeat() {
        return settings.heartbeat;
    }

    /** One PutItem, expiring through the table's TTL attribute. */
    @Override
    public void putMark(String key, byte[] value, Duration ttl) {
        String full = context.keyPrefix() + key;
        Map<String, AttributeValue> item = Map.of(
                KEY, AttributeValue.fromS(full),
                VALUE, AttributeValue.fromB(SdkBytes.fromByteArray(value)),
                EXPIRES, AttributeValue.fromN(Long.toString(System.currentTimeMillis() / 1000 + Math.max(1, ttl.toSeconds()))));
        call("writing mark " + full, Deadline.after(settings.heartbeat.multipliedBy(2)), o -> {
            count("mark_put");
            return dynamo.putItem(b -> b.tableName(settings.table).item(item).overrideConfiguration(o));
        });
    }

    /** One strongly consistent BatchGetItem (unprocessed keys asked again). */
    @Override
    public byte[][] getMarks(List<String> keys) {
        Map<String, Integer> index = new java.util.HashMap<>();
        List<Map<String, AttributeValue>> ask = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String full = context.keyPrefix() + keys.get(i);
            index.put(full, i);
            ask.add(Map.of(KEY, AttributeValue.fromS(full)));
        }
        byte[][] values = new byte[keys.size()][];
        Deadline deadline = Deadline.after(settings.heartbeat.multipliedBy(2));
        while (!ask.isEmpty()) {
            List<Map<String, AttributeValue>> batch = ask;
            var response = call("reading marks " + keys, deadline, o -> {
                count("mark_get");
                return dynamo.batchGetItem(b -> b.overrideConfiguration(o).requestItems(Map.of(settings.table,
                        software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(batch)
                                .consistentRead(true).build())));
            });
            for (Map<String, AttributeValue> found : response.responses().getOrDefault(settings.table, List.of())) {
                values[index.get(found.get(KEY).s())] = found.get(VALUE).b().asByteArray();
            }
            var unprocessed = response.unprocessedKeys().get(settings.table);
            ask = unprocessed == null ? List.of() : unprocessed.keys();
            if (!ask.isEmpty()) {
                count("throttled");
                if (deadline.expired()) {
                    throw new FmiTimeoutException("DynamoDB at " + aws.where() + ": reading marks " + keys
                            + " was left unprocessed until the deadline");
                }
                Poller.sleepNanos(20_000_000L);
            }
        }
        return values;
    }

    @Override
    public void deleteMarks(List<String> keys) {
        deleteAll(context.fullKeys(keys), Deadline.after(Duration.ofSeconds(10)));
    }

    /** Deletes {@code keys} with BatchWriteItem, 25 per request, asking again for what DynamoDB leaves unprocessed. */
    private void deleteAll(List<String> keys, Deadline deadline) {
        List<String> left = deleteOnce(keys, deadline);
        long backoffMs = 20;
        while (!left.isEmpty() && deadline.remainingMillis() > backoffMs) {
            Poller.sleepNanos(backoffMs * 1_000_000);
            backoffMs = Math.min(1000, backoffMs * 2);
            left = deleteOnce(left, deadline);
        }
    }

    /** One BatchWriteItem per 25 keys; returns the keys DynamoDB left unprocessed. */
    private List<String> deleteOnce(List<String> keys, Deadline deadline) {
        List<String> unprocessed = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 25) {
            List<WriteRequest> batch = new ArrayList<>();
            for (String key : keys.subList(i, Math.min(keys.size(), i + 25))) {
                batch.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(Map.of(KEY, AttributeValue.fromS(key))).build()).build());
            }
            var response = call("deleting " + batch.size() + " item(s)", deadline, o -> {
                count("batch_delete");
                return dynamo.batchWriteItem(b -> b.overrideConfiguration(o).requestItems(Map.of(settings.table, batch)));
            });
            for (WriteRequest left : response.unprocessedItems().getOrDefault(settings.table, List.of())) {
                unprocessed.add(left.deleteRequest().key().get(KEY).s());
            }
        }
        if (!unprocessed.isEmpty()) {
            count("unprocessed");
        }
        return unprocessed;
    }

    @Override
    public void close() {
        close(aws.closeGrace);
    }

    /** The job failed: delete this peer's items without waiting {@code close_grace} for readers. */
    @Override
    public void abandon() {
        close(java.time.Duration.ZERO);
    }

    private void close(java.time.Duration graceTime) {
        if (cleaner != null) {
            cleaner.close(graceTime.plusSeconds(30));
        }
        try {
            if (dynamo != null) {
                int unread = written.close(graceTime, Duration.ofMillis(50), Duration.ofSeconds(30));
                if (unread > 0) {
                    LOG.warn("DynamoDB channel of '{}' rank {}: deleted {} item(s) no peer read within {} ms",
                            context.communicatorName(), context.rank(), unread, graceTime.toMillis());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("DynamoDB channel of '{}' rank {}: cleanup failed ({}); the items expire through TTL",
                    context.communicatorName(), context.rank(), e.toString());
        } finally {
            if (dynamo != null) {
                dynamo.close();
                dynamo = null;
            }
        }
    }

    /** Which of {@code keys} still exist: batched, 100 keys per request. */
    private List<String> remaining(List<String> keys) {
        List<String> left = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 100) {
            List<Map<String, AttributeValue>> batch = new ArrayList<>();
            for (String key : keys.subList(i, Math.min(keys.size(), i + 100))) {
                batch.add(Map.of(KEY, AttributeValue.fromS(key)));
            }
            count("batch_get");
            var response = dynamo.batchGetItem(b -> b.requestItems(Map.of(settings.table,
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(batch)
                            .projectionExpression(KEY).consistentRead(true).build())));
            for (Map<String, AttributeValue> found : response.responses().getOrDefault(settings.table, List.of())) {
                left.add(found.get(KEY).s());
            }
            response.unprocessedKeys().getOrDefault(settings.table,
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().build())
                    .keys().forEach(unprocessed -> left.add(unprocessed.get(KEY).s()));
        }
        return left;
    }

    @Override
    public String toString() {
        return "DynamoDbChannel[" + settings.table + " at " + aws.where() + "]";
    }
}

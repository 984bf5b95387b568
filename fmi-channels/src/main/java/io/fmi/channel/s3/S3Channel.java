package io.fmi.channel.s3;

import io.fmi.FmiException;
import io.fmi.channel.aws.AwsSettings;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import io.fmi.spi.Poller;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 channel: one object per value, under {@code <namespace>/<communicator>/<op>-<seq>/<src>-<dst>}
 * in the configured bucket. S3 cannot notify, so readers poll {@code GetObject} with a growing
 * interval (from {@code timeout} up to {@code max_poll_interval}), never past the deadline.
 *
 * <p>Large values: at least two parts ({@code part_size}, default 8 MiB) go up as a multipart upload
 * and come down by ranged GETs, {@code parallelism} (default 4) at a time; readers poll with a GET of
 * the first part, so a small object costs one request and a large one learns its size for free.
 *
 * <p>Cleanup: the number of readers travels in the object's metadata; a value with one reader is
 * deleted by that reader (S3 DELETE requests are free), in the background, off the critical path. Values with several readers (broadcasts)
 * cannot be counted without paid requests, so their writer deletes them at {@link #close()}, once
 * they are at least {@code close_grace} ms old — a batch delete of up to 1000 keys per request.
 * When a peer is found gone (crashed or killed), the survivors {@link #sweep list the job's
 * prefix} and delete what it left; a lifecycle rule on the namespace prefix (see the README) removes
 * what a job whose every function crashed leaves. Nothing else lists the bucket.
 */
public final class S3Channel implements ObjectStoreChannel {
    /** The backend name. */
    public static final String NAME = "S3";

    private static final Logger LOG = LoggerFactory.getLogger(S3Channel.class);
    private static final String READERS = "fmi-readers";
    /** Threads for the parts of multipart uploads and ranged downloads, shared by all S3 channels. */
    private static final java.util.concurrent.ExecutorService TRANSFERS = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "fmi-s3-transfer");
                t.setDaemon(true);
                return t;
            });

    private final S3Settings settings;
    private final AwsSettings aws;
    private final Poller poller;
    /** What this peer wrote that may still be there (values for several readers stay until close). */
    private final io.fmi.spi.WrittenKeys written = new io.fmi.spi.WrittenKeys("S3 channel", new io.fmi.spi.WrittenKeys.Store() {
        /** One HEAD per key (pruning is amortised: about one per write). */
        @Override
        public List<String> existing(List<String> keys) {
            List<String> left = new ArrayList<>();
            for (String key : keys) {
                try {
                    count("head");
                    s3.headObject(b -> b.bucket(settings.bucket).key(key));
                    left.add(key);
                } catch (NoSuchKeyException e) {
                    // consumed
                } catch (S3Exception e) {
                    if (e.statusCode() != 404) {
                        throw e;
                    }
                }
            }
            return left;
        }

        /** Keys {@link #deleteAll} reports as errors are asked again. */
        @Override
        public List<String> delete(List<String> keys) {
            return deleteAll(keys);
        }
    });
    private final io.fmi.channel.aws.RequestCounter requests = new io.fmi.channel.aws.RequestCounter();
    private ChannelContext context;
    private S3Client s3;
    private io.fmi.channel.aws.Cleaner cleaner;

    S3Channel(S3Settings settings) {
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
            throw new FmiException("S3 channel is already open; create one channel per peer");
        }
        this.context = context;
        this.cleaner = new io.fmi.channel.aws.Cleaner("S3 " + context.communicatorName() + " rank " + context.rank());
        s3 = aws.configure(S3Client.builder(), context.events()).forcePathStyle(settings.pathStyle).build();
        try {
            count("head");
            s3.headBucket(b -> b.bucket(settings.bucket).overrideConfiguration(aws.within(aws.openDeadline())));
        } catch (NoSuchBucketException e) {
            throw missingBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw missingBucket(e);
            }
            close();
            throw aws.failure("checking bucket '" + settings.bucket + "'", e);
        } catch (RuntimeException e) {
            close();
            throw aws.failure("checking bucket '" + settings.bucket + "'", e);
        }
    }

    private RuntimeException missingBucket(RuntimeException e) {
        close();
        return new io.fmi.ChannelException("S3 at " + aws.where() + ": bucket '" + settings.bucket
                + "' (backends.S3.bucket_name) does not exist; create it or fix the name", e);
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

    @Override
    public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
        String full = context.keyPrefix() + key;
        Map<String, String> metadata = Map.of(READERS, Integer.toString(readers));
        try {
            if (settings.parallelism > 1 && value.remaining() >= 2L * settings.partSize) {
                multipartPut(full, value, metadata, deadline);
            } else {
                count("put");
                // slice(): the SDK copies a ByteBuffer from index 0, not from its position
                s3.putObject(b -> b.bucket(settings.bucket).key(full).metadata(metadata).overrideConfiguration(aws.within(deadline)),
                        RequestBody.fromByteBuffer(value.slice()));
            }
        } catch (io.fmi.FmiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw aws.failure("writing s3://" + settings.bucket + "/" + full, e);
        }
        written.add(full);
    }

    /** A large value as a multipart upload, {@code parallelism} parts at a time; aborted on failure. */
    private void multipartPut(String full, ByteBuffer value, Map<String, String> metadata, Deadline deadline) {
        count("multipart_create");
        String upload = s3.createMultipartUpload(b -> b.bucket(settings.bucket).key(full).metadata(metadata)
                .overrideConfiguration(aws.within(deadline))).uploadId();
        try {
            int parts = (int) ((value.remaining() + settings.partSize - 1) / settings.partSize);
            List<java.util.concurrent.Future<software.amazon.awssdk.services.s3.model.CompletedPart>> futures = new ArrayList<>();
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(settings.parallelism);
            for (int i = 0; i < parts; i++) {
                int number = i + 1;
                ByteBuffer slice = value.duplicate();
                slice.position(value.position() + (int) Math.min((long) i * settings.partSize, value.remaining()));
                slice.limit((int) Math.min((long) slice.position() + settings.partSize, value.limit()));
                acquire(window, deadline, full);
                futures.add(TRANSFERS.submit(() -> {
                    try {
                        count("multipart_part");
                        String etag = s3.uploadPart(b -> b.bucket(settings.bucket).key(full).uploadId(upload).overrideConfiguration(aws.within(deadline))
                                .partNumber(number), RequestBody.fromByteBuffer(slice.slice())).eTag();
                        return software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(number)
                                .eTag(etag).build();
                    } finally {
                        window.release();
                    }
                }));
            }
            List<software.amazon.awssdk.services.s3.model.CompletedPart> done = new ArrayList<>();
            for (var f : futures) {
                done.add(await(f, deadline, full));
            }
            count("multipart_complete");
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket).key(full).uploadId(upload).overrideConfiguration(aws.within(deadline))
                    .multipartUpload(m -> m.parts(done)));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(settings.bucket).key(full).uploadId(upload));
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void acquire(java.util.concurrent.Semaphore window, Deadline deadline, String what) {
        try {
            if (!window.tryAcquire(Math.max(0, deadline.remainingNanos()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                throw new io.fmi.FmiTimeoutException("S3: transferring " + what + " did not finish within "
                        + deadline.budget().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while transferring " + what, e);
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> future, Deadline deadline, String what) {
        try {
            return future.get(Math.max(0, deadline.remainingNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new io.fmi.FmiTimeoutException("S3: transferring " + what + " did not finish within "
                    + deadline.budget().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while transferring " + what, e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause : new FmiException(cause.toString(), cause);
        }
    }

    @Override
    public byte[] get(String key, Deadline deadline) {
        String full = context.keyPrefix() + key;
        ResponseBytes<GetObjectResponse> first = poller.await(() -> fetch(full, deadline), deadline,
                () -> "S3 at " + aws.where() + ": object s3://" + settings.bucket + "/" + full);
        return consume(full, first, reading(deadline));
    }

    /**
     * The deadline for reading the rest of a value that has appeared: the wait's deadline bounds the
     * waiting, not the download it found (a short wait, like a puller's slice, must not cut a large
     * value half-way — that would fetch it again); at least 60 s more.
     */
    private static Deadline reading(Deadline wait) {
        return wait.remainingNanos() >= java.util.concurrent.TimeUnit.SECONDS.toNanos(60) ? wait
                : Deadline.after(java.time.Duration.ofSeconds(60));
    }

    @Override
    public byte[] tryGet(String key) {
        String full = context.keyPrefix() + key;
        ResponseBytes<GetObjectResponse> first = fetch(full, Deadline.after(aws.closeGrace.plusSeconds(30)));
        return first == null ? null : consume(full, first, Deadline.after(aws.closeGrace.plusSeconds(30)));
    }

    /** Polls every key once per round (one GET each), with this channel's backoff. */
    @Override
    public Taken getAny(List<String> keys, Deadline deadline) {
        return poller.await(() -> {
            for (int i = 0; i < keys.size(); i++) {
                String full = context.keyPrefix() + keys.get(i);
                ResponseBytes<GetObjectResponse> first = fetch(full, deadline);
                if (first != null) {
                    return new Taken(i, consume(full, first, reading(deadline)));
                }
            }
            return null;
        }, deadline, () -> "S3 at " + aws.where() + ": any of the objects " + keys + " under s3://" + settings.bucket
                + "/" + context.keyPrefix());
    }

    /** The whole value whose first part is {@code first}; a value with one reader is then deleted. */
    private byte[] consume(String full, ResponseBytes<GetObjectResponse> first, Deadline deadline) {
        String readers = first.response().metadata().get(READERS);
        byte[] value = rest(full, first, deadline);
        if ("1".equals(readers)) {
            S3Client client = s3;
            count("delete");
            cleaner.submit("deleting consumed object " + full,
                    () -> client.deleteObject(b -> b.bucket(settings.bucket).key(full)));
        }
        return value;
    }

    /** Polls with a GET of the first part only, so a large object's remaining parts can be fetched in parallel. */
    private ResponseBytes<GetObjectResponse> fetch(String full, Deadline deadline) {
        try {
            count("get");
            if (settings.parallelism > 1) {
                return s3.getObjectAsBytes(b -> b.bucket(settings.bucket).key(full).overrideConfiguration(aws.within(deadline))
                        .range("bytes=0-" + (settings.partSize - 1)));
            }
            return s3.getObjectAsBytes(b -> b.bucket(settings.bucket).key(full).overrideConfiguration(aws.within(deadline)));
        } catch (NoSuchKeyException e) {
            count("get_miss");
            return null;
        } catch (RuntimeException e) {
            throw aws.failure("reading s3://" + settings.bucket + "/" + full, e);
        }
    }

    /** The whole object: the first part, plus the others fetched by parallel ranged GETs. */
    private byte[] rest(String full, ResponseBytes<GetObjectResponse> first, Deadline deadline) {
        String range = first.response().contentRange();
        long total = range == null || range.indexOf('/') < 0 ? first.asByteArrayUnsafe().length
                : Long.parseLong(range.substring(range.indexOf('/') + 1).trim());
        byte[] head = first.asByteArrayUnsafe();
        if (head.length >= total) {
            return head;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new io.fmi.ChannelException("S3: object " + full + " has " + total + " bytes, more than one message holds");
        }
        byte[] value = new byte[(int) total];
        System.arraycopy(head, 0, value, 0, head.length);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(settings.parallelism);
        for (long from = head.length; from < total; from += settings.partSize) {
            long start = from;
            long end = Math.min(total, from + settings.partSize) - 1;
            acquire(window, deadline, full);
            futures.add(TRANSFERS.submit(() -> {
                try {
                    count("get_range");
                    byte[] part = s3.getObjectAsBytes(b -> b.bucket(settings.bucket).key(full).overrideConfiguration(aws.within(deadline))
                            .range("bytes=" + start + "-" + end)).asByteArrayUnsafe();
                    System.arraycopy(part, 0, value, (int) start, part.length);
                    return null;
                } finally {
                    window.release();
                }
            }));
        }
        for (var f : futures) {
            await(f, deadline, full);
        }
        return value;
    }

    @Override
    public java.time.Duration heartbeat() {
        return settings.heartbeat;
    }

    /** One PUT (S3 cannot expire single objects: {@link #deleteMarks} or the lifecycle rule removes it). */
    @Override
    public void putMark(String key, byte[] value, java.time.Duration ttl) {
        String full = context.keyPrefix() + key;
        try {
            count("mark_put");
            s3.putObject(b -> b.bucket(settings.bucket).key(full).overrideConfiguration(aws.within(Deadline.after(ttl))),
                    RequestBody.fromBytes(value));
        } catch (RuntimeException e) {
            throw aws.failure("writing mark s3://" + settings.bucket + "/" + full, e);
        }
    }

    /** One GET per key. */
    @Override
    public byte[][] getMarks(List<String> keys) {
        byte[][] values = new byte[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
            String full = context.keyPrefix() + keys.get(i);
            try {
                count("mark_get");
                values[i] = s3.getObjectAsBytes(b -> b.bucket(settings.bucket).key(full)
                        .overrideConfiguration(aws.within(Deadline.after(settings.heartbeat.multipliedBy(2))))).asByteArray();
            } catch (NoSuchKeyException e) {
                values[i] = null;
            } catch (RuntimeException e) {
                throw aws.failure("reading mark s3://" + settings.bucket + "/" + full, e);
            }
        }
        return values;
    }

    /**
     * Deletes objects by full key with DeleteObjects, 1000 keys per request, and returns the keys
     * S3 reported as not deleted.
     */
    private List<String> deleteAll(List<String> keys) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (String k : keys.subList(i, Math.min(keys.size(), i + 1000))) {
                batch.add(ObjectIdentifier.builder().key(k).build());
            }
            count("delete");
            var response = s3.deleteObjects(b -> b.bucket(settings.bucket)
                    .delete(Delete.builder().objects(batch).quiet(true).build()));
            response.errors().forEach(error -> failed.add(error.key()));
        }
        return failed;
    }

    /** One DeleteObjects. */
    @Override
    public void deleteMarks(List<String> keys) {
        try {
            deleteAll(context.fullKeys(keys));
        } catch (RuntimeException e) {
            throw aws.failure("deleting marks " + keys + " under s3://" + settings.bucket + "/" + context.keyPrefix(), e);
        }
    }

    /** Lists the job's prefix (1000 keys per request) and deletes what is there. */
    @Override
    public void sweep(String relativePrefix) {
        String prefix = context.keyPrefix() + relativePrefix;
        String token = null;
        do {
            String from = token;
            count("list");
            var page = s3.listObjectsV2(b -> b.bucket(settings.bucket).prefix(prefix).continuationToken(from));
            List<String> keys = new ArrayList<>();
            page.contents().forEach(o -> keys.add(o.key()));
            deleteAll(keys);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    @Override
    public void close() {
        close(aws.closeGrace);
    }

    /** The job failed: delete this peer's objects without waiting {@code close_grace} for readers. */
    @Override
    public void abandon() {
        close(java.time.Duration.ZERO);
    }

    private void close(java.time.Duration grace) {
        if (cleaner != null) {
            cleaner.close(grace.plusSeconds(5));
        }
        try {
            if (s3 != null) {
                // S3 charges for looking: no polling, the writer waits out the grace and deletes
                written.close(grace, null, java.time.Duration.ofSeconds(30));
            }
        } catch (RuntimeException e) {
            LOG.warn("S3 channel of '{}' rank {}: deleting objects at close failed ({}); the bucket's"
                    + " lifecycle rule removes them", context.communicatorName(), context.rank(), e.toString());
        } finally {
            if (s3 != null) {
                s3.close();
                s3 = null;
            }
        }
    }

    @Override
    public String toString() {
        return "S3Channel[s3://" + settings.bucket + " at " + aws.where() + "]";
    }
}

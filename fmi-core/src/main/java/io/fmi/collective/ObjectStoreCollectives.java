package io.fmi.collective;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.MessageSizeException;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Collectives over an {@link ObjectStoreChannel}: every value is uploaded once and downloaded by
 * the peers that need it, under keys {@code <op>-<seq>/<src>-<dst>} that are unique per call, so
 * repeated and concurrent operations never collide and nothing is ever listed or scanned.
 *
 * <p>Each stored value starts with an 8-byte little-endian total length, so a receiver detects a
 * size mismatch on the first read instead of waiting for data that will never come. Values larger
 * than {@link ObjectStoreChannel#maxValueBytes()} are split into parts {@code key}, {@code key~1},
 * {@code key~2}, ... (DynamoDB's 400 KB item limit, Redis' 512 MB value limit).
 *
 * <p>Point-to-point messages travel in one stream per ordered pair of ranks: the n-th message from
 * s to d is the value {@code p2p/s-d/n}, whose header also carries the tag. A receiver reads each
 * stream in order and hands the messages to a {@link Mailbox}, which matches them to receives
 * (tags, wildcards, sizes) and queues the others, so messages of one pair are never reordered. A
 * receive from any source waits on the next key of every other rank's stream at once
 * ({@link ObjectStoreChannel#getAny}): one blocking command on Redis, a read per rank per polling
 * round on S3 and DynamoDB; nothing is listed. All keys start with {@code c<communicator id>/}.
 */
public final class ObjectStoreCollectives extends AbstractCollectives {
    private static final int HEADER = 8;
    private static final int TAG = 4;

    private final ObjectStoreChannel channel;
    private final String prefix;
    private final Mailbox mailbox;
    private final long[] sent;
    private final long[] received;
    private final StoreMessages messages = new StoreMessages();
    private final Group group;
    /** Failure detection on this channel, or null when the channel has no heartbeat. */
    private final Liveness liveness;

    /** Collectives and messages of communicator {@code group} over {@code channel}, without failure detection. */
    public ObjectStoreCollectives(ObjectStoreChannel channel, Group group) {
        this(channel, group, null);
    }

    /**
     * Collectives and messages of communicator {@code group} over {@code channel}; waits look at
     * {@code liveness} (null: none) between slices of one heartbeat interval.
     */
    public ObjectStoreCollectives(ObjectStoreChannel channel, Group group, Liveness liveness) {
        super(group.rank(), group.size());
        this.channel = channel;
        this.group = group;
        this.liveness = liveness;
        this.prefix = "c" + group.id() + "/";
        this.mailbox = new Mailbox(group.size());
        this.sent = new long[group.size()];
        this.received = new long[group.size()];
    }

    @Override
    public Messages messages() {
        return messages;
    }

    private String key(Call call, int src, String dst) {
        return prefix + call.keyStem() + "/" + src + "-" + dst;
    }

    @Override
    protected void put(Call call, int peer, byte[] buf, int offset, int length) {
        upload(call, key(call, rank, Integer.toString(peer)), buf, offset, length, 1);
    }

    @Override
    protected void take(Call call, int peer, byte[] buf, int offset, int length) {
        download(call, key(call, peer, Integer.toString(rank)), peer, buf, offset, length);
    }

    private void upload(Call call, String key, byte[] data, int offset, int length, int readers) {
        if (readers > 0) {
            upload(key, data, offset, length, readers, 0, false, call.deadline());
        }
    }

    /** Header (length, and the tag for point-to-point messages), then the data, split above the store's limit. */
    private void upload(String key, byte[] data, int offset, int length, int readers, int tag, boolean tagged,
                        Deadline deadline) {
        int header = tagged ? HEADER + TAG : HEADER;
        long max = Math.max(header + 1L, Math.min(channel.maxValueBytes(), Integer.MAX_VALUE - 8L));
        int firstChunk = (int) Math.min(length, max - header);
        byte[] first = new byte[header + firstChunk];
        ByteBuffer head = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        if (tagged) {
            head.putInt(HEADER, tag);
        }
        System.arraycopy(data, offset, first, header, firstChunk);
        channel.put(key, ByteBuffer.wrap(first), readers, deadline);
        int done = firstChunk;
        for (int part = 1; done < length; part++) {
            int chunk = (int) Math.min(length - done, max);
            channel.put(key + "~" + part, ByteBuffer.wrap(data, offset + done, chunk), readers, deadline);
            done += chunk;
        }
    }

    /** The rest of a split value after its first part, into {@code into} from {@code done}. */
    private void downloadParts(String key, int from, byte[] into, int offset, int done, int length, Deadline deadline) {
        for (int part = 1; done < length; part++) {
            byte[] chunk = await(key + "~" + part, from, deadline);
            if (chunk.length == 0 || done + chunk.length > length) {
                throw new io.fmi.ChannelException("object " + key + "~" + part + " from rank " + from
                        + " does not fit the announced " + length + " bytes");
            }
            System.arraycopy(chunk, 0, into, offset + done, chunk.length);
            done += chunk.length;
        }
    }

    /**
     * Waits for the value {@code key} written by {@code writer} (a rank of this communicator). With
     * failure detection, in slices of one heartbeat interval, looking at the writer's liveness in
     * between: a writer found gone fails the wait (after one last look at the key, which it may
     * have written just before it went).
     */
    private byte[] await(String key, int writer, Deadline deadline) {
        if (liveness == null) {
            return channel.get(key, deadline);
        }
        Integer channelRank = group.channelRank(writer);
        while (true) {
            ChannelException gone = liveness.gone(java.util.List.of(channelRank)).get(channelRank);
            if (gone != null) {
                byte[] last = channel.tryGet(key);
                if (last != null) {
                    return last;
                }
                throw new ChannelException("waiting for " + key + ": " + gone.getMessage(), gone);
            }
            try {
                return channel.get(key, deadline.slice(liveness.interval()));
            } catch (FmiTimeoutException e) {
                if (deadline.expired()) {
                    throw e;
                }
            }
        }
    }

    private void download(Call call, String key, int from, byte[] into, int offset, int length) {
        byte[] first = await(key, from, call.deadline());
        if (first.length < HEADER) {
            throw new io.fmi.ChannelException("object " + key + " from rank " + from + " is corrupt: "
                    + first.length + " bytes, shorter than its " + HEADER + "-byte header");
        }
        long total = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (total != length) {
            throw new MessageSizeException("rank " + from + " sent " + total + " bytes (object " + key
                    + ") but the receiving buffer holds " + length + " bytes; sender and receiver must use"
                    + " buffers of the same length", length, total);
        }
        int firstChunk = first.length - HEADER;
        System.arraycopy(first, HEADER, into, offset, firstChunk);
        downloadParts(key, from, into, offset, firstChunk, length, call.deadline());
    }

    // ---- point-to-point: one stream of values per ordered pair ----

    private String streamKey(int src, int dst, long n) {
        return prefix + "p2p/" + src + "-" + dst + "/" + n;
    }

    /**
     * How long the rest of a message may take once its first part is here: its writer is writing
     * the other parts, and the waits for them look at its liveness, which ends them sooner if it died.
     */
    private static final java.time.Duration REST_OF_MESSAGE = java.time.Duration.ofMinutes(5);

    /** {@link #accept(int, byte[], Deadline)} with {@link #REST_OF_MESSAGE} for the other parts. */
    private void accept(int src, byte[] first) {
        accept(src, first, Deadline.after(REST_OF_MESSAGE));
    }

    /** Reads the next message of {@code src}'s stream (its first part is {@code first}) into the mailbox. */
    private void accept(int src, byte[] first, Deadline deadline) {
        String key = streamKey(src, rank, received[src]);
        received[src]++;
        if (first.length < HEADER + TAG) {
            throw new io.fmi.ChannelException("object " + key + " from rank " + src + " is corrupt: "
                    + first.length + " bytes, shorter than its " + (HEADER + TAG) + "-byte header");
        }
        ByteBuffer head = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        long total = head.getLong(0);
        int tag = head.getInt(HEADER);
        if (total < 0 || total > Integer.MAX_VALUE - 8) {
            throw new io.fmi.ChannelException("object " + key + " from rank " + src + " announces " + total
                    + " bytes, more than a message may hold");
        }
        int length = (int) total;
        Mailbox.Landing landing = mailbox.arrive(src, 0, tag, length);
        if (landing.discard()) {
            // too long for the receive it matched, which fails: nothing to download
            landing.complete();
            return;
        }
        ByteBuffer target = landing.target();
        int firstChunk = Math.min(length, first.length - HEADER - TAG);
        target.duplicate().put(first, HEADER + TAG, firstChunk);
        if (firstChunk < length) {
            byte[] rest = new byte[length];
            downloadParts(key, src, rest, 0, firstChunk, length, deadline);
            ByteBuffer to = target.duplicate();
            to.position(to.position() + firstChunk);
            to.put(rest, firstChunk, length - firstChunk);
        }
        landing.complete();
    }

    /** How long one wait of the puller may last before it looks at the posted receives again, at first and at most. */
    private static final long FIRST_SLICE_MS = 250;
    private static final long MAX_SLICE_MS = 2000;

    /**
     * Receives that wait for the puller: one background loop per communicator downloads the next
     * message of every stream some waiting receive could match, whatever the number of receives
     * (non-blocking receives do not multiply the polling).
     */
    private final java.util.List<Mailbox.Receive> waiting = new java.util.ArrayList<>();
    private final java.util.concurrent.locks.ReentrantLock pullLock = new java.util.concurrent.locks.ReentrantLock();
    private boolean pulling;

    private void want(Mailbox.Receive r) {
        synchronized (waiting) {
            if (r.done()) {
                return;
            }
            waiting.add(r);
            if (!pulling) {
                pulling = true;
                Background.WORKERS.execute(this::pullLoop);
            }
        }
    }

    /** The streams the waiting receives could be served from, by source rank. */
    private java.util.SortedSet<Integer> sources(java.util.List<Mailbox.Receive> receives) {
        java.util.SortedSet<Integer> sources = new java.util.TreeSet<>();
        for (Mailbox.Receive r : receives) {
            if (r.source() == Mailbox.ANY_SOURCE) {
                for (int s = 0; s < size; s++) {
                    if (s != rank) {
                        sources.add(s);
                    }
                }
            } else if (r.source() != rank) {
                sources.add(r.source());
            }
        }
        return sources;
    }

    private void pullLoop() {
        java.util.SortedSet<Integer> last = null;
        long slice = FIRST_SLICE_MS;
        while (true) {
            java.util.List<Mailbox.Receive> now;
            synchronized (waiting) {
                waiting.removeIf(Mailbox.Receive::done);
                if (waiting.isEmpty()) {
                    pulling = false;
                    return;
                }
                now = new java.util.ArrayList<>(waiting);
            }
            java.util.SortedSet<Integer> sources = sources(now);
            if (sources.isEmpty()) {
                // only messages to self can match: they arrive without the store; look again soon
                synchronized (waiting) {
                    try {
                        waiting.wait(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            slice = sources.equals(last) ? Math.min(MAX_SLICE_MS, slice * 2) : FIRST_SLICE_MS;
            last = sources;
            pullLock.lock();
            try {
                if (liveness != null && !withoutTheGone(now, sources)) {
                    continue;
                }
                java.util.List<String> keys = new java.util.ArrayList<>(sources.size());
                int[] from = new int[sources.size()];
                int i = 0;
                for (int s : sources) {
                    from[i++] = s;
                    keys.add(streamKey(s, rank, received[s]));
                }
                Deadline deadline = Deadline.after(java.time.Duration.ofMillis(liveness == null ? slice
                        : Math.min(slice, liveness.interval().toMillis())));
                ObjectStoreChannel.Taken taken = keys.size() == 1
                        ? new ObjectStoreChannel.Taken(0, channel.get(keys.get(0), deadline))
                        : channel.getAny(keys, deadline);
                accept(from[taken.index()], taken.value());
            } catch (FmiTimeoutException slicePassed) {
                // nothing yet: look at the waiting receives again (their own deadlines end them)
            } catch (RuntimeException e) {
                for (Mailbox.Receive r : now) {
                    mailbox.fail(r, e);
                }
            } finally {
                pullLock.unlock();
            }
        }
    }

    /**
     * Failure detection for the puller: fails the waiting receives that only gone ranks could
     * serve (after one last look at each gone rank's stream) and removes those ranks from
     * {@code sources}. False when a last look found a message (the caller then starts over).
     */
    private boolean withoutTheGone(java.util.List<Mailbox.Receive> now, java.util.SortedSet<Integer> sources) {
        java.util.Map<Integer, Integer> byChannelRank = new java.util.HashMap<>();
        for (int s : sources) {
            byChannelRank.put(group.channelRank(s), s);
        }
        java.util.Map<Integer, ChannelException> gone = liveness.gone(byChannelRank.keySet());
        if (gone.isEmpty()) {
            return true;
        }
        java.util.Map<Integer, ChannelException> goneRanks = new java.util.HashMap<>();
        for (var e : gone.entrySet()) {
            int s = byChannelRank.get(e.getKey());
            byte[] last = channel.tryGet(streamKey(s, rank, received[s]));
            if (last != null) {
                accept(s, last);
                return false;
            }
            goneRanks.put(s, e.getValue());
        }
        for (Mailbox.Receive r : now) {
            ChannelException why = r.source() == Mailbox.ANY_SOURCE
                    ? (goneRanks.keySet().containsAll(sources(java.util.List.of(r))) ? goneRanks.values().iterator().next() : null)
                    : goneRanks.get(r.source());
            if (why != null) {
                mailbox.fail(r, new ChannelException("receive on rank " + rank + ": " + why.getMessage(), why));
            }
        }
        sources.removeAll(goneRanks.keySet());
        return !sources.isEmpty();
    }

    /**
     * A blocking receive from one source reads that source's stream in the calling thread while no
     * background puller is at work, in slices of at most {@link #FIRST_SLICE_MS} between which it
     * lets the puller take over if other receives came to wait: no hand-off to the puller and back,
     * which cost two thread wake-ups per message (a one-way message on Redis took 2–3× a bcast of the
     * same size). Returns whether {@code r} is done (received or failed); false: the puller serves it.
     */
    private boolean pullHere(Mailbox.Receive r, int source, Deadline deadline) {
        while (!r.done()) {
            synchronized (waiting) {
                if (pulling) {
                    return false;
                }
            }
            if (!pullLock.tryLock()) {
                return false;
            }
            try {
                if (r.done()) {
                    break;
                }
                byte[] first;
                try {
                    first = await(streamKey(source, rank, received[source]), source,
                            deadline.slice(java.time.Duration.ofMillis(FIRST_SLICE_MS)));
                } catch (FmiTimeoutException slicePassed) {
                    if (deadline.expired()) {
                        mailbox.fail(r, new FmiTimeoutException(Mailbox.describe(r) + " did not arrive within "
                                + deadline.budget().toMillis() + " ms"));
                    }
                    continue;
                } catch (ChannelException e) {
                    mailbox.fail(r, new ChannelException("receive on rank " + rank + ": " + e.getMessage(), e));
                    break;
                }
                accept(source, first);
            } catch (RuntimeException e) {
                // a corrupt or oversized message, a failed download: this receive fails with it (as with the puller)
                if (!mailbox.fail(r, e) && !r.done()) {
                    throw e;
                }
                break;
            } finally {
                pullLock.unlock();
            }
        }
        return true;
    }

    /** Blocks until {@code r} is done (its message arrived, its deadline passed, the store failed). */
    private Mailbox.Envelope await(Mailbox.Receive r, int source, int tag, Deadline deadline) {
        if (!r.done() && (source == rank || size == 1) && mailbox.withdraw(r)) {
            throw new FmiException("rank " + rank + " waits for a message from "
                    + (source == rank ? "itself" : "any rank") + " with " + (tag == Mailbox.ANY_TAG
                    ? "any tag" : "tag " + tag) + " but sent itself no such message first and no other"
                    + " rank can send one; a send to self must precede its receive");
        }
        Pending p = Pending.of(mailbox, r, deadline, e -> e);
        want(r);
        try {
            return p.future().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }

    private final class StoreMessages implements Messages {
        @Override
        public void send(int dest, int tag, ByteBuffer data, Deadline deadline) {
            if (dest == rank) {
                mailbox.deliver(rank, 0, tag, data);
                return;
            }
            synchronized (sent) {
                sendLocked(dest, tag, data, deadline);
            }
        }

        /** One stream per destination: its sequence number and the upload go together. */
        private void sendLocked(int dest, int tag, ByteBuffer data, Deadline deadline) {
            byte[] bytes;
            int offset;
            if (data.hasArray()) {
                bytes = data.array();
                offset = data.arrayOffset() + data.position();
            } else {
                bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                offset = 0;
            }
            upload(streamKey(rank, dest, sent[dest]), bytes, offset, data.remaining(), 1, tag, true, deadline);
            sent[dest]++;
        }

        @Override
        public Mailbox.Envelope recv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline) {
            Mailbox.Receive r = mailbox.post(0, source, tag, into, exact, new int[0]);
            if (source != Mailbox.ANY_SOURCE && source != rank && size > 1 && pullHere(r, source, deadline)) {
                return r.envelope();
            }
            return await(r, source, tag, deadline);
        }

        @Override
        public Pending irecv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline) {
            Mailbox.Receive r = mailbox.post(0, source, tag, into, exact, new int[0]);
            Pending p = Pending.of(mailbox, r, deadline, e -> e);
            want(r);
            return p;
        }

        @Override
        public Mailbox.Envelope probe(int source, int tag, Deadline deadline) {
            return await(mailbox.probe(0, source, tag, new int[0]), source, tag, deadline);
        }

        /** Looks at what is queued, and if no puller is at work, reads each candidate stream once. */
        @Override
        public Mailbox.Envelope iprobe(int source, int tag) {
            Mailbox.Envelope queued = mailbox.peek(0, source, tag);
            if (queued != null || !pullLock.tryLock()) {
                return queued;
            }
            try {
                Deadline deadline = Deadline.after(java.time.Duration.ofSeconds(30));
                for (int s = 0; queued == null && s < size; s++) {
                    if (s != rank && (source == Mailbox.ANY_SOURCE || source == s)) {
                        byte[] first = channel.tryGet(streamKey(s, rank, received[s]));
                        if (first != null) {
                            accept(s, first, deadline);
                            queued = mailbox.peek(0, source, tag);
                        }
                    }
                }
                return queued;
            } finally {
                pullLock.unlock();
            }
        }
    }

    @Override
    public void bcast(Call call, byte[] buf, int root) {
        String key = key(call, root, "all");
        if (rank == root) {
            upload(call, key, buf, 0, buf.length, size - 1);
        } else {
            download(call, key, root, buf, 0, buf.length);
        }
    }

    /** Everyone reports to rank 0 (n - 1 writes), rank 0 releases everyone with one value. */
    @Override
    public void barrier(Call call) {
        byte[] empty = new byte[0];
        if (rank == 0) {
            for (int r = 1; r < size; r++) {
                download(call, key(call, r, "0"), r, empty, 0, 0);
            }
            upload(call.phase(1), key(call.phase(1), 0, "all"), empty, 0, 0, size - 1);
        } else {
            upload(call, key(call, rank, "0"), empty, 0, 0, 1);
            download(call.phase(1), key(call.phase(1), 0, "all"), 0, empty, 0, 0);
        }
    }

    @Override
    public void gather(Call call, byte[] send, byte[] recv, int root) {
        int block = send.length;
        if (rank == root) {
            System.arraycopy(send, 0, recv, root * block, block);
            for (int r = 0; r < size; r++) {
                if (r != root) {
                    download(call, key(call, r, Integer.toString(root)), r, recv, r * block, block);
                }
            }
        } else {
            upload(call, key(call, rank, Integer.toString(root)), send, 0, block, 1);
        }
    }

    @Override
    public void scatter(Call call, byte[] send, byte[] recv, int root) {
        int block = recv.length;
        if (rank == root) {
            for (int r = 0; r < size; r++) {
                if (r != root) {
                    upload(call, key(call, root, Integer.toString(r)), send, r * block, block, 1);
                }
            }
            System.arraycopy(send, root * block, recv, 0, block);
        } else {
            download(call, key(call, root, Integer.toString(rank)), root, recv, 0, block);
        }
    }

    @Override
    public void alltoall(Call call, byte[] send, byte[] recv) {
        int block = send.length / size;
        for (int r = 0; r < size; r++) {
            if (r != rank) {
                upload(call, key(call, rank, Integer.toString(r)), send, r * block, block, 1);
            }
        }
        System.arraycopy(send, rank * block, recv, rank * block, block);
        for (int r = 0; r < size; r++) {
            if (r != rank) {
                download(call, key(call, r, Integer.toString(rank)), r, recv, r * block, block);
            }
        }
    }
}

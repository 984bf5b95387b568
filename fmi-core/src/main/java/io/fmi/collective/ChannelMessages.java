package io.fmi.collective;

import io.fmi.FmiException;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import io.fmi.spi.PeerToPeerChannel;
import java.nio.ByteBuffer;

/**
 * {@link Messages} over a peer-to-peer channel: sends carry the communicator id, receives are
 * posted on the channel's {@link Mailbox} and awaited through the channel; messages to oneself go
 * straight into the mailbox.
 */
public final class ChannelMessages implements Messages {
    private final PeerToPeerChannel channel;
    private final Mailbox mailbox;
    private final Group group;
    private final int me;
    /**
     * The candidates of a receive from each rank of the group (empty for oneself) and from any
     * source: made once, shared by every receive (a receive only reads them), so a receive does
     * not allocate them.
     */
    private final int[][] single;
    private final int[] anySource;

    public ChannelMessages(PeerToPeerChannel channel, Group group) {
        this.channel = channel;
        this.mailbox = channel.mailbox();
        this.group = group;
        this.me = group.channelRank(group.rank());
        this.single = new int[group.size()][];
        for (int r = 0; r < single.length; r++) {
            int c = group.channelRank(r);
            single[r] = c == me ? new int[0] : new int[] {c};
        }
        this.anySource = group.others();
    }

    @Override
    public void send(int dest, int tag, ByteBuffer data, Deadline deadline) {
        int to = group.channelRank(dest);
        if (to == me) {
            mailbox.deliver(me, group.id(), tag, data);
        } else {
            channel.send(to, group.id(), tag, data, deadline);
        }
    }

    private int source(int source) {
        return source == Mailbox.ANY_SOURCE ? Mailbox.ANY_SOURCE : group.channelRank(source);
    }

    private int[] candidates(int source) {
        if (source == Mailbox.ANY_SOURCE) {
            return anySource;
        }
        return single[source];
    }

    private Mailbox.Envelope local(Mailbox.Envelope e) {
        if (e == null) {
            return null;
        }
        int source = group.rankOf(e.source());
        return source == e.source() ? e : new Mailbox.Envelope(source, e.tag(), e.length());
    }

    private Mailbox.Envelope await(Mailbox.Receive r, int source, int tag, Deadline deadline) {
        if (!r.done() && r.candidates().length == 0) {
            if (mailbox.withdraw(r)) {
                throw new FmiException("rank " + group.rank() + " waits for a message from "
                        + (source == Mailbox.ANY_SOURCE ? "any rank" : "itself") + " with "
                        + (tag == Mailbox.ANY_TAG ? "any tag" : "tag " + tag) + " but no other rank can send one"
                        + " and it sent itself no such message first; a send to self must precede its receive");
            }
        }
        return r.done() ? r.envelope() : channel.await(r, deadline);
    }

    @Override
    public boolean largeBlocksOneAtATime() {
        return channel.largeBlocksOneAtATime();
    }

    @Override
    public boolean movesHeapInPlace(long bytes) {
        return channel.movesHeapInPlace(bytes);
    }

    @Override
    public Mailbox.Envelope recv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline) {
        Mailbox.Receive r = mailbox.post(group.id(), source(source), tag, into, exact, candidates(source));
        return local(await(r, source, tag, deadline));
    }

    /** Posts the receive, then sends: what the partner sends meanwhile is read straight into {@code into}. */
    @Override
    public void sendrecv(int dest, ByteBuffer data, int source, ByteBuffer into, int tag, Deadline deadline) {
        if (group.channelRank(source) == me || group.channelRank(dest) == me) {
            Messages.super.sendrecv(dest, data, source, into, tag, deadline);
            return;
        }
        Mailbox.Receive r = mailbox.post(group.id(), source(source), tag, into, true, candidates(source));
        try {
            send(dest, tag, data, deadline);
        } catch (RuntimeException e) {
            mailbox.withdraw(r);
            throw e;
        }
        await(r, source, tag, deadline);
    }

    /** A receive posted on the mailbox ahead of its turn. */
    private record Ahead(Mailbox.Receive receive, int source, int tag) implements Posted {
    }

    /** Posts on the mailbox at once (a receive from oneself waits for {@link #complete}, as {@link #recv} would). */
    @Override
    public Posted post(int source, int tag, ByteBuffer into, Deadline deadline) {
        if (group.channelRank(source) == me) {
            return new Deferred(source, tag, into);
        }
        return new Ahead(mailbox.post(group.id(), source(source), tag, into, true, candidates(source)), source, tag);
    }

    @Override
    public void complete(Posted posted, Deadline deadline) {
        if (posted instanceof Ahead a) {
            await(a.receive(), a.source(), a.tag(), deadline);
        } else {
            Messages.super.complete(posted, deadline);
        }
    }

    @Override
    public void withdraw(Posted posted) {
        if (posted instanceof Ahead a) {
            mailbox.withdraw(a.receive());
        }
    }

    @Override
    public void exchange(int[] to, ByteBuffer[] out, int[] from, ByteBuffer[] in, int tag, Deadline deadline) {
        Mailbox.Receive[] posted = new Mailbox.Receive[from.length];
        try {
            for (int i = 0; i < from.length; i++) {
                if (group.channelRank(from[i]) == me) {
                    throw new FmiException("exchange: rank " + group.rank() + " cannot receive from itself here");
                }
                posted[i] = mailbox.post(group.id(), source(from[i]), tag, in[i], true, candidates(from[i]));
            }
            sendAll(to, tag, out, deadline);
            for (int i = 0; i < from.length; i++) {
                await(posted[i], from[i], tag, deadline);
                posted[i] = null;
            }
        } finally {
            for (Mailbox.Receive r : posted) {
                if (r != null) {
                    mailbox.withdraw(r);
                }
            }
        }
    }

    /** Messages to oneself go to the mailbox; the others to the channel at once ({@link PeerToPeerChannel#sendAll}). */
    private void sendAll(int[] to, int tag, ByteBuffer[] out, Deadline deadline) {
        int[] dests = new int[to.length];
        ByteBuffer[] data = new ByteBuffer[to.length];
        int n = 0;
        for (int i = 0; i < to.length; i++) {
            int dest = group.channelRank(to[i]);
            if (dest == me) {
                mailbox.deliver(me, group.id(), tag, out[i]);
            } else {
                dests[n] = dest;
                data[n++] = out[i];
            }
        }
        channel.sendAll(java.util.Arrays.copyOf(dests, n), group.id(), tag, java.util.Arrays.copyOf(data, n), deadline);
    }

    @Override
    public Pending irecv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline) {
        Mailbox.Receive r = mailbox.post(group.id(), source(source), tag, into, exact, candidates(source));
        channel.expect(r, deadline);
        return Pending.of(mailbox, r, deadline, this::local);
    }

    @Override
    public Mailbox.Envelope probe(int source, int tag, Deadline deadline) {
        Mailbox.Receive r = mailbox.probe(group.id(), source(source), tag, candidates(source));
        return local(await(r, source, tag, deadline));
    }

    @Override
    public Mailbox.Envelope iprobe(int source, int tag) {
        channel.poll();
        return local(mailbox.peek(group.id(), source(source), tag));
    }
}

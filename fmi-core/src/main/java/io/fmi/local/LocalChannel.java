package io.fmi.local;

import io.fmi.FmiException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import io.fmi.spi.PeerToPeerChannel;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An in-memory peer-to-peer channel between threads of one JVM: each send copies the message into
 * the receiver's mailbox in a {@link LocalHub}. For fast tests of the peer-to-peer algorithms and
 * for demos; configured as the {@code Local} backend.
 */
public final class LocalChannel implements PeerToPeerChannel {
    /** The backend name. */
    public static final String NAME = "Local";

    private final LocalHub hub;
    private ChannelContext context;
    private Mailbox mailbox;

    /** A channel on the JVM-wide {@link LocalHub#shared() shared} hub. */
    public LocalChannel() {
        this(LocalHub.shared());
    }

    /** A channel on {@code hub}; peers must share it. */
    public LocalChannel(LocalHub hub) {
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("Local channel is already open for rank " + this.context.rank()
                    + " of '" + this.context.communicatorName() + "'; create one channel per peer");
        }
        this.context = context;
        this.mailbox = hub.mailbox(context.communicatorName(), context.rank(), context.size());
    }

    @Override
    public Mailbox mailbox() {
        return mailbox;
    }

    /** Copies the message straight into the receiver's buffer if its receive is posted, else queues a copy. */
    @Override
    public void send(int dest, int comm, int tag, ByteBuffer data, Deadline deadline) {
        hub.mailbox(context.communicatorName(), dest, context.size()).deliver(context.rank(), comm, tag, data);
    }

    @Override
    public Mailbox.Envelope await(Mailbox.Receive receive, Deadline deadline) {
        return mailbox.await(receive, deadline, "Local: " + Mailbox.describe(receive));
    }

    /** Fails every other peer's receives of this communicator at once (they share the hub). */
    @Override
    public void abort(String reason) {
        hub.abort(context.communicatorName(), new io.fmi.FmiAbortedException(context.rank(), reason));
    }

    @Override
    public void close() {
        if (context != null) {
            hub.removeMailbox(context.communicatorName(), context.rank());
        }
    }
}

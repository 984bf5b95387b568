package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receives posted ahead of their turn ({@link Messages#post}) over a real in-memory channel pair: a
 * message that arrives before its receive is awaited lands in place (nothing is queued), receives
 * from one source match in posting order, and a withdrawn receive leaves its message to later receives.
 */
class PostedReceiveTest {
    private final Deadline soon = Deadline.after(Duration.ofSeconds(10));

    private final LocalHub hub = new LocalHub();
    private final LocalChannel zero = new LocalChannel(hub);
    private final LocalChannel one = new LocalChannel(hub);
    private Messages atZero;
    private Messages atOne;

    @BeforeEach
    void open() {
        zero.open(new ChannelContext(0, 2, "posted", "fmi"));
        one.open(new ChannelContext(1, 2, "posted", "fmi"));
        atZero = new ChannelMessages(zero, Group.world(0, 2));
        atOne = new ChannelMessages(one, Group.world(1, 2));
    }

    @AfterEach
    void close() {
        zero.close();
        one.close();
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    void aMessageSentBeforeItsReceiveIsAwaitedLandsInPlace() {
        ByteBuffer into = ByteBuffer.allocate(3);
        Messages.Posted posted = atZero.post(1, 7, into, soon);
        atOne.send(0, 7, bytes(1, 2, 3), soon);
        // written into the posted buffer on arrival, not queued for a later copy
        assertEquals(0, zero.mailbox().queuedBytes(1));
        assertArrayEquals(new byte[] {1, 2, 3}, into.array());
        atZero.complete(posted, soon);
        assertArrayEquals(new byte[] {1, 2, 3}, into.array());
    }

    @Test
    void receivesFromOneSourceMatchInPostingOrder() {
        ByteBuffer first = ByteBuffer.allocate(2);
        ByteBuffer second = ByteBuffer.allocate(2);
        Messages.Posted a = atZero.post(1, 7, first, soon);
        Messages.Posted b = atZero.post(1, 7, second, soon);
        atOne.send(0, 7, bytes(1, 1), soon);
        atOne.send(0, 7, bytes(2, 2), soon);
        atZero.complete(b, soon);
        atZero.complete(a, soon);
        assertArrayEquals(new byte[] {1, 1}, first.array());
        assertArrayEquals(new byte[] {2, 2}, second.array());
    }

    @Test
    void aWithdrawnReceiveLeavesItsMessageToTheNextReceive() {
        ByteBuffer withdrawn = ByteBuffer.allocate(2);
        atZero.withdraw(atZero.post(1, 7, withdrawn, soon));
        atOne.send(0, 7, bytes(5, 6), soon);
        assertArrayEquals(new byte[2], withdrawn.array());
        assertEquals(2, zero.mailbox().queuedBytes(1));
        ByteBuffer later = ByteBuffer.allocate(2);
        atZero.recv(1, 7, later, true, soon);
        assertArrayEquals(new byte[] {5, 6}, later.array());
    }

    @Test
    void aReceiveFromOneselfWaitsForItsSend() {
        ByteBuffer into = ByteBuffer.allocate(1);
        Messages.Posted posted = atZero.post(0, 7, into, soon);
        atZero.send(0, 7, bytes(9), soon);
        atZero.complete(posted, soon);
        assertEquals(9, into.get(0));
        assertNull(atZero.iprobe(0, 7));
    }
}

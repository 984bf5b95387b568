package io.fmi.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Matching of queued (unexpected) messages: per source, and in arrival order across sources for wildcards. */
class MailboxTest {
    private static final int COMM = 3;
    private static final int[] ANYONE = {0, 1, 2, 3};

    private static void deliver(Mailbox box, int source, int tag, String text) {
        box.deliver(source, COMM, tag, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Posts a receive that a queued message must complete at once; returns "source/tag/text". */
    private static String take(Mailbox box, int source, int tag) {
        ByteBuffer into = ByteBuffer.allocate(64);
        Mailbox.Receive r = box.post(COMM, source, tag, into, false, ANYONE);
        assertTrue(r.done(), "a queued message matches source " + source + ", tag " + tag);
        Mailbox.Envelope e = r.envelope();
        return e.source() + "/" + e.tag() + "/" + new String(into.array(), 0, e.length(), StandardCharsets.UTF_8);
    }

    @Test
    void wildcardReceivesTakeTheEarliestArrivalOfAnySource() {
        Mailbox box = new Mailbox(3);
        deliver(box, 2, 5, "a");
        deliver(box, 1, 5, "b");
        deliver(box, 2, 6, "c");
        deliver(box, 1, 7, "d");
        deliver(box, 0, 5, "e");
        assertEquals(new Mailbox.Envelope(2, 5, 1), box.peek(COMM, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG));
        assertEquals("2/5/a", take(box, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG));
        assertEquals("1/5/b", take(box, Mailbox.ANY_SOURCE, 5));
        assertEquals("1/7/d", take(box, 1, Mailbox.ANY_TAG));
        assertEquals("2/6/c", take(box, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG));
        assertEquals("0/5/e", take(box, Mailbox.ANY_SOURCE, 5));
        assertNull(box.peek(COMM, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG));
        assertFalse(box.post(COMM, Mailbox.ANY_SOURCE, Mailbox.ANY_TAG, ByteBuffer.allocate(8), false, ANYONE).done());
    }

    @Test
    void aReceiveFromOneSourceFindsItsMessageBehindAnotherSourcesBacklog() {
        Mailbox box = new Mailbox(3);
        int backlog = 20_000;
        for (int i = 0; i < backlog; i++) {
            deliver(box, 1, i, "x" + i);
        }
        deliver(box, 2, 7, "mine");
        assertEquals("2/7/mine", take(box, 2, 7));
        for (int i = 0; i < backlog; i++) {
            assertEquals("1/" + i + "/x" + i, take(box, 1, i));
        }
        assertEquals(0, box.queuedBytes(1));
        assertEquals(0, box.queuedBytes(2));
    }

    @Test
    void messagesOfOneSourceAndTagAreTakenInTheOrderTheyArrived() {
        Mailbox box = new Mailbox(2);
        deliver(box, 1, 4, "first");
        deliver(box, 1, 9, "other");
        deliver(box, 1, 4, "second");
        assertEquals("1/4/first", take(box, 1, 4));
        assertEquals("1/4/second", take(box, Mailbox.ANY_SOURCE, 4));
        assertEquals("1/9/other", take(box, 1, Mailbox.ANY_TAG));
    }

    @Test
    void aSourceBeyondTheSizeGivenIsQueuedToo() {
        Mailbox box = new Mailbox(1);
        deliver(box, 5, 1, "far");
        assertEquals("5/1/far", take(box, Mailbox.ANY_SOURCE, 1));
    }
}

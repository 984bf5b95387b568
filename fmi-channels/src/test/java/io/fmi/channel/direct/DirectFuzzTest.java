package io.fmi.channel.direct;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fmi.ChannelException;
import io.fmi.spi.Mailbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;

/**
 * Fuzzing what the Direct channel reads from the network: the frame decoder, and the rendezvous
 * protocol's payloads. Each either decodes or fails with the library's own exception
 * ({@link FrameReader.CorruptFrameException}, {@link ChannelException}, or null for a refused pairing
 * request) — no other exception, and no allocation beyond the queue's bound. A normal test run
 * replays the stored inputs under {@code DirectFuzzTestInputs} (each a regression test);
 * {@code JAZZER_FUZZ=1 mvn -pl fmi-channels test -Dtest=DirectFuzzTest} fuzzes.
 */
class DirectFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void theFrameDecoderDecodesOrReportsACorruptFrame(FuzzedDataProvider data) throws IOException {
        boolean posted = data.consumeBoolean();
        int room = data.consumeInt(0, 4096);
        byte[] stream = data.consumeRemainingAsBytes();
        Mailbox mailbox = new Mailbox(2);
        if (posted) {
            mailbox.post(0, 1, Mailbox.ANY_TAG, ByteBuffer.allocate(room), false, new int[] {1});
        }
        // at most 64 KiB may be queued: a longer announced length must be refused, not allocated
        FrameReader frames = new FrameReader(mailbox, 1, 1 << 16, true);
        try {
            frames.read(Channels.newChannel(new ByteArrayInputStream(stream)), () -> false);
        } catch (FrameReader.CorruptFrameException expected) {
            // the library's own
        }
    }

    @FuzzTest(maxDuration = "1m")
    void aPairingRequestParsesOrIsRefused(byte[] payload) {
        Rendezvous.Pair pair = Rendezvous.parsePair(ByteBuffer.wrap(payload));
        if (pair != null && (pair.name().isEmpty() || (pair.side() != 0 && pair.side() != 1))) {
            throw new AssertionError("accepted a malformed pairing request: " + pair);
        }
    }

    @FuzzTest(maxDuration = "1m")
    void anEndpointParsesOrIsAChannelError(byte[] payload) {
        try {
            Rendezvous.parseEndpoint(ByteBuffer.wrap(payload));
        } catch (ChannelException expected) {
            // the library's own
        }
    }
}

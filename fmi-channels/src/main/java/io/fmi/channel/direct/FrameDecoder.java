package io.fmi.channel.direct;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Decodes data frames: {@code version u8 | flags u8 | reserved u16 | tag i32 | length i32 | payload
 * [| crc32c i32 when flags & 1]}, big-endian. The payload is copied once, as it arrives, either
 * straight into a receive that is already waiting for it (see {@link Inbox#claim}) or into an array
 * of exactly its length (never accumulated in Netty's cumulation buffer). A frame with another
 * version, a negative length or a wrong checksum is a {@link CorruptedFrameException}.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    static final byte VERSION = 1;
    static final int HEADER = 12;
    static final int FLAG_CRC = 1;

    private final Inbox inbox;
    private int tag;
    private boolean crc;
    private byte[] payload;
    private Inbox.Posted direct;
    private int length;
    private int filled;
    private boolean inFrame;

    /** @param inbox where every frame goes: straight into a posted receive, or queued */
    FrameDecoder(Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            if (!inFrame) {
                if (in.readableBytes() < HEADER) {
                    return;
                }
                byte version = in.readByte();
                int flags = in.readByte();
                in.skipBytes(2);
                tag = in.readInt();
                length = in.readInt();
                if (version != VERSION) {
                    throw new CorruptedFrameException("frame version " + version + ", expected " + VERSION);
                }
                if (length < 0) {
                    throw new CorruptedFrameException("negative frame length " + length);
                }
                crc = (flags & FLAG_CRC) != 0;
                direct = inbox.claim(tag, length);
                payload = direct == null ? new byte[length] : null;
                filled = 0;
                inFrame = true;
            }
            int n = Math.min(in.readableBytes(), length - filled);
            if (direct != null) {
                ByteBuffer target = direct.into.duplicate();
                target.position(target.position() + filled).limit(target.position() + n);
                in.readBytes(target);
            } else {
                in.readBytes(payload, filled, n);
            }
            filled += n;
            if (filled < length) {
                return;
            }
            if (crc) {
                if (in.readableBytes() < 4) {
                    return;
                }
                CRC32C c = new CRC32C();
                if (direct != null) {
                    c.update(direct.into.duplicate());
                } else {
                    c.update(payload);
                }
                if ((int) c.getValue() != in.readInt()) {
                    throw new CorruptedFrameException("CRC32C mismatch in a frame of " + length + " bytes (tag " + tag + ")");
                }
            }
            if (direct != null) {
                inbox.complete(direct);
            } else {
                // delivered at once, not through {@code out}: a later frame of this same call may claim a
                // posted receive, and must not overtake this one
                inbox.deliver(tag, payload);
            }
            inFrame = false;
            direct = null;
            payload = null;
        }
    }
}

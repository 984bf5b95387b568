package io.fmi.channel.direct;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Decodes data frames: {@code version u8 | flags u8 | reserved u16 | tag i32 | length i32 | payload
 * [| crc32c i32 when flags & 1]}, big-endian. The payload is copied once, as it arrives, into an
 * array of exactly its length (never accumulated in Netty's cumulation buffer). A frame with another
 * version, a negative length or a wrong checksum is a {@link CorruptedFrameException}.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    static final byte VERSION = 1;
    static final int HEADER = 12;
    static final int FLAG_CRC = 1;

    /** One received message. */
    record Frame(int tag, byte[] payload) {
    }

    private int tag;
    private boolean crc;
    private byte[] payload;
    private int filled;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            if (payload == null) {
                if (in.readableBytes() < HEADER) {
                    return;
                }
                byte version = in.readByte();
                int flags = in.readByte();
                in.skipBytes(2);
                tag = in.readInt();
                int length = in.readInt();
                if (version != VERSION) {
                    throw new CorruptedFrameException("frame version " + version + ", expected " + VERSION);
                }
                if (length < 0) {
                    throw new CorruptedFrameException("negative frame length " + length);
                }
                crc = (flags & FLAG_CRC) != 0;
                payload = new byte[length];
                filled = 0;
            }
            int n = Math.min(in.readableBytes(), payload.length - filled);
            in.readBytes(payload, filled, n);
            filled += n;
            if (filled < payload.length) {
                return;
            }
            if (crc) {
                if (in.readableBytes() < 4) {
                    return;
                }
                CRC32C c = new CRC32C();
                c.update(payload);
                if ((int) c.getValue() != in.readInt()) {
                    throw new CorruptedFrameException("CRC32C mismatch in a frame of " + payload.length + " bytes (tag " + tag + ")");
                }
            }
            out.add(new Frame(tag, payload));
            payload = null;
        }
    }
}

package io.fmi.spi;

import java.nio.ByteBuffer;

/**
 * A channel that moves messages between two peers. Messages between a pair of peers with the same
 * tag are delivered in the order they were sent; messages with other tags may overtake them (the
 * receiver queues messages it has not asked for yet). Tags {@code >= 0} belong to the user; the
 * collective algorithms use negative tags.
 */
public interface PeerToPeerChannel extends Channel {

    /**
     * Sends the bytes between {@code data}'s position and limit to {@code dest}. May return before the
     * receiver has received them, and must not block indefinitely on a receiver that is itself
     * sending to us (two peers that send to each other and then receive must not deadlock). Does
     * not change {@code data}'s position.
     *
     * @throws io.fmi.FmiTimeoutException if the message could not be handed over before the deadline
     * @throws io.fmi.ChannelException    if the connection to {@code dest} failed
     */
    void send(int dest, int tag, ByteBuffer data, Deadline deadline);

    /**
     * Receives the next message from {@code src} with {@code tag} into the bytes between
     * {@code into}'s position and limit. The message must have exactly that many bytes. Does not
     * change {@code into}'s position.
     *
     * @throws io.fmi.MessageSizeException if the message has another size (nothing is written)
     * @throws io.fmi.FmiTimeoutException  if no such message arrived before the deadline
     * @throws io.fmi.ChannelException     if the connection to {@code src} failed
     */
    void recv(int src, int tag, ByteBuffer into, Deadline deadline);
}

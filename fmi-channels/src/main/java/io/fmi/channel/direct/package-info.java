/**
 * The Direct channel ({@code backends.Direct}): TCP between functions through NATs, by hole
 * punching via the {@link io.fmi.channel.direct.RendezvousServer} (Netty), with a caller-driven
 * NIO data path ({@link io.fmi.channel.direct.DirectChannel}).
 */
package io.fmi.channel.direct;

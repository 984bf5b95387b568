/**
 * The Direct channel ({@code backends.Direct}): TCP between functions through NATs, by hole
 * punching via the {@link io.fmi.channel.direct.RendezvousServer}, with a Netty data path.
 */
package io.fmi.channel.direct;

/**
 * The channel SPI: how a transport plugs into a communicator. A channel is either a
 * {@link io.fmi.spi.PeerToPeerChannel} (messages between two peers) or an
 * {@link io.fmi.spi.ObjectStoreChannel} (keys in shared storage); the collective algorithms are
 * written once for each kind, so a new transport only implements the primitives. Only byte
 * buffers cross this boundary. Providers are found through {@link java.util.ServiceLoader}.
 */
package io.fmi.spi;

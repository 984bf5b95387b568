/**
 * The channel SPI: how a transport plugs into a communicator. A channel is either a
 * {@link io.fmi.spi.PeerToPeerChannel} (messages between two peers) or an
 * {@link io.fmi.spi.ObjectStoreChannel} (keys in shared storage); the collective algorithms are
 * written once for each kind, so a new transport only implements the primitives. Only byte
 * buffers cross this boundary. Message matching (sources, tags, wildcards, communicator ids,
 * sizes) is done once, by {@link io.fmi.spi.Mailbox}: a peer-to-peer channel hands it every
 * arriving message and waits for posted receives; object stores are read by the core, which feeds
 * a mailbox of its own. Providers are found through {@link java.util.ServiceLoader}.
 */
package io.fmi.spi;

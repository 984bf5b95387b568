/**
 * FMI for Java: the API ({@code io.fmi}), the channel SPI ({@code io.fmi.spi}), the performance and
 * cost model ({@code io.fmi.model}), the configuration ({@code io.fmi.config}) and the in-memory
 * channels with {@code LocalPeers} ({@code io.fmi.local}). The collective algorithms
 * ({@code io.fmi.collective}) are internal.
 */
module io.fmi.core {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.management;

    exports io.fmi;
    exports io.fmi.spi;
    exports io.fmi.model;
    exports io.fmi.calibration;
    exports io.fmi.config;
    exports io.fmi.local;

    uses io.fmi.spi.ChannelProvider;

    provides io.fmi.spi.ChannelProvider with io.fmi.local.LocalChannelProvider, io.fmi.local.LocalStoreChannelProvider;
}

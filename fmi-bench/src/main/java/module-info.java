/** {@code fmi-bench}: latency, bandwidth and collective sweeps per channel, with CSV and PNG charts. */
module io.fmi.bench {
    requires io.fmi.core;
    requires io.fmi.channels;
    requires info.picocli;
    requires org.knowm.xchart;
    requires java.desktop;
    requires java.management;

    opens io.fmi.bench to info.picocli;
}

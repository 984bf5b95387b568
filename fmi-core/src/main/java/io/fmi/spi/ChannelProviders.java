package io.fmi.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The {@link ChannelProvider}s on the class path (or module path), by name; loaded once. */
public final class ChannelProviders {
    private static final Map<String, ChannelProvider> BY_NAME = load();

    private ChannelProviders() {
    }

    private static Map<String, ChannelProvider> load() {
        Map<String, ChannelProvider> byName = new HashMap<>();
        for (ChannelProvider provider : ServiceLoader.load(ChannelProvider.class, ChannelProvider.class.getClassLoader())) {
            byName.putIfAbsent(provider.name(), provider);
        }
        return byName;
    }

    /** The provider of backend {@code name}, if there is one. */
    public static Optional<ChannelProvider> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The names of every provider found, sorted. */
    public static java.util.SortedSet<String> names() {
        return new java.util.TreeSet<>(BY_NAME.keySet());
    }
}

package io.fmi.test;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.local.LocalPeers;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs an {@link FmiTest} method once per peer, concurrently, each call with that peer's
 * communicator. Used through {@link FmiTest}; not meant to be registered by hand.
 */
public final class FmiExtension implements ParameterResolver, InvocationInterceptor {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Communicator.class;
    }

    /** A placeholder: {@link #interceptTestMethod} calls the method with each peer's own communicator. */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return null;
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        FmiTest test = call.getExecutable().getAnnotation(FmiTest.class);
        if (test == null || test.peers() < 1) {
            throw new IllegalArgumentException("@FmiTest needs peers >= 1 on " + call.getExecutable());
        }
        invocation.skip();
        Method method = call.getExecutable();
        method.setAccessible(true);
        Object target = call.getTarget().orElse(null);
        int size = test.peers();
        String name = "fmitest-" + method.getName() + "-" + UUID.randomUUID();
        Duration timeout = Duration.ofSeconds(test.timeoutSeconds());
        LocalHub hub = new LocalHub();
        FmiConfig redis = test.channel() == FmiTest.Channel.REDIS ? Redis.config() : null;
        List<Object> results = LocalPeers.call(size, rank -> {
            Communicator.Builder b = Communicator.builder().rank(rank).size(size).name(name).timeout(timeout);
            return redis != null ? b.config(redis).build() : b.channel(new LocalChannel(hub)).build();
        }, comm -> {
            Object[] args = call.getArguments().toArray();
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < args.length; i++) {
                if (types[i] == Communicator.class) {
                    args[i] = comm;
                }
            }
            try {
                method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new IllegalStateException(cause);
            }
            return null;
        }, timeout.multipliedBy(4).plusSeconds(30));
        if (results.size() != size) {
            throw new AssertionError("only " + results.size() + " of " + size + " peers finished");
        }
    }

    /** The Redis the tests use: one per JVM. */
    static final class Redis {
        private static FmiConfig config;
        private static String source;

        /** Where the Redis of these tests comes from (after {@link #config()}). */
        static synchronized String source() {
            return source;
        }

        static synchronized FmiConfig config() {
            if (config == null) {
                String url = System.getenv("FMI_TEST_REDIS_URL");
                String host = "127.0.0.1";
                int port;
                if (url != null && !url.isBlank()) {
                    source = "FMI_TEST_REDIS_URL";
                    URI uri = URI.create(url);
                    host = uri.getHost();
                    port = uri.getPort() > 0 ? uri.getPort() : 6379;
                } else {
                    String container = Containers.present() ? Containers.start() : null;
                    if (container != null) {
                        host = container.substring(0, container.lastIndexOf(':'));
                        port = Integer.parseInt(container.substring(container.lastIndexOf(':') + 1));
                        source = "Testcontainers (" + Containers.IMAGE + ")";
                    } else {
                        port = start();
                        source = "embedded redis-server (" + (Containers.present()
                                ? "no Docker engine for Testcontainers" : "Testcontainers is not on the class path") + ")";
                    }
                }
                config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"host\": \"" + host + "\", \"port\": " + port
                        + ", \"close_grace\": 2000}}}");
            }
            return config;
        }

        /**
         * A redis container through Testcontainers, when it is on the class path (an optional
         * dependency) and finds a Docker engine. In a class of its own, so that nothing of
         * Testcontainers is loaded without it.
         */
        static final class Containers {
            static final String IMAGE = "redis:7-alpine";

            static boolean present() {
                try {
                    Class.forName("org.testcontainers.DockerClientFactory", false, FmiExtension.class.getClassLoader());
                    return true;
                } catch (ClassNotFoundException e) {
                    return false;
                }
            }

            /** {@code host:port} of a started container, or null when there is no Docker engine. */
            static String start() {
                if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                    return null;
                }
                org.testcontainers.containers.GenericContainer<?> redis = new org.testcontainers.containers.GenericContainer<>(
                        org.testcontainers.utility.DockerImageName.parse(IMAGE)).withExposedPorts(6379);
                redis.start();
                Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
                return redis.getHost() + ":" + redis.getMappedPort(6379);
            }
        }

        private static int start() {
            try {
                int port;
                try (ServerSocket free = new ServerSocket(0)) {
                    port = free.getLocalPort();
                }
                redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer().port(port)
                        .bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (IOException ignored) {
                        // the JVM is ending
                    }
                }));
                return port;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the embedded redis-server for @FmiTest(channel = REDIS): "
                        + e.getMessage() + "; set FMI_TEST_REDIS_URL=redis://host:port to use your own", e);
            }
        }
    }
}

package io.fmi.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds a JDK of feature release 25 or newer for tests that start fmirun in one. */
final class Jdk25 {
    private Jdk25() {
    }

    /**
     * {@code -Dfmi.test.jdk25=JAVA_HOME} if given, else the JVM running the tests if it is one, else
     * the first under /usr/lib/jvm; empty if this machine has none.
     */
    static Optional<Path> find() throws IOException {
        String named = System.getProperty("fmi.test.jdk25");
        if (named != null && !named.isBlank()) {
            return Optional.of(Path.of(named));
        }
        if (Runtime.version().feature() >= AotCache.FIRST_JDK) {
            return Optional.of(Path.of(System.getProperty("java.home")));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && feature(h) >= AotCache.FIRST_JDK)
                    .sorted().findFirst();
        }
    }

    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK we can read
        }
        return 0;
    }
}

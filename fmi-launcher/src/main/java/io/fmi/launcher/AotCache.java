package io.fmi.launcher;

import io.fmi.FmiConfigException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code fmirun --aot-cache FILE}: the ranks start from the JDK's ahead-of-time cache (JDK 25 and
 * newer: classes loaded and linked, and the method profiles of a training run, so the JIT compiles
 * the hot paths sooner). Without FILE, rank 0 of this run is the training run and writes it as it
 * exits ({@code -XX:AOTCacheOutput}); with FILE, every rank starts from it ({@code -XX:AOTCache}).
 * A cache the JVM finds stale (another JDK, another class path) is ignored with a warning of the
 * JVM's on the rank's output, and the rank runs as without one.
 */
final class AotCache {
    /** The first JDK whose ahead-of-time cache holds method profiles (JEP 515) and takes {@code -XX:AOTCacheOutput}. */
    static final int FIRST_JDK = 25;

    private final Path file;
    private final boolean training;

    private AotCache(Path file, boolean training) {
        this.file = file;
        this.training = training;
    }

    /**
     * Checks that the ranks can use {@code file}: they run on {@code jdk} (a feature release) with
     * {@code classPath}; throws {@link FmiConfigException} saying what to change otherwise.
     */
    static AotCache of(Path file, int jdk, String classPath) {
        if (jdk < FIRST_JDK) {
            throw new FmiConfigException("--aot-cache needs JDK " + FIRST_JDK + " or newer for the ranks, which run on"
                    + " fmirun's own JVM: this is Java " + jdk + " (" + System.getProperty("java.home") + "); start"
                    + " fmirun with a JDK " + FIRST_JDK + " java, or drop --aot-cache");
        }
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && nonEmptyDirectory(Path.of(entry))) {
                throw new FmiConfigException("--aot-cache: the ranks' class path must be JAR files (the JDK's"
                        + " ahead-of-time cache takes no classes from directories), and " + entry + " is a directory;"
                        + " package it as a JAR or drop --aot-cache");
            }
        }
        Path absolute = file.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new FmiConfigException("--aot-cache " + file + " is a directory; give the cache's file name");
        }
        if (!Files.isDirectory(absolute.getParent())) {
            throw new FmiConfigException("--aot-cache " + file + ": directory " + absolute.getParent()
                    + " does not exist");
        }
        return new AotCache(absolute, !Files.exists(absolute));
    }

    private static boolean nonEmptyDirectory(Path p) {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> children = Files.list(p)) {
            return children.findAny().isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether this run writes the cache (it did not exist). */
    boolean training() {
        return training;
    }

    Path file() {
        return file;
    }

    /** The JVM options of rank {@code rank}: rank 0 records in a training run, every rank uses the cache otherwise. */
    List<String> options(int rank) {
        if (training) {
            return rank == 0 ? List.of("-XX:AOTCacheOutput=" + file) : List.of();
        }
        return List.of("-XX:AOTCache=" + file);
    }
}

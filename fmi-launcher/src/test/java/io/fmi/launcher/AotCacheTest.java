package io.fmi.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.FmiConfigException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fmirun --aot-cache}: a first run on JDK 25 records the cache from rank 0, the next starts
 * every rank from it (real JVMs of a JDK 25 found on this machine: {@code -Dfmi.test.jdk25=JAVA_HOME},
 * the JVM running the tests if it is one, or one under /usr/lib/jvm); older JDKs and class
 * directories are refused with what to do.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AotCacheTest {

    @Test
    void aJdkBefore25IsRefusedWithWhatToDo(@TempDir Path dir) {
        FmiConfigException e = assertThrows(FmiConfigException.class,
                () -> AotCache.of(dir.resolve("app.aot"), 17, "app.jar"));
        assertTrue(e.getMessage().contains("needs JDK 25 or newer") && e.getMessage().contains("Java 17"), e.getMessage());
    }

    @Test
    void classesInADirectoryAreRefusedNamingIt(@TempDir Path dir) throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(classes.resolve("A.class"), "x");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String cp = dir.resolve("app.jar") + File.pathSeparator + empty + File.pathSeparator + classes;
        FmiConfigException e = assertThrows(FmiConfigException.class, () -> AotCache.of(dir.resolve("app.aot"), 25, cp));
        assertTrue(e.getMessage().contains(classes + " is a directory"), e.getMessage());
        // an empty directory holds no classes: the JDK takes it, so do we
        AotCache.of(dir.resolve("app.aot"), 25, dir.resolve("app.jar") + File.pathSeparator + empty);
        FmiConfigException missing = assertThrows(FmiConfigException.class,
                () -> AotCache.of(dir.resolve("no/such/app.aot"), 25, "app.jar"));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void rankZeroRecordsThenEveryRankUsesTheCache(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.aot");
        AotCache training = AotCache.of(file, 25, "app.jar");
        assertTrue(training.training());
        assertEquals(List.of("-XX:AOTCacheOutput=" + file.toAbsolutePath()), training.options(0));
        assertEquals(List.of(), training.options(1));
        Files.write(file, new byte[] {1});
        AotCache using = AotCache.of(file, 25, "app.jar");
        assertFalse(using.training());
        assertEquals(List.of("-XX:AOTCache=" + file.toAbsolutePath()), using.options(0));
        assertEquals(List.of("-XX:AOTCache=" + file.toAbsolutePath()), using.options(3));
    }

    @Test
    void fmirunRefusesItBeforeStartingAnyRank(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FmiRun.run(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), "-np", "2", "--aot-cache",
                dir.resolve("app.aot").toString(), Ranks.class.getName(), "aot");
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, said);
        // the tests' JVM is older than 25, or its class path has directories (target/classes)
        assertTrue(said.contains("needs JDK 25") || said.contains("is a directory"), said);
        assertFalse(Files.exists(dir.resolve("app.aot")));
    }

    @Test
    void ranksOnAJvmOf22OrLaterGetTheFlagsForInPlaceSocketIo() {
        assertEquals(List.of(), LocalRun.inPlaceFlags(17));
        assertEquals(List.of(), LocalRun.inPlaceFlags(21));
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
                LocalRun.inPlaceFlags(25));
    }

    @Test
    void lambdaModeRefusesIt(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FmiRun.run(new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), "-np", "2", "--lambda", "some-function",
                "--aot-cache", dir.resolve("app.aot").toString());
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, said);
        assertTrue(said.contains("--aot-cache is for local ranks") && said.contains("JAVA_TOOL_OPTIONS"), said);
    }

    @Test
    void aSecondRunStartsEveryRankFromTheCacheTheFirstRecorded(@TempDir Path dir) throws Exception {
        Optional<Path> jdk = Jdk25.find();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK 25 here (-Dfmi.test.jdk25=JAVA_HOME names one)");
        String classPath = jarsOnly(dir);
        Path cache = dir.resolve("job.aot");

        Run first = fmirun(jdk.get(), classPath, cache);
        assertEquals(0, first.status, first.output);
        assertTrue(first.output.contains("rank 0 records it this run"), first.output);
        assertTrue(first.output.contains("[0] sum 3 aot [-XX:AOTCacheOutput=" + cache + "]"), first.output);
        assertTrue(first.output.contains("[1] sum 3 aot []"), first.output);
        assertTrue(Files.size(cache) > 1_000_000, "cache of " + Files.size(cache) + " bytes");
        // fmirun's embedded rendezvous server (Netty) prints no sun.misc.Unsafe warnings on JDK 25
        assertFalse(first.output.contains("sun.misc.Unsafe"), first.output);

        // AOTMode=on: a rank whose JVM cannot map the cache fails to start, rather than running without it
        Run second = fmirun(jdk.get(), classPath, cache, "--jvm-arg=-XX:AOTMode=on");
        assertEquals(0, second.status, second.output);
        assertFalse(second.output.contains("records it"), second.output);
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(second.output.contains("[" + rank + "] sum 3 aot [-XX:AOTCache=" + cache + ", -XX:AOTMode=on]"),
                    second.output);
            // on a JDK of 22 or later fmirun gives its ranks what reading and writing arrays in place takes
            assertTrue(second.output.contains("[" + rank + "] sum 3 aot [-XX:AOTCache=" + cache + ", -XX:AOTMode=on]"
                    + " in place unavailable: null"), second.output);
        }
    }

    private record Run(int status, String output) {
    }

    /** fmirun in a JVM of {@code jdk} on {@code classPath}: 2 ranks of {@link Ranks} "aot". */
    private static Run fmirun(Path jdk, String classPath, Path cache, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/java").toString(), "-cp", classPath,
                FmiRun.class.getName(), "-np", "2", "--timeout", "120", "--aot-cache", cache.toString(),
                "--jvm-arg=-XX:+UseSerialGC", "--jvm-arg=-Xmx192m"));
        cmd.addAll(List.of(more));
        cmd.addAll(List.of(Ranks.class.getName(), "aot"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), output);
        return new Run(p.exitValue(), output);
    }

    /** The tests' class path with each directory packed into a JAR of its own (the cache takes JARs only). */
    private static String jarsOnly(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path jar = dir.resolve("dir" + n++ + ".jar");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                     Stream<Path> files = Files.walk(p)) {
                    for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                        out.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                entries.add(jar.toString());
            } else if (Files.exists(p)) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}

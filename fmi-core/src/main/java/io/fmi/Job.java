package io.fmi;

import io.fmi.config.FmiConfig;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What one function (a process under {@code fmirun}, or a Lambda invocation) needs to know to join
 * its job: its rank, the job's size and name, the channel configuration and the job secret. The
 * launcher hands it over in the environment ({@link #fromEnvironment(Map)}) or, for Lambda, in the
 * invocation event; {@link #communicator()} builds the communicator from it.
 *
 * <p>Environment variables: {@value #RANK}, {@value #SIZE}, {@value #NAME}, {@value #CONFIG_JSON}
 * (the configuration itself) or {@value #CONFIG} (a path to it), {@value #SECRET} (the job secret;
 * a config refers to it as {@code ${FMI_JOB_SECRET}}), and optionally {@value #MEMORY} (MiB, for the
 * cost model) and {@value #TIMEOUT} (ms, every operation's deadline).
 *
 * @param rank       this function's rank
 * @param size       the number of functions in the job
 * @param name       the job's name (the communicator name), unique per running job
 * @param configJson the configuration (the JSON of an {@code fmi.json})
 * @param secret     the job secret, or null
 * @param memoryMiB  the function's memory in MiB
 * @param timeoutMs  every operation's deadline in ms, or 0 for the channels' {@code max_timeout}
 */
public record Job(int rank, int size, String name, String configJson, String secret, int memoryMiB, long timeoutMs) {
    public static final String RANK = "FMI_RANK";
    public static final String SIZE = "FMI_SIZE";
    public static final String NAME = "FMI_JOB";
    public static final String CONFIG_JSON = "FMI_CONFIG_JSON";
    public static final String CONFIG = "FMI_CONFIG";
    public static final String SECRET = "FMI_JOB_SECRET";
    public static final String MEMORY = "FMI_MEMORY_MIB";
    public static final String TIMEOUT = "FMI_TIMEOUT_MS";
    /**
     * How many ranks of the job run on this host (set by {@code fmirun} for local runs; absent: one,
     * as in Lambda). Not part of the job itself: channels that poll while they wait read it to tell
     * whether ranks share the host's cores, where polling would take the CPU from the peers waited for.
     */
    public static final String LOCAL_SIZE = "FMI_LOCAL_SIZE";

    public Job {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configJson, "configJson");
        if (size < 1 || rank < 0 || rank >= size) {
            throw new FmiConfigException("job '" + name + "': rank " + rank + " is not in [0, " + size + ")");
        }
    }

    /**
     * The job described by {@code env} (normally {@link System#getenv()}); with no {@value #SIZE} set,
     * a job of one (rank 0 of 1) over the in-memory channel, so that a program started alone runs.
     *
     * @throws FmiConfigException naming the variable that is missing or malformed
     */
    public static Job fromEnvironment(Map<String, String> env) {
        String size = env.get(SIZE);
        if (size == null || size.isBlank()) {
            return new Job(0, 1, "alone-" + ProcessHandle.current().pid(), "{\"backends\": {\"Local\": {}}}", null,
                    integer(env, MEMORY, 1024), integer(env, TIMEOUT, 0));
        }
        String name = env.get(NAME);
        if (name == null || name.isBlank()) {
            throw new FmiConfigException(NAME + " is not set although " + SIZE + " is; start the program with fmirun,"
                    + " or set " + NAME + " to the job's name");
        }
        String json = env.get(CONFIG_JSON);
        if (json == null || json.isBlank()) {
            String path = env.get(CONFIG);
            if (path == null || path.isBlank()) {
                throw new FmiConfigException("neither " + CONFIG_JSON + " nor " + CONFIG + " is set; give the"
                        + " channel configuration (fmirun does)");
            }
            try {
                json = java.nio.file.Files.readString(java.nio.file.Path.of(path));
            } catch (java.io.IOException e) {
                throw new FmiConfigException(CONFIG + "=" + path + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new Job(integer(env, RANK, -1), integer(env, SIZE, -1), name, json, env.get(SECRET),
                integer(env, MEMORY, 1024), integer(env, TIMEOUT, 0));
    }

    private static int integer(Map<String, String> env, String variable, int otherwise) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            if (otherwise >= 0) {
                return otherwise;
            }
            throw new FmiConfigException(variable + " is not set; start the program with fmirun or set it");
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new FmiConfigException(variable + "=" + value + " is not a whole number");
        }
    }

    /** The configuration, with {@code ${FMI_JOB_SECRET}} taken from this job and other variables from the environment. */
    public FmiConfig config() {
        Function<String, String> vars = v -> SECRET.equals(v) && secret != null ? secret : System.getenv(v);
        return FmiConfig.parse(configJson, vars);
    }

    /** Builds and opens this function's communicator. */
    public Communicator communicator() {
        Communicator.Builder b = Communicator.builder().rank(rank).size(size).name(name).config(config())
                .memoryMiB(memoryMiB);
        if (timeoutMs > 0) {
            b.timeout(java.time.Duration.ofMillis(timeoutMs));
        }
        return b.build();
    }

    /** This job as environment variables for a child process (the inverse of {@link #fromEnvironment}). */
    public Map<String, String> environment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put(RANK, Integer.toString(rank));
        env.put(SIZE, Integer.toString(size));
        env.put(NAME, name);
        env.put(CONFIG_JSON, configJson);
        if (secret != null) {
            env.put(SECRET, secret);
        }
        env.put(MEMORY, Integer.toString(memoryMiB));
        if (timeoutMs > 0) {
            env.put(TIMEOUT, Long.toString(timeoutMs));
        }
        return env;
    }

    @Override
    public String toString() {
        return "Job[" + name + ", rank " + rank + " of " + size + (secret != null ? ", secret set" : "") + "]";
    }
}

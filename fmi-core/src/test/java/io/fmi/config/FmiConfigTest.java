package io.fmi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.FmiConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FmiConfigTest {

    /** The C++ FMI's fmi.json, as its repository and benchmarks ship it. */
    public static final String ORIGINAL = "{\n"
            + "  \"backends\": {\n"
            + "    \"S3\": {\"enabled\": true, \"bucket_name\": \"fmibenchmarkinfra\", \"s3_region\": \"eu-central-1\",\n"
            + "           \"timeout\": 100, \"max_timeout\": 1000},\n"
            + "    \"Redis\": {\"enabled\": false, \"host\": \"127.0.0.1\", \"port\": 6379, \"timeout\": 1, \"max_timeout\": 1000},\n"
            + "    \"Direct\": {\"enabled\": false, \"host\": \"127.0.0.1\", \"port\": 10000, \"max_timeout\": 1000}\n"
            + "  },\n"
            + "  \"model\": {\n"
            + "    \"FaaS\": {\"gib_second_price\": 0.0000166667},\n"
            + "    \"S3\": {\"bandwidth\": 50.0, \"overhead\": 40.25, \"transfer_price\": 0.0,\n"
            + "           \"download_price\": 0.00000043, \"upload_price\": 0.0000054},\n"
            + "    \"Redis\": {\"bandwidth_single\": 100.0, \"bandwidth_multiple\": 400.0, \"overhead\": 5.2,\n"
            + "              \"transfer_price\": 0.0, \"instance_price\": 0.0038, \"requests_per_hour\": 1000,\n"
            + "              \"include_infrastructure_costs\": true},\n"
            + "    \"Direct\": {\"bandwidth\": 400.0, \"overhead\": 0.34, \"transfer_price\": 0.0, \"vm_price\": 0.0134,\n"
            + "               \"requests_per_hour\": 1000, \"include_infrastructure_costs\": true}\n"
            + "  }\n"
            + "}\n";

    @Test
    void theOriginalFmiJsonLoadsUnchanged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fmi.json");
        Files.writeString(file, ORIGINAL);
        FmiConfig config = FmiConfig.load(file);
        assertEquals(Set.of("S3", "Redis", "Direct"), config.backends().keySet());
        assertEquals(Set.of("S3"), config.enabledBackends().keySet());
        BackendConfig s3 = config.backends().get("S3");
        assertEquals("fmibenchmarkinfra", s3.requiredString("bucket_name"));
        assertEquals(Duration.ofMillis(100), s3.pollInterval());
        assertEquals(Duration.ofMillis(1000), s3.maxTimeout());
        assertEquals(6379, config.backends().get("Redis").integer("port", 0, 1, 65535));
        assertEquals(0.0000166667, config.model("FaaS").get("gib_second_price"));
        assertEquals(1.0, config.model("Redis").get("include_infrastructure_costs"));
        assertEquals("fmi", config.namespace());
    }

    @Test
    void theOlderPerformanceSectionIsAnAliasOfModel() {
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"h\", \"port\": 10000}},"
                + " \"performance\": {\"Direct\": {\"bandwidth\": 250.0, \"overhead\": 0.34}}}");
        assertEquals(Map.of("bandwidth", 250.0, "overhead", 0.34), config.model("Direct"));
        FmiConfigException both = assertThrows(FmiConfigException.class, () -> FmiConfig.parse(
                "{\"backends\": {}, \"model\": {}, \"performance\": {}}"));
        assertTrue(both.getMessage().contains("performance"), both.getMessage());
    }

    @Test
    void environmentReferencesAreSubstitutedWithDefaults() {
        Map<String, String> env = Map.of("REDIS_HOST", "cache.internal", "REDIS_PORT", "6380");
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"host\": \"${REDIS_HOST}\","
                + " \"port\": \"${REDIS_PORT}\", \"password\": \"${REDIS_PASSWORD:-}\","
                + " \"max_timeout\": \"${FMI_TIMEOUT:-2500}\"}}}", env::get);
        BackendConfig redis = config.backends().get("Redis");
        assertEquals("cache.internal", redis.string("host", null));
        assertEquals(6380, redis.integer("port", 0, 1, 65535));
        assertEquals("", redis.string("password", null));
        assertEquals(Duration.ofMillis(2500), redis.maxTimeout());
    }

    @Test
    void anUnsetEnvironmentVariableIsReportedWithItsPath() {
        FmiConfigException e = assertThrows(FmiConfigException.class, () -> FmiConfig.parse(
                "{\"backends\": {\"Redis\": {\"host\": \"${NOT_SET_ANYWHERE}\"}}}", name -> null));
        assertTrue(e.getMessage().contains("backends.Redis.host") && e.getMessage().contains("NOT_SET_ANYWHERE"),
                e.getMessage());
    }

    @Test
    void invalidValuesAreReportedWithTheirJsonPath() {
        assertMessage("backends.Redis.max_timeout", "{\"backends\": {\"Redis\": {\"max_timeout\": -5}}}");
        assertMessage("backends.Redis.enabled", "{\"backends\": {\"Redis\": {\"enabled\": \"yes\"}}}");
        assertMessage("backends.S3.timeout", "{\"backends\": {\"S3\": {\"timeout\": \"soon\"}}}");
        assertMessage("model.S3.overhead", "{\"backends\": {}, \"model\": {\"S3\": {\"overhead\": \"fast\"}}}");
        assertMessage("backends", "{\"backend\": {}}");
        assertMessage("backends", "{\"namespace\": \"x\"}");
        assertMessage("namespace", "{\"namespace\": \"has spaces\", \"backends\": {}}");
        assertMessage("line 1", "{\"backends\": {");
    }

    @Test
    void providersRejectUnknownFieldsNamingTheAcceptedOnes() {
        BackendConfig block = FmiConfig.parse("{\"backends\": {\"Redis\": {\"hots\": \"x\"}}}").backends().get("Redis");
        FmiConfigException e = assertThrows(FmiConfigException.class, () -> block.rejectUnknown(Set.of("host", "port")));
        assertTrue(e.getMessage().contains("backends.Redis.hots") && e.getMessage().contains("host"), e.getMessage());
    }

    @Test
    void aMissingFileIsReportedWithItsPath(@TempDir Path dir) {
        FmiConfigException e = assertThrows(FmiConfigException.class, () -> FmiConfig.load(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("nope.json"), e.getMessage());
    }

    @Test
    void disabledBackendsAreKeptButNotEnabled() {
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Local\": {\"enabled\": false}, \"LocalStore\": {}}}");
        assertFalse(config.backends().get("Local").enabled());
        assertEquals(Set.of("LocalStore"), config.enabledBackends().keySet());
    }

    private static void assertMessage(String expectedFragment, String json) {
        FmiConfigException e = assertThrows(FmiConfigException.class, () -> FmiConfig.parse(json, name -> null));
        assertTrue(e.getMessage().contains(expectedFragment), "expected '" + expectedFragment + "' in: " + e.getMessage());
    }
}

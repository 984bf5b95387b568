package io.fmi.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fmi.FmiConfigException;
import java.util.Map;

/**
 * Fuzzing the configuration parser: whatever text it is given, it returns a configuration whose
 * accessors work, or throws {@link FmiConfigException} with a message — never another exception.
 * In a normal test run the inputs stored under {@code FmiConfigFuzzTestInputs} are replayed (each a
 * regression test); {@code JAZZER_FUZZ=1 mvn -pl fmi-core test -Dtest=FmiConfigFuzzTest} fuzzes.
 */
class FmiConfigFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parsingGivesAConfigOrAClearConfigError(FuzzedDataProvider data) {
        String json = data.consumeRemainingAsString();
        FmiConfig config;
        try {
            config = FmiConfig.parse(json, variable -> variable.equals("SET") ? "value" : null);
        } catch (FmiConfigException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("a config error without a message", expected);
            }
            return;
        }
        config.namespace();
        for (String section : config.modelSections()) {
            config.model(section);
        }
        for (Map.Entry<String, BackendConfig> backend : config.backends().entrySet()) {
            BackendConfig b = backend.getValue();
            try {
                b.enabled();
                b.pollInterval();
                b.maxTimeout();
                b.toString();
                config.only(backend.getKey());
            } catch (FmiConfigException expected) {
                // a field of the wrong type or range is reported when it is read
            }
        }
        config.enabledBackends();
    }
}

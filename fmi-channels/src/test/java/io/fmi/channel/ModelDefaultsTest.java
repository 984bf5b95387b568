package io.fmi.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fmi.model.ModelParameters;
import io.fmi.spi.ChannelProvider;
import io.fmi.spi.ChannelProviders;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model's defaults come from each channel's provider (found through the ServiceLoader, as the
 * communicator finds them), the config overrides them, and a channel without a provider of its
 * name gets the generic values of its kind.
 */
class ModelDefaultsTest {

    @Test
    void everyChannelHereSuppliesItsOwnDefaults() {
        for (String name : new String[] {"Local", "LocalStore", "Direct", "Redis", "S3", "DynamoDB"}) {
            ChannelProvider provider = ChannelProviders.find(name).orElseThrow();
            assertFalse(provider.modelDefaults().isEmpty(), name + " supplies no model defaults");
            boolean p2p = name.equals("Local") || name.equals("Direct");
            ModelParameters params = ModelParameters.of(name, p2p, Map.of());
            assertEquals(provider.modelDefaults().get("overhead"), params.get("overhead", -1), name);
        }
        assertEquals(34.0, ModelParameters.of("DynamoDB", false, Map.of()).get("overhead", -1));
        assertEquals(380000.0, ModelParameters.of("DynamoDB", false, Map.of()).get("item_bytes", -1));
    }

    @Test
    void theConfigOverridesThemAndAChannelWithoutAProviderGetsTheGenericValues() {
        assertEquals(12.5, ModelParameters.of("S3", false, Map.of("overhead", 12.5)).get("overhead", -1));
        assertEquals(50.0, ModelParameters.of("S3", false, Map.of("overhead", 12.5)).get("bandwidth", -1));
        assertEquals(5.0, ModelParameters.of("MyStore", false, Map.of()).get("overhead", -1));
        assertEquals(0.5, ModelParameters.of("MyTransport", true, Map.of()).get("overhead", -1));
    }
}

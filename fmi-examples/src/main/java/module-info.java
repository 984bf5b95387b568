/** The examples: the demo, K-means (also as a Lambda handler) and calibration. */
module io.fmi.examples {
    requires io.fmi.core;
    requires io.fmi.channels;
    requires io.fmi.lambda;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports io.fmi.examples;
    opens io.fmi.examples to com.fasterxml.jackson.databind, info.picocli;
}

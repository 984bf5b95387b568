/** {@code fmirun}: starts the ranks of a job as local processes or as AWS Lambda invocations. */
module io.fmi.launcher {
    requires io.fmi.core;
    requires io.fmi.channels;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http.nio.netty;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.services.lambda;

    exports io.fmi.launcher;
    opens io.fmi.launcher to info.picocli;
}

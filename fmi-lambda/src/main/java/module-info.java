/** {@code FmiHandler}: an AWS Lambda handler that runs one rank of a job. */
module io.fmi.lambda {
    requires transitive io.fmi.core;
    requires transitive aws.lambda.java.core;
    requires com.fasterxml.jackson.databind;

    exports io.fmi.lambda;
}

/**
 * Open MPI 5.0's Java API (package {@code mpi}) over FMI communicators, and the Lambda handler
 * that runs MPI programs as functions ({@code io.fmi.mpi}).
 */
module io.fmi.mpi {
    requires transitive io.fmi.core;
    requires io.fmi.lambda;

    exports mpi;
    exports io.fmi.mpi;
    opens io.fmi.mpi to com.fasterxml.jackson.databind;
}

/**
 * FMI for Java: MPI-style message passing for serverless functions. Start with
 * {@link io.fmi.Communicator#builder()}.
 */
package io.fmi;

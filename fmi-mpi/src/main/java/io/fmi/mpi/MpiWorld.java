package io.fmi.mpi;

import io.fmi.Communicator;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands an already open communicator to the next {@code mpi.MPI.Init} in this JVM: how a launcher
 * that opens the communicator itself (the Lambda handler, {@link MpiHandler}) runs an MPI program's
 * {@code main}. The launcher closes the communicator afterwards; {@code MPI.Finalize} does not.
 */
public final class MpiWorld {
    private static final AtomicReference<Communicator> NEXT = new AtomicReference<>();

    private MpiWorld() {
    }

    /**
     * Makes {@code comm} the {@code COMM_WORLD} of the next {@code MPI.Init}.
     *
     * @param comm the open communicator of this rank
     */
    public static void use(Communicator comm) {
        NEXT.set(comm);
    }

    /**
     * Takes the communicator set by {@link #use}, or null.
     *
     * @return the communicator, once
     */
    public static Communicator take() {
        return NEXT.getAndSet(null);
    }
}

package mpitest;

import mpi.MPI;
import mpi.MPIException;

/**
 * Ends the job on purpose, to test that fmirun reports it: {@code abort N} makes the last rank call
 * {@code COMM_WORLD.abort(N)} while the others wait in a receive; {@code fatal} makes it receive a
 * message longer than its buffer under the default {@code ERRORS_ARE_FATAL}.
 */
public final class Abort {
    private Abort() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int r = MPI.COMM_WORLD.getRank();
        int p = MPI.COMM_WORLD.getSize();
        if (args[0].equals("abort")) {
            if (r == p - 1) {
                MPI.COMM_WORLD.abort(Integer.parseInt(args[1]));
            } else {
                MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, p - 1, 0);
            }
        } else {
            if (r == 0) {
                MPI.COMM_WORLD.send(new int[4], 4, MPI.INT, p - 1, 0);
            }
            if (r == p - 1) {
                MPI.COMM_WORLD.recv(new int[2], 2, MPI.INT, 0, 0);
            }
            MPI.COMM_WORLD.barrier();
        }
        System.out.println("not reached on rank " + r);
        MPI.Finalize();
    }
}

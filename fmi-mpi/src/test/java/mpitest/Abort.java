package mpitest;

import mpi.MPI;
import mpi.MPIException;

/**
 * Ends the job on purpose, to test that fmirun reports it: {@code abort N} makes the last rank call
 * {@code COMM_WORLD.abort(N)} while the others wait in a receive ({@code abort N connected}: after
 * every rank has sent it a message); {@code fatal} makes it receive a
 * message longer than its buffer under the default {@code ERRORS_ARE_FATAL}.
 */
public final class Abort {
    private Abort() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int r = MPI.COMM_WORLD.getRank();
        int p = MPI.COMM_WORLD.getSize();
        if (args[0].equals("abort") && args.length > 2 && args[2].equals("connected")) {
            // everyone has talked to the last rank, so it reaches them all when it aborts
            if (r == p - 1) {
                for (int s = 0; s < p - 1; s++) {
                    MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, s, 1);
                }
                MPI.COMM_WORLD.abort(Integer.parseInt(args[1]));
            } else {
                MPI.COMM_WORLD.send(new int[] {r}, 1, MPI.INT, p - 1, 1);
                MPI.COMM_WORLD.recv(new int[1], 1, MPI.INT, p - 1, 0);
            }
        } else if (args[0].equals("abort")) {
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

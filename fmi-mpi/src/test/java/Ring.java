/*
 * An Open MPI Java program, unchanged: it compiles against Open MPI 5.0's mpi.jar and against
 * fmi-mpi alike. A token goes round the ring of processes; rank 0 counts the laps down to zero, and
 * every process receives the token laps + 1 times.
 *
 *   fmirun -np 4 -cp fmi-mpi-all.jar:. Ring 10
 */
import mpi.*;

public class Ring {
    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int size = MPI.COMM_WORLD.getSize();
        int next = (rank + 1) % size;
        int prev = (rank + size - 1) % size;
        int laps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int tag = 201;
        int[] message = new int[1];
        int passes = 0;

        if (rank == 0) {
            message[0] = laps;
            System.out.println("Process 0 sending " + message[0] + " to " + next + " (" + size + " processes in the ring)");
            MPI.COMM_WORLD.send(message, 1, MPI.INT, next, tag);
        }
        while (true) {
            MPI.COMM_WORLD.recv(message, 1, MPI.INT, prev, tag);
            passes++;
            if (rank == 0) {
                message[0]--;
                System.out.println("Process 0 decremented the value: " + message[0]);
            }
            MPI.COMM_WORLD.send(message, 1, MPI.INT, next, tag);
            if (message[0] == 0) {
                break;
            }
        }
        if (rank == 0) {
            MPI.COMM_WORLD.recv(message, 1, MPI.INT, prev, tag);
            passes++;
        }
        int[] total = new int[1];
        MPI.COMM_WORLD.reduce(new int[] {passes}, total, 1, MPI.INT, MPI.SUM, 0);
        if (rank == 0) {
            System.out.println("Ring done: " + total[0] + " receives in " + laps + " laps");
            if (total[0] != size * (laps + 1)) {
                System.out.println("Ring FAILED: expected " + size * (laps + 1) + " receives");
                MPI.COMM_WORLD.abort(1);
            }
        }
        MPI.Finalize();
    }
}

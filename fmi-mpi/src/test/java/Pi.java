/*
 * An Open MPI Java program, unchanged: Monte-Carlo estimate of pi. Every process throws darts at
 * the unit square with its own seed; the hits are summed on rank 0 and the estimate broadcast.
 *
 *   fmirun -np 8 -cp fmi-mpi-all.jar:. Pi 1000000
 */
import java.util.Random;
import mpi.*;

public class Pi {
    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        int rank = MPI.COMM_WORLD.getRank();
        int size = MPI.COMM_WORLD.getSize();
        long darts = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        double start = MPI.wtime();

        Random random = new Random(12345L + rank);
        long hits = 0;
        for (long i = 0; i < darts; i++) {
            double x = random.nextDouble();
            double y = random.nextDouble();
            if (x * x + y * y <= 1.0) {
                hits++;
            }
        }
        long[] total = new long[1];
        MPI.COMM_WORLD.reduce(new long[] {hits}, total, 1, MPI.LONG, MPI.SUM, 0);
        double[] pi = new double[1];
        if (rank == 0) {
            pi[0] = 4.0 * total[0] / (darts * size);
        }
        MPI.COMM_WORLD.bcast(pi, 1, MPI.DOUBLE, 0);
        if (Math.abs(pi[0] - Math.PI) > 0.01) {
            System.out.println("Pi FAILED on rank " + rank + ": estimate " + pi[0]);
            MPI.COMM_WORLD.abort(1);
        }
        if (rank == 0) {
            System.out.printf("pi ~ %.6f from %d darts on %d processes (error %.2e) in %.3f s%n", pi[0],
                    darts * size, size, Math.abs(pi[0] - Math.PI), MPI.wtime() - start);
            System.out.println("hits=" + total[0]);
        }
        MPI.Finalize();
    }
}

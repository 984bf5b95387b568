package io.fmi.channel.fault;

import io.fmi.Communicator;
import io.fmi.FmiException;
import io.fmi.Op;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One process of {@link KillAPeerTest}: allreduce in a loop until an operation fails, then reports
 * when it failed and how long {@code close()} took, and exits 3. Prints {@code ready} once it has
 * completed a few rounds with every peer.
 *
 * <p>Arguments: config file, communicator name, rank, size, deadline in seconds.
 */
public final class KillablePeer {
    private KillablePeer() {
    }

    public static void main(String[] args) {
        Communicator comm = Communicator.builder().config(Path.of(args[0])).name(args[1])
                .rank(Integer.parseInt(args[2])).size(Integer.parseInt(args[3]))
                .timeout(Duration.ofSeconds(Integer.parseInt(args[4]))).build();
        double[] in = new double[2048];
        double[] out = new double[2048];
        java.util.Arrays.fill(in, comm.rank() + 1);
        long rounds = 0;
        try {
            while (true) {
                comm.allreduce(in, out, Op.SUM);
                if (out[0] != comm.size() * (comm.size() + 1) / 2.0) {
                    System.out.println("wrong " + out[0]);
                    System.exit(4);
                }
                if (++rounds == 5) {
                    System.out.println("ready");
                    System.out.flush();
                }
            }
        } catch (FmiException e) {
            long failedAt = System.currentTimeMillis();
            System.out.println("failed " + failedAt + " " + e.getClass().getSimpleName() + " "
                    + e.getMessage().replace('\n', ' '));
            long start = System.nanoTime();
            try {
                comm.close();
            } catch (FmiException closing) {
                System.out.println("close-error " + closing.getMessage().replace('\n', ' '));
            }
            System.out.println("closed " + (System.nanoTime() - start) / 1_000_000);
            System.out.flush();
            System.exit(3);
        }
    }
}

package io.fmi.channel.direct;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * One of the two "functions" of {@link NatTraversalTest}, run in its own network namespace behind
 * its own NAT: {@code NatPeer rank serverHost serverPort name otherPublicHost [maxTimeoutMs [relay]]}. Rank 1 first opens a
 * plain listener, rank 0 first tries a plain connect to it (which the NATs must stop); then both
 * join a communicator over the Direct channel, allreduce and bcast 64 MiB.
 */
public final class NatPeer {
    static final int PLAIN_PORT = 40001;

    private NatPeer() {
    }

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        String server = args[1];
        int port = Integer.parseInt(args[2]);
        String name = args[3];
        String otherPublic = args[4];
        ServerSocket plain = null;
        if (rank == 1) {
            plain = new ServerSocket(PLAIN_PORT);
            System.out.println("LISTENING");
        } else {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(otherPublic, PLAIN_PORT), 2000);
                System.out.println("PLAIN_CONNECT_SUCCEEDED");
            } catch (java.io.IOException e) {
                System.out.println("PLAIN_CONNECT_FAILED " + e);
            }
        }
        System.out.flush();
        String maxTimeout = args.length > 5 ? args[5] : "60000";
        String relay = args.length > 6 ? args[6] : "true";
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"" + server + "\", \"port\": " + port
                + ", \"secret\": \"nat-secret\", \"max_timeout\": " + maxTimeout + ", \"close_grace\": 0, \"relay\": " + relay
                + ", \"punch_timeout\": 3000}}}");
        long start = System.nanoTime();
        try (Communicator comm = Communicator.builder().rank(rank).size(2).name(name).config(config)
                .eventListener(new io.fmi.FmiEventListener() {
                    @Override
                    public void relayed(String channel, int me, int peer, String why) {
                        System.out.println("RELAYED to rank " + peer + ": " + why);
                    }
                }).build()) {
            runCollectives(comm, rank, start);
        } catch (io.fmi.FmiException e) {
            System.out.println("PAIRING_FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (plain != null) {
                plain.close();
            }
        }
        System.out.flush();
    }

    private static void runCollectives(Communicator comm, int rank, long start) {
        int[] sum = new int[1];
        comm.allreduce(new int[] {rank + 1}, sum, Op.SUM);
        double[] big = new double[1 << 16];
        java.util.Arrays.fill(big, rank + 1);
        double[] bigSum = new double[big.length];
        comm.allreduce(big, bigSum, Op.SUM);
        System.out.println("RESULT " + sum[0] + " " + (long) bigSum[big.length - 1] + " in "
                + (System.nanoTime() - start) / 1_000_000 + " ms");
        System.out.flush();
        // 64 MiB from rank 0: every element checked on the receiver
        long[] huge = new long[8 << 20];
        if (rank == 0) {
            for (int i = 0; i < huge.length; i++) {
                huge[i] = i * 31L + 7;
            }
        }
        long bcastStart = System.nanoTime();
        comm.bcast(huge, 0);
        long bad = 0;
        for (int i = 0; i < huge.length; i++) {
            if (huge[i] != i * 31L + 7) {
                bad++;
            }
        }
        System.out.println("BCAST64 " + (bad == 0 ? "OK" : bad + " wrong elements") + " in "
                + (System.nanoTime() - bcastStart) / 1_000_000 + " ms");
    }
}

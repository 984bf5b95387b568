package io.fmi.launcher;

import io.fmi.Communicator;

/** Small programs for the launcher's tests: each joins the job through the environment, as users' programs do. */
public final class Ranks {
    private Ranks() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "fail": {
                // rank args[1] fails at once with status args[2]; the others wait in a barrier for it
                int failing = Integer.parseInt(args[1]);
                try (Communicator comm = Communicator.fromEnvironment()) {
                    System.out.println("rank " + comm.rank() + " of " + comm.size() + " started, "
                            + System.getenv(io.fmi.Job.LOCAL_SIZE) + " on this host");
                    if (comm.rank() == failing) {
                        System.err.println("rank " + failing + " gives up");
                        System.exit(Integer.parseInt(args[2]));
                    }
                    comm.barrier();
                }
                break;
            }
            case "aot":
                // an allreduce over the job's channel, then the JVM's ahead-of-time cache options and
                // whether Direct reads and writes arrays in place (null: it does; else why not)
                try (Communicator comm = Communicator.fromEnvironment()) {
                    int[] sum = {0};
                    comm.allreduce(new int[] {comm.rank() + 1}, sum, io.fmi.Op.SUM);
                    System.out.println("sum " + sum[0] + " aot " + java.lang.management.ManagementFactory
                            .getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:AOT"))
                            .sorted().toList() + " in place unavailable: " + heapSocketIo("unavailable"));
                }
                break;
            case "large":
                // an alltoall, an allgather and a bcast of large blocks from byte arrays (one block at a
                // time, a rank per process; in place where the JVM allows), twice with different data;
                // prints how many blocks arrived wrong and how many bytes this rank wrote in place
                try (Communicator comm = Communicator.fromEnvironment()) {
                    int block = 200_003;
                    int size = comm.size();
                    int wrong = 0;
                    for (int call = 0; call < 2; call++) {
                        byte[] out = new byte[size * block];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = (byte) (call * 13 + comm.rank() * 31 + i / block * 7 + i);
                        }
                        byte[] in = new byte[out.length];
                        comm.alltoall(out, in);
                        byte[] own = new byte[block];
                        for (int i = 0; i < block; i++) {
                            own[i] = (byte) (call * 17 + comm.rank() * 29 + i);
                        }
                        byte[] all = new byte[size * block];
                        comm.allgather(own, all);
                        byte[] bcast = new byte[block];
                        if (comm.rank() == 1) {
                            for (int i = 0; i < block; i++) {
                                bcast[i] = (byte) (call * 19 + i * 3);
                            }
                        }
                        comm.bcast(bcast, 1);
                        for (int from = 0; from < size; from++) {
                            for (int k = 0; k < block; k++) {
                                int sent = comm.rank() * block + k;
                                if (in[from * block + k] != (byte) (call * 13 + from * 31 + sent / block * 7 + sent)) {
                                    wrong++;
                                    break;
                                }
                            }
                            for (int k = 0; k < block; k++) {
                                if (all[from * block + k] != (byte) (call * 17 + from * 29 + k)) {
                                    wrong++;
                                    break;
                                }
                            }
                        }
                        for (int k = 0; k < block; k++) {
                            if (bcast[k] != (byte) (call * 19 + k * 3)) {
                                wrong++;
                                break;
                            }
                        }
                    }
                    System.out.println("rank " + comm.rank() + " blocks wrong: " + wrong + ", bytes written in place: "
                            + heapSocketIo("bytesWritten"));
                }
                break;
            case "sleep":
                System.out.println("sleeping");
                Thread.sleep(120_000);
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    /** What Direct's in-place socket I/O says to the static method {@code name} (package-private, hence reflection). */
    private static Object heapSocketIo(String name) throws ReflectiveOperationException {
        java.lang.reflect.Method m = Class.forName("io.fmi.channel.direct.HeapSocketIo").getDeclaredMethod(name);
        m.setAccessible(true);
        return m.invoke(null);
    }
}

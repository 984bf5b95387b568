package mpitest;

import mpi.Comm;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

/** Communicator management: split (with UNDEFINED and keys), dup, clone, compare, free, COMM_SELF, the environment. */
public final class Communicators {
    private Communicators() {
    }

    public static void main(String[] args) throws MPIException {
        Check.isTrue(!MPI.isInitialized(), "isInitialized before Init");
        MPI.Init(args);
        Check.isTrue(MPI.isInitialized() && !MPI.isFinalized(), "isInitialized after Init");
        Intracomm world = MPI.COMM_WORLD;
        int r = world.getRank();
        int p = world.getSize();
        double t0 = MPI.wtime();
        Check.isTrue(MPI.wtick() > 0 && MPI.wtick() < 1e-3, "wtick");
        Check.isTrue(!MPI.getProcessorName().isEmpty(), "getProcessorName");

        // split in two halves by parity, reversed order by key
        Intracomm half = world.split(r % 2, -r);
        int halfSize = (p + 1 - r % 2) / 2;
        Check.equal(halfSize, half.getSize(), "split size");
        Check.equal(halfSize - 1 - r / 2, half.getRank(), "split rank ordered by key");
        int[] sum = new int[1];
        half.allReduce(new int[] {r}, sum, 1, MPI.INT, MPI.SUM);
        int expected = 0;
        for (int i = r % 2; i < p; i += 2) {
            expected += i;
        }
        Check.equal(expected, sum[0], "allReduce on a split communicator");
        // traffic of the two communicators does not mix: same tag on both
        if (p >= 4) {
            int partner = half.getRank() ^ 1;
            if (partner < half.getSize()) {
                int[] got = new int[1];
                half.sendRecv(new int[] {r}, 1, MPI.INT, partner, 0, got, 1, MPI.INT, partner, 0);
                int[] viaWorld = new int[1];
                world.sendRecv(new int[] {-r}, 1, MPI.INT, r ^ 1, 0, viaWorld, 1, MPI.INT, r ^ 1, 0);
                Check.equal(-(r ^ 1), viaWorld[0], "world message on the same tag");
                Check.isTrue(got[0] % 2 == r % 2, "a message of the half stays in the half");
            }
        }

        // UNDEFINED: rank 0 joins nothing
        Intracomm rest = world.split(r == 0 ? MPI.UNDEFINED : 1, r);
        if (r == 0) {
            Check.isTrue(rest == null, "split with UNDEFINED gives null");
        } else {
            Check.equal(p - 1, rest.getSize(), "split without rank 0");
            Check.equal(r - 1, rest.getRank(), "rank without rank 0");
            int[] max = new int[1];
            rest.allReduce(new int[] {r}, max, 1, MPI.INT, MPI.MAX);
            Check.equal(p - 1, max[0], "allReduce without rank 0");
            rest.free();
            Check.isTrue(rest.isNull(), "freed communicator is null");
        }

        // dup, clone, compare
        Intracomm copy = world.dup();
        Intracomm cloned = world.clone();
        Check.equal(MPI.IDENT, Comm.compare(world, world), "compare with itself");
        Check.equal(MPI.CONGRUENT, Comm.compare(world, copy), "compare with a dup");
        Check.equal(MPI.CONGRUENT, Comm.compare(cloned, copy), "compare clone and dup");
        Intracomm reversed = world.split(0, p - r);
        Check.equal(p == 1 ? MPI.CONGRUENT : MPI.SIMILAR, Comm.compare(world, reversed), "compare with reversed");
        Check.equal(p - 1 - r, reversed.getRank(), "reversed rank");
        Check.equal(p == 1 ? MPI.CONGRUENT : MPI.UNEQUAL, Comm.compare(world, half), "compare with a half");
        int[] b = {r == 0 ? 42 : 0};
        copy.bcast(b, 1, MPI.INT, 0);
        Check.equal(42, b[0], "bcast on a dup");
        copy.free();
        cloned.free();
        reversed.free();
        half.free();
        Check.isTrue(copy.isNull(), "a freed dup is null");

        // COMM_SELF: size 1, messages to itself
        Check.equal(1, MPI.COMM_SELF.getSize(), "COMM_SELF size");
        Check.equal(0, MPI.COMM_SELF.getRank(), "COMM_SELF rank");
        MPI.COMM_SELF.send(new long[] {r}, 1, MPI.LONG, 0, 3);
        long[] self = new long[1];
        MPI.COMM_SELF.recv(self, 1, MPI.LONG, 0, 3);
        Check.equal(r, self[0], "COMM_SELF message");
        Check.equal(p == 1 ? MPI.CONGRUENT : MPI.UNEQUAL, Comm.compare(MPI.COMM_SELF, world), "compare SELF and WORLD");

        // errors as exceptions: a freed communicator, freeing WORLD, a negative colour, Init twice
        world.setErrhandler(MPI.ERRORS_RETURN);
        copy.setErrhandler(MPI.ERRORS_RETURN);
        Check.fails(MPI.ERR_COMM, "use of a freed communicator", () -> copy.barrier());
        Check.fails(MPI.ERR_COMM, "freeing COMM_WORLD", world::free);
        Check.fails(MPI.ERR_ARG, "negative colour", () -> world.split(-3, 0));
        Check.fails(MPI.ERR_OTHER, "Init twice", () -> MPI.Init(args));
        // what is not supported says so, with its own error class
        int unsupported = MPI.ERR_UNSUPPORTED_OPERATION;
        MPIException refused = Check.fails(unsupported, "getGroup", world::getGroup);
        Check.isTrue(refused.getMessage().contains("not supported by fmi-mpi"), "the message says so: " + refused.getMessage());
        Check.fails(unsupported, "createCart", () -> world.createCart(new int[] {p}, new boolean[] {true}, false));
        Check.fails(unsupported, "createGraph", () -> world.createGraph(new int[] {0}, new int[0], false));
        Check.fails(unsupported, "spawn", () -> world.spawn("worker", new String[0], 2, new mpi.Info(), 0, new int[2]));
        Check.fails(unsupported, "createIntercomm", () -> world.createIntercomm(world, 0, 0, 1));
        Check.fails(unsupported, "Win", () -> new mpi.Win(MPI.newIntBuffer(4), 16, 4, new mpi.Info(), world));
        Check.fails(unsupported, "File", () -> new mpi.File(world, "data.bin", 0));
        Check.isTrue(!world.isInter(), "isInter");
        byte[] attachedBuffer = new byte[64];
        MPI.attachBuffer(attachedBuffer);
        world.bSend(new int[] {r}, 1, MPI.INT, r, 4);
        world.recv(new int[1], 1, MPI.INT, r, 4);
        Check.isTrue(MPI.detachBuffer() == attachedBuffer, "detachBuffer gives back the attached buffer");
        Check.isTrue(MPI.wtime() >= t0, "wtime is monotonic");
        Check.done("Communicators");
        MPI.Finalize();
        Check.isTrue(MPI.isFinalized(), "isFinalized");
        try {
            world.barrier();
            System.err.println("FAILED: a call after Finalize succeeded");
            System.exit(1);
        } catch (MPIException e) {
            if (!e.getMessage().contains("finalized")) {
                System.err.println("FAILED: unexpected message after Finalize: " + e.getMessage());
                System.exit(1);
            }
        }
    }
}

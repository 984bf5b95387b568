package mpitest;

import java.nio.ByteBuffer;
import java.util.Arrays;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;

/** Every blocking collective, its in-place forms and several roots, with exact checks. */
public final class Collectives {
    private Collectives() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        Intracomm world = MPI.COMM_WORLD;
        int r = world.getRank();
        int p = world.getSize();
        world.barrier();

        // bcast from two roots, several types
        for (int root : new int[] {0, p - 1}) {
            int[] ints = new int[100];
            char[] chars = new char[5];
            boolean[] flags = new boolean[9];
            ByteBuffer longs = MPI.newByteBuffer(16);
            if (r == root) {
                for (int k = 0; k < 100; k++) {
                    ints[k] = k * (root + 3);
                }
                chars = "fmi!!".toCharArray();
                flags[root % 9] = true;
                longs.putLong(0, Long.MIN_VALUE + root).putLong(8, root);
            }
            world.bcast(ints, 100, MPI.INT, root);
            world.bcast(chars, 5, MPI.CHAR, root);
            world.bcast(flags, 9, MPI.BOOLEAN, root);
            world.bcast(longs, 2, MPI.LONG, root);
            Check.equal(99 * (root + 3), ints[99], "bcast int from " + root);
            Check.equal("fmi!!", new String(chars), "bcast char from " + root);
            Check.isTrue(flags[root % 9] && !flags[(root + 1) % 9], "bcast boolean from " + root);
            Check.equal(Long.MIN_VALUE + root, longs.getLong(0), "bcast ByteBuffer of LONG from " + root);
        }

        // gather (recv buffer larger than needed: the extra element stays) and in place
        int root = 1 % p;
        int[] all = new int[3 * p + 1];
        all[3 * p] = -777;
        world.gather(new int[] {r, r * r, -r}, 3, MPI.INT, all, 3, MPI.INT, root);
        if (r == root) {
            for (int i = 0; i < p; i++) {
                Check.equal(new int[] {i, i * i, -i}, Arrays.copyOfRange(all, 3 * i, 3 * i + 3), "gather block " + i);
            }
            Check.equal(-777, all[3 * p], "gather wrote past its blocks");
        }
        int[] inPlace = r == root ? new int[3 * p] : new int[] {r, r * r, -r};
        if (r == root) {
            System.arraycopy(new int[] {r, r * r, -r}, 0, inPlace, 3 * r, 3);
        }
        world.gather(inPlace, 3, MPI.INT, root);
        if (r == root) {
            for (int i = 0; i < p; i++) {
                Check.equal(i * i, inPlace[3 * i + 1], "in-place gather block " + i);
            }
        }

        // scatter and in place
        double[] source = new double[2 * p];
        for (int i = 0; i < 2 * p; i++) {
            source[i] = 10 * (i / 2) + i % 2;
        }
        double[] part = new double[2];
        world.scatter(source, 2, MPI.DOUBLE, part, 2, MPI.DOUBLE, 0);
        Check.equal(new double[] {10 * r, 10 * r + 1}, part, "scatter");
        double[] sbuf = r == 0 ? source.clone() : new double[2];
        world.scatter(sbuf, 2, MPI.DOUBLE, 0);
        if (r != 0) {
            Check.equal(new double[] {10 * r, 10 * r + 1}, sbuf, "in-place scatter");
        } else {
            Check.equal(source, sbuf, "in-place scatter leaves the root's buffer");
        }

        // gatherv with gaps between the blocks (the gaps keep their sentinel), and in place
        int[] counts = new int[p];
        int[] displs = new int[p];
        int total = 0;
        for (int i = 0; i < p; i++) {
            counts[i] = i + 1;
            displs[i] = total + i;
            total += counts[i];
        }
        int span = total + p - 1;
        long[] mineL = new long[r + 1];
        for (int k = 0; k <= r; k++) {
            mineL[k] = r * 100L + k;
        }
        long[] gathered = new long[span];
        Arrays.fill(gathered, -1);
        world.gatherv(mineL, r + 1, MPI.LONG, gathered, counts, displs, MPI.LONG, root);
        if (r == root) {
            Check.equal(expectedV(p, counts, displs, span), gathered, "gatherv");
        }
        if (r == root) {
            long[] buf = new long[span];
            Arrays.fill(buf, -1);
            System.arraycopy(mineL, 0, buf, displs[r], r + 1);
            world.gatherv(buf, counts, displs, MPI.LONG, root);
            Check.equal(expectedV(p, counts, displs, span), buf, "in-place gatherv");
        } else {
            world.gatherv(mineL, r + 1, MPI.LONG, root);
        }

        // scatterv and in place
        long[] vsource = expectedV(p, counts, displs, span);
        long[] got = new long[r + 1];
        world.scatterv(vsource, counts, displs, MPI.LONG, got, r + 1, MPI.LONG, 0);
        Check.equal(mineL, got, "scatterv");
        if (r == 0) {
            long[] keep = vsource.clone();
            world.scatterv(keep, counts, displs, MPI.LONG, 0);
            Check.equal(vsource, keep, "in-place scatterv leaves the root's buffer");
        } else {
            long[] into = new long[r + 1];
            world.scatterv(into, r + 1, MPI.LONG, 0);
            Check.equal(mineL, into, "in-place scatterv");
        }

        // allGather and in place
        float[] ag = new float[2 * p];
        world.allGather(new float[] {r, r + 0.5f}, 2, MPI.FLOAT, ag, 2, MPI.FLOAT);
        float[] agIn = new float[2 * p];
        agIn[2 * r] = r;
        agIn[2 * r + 1] = r + 0.5f;
        world.allGather(agIn, 2, MPI.FLOAT);
        for (int i = 0; i < p; i++) {
            Check.equal(i + 0.5, ag[2 * i + 1], "allGather block " + i);
        }
        Check.equal(ag, agIn, "in-place allGather");

        // allGatherv (packed) and in place (with gaps)
        int[] packed = new int[p];
        for (int i = 1; i < p; i++) {
            packed[i] = packed[i - 1] + counts[i - 1];
        }
        long[] agv = new long[total];
        world.allGatherv(mineL, r + 1, MPI.LONG, agv, counts, packed, MPI.LONG);
        Check.equal(expectedV(p, counts, packed, total), agv, "allGatherv");
        long[] agvIn = new long[span];
        Arrays.fill(agvIn, -1);
        System.arraycopy(mineL, 0, agvIn, displs[r], r + 1);
        world.allGatherv(agvIn, counts, displs, MPI.LONG);
        Check.equal(expectedV(p, counts, displs, span), agvIn, "in-place allGatherv");

        // allToAll
        int[] a2aSend = new int[2 * p];
        for (int j = 0; j < p; j++) {
            a2aSend[2 * j] = r * 100 + j;
            a2aSend[2 * j + 1] = -(r * 100 + j);
        }
        int[] a2aRecv = new int[2 * p];
        world.allToAll(a2aSend, 2, MPI.INT, a2aRecv, 2, MPI.INT);
        for (int i = 0; i < p; i++) {
            Check.equal(i * 100 + r, a2aRecv[2 * i], "allToAll from " + i);
            Check.equal(-(i * 100 + r), a2aRecv[2 * i + 1], "allToAll from " + i);
        }

        // allToAllv: rank r sends r + j + 1 ints to rank j
        int[] sc = new int[p];
        int[] sd = new int[p];
        int[] rc = new int[p];
        int[] rd = new int[p];
        for (int j = 0; j < p; j++) {
            sc[j] = r + j + 1;
            rc[j] = j + r + 1;
            if (j > 0) {
                sd[j] = sd[j - 1] + sc[j - 1];
                rd[j] = rd[j - 1] + rc[j - 1];
            }
        }
        int[] vs = new int[sd[p - 1] + sc[p - 1]];
        for (int j = 0; j < p; j++) {
            for (int k = 0; k < sc[j]; k++) {
                vs[sd[j] + k] = r * 1000 + j * 10 + k;
            }
        }
        int[] vr = new int[rd[p - 1] + rc[p - 1]];
        world.allToAllv(vs, sc, sd, MPI.INT, vr, rc, rd, MPI.INT);
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < rc[i]; k++) {
                Check.equal(i * 1000 + r * 10 + k, vr[rd[i] + k], "allToAllv from " + i + " item " + k);
            }
        }

        // reduce, allReduce and their in-place forms
        long sumR = (long) p * (p - 1) / 2;
        long sumSq = 0;
        for (int i = 0; i < p; i++) {
            sumSq += (long) i * i;
        }
        int[] red = new int[4];
        world.reduce(new int[] {r, 1, r * r, -r}, red, 4, MPI.INT, MPI.SUM, 0);
        if (r == 0) {
            Check.equal(new int[] {(int) sumR, p, (int) sumSq, (int) -sumR}, red, "reduce SUM");
        }
        int[] redIn = {r, 1, r * r, -r};
        world.reduce(redIn, 4, MPI.INT, MPI.SUM, p - 1);
        if (r == p - 1) {
            Check.equal(new int[] {(int) sumR, p, (int) sumSq, (int) -sumR}, redIn, "in-place reduce");
        } else {
            Check.equal(new int[] {r, 1, r * r, -r}, redIn, "in-place reduce leaves non-roots' buffers");
        }
        double[] mx = new double[2];
        world.allReduce(new double[] {r * 1.5, -r}, mx, 2, MPI.DOUBLE, MPI.MAX);
        Check.equal(new double[] {(p - 1) * 1.5, 0}, mx, "allReduce MAX");
        world.allReduce(new double[] {r * 1.5, -r}, mx, 2, MPI.DOUBLE, MPI.MIN);
        Check.equal(new double[] {0, -(p - 1)}, mx, "allReduce MIN");
        long[] prod = new long[1];
        world.allReduce(new long[] {r + 1}, prod, 1, MPI.LONG, MPI.PROD);
        long fact = 1;
        for (int i = 1; i <= p; i++) {
            fact *= i;
        }
        Check.equal(fact, prod[0], "allReduce PROD");
        int[] ar = new int[3000];
        Arrays.fill(ar, r);
        world.allReduce(ar, 3000, MPI.INT, MPI.SUM);
        Check.isTrue(Arrays.stream(ar).allMatch(v -> v == sumR), "in-place allReduce of 3000 ints");
        // large enough for the core's halving (operand and result the same array, no copy)
        double[] big = new double[100_003];
        for (int k = 0; k < big.length; k++) {
            big[k] = k * (r + 1);
        }
        world.allReduce(big, big.length, MPI.DOUBLE, MPI.SUM);
        for (int k = 0; k < big.length; k++) {
            if (big[k] != (double) k * p * (p + 1) / 2) {
                Check.equal((double) k * p * (p + 1) / 2, big[k], "in-place allReduce of 100003 doubles, element " + k);
            }
        }

        // reduceScatter: rank i gets i + 1 items; and in place
        int[] rsSend = new int[total];
        for (int k = 0; k < total; k++) {
            rsSend[k] = r + k;
        }
        int[] rsRecv = new int[r + 1];
        world.reduceScatter(rsSend, rsRecv, counts, MPI.INT, MPI.SUM);
        for (int k = 0; k <= r; k++) {
            Check.equal(p * (packed[r] + k) + sumR, rsRecv[k], "reduceScatter item " + k);
        }
        int[] rsIn = rsSend.clone();
        world.reduceScatter(rsIn, counts, MPI.INT, MPI.SUM);
        Check.equal(rsRecv, Arrays.copyOf(rsIn, r + 1), "in-place reduceScatter");

        // reduceScatterBlock and in place
        int[] rbSend = new int[2 * p];
        for (int k = 0; k < 2 * p; k++) {
            rbSend[k] = r * k;
        }
        int[] rbRecv = new int[2];
        world.reduceScatterBlock(rbSend, rbRecv, 2, MPI.INT, MPI.SUM);
        Check.equal(new int[] {(int) (2 * r * sumR), (int) ((2 * r + 1) * sumR)}, rbRecv, "reduceScatterBlock");
        int[] rbIn = rbSend.clone();
        world.reduceScatterBlock(rbIn, 2, MPI.INT, MPI.SUM);
        Check.equal(rbRecv, Arrays.copyOf(rbIn, 2), "in-place reduceScatterBlock");

        // scan, exScan and in place
        long[] sc1 = new long[2];
        world.scan(new long[] {r, 1}, sc1, 2, MPI.LONG, MPI.SUM);
        Check.equal(new long[] {(long) r * (r + 1) / 2, r + 1}, sc1, "scan");
        long[] scIn = {r, 1};
        world.scan(scIn, 2, MPI.LONG, MPI.SUM);
        Check.equal(sc1, scIn, "in-place scan");
        long[] ex = {-9, -9};
        world.exScan(new long[] {r, 1}, ex, 2, MPI.LONG, MPI.SUM);
        Check.equal(r == 0 ? new long[] {-9, -9} : new long[] {(long) r * (r - 1) / 2, r}, ex, "exScan");
        long[] exIn = {r, 1};
        world.exScan(exIn, 2, MPI.LONG, MPI.SUM);
        Check.equal(r == 0 ? new long[] {0, 1} : new long[] {(long) r * (r - 1) / 2, r}, exIn, "in-place exScan");

        // wrong arguments, returned as exceptions
        world.setErrhandler(MPI.ERRORS_RETURN);
        Check.fails(MPI.ERR_ROOT, "bcast from root size", () -> world.bcast(ar, 1, MPI.INT, p));
        Check.fails(MPI.ERR_OP, "BAND over doubles", () -> world.allReduce(mx, 2, MPI.DOUBLE, MPI.BAND));
        Check.fails(MPI.ERR_COUNT, "gatherv with too few counts",
                () -> world.allGatherv(agv, new int[] {1}, new int[] {0}, MPI.LONG));
        Check.done("Collectives");
        MPI.Finalize();
    }

    /** Block i (i + 1 values i * 100 + k) at displs[i]; -1 elsewhere. */
    static long[] expectedV(int p, int[] counts, int[] displs, int span) {
        long[] out = new long[span];
        Arrays.fill(out, -1);
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < counts[i]; k++) {
                out[displs[i] + k] = i * 100L + k;
            }
        }
        return out;
    }
}

package mpitest;

import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Request;

/** Every non-blocking collective and its in-place forms, many in flight at once, completed together. */
public final class ICollectives {
    private ICollectives() {
    }

    private static IntBuffer ints(int... values) {
        IntBuffer b = MPI.newIntBuffer(values.length);
        b.put(values).clear();
        return b;
    }

    private static int[] array(IntBuffer b) {
        int[] a = new int[b.capacity()];
        b.duplicate().clear();
        for (int i = 0; i < a.length; i++) {
            a[i] = b.get(i);
        }
        return a;
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        Intracomm world = MPI.COMM_WORLD;
        int r = world.getRank();
        int p = world.getSize();
        int root = p - 1;
        int sumR = p * (p - 1) / 2;

        IntBuffer bc = r == root ? ints(5, 6, 7) : MPI.newIntBuffer(3);
        IntBuffer gOut = MPI.newIntBuffer(2 * p);
        IntBuffer gIn = MPI.newIntBuffer(2 * p);
        gIn.put(2 * r, r).put(2 * r + 1, -r);
        IntBuffer scSrc = MPI.newIntBuffer(p);
        for (int i = 0; i < p; i++) {
            scSrc.put(i, i * 11);
        }
        IntBuffer scOne = MPI.newIntBuffer(1);
        IntBuffer scInPlace = r == 0 ? ints(array(scSrc)) : MPI.newIntBuffer(1);
        int[] counts = new int[p];
        int[] displs = new int[p];
        for (int i = 0; i < p; i++) {
            counts[i] = i + 1;
            displs[i] = i == 0 ? 0 : displs[i - 1] + counts[i - 1];
        }
        int total = displs[p - 1] + counts[p - 1];
        IntBuffer mineV = MPI.newIntBuffer(r + 1);
        for (int k = 0; k <= r; k++) {
            mineV.put(k, r * 10 + k);
        }
        IntBuffer gv = MPI.newIntBuffer(total);
        IntBuffer gvInPlace = MPI.newIntBuffer(total);
        for (int k = 0; k <= r; k++) {
            gvInPlace.put(displs[r] + k, r * 10 + k);
        }
        int[] expectedV = new int[total];
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < counts[i]; k++) {
                expectedV[displs[i] + k] = i * 10 + k;
            }
        }
        IntBuffer svSource = ints(expectedV);
        IntBuffer svOut = MPI.newIntBuffer(r + 1);
        IntBuffer agv = MPI.newIntBuffer(total);
        IntBuffer agvIn = MPI.newIntBuffer(total);
        for (int k = 0; k <= r; k++) {
            agvIn.put(displs[r] + k, r * 10 + k);
        }
        IntBuffer a2aSend = MPI.newIntBuffer(p);
        for (int j = 0; j < p; j++) {
            a2aSend.put(j, r * 100 + j);
        }
        IntBuffer a2a = MPI.newIntBuffer(p);
        IntBuffer a2av = MPI.newIntBuffer(p);
        int[] ones = new int[p];
        int[] seq = new int[p];
        for (int i = 0; i < p; i++) {
            ones[i] = 1;
            seq[i] = i;
        }
        DoubleBuffer red = MPI.newDoubleBuffer(2);
        DoubleBuffer redIn = MPI.newDoubleBuffer(2).put(0, r).put(1, 1);
        DoubleBuffer all = MPI.newDoubleBuffer(2);
        DoubleBuffer allIn = MPI.newDoubleBuffer(2).put(0, r).put(1, 1);
        DoubleBuffer contribution = MPI.newDoubleBuffer(2).put(0, r).put(1, 1);
        LongBuffer rsSend = MPI.newLongBuffer(total);
        for (int k = 0; k < total; k++) {
            rsSend.put(k, k);
        }
        LongBuffer rs = MPI.newLongBuffer(r + 1);
        LongBuffer rsIn = MPI.newLongBuffer(total);
        rsIn.put(rsSend.duplicate());
        LongBuffer rbSend = MPI.newLongBuffer(p);
        for (int k = 0; k < p; k++) {
            rbSend.put(k, k + r);
        }
        LongBuffer rb = MPI.newLongBuffer(1);
        LongBuffer rbIn = MPI.newLongBuffer(p);
        rbIn.put(rbSend.duplicate());
        LongBuffer scan = MPI.newLongBuffer(1);
        LongBuffer scanIn = MPI.newLongBuffer(1).put(0, r + 1);
        LongBuffer exscan = MPI.newLongBuffer(1).put(0, -5);
        LongBuffer exscanIn = MPI.newLongBuffer(1).put(0, r + 1);
        LongBuffer one = MPI.newLongBuffer(1).put(0, r + 1);

        Request[] reqs = {
            world.iBarrier(),
            world.iBcast(bc, 3, MPI.INT, root),
            world.iGather(ints(r, -r), 2, MPI.INT, gOut, 2, MPI.INT, root),
            world.iScatter(scSrc, 1, MPI.INT, scOne, 1, MPI.INT, 0),
            world.iScatter(scInPlace, 1, MPI.INT, 0),
            world.iGatherv(mineV, r + 1, MPI.INT, gv, counts, displs, MPI.INT, 0),
            r == 0 ? world.iGatherv(gvInPlace, counts, displs, MPI.INT, 0)
                    : world.iGatherv(mineV, r + 1, MPI.INT, 0),
            world.iScatterv(svSource, counts, displs, MPI.INT, svOut, r + 1, MPI.INT, 0),
            world.iAllGather(ints(r, -r), 2, MPI.INT, MPI.newIntBuffer(2 * p), 2, MPI.INT),
            world.iAllGather(gIn, 2, MPI.INT),
            world.iAllGatherv(mineV, r + 1, MPI.INT, agv, counts, displs, MPI.INT),
            world.iAllGatherv(agvIn, counts, displs, MPI.INT),
            world.iAllToAll(a2aSend, 1, MPI.INT, a2a, 1, MPI.INT),
            world.iAllToAllv(a2aSend, ones, seq, MPI.INT, a2av, ones, seq, MPI.INT),
            world.iReduce(contribution, red, 2, MPI.DOUBLE, MPI.SUM, root),
            world.iReduce(redIn, 2, MPI.DOUBLE, MPI.SUM, 0),
            world.iAllReduce(contribution, all, 2, MPI.DOUBLE, MPI.SUM),
            world.iAllReduce(allIn, 2, MPI.DOUBLE, MPI.SUM),
            world.iReduceScatter(rsSend, rs, counts, MPI.LONG, MPI.SUM),
            world.iReduceScatter(rsIn, counts, MPI.LONG, MPI.SUM),
            world.iReduceScatterBlock(rbSend, rb, 1, MPI.LONG, MPI.SUM),
            world.iReduceScatterBlock(rbIn, 1, MPI.LONG, MPI.SUM),
            world.iScan(one, scan, 1, MPI.LONG, MPI.PROD),
            world.iScan(scanIn, 1, MPI.LONG, MPI.PROD),
            world.iExScan(one, exscan, 1, MPI.LONG, MPI.SUM),
            world.iExScan(exscanIn, 1, MPI.LONG, MPI.SUM),
        };
        Request.waitAll(reqs);
        for (Request q : reqs) {
            Check.isTrue(q.isNull(), "a completed collective request is null");
        }

        Check.equal(new int[] {5, 6, 7}, array(bc), "iBcast");
        if (r == root) {
            for (int i = 0; i < p; i++) {
                Check.equal(-i, gOut.get(2 * i + 1), "iGather block " + i);
            }
        }
        Check.equal(r * 11, scOne.get(0), "iScatter");
        Check.equal(r * 11, scInPlace.get(0), "in-place iScatter");
        if (r == 0) {
            Check.equal(expectedV, array(gv), "iGatherv");
            Check.equal(expectedV, array(gvInPlace), "in-place iGatherv");
        }
        Check.equal(array(mineV), array(svOut), "iScatterv");
        for (int i = 0; i < p; i++) {
            Check.equal(-i, gIn.get(2 * i + 1), "in-place iAllGather block " + i);
        }
        Check.equal(expectedV, array(agv), "iAllGatherv");
        Check.equal(expectedV, array(agvIn), "in-place iAllGatherv");
        for (int i = 0; i < p; i++) {
            Check.equal(i * 100 + r, a2a.get(i), "iAllToAll from " + i);
            Check.equal(i * 100 + r, a2av.get(i), "iAllToAllv from " + i);
        }
        if (r == root) {
            Check.equal(sumR, red.get(0), "iReduce");
            Check.equal(p, red.get(1), "iReduce");
        }
        if (r == 0) {
            Check.equal(sumR, redIn.get(0), "in-place iReduce");
        }
        Check.equal(sumR, all.get(0), "iAllReduce");
        Check.equal(p, allIn.get(1), "in-place iAllReduce");
        for (int k = 0; k <= r; k++) {
            Check.equal((long) p * (displs[r] + k), rs.get(k), "iReduceScatter item " + k);
            Check.equal((long) p * (displs[r] + k), rsIn.get(k), "in-place iReduceScatter item " + k);
        }
        Check.equal((long) p * r + sumR, rb.get(0), "iReduceScatterBlock");
        Check.equal((long) p * r + sumR, rbIn.get(0), "in-place iReduceScatterBlock");
        long factorial = 1;
        for (int i = 1; i <= r + 1; i++) {
            factorial *= i;
        }
        Check.equal(factorial, scan.get(0), "iScan PROD");
        Check.equal(factorial, scanIn.get(0), "in-place iScan PROD");
        Check.equal(r == 0 ? -5 : (long) r * (r + 1) / 2, exscan.get(0), "iExScan");
        if (r > 0) {
            Check.equal((long) r * (r + 1) / 2, exscanIn.get(0), "in-place iExScan");
        }
        Check.done("ICollectives");
        MPI.Finalize();
    }
}

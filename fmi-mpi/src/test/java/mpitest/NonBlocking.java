package mpitest;

import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Prequest;
import mpi.Request;
import mpi.Status;

/** Non-blocking point-to-point: request arrays and every wait/test form, cancel, persistent requests, threads. */
public final class NonBlocking {
    private NonBlocking() {
    }

    public static void main(String[] args) throws Exception {
        int provided = MPI.InitThread(args, MPI.THREAD_MULTIPLE);
        Check.equal(MPI.THREAD_MULTIPLE, provided, "thread level");
        Check.equal(MPI.THREAD_MULTIPLE, MPI.queryThread(), "queryThread");
        Intracomm world = MPI.COMM_WORLD;
        int rank = world.getRank();
        int size = world.getSize();

        // all-to-all exchange with iRecv/iSend, completed with waitAll
        int n = 1000;
        IntBuffer[] in = new IntBuffer[size];
        IntBuffer out = MPI.newIntBuffer(n);
        for (int k = 0; k < n; k++) {
            out.put(k, rank * n + k);
        }
        Request[] reqs = new Request[2 * size];
        for (int p = 0; p < size; p++) {
            in[p] = MPI.newIntBuffer(n);
            reqs[p] = world.iRecv(in[p], n, MPI.INT, p, 1);
        }
        for (int p = 0; p < size; p++) {
            reqs[size + p] = world.iSend(out, n, MPI.INT, p, 1);
        }
        Status[] statuses = Request.waitAllStatus(reqs);
        for (int p = 0; p < size; p++) {
            Check.equal(p, statuses[p].getSource(), "waitAllStatus source");
            Check.equal(n, statuses[p].getCount(MPI.INT), "waitAllStatus count");
            Check.equal(p * n + n - 1, in[p].get(n - 1), "iRecv data from " + p);
            Check.isTrue(reqs[p].isNull(), "a completed request is null");
        }

        // waitAny until UNDEFINED, with REQUEST_NULL in the array; data must be there for each index
        Request[] any = new Request[size + 1];
        DoubleBuffer[] dbs = new DoubleBuffer[size];
        any[size] = MPI.REQUEST_NULL;
        for (int p = 0; p < size; p++) {
            dbs[p] = MPI.newDoubleBuffer(3);
            any[p] = world.iRecv(dbs[p], 3, MPI.DOUBLE, MPI.ANY_SOURCE, 10 + p);
        }
        for (int p = 0; p < size; p++) {
            world.send(new double[] {rank, p, rank * p}, 3, MPI.DOUBLE, p, 10 + rank);
        }
        boolean[] done = new boolean[size];
        for (int k = 0; k < size; k++) {
            Status st = Request.waitAnyStatus(any);
            int i = st.getIndex();
            Check.isTrue(i >= 0 && i < size && !done[i], "waitAny index " + i);
            done[i] = true;
            Check.equal(i, st.getSource(), "waitAny source");
            Check.equal(i, dbs[i].get(0), "waitAny data");
            Check.equal((double) rank * i, dbs[i].get(2), "waitAny data");
        }
        Check.equal(MPI.UNDEFINED, Request.waitAny(any), "waitAny with nothing active");
        Check.isTrue(Request.testAll(any), "testAll of inactive requests");

        // waitSome and testSome / testAny / testAll: rank 0 gathers one message from each peer
        if (rank == 0) {
            Request[] some = new Request[size - 1];
            IntBuffer[] got = new IntBuffer[size - 1];
            for (int p = 1; p < size; p++) {
                got[p - 1] = MPI.newIntBuffer(1);
                some[p - 1] = world.iRecv(got[p - 1], 1, MPI.INT, p, 20);
            }
            int completed = 0;
            boolean[] seen = new boolean[size - 1];
            while (completed < size - 1) {
                int[] idx = (completed % 2 == 0) ? Request.waitSome(some) : Request.testSome(some);
                Check.isTrue(idx != null, "waitSome/testSome with active requests");
                for (int i : idx) {
                    Check.isTrue(!seen[i], "index reported twice: " + i);
                    seen[i] = true;
                    Check.equal((i + 1) * 3, got[i].get(0), "waitSome data");
                }
                completed += idx.length;
            }
            Check.isTrue(Request.waitSome(some) == null, "waitSome with nothing active");
            Check.isTrue(Request.testSomeStatus(some) == null, "testSome with nothing active");
        } else {
            world.send(new int[] {rank * 3}, 1, MPI.INT, 0, 20);
        }

        // test() polling loop and testStatus; testAny and testAllStatus
        IntBuffer token = MPI.newIntBuffer(1);
        Request r = world.iRecv(token, 1, MPI.INT, (rank + size - 1) % size, 30);
        Request s = world.iSend(MPI.newIntBuffer(1).put(0, rank), 1, MPI.INT, (rank + 1) % size, 30);
        Status st;
        while ((st = r.testStatus()) == null) {
            Thread.onSpinWait();
        }
        Check.equal((rank + size - 1) % size, st.getSource(), "testStatus source");
        Check.equal((rank + size - 1) % size, token.get(0), "test data");
        s.waitFor();
        Request[] pair = {world.iRecv(token, 1, MPI.INT, MPI.ANY_SOURCE, 31),
            world.iSend(MPI.newIntBuffer(1).put(0, -rank), 1, MPI.INT, rank, 31)};
        Status[] all;
        while ((all = Request.testAllStatus(pair)) == null) {
            Thread.onSpinWait();
        }
        Check.equal(rank, all[0].getSource(), "self message source");
        Check.equal(-rank, token.get(0), "self message data");
        Request[] lone = {world.iSend(MPI.newIntBuffer(1), 1, MPI.INT, rank, 32)};
        int idx;
        while ((idx = Request.testAny(lone)) == MPI.UNDEFINED) {
            Thread.onSpinWait();
        }
        Check.equal(0, idx, "testAny index");
        world.recv(new int[1], 1, MPI.INT, rank, 32);

        // the send modes of iSend and of persistent sends; statuses with indices; free
        IntBuffer modes = MPI.newIntBuffer(6);
        Request[] m = {world.iRecv(MPI.slice(modes, 0), 1, MPI.INT, rank, 60),
            world.iRecv(MPI.slice(modes, 1), 1, MPI.INT, rank, 61),
            world.iRecv(MPI.slice(modes, 2), 1, MPI.INT, rank, 62),
            world.ibSend(MPI.newIntBuffer(1).put(0, 60), 1, MPI.INT, rank, 60),
            world.isSend(MPI.newIntBuffer(1).put(0, 61), 1, MPI.INT, rank, 61),
            world.irSend(MPI.newIntBuffer(1).put(0, 62), 1, MPI.INT, rank, 62)};
        Status[] someStatus = Request.waitSomeStatus(m);
        Check.isTrue(someStatus.length > 0, "waitSomeStatus");
        for (Status x : someStatus) {
            Check.isTrue(x.getIndex() >= 0 && x.getIndex() < 6, "waitSomeStatus index");
        }
        Request.waitAll(m);
        Prequest[] inits = {world.bSendInit(MPI.newIntBuffer(1).put(0, 63), 1, MPI.INT, rank, 63),
            world.sSendInit(MPI.newIntBuffer(1).put(0, 64), 1, MPI.INT, rank, 64),
            world.rSendInit(MPI.newIntBuffer(1).put(0, 65), 1, MPI.INT, rank, 65)};
        Prequest.startAll(inits);
        for (int t = 63; t <= 65; t++) {
            world.recv(MPI.slice(modes, t - 60), 1, MPI.INT, rank, t);
        }
        Request.waitAll(inits);
        for (int k = 0; k < 6; k++) {
            Check.equal(60 + k, modes.get(k), "send mode " + (60 + k));
        }
        Request freed = world.iSend(MPI.newIntBuffer(1), 1, MPI.INT, rank, 66);
        freed.free();
        Check.isTrue(freed.isNull(), "a freed request is null");
        world.recv(new int[1], 1, MPI.INT, rank, 66);
        Request[] nothing = {MPI.REQUEST_NULL};
        Check.equal(MPI.UNDEFINED, Request.testAnyStatus(nothing).getIndex(), "testAnyStatus of REQUEST_NULL");

        // cancel a receive that nothing matches
        Request never = world.iRecv(MPI.newIntBuffer(1), 1, MPI.INT, MPI.ANY_SOURCE, 999);
        never.cancel();
        Status cancelled = never.waitStatus();
        Check.isTrue(cancelled.isCancelled(), "a cancelled receive says so");

        // persistent requests: a ring of 20 rounds, the send buffer re-read at each start
        IntBuffer sendBuf = MPI.newIntBuffer(2);
        IntBuffer recvBuf = MPI.newIntBuffer(2);
        Prequest ps = world.sendInit(sendBuf, 2, MPI.INT, (rank + 1) % size, 40);
        Prequest pr = world.recvInit(recvBuf, 2, MPI.INT, (rank + size - 1) % size, 40);
        Check.isTrue(!ps.isNull() && !pr.isNull(), "persistent requests are not null");
        for (int round = 0; round < 20; round++) {
            sendBuf.put(0, rank).put(1, round);
            Prequest.startAll(new Prequest[] {pr, ps});
            Request.waitAll(new Request[] {pr, ps});
            Check.equal((rank + size - 1) % size, recvBuf.get(0), "persistent ring source");
            Check.equal(round, recvBuf.get(1), "persistent ring round");
            Check.isTrue(!pr.isNull(), "an inactive persistent request is not null");
        }
        ps.start();
        world.setErrhandler(MPI.ERRORS_RETURN);
        Check.fails(MPI.ERR_REQUEST, "starting an active persistent request", ps::start);
        ps.waitFor();
        pr.start();
        pr.waitFor();
        ps.free();
        pr.free();
        Check.isTrue(ps.isNull(), "a freed persistent request is null");

        // THREAD_MULTIPLE: two threads exchange on different tags at once
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread helper = new Thread(() -> {
            try {
                for (int k = 0; k < 50; k++) {
                    int[] v = new int[1];
                    world.sendRecv(new int[] {k}, 1, MPI.INT, (rank + 1) % size, 50, v, 1, MPI.INT,
                            (rank + size - 1) % size, 50);
                    if (v[0] != k) {
                        throw new IllegalStateException("helper thread got " + v[0] + " in round " + k);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        helper.start();
        for (int k = 0; k < 50; k++) {
            long[] v = new long[1];
            world.sendRecv(new long[] {-k}, 1, MPI.LONG, (rank + size - 1) % size, 51, v, 1, MPI.LONG,
                    (rank + 1) % size, 51);
            Check.equal(-k, v[0], "main thread round " + k);
        }
        helper.join();
        Check.isTrue(failure.get() == null, "helper thread: " + failure.get());

        Check.isTrue(Arrays.stream(statuses).allMatch(x -> x.getError() == MPI.SUCCESS), "status errors");
        Check.done("NonBlocking");
        MPI.Finalize();
    }
}

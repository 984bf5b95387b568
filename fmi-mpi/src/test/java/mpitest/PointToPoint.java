package mpitest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import mpi.Datatype;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Status;

/** Point-to-point: every datatype, arrays and buffers, partial receives, wildcards, probes, sendRecv, errors. */
public final class PointToPoint {
    private PointToPoint() {
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        Intracomm world = MPI.COMM_WORLD;
        int rank = world.getRank();
        int size = world.getSize();
        int next = (rank + 1) % size;
        int prev = (rank + size - 1) % size;

        // every base type through a ring: rank r sends r-dependent values to next
        int n = 37;
        byte[] b = new byte[n];
        char[] c = new char[n];
        short[] s = new short[n];
        boolean[] z = new boolean[n];
        int[] i = new int[n];
        long[] l = new long[n];
        float[] f = new float[n];
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) (rank * 7 + k);
            c[k] = (char) ('a' + (rank + k) % 26);
            s[k] = (short) (rank * 1000 - k);
            z[k] = (rank + k) % 3 == 0;
            i[k] = rank * 100_000 + k;
            l[k] = (long) rank << 40 | k;
            f[k] = rank + k / 4f;
            d[k] = rank * 1e9 + k / 8.0;
        }
        Object[] sends = {b, c, s, z, i, l, f, d};
        Datatype[] types = {MPI.BYTE, MPI.CHAR, MPI.SHORT, MPI.BOOLEAN, MPI.INT, MPI.LONG, MPI.FLOAT, MPI.DOUBLE};
        for (int t = 0; t < types.length; t++) {
            Object expected = expectedFrom(prev, types[t], n);
            Object got = java.lang.reflect.Array.newInstance(sends[t].getClass().getComponentType(), n);
            if (rank % 2 == 0) {
                world.send(sends[t], n, types[t], next, t);
                Status st = world.recv(got, n, types[t], prev, t);
                Check.equal(n, st.getCount(types[t]), "count of " + types[t]);
            } else {
                Status st = world.recv(got, n, types[t], prev, t);
                world.send(sends[t], n, types[t], next, t);
                Check.equal(prev, st.getSource(), "source of " + types[t]);
            }
            Check.equal(expected, got, "ring of " + types[t]);
        }

        // direct buffers, typed views and slices; a message shorter than the buffer
        IntBuffer ib = MPI.newIntBuffer(50);
        DoubleBuffer db = MPI.newDoubleBuffer(20);
        if (rank == 0) {
            for (int k = 0; k < 50; k++) {
                ib.put(k, k * k);
            }
            for (int peer = 1; peer < size; peer++) {
                world.send(MPI.slice(ib, 10), 30, MPI.INT, peer, 1);
                world.send(new double[] {1.5, 2.5, 3.5}, 3, MPI.DOUBLE, peer, 2);
            }
        } else {
            IntBuffer into = MPI.newIntBuffer(40);
            Status st = world.recv(into, 40, MPI.INT, 0, 1);
            Check.equal(30, st.getCount(MPI.INT), "partial receive count");
            Check.equal(120, st.getElements(MPI.BYTE), "elements as bytes");
            for (int k = 0; k < 30; k++) {
                Check.equal((k + 10) * (k + 10), into.get(k), "sliced int " + k);
            }
            Check.equal(0, into.get(30), "beyond the message");
            Status sd = world.recv(db, 20, MPI.DOUBLE, 0, 2);
            Check.equal(3, sd.getCount(MPI.DOUBLE), "double count");
            Check.equal(2.5, db.get(1), "double buffer");
        }

        // a ByteBuffer carries any type; heap typed buffers with an offset
        ByteBuffer raw = MPI.newByteBuffer(8 * 4);
        if (rank == 0) {
            long[] values = {-1L, Long.MAX_VALUE, 42L, Long.MIN_VALUE};
            for (int peer = 1; peer < size; peer++) {
                world.send(values, 4, MPI.LONG, peer, 3);
                world.send(MPI.slice(new short[] {9, 8, 7, 6, 5}, 2), 3, MPI.SHORT, peer, 4);
                world.send("hello".toCharArray(), 5, MPI.CHAR, peer, 5);
            }
        } else {
            world.recv(raw, 4, MPI.LONG, 0, 3);
            Check.equal(Long.MAX_VALUE, raw.getLong(8), "long via ByteBuffer");
            Check.equal(Long.MIN_VALUE, raw.getLong(24), "long via ByteBuffer");
            ShortBuffer sb = ShortBuffer.wrap(new short[6], 1, 5).slice();
            world.recv(sb, 3, MPI.SHORT, 0, 4);
            Check.equal(7, sb.get(0), "heap slice");
            Check.equal(5, sb.get(2), "heap slice");
            CharBuffer cb = MPI.newCharBuffer(5);
            world.recv(cb, 5, MPI.CHAR, 0, 5);
            Check.equal("hello", cb.toString(), "chars");
        }

        // PACKED bytes, float and short direct buffers, sizes of the pair types
        ByteBuffer packed = MPI.newByteBuffer(6);
        java.nio.FloatBuffer fb = MPI.newFloatBuffer(2);
        ShortBuffer shb = MPI.newShortBuffer(3);
        if (rank == 0) {
            for (int peer = 1; peer < size; peer++) {
                world.send(new byte[] {1, 2, 3, 4, 5, 6}, 6, MPI.PACKED, peer, 12);
                world.send(new float[] {0.25f, -8}, 2, MPI.FLOAT, peer, 13);
                world.send(new short[] {-1, 2, -3}, 3, MPI.SHORT, peer, 14);
            }
        } else {
            Status ps = world.recv(packed, 6, MPI.PACKED, 0, 12);
            Check.equal(6, ps.getCount(MPI.PACKED), "PACKED count");
            Check.equal(6, packed.get(5), "PACKED data");
            world.recv(fb, 2, MPI.FLOAT, 0, 13);
            Check.equal(-8.0, fb.get(1), "FloatBuffer");
            world.recv(shb, 3, MPI.SHORT, 0, 14);
            Check.equal(-3, shb.get(2), "ShortBuffer");
        }
        Check.equal(16, MPI.DOUBLE_INT.getExtent(), "DOUBLE_INT extent in bytes");
        Check.equal(12, MPI.DOUBLE_INT.getSize(), "DOUBLE_INT size in bytes");
        Check.equal(2, MPI.DOUBLE_COMPLEX.getExtent(), "DOUBLE_COMPLEX extent in doubles");
        Check.equal(1, MPI.INT.getSize(), "INT size");

        // wildcards: everyone sends rank 0 a message with tag 100 + rank, in any order
        if (rank == 0) {
            boolean[] seen = new boolean[size];
            for (int k = 1; k < size; k++) {
                Status probed = world.probe(MPI.ANY_SOURCE, MPI.ANY_TAG);
                int count = probed.getCount(MPI.INT);
                int[] got = new int[count];
                Status st = world.recv(got, count, MPI.INT, probed.getSource(), MPI.ANY_TAG);
                Check.equal(probed.getSource(), st.getSource(), "probe and recv agree on the source");
                Check.equal(100 + st.getSource(), st.getTag(), "tag of a wildcard receive");
                Check.equal(st.getSource() + 1, count, "length of a wildcard message");
                Check.isTrue(!seen[st.getSource()], "source " + st.getSource() + " received twice");
                seen[st.getSource()] = true;
                for (int v : got) {
                    Check.equal(st.getSource(), v, "wildcard payload");
                }
            }
            Check.isTrue(world.iProbe(MPI.ANY_SOURCE, MPI.ANY_TAG) == null, "iProbe with nothing pending");
        } else {
            int[] payload = new int[rank + 1];
            java.util.Arrays.fill(payload, rank);
            world.send(payload, payload.length, MPI.INT, 0, 100 + rank);
        }
        world.barrier();

        // iProbe sees a message that has arrived; ANY_SOURCE with a fixed tag
        if (rank == 1 % size && size > 1) {
            world.send(new int[] {7}, 1, MPI.INT, 0, 77);
        }
        if (rank == 0 && size > 1) {
            Status st;
            do {
                st = world.iProbe(MPI.ANY_SOURCE, 77);
            } while (st == null);
            Check.equal(1, st.getSource(), "iProbe source");
            int[] seven = new int[1];
            world.recv(seven, 1, MPI.INT, MPI.ANY_SOURCE, 77);
            Check.equal(7, seven[0], "iProbe then recv");
        }

        // sendRecv and sendRecvReplace around the ring; the modes
        int[] mine = {rank, rank * 2};
        int[] theirs = new int[2];
        Status sr = world.sendRecv(mine, 2, MPI.INT, next, 5, theirs, 2, MPI.INT, prev, 5);
        Check.equal(new int[] {prev, prev * 2}, theirs, "sendRecv");
        Check.equal(prev, sr.getSource(), "sendRecv source");
        double[] pass = {rank, -rank};
        world.sendRecvReplace(pass, 2, MPI.DOUBLE, next, 6, MPI.ANY_SOURCE, 6);
        Check.equal(new double[] {prev, -prev}, pass, "sendRecvReplace");
        world.bSend(mine, 1, MPI.INT, next, 7);
        world.sSend(mine, 1, MPI.INT, next, 8);
        world.rSend(mine, 1, MPI.INT, next, 9);
        int[] one = new int[1];
        for (int tag = 7; tag <= 9; tag++) {
            world.recv(one, 1, MPI.INT, prev, tag);
            Check.equal(prev, one[0], "send mode " + tag);
        }

        // PROC_NULL: nothing happens, the status says so
        world.send(mine, 2, MPI.INT, MPI.PROC_NULL, 0);
        Status none = world.recv(theirs, 2, MPI.INT, MPI.PROC_NULL, 0);
        Check.equal(MPI.ANY_SOURCE, none.getSource(), "PROC_NULL source");
        Check.equal(0, none.getCount(MPI.INT), "PROC_NULL count");
        Status half = world.sendRecv(mine, 2, MPI.INT, next, 10, theirs, 2, MPI.INT, MPI.PROC_NULL, 10);
        Check.equal(0, half.getCount(MPI.INT), "sendRecv from PROC_NULL");
        world.recv(theirs, 2, MPI.INT, prev, 10);

        // errors, returned as exceptions
        world.setErrhandler(MPI.ERRORS_RETURN);
        Check.isTrue(world.getErrhandler() == MPI.ERRORS_RETURN, "getErrhandler");
        Check.fails(MPI.ERR_RANK, "send to rank size", () -> world.send(mine, 1, MPI.INT, size, 0));
        Check.fails(MPI.ERR_TAG, "negative tag", () -> world.send(mine, 1, MPI.INT, next, -5));
        Check.fails(MPI.ERR_BUFFER, "double[] as INT", () -> world.send(new double[2], 2, MPI.INT, next, 0));
        Check.fails(MPI.ERR_BUFFER, "count beyond the buffer", () -> world.send(mine, 3, MPI.INT, next, 0));
        Check.fails(MPI.ERR_COUNT, "negative count", () -> world.send(mine, -1, MPI.INT, next, 0));
        world.send(new int[] {1, 2, 3, 4}, 4, MPI.INT, next, 11);
        int[] small = {-1, -1};
        MPIException truncated = Check.fails(MPI.ERR_TRUNCATE, "longer message than buffer",
                () -> world.recv(small, 2, MPI.INT, prev, 11));
        Check.isTrue(truncated.getMessage().contains("16") && truncated.getMessage().contains("8"),
                "truncation names both sizes: " + truncated.getMessage());
        Check.equal(new int[] {-1, -1}, small, "a truncated receive writes nothing");
        Check.equal(MPI.ERR_TRUNCATE, truncated.getErrorCode(), "error code of a truncation");
        world.setErrhandler(MPI.ERRORS_ARE_FATAL);

        Check.done("PointToPoint");
        MPI.Finalize();
    }

    static Object expectedFrom(int r, Datatype t, int n) {
        Object a;
        if (t == MPI.BYTE) {
            byte[] v = new byte[n];
            for (int k = 0; k < n; k++) {
                v[k] = (byte) (r * 7 + k);
            }
            a = v;
        } else if (t == MPI.CHAR) {
            char[] v = new char[n];
            for (int k = 0; k < n; k++) {
                v[k] = (char) ('a' + (r + k) % 26);
            }
            a = v;
        } else if (t == MPI.SHORT) {
            short[] v = new short[n];
            for (int k = 0; k < n; k++) {
                v[k] = (short) (r * 1000 - k);
            }
            a = v;
        } else if (t == MPI.BOOLEAN) {
            boolean[] v = new boolean[n];
            for (int k = 0; k < n; k++) {
                v[k] = (r + k) % 3 == 0;
            }
            a = v;
        } else if (t == MPI.INT) {
            int[] v = new int[n];
            for (int k = 0; k < n; k++) {
                v[k] = r * 100_000 + k;
            }
            a = v;
        } else if (t == MPI.LONG) {
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                v[k] = (long) r << 40 | k;
            }
            a = v;
        } else if (t == MPI.FLOAT) {
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                v[k] = r + k / 4f;
            }
            a = v;
        } else {
            double[] v = new double[n];
            for (int k = 0; k < n; k++) {
                v[k] = r * 1e9 + k / 8.0;
            }
            a = v;
        }
        return a;
    }
}

package mpitest;

import java.nio.ByteBuffer;
import mpi.Datatype;
import mpi.DoubleComplex;
import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Op;
import mpi.UserFunction;

/** Every predefined operator on every type it applies to, MINLOC/MAXLOC over each pair type, complex numbers, user operators. */
public final class Reductions {
    private Reductions() {
    }

    private static final Op[] INTEGER_OPS = {MPI.SUM, MPI.PROD, MPI.MIN, MPI.MAX, MPI.BAND, MPI.BOR, MPI.BXOR,
        MPI.LAND, MPI.LOR, MPI.LXOR};

    static long apply(Op op, long a, long b) {
        if (op == MPI.SUM) {
            return a + b;
        } else if (op == MPI.PROD) {
            return a * b;
        } else if (op == MPI.MIN) {
            return Math.min(a, b);
        } else if (op == MPI.MAX) {
            return Math.max(a, b);
        } else if (op == MPI.BAND) {
            return a & b;
        } else if (op == MPI.BOR) {
            return a | b;
        } else if (op == MPI.BXOR) {
            return a ^ b;
        } else if (op == MPI.LAND) {
            return a != 0 && b != 0 ? 1 : 0;
        } else if (op == MPI.LOR) {
            return a != 0 || b != 0 ? 1 : 0;
        }
        return (a != 0) != (b != 0) ? 1 : 0;
    }

    static long value(int rank, int k, boolean unsigned) {
        long v = (rank * 3L + k) % 5 - (unsigned ? 0 : 1);
        return k % 7 == 6 ? v * 40 : v;
    }

    static long narrow(Datatype t, long v) {
        if (t == MPI.BYTE) {
            return (byte) v;
        } else if (t == MPI.SHORT) {
            return (short) v;
        } else if (t == MPI.CHAR) {
            return (char) v;
        } else if (t == MPI.INT) {
            return (int) v;
        }
        return v;
    }

    static Object array(Datatype t, int n, java.util.function.IntToLongFunction f) {
        Object a = t == MPI.BYTE ? new byte[n] : t == MPI.SHORT ? new short[n] : t == MPI.CHAR ? new char[n]
                : t == MPI.INT ? new int[n] : new long[n];
        for (int k = 0; k < n; k++) {
            long v = f.applyAsLong(k);
            if (a instanceof byte[]) {
                ((byte[]) a)[k] = (byte) v;
            } else if (a instanceof short[]) {
                ((short[]) a)[k] = (short) v;
            } else if (a instanceof char[]) {
                ((char[]) a)[k] = (char) v;
            } else if (a instanceof int[]) {
                ((int[]) a)[k] = (int) v;
            } else {
                ((long[]) a)[k] = v;
            }
        }
        return a;
    }

    public static void main(String[] args) throws MPIException {
        MPI.Init(args);
        Intracomm world = MPI.COMM_WORLD;
        int r = world.getRank();
        int p = world.getSize();
        int n = 21;

        // integer types x integer operators (allReduce, and reduce to the last rank)
        for (Datatype t : new Datatype[] {MPI.BYTE, MPI.SHORT, MPI.CHAR, MPI.INT, MPI.LONG}) {
            boolean unsigned = t == MPI.CHAR;
            for (Op op : INTEGER_OPS) {
                Object mine = array(t, n, k -> value(r, k, unsigned));
                Object expected = array(t, n, k -> {
                    long acc = narrow(t, value(0, k, unsigned));
                    for (int i = 1; i < p; i++) {
                        acc = narrow(t, apply(op, acc, narrow(t, value(i, k, unsigned))));
                    }
                    return acc;
                });
                Object got = array(t, n, k -> 0);
                world.allReduce(mine, got, n, t, op);
                Check.equal(expected, got, "allReduce " + op + " over " + t);
                Object atRoot = array(t, n, k -> 0);
                world.reduce(mine, atRoot, n, t, op, p - 1);
                if (r == p - 1) {
                    Check.equal(expected, atRoot, "reduce " + op + " over " + t);
                }
            }
        }

        // floating types: values exact in any order
        float[] fMine = {r + 0.5f, -r, 1 + r % 2};
        double[] dMine = {r + 0.5, -r, 1 + r % 2};
        float[] fOut = new float[3];
        double[] dOut = new double[3];
        double sum0 = p * (p - 1) / 2.0 + 0.5 * p;
        world.allReduce(fMine, fOut, 3, MPI.FLOAT, MPI.SUM);
        world.allReduce(dMine, dOut, 3, MPI.DOUBLE, MPI.SUM);
        Check.equal(sum0, fOut[0], "FLOAT SUM");
        Check.equal(sum0, dOut[0], "DOUBLE SUM");
        world.allReduce(dMine, dOut, 3, MPI.DOUBLE, MPI.PROD);
        Check.equal(Math.pow(2, p / 2), dOut[2], "DOUBLE PROD");
        world.allReduce(fMine, fOut, 3, MPI.FLOAT, MPI.MIN);
        Check.equal(-(p - 1), fOut[1], "FLOAT MIN");
        world.allReduce(fMine, fOut, 3, MPI.FLOAT, MPI.MAX);
        Check.equal(p - 0.5, fOut[0], "FLOAT MAX");

        // booleans: LAND, LOR, LXOR
        boolean[] flags = {true, r == 0, r % 2 == 1, false};
        boolean[] fl = new boolean[4];
        world.allReduce(flags, fl, 4, MPI.BOOLEAN, MPI.LAND);
        Check.equal(new boolean[] {true, p == 1, false, false}, fl, "BOOLEAN LAND");
        world.allReduce(flags, fl, 4, MPI.BOOLEAN, MPI.LOR);
        Check.equal(new boolean[] {true, true, p > 1, false}, fl, "BOOLEAN LOR");
        world.allReduce(flags, fl, 4, MPI.BOOLEAN, MPI.LXOR);
        Check.equal(new boolean[] {p % 2 == 1, true, (p / 2) % 2 == 1, false}, fl, "BOOLEAN LXOR");

        // MINLOC / MAXLOC over every pair type, in byte buffers through the struct accessors
        int items = 4;
        for (Datatype t : new Datatype[] {MPI.INT2, MPI.SHORT_INT, MPI.LONG_INT, MPI.FLOAT_INT, MPI.DOUBLE_INT}) {
            int extent = t.getExtent();
            for (Op op : new Op[] {MPI.MINLOC, MPI.MAXLOC}) {
                ByteBuffer in = MPI.newByteBuffer(items * extent);
                ByteBuffer out = MPI.newByteBuffer(items * extent);
                for (int k = 0; k < items; k++) {
                    put(t, in, k, (r * 5 + k) % 3, r);
                }
                world.allReduce(in, out, items, t, op);
                for (int k = 0; k < items; k++) {
                    long best = op == MPI.MINLOC ? Long.MAX_VALUE : Long.MIN_VALUE;
                    int where = -1;
                    for (int i = 0; i < p; i++) {
                        long v = (i * 5 + k) % 3;
                        if (op == MPI.MINLOC ? v < best : v > best) {
                            best = v;
                            where = i;
                        }
                    }
                    Check.equal(best, value(t, out, k), op + " value over " + t + " item " + k);
                    Check.equal(where, index(t, out, k), op + " index over " + t + " item " + k);
                }
            }
        }
        int[] pairs = {10 - r, r, r * r, r};
        int[] best = new int[4];
        world.allReduce(pairs, best, 2, MPI.INT2, MPI.MINLOC);
        Check.equal(new int[] {10 - (p - 1), p - 1, 0, 0}, best, "MINLOC over INT2 in an int[]");

        // complex numbers: SUM and PROD of (1 + r i), exact in doubles and floats
        double[] z = {1, r};
        double[] zs = new double[2];
        world.allReduce(z, zs, 1, MPI.DOUBLE_COMPLEX, MPI.SUM);
        Check.equal(new double[] {p, p * (p - 1) / 2.0}, zs, "DOUBLE_COMPLEX SUM");
        double re = 1;
        double im = 0;
        for (int i = 0; i < p; i++) {
            double nr = re - im * i;
            im = re * i + im;
            re = nr;
        }
        world.allReduce(z, zs, 1, MPI.DOUBLE_COMPLEX, MPI.PROD);
        DoubleComplex product = DoubleComplex.get(zs, 0);
        Check.equal(re, product.getReal(), "DOUBLE_COMPLEX PROD real");
        Check.equal(im, product.getImag(), "DOUBLE_COMPLEX PROD imaginary");
        float[] fz = new float[2];
        world.allReduce(new float[] {1, r}, fz, 1, MPI.FLOAT_COMPLEX, MPI.PROD);
        Check.equal(re, fz[0], "FLOAT_COMPLEX PROD real");

        // REPLACE keeps the highest rank's value, NO_OP the lowest's
        int[] rep = new int[1];
        world.allReduce(new int[] {r + 100}, rep, 1, MPI.INT, MPI.REPLACE);
        Check.equal(p - 1 + 100, rep[0], "REPLACE");
        world.allReduce(new int[] {r + 100}, rep, 1, MPI.INT, MPI.NO_OP);
        Check.equal(100, rep[0], "NO_OP");

        // a non-commutative user operator: 2x2 integer matrices multiplied in rank order, 3000 of them
        // (large enough for the bandwidth-optimal algorithm, which must cut only between matrices)
        Op matmul = new Op(new UserFunction() {
            @Override
            public void call(Object inVec, Object inOutVec, int count, Datatype type) {
                int[] a = (int[]) inVec;
                int[] b = (int[]) inOutVec;
                for (int m = 0; m < count; m++) {
                    int o = 4 * m;
                    int c0 = a[o] * b[o] + a[o + 1] * b[o + 2];
                    int c1 = a[o] * b[o + 1] + a[o + 1] * b[o + 3];
                    int c2 = a[o + 2] * b[o] + a[o + 3] * b[o + 2];
                    int c3 = a[o + 2] * b[o + 1] + a[o + 3] * b[o + 3];
                    b[o] = c0;
                    b[o + 1] = c1;
                    b[o + 2] = c2;
                    b[o + 3] = c3;
                }
            }
        }, false);
        Check.isTrue(!matmul.isCommutative(), "isCommutative");
        Datatype matrix = Datatype.createContiguous(4, MPI.INT);
        Check.equal(4, matrix.getExtent(), "contiguous extent");
        int count = 3000;
        int[] mats = new int[4 * count];
        int[][] expected = new int[count][];
        for (int m = 0; m < count; m++) {
            System.arraycopy(matrixOf(r, m), 0, mats, 4 * m, 4);
            int[] acc = matrixOf(0, m);
            for (int i = 1; i < p; i++) {
                acc = multiply(acc, matrixOf(i, m));
            }
            expected[m] = acc;
        }
        int[] prodOut = new int[4 * count];
        world.allReduce(mats, prodOut, count, matrix, matmul);
        int[] scanOut = new int[4 * count];
        world.scan(mats, scanOut, count, matrix, matmul);
        for (int m = 0; m < count; m++) {
            Check.equal(expected[m], java.util.Arrays.copyOfRange(prodOut, 4 * m, 4 * m + 4),
                    "non-commutative user op, matrix " + m);
            int[] acc = matrixOf(0, m);
            for (int i = 1; i <= r; i++) {
                acc = multiply(acc, matrixOf(i, m));
            }
            Check.equal(acc, java.util.Arrays.copyOfRange(scanOut, 4 * m, 4 * m + 4), "scan with a user op, " + m);
        }

        // a user operator written against the ByteBuffer form (native order), on doubles
        Op absMax = new Op(new UserFunction() {
            @Override
            public void call(ByteBuffer in, ByteBuffer inOut, int cnt, Datatype type) {
                for (int k = 0; k < cnt; k++) {
                    inOut.putDouble(8 * k, Math.max(Math.abs(in.getDouble(8 * k)), Math.abs(inOut.getDouble(8 * k))));
                }
            }
        }, true);
        double[] am = new double[2];
        world.allReduce(new double[] {-r, r % 2 == 0 ? -0.5 : 0.25}, am, 2, MPI.DOUBLE, absMax);
        Check.equal(new double[] {p - 1, 0.5}, am, "ByteBuffer user op");

        // a user operator on booleans gets boolean[] (equality is associative and commutative)
        Op same = new Op(new UserFunction() {
            @Override
            public void call(Object inVec, Object inOutVec, int cnt, Datatype type) {
                boolean[] a = (boolean[]) inVec;
                boolean[] b = (boolean[]) inOutVec;
                for (int k = 0; k < cnt; k++) {
                    b[k] = a[k] == b[k];
                }
            }
        }, true);
        boolean[] eq = new boolean[1];
        world.allReduce(new boolean[] {r % 2 == 0}, eq, 1, MPI.BOOLEAN, same);
        boolean acc = true;
        for (int i = 1; i < p; i++) {
            acc = acc == (i % 2 == 0);
        }
        Check.equal(new boolean[] {acc}, eq, "boolean user op");

        directBuffers(world, r, p);

        // operators MPI does not define for a type
        world.setErrhandler(MPI.ERRORS_RETURN);
        Check.fails(MPI.ERR_OP, "MINLOC over INT", () -> world.allReduce(new int[1], new int[1], 1, MPI.INT, MPI.MINLOC));
        Check.fails(MPI.ERR_OP, "LAND over FLOAT", () -> world.allReduce(fMine, fOut, 3, MPI.FLOAT, MPI.LAND));
        Check.fails(MPI.ERR_OP, "SUM over BOOLEAN", () -> world.allReduce(flags, fl, 4, MPI.BOOLEAN, MPI.SUM));
        Check.fails(MPI.ERR_OP, "MAX over DOUBLE_COMPLEX", () -> world.allReduce(z, zs, 1, MPI.DOUBLE_COMPLEX, MPI.MAX));
        Op freed = new Op(new UserFunction() {
        }, true);
        freed.free();
        Check.isTrue(freed.isNull(), "a freed op is null");
        Check.fails(MPI.ERR_OP, "a freed op", () -> world.allReduce(new int[1], new int[1], 1, MPI.INT, freed));
        Check.done("Reductions");
        MPI.Finalize();
    }

    /**
     * Direct buffers (reduced without copies into arrays): MPI.newDoubleBuffer and newLongBuffer, a
     * slice of one, a raw direct ByteBuffer of doubles; small and large (the halving), in place,
     * reduce to the last rank, non-blocking; a count shorter than the buffer leaves the rest alone.
     */
    static void directBuffers(Intracomm world, int r, int p) throws MPIException {
        for (int n : new int[] {5, 100_003}) {
            java.nio.DoubleBuffer mine = MPI.newDoubleBuffer(n + 2);
            java.nio.DoubleBuffer sum = MPI.newDoubleBuffer(n + 2);
            for (int k = 0; k < n + 2; k++) {
                mine.put(k, k * (r + 1));
                sum.put(k, -7);
            }
            world.allReduce(mine, sum, n, MPI.DOUBLE, MPI.SUM);
            for (int k = 0; k < n; k++) {
                if (sum.get(k) != (double) k * p * (p + 1) / 2) {
                    Check.equal((double) k * p * (p + 1) / 2, sum.get(k), "allReduce of a DoubleBuffer, " + n + ", element " + k);
                }
            }
            Check.equal(-7.0, sum.get(n), "allReduce of " + n + " doubles wrote past them");
            // in place on a slice from element 1, non-blocking
            java.nio.DoubleBuffer part = MPI.slice(mine, 1);
            world.iAllReduce(part, n, MPI.DOUBLE, MPI.MAX).waitFor();
            for (int k = 0; k < n; k++) {
                if (part.get(k) != (k + 1.0) * p) {
                    Check.equal((k + 1.0) * p, part.get(k), "in-place iAllReduce MAX of a slice, " + n + ", element " + k);
                }
            }
            Check.equal(0.0, mine.get(0), "the in-place allReduce of a slice touched the element before it");
            java.nio.LongBuffer longs = MPI.newLongBuffer(n);
            java.nio.LongBuffer atRoot = MPI.newLongBuffer(n);
            for (int k = 0; k < n; k++) {
                longs.put(k, k + r);
            }
            world.reduce(longs, atRoot, n, MPI.LONG, MPI.MIN, p - 1);
            if (r == p - 1) {
                for (int k = 0; k < n; k++) {
                    if (atRoot.get(k) != k) {
                        Check.equal(k, atRoot.get(k), "reduce MIN of a LongBuffer, " + n + ", element " + k);
                    }
                }
            }
            ByteBuffer raw = MPI.newByteBuffer(8 * n);
            ByteBuffer rawSum = MPI.newByteBuffer(8 * n);
            for (int k = 0; k < n; k++) {
                raw.putDouble(8 * k, r + 0.5);
            }
            world.allReduce(raw, rawSum, n, MPI.DOUBLE, MPI.PROD);
            double product = 1;
            for (int i = 0; i < p; i++) {
                product *= i + 0.5;
            }
            Check.equal(product, rawSum.getDouble(8 * (n - 1)), "allReduce PROD of a direct ByteBuffer, " + n);
        }
    }

    static int[] matrixOf(int rank, int m) {
        return new int[] {1 + (rank + m) % 3, rank + 1, m % 5, 1};
    }

    static int[] multiply(int[] a, int[] b) {
        return new int[] {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3]};
    }

    static void put(Datatype t, ByteBuffer b, int k, int value, int index) {
        if (t == MPI.INT2) {
            MPI.int2.getData(b, k).putValue(value);
            MPI.int2.getData(b, k).putIndex(index);
        } else if (t == MPI.SHORT_INT) {
            MPI.shortInt.getData(b, k).putValue((short) value);
            MPI.shortInt.getData(b, k).putIndex(index);
        } else if (t == MPI.LONG_INT) {
            MPI.longInt.getData(b, k).putValue(value);
            MPI.longInt.getData(b, k).putIndex(index);
        } else if (t == MPI.FLOAT_INT) {
            MPI.floatInt.getData(b, k).putValue(value);
            MPI.floatInt.getData(b, k).putIndex(index);
        } else {
            MPI.doubleInt.getData(b, k).putValue(value);
            MPI.doubleInt.getData(b, k).putIndex(index);
        }
    }

    static long value(Datatype t, ByteBuffer b, int k) {
        if (t == MPI.INT2) {
            return MPI.int2.getData(b, k).getValue();
        } else if (t == MPI.SHORT_INT) {
            return MPI.shortInt.getData(b, k).getValue();
        } else if (t == MPI.LONG_INT) {
            return MPI.longInt.getData(b, k).getValue();
        } else if (t == MPI.FLOAT_INT) {
            return (long) MPI.floatInt.getData(b, k).getValue();
        }
        return (long) MPI.doubleInt.getData(b, k).getValue();
    }

    static int index(Datatype t, ByteBuffer b, int k) {
        if (t == MPI.INT2) {
            return MPI.int2.getData(b, k).getIndex();
        } else if (t == MPI.SHORT_INT) {
            return MPI.shortInt.getData(b, k).getIndex();
        } else if (t == MPI.LONG_INT) {
            return MPI.longInt.getData(b, k).getIndex();
        } else if (t == MPI.FLOAT_INT) {
            return MPI.floatInt.getData(b, k).getIndex();
        }
        return MPI.doubleInt.getData(b, k).getIndex();
    }
}

package mpitest;

import java.util.Arrays;
import mpi.MPI;
import mpi.MPIException;

/**
 * The checks of the regression programs, in the manner of MPI test suites: a failed check prints
 * what was expected and what was found, with the rank, and aborts the job with status 1.
 */
final class Check {
    private Check() {
    }

    static int rank() {
        try {
            return MPI.COMM_WORLD.getRank();
        } catch (MPIException e) {
            return -1;
        }
    }

    static void fail(String what) {
        System.err.println("FAILED on rank " + rank() + ": " + what);
        System.err.flush();
        try {
            MPI.COMM_WORLD.abort(1);
        } catch (MPIException e) {
            Runtime.getRuntime().halt(1);
        }
    }

    static void isTrue(boolean condition, String what) {
        if (!condition) {
            fail(what);
        }
    }

    static void equal(long expected, long actual, String what) {
        if (expected != actual) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }

    static void equal(double expected, double actual, String what) {
        if (Double.compare(expected, actual) != 0) {
            fail(what + ": expected " + expected + ", got " + actual);
        }
    }

    static void equal(Object expected, Object actual, String what) {
        boolean same = expected instanceof int[] ? Arrays.equals((int[]) expected, (int[]) actual)
                : expected instanceof long[] ? Arrays.equals((long[]) expected, (long[]) actual)
                : expected instanceof double[] ? Arrays.equals((double[]) expected, (double[]) actual)
                : expected instanceof float[] ? Arrays.equals((float[]) expected, (float[]) actual)
                : expected instanceof byte[] ? Arrays.equals((byte[]) expected, (byte[]) actual)
                : expected instanceof short[] ? Arrays.equals((short[]) expected, (short[]) actual)
                : expected instanceof char[] ? Arrays.equals((char[]) expected, (char[]) actual)
                : expected instanceof boolean[] ? Arrays.equals((boolean[]) expected, (boolean[]) actual)
                : java.util.Objects.equals(expected, actual);
        if (!same) {
            fail(what + ": expected " + text(expected) + ", got " + text(actual));
        }
    }

    private static String text(Object o) {
        if (o == null || !o.getClass().isArray()) {
            return String.valueOf(o);
        }
        String s = o instanceof int[] ? Arrays.toString((int[]) o) : o instanceof long[] ? Arrays.toString((long[]) o)
                : o instanceof double[] ? Arrays.toString((double[]) o) : o instanceof float[] ? Arrays.toString((float[]) o)
                : o instanceof byte[] ? Arrays.toString((byte[]) o) : o instanceof short[] ? Arrays.toString((short[]) o)
                : o instanceof char[] ? Arrays.toString((char[]) o) : Arrays.toString((boolean[]) o);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** The body of a check that must fail with an MPIException of {@code errorClass}. */
    interface Failing {
        void run() throws MPIException;
    }

    static MPIException fails(int errorClass, String what, Failing body) {
        try {
            body.run();
        } catch (MPIException e) {
            if (e.getErrorClass() != errorClass) {
                fail(what + ": expected MPIException of class " + errorClass + ", got class " + e.getErrorClass()
                        + ": " + e.getMessage());
            }
            return e;
        }
        fail(what + ": expected an MPIException of class " + errorClass + ", nothing was thrown");
        return null;
    }

    /** Prints the program's success line on rank 0 (the harness looks for it). */
    static void done(String program) throws MPIException {
        if (MPI.COMM_WORLD.getRank() == 0) {
            System.out.println(program + ": all checks passed on " + MPI.COMM_WORLD.getSize() + " ranks");
        }
    }
}

package mpi;

import java.nio.ByteBuffer;

/**
 * A user-defined reduction ({@code MPI_USER_FUNCTION}) for {@link Op#Op(UserFunction, boolean)}.
 * Override one of the two {@code call} forms; both compute {@code inOut[i] = in[i] op inOut[i]}
 * for {@code count} items, where {@code in} holds the lower ranks' contribution.
 *
 * <p>As in Open MPI, reductions call {@link #call(ByteBuffer, ByteBuffer, int, Datatype)} with
 * buffers in native byte order (except for {@code BOOLEAN}, which calls the array form with
 * {@code boolean[]}); its default implementation copies the data into arrays of the base type
 * ({@code int[]} for {@code INT}, {@code double[]} for {@code DOUBLE_COMPLEX}, {@code byte[]} for
 * the pair types), calls {@link #call(Object, Object, int, Datatype)} and copies the result back.
 */
public abstract class UserFunction {
    /**
     * The array form: {@code inOutVec = inVec op inOutVec}, item by item.
     *
     * @param inVec    the lower ranks' values (an array of the datatype's base type)
     * @param inOutVec the other values, overwritten with the result
     * @param count    the number of items
     * @param datatype their datatype
     * @throws MPIException to fail the reduction
     */
    public void call(Object inVec, Object inOutVec, int count, Datatype datatype) throws MPIException {
        throw new UnsupportedOperationException("this UserFunction overrides neither call(Object, Object, int,"
                + " Datatype) nor call(ByteBuffer, ByteBuffer, int, Datatype)");
    }

    /**
     * The buffer form: {@code inOut = in op inOut}, item by item; buffers in native byte order.
     *
     * @param in       the lower ranks' values
     * @param inOut    the other values, overwritten with the result
     * @param count    the number of items
     * @param datatype their datatype
     * @throws MPIException to fail the reduction
     */
    public void call(ByteBuffer in, ByteBuffer inOut, int count, Datatype datatype) throws MPIException {
        int n = count * datatype.extent;
        Object a = Kernels.baseArray(datatype, n);
        Object b = Kernels.baseArray(datatype, n);
        Kernels.readBase(in, a);
        Kernels.readBase(inOut, b);
        call(a, b, count, datatype);
        Kernels.writeBase(b, inOut);
    }
}

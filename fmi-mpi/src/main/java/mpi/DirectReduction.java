package mpi;

import io.fmi.Communicator;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Allreduce and reduce of direct buffers ({@link MPI#newDoubleBuffer} and its kin, or any direct
 * {@code ByteBuffer}) straight through the core's reductions of typed {@code ByteBuffer}s: the
 * core reduces in the receive buffer itself and sends from the send buffer, with no copy into or
 * out of a Java array — Open MPI's Java bindings recommend direct buffers for speed, and here
 * they were copied into arrays and back. Only for {@code INT}, {@code LONG}, {@code FLOAT} and
 * {@code DOUBLE} with {@code SUM}, {@code PROD}, {@code MIN} or {@code MAX} on a little-endian
 * machine; anything else takes the arrays' path.
 */
final class DirectReduction {
    private DirectReduction() {
    }

    /**
     * The call, or null where this path does not apply. {@code send} is the operand's buffer (the
     * receive buffer in place), {@code recv} the result's (null where this rank gets none).
     */
    static Comm.Call of(Communicator c, boolean all, Object send, Object recv, int count, Datatype type, Op operator,
                        io.fmi.Op bound, int root) {
        Class<?> elements = elements(type);
        if (elements == null || count <= 0 || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || !builtIn(operator)) {
            return null;
        }
        int length = count * type.itemBytes();
        ByteBuffer in = bytes(send, length);
        ByteBuffer out = recv == send ? in : recv == null ? null : bytes(recv, length);
        if (in == null || (recv != null && out == null)) {
            return null;
        }
        if (all) {
            return new Comm.Call(() -> c.allreduce(in, out, elements, bound), () -> c.iallreduce(in, out, elements, bound),
                    null);
        }
        return new Comm.Call(() -> c.reduce(in, out, elements, bound, root),
                () -> c.ireduce(in, out, elements, bound, root), null);
    }

    private static Class<?> elements(Datatype type) {
        if (type == MPI.INT) {
            return int.class;
        } else if (type == MPI.LONG) {
            return long.class;
        } else if (type == MPI.FLOAT) {
            return float.class;
        }
        return type == MPI.DOUBLE ? double.class : null;
    }

    private static boolean builtIn(Op op) {
        return op.code == Op.SUM || op.code == Op.PROD || op.code == Op.MIN || op.code == Op.MAX;
    }

    /** The first {@code length} bytes of a direct buffer (little-endian), or null if it is not one. */
    private static ByteBuffer bytes(Object buf, int length) {
        ByteBuffer bytes = buf instanceof ByteBuffer ? (ByteBuffer) buf : buf instanceof Buffer ? Backing.of((Buffer) buf) : null;
        if (bytes == null || !bytes.isDirect()) {
            return null;
        }
        return bytes.duplicate().clear().limit(length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}

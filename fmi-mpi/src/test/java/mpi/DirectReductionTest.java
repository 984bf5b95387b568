package mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;

/**
 * Which reductions skip the arrays (their results are checked on processes by mpitest.Reductions):
 * the typed buffers MPI makes and their slices, direct byte buffers; not heap buffers, arrays,
 * views MPI did not make, other datatypes or operators.
 */
class DirectReductionTest {
    private static Comm.Call call(Object send, Object recv, Datatype type, Op op) {
        return DirectReduction.of(null, true, send, recv, 4, type, op, io.fmi.Op.SUM, 0);
    }

    @Test
    void directBuffersSkipTheArrays() {
        assertNotNull(call(MPI.newDoubleBuffer(4), MPI.newDoubleBuffer(4), MPI.DOUBLE, MPI.SUM));
        assertNotNull(call(MPI.newIntBuffer(4), MPI.newIntBuffer(4), MPI.INT, MPI.MAX));
        assertNotNull(call(MPI.newLongBuffer(4), MPI.newLongBuffer(4), MPI.LONG, MPI.MIN));
        assertNotNull(call(MPI.newFloatBuffer(4), MPI.newFloatBuffer(4), MPI.FLOAT, MPI.PROD));
        assertNotNull(call(MPI.slice(MPI.newDoubleBuffer(9), 5), MPI.newDoubleBuffer(4), MPI.DOUBLE, MPI.SUM));
        assertNotNull(call(MPI.newByteBuffer(32), MPI.newByteBuffer(32), MPI.DOUBLE, MPI.SUM));
        DoubleBuffer both = MPI.newDoubleBuffer(4);
        assertNotNull(call(both, both, MPI.DOUBLE, MPI.SUM));
        // a reduce's other ranks have no result buffer
        assertNotNull(DirectReduction.of(null, false, MPI.newDoubleBuffer(4), null, 4, MPI.DOUBLE, MPI.SUM,
                io.fmi.Op.SUM, 0));
    }

    @Test
    void everythingElseTakesTheArrays() {
        assertNull(call(new double[4], new double[4], MPI.DOUBLE, MPI.SUM));
        assertNull(call(DoubleBuffer.allocate(4), MPI.newDoubleBuffer(4), MPI.DOUBLE, MPI.SUM));
        assertNull(call(MPI.newDoubleBuffer(4), ByteBuffer.allocate(32), MPI.DOUBLE, MPI.SUM));
        assertNull(call(MPI.newDoubleBuffer(4).duplicate(), MPI.newDoubleBuffer(4), MPI.DOUBLE, MPI.SUM));
        assertNull(call(MPI.newIntBuffer(4), MPI.newIntBuffer(4), MPI.INT, MPI.BAND));
        assertNull(call(MPI.newByteBuffer(4), MPI.newByteBuffer(4), MPI.BYTE, MPI.SUM));
        assertNull(call(MPI.newDoubleBuffer(4), MPI.newDoubleBuffer(4), MPI.DOUBLE_COMPLEX, MPI.SUM));
    }

    @Test
    void aSliceViewsTheBytesFromItsFirstElement() {
        DoubleBuffer whole = MPI.newDoubleBuffer(9);
        whole.put(5, 42.0);
        ByteBuffer bytes = Backing.of(MPI.slice(whole, 5));
        assertNotNull(bytes);
        assertTrue(bytes.isDirect());
        assertEquals(42.0, bytes.order(java.nio.ByteOrder.nativeOrder()).getDouble(0));
    }
}

package io.fmi.bench;

import io.fmi.collective.Combiner;
import io.fmi.collective.ElementType;
import io.fmi.collective.ElementwiseCombiner;
import io.fmi.collective.ElementwiseLoops;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a reduction's combiner costs per element against the best plain Java can do: a loop over two
 * {@code double[]}. Large reductions combine in direct buffers (the sockets read into them), small
 * ones in byte arrays; both sum doubles here. Prints the table; asserts nothing about time. Run
 * with {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=CombinerBenchmark}.
 */
@Tag("benchmark")
public class CombinerBenchmark {

    @Test
    void combiningDoublesVersusAPlainLoop() throws Exception {
        Jmh.compare(CombinerBenchmark.class, "Combining doubles (sum), one core", List.of(
                new Jmh.Pair("in direct buffers (large reductions)", "oursDirect", "rawArrays"),
                new Jmh.Pair("in byte arrays (small reductions)", "oursBytes", "rawArrays"),
                new Jmh.Pair("in direct buffers, after MAX, MIN and PROD were used", "oursDirectAfterOtherOps",
                        "rawArrays")),
                "(raw: a[i] += b[i] over two double[]; operands of 32 KiB fit the cache, of 512 KiB do not)");
    }

    /** Two operands of {@code doubles} elements in every form. */
    @State(Scope.Benchmark)
    public static class Operands {
        @Param({"4096", "65536"})
        public int doubles;
        Combiner sum;
        ByteBuffer acc;
        ByteBuffer other;
        byte[] accBytes;
        byte[] otherBytes;
        double[] a;
        double[] b;

        @Setup(Level.Trial)
        public void setUp() {
            sum = ElementwiseCombiner.of(ElementType.DOUBLE, ElementwiseLoops.SUM);
            acc = ByteBuffer.allocateDirect(8 * doubles).order(ByteOrder.LITTLE_ENDIAN);
            other = ByteBuffer.allocateDirect(8 * doubles).order(ByteOrder.LITTLE_ENDIAN);
            a = new double[doubles];
            b = new double[doubles];
            for (int i = 0; i < doubles; i++) {
                b[i] = 1e-9 * i;
                other.putDouble(8 * i, b[i]);
            }
            accBytes = new byte[8 * doubles];
            otherBytes = new byte[8 * doubles];
            other.get(0, otherBytes);
        }
    }

    @Benchmark
    public ByteBuffer oursDirect(Operands o) {
        o.sum.combine(o.acc, 0, o.other, 0, o.doubles, false);
        return o.acc;
    }

    /**
     * The same sum in a JVM that has combined doubles with three other operators first: the JIT
     * compiles a loop for the operators it has seen (each built-in has loops of its own, so a sum
     * stays a compiled sum whatever else the program reduces with).
     */
    @State(Scope.Benchmark)
    public static class AfterOtherOps extends Operands {
        @Setup(Level.Trial)
        public void useOtherOperators() {
            setUp(); // JMH may run this before the inherited setup
            for (ElementwiseLoops loops : new ElementwiseLoops[] {ElementwiseLoops.MAX, ElementwiseLoops.MIN,
                    ElementwiseLoops.PROD}) {
                Combiner op = ElementwiseCombiner.of(ElementType.DOUBLE, loops);
                for (int i = 0; i < 20_000; i++) {
                    op.combine(acc, 0, other, 0, Math.min(doubles, 4096), false);
                }
            }
        }
    }

    @Benchmark
    public ByteBuffer oursDirectAfterOtherOps(AfterOtherOps o) {
        o.sum.combine(o.acc, 0, o.other, 0, o.doubles, false);
        return o.acc;
    }

    @Benchmark
    public byte[] oursBytes(Operands o) {
        o.sum.combine(o.accBytes, 0, o.otherBytes, 0, o.doubles, false);
        return o.accBytes;
    }

    @Benchmark
    public double[] rawArrays(Operands o) {
        double[] a = o.a;
        double[] b = o.b;
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}

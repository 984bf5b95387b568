package io.fmi.bench;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Status;
import io.fmi.config.FmiConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The peers of one communicator as threads, for a JMH benchmark: rank 0 belongs to the benchmark
 * thread ({@link #root()}), every other rank repeats a {@link Step} on a thread of its own until the
 * step says to stop — {@link #close()} makes rank 0 do what stops them ({@code stop}), then joins
 * them and closes every communicator. A failure of a partner is rethrown by {@code close()}.
 */
public final class Partners implements AutoCloseable {
    /** The tag that ends an echo or a sink. */
    public static final int STOP = 999;

    /** One step of a partner; false when the partner should stop. */
    @FunctionalInterface
    public interface Step {
        boolean run(Communicator comm) throws Exception;
    }

    private final Communicator root;
    private final List<CompletableFuture<Void>> partners;
    private final Consumer<Communicator> stop;

    private Partners(Communicator root, List<CompletableFuture<Void>> partners, Consumer<Communicator> stop) {
        this.root = root;
        this.partners = partners;
        this.stop = stop;
    }

    /** Starts {@code size} peers over {@code config}; ranks 1.. repeat {@code step} until it returns false. */
    public static Partners start(FmiConfig config, int size, Step step, Consumer<Communicator> stop) {
        String name = "jmh-" + UUID.randomUUID();
        List<CompletableFuture<Void>> partners = new ArrayList<>();
        for (int rank = 1; rank < size; rank++) {
            int r = rank;
            partners.add(CompletableFuture.runAsync(() -> {
                try (Communicator comm = build(config, name, r, size)) {
                    while (step.run(comm)) {
                        // the step's work is the benchmark's counterpart
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("partner rank " + r + " failed: " + e, e);
                }
            }, runnable -> {
                Thread t = new Thread(runnable, "jmh-partner-" + r);
                t.setDaemon(true);
                t.start();
            }));
        }
        return new Partners(build(config, name, 0, size), partners, stop);
    }

    private static Communicator build(FmiConfig config, String name, int rank, int size) {
        return Communicator.builder().rank(rank).size(size).name(name).config(config).timeout(Duration.ofMinutes(2)).build();
    }

    /** Rank 1 echoes every message back to rank 0 until one with tag {@link #STOP}. */
    public static Partners echo(FmiConfig config, int maxBytes) {
        byte[] buf = new byte[maxBytes];
        return start(config, 2, comm -> {
            Status s = comm.recv(buf, 0, Communicator.ANY_TAG);
            if (s.tag() == STOP) {
                return false;
            }
            comm.send(ByteBuffer.wrap(buf, 0, s.bytes()), 0);
            return true;
        }, Partners::sendStop);
    }

    /** Rank 1 receives {@code window} messages, then acknowledges with one byte, until a {@link #STOP}. */
    public static Partners sink(FmiConfig config, int bytes, int window) {
        byte[] buf = new byte[bytes];
        byte[] ack = new byte[1];
        return start(config, 2, comm -> {
            if (comm.recv(buf, 0, Communicator.ANY_TAG).tag() == STOP) {
                return false;
            }
            for (int i = 1; i < window; i++) {
                comm.recv(buf, 0);
            }
            comm.send(ack, 0);
            return true;
        }, Partners::sendStop);
    }

    /** Ranks 1.. sum {@code doubles} zeros with rank 0 until rank 0 contributes a NaN. */
    public static Partners allreduce(FmiConfig config, int size, int doubles) {
        double[] in = new double[doubles];
        double[] out = new double[doubles];
        return start(config, size, comm -> {
            comm.allreduce(in, out, Op.SUM);
            return !Double.isNaN(out[0]);
        }, comm -> {
            double[] last = new double[doubles];
            last[0] = Double.NaN;
            comm.allreduce(last, new double[doubles], Op.SUM);
        });
    }

    private static void sendStop(Communicator comm) {
        comm.send(new byte[0], 1, STOP);
    }

    /**
     * The base of a JMH state of two peers where rank 1 echoes ({@link #echo}); subclasses declare
     * the sizes ({@code @Param}) and call {@link #open} from their {@code @Setup}.
     */
    public abstract static class EchoState {
        Partners peers;
        byte[] buf;

        protected void open(FmiConfig config, int bytes) {
            peers = echo(config, bytes);
            buf = new byte[bytes];
        }

        /** A round trip: rank 0 sends the buffer, rank 1 sends it back. */
        public byte[] roundTrip() {
            peers.root().send(buf, 1);
            peers.root().recv(buf, 1);
            return buf;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            peers.close();
        }
    }

    /**
     * The base of a JMH state of {@link #allreduce} peers; subclasses call {@link #open} from their
     * {@code @Setup}.
     */
    public abstract static class AllreduceState {
        Partners peers;
        double[] in;
        double[] out;

        protected void open(FmiConfig config, int size, int doubles) {
            peers = Partners.allreduce(config, size, doubles);
            in = new double[doubles];
            out = new double[doubles];
        }

        /** Rank 0's part of one allreduce. */
        public double[] once() {
            peers.root().allreduce(in, out, Op.SUM);
            return out;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            peers.close();
        }
    }

    /** Rank 0's communicator. */
    public Communicator root() {
        return root;
    }

    @Override
    public void close() throws Exception {
        try (Communicator c = root) {
            stop.accept(c);
            CompletableFuture.allOf(partners.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        }
    }
}

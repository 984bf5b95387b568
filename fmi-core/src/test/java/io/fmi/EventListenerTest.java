package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.local.LocalPeers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The event listener: what each operation reports, failures, sub-communicators, and the job summary. */
class EventListenerTest {

    /** Records every callback as a line. */
    static final class Recorder implements FmiEventListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void operationStart(OperationEvent e) {
            lines.add("start " + e.operation() + " " + e.channel() + " " + e.bytes() + " #" + e.sequence() + " r"
                    + e.rank() + "/" + e.size() + " " + e.communicator());
        }

        @Override
        public void operationEnd(OperationEvent e, Duration took, Map<String, Long> requests) {
            assertTrue(!took.isNegative());
            lines.add("end " + e.operation() + " " + e.channel() + " " + e.bytes() + " " + requests);
        }

        @Override
        public void operationFailed(OperationEvent e, Duration took, FmiException error) {
            lines.add("failed " + e.operation() + " " + error.getClass().getSimpleName() + " "
                    + (error.getMessage().contains("rank " + e.rank() + " of " + e.size()) ? "with context" : "bare"));
        }

        @Override
        public void closed(String communicator, int rank, boolean root) {
            lines.add("closed " + (root ? "root" : "sub") + " r" + rank);
        }
    }

    @Test
    void everyOperationReportsItsStartEndChannelAndBytesAndFailuresTheirError() {
        LocalHub hub = new LocalHub();
        Recorder[] recorders = {new Recorder(), new Recorder()};
        String name = "events-" + java.util.UUID.randomUUID();
        LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .channel(new LocalChannel(hub)).eventListener(recorders[rank]).build(), comm -> {
                    int other = 1 - comm.rank();
                    comm.send(new long[] {1, 2, 3}, other, 4);
                    comm.recv(new long[3], other, 4);
                    double[] sum = new double[1000];
                    comm.allreduce(new double[1000], sum, Op.SUM);
                    if (comm.rank() == 0) {
                        comm.send(new int[4], 1, 9);
                    } else {
                        assertThrows(MessageSizeException.class, () -> comm.recv(new int[2], 0, 9));
                    }
                    try (Communicator sub = comm.split(0, comm.rank())) {
                        sub.barrier();
                    }
                    return null;
                }, Duration.ofMinutes(1));
        List<String> r1 = recorders[1].lines;
        assertTrue(r1.contains("start send Local 24 #0 r1/2 " + name), r1.toString());
        assertTrue(r1.contains("end send Local 24 {}"), r1.toString());
        assertTrue(r1.contains("start recv Local 24 #0 r1/2 " + name), r1.toString());
        assertTrue(r1.contains("end allreduce Local 8000 {}"), r1.toString());
        assertTrue(r1.contains("failed recv MessageSizeException with context"), r1.toString());
        assertTrue(r1.stream().anyMatch(l -> l.startsWith("start allreduce Local 8000 #1 r1/2")), r1.toString());
        assertTrue(r1.stream().anyMatch(l -> l.startsWith("start barrier") && l.endsWith(name + ".1")),
                "the sub-communicator reports to the same listener: " + r1);
        assertTrue(r1.contains("closed sub r1") && r1.get(r1.size() - 1).equals("closed root r1"), r1.toString());
        long starts = r1.stream().filter(l -> l.startsWith("start")).count();
        long ends = r1.stream().filter(l -> l.startsWith("end") || l.startsWith("failed")).count();
        assertEquals(starts, ends, "every start has its end: " + r1);
    }

    @Test
    void theSummaryAddsUpPerChannelAndOperationAtClose() {
        LocalHub hub = new LocalHub();
        List<String> summaries = new CopyOnWriteArrayList<>();
        String name = "summary-" + java.util.UUID.randomUUID();
        LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .channel(new LocalChannel(hub)).eventListener(FmiEventListener.summary(summaries::add)).build(), comm -> {
                    for (int i = 0; i < 5; i++) {
                        comm.allreduce(new int[256], new int[256], Op.SUM);
                    }
                    comm.bcast(new byte[2048], 0);
                    return null;
                }, Duration.ofMinutes(1));
        assertEquals(2, summaries.size(), summaries.toString());
        String s = summaries.get(0);
        assertTrue(s.contains("FMI summary of '" + name + "'"), s);
        assertTrue(s.matches("(?s).*Local\\s+6 operations \\(0 failed\\), 7\\.0 KiB.*"), s);
        assertTrue(s.matches("(?s).*allreduce\\s+5 x.*") && s.matches("(?s).*bcast\\s+1 x.*"), s);
        assertTrue(s.contains("requests in all: $0.000000"), s);
    }
}

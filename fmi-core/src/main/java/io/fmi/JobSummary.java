package io.fmi;

import io.fmi.model.RequestPrices;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** {@link FmiEventListener#summary}: adds up per channel and per operation, writes it at close. */
final class JobSummary implements FmiEventListener {
    private static final class Tally {
        long operations;
        long failures;
        long bytes;
        long nanos;
        final Map<String, Long> requests = new TreeMap<>();
        long pairings;
        long pairingNanos;
        long relayed;
        long retries;
        long gone;
    }

    private final Consumer<String> out;
    private final Map<String, Tally> channels = new TreeMap<>();
    private final Map<String, Tally> operations = new TreeMap<>();

    JobSummary(Consumer<String> out) {
        this.out = out;
    }

    private void add(OperationEvent e, Duration took, Map<String, Long> requests, boolean failed) {
        synchronized (this) {
            for (Tally t : new Tally[] {channels.computeIfAbsent(e.channel(), k -> new Tally()),
                operations.computeIfAbsent(e.operation(), k -> new Tally())}) {
                t.operations++;
                t.failures += failed ? 1 : 0;
                t.bytes += e.bytes();
                t.nanos += took.toNanos();
            }
            requests.forEach((kind, n) -> channels.get(e.channel()).requests.merge(kind, n, Long::sum));
        }
    }

    @Override
    public void operationEnd(OperationEvent event, Duration took, Map<String, Long> requests) {
        add(event, took, requests, false);
    }

    @Override
    public void operationFailed(OperationEvent event, Duration took, FmiException error) {
        add(event, took, Map.of(), true);
    }

    @Override
    public synchronized void paired(String channel, int rank, int peer, Duration took) {
        Tally t = channels.computeIfAbsent(channel, k -> new Tally());
        t.pairings++;
        t.pairingNanos += took.toNanos();
    }

    @Override
    public synchronized void relayed(String channel, int rank, int peer, String why) {
        channels.computeIfAbsent(channel, k -> new Tally()).relayed++;
    }

    @Override
    public synchronized void retried(String channel, int rank, String request, int attempt, String why) {
        channels.computeIfAbsent(channel, k -> new Tally()).retries++;
    }

    @Override
    public synchronized void peerGone(String channel, int rank, int peer, String why) {
        channels.computeIfAbsent(channel, k -> new Tally()).gone++;
    }

    @Override
    public void closed(String communicator, int rank, boolean root) {
        if (root) {
            out.accept(text(communicator, rank));
        }
    }

    synchronized String text(String communicator, int rank) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("FMI summary of '%s', rank %d:%n", communicator, rank));
        double total = 0;
        for (Map.Entry<String, Tally> c : channels.entrySet()) {
            Tally t = c.getValue();
            double dollars = RequestPrices.dollars(c.getKey(), t.requests);
            total += dollars;
            b.append(String.format("  %-10s %6d operations (%d failed), %s, %.3f s, requests %s, $%.6f", c.getKey(),
                    t.operations, t.failures, bytes(t.bytes), t.nanos / 1e9, t.requests, dollars));
            if (t.pairings > 0) {
                b.append(String.format(", %d pairings in %.3f s", t.pairings, t.pairingNanos / 1e9));
            }
            if (t.relayed > 0) {
                b.append(String.format(", %d relayed by the rendezvous server", t.relayed));
            }
            if (t.retries > 0) {
                b.append(String.format(", %d retried requests", t.retries));
            }
            if (t.gone > 0) {
                b.append(String.format(", %d peers found gone", t.gone));
            }
            b.append(String.format("%n"));
        }
        for (Map.Entry<String, Tally> o : operations.entrySet()) {
            Tally t = o.getValue();
            b.append(String.format("  %-14s %6d x, %.3f s%n", o.getKey(), t.operations, t.nanos / 1e9));
        }
        b.append(String.format("  requests in all: $%.6f", total));
        return b.toString();
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? String.format("%.1f MiB", n / 1048576.0) : n >= 1024 ? String.format("%.1f KiB", n / 1024.0)
                : n + " B";
    }
}

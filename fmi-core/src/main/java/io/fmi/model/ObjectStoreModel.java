package io.fmi.model;

import io.fmi.Operation;

/**
 * The model of the object-store algorithms (upload once, download by every reader; reductions and
 * scans gathered to one peer). A request costs {@code overhead + bytes / bandwidth}; concurrent
 * downloads share {@code bandwidth_multiple} where the backend has one (Redis). Polling backends
 * (S3, DynamoDB) add the expected discovery delay and the expected number of missed polls, from
 * the channel's first and largest polling intervals. Values above {@code item_bytes} (DynamoDB)
 * are split, multiplying requests.
 *
 * <p>Prices: S3 charges {@code upload_price} per PUT and {@code download_price} per GET (misses
 * included); DynamoDB charges write units (per KB written, also for deletes and counter updates)
 * and strongly consistent read units (per 4 KB read, 1 per miss); Redis, with
 * {@code include_infrastructure_costs}, amortises {@code instance_price} per hour over
 * {@code requests_per_hour} requests. Transfer adds {@code transfer_price} per GB.
 */
public final class ObjectStoreModel extends ChannelModel {
    private final double firstPollSeconds;
    private final double maxPollSeconds;

    /**
     * @param firstPollSeconds the channel's first polling interval ({@code timeout})
     * @param maxPollSeconds   its largest polling interval
     */
    public ObjectStoreModel(ModelParameters params, double firstPollSeconds, double maxPollSeconds) {
        super(params);
        this.firstPollSeconds = Math.max(1e-4, firstPollSeconds);
        this.maxPollSeconds = Math.max(this.firstPollSeconds, maxPollSeconds);
    }

    private boolean polling() {
        return params.get("polling", 0) > 0;
    }

    /** A running total of time, requests and dollars. */
    private final class Tally {
        double seconds;
        double requests;
        double dollars;
        double moved;

        private long parts(double bytes) {
            double item = params.get("item_bytes", Double.POSITIVE_INFINITY);
            return Math.max(1, (long) Math.ceil(bytes / item));
        }

        /**
         * Requests of {@code bytes} each: {@code sequential} of them on the critical path, one after
         * the other, and {@code billed} in total over all peers.
         */
        void work(int sequential, long billed, double bytes, boolean write) {
            long parts = parts(bytes);
            seconds += sequential * (parts * params.overheadSeconds() + bytes / params.bandwidth());
            charge(billed * parts, bytes / parts, write);
            moved += billed * bytes;
        }

        /** {@code count} uploads of {@code bytes} by one peer, one after the other. */
        void puts(int count, double bytes) {
            work(count, count, bytes, true);
        }

        /** {@code count} uploads of {@code bytes} by different peers at once. */
        void parallelPuts(int count, double bytes) {
            work(1, count, bytes, true);
        }

        /** {@code count} downloads of {@code bytes} by one peer, one after the other, after waiting {@code waited}. */
        void gets(int count, double bytes, double waited) {
            work(count, count, bytes, false);
            poll(1, waited);
        }

        /** {@code readers} peers downloading the same {@code bytes} at once, after waiting {@code waited}. */
        void concurrentGets(int readers, double bytes, double waited) {
            if (readers <= 0) {
                return;
            }
            long parts = parts(bytes);
            double transfer = Math.max(bytes / params.bandwidth(), readers * bytes / params.aggregateBandwidth());
            seconds += parts * params.overheadSeconds() + transfer;
            charge((long) readers * parts, bytes / parts, false);
            poll(readers, waited);
            moved += readers * bytes;
        }

        /** Expected misses and discovery delay of {@code readers} peers polling through {@code waited} seconds. */
        void poll(int readers, double waited) {
            if (!polling() || waited <= 0) {
                return;
            }
            double interval = firstPollSeconds;
            double elapsed = 0;
            int misses = 0;
            while (elapsed < waited) {
                elapsed += interval;
                misses++;
                interval = Math.min(maxPollSeconds, interval * 1.5);
            }
            seconds += (elapsed - waited) / 2 + interval / 4;
            requests += (double) readers * misses;
            dollars += readers * misses * readPrice(0);
        }

        private void charge(double count, double bytesEach, boolean write) {
            requests += count;
            dollars += count * (write ? writePrice(bytesEach) : readPrice(bytesEach));
        }
    }

    private double writePrice(double bytes) {
        if (params.channel().equals("DynamoDB") || params.get("write_unit_price", 0) > 0) {
            return params.get("write_unit_price", 0) * Math.max(1, Math.ceil(bytes / 1024));
        }
        return params.get("upload_price", 0) + infrastructure();
    }

    private double readPrice(double bytes) {
        if (params.channel().equals("DynamoDB") || params.get("read_unit_price", 0) > 0) {
            return params.get("read_unit_price", 0) * Math.max(1, Math.ceil(bytes / 4096));
        }
        return params.get("download_price", 0) + infrastructure();
    }

    private double infrastructure() {
        return params.get("include_infrastructure_costs", 0) > 0
                ? params.get("instance_price", 0) / Math.max(1, params.get("requests_per_hour", 1000)) : 0;
    }

    @Override
    public Cost cost(Operation op, long size, int peers) {
        int n = peers;
        double b = size;
        Tally t = new Tally();
        switch (op) {
            case SEND:
            case RECV:
                t.puts(1, b);
                t.gets(1, b, t.seconds);
                break;
            case BCAST:
                bcast(t, n, b);
                break;
            case BARRIER:
                gather(t, n, 0);
                bcast(t, n, 0);
                break;
            case GATHER:
            case REDUCE:
                gather(t, n, b);
                break;
            case SCATTER:
                scatter(t, n, b);
                break;
            case ALLREDUCE:
                gather(t, n, b);
                bcast(t, n, b);
                break;
            case SCAN:
            case EXSCAN:
                gather(t, n, b);
                scatter(t, n, b);
                break;
            case ALLGATHER:
                gather(t, n, b);
                bcast(t, n, b * n);
                break;
            case ALLTOALL:
                t.work(n - 1, (long) n * (n - 1), b, true);
                t.work(n - 1, (long) n * (n - 1), b, false);
                break;
            case REDUCE_SCATTER:
                gather(t, n, b * n);
                scatter(t, n, b);
                break;
            default:
                throw new IllegalArgumentException("no model for " + op);
        }
        return new Cost(t.seconds, t.dollars + transferDollars(t.moved), t.requests);
    }

    /** One upload, {@code n - 1} concurrent downloads. */
    private void bcast(Tally t, int n, double bytes) {
        if (n <= 1) {
            return;
        }
        double before = t.seconds;
        t.puts(1, bytes);
        t.concurrentGets(n - 1, bytes, t.seconds - before);
    }

    /** {@code n - 1} concurrent uploads, downloaded one by one by the root. */
    private void gather(Tally t, int n, double bytes) {
        if (n <= 1) {
            return;
        }
        double before = t.seconds;
        t.parallelPuts(n - 1, bytes);
        t.gets(n - 1, bytes, t.seconds - before);
    }

    /** {@code n - 1} uploads by the root, each downloaded by its peer. */
    private void scatter(Tally t, int n, double bytes) {
        if (n <= 1) {
            return;
        }
        double before = t.seconds;
        t.puts(n - 1, bytes);
        t.concurrentGets(n - 1, bytes, (t.seconds - before) / 2);
    }
}

package io.fmi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Operation;
import io.fmi.config.FmiConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each formula against values computed by hand from the algorithm it models. */
class ModelFormulaTest {
    private static final double EPS = 1e-12;

    /** overhead 1 ms, 100 MB/s, no prices. */
    private static final ModelParameters SIMPLE_P2P =
            ModelParameters.of("Custom", true, Map.of("overhead", 1.0, "bandwidth", 100.0));

    @Test
    void peerToPeerSendIsOneMessage() {
        ChannelModel.Cost c = new PeerToPeerModel(SIMPLE_P2P).cost(Operation.SEND, 1_000_000, 8);
        assertEquals(0.001 + 0.01, c.seconds(), EPS);
    }

    @Test
    void peerToPeerBcastAndSmallReduceAreBinomialTreesOfDepthLog2() {
        PeerToPeerModel m = new PeerToPeerModel(SIMPLE_P2P);
        assertEquals(3 * 0.011, m.cost(Operation.BCAST, 1_000_000, 8).seconds(), EPS);
        assertEquals(3 * 0.011, m.cost(Operation.BCAST, 1_000_000, 5).seconds(), EPS);
        assertEquals(4 * (0.001 + 800 / 1e8), m.cost(Operation.REDUCE, 800, 9).seconds(), EPS);
        assertEquals(0, m.cost(Operation.BCAST, 1_000_000, 1).seconds(), EPS);
    }

    @Test
    void peerToPeerLargeReduceIsRecursiveHalvingThenABinomialGather() {
        PeerToPeerModel m = new PeerToPeerModel(SIMPLE_P2P);
        double b = 1 << 20;
        assertEquals(2 * 3 * 0.001 + 2.0 * 7 / 8 * b / 1e8, m.cost(Operation.REDUCE, 1 << 20, 8).seconds(), EPS);
        // 9 peers: one pair folds in first (a whole buffer), then 8 as above
        assertEquals(2 * 3 * 0.001 + 2.0 * 7 / 8 * b / 1e8 + 0.001 + b / 1e8,
                m.cost(Operation.REDUCE, 1 << 20, 9).seconds(), EPS);
    }

    @Test
    void peerToPeerBarrierIsDissemination() {
        assertEquals(3 * 0.001, new PeerToPeerModel(SIMPLE_P2P).cost(Operation.BARRIER, 0, 5).seconds(), EPS);
    }

    @Test
    void peerToPeerAllreduceIsRecursiveDoublingWhenSmallAndRabenseifnerWhenLarge() {
        PeerToPeerModel m = new PeerToPeerModel(SIMPLE_P2P);
        assertEquals(3 * (0.001 + 800 / 1e8), m.cost(Operation.ALLREDUCE, 800, 8).seconds(), EPS);
        assertEquals((2 + 2) * (0.001 + 800 / 1e8), m.cost(Operation.ALLREDUCE, 800, 6).seconds(), EPS);
        double b = 1 << 20;
        assertEquals(2 * 3 * 0.001 + 2.0 * 7 / 8 * b / 1e8, m.cost(Operation.ALLREDUCE, 1 << 20, 8).seconds(), EPS);
    }

    @Test
    void relayedPairsPayTheRelaysHopAndShareItsBandwidth() {
        PeerToPeerModel direct = new PeerToPeerModel(ModelParameters.of("Custom", true,
                Map.of("overhead", 1.0, "bandwidth", 1000.0, "relay_bandwidth", 100.0, "relay_overhead", 2.0)));
        assertEquals(0.001 + 1e6 / 1e9, direct.cost(Operation.SEND, 1_000_000, 8).seconds(), EPS);
        assertEquals(direct, direct.relayed(0), "no relayed pairs: the same model");
        // one relayed pair: overhead 1 + 2 ms, bandwidth min(1000, 100) MB/s
        assertEquals(0.003 + 1e6 / 1e8, direct.relayed(1).cost(Operation.SEND, 1_000_000, 8).seconds(), EPS);
        // three relayed pairs of 8 peers (at most 4 pairs at once) share the relay's 100 MB/s
        assertEquals(0.003 + 1e6 / (100e6 / 3), direct.relayed(3).cost(Operation.SEND, 1_000_000, 8).seconds(), EPS);
        // but two peers are one pair, however many pairs the job relays
        assertEquals(0.003 + 1e6 / 1e8, direct.relayed(3).cost(Operation.SEND, 1_000_000, 2).seconds(), EPS);
        // defaults: the relay hop costs one more overhead; the server's 128 MiB/s per job only limits
        // a channel faster than that
        PeerToPeerModel plain = new PeerToPeerModel(SIMPLE_P2P);
        assertEquals(0.002 + 1e6 / 1e8, plain.relayed(1).cost(Operation.SEND, 1_000_000, 2).seconds(), EPS);
        PeerToPeerModel fast = new PeerToPeerModel(ModelParameters.of("Custom", true, Map.of("overhead", 1.0, "bandwidth", 1000.0)));
        assertEquals(0.002 + 1e6 / (128 * 1.048576e6), fast.relayed(1).cost(Operation.SEND, 1_000_000, 2).seconds(), EPS);
    }

    @Test
    void peerToPeerAlltoallIsPairwiseExchange() {
        assertEquals(7 * (0.001 + 1000 / 1e8), new PeerToPeerModel(SIMPLE_P2P).cost(Operation.ALLTOALL, 1000, 8).seconds(), EPS);
    }

    /** overhead 1 ms, 100 MB/s single, unlimited aggregate, Redis-style price per request. */
    private static ObjectStoreModel store(Map<String, Double> extra) {
        Map<String, Double> p = new java.util.HashMap<>(Map.of("overhead", 1.0, "bandwidth", 100.0,
                "instance_price", 0.36, "requests_per_hour", 1000.0, "include_infrastructure_costs", 1.0));
        p.putAll(extra);
        return new ObjectStoreModel(ModelParameters.of("Custom", false, p), 0.01, 0.2);
    }

    @Test
    void objectStoreSendIsOnePutAndOneGet() {
        ChannelModel.Cost c = store(Map.of()).cost(Operation.SEND, 1_000_000, 4);
        assertEquals(2 * (0.001 + 0.01), c.seconds(), EPS);
        assertEquals(2, c.requests(), EPS);
        assertEquals(2 * 0.36 / 1000, c.dollars(), EPS);
    }

    @Test
    void objectStoreBcastIsOneUploadAndConcurrentDownloads() {
        ChannelModel.Cost c = store(Map.of()).cost(Operation.BCAST, 1_000_000, 5);
        assertEquals(2 * 0.011, c.seconds(), EPS);
        assertEquals(1 + 4, c.requests(), EPS);
        ChannelModel.Cost shared = store(Map.of("bandwidth_multiple", 200.0)).cost(Operation.BCAST, 1_000_000, 5);
        assertEquals(0.011 + 0.001 + 4 * 1_000_000 / 2e8, shared.seconds(), EPS);
    }

    @Test
    void objectStoreGatherIsParallelUploadsAndSequentialDownloadsAtTheRoot() {
        ChannelModel.Cost c = store(Map.of()).cost(Operation.GATHER, 1000, 8);
        assertEquals(0.001 + 1e-5 + 7 * (0.001 + 1e-5), c.seconds(), EPS);
        assertEquals(7 + 7, c.requests(), EPS);
    }

    @Test
    void objectStoreAllreduceIsGatherThenBcast() {
        ChannelModel.Cost c = store(Map.of()).cost(Operation.ALLREDUCE, 1000, 4);
        double u = 0.001 + 1e-5;
        assertEquals(u + 3 * u + 2 * u, c.seconds(), EPS);
        assertEquals(3 + 3 + 1 + 3, c.requests(), EPS);
    }

    @Test
    void largeValuesAreSplitIntoItems() {
        ChannelModel.Cost c = store(Map.of("item_bytes", 400_000.0)).cost(Operation.SEND, 1_000_000, 2);
        assertEquals(3 + 3, c.requests(), EPS);
        assertEquals(2 * (3 * 0.001 + 0.01), c.seconds(), EPS);
    }

    @Test
    void pollingStoresPayForTheExpectedMissedPolls() {
        ChannelModel.Cost c = store(Map.of("polling", 1.0)).cost(Operation.SEND, 0, 2);
        // The reader polls from the start of the 1 ms upload: one poll after 10 ms finds it (1 miss).
        assertEquals(2 + 1, c.requests(), EPS);
        assertEquals(0.001 + 0.001 + (0.01 - 0.001) / 2 + 0.015 / 4, c.seconds(), EPS);
    }

    @Test
    void dynamoDbChargesWriteUnitsPerKilobyteAndReadUnitsPer4Kilobytes() {
        ObjectStoreModel m = new ObjectStoreModel(ModelParameters.of("DynamoDB", false,
                Map.of("polling", 0.0, "write_unit_price", 1.0, "read_unit_price", 10.0)), 0.01, 0.2);
        assertEquals(10 * 1.0 + 3 * 10.0, m.cost(Operation.SEND, 10 * 1024, 2).dollars(), EPS);
    }

    @Test
    void theOriginalModelSectionIsReadUnchanged() {
        FmiConfig config = FmiConfig.parse(io.fmi.config.FmiConfigTest.ORIGINAL);
        ModelParameters s3 = ModelParameters.of("S3", false, config.model("S3"));
        assertEquals(40.25, s3.get("overhead", 0), EPS);
        assertEquals(0.0000054, s3.get("upload_price", 0), EPS);
        ModelParameters redis = ModelParameters.of("Redis", false, config.model("Redis"));
        assertEquals(400.0, redis.get("bandwidth_multiple", 0), EPS);
        assertEquals(0.0038, redis.get("instance_price", 0), EPS);
        ModelParameters direct = ModelParameters.of("Direct", true, config.model("Direct"));
        assertEquals(0.34, direct.get("overhead", 0), EPS);
    }
}

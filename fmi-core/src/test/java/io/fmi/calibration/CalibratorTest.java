package io.fmi.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.config.FmiConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class CalibratorTest {

    @Test
    void calibrationFitsEveryChannelAndWritesTheModelSectionBack() throws Exception {
        String json = "{\"backends\": {\"Local\": {}, \"LocalStore\": {}},"
                + " \"model\": {\"FaaS\": {\"gib_second_price\": 0.0000166667}, \"LocalStore\": {\"upload_price\": 0.5}}}";
        Calibrator.Report report = new Calibrator(FmiConfig.parse(json), 3)
                .run(new long[] {0, 65536, 1 << 20}, new long[] {8, 65536}, new int[] {2, 3});
        assertEquals(2, report.fits().size());
        for (Calibrator.Fit fit : report.fits()) {
            assertTrue(fit.overheadMs() > 0 && fit.bandwidthMBps() > 0, fit.toString());
        }
        assertEquals(3 * 2 * 2 * 2, report.rows().size());
        assertEquals(3 * 2 * 2, report.cases());
        assertTrue(report.rows().stream().allMatch(r -> r.measuredSeconds() > 0 && r.predictedSeconds() >= 0));
        assertTrue(report.table().contains("FAST choice = measured fastest in"), report.table());

        ObjectNode merged = Calibrator.merge(new ObjectMapper().readTree(json), report.fits());
        FmiConfig again = FmiConfig.parse(merged.toString());
        assertEquals(report.fits().get(0).overheadMs(), again.model("Local").get("overhead"), 1e-3);
        assertEquals(0.5, again.model("LocalStore").get("upload_price"), "other parameters are kept");
        assertTrue(again.model("LocalStore").containsKey("bandwidth"));
        Calibrator.Fit store = report.fits().get(1);
        assertTrue(Double.isNaN(report.fits().get(0).aggregateBandwidthMBps()), "peer-to-peer channels have no aggregate");
        assertEquals(!Double.isNaN(store.aggregateBandwidthMBps()), again.model("LocalStore").containsKey("bandwidth_multiple"));
    }

    @Test
    void leastSquaresRecoversALine() {
        double[] fit = Calibrator.leastSquares(new double[] {0, 1, 2, 3}, new double[] {1, 3, 5, 7});
        assertEquals(1, fit[0], 1e-12);
        assertEquals(2, fit[1], 1e-12);
    }

    @Test
    void theFitFollowsSmallSizesAsCloselyAsLargeOnes() {
        // 20 µs + 0.4 ns/byte, with the largest size measured 15% slow (noise): a plain least-squares
        // line follows the large sizes and predicts the 8-byte message 25% short
        double[] sizes = {8, 16 << 10, 256 << 10, 1 << 20};
        double[] seconds = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            seconds[i] = 20e-6 + 0.4e-9 * sizes[i];
        }
        seconds[3] *= 1.15;
        double[] fit = Calibrator.leastSquares(sizes, seconds);
        for (int i = 0; i < sizes.length; i++) {
            double ratio = (fit[0] + fit[1] * sizes[i]) / seconds[i];
            assertTrue(ratio > 0.85 && ratio < 1.15, "size " + sizes[i] + ": predicted/measured " + ratio);
        }
        Calibrator.Fit fitted = new Calibrator(FmiConfig.parse("{\"backends\": {\"Local\": {}}}"), 3)
                .fit("Local", new long[] {8, 16 << 10, 256 << 10, 1 << 20}, seconds, new int[] {2}, n -> {
                    throw new AssertionError("a peer-to-peer channel needs no broadcasts");
                });
        assertEquals(0.020, fitted.overheadMs(), 0.004);
        assertTrue(fitted.peerToPeer());
    }
}

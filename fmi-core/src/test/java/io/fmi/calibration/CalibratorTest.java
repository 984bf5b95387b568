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
}

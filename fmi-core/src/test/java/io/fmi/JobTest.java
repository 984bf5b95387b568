package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobTest {

    @Test
    void aProgramStartedAloneIsRankZeroOfOneOverTheInMemoryChannel() {
        Job alone = Job.fromEnvironment(Map.of());
        assertEquals(0, alone.rank());
        assertEquals(1, alone.size());
        try (Communicator comm = alone.communicator()) {
            assertEquals(java.util.List.of("Local"), comm.channels());
            long[] out = new long[1];
            comm.allreduce(new long[] {5}, out, Op.SUM);
            assertEquals(5, out[0]);
        }
    }

    @Test
    void theEnvironmentRoundTripsAndTheSecretFillsTheConfig() {
        Job job = new Job(2, 4, "job-x", "{\"backends\": {\"Direct\": {\"host\": \"h\", \"port\": 1,"
                + " \"secret\": \"${FMI_JOB_SECRET}\"}}}", "s3cr3t", 512, 2500);
        Job back = Job.fromEnvironment(job.environment());
        assertEquals(job, back);
        assertEquals("s3cr3t", back.config().backends().get("Direct").string("secret", null));
    }

    @Test
    void missingOrMalformedVariablesAreNamed() {
        FmiConfigException noName = assertThrows(FmiConfigException.class,
                () -> Job.fromEnvironment(Map.of(Job.SIZE, "4", Job.RANK, "1")));
        assertTrue(noName.getMessage().contains(Job.NAME), noName.getMessage());
        FmiConfigException badRank = assertThrows(FmiConfigException.class, () -> Job.fromEnvironment(
                Map.of(Job.SIZE, "4", Job.RANK, "x", Job.NAME, "j", Job.CONFIG_JSON, "{}")));
        assertTrue(badRank.getMessage().contains("FMI_RANK=x"), badRank.getMessage());
        FmiConfigException outOfRange = assertThrows(FmiConfigException.class, () -> Job.fromEnvironment(
                Map.of(Job.SIZE, "4", Job.RANK, "4", Job.NAME, "j", Job.CONFIG_JSON, "{}")));
        assertTrue(outOfRange.getMessage().contains("rank 4 is not in [0, 4)"), outOfRange.getMessage());
    }
}

package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How much direct memory the collectives' buffers may hold (held past a quarter of it: {@link DirectMemoryLimitTest}). */
class DirectScratchTest {

    @Test
    void theLimitIsTheJvmFlagElseTheHeap() {
        assertEquals(256L << 20, DirectScratch.maxDirectMemory(List.of("-Xmx2g", "-XX:MaxDirectMemorySize=256m"), 7));
        assertEquals(3L << 30, DirectScratch.maxDirectMemory(List.of("-XX:MaxDirectMemorySize=3G"), 7));
        assertEquals(8192, DirectScratch.maxDirectMemory(List.of("-XX:MaxDirectMemorySize=8k"), 7));
        assertEquals(1000, DirectScratch.maxDirectMemory(List.of("-XX:MaxDirectMemorySize=1000"), 7));
        assertEquals(2L << 20, DirectScratch.maxDirectMemory(
                List.of("-XX:MaxDirectMemorySize=1m", "-XX:MaxDirectMemorySize=2m"), 7), "the last one counts");
        assertEquals(7, DirectScratch.maxDirectMemory(List.of("-XX:MaxDirectMemorySize=0"), 7), "0: the default");
        assertEquals(7, DirectScratch.maxDirectMemory(List.of("-Xmx1g"), 7));
    }
}

package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Addresses of direct buffers on this JVM (JDK 17: through Unsafe; 22 and later: through java.lang.foreign). */
class DirectMemoryTest {

    @Test
    void slicesAndPositionsMoveTheAddressByTheirOffset() {
        ByteBuffer whole = ByteBuffer.allocateDirect(4096);
        long base = DirectMemory.address(whole);
        assertTrue(base > 0, "no address on Java " + Runtime.version());
        assertEquals(base + 100, DirectMemory.address(whole.slice(100, 50)));
        assertEquals(base + 7, DirectMemory.address(whole.duplicate().position(7)));
        assertEquals(base + 107, DirectMemory.address(whole.slice(100, 50).position(7)));
        assertThrows(IllegalArgumentException.class, () -> DirectMemory.address(ByteBuffer.allocate(8)));
    }

    @Test
    void overlapIsSharedBytesBetweenPositionAndLimit() {
        ByteBuffer whole = ByteBuffer.allocateDirect(4096);
        assertTrue(DirectMemory.overlap(whole.slice(0, 200), whole.slice(100, 200)));
        assertTrue(DirectMemory.overlap(whole.slice(100, 200), whole.slice(0, 101)));
        assertTrue(DirectMemory.overlap(whole, whole.duplicate()));
        assertFalse(DirectMemory.overlap(whole.slice(0, 100), whole.slice(100, 100)), "adjacent, not overlapping");
        assertFalse(DirectMemory.overlap(whole.slice(0, 200).limit(100), whole.slice(100, 100)), "beyond the limit");
        assertFalse(DirectMemory.overlap(whole.slice(0, 200).position(200), whole), "nothing remaining");
        assertFalse(DirectMemory.overlap(whole, ByteBuffer.allocateDirect(4096)));
    }
}

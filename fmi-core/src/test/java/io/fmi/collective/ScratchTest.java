package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reuse rules of the collectives' large temporaries. */
class ScratchTest {

    @BeforeEach
    void empty() {
        Scratch.clear();
    }

    @Test
    void anArrayGivenBackIsTakenAgainForTheSameLengthOnly() {
        int length = Scratch.MIN_BYTES + 12345;
        byte[] a = Scratch.take(length);
        assertEquals(length, a.length);
        Scratch.give(a);
        byte[] other = Scratch.take(length + 8);
        assertEquals(length + 8, other.length);
        assertNotSame(a, other);
        assertSame(a, Scratch.take(length));
        assertNotSame(a, Scratch.take(length), "an array is handed out once");
    }

    @Test
    void smallArraysAreNotPooled() {
        byte[] small = Scratch.take(100);
        Scratch.give(small);
        assertNotSame(small, Scratch.take(100));
    }

    @Test
    void smallArraysArePooledUpToTheirOwnBound() {
        int length = 1024;
        int fits = (int) (Scratch.MAX_POOLED_SMALL / length);
        byte[][] given = new byte[fits + 2][];
        for (int i = 0; i < given.length; i++) {
            given[i] = new byte[length];
            Scratch.give(given[i]);
        }
        java.util.Set<byte[]> mine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        mine.addAll(java.util.List.of(given));
        int reused = 0;
        for (int i = 0; i < given.length; i++) {
            if (mine.contains(Scratch.take(length))) {
                reused++;
            }
        }
        assertEquals(fits, reused, "only " + fits + " arrays of " + length + " bytes fit in " + Scratch.MAX_POOLED_SMALL);
        // taking them out made room again
        byte[] again = new byte[length];
        Scratch.give(again);
        assertSame(again, Scratch.take(length));
    }

    @Test
    void thePoolHoldsAtMostItsBound() {
        int length = 8 << 20;
        int fits = (int) (Scratch.MAX_POOLED / length);
        byte[][] given = new byte[fits + 2][];
        for (int i = 0; i < given.length; i++) {
            given[i] = new byte[length];
            Scratch.give(given[i]);
        }
        int reused = 0;
        for (int i = 0; i < given.length; i++) {
            byte[] t = Scratch.take(length);
            for (byte[] g : given) {
                if (g == t) {
                    reused++;
                }
            }
        }
        assertEquals(fits, reused, "only " + fits + " arrays of " + length + " bytes fit in " + Scratch.MAX_POOLED);
    }
}

package io.fmi.channel;

import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * The conformance suite at the sizes a polling store (S3, DynamoDB) runs it: polling stores are
 * slow, and the algorithms are the same at every size (LocalStore runs them at 1, 2, 3, 5, 8 and 16
 * peers), so 1 and 3 keep CI short; what is particular to a store (keys, polling, parts, deletion,
 * several readers of one value) does not depend on the number of peers beyond that. (4 peers were
 * dropped when this round's process-based tests arrived: CI stays under 10 minutes.)
 */
public abstract class PollingStoreConformanceSuite extends CommunicatorConformanceSuite {

    @Override
    protected IntStream sizes() {
        return IntStream.of(1, 3);
    }

    /** The semantics are covered at every size by the other channels. */
    @Override
    protected IntStream semanticsSizes() {
        return IntStream.of(1, 3);
    }

    /** 8 MiB: a 64 MiB value is hundreds of polled parts here; the overlap is measured at 64 MiB elsewhere. */
    @Override
    protected int overlapBytes() {
        return 8 << 20;
    }

    /**
     * The grid of every built-in operator over every buffer type is the store-independent reduction
     * code, which LocalStore runs at every size; on a polling store it took 4.5 minutes at 8 peers.
     */
    @Override
    protected IntStream reductionSizes() {
        return IntStream.of(1, 3);
    }

    /** Each type and operator with one of the lengths, in turn: 45 s a store at 3 peers with all of them. */
    @Override
    protected boolean everyLengthOfTheReductionGrid() {
        return false;
    }

    /** A polling store makes few exchanges a second; 4 s are still hundreds of them on both threads. */
    @Override
    protected Duration threadsDuration() {
        return Duration.ofSeconds(4);
    }

    @Override
    protected IntStream itemSizes() {
        return IntStream.of(3);
    }

    @Override
    protected IntStream largeSizes() {
        return IntStream.of(3);
    }
}

package io.fmi.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test whose body runs on {@link #peers()} peers at once, each with its own
 * {@link io.fmi.Communicator} (a parameter of the test method), as threads of the test JVM. The
 * first failure of any peer fails the test and stops the others at once.
 *
 * <pre>{@code
 * @FmiTest(peers = 4)
 * void sumsRanks(Communicator comm) {
 *     long[] sum = new long[1];
 *     comm.allreduce(new long[] {comm.rank()}, sum, Op.SUM);
 *     assertEquals(6, sum[0]);
 * }
 *
 * @FmiTest(peers = 3, channel = FmiTest.Channel.REDIS)   // a real Redis, started for the tests
 * void overRedis(Communicator comm) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(FmiExtension.class)
public @interface FmiTest {

    /** The number of peers. */
    int peers() default 2;

    /** The channel the peers talk over. */
    Channel channel() default Channel.LOCAL;

    /** Seconds each operation may take (its deadline). */
    int timeoutSeconds() default 30;

    /** Where the peers' messages go. */
    enum Channel {
        /** In memory, between the threads (no server). */
        LOCAL,
        /**
         * A real Redis server: {@code FMI_TEST_REDIS_URL} if set, else the {@code redis-server} binary
         * of the embedded-redis artifact, started once per JVM on a free loopback port.
         */
        REDIS
    }
}

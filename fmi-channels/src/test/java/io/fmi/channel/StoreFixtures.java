package io.fmi.channel;

import io.fmi.channel.dynamodb.DynamoFixtures;
import io.fmi.channel.redis.RedisFixtures;
import io.fmi.channel.s3.S3Fixtures;

/** The three store servers of the tests (Redis, s3proxy, dynalite), for benchmarks that use them all. */
public final class StoreFixtures {
    private StoreFixtures() {
    }

    /**
     * The {@code Redis}, {@code S3} and {@code DynamoDB} blocks (without braces around the backends),
     * each server started if it is not running yet; DynamoDB's items go to {@code table}.
     */
    public static String backendBlocks(String table) {
        String s3 = S3Fixtures.backend();
        String dynamo = DynamoFixtures.backend(table);
        return RedisFixtures.backendBlock() + ", " + s3.substring(s3.indexOf("\"S3\""), s3.length() - 2) + ", "
                + dynamo.substring(dynamo.indexOf("\"DynamoDB\""), dynamo.length() - 2);
    }
}

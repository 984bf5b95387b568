/**
 * The channels: Direct (TCP with NAT hole punching, and the rendezvous server), Redis, S3 and
 * DynamoDB, found through {@link io.fmi.spi.ChannelProvider}. The AWS plumbing
 * ({@code io.fmi.channel.aws}) is internal.
 */
module io.fmi.channels {
    requires transitive io.fmi.core;
    requires org.slf4j;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires redis.clients.jedis;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;
    requires software.amazon.awssdk.services.dynamodb;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.utils;

    exports io.fmi.channel.direct;
    exports io.fmi.channel.redis;
    exports io.fmi.channel.s3;
    exports io.fmi.channel.dynamodb;

    provides io.fmi.spi.ChannelProvider with io.fmi.channel.redis.RedisChannelProvider,
            io.fmi.channel.s3.S3ChannelProvider, io.fmi.channel.dynamodb.DynamoDbChannelProvider,
            io.fmi.channel.direct.DirectChannelProvider;
}

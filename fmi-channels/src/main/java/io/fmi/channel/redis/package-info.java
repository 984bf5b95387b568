/**
 * The Redis channel ({@code backends.Redis}): an object-store channel whose readers block on Redis
 * lists instead of polling, with a TTL on every key and nothing ever scanned.
 */
package io.fmi.channel.redis;

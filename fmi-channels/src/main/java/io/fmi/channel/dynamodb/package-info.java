/**
 * The DynamoDB channel ({@code backends.DynamoDB}): an object-store channel with reader-counted
 * deletion, strongly consistent polling reads, throttling retries and 400 KB items.
 */
package io.fmi.channel.dynamodb;

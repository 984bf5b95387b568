/** The S3 channel ({@code backends.S3}): an object-store channel on the AWS SDK v2, polling with backoff. */
package io.fmi.channel.s3;

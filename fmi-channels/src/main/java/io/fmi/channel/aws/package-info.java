/** Internal: settings and client construction shared by the AWS channels. */
package io.fmi.channel.aws;

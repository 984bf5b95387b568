/**
 * In-memory channels and a runner for N peers as threads of one JVM: fast tests of the collective
 * algorithms, demos, and unit tests of user code without any server.
 */
package io.fmi.local;

package io.fmi;

/**
 * One operation as an {@link FmiEventListener} sees it.
 *
 * @param communicator the communicator's name ({@code job.<id>} for sub-communicators)
 * @param rank         this peer's rank in it
 * @param size         its size
 * @param operation    the operation ({@code send}, {@code recv}, {@code allreduce}, ...)
 * @param sequence     the collective's number on this communicator (0 for point-to-point)
 * @param channel      the channel it runs on
 * @param bytes        the bytes it moves from this peer's point of view (the buffer's length)
 */
public record OperationEvent(String communicator, int rank, int size, String operation, long sequence,
                             String channel, long bytes) {
}

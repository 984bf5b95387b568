package io.fmi.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmi.Communicator;
import io.fmi.FmiConfigException;
import io.fmi.Job;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The base class of a Lambda function that is one rank of an FMI job started by
 * {@code fmirun --lambda}: it reads the rank, size, job name, secret and channel configuration from
 * the invocation event, opens the communicator, runs {@link #run} and returns its result with
 * timings and the channels' request counts.
 *
 * <pre>{@code
 * public class Sum extends FmiHandler<Map<String, Object>, Double> {
 *     protected Double run(Communicator comm, Map<String, Object> payload, Context context) {
 *         double[] total = new double[1];
 *         comm.allreduce(new double[] {comm.rank()}, total, Op.SUM);
 *         return total[0];
 *     }
 * }
 * }</pre>
 *
 * <p>The event is {@code {"fmi": {"rank", "size", "job", "secret", "config", "memory_mib",
 * "timeout_ms"}, "payload": ...}}; the answer {@code {"rank", "result", "timings": {"open_ms",
 * "run_ms", "close_ms"}, "requests"}}.
 *
 * <p>SnapStart: nothing is opened during initialisation (no socket, no connection); the
 * communicator is created per invocation from the event, and every id comes from the event, so a
 * restored snapshot shares nothing with its siblings.
 *
 * @param <P> the payload type (converted from the event's JSON with Jackson)
 * @param <R> the result type (converted to JSON with Jackson)
 */
public abstract class FmiHandler<P, R> implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The payload's type, for converting the event's {@code payload}. */
    protected abstract Class<P> payloadType();

    /** The rank's work. Exceptions fail the invocation (and so the job, under {@code fmirun}). */
    protected abstract R run(Communicator comm, P payload, Context context);

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        long start = System.nanoTime();
        Job job = job(event, context);
        P payload = JSON.convertValue(event.get("payload"), payloadType());
        Map<String, Object> answer = new LinkedHashMap<>();
        Map<String, Object> timings = new LinkedHashMap<>();
        try (Communicator comm = job.communicator()) {
            long opened = System.nanoTime();
            timings.put("open_ms", (opened - start) / 1e6);
            R result = run(comm, payload, context);
            long ran = System.nanoTime();
            timings.put("run_ms", (ran - opened) / 1e6);
            answer.put("rank", comm.rank());
            // plain maps, lists and values: the runtime serialises the answer with its own serializer
            answer.put("result", JSON.convertValue(result, Object.class));
            answer.put("requests", comm.requestCounts());
            answer.put("timings", timings);
        }
        timings.put("close_ms", (System.nanoTime() - start) / 1e6 - (Double) timings.get("open_ms")
                - (Double) timings.get("run_ms"));
        return answer;
    }

    /** The job an event describes. */
    static Job job(Map<String, Object> event, Context context) {
        Object fmi = event == null ? null : event.get("fmi");
        if (!(fmi instanceof Map)) {
            throw new FmiConfigException("the invocation event has no \"fmi\" object; invoke this function with"
                    + " fmirun --lambda, which sends {\"fmi\": {\"rank\", \"size\", \"job\", \"secret\", \"config\"},"
                    + " \"payload\": ...}");
        }
        Map<?, ?> f = (Map<?, ?>) fmi;
        Object config = f.get("config");
        String configJson;
        try {
            configJson = config instanceof String ? (String) config : JSON.writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FmiConfigException("event fmi.config cannot be written as JSON: " + e.getMessage(), e);
        }
        int memory = context != null && context.getMemoryLimitInMB() > 0 ? context.getMemoryLimitInMB()
                : number(f, "memory_mib", 1024);
        return new Job(number(f, "rank", -1), number(f, "size", -1), text(f, "job"), configJson,
                f.get("secret") == null ? null : f.get("secret").toString(), memory, number(f, "timeout_ms", 0));
    }

    private static int number(Map<?, ?> f, String key, int otherwise) {
        Object v = f.get(key);
        if (v instanceof Number) {
            return ((Number) v).intValue();
        }
        if (v == null && otherwise >= 0) {
            return otherwise;
        }
        throw new FmiConfigException("event fmi." + key + " is " + (v == null ? "missing" : "not a number: " + v));
    }

    private static String text(Map<?, ?> f, String key) {
        Object v = f.get(key);
        if (v == null || v.toString().isBlank()) {
            throw new FmiConfigException("event fmi." + key + " is missing");
        }
        return v.toString();
    }
}

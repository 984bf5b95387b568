package io.fmi.examples;

import com.amazonaws.services.lambda.runtime.Context;
import io.fmi.Communicator;
import io.fmi.lambda.FmiHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The K-means job as a Lambda function: {@code fmirun -np 8 --lambda kmeans --payload p.json}, where
 * the payload may set {@code points}, {@code k}, {@code dims}, {@code epochs} and {@code seed}.
 * Returns the per-epoch compute and allreduce times and (rank 0) the centroids.
 */
public final class KMeansHandler extends FmiHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    protected Class<Map<String, Object>> payloadType() {
        return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    private static int number(Map<String, Object> payload, String key, int otherwise) {
        Object v = payload == null ? null : payload.get(key);
        return v instanceof Number ? ((Number) v).intValue() : otherwise;
    }

    @Override
    protected Map<String, Object> run(Communicator comm, Map<String, Object> payload, Context context) {
        KMeans.Result r = KMeans.run(comm, number(payload, "points", 200_000), number(payload, "k", 10),
                number(payload, "dims", 28), number(payload, "epochs", 10), number(payload, "seed", 42));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("compute_ms", r.computeMs());
        out.put("allreduce_ms", r.communicationMs());
        if (comm.rank() == 0) {
            out.put("centroids_sha256", KMeans.digest(r.centroids()));
        }
        return out;
    }
}

package io.fmi.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import io.fmi.Communicator;
import io.fmi.Op;
import java.util.Map;

/** A rank that adds up everyone's rank (plus the payload's offset) with one allreduce. */
public final class AllreduceHandler extends FmiHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    protected Class<Map<String, Object>> payloadType() {
        return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    @Override
    protected Map<String, Object> run(Communicator comm, Map<String, Object> payload, Context context) {
        long[] sum = new long[1];
        long offset = ((Number) payload.get("offset")).longValue();
        comm.allreduce(new long[] {comm.rank() + offset}, sum, Op.SUM);
        return Map.of("sum", sum[0], "request", context.getAwsRequestId(), "ranks", comm.size());
    }
}

package io.fmi.mpi;

import com.amazonaws.services.lambda.runtime.Context;
import io.fmi.Communicator;
import io.fmi.lambda.FmiHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * The Lambda handler that runs an MPI program (an Open MPI Java {@code main}) as one rank of a job
 * started by {@code fmirun --lambda}: deploy the program's jar with this jar and set the handler to
 * {@code io.fmi.mpi.MpiHandler::handleRequest}; the payload ({@code fmirun --payload}) names the
 * main class and its arguments: {@code {"main": "Ring", "args": ["10"]}}. {@code MPI.Init} then
 * joins the job with the communicator this handler opened from the invocation event.
 *
 * <p>The answer's {@code result} is the main method's output status: "ok", or the exception that
 * ended it (which also fails the invocation, so {@code fmirun} reports the rank as failed).
 * {@code MPI.COMM_WORLD.abort(code)} and a fatal MPI error end the runtime process, as they end a
 * local process.
 */
public class MpiHandler extends FmiHandler<Map<String, Object>, String> {
    @SuppressWarnings("unchecked")
    @Override
    protected Class<Map<String, Object>> payloadType() {
        return (Class<Map<String, Object>>) (Class<?>) Map.class;
    }

    @Override
    protected String run(Communicator comm, Map<String, Object> payload, Context context) {
        Object main = payload == null ? null : payload.get("main");
        if (!(main instanceof String) || ((String) main).isBlank()) {
            throw new IllegalArgumentException("MpiHandler: the payload must name the main class, e.g."
                    + " {\"main\": \"Ring\", \"args\": []}; got " + payload);
        }
        Object args = payload.get("args");
        String[] argv = args instanceof List ? ((List<?>) args).stream().map(String::valueOf).toArray(String[]::new)
                : new String[0];
        Method method;
        try {
            Class<?> type = Class.forName((String) main, true, Thread.currentThread().getContextClassLoader());
            method = type.getMethod("main", String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalArgumentException("MpiHandler: no class " + main + " with a public static void main(String[])"
                    + " in the function's code", e);
        }
        if (!Modifier.isStatic(method.getModifiers())) {
            throw new IllegalArgumentException("MpiHandler: " + main + ".main is not static");
        }
        MpiWorld.use(comm);
        try {
            method.invoke(null, (Object) argv);
            return "ok";
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException ? (RuntimeException) cause
                    : new IllegalStateException(main + ".main failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("MpiHandler: cannot call " + main + ".main: " + e.getMessage(), e);
        } finally {
            MpiWorld.take();
        }
    }
}

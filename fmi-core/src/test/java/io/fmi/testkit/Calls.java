package io.fmi.testkit;

import io.fmi.Communicator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Calls a {@link Communicator} overload chosen by the runtime types of its arguments, so one test
 * can drive every buffer type. Exceptions thrown by the communicator are rethrown unchanged.
 */
public final class Calls {
    private Calls() {
    }

    public static void invoke(Communicator comm, String operation, Object... args) {
        Class<?>[] types = new Class<?>[args.length];
        Object example = java.util.Arrays.stream(args).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        for (int i = 0; i < args.length; i++) {
            Class<?> c = (args[i] == null ? example : args[i]).getClass();
            if (ByteBuffer.class.isAssignableFrom(c)) {
                c = ByteBuffer.class;
            } else if (c == Integer.class) {
                c = int.class;
            }
            types[i] = c;
        }
        try {
            Method method = Communicator.class.getMethod(operation, types);
            method.invoke(comm, args);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new AssertionError("no overload " + operation + java.util.Arrays.toString(types), e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new AssertionError(cause);
        }
    }
}

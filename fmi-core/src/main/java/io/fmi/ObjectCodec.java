package io.fmi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * How the object operations of a {@link Communicator} ({@code sendObject}, {@code bcastObject},
 * {@code gatherObject}, {@code allgatherObject}, {@code allreduceObject}) turn values into bytes and
 * back. Chosen once per communicator with {@link Communicator.Builder#codec(ObjectCodec)}; every
 * peer must use the same one.
 */
public interface ObjectCodec {

    /** The value as bytes. */
    byte[] encode(Object value);

    /** The value of {@code type} that {@code bytes} encode. */
    <T> T decode(byte[] bytes, Class<T> type);

    /**
     * Java serialization, for {@link Serializable} values (the default). Only use it between peers of
     * one job: deserialization runs the classes the sender names.
     */
    static ObjectCodec serializable() {
        return new ObjectCodec() {
            @Override
            public byte[] encode(Object value) {
                if (value != null && !(value instanceof Serializable)) {
                    throw new FmiException("the serializable codec cannot encode a " + value.getClass().getName()
                            + ": it does not implement java.io.Serializable; implement it, or build the communicator"
                            + " with codec(ObjectCodec.jackson())");
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(value);
                } catch (IOException e) {
                    throw new FmiException("encoding a " + value.getClass().getName() + " failed: " + e, e);
                }
                return bytes.toByteArray();
            }

            @Override
            public <T> T decode(byte[] bytes, Class<T> type) {
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                    return type.cast(in.readObject());
                } catch (IOException | ClassNotFoundException | ClassCastException e) {
                    throw new FmiException("decoding a " + type.getName() + " failed: " + e, e);
                }
            }

            @Override
            public String toString() {
                return "ObjectCodec.serializable()";
            }
        };
    }

    /** JSON through Jackson: records, beans, collections, with a default {@link ObjectMapper}. */
    static ObjectCodec jackson() {
        return jackson(new ObjectMapper());
    }

    /** JSON through the given Jackson {@link ObjectMapper} (its modules and settings). */
    static ObjectCodec jackson(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new ObjectCodec() {
            @Override
            public byte[] encode(Object value) {
                try {
                    return mapper.writeValueAsBytes(value);
                } catch (IOException e) {
                    throw new FmiException("encoding a " + (value == null ? "null" : value.getClass().getName())
                            + " as JSON failed: " + e.getMessage(), e);
                }
            }

            @Override
            public <T> T decode(byte[] bytes, Class<T> type) {
                try {
                    return mapper.readValue(bytes, type);
                } catch (IOException e) {
                    throw new FmiException("decoding a " + type.getName() + " from JSON failed: " + e.getMessage(), e);
                }
            }

            @Override
            public String toString() {
                return "ObjectCodec.jackson()";
            }
        };
    }
}

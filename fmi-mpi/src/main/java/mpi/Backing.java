package mpi;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The direct bytes under each typed buffer that {@link MPI#newDoubleBuffer} and its kin (and
 * {@link MPI#slice} of those) made: a {@code DoubleBuffer} does not tell which {@code ByteBuffer} it
 * views, and reductions of direct bytes skip every copy ({@link DirectReduction}). Views are held
 * weakly and by identity (a buffer's {@code equals} and {@code hashCode} follow its content).
 */
final class Backing {
    private static final class Ref extends WeakReference<Buffer> {
        final int hash;
        final ByteBuffer bytes;

        Ref(Buffer view, ByteBuffer bytes) {
            super(view, GONE);
            this.hash = System.identityHashCode(view);
            this.bytes = bytes;
        }
    }

    private static final ReferenceQueue<Buffer> GONE = new ReferenceQueue<>();
    private static final Map<Integer, List<Ref>> REFS = new HashMap<>();

    private Backing() {
    }

    /** Remembers that {@code view}'s element 0 is byte 0 of {@code bytes}; returns {@code view}. */
    static synchronized <B extends Buffer> B remember(B view, ByteBuffer bytes) {
        expunge();
        REFS.computeIfAbsent(System.identityHashCode(view), h -> new ArrayList<>(1)).add(new Ref(view, bytes));
        return view;
    }

    /** The bytes under {@code view} from its element 0, or null if this class did not make it. */
    static synchronized ByteBuffer of(Buffer view) {
        expunge();
        List<Ref> refs = REFS.get(System.identityHashCode(view));
        if (refs != null) {
            for (Ref r : refs) {
                if (r.get() == view) {
                    return r.bytes;
                }
            }
        }
        return null;
    }

    private static void expunge() {
        Reference<? extends Buffer> gone;
        while ((gone = GONE.poll()) != null) {
            Ref r = (Ref) gone;
            List<Ref> refs = REFS.get(r.hash);
            if (refs != null && refs.remove(r) && refs.isEmpty()) {
                REFS.remove(r.hash);
            }
        }
    }
}

package mpi;

/**
 * An MPI datatype: the predefined ones in {@link MPI} ({@code BYTE CHAR SHORT BOOLEAN INT LONG FLOAT
 * DOUBLE PACKED}, the pairs {@code INT2 SHORT_INT LONG_INT FLOAT_INT DOUBLE_INT} for
 * {@code MINLOC}/{@code MAXLOC}, {@code FLOAT_COMPLEX DOUBLE_COMPLEX}) and contiguous repetitions of
 * them.
 *
 * <p>As in Open MPI's Java bindings, counts and extents are in elements of the <em>base type</em>
 * ({@code getExtent()} of {@code DOUBLE_COMPLEX} is 2 doubles; the pair types have base type
 * {@code BYTE}, so {@code getExtent()} of {@code DOUBLE_INT} is 16 bytes). A buffer is a Java array
 * or NIO buffer of the base type, or any {@code ByteBuffer} (read and written in native byte
 * order); {@code INT2} also takes {@code int[]}/{@code IntBuffer} (two ints per pair). Anything
 * else is an {@link MPIException} of class {@link MPI#ERR_BUFFER} naming both types.
 */
public final class Datatype implements Freeable {
    static final int NULL = 0;
    static final int BYTE = 1;
    static final int CHAR = 2;
    static final int SHORT = 3;
    static final int BOOLEAN = 4;
    static final int INT = 5;
    static final int LONG = 6;
    static final int FLOAT = 7;
    static final int DOUBLE = 8;
    static final int PACKED = 9;
    static final int INT2 = 10;
    static final int SHORT_INT = 11;
    static final int LONG_INT = 12;
    static final int FLOAT_INT = 13;
    static final int DOUBLE_INT = 14;
    static final int FLOAT_COMPLEX = 15;
    static final int DOUBLE_COMPLEX = 16;

    /** The predefined type this one is made of; it decides which operators apply. */
    final int kind;
    /** The base type: which Java arrays hold it. */
    final int baseType;
    /** Bytes per base element. */
    final int baseSize;
    /** Base elements from one item to the next. */
    final int extent;
    /** Base elements of data in one item (less than the extent where a pair has padding). */
    final int size;
    /** Bytes of one predefined unit (one pair, one complex number, one int), which operators combine. */
    final int unitBytes;
    private final String name;
    private boolean freed;

    private Datatype(int kind, int baseType, int baseSize, int extent, int size, int unitBytes, String name) {
        this.kind = kind;
        this.baseType = baseType;
        this.baseSize = baseSize;
        this.extent = extent;
        this.size = size;
        this.unitBytes = unitBytes;
        this.name = name;
    }

    static Datatype basic(int kind, String name) {
        switch (kind) {
            case NULL:
                return new Datatype(kind, NULL, 1, 0, 0, 1, name);
            case BYTE:
            case BOOLEAN:
            case PACKED:
                return new Datatype(kind, kind, 1, 1, 1, 1, name);
            case CHAR:
            case SHORT:
                return new Datatype(kind, kind, 2, 1, 1, 2, name);
            case INT:
            case FLOAT:
                return new Datatype(kind, kind, 4, 1, 1, 4, name);
            case LONG:
            case DOUBLE:
                return new Datatype(kind, kind, 8, 1, 1, 8, name);
            case INT2:
            case FLOAT_INT:
                return new Datatype(kind, BYTE, 1, 8, 8, 8, name);
            case SHORT_INT:
                return new Datatype(kind, BYTE, 1, 8, 6, 8, name);
            case LONG_INT:
            case DOUBLE_INT:
                return new Datatype(kind, BYTE, 1, 16, 12, 16, name);
            case FLOAT_COMPLEX:
                return new Datatype(kind, FLOAT, 4, 2, 2, 8, name);
            case DOUBLE_COMPLEX:
                return new Datatype(kind, DOUBLE, 8, 2, 2, 16, name);
            default:
                throw new IllegalArgumentException("no predefined datatype " + kind);
        }
    }

    /**
     * {@code MPI_TYPE_CONTIGUOUS}: {@code count} consecutive items of {@code oldType}.
     *
     * @param count   how many items of {@code oldType} make one item of the new type (at least 1)
     * @param oldType the type repeated
     * @return the new type
     * @throws MPIException of class {@link MPI#ERR_COUNT} if {@code count} is below 1
     */
    public static Datatype createContiguous(int count, Datatype oldType) throws MPIException {
        MPI.check();
        if (count < 1) {
            throw new MPIException(MPI.ERR_COUNT, MPI.ERR_COUNT, "createContiguous: count must be at least 1, is "
                    + count);
        }
        long extent = (long) oldType.extent * count;
        if (extent * oldType.baseSize > Integer.MAX_VALUE) {
            throw new MPIException(MPI.ERR_COUNT, MPI.ERR_COUNT, "createContiguous: " + count + " x " + oldType
                    + " is larger than 2 GiB");
        }
        return new Datatype(oldType.kind, oldType.baseType, oldType.baseSize, (int) extent, oldType.size * count,
                oldType.unitBytes, "contiguous(" + count + " x " + oldType + ")");
    }

    /**
     * The extent in base elements ({@code MPI_TYPE_GET_EXTENT} divided by the base size).
     *
     * @return base elements from one item to the next
     * @throws MPIException if MPI is not initialized
     */
    public int getExtent() throws MPIException {
        MPI.check();
        return extent;
    }

    /**
     * The lower bound, always 0 here.
     *
     * @return 0
     * @throws MPIException if MPI is not initialized
     */
    public int getLb() throws MPIException {
        MPI.check();
        return 0;
    }

    /**
     * The size in base elements ({@code MPI_TYPE_SIZE} divided by the base size).
     *
     * @return base elements of data in one item
     * @throws MPIException if MPI is not initialized
     */
    public int getSize() throws MPIException {
        MPI.check();
        return size;
    }

    /** Nothing to do: types are committed when made. */
    public void commit() {
    }

    /**
     * A copy of this type ({@code MPI_TYPE_DUP}).
     *
     * @return an equal type
     * @throws MPIException if MPI is not initialized
     */
    public Datatype dup() throws MPIException {
        MPI.check();
        return new Datatype(kind, baseType, baseSize, extent, size, unitBytes, name);
    }

    /**
     * The type's name, e.g. {@code MPI_DOUBLE}.
     *
     * @return the name
     * @throws MPIException if MPI is not initialized
     */
    public String getName() throws MPIException {
        MPI.check();
        return name;
    }

    /** Frees a derived type; predefined types stay usable. */
    @Override
    public void free() {
        freed = !isPredefined();
    }

    /**
     * Whether this is {@code MPI.DATATYPE_NULL} or a freed type.
     *
     * @return whether the type is null
     */
    public boolean isNull() {
        return kind == NULL || freed;
    }

    private boolean isPredefined() {
        return name.startsWith("MPI_");
    }

    /** Bytes from one item to the next. */
    int itemBytes() {
        return extent * baseSize;
    }

    void checkUsable(String op) throws MPIException {
        if (isNull()) {
            throw new MPIException(MPI.ERR_TYPE, MPI.ERR_TYPE, op + ": the datatype is " + (kind == NULL
                    ? "MPI.DATATYPE_NULL" : "freed (" + name + ")"));
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

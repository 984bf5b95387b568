package mpi;

/**
 * A reduction operator ({@code MPI_Op}): the predefined ones in {@link MPI} ({@code MAX MIN SUM PROD
 * LAND BAND LOR BOR LXOR BXOR MINLOC MAXLOC REPLACE NO_OP}) or a {@link UserFunction}.
 *
 * <p>Predefined operators follow the MPI standard's table of which types they apply to: arithmetic
 * ({@code SUM PROD MIN MAX}) on the integer and floating types ({@code SUM}/{@code PROD} also on
 * the complex types), logical ({@code LAND LOR LXOR}) on integers and {@code BOOLEAN}, bitwise on
 * integers and {@code BYTE}, {@code MINLOC}/{@code MAXLOC} on the pair types; another combination
 * is an {@link MPIException} of class {@link MPI#ERR_OP}. {@code REPLACE} keeps the higher rank's
 * value and {@code NO_OP} the lower rank's. Operators on {@code INT LONG FLOAT DOUBLE} run as the
 * core's typed operators: no conversion, no per-element call.
 */
public final class Op implements Freeable {
    static final int USER = 0;
    static final int MAX = 1;
    static final int MIN = 2;
    static final int SUM = 3;
    static final int PROD = 4;
    static final int LAND = 5;
    static final int BAND = 6;
    static final int LOR = 7;
    static final int BOR = 8;
    static final int LXOR = 9;
    static final int BXOR = 10;
    static final int MINLOC = 11;
    static final int MAXLOC = 12;
    static final int REPLACE = 13;
    static final int NO_OP = 14;

    final int code;
    final UserFunction function;
    private final boolean commute;
    final String name;
    private boolean freed;

    Op(int code, String name) {
        this.code = code;
        this.function = null;
        this.commute = code != REPLACE && code != NO_OP;
        this.name = name;
    }

    /**
     * A user-defined operator ({@code MPI_OP_CREATE}).
     *
     * @param function the reduction
     * @param commute  whether operands may be swapped; if not, they are combined in rank order
     */
    public Op(UserFunction function, boolean commute) {
        if (function == null) {
            throw new IllegalArgumentException("Op: the function is null");
        }
        this.code = USER;
        this.function = function;
        this.commute = commute;
        this.name = "user op " + function.getClass().getName();
    }

    /**
     * Whether operands may be swapped ({@code MPI_OP_COMMUTATIVE}).
     *
     * @return whether the operator is commutative
     */
    public boolean isCommutative() {
        return commute;
    }

    /** Frees a user operator ({@code MPI_OP_FREE}); predefined ones stay usable. */
    @Override
    public void free() {
        freed = code == USER;
    }

    /**
     * Whether this operator was freed.
     *
     * @return whether the operator is null
     */
    public boolean isNull() {
        return freed;
    }

    /** The core operator that applies this one to wire arrays of {@code type}. */
    io.fmi.Op bind(String op, Datatype type) throws MPIException {
        if (freed) {
            throw new MPIException(MPI.ERR_OP, MPI.ERR_OP, op + ": the operator was freed");
        }
        io.fmi.Op bound = Kernels.bind(this, type);
        if (bound == null) {
            throw new MPIException(MPI.ERR_OP, MPI.ERR_OP, op + ": " + name + " is not defined for " + type
                    + "; MPI defines SUM/PROD/MIN/MAX for numbers, LAND/LOR/LXOR for integers and BOOLEAN,"
                    + " BAND/BOR/BXOR for integers and BYTE, MINLOC/MAXLOC for the pair types (INT2, DOUBLE_INT,"
                    + " ...), SUM/PROD for complex numbers");
        }
        return bound;
    }

    boolean commute() {
        return commute;
    }

    @Override
    public String toString() {
        return name;
    }
}

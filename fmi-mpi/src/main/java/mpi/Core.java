package mpi;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Request;
import io.fmi.Status;

/**
 * Calls the communicator's overload for a wire array's type ({@link Region#wireKind}): one switch per
 * operation. Generated from the list of the core's operations; keep the two in step.
 */
final class Core {
    private Core() {
    }

    static Status recv(Communicator c, int kind, Object buf, int src, int tag) {
        switch (kind) {
            case Region.E_INT:
                return c.recv((int[]) buf, src, tag);
            case Region.E_LONG:
                return c.recv((long[]) buf, src, tag);
            case Region.E_FLOAT:
                return c.recv((float[]) buf, src, tag);
            case Region.E_DOUBLE:
                return c.recv((double[]) buf, src, tag);
            default:
                return c.recv((byte[]) buf, src, tag);
        }
    }

    static void send(Communicator c, int kind, Object buf, int dest, int tag) {
        switch (kind) {
            case Region.E_INT:
                c.send((int[]) buf, dest, tag);
                return;
            case Region.E_LONG:
                c.send((long[]) buf, dest, tag);
                return;
            case Region.E_FLOAT:
                c.send((float[]) buf, dest, tag);
                return;
            case Region.E_DOUBLE:
                c.send((double[]) buf, dest, tag);
                return;
            default:
                c.send((byte[]) buf, dest, tag);
                return;
        }
    }

    static Status sendrecv(Communicator c, int kind, Object send, int dest, int sendTag, Object recv, int src, int recvTag) {
        switch (kind) {
            case Region.E_INT:
                return c.sendrecv((int[]) send, dest, sendTag, (int[]) recv, src, recvTag);
            case Region.E_LONG:
                return c.sendrecv((long[]) send, dest, sendTag, (long[]) recv, src, recvTag);
            case Region.E_FLOAT:
                return c.sendrecv((float[]) send, dest, sendTag, (float[]) recv, src, recvTag);
            case Region.E_DOUBLE:
                return c.sendrecv((double[]) send, dest, sendTag, (double[]) recv, src, recvTag);
            default:
                return c.sendrecv((byte[]) send, dest, sendTag, (byte[]) recv, src, recvTag);
        }
    }

    static void bcast(Communicator c, int kind, Object buf, int root) {
        switch (kind) {
            case Region.E_INT:
                c.bcast((int[]) buf, root);
                return;
            case Region.E_LONG:
                c.bcast((long[]) buf, root);
                return;
            case Region.E_FLOAT:
                c.bcast((float[]) buf, root);
                return;
            case Region.E_DOUBLE:
                c.bcast((double[]) buf, root);
                return;
            default:
                c.bcast((byte[]) buf, root);
                return;
        }
    }

    static void gather(Communicator c, int kind, Object send, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                c.gather((int[]) send, (int[]) recv, root);
                return;
            case Region.E_LONG:
                c.gather((long[]) send, (long[]) recv, root);
                return;
            case Region.E_FLOAT:
                c.gather((float[]) send, (float[]) recv, root);
                return;
            case Region.E_DOUBLE:
                c.gather((double[]) send, (double[]) recv, root);
                return;
            default:
                c.gather((byte[]) send, (byte[]) recv, root);
                return;
        }
    }

    static void scatter(Communicator c, int kind, Object send, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                c.scatter((int[]) send, (int[]) recv, root);
                return;
            case Region.E_LONG:
                c.scatter((long[]) send, (long[]) recv, root);
                return;
            case Region.E_FLOAT:
                c.scatter((float[]) send, (float[]) recv, root);
                return;
            case Region.E_DOUBLE:
                c.scatter((double[]) send, (double[]) recv, root);
                return;
            default:
                c.scatter((byte[]) send, (byte[]) recv, root);
                return;
        }
    }

    static void reduce(Communicator c, int kind, Object send, Object recv, Op op, int root) {
        switch (kind) {
            case Region.E_INT:
                c.reduce((int[]) send, (int[]) recv, op, root);
                return;
            case Region.E_LONG:
                c.reduce((long[]) send, (long[]) recv, op, root);
                return;
            case Region.E_FLOAT:
                c.reduce((float[]) send, (float[]) recv, op, root);
                return;
            case Region.E_DOUBLE:
                c.reduce((double[]) send, (double[]) recv, op, root);
                return;
            default:
                c.reduce((byte[]) send, (byte[]) recv, op, root);
                return;
        }
    }

    static void allreduce(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                c.allreduce((int[]) send, (int[]) recv, op);
                return;
            case Region.E_LONG:
                c.allreduce((long[]) send, (long[]) recv, op);
                return;
            case Region.E_FLOAT:
                c.allreduce((float[]) send, (float[]) recv, op);
                return;
            case Region.E_DOUBLE:
                c.allreduce((double[]) send, (double[]) recv, op);
                return;
            default:
                c.allreduce((byte[]) send, (byte[]) recv, op);
                return;
        }
    }

    static void scan(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                c.scan((int[]) send, (int[]) recv, op);
                return;
            case Region.E_LONG:
                c.scan((long[]) send, (long[]) recv, op);
                return;
            case Region.E_FLOAT:
                c.scan((float[]) send, (float[]) recv, op);
                return;
            case Region.E_DOUBLE:
                c.scan((double[]) send, (double[]) recv, op);
                return;
            default:
                c.scan((byte[]) send, (byte[]) recv, op);
                return;
        }
    }

    static void exscan(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                c.exscan((int[]) send, (int[]) recv, op);
                return;
            case Region.E_LONG:
                c.exscan((long[]) send, (long[]) recv, op);
                return;
            case Region.E_FLOAT:
                c.exscan((float[]) send, (float[]) recv, op);
                return;
            case Region.E_DOUBLE:
                c.exscan((double[]) send, (double[]) recv, op);
                return;
            default:
                c.exscan((byte[]) send, (byte[]) recv, op);
                return;
        }
    }

    static void allgather(Communicator c, int kind, Object send, Object recv) {
        switch (kind) {
            case Region.E_INT:
                c.allgather((int[]) send, (int[]) recv);
                return;
            case Region.E_LONG:
                c.allgather((long[]) send, (long[]) recv);
                return;
            case Region.E_FLOAT:
                c.allgather((float[]) send, (float[]) recv);
                return;
            case Region.E_DOUBLE:
                c.allgather((double[]) send, (double[]) recv);
                return;
            default:
                c.allgather((byte[]) send, (byte[]) recv);
                return;
        }
    }

    static void alltoall(Communicator c, int kind, Object send, Object recv) {
        switch (kind) {
            case Region.E_INT:
                c.alltoall((int[]) send, (int[]) recv);
                return;
            case Region.E_LONG:
                c.alltoall((long[]) send, (long[]) recv);
                return;
            case Region.E_FLOAT:
                c.alltoall((float[]) send, (float[]) recv);
                return;
            case Region.E_DOUBLE:
                c.alltoall((double[]) send, (double[]) recv);
                return;
            default:
                c.alltoall((byte[]) send, (byte[]) recv);
                return;
        }
    }

    static void reduceScatter(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                c.reduceScatter((int[]) send, (int[]) recv, op);
                return;
            case Region.E_LONG:
                c.reduceScatter((long[]) send, (long[]) recv, op);
                return;
            case Region.E_FLOAT:
                c.reduceScatter((float[]) send, (float[]) recv, op);
                return;
            case Region.E_DOUBLE:
                c.reduceScatter((double[]) send, (double[]) recv, op);
                return;
            default:
                c.reduceScatter((byte[]) send, (byte[]) recv, op);
                return;
        }
    }

    static void gatherv(Communicator c, int kind, Object send, Object recv, int[] counts, int[] displs, int root) {
        switch (kind) {
            case Region.E_INT:
                c.gatherv((int[]) send, (int[]) recv, counts, displs, root);
                return;
            case Region.E_LONG:
                c.gatherv((long[]) send, (long[]) recv, counts, displs, root);
                return;
            case Region.E_FLOAT:
                c.gatherv((float[]) send, (float[]) recv, counts, displs, root);
                return;
            case Region.E_DOUBLE:
                c.gatherv((double[]) send, (double[]) recv, counts, displs, root);
                return;
            default:
                c.gatherv((byte[]) send, (byte[]) recv, counts, displs, root);
                return;
        }
    }

    static void scatterv(Communicator c, int kind, Object send, int[] counts, int[] displs, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                c.scatterv((int[]) send, counts, displs, (int[]) recv, root);
                return;
            case Region.E_LONG:
                c.scatterv((long[]) send, counts, displs, (long[]) recv, root);
                return;
            case Region.E_FLOAT:
                c.scatterv((float[]) send, counts, displs, (float[]) recv, root);
                return;
            case Region.E_DOUBLE:
                c.scatterv((double[]) send, counts, displs, (double[]) recv, root);
                return;
            default:
                c.scatterv((byte[]) send, counts, displs, (byte[]) recv, root);
                return;
        }
    }

    static void allgatherv(Communicator c, int kind, Object send, Object recv, int[] counts, int[] displs) {
        switch (kind) {
            case Region.E_INT:
                c.allgatherv((int[]) send, (int[]) recv, counts, displs);
                return;
            case Region.E_LONG:
                c.allgatherv((long[]) send, (long[]) recv, counts, displs);
                return;
            case Region.E_FLOAT:
                c.allgatherv((float[]) send, (float[]) recv, counts, displs);
                return;
            case Region.E_DOUBLE:
                c.allgatherv((double[]) send, (double[]) recv, counts, displs);
                return;
            default:
                c.allgatherv((byte[]) send, (byte[]) recv, counts, displs);
                return;
        }
    }

    static void alltoallv(Communicator c, int kind, Object send, int[] sendCounts, int[] sendDispls, Object recv, int[] recvCounts, int[] recvDispls) {
        switch (kind) {
            case Region.E_INT:
                c.alltoallv((int[]) send, sendCounts, sendDispls, (int[]) recv, recvCounts, recvDispls);
                return;
            case Region.E_LONG:
                c.alltoallv((long[]) send, sendCounts, sendDispls, (long[]) recv, recvCounts, recvDispls);
                return;
            case Region.E_FLOAT:
                c.alltoallv((float[]) send, sendCounts, sendDispls, (float[]) recv, recvCounts, recvDispls);
                return;
            case Region.E_DOUBLE:
                c.alltoallv((double[]) send, sendCounts, sendDispls, (double[]) recv, recvCounts, recvDispls);
                return;
            default:
                c.alltoallv((byte[]) send, sendCounts, sendDispls, (byte[]) recv, recvCounts, recvDispls);
                return;
        }
    }

    static void reduceScatter(Communicator c, int kind, Object send, Object recv, int[] counts, Op op) {
        switch (kind) {
            case Region.E_INT:
                c.reduceScatter((int[]) send, (int[]) recv, counts, op);
                return;
            case Region.E_LONG:
                c.reduceScatter((long[]) send, (long[]) recv, counts, op);
                return;
            case Region.E_FLOAT:
                c.reduceScatter((float[]) send, (float[]) recv, counts, op);
                return;
            case Region.E_DOUBLE:
                c.reduceScatter((double[]) send, (double[]) recv, counts, op);
                return;
            default:
                c.reduceScatter((byte[]) send, (byte[]) recv, counts, op);
                return;
        }
    }

    static Request isend(Communicator c, int kind, Object buf, int dest, int tag) {
        switch (kind) {
            case Region.E_INT:
                return c.isend((int[]) buf, dest, tag);
            case Region.E_LONG:
                return c.isend((long[]) buf, dest, tag);
            case Region.E_FLOAT:
                return c.isend((float[]) buf, dest, tag);
            case Region.E_DOUBLE:
                return c.isend((double[]) buf, dest, tag);
            default:
                return c.isend((byte[]) buf, dest, tag);
        }
    }

    static Request irecv(Communicator c, int kind, Object buf, int src, int tag) {
        switch (kind) {
            case Region.E_INT:
                return c.irecv((int[]) buf, src, tag);
            case Region.E_LONG:
                return c.irecv((long[]) buf, src, tag);
            case Region.E_FLOAT:
                return c.irecv((float[]) buf, src, tag);
            case Region.E_DOUBLE:
                return c.irecv((double[]) buf, src, tag);
            default:
                return c.irecv((byte[]) buf, src, tag);
        }
    }

    static Request ibcast(Communicator c, int kind, Object buf, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.ibcast((int[]) buf, root);
            case Region.E_LONG:
                return c.ibcast((long[]) buf, root);
            case Region.E_FLOAT:
                return c.ibcast((float[]) buf, root);
            case Region.E_DOUBLE:
                return c.ibcast((double[]) buf, root);
            default:
                return c.ibcast((byte[]) buf, root);
        }
    }

    static Request igather(Communicator c, int kind, Object send, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.igather((int[]) send, (int[]) recv, root);
            case Region.E_LONG:
                return c.igather((long[]) send, (long[]) recv, root);
            case Region.E_FLOAT:
                return c.igather((float[]) send, (float[]) recv, root);
            case Region.E_DOUBLE:
                return c.igather((double[]) send, (double[]) recv, root);
            default:
                return c.igather((byte[]) send, (byte[]) recv, root);
        }
    }

    static Request iscatter(Communicator c, int kind, Object send, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.iscatter((int[]) send, (int[]) recv, root);
            case Region.E_LONG:
                return c.iscatter((long[]) send, (long[]) recv, root);
            case Region.E_FLOAT:
                return c.iscatter((float[]) send, (float[]) recv, root);
            case Region.E_DOUBLE:
                return c.iscatter((double[]) send, (double[]) recv, root);
            default:
                return c.iscatter((byte[]) send, (byte[]) recv, root);
        }
    }

    static Request ireduce(Communicator c, int kind, Object send, Object recv, Op op, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.ireduce((int[]) send, (int[]) recv, op, root);
            case Region.E_LONG:
                return c.ireduce((long[]) send, (long[]) recv, op, root);
            case Region.E_FLOAT:
                return c.ireduce((float[]) send, (float[]) recv, op, root);
            case Region.E_DOUBLE:
                return c.ireduce((double[]) send, (double[]) recv, op, root);
            default:
                return c.ireduce((byte[]) send, (byte[]) recv, op, root);
        }
    }

    static Request iallreduce(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                return c.iallreduce((int[]) send, (int[]) recv, op);
            case Region.E_LONG:
                return c.iallreduce((long[]) send, (long[]) recv, op);
            case Region.E_FLOAT:
                return c.iallreduce((float[]) send, (float[]) recv, op);
            case Region.E_DOUBLE:
                return c.iallreduce((double[]) send, (double[]) recv, op);
            default:
                return c.iallreduce((byte[]) send, (byte[]) recv, op);
        }
    }

    static Request iscan(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                return c.iscan((int[]) send, (int[]) recv, op);
            case Region.E_LONG:
                return c.iscan((long[]) send, (long[]) recv, op);
            case Region.E_FLOAT:
                return c.iscan((float[]) send, (float[]) recv, op);
            case Region.E_DOUBLE:
                return c.iscan((double[]) send, (double[]) recv, op);
            default:
                return c.iscan((byte[]) send, (byte[]) recv, op);
        }
    }

    static Request iexscan(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                return c.iexscan((int[]) send, (int[]) recv, op);
            case Region.E_LONG:
                return c.iexscan((long[]) send, (long[]) recv, op);
            case Region.E_FLOAT:
                return c.iexscan((float[]) send, (float[]) recv, op);
            case Region.E_DOUBLE:
                return c.iexscan((double[]) send, (double[]) recv, op);
            default:
                return c.iexscan((byte[]) send, (byte[]) recv, op);
        }
    }

    static Request iallgather(Communicator c, int kind, Object send, Object recv) {
        switch (kind) {
            case Region.E_INT:
                return c.iallgather((int[]) send, (int[]) recv);
            case Region.E_LONG:
                return c.iallgather((long[]) send, (long[]) recv);
            case Region.E_FLOAT:
                return c.iallgather((float[]) send, (float[]) recv);
            case Region.E_DOUBLE:
                return c.iallgather((double[]) send, (double[]) recv);
            default:
                return c.iallgather((byte[]) send, (byte[]) recv);
        }
    }

    static Request ialltoall(Communicator c, int kind, Object send, Object recv) {
        switch (kind) {
            case Region.E_INT:
                return c.ialltoall((int[]) send, (int[]) recv);
            case Region.E_LONG:
                return c.ialltoall((long[]) send, (long[]) recv);
            case Region.E_FLOAT:
                return c.ialltoall((float[]) send, (float[]) recv);
            case Region.E_DOUBLE:
                return c.ialltoall((double[]) send, (double[]) recv);
            default:
                return c.ialltoall((byte[]) send, (byte[]) recv);
        }
    }

    static Request ireduceScatter(Communicator c, int kind, Object send, Object recv, Op op) {
        switch (kind) {
            case Region.E_INT:
                return c.ireduceScatter((int[]) send, (int[]) recv, op);
            case Region.E_LONG:
                return c.ireduceScatter((long[]) send, (long[]) recv, op);
            case Region.E_FLOAT:
                return c.ireduceScatter((float[]) send, (float[]) recv, op);
            case Region.E_DOUBLE:
                return c.ireduceScatter((double[]) send, (double[]) recv, op);
            default:
                return c.ireduceScatter((byte[]) send, (byte[]) recv, op);
        }
    }

    static Request igatherv(Communicator c, int kind, Object send, Object recv, int[] counts, int[] displs, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.igatherv((int[]) send, (int[]) recv, counts, displs, root);
            case Region.E_LONG:
                return c.igatherv((long[]) send, (long[]) recv, counts, displs, root);
            case Region.E_FLOAT:
                return c.igatherv((float[]) send, (float[]) recv, counts, displs, root);
            case Region.E_DOUBLE:
                return c.igatherv((double[]) send, (double[]) recv, counts, displs, root);
            default:
                return c.igatherv((byte[]) send, (byte[]) recv, counts, displs, root);
        }
    }

    static Request iscatterv(Communicator c, int kind, Object send, int[] counts, int[] displs, Object recv, int root) {
        switch (kind) {
            case Region.E_INT:
                return c.iscatterv((int[]) send, counts, displs, (int[]) recv, root);
            case Region.E_LONG:
                return c.iscatterv((long[]) send, counts, displs, (long[]) recv, root);
            case Region.E_FLOAT:
                return c.iscatterv((float[]) send, counts, displs, (float[]) recv, root);
            case Region.E_DOUBLE:
                return c.iscatterv((double[]) send, counts, displs, (double[]) recv, root);
            default:
                return c.iscatterv((byte[]) send, counts, displs, (byte[]) recv, root);
        }
    }

    static Request iallgatherv(Communicator c, int kind, Object send, Object recv, int[] counts, int[] displs) {
        switch (kind) {
            case Region.E_INT:
                return c.iallgatherv((int[]) send, (int[]) recv, counts, displs);
            case Region.E_LONG:
                return c.iallgatherv((long[]) send, (long[]) recv, counts, displs);
            case Region.E_FLOAT:
                return c.iallgatherv((float[]) send, (float[]) recv, counts, displs);
            case Region.E_DOUBLE:
                return c.iallgatherv((double[]) send, (double[]) recv, counts, displs);
            default:
                return c.iallgatherv((byte[]) send, (byte[]) recv, counts, displs);
        }
    }

    static Request ialltoallv(Communicator c, int kind, Object send, int[] sendCounts, int[] sendDispls, Object recv, int[] recvCounts, int[] recvDispls) {
        switch (kind) {
            case Region.E_INT:
                return c.ialltoallv((int[]) send, sendCounts, sendDispls, (int[]) recv, recvCounts, recvDispls);
            case Region.E_LONG:
                return c.ialltoallv((long[]) send, sendCounts, sendDispls, (long[]) recv, recvCounts, recvDispls);
            case Region.E_FLOAT:
                return c.ialltoallv((float[]) send, sendCounts, sendDispls, (float[]) recv, recvCounts, recvDispls);
            case Region.E_DOUBLE:
                return c.ialltoallv((double[]) send, sendCounts, sendDispls, (double[]) recv, recvCounts, recvDispls);
            default:
                return c.ialltoallv((byte[]) send, sendCounts, sendDispls, (byte[]) recv, recvCounts, recvDispls);
        }
    }

    static Request ireduceScatter(Communicator c, int kind, Object send, Object recv, int[] counts, Op op) {
        switch (kind) {
            case Region.E_INT:
                return c.ireduceScatter((int[]) send, (int[]) recv, counts, op);
            case Region.E_LONG:
                return c.ireduceScatter((long[]) send, (long[]) recv, counts, op);
            case Region.E_FLOAT:
                return c.ireduceScatter((float[]) send, (float[]) recv, counts, op);
            case Region.E_DOUBLE:
                return c.ireduceScatter((double[]) send, (double[]) recv, counts, op);
            default:
                return c.ireduceScatter((byte[]) send, (byte[]) recv, counts, op);
        }
    }
}

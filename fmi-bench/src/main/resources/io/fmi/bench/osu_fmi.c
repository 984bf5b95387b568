/*
 * The Open MPI side of fmi-bench's process benchmark: the tests of io.fmi.bench.OsuWorker, with
 * the same iteration counts and the same output lines:
 *   @osu <test> <ranks> <bytes> <iterations> <microseconds per iteration, slowest rank>
 * Usage: mpirun -np N osu_fmi <tests,...> <sizes,...> <warm-up ms> <untimed passes> [separate] [iterations=N]
 * With "separate", each timed iteration starts after a barrier and is timed alone (as OSU's
 * collective tests do; OsuWorker's -Dfmi.osu.separate=true). With "iterations=N", every point is
 * timed over N iterations instead of OSU's count (OsuWorker's -Dfmi.osu.iterations=N).
 * Compiled by ProcessBench with mpicc -O2 when mpirun is installed.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 64

static int fixedIterations = 0;

static int iterations(long bytes) {
    if (fixedIterations > 0) return fixedIterations;
    long n = (32L << 20) / (bytes > 1 ? bytes : 1);
    if (n > 1000) n = 1000;
    if (n < 5) n = 5;
    return (int) n;
}

static void once(const char *test, int rank, int n, long bytes, char *a, char *b, double *x, double *y) {
    int w;
    if (!strcmp(test, "latency")) {
        if (rank == 0) {
            MPI_Send(a, (int) bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(b, (int) bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(b, (int) bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(a, (int) bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
        }
    } else if (!strcmp(test, "bandwidth")) {
        MPI_Request req[WINDOW];
        if (rank == 0) {
            for (w = 0; w < WINDOW; w++) MPI_Isend(a, (int) bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
            MPI_Recv(b, 1, MPI_BYTE, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            for (w = 0; w < WINDOW; w++) MPI_Irecv(b, (int) bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(WINDOW, req, MPI_STATUSES_IGNORE);
            MPI_Send(a, 1, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
        }
    } else if (!strcmp(test, "bcast")) {
        MPI_Bcast(a, (int) bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
    } else if (!strcmp(test, "allreduce")) {
        long count = bytes / 8 > 0 ? bytes / 8 : 1;
        MPI_Allreduce(x, y, (int) count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    } else if (!strcmp(test, "reduce")) {
        long count = bytes / 8 > 0 ? bytes / 8 : 1;
        MPI_Reduce(x, y, (int) count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    } else if (!strcmp(test, "allgather")) {
        MPI_Allgather(a, (int) bytes, MPI_BYTE, b, (int) bytes, MPI_BYTE, MPI_COMM_WORLD);
    } else {
        MPI_Alltoall(a, (int) bytes, MPI_BYTE, b, (int) bytes, MPI_BYTE, MPI_COMM_WORLD);
    }
}

/* One point: warm up for at least warmUp seconds (rank 0 decides, as OsuWorker), then time it. */
static void point(const char *test, long bytes, int rank, int n, double warmUp, int timed, int separate) {
    int perPeer = !strcmp(test, "allgather") || !strcmp(test, "alltoall");
    size_t length = perPeer ? bytes * n : bytes;
    char *a = malloc(length);
    char *b = malloc(length);
    /* Written, as OSU's set_buffer does: a buffer that is only read after calloc maps every page to
     * the kernel's one zero page, which stays in cache, so sends from it cost Open MPI almost
     * nothing to copy (the Java ranks' arrays are real memory, zeroed by the JVM). */
    memset(a, 'a' + rank % 26, length);
    memset(b, 'b', length);
    long count = bytes / 8 > 0 ? bytes / 8 : 1;
    double *x = malloc(count * sizeof(double));
    double *y = malloc(count * sizeof(double));
    for (long i = 0; i < count; i++) x[i] = rank + i;
    int iters = iterations(bytes);
    int warm = iters / 10 > 2 ? iters / 10 : 2;
    double until = MPI_Wtime() + warmUp;
    for (int i = 0; ; i++) {
        once(test, rank, n, bytes, a, b, x, y);
        if (i + 1 >= warm) {
            char more = MPI_Wtime() < until;
            MPI_Bcast(&more, 1, MPI_BYTE, 0, MPI_COMM_WORLD);
            if (!more) break;
        }
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime(), elapsed = 0;
    for (int i = 0; i < iters; i++) {
        if (separate) {
            MPI_Barrier(MPI_COMM_WORLD);
            start = MPI_Wtime();
        }
        once(test, rank, n, bytes, a, b, x, y);
        if (separate) elapsed += MPI_Wtime() - start;
    }
    double micros = (separate ? elapsed : MPI_Wtime() - start) * 1e6 / iters, slowest;
    if (!strcmp(test, "latency")) micros /= 2;
    MPI_Allreduce(&micros, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    if (timed && rank == 0) {
        printf("@osu %s %d %ld %d %.3f\n", test, n, bytes, iters, slowest);
        fflush(stdout);
    }
    free(a); free(b); free(x); free(y);
}

int main(int argc, char **argv) {
    int rank, n;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    if (argc < 5) {
        if (rank == 0) fprintf(stderr, "usage: osu_fmi <tests,...> <sizes,...> <warm-up ms> <untimed passes> [separate] [iterations=N]\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    double warmUp = atof(argv[3]) / 1e3;
    int separate = 0;
    for (int i = 5; i < argc; i++) {
        if (!strcmp(argv[i], "separate")) {
            separate = 1;
        } else if (!strncmp(argv[i], "iterations=", 11) && atoi(argv[i] + 11) > 0) {
            fixedIterations = atoi(argv[i] + 11);
        } else {
            if (rank == 0) fprintf(stderr, "osu_fmi: unknown option '%s'\n", argv[i]);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
    }
    /* the same passes as OsuWorker: untimed ones first, then the timed one */
    for (int pass = atoi(argv[4]); pass >= 0; pass--) {
        char *tests = strdup(argv[1]);
        char *saveTest = NULL;
        for (char *test = strtok_r(tests, ",", &saveTest); test; test = strtok_r(NULL, ",", &saveTest)) {
            if ((!strcmp(test, "latency") || !strcmp(test, "bandwidth")) && n != 2) continue;
            char *sizes = strdup(argv[2]);
            char *saveSize = NULL;
            for (char *s = strtok_r(sizes, ",", &saveSize); s; s = strtok_r(NULL, ",", &saveSize)) {
                point(test, atol(s), rank, n, warmUp, pass == 0, separate);
            }
            free(sizes);
        }
        free(tests);
    }
    MPI_Finalize();
    return 0;
}

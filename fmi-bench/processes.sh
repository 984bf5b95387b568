#!/usr/bin/env bash
# The process benchmark: one process per rank, FMI (Direct, started by fmirun) against the same
# algorithms over plain pre-connected Java sockets and against Open MPI (mpirun --mca btl tcp,self),
# in alternating rounds, with ratios. Installs Open MPI (Debian packages) if it is missing, builds
# the project if the jar is missing, and passes its arguments on, e.g.
#   fmi-bench/processes.sh --np 2,4,8 --tests allreduce --sizes 8,64K,1M --rounds 3
# (java -jar fmi-bench/target/fmi-bench.jar processes --help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v mpirun >/dev/null 2>&1 || ! command -v mpicc >/dev/null 2>&1; then
  echo "installing Open MPI (openmpi-bin, libopenmpi-dev) for the Open MPI column"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin libopenmpi-dev
fi
if [ ! -f fmi-bench/target/fmi-bench.jar ]; then
  mvn -B -q install -DskipTests
fi
exec java -jar fmi-bench/target/fmi-bench.jar processes "$@"

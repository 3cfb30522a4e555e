#!/usr/bin/env bash
# mpi_fit.sh: `clconv fit` under mpiexec: 2 and 3 processes learn what one
# process learns (within 1e-5, the start not being integral), rank 0 alone
# writing the weights; a process that cannot open its device, processes
# started with different options or data, and one with a bad command line
# make every process stop with a message and a non-zero exit, within a
# bounded time, and nothing is written.
# usage: mpi_fit.sh MPIEXEC CLCONV   (Python 3 with NumPy makes the data)
set -euo pipefail
mpiexec=$1 clconv=$2
python=/usr/bin/python3
[ -x "$python" ] || python=python3
work=$(mktemp -d "${TMPDIR:-/tmp}/clconv-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# Open MPI as root, more processes than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
"$python" - <<'PY'
import numpy as np
r = np.random.default_rng(7)
np.save("x.npy", r.integers(-1, 2, (7, 2, 6, 5)).astype(np.float32))
np.save("y.npy", r.uniform(-1, 1, (7, 3, 6, 5)).astype(np.float32))
np.save("x_narrow.npy", r.integers(-1, 2, (7, 2, 6, 4)).astype(np.float32))
np.save("y_narrow.npy", r.uniform(-1, 1, (7, 3, 6, 4)).astype(np.float32))
PY
fit=(fit --input x.npy --target y.npy --kernel 3x3 --padding 1 --bias
     --lr 0.01 --epochs 3 --loss mean)
"$clconv" "${fit[@]}" --weights-out w1.npy --bias-out b1.npy >one.txt
for np in 2 3; do
  timeout 120 "$mpiexec" -n $np "$clconv" "${fit[@]}" --weights-out w$np.npy \
    --bias-out b$np.npy >mpi$np.txt
  grep -q "^training on $np processes" mpi$np.txt
  [ "$(grep -c '^epoch' mpi$np.txt)" = 3 ] # rank 0 alone prints
  "$python" - $np <<'PY'
import sys, numpy as np
n = sys.argv[1]
for a, b in (("w1.npy", f"w{n}.npy"), ("b1.npy", f"b{n}.npy")):
    x, y = np.load(a), np.load(b)
    assert x.shape == y.shape and np.all(np.abs(x - y) <= 1e-5 * (1 + np.abs(x))), (a, b)
PY
  # The losses printed are the whole batch's, as one process prints them.
  "$python" - $np <<'PY'
import sys
n = sys.argv[1]
one = [float(l.split()[-1]) for l in open("one.txt") if l.startswith("epoch")]
mpi = [float(l.split()[-1]) for l in open(f"mpi{n}.txt") if l.startswith("epoch")]
assert all(abs(a - b) <= 1e-4 * (1 + abs(a)) for a, b in zip(one, mpi)), (one, mpi)
PY
done
# Rank 1 cannot open its device: every rank stops, none hangs.
cat >bad_rank.sh <<'SH'
#!/bin/sh
if [ "${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}" = 1 ]; then
  export CLCONV_DEVICE=no-such-device
fi
exec "$@"
SH
chmod +x bad_rank.sh
status=0
timeout 60 "$mpiexec" -n 3 ./bad_rank.sh "$clconv" "${fit[@]}" \
  --weights-out bad.npy >bad.txt 2>&1 || status=$?
[ $status -ne 0 ] && [ $status -ne 124 ] || { cat bad.txt; exit 1; }
grep -q "rank 1 of 3): cannot open a device" bad.txt
grep -q "another process failed; stopping" bad.txt
[ ! -e bad.npy ]
# Processes that would not train one model stop together (no hang, no
# MPI_Allreduce error), the first difference named. Each case: the command
# lines of rank 0 and rank 1, the message expected.
stops_together() {
  local name=$1 expected=$2
  shift 2
  local status=0
  timeout 60 "$mpiexec" "$@" >"$name.txt" 2>&1 || status=$?
  [ $status -ne 0 ] && [ $status -ne 124 ] || {
    echo "FAIL $name: exit status $status"
    cat "$name.txt"
    exit 1
  }
  grep -qF -- "$expected" "$name.txt" || {
    echo "FAIL $name: no '$expected'"
    cat "$name.txt"
    exit 1
  }
  [ ! -e stop.npy ]
}
stops_together epochs "the processes differ in --epochs: rank 0 has 3, rank 1 has 2" \
  -n 1 "$clconv" "${fit[@]}" --weights-out stop.npy : \
  -n 1 "$clconv" "${fit[@]}" --weights-out stop.npy --epochs 2
stops_together width "the processes differ in --input shape: rank 0 has 7 rows of 2 x 6 x 5, rank 2 has 7 rows of 2 x 6 x 4" \
  -n 2 "$clconv" "${fit[@]}" --weights-out stop.npy : \
  -n 1 "$clconv" fit --input x_narrow.npy --target y_narrow.npy --kernel 3x3 \
  --padding 1 --bias --lr 0.01 --epochs 3 --loss mean --weights-out stop.npy
stops_together usage "another process failed; stopping" \
  -n 1 "$clconv" "${fit[@]}" --weights-out stop.npy : \
  -n 1 "$clconv" fit --input x.npy
echo "mpi_fit: 2 and 3 processes as one; a failing rank, different options or data, a bad command line stop them all"

#!/usr/bin/env bash
# A newcomer's first `make review` must not fail, even on a busy 2-core machine with an empty Prefect home.
#
# Clones the repository (branch $BRANCH, default main) into a temporary folder, installs it once (`make install`,
# not timed), then keeps both cores busy with two busy loops and runs `make review` $RUNS times (default 5), each
# with a new, empty PREFECT_HOME and no outputs/, as a first run has. Prints the time and exit status of every run
# and exits 1 if any failed. Usage: scripts/first_run_check.sh [REPOSITORY]   (default: this checkout's origin)
set -euo pipefail

REPO=${1:-$(git -C "$(dirname "$0")/.." rev-parse --path-format=absolute --git-common-dir)}
BRANCH=${BRANCH:-main}
RUNS=${RUNS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/thidua-first-run.XXXXXX")
BUSY=()

stop_busy() {
  for pid in "${BUSY[@]}"; do kill "$pid" 2>/dev/null || true; done
  BUSY=()
}
trap stop_busy EXIT

echo "clone of $REPO ($BRANCH) in $WORK/clone"
git clone --quiet --branch "$BRANCH" "$REPO" "$WORK/clone"
cd "$WORK/clone"
# what the runs must not inherit from this shell: a server, a longer timeout, a quieter log level
unset PREFECT_API_URL PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS PREFECT_LOGGING_LEVEL
start=$(date +%s)
make install >"$WORK/install.log" 2>&1
echo "installed in $(($(date +%s) - start)) s (not counted)"

for _ in 1 2; do
  (while :; do :; done) &
  BUSY+=($!)
done
echo "two busy loops: ${BUSY[*]}"

failed=0
for i in $(seq 1 "$RUNS"); do
  rm -rf outputs/2025 outputs/.cache
  export PREFECT_HOME="$WORK/prefect-home-$i"   # empty: Prefect creates its database on this run
  start=$(date +%s.%N)
  if make review >"$WORK/run-$i.log" 2>&1; then status=ok; else status="FAILED ($?)"; failed=$((failed + 1)); fi
  seconds=$(awk "BEGIN { print $(date +%s.%N) - $start }")
  printf 'run %d: %s in %.1f s (log: %s)\n' "$i" "$status" "$seconds" "$WORK/run-$i.log"
done
stop_busy
echo "$((RUNS - failed))/$RUNS first runs succeeded"
[ "$failed" -eq 0 ]

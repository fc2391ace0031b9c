#!/usr/bin/env bash
# Runs the shared load harness (../shared/bench) with our proxy beside HAProxy and nginx.
# The harness is copied first: its StickyPool case starts with `exec java ...` while run.sh
# itself runs `exec $START`, and `exec exec` fails; the copy drops the case's own `exec`.
# Arguments go to run.sh (e.g. --quick, --no-checks); results land in target/bench/<run>/.
set -euo pipefail
cd "$(dirname "$0")/.."
harness=${BENCH_HARNESS:-../shared/bench}
[ -x "$harness/run.sh" ] || { echo "bench-proxy: no harness at $harness (set BENCH_HARNESS)" >&2; exit 1; }
copy=target/bench-harness
rm -rf "$copy" && mkdir -p target && cp -r "$harness" "$copy" && chmod -R u+w "$copy"
sed -i "s/^START='exec java/START='java/" "$copy/cases/30-stickypool.case"
[ -f target/stickypool.jar ] || mvn -B -ntp -q -DskipTests package
STICKYPOOL_JAR=$PWD/target/stickypool.jar BENCH_RESULTS=$PWD/target/bench \
  "$copy/run.sh" --cases "${CASES:-stickypool haproxy-cookie nginx-cookiehash}" "$@"

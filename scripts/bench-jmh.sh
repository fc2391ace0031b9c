#!/usr/bin/env bash
# Runs the JMH benchmarks (src/test/java/io/stickypool/bench) and the session-table footprint
# measurement, and writes the results under bench/results/. Arguments go to JMH; with none, every
# benchmark runs with the project's default settings (1 fork, 3x1s warm-up, 5x1s measurement).
#   scripts/bench-jmh.sh                         # everything
#   scripts/bench-jmh.sh PlacementBenchmark      # one class, defaults
#   scripts/bench-jmh.sh CookieBenchmark -f 1 -i 3
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh

MVN=${MVN:-mvn -B -ntp -q}
$MVN test-compile
$MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

out=bench/results
mkdir -p "$out"
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(java -version 2>&1 | head -1)"

if [ $# -eq 0 ]; then
  set -- 'io\.stickypool\.bench\..*' -f 1 -wi 3 -w 1s -i 5 -r 1s
fi
{
  echo "# JMH run $(date -u +%Y-%m-%dT%H:%MZ) on: $machine"
  java -cp "$CP" org.openjdk.jmh.Main "$@" -rf json -rff "$out/jmh-latest.json"
} | tee "$out/jmh-latest.txt"

if [ -z "${SKIP_FOOTPRINT:-}" ]; then
  {
    echo "# Session table footprint $(date -u +%Y-%m-%dT%H:%MZ) on: $machine"
    java -Xmx2g -XX:+UseParallelGC -cp "$CP" io.stickypool.bench.SessionTableFootprint
  } | tee "$out/session-table-footprint.txt"
fi

#!/usr/bin/env bash
# The operator-at-scale benchmark (issue 14): for each pool count, a fresh etcd + kube-apiserver
# (the control plane `make control-plane` builds), the pools, and `java -jar target/stickypool.jar
# operator` as a process of its own; writes bench/results/operator-scale-<date>.{md,json}.
# Arguments go to io.stickypool.bench.operator.OperatorScaleBench (--help lists them):
#   scripts/bench-operator.sh                      # 1, 10, 100 and 1000 pools
#   scripts/bench-operator.sh --pools 1,10         # a quick run
# Takes about 3 minutes per pool count up to 100, and up to --budget-min (15) at 1000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh

MVN=${MVN:-mvn -B -ntp -q}
[ -f target/stickypool.jar ] || $MVN -DskipTests package
$MVN test-compile
$MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(java -version 2>&1 | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
export STICKYPOOL_CONTROL_PLANE_BIN="${STICKYPOOL_CONTROL_PLANE_BIN:-$(bash scripts/build-control-plane.sh --print-dir)}"
exec java -Xmx2g -cp "$CP" io.stickypool.bench.operator.OperatorScaleBench --machine "$machine" "$@"

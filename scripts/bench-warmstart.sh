#!/usr/bin/env bash
# Cold start of the proxy, per JVM variant: milliseconds from exec to the first /readyz 200, then
# four back-to-back 10 s wrk rounds with no warm-up (64 keep-alive connections replaying cookie
# sessions, as in the shared harness): req/s of the first round over the fourth ("steady") is what
# the JIT costs a proxy that just started. Variants run in turn, REPEAT times, interleaved.
# Pinning as in the harness (wrk on CPU0, proxy and backends on CPU1); backends: the harness's nginx
# on 2808x. Absolute figures move with what else runs on the machine: compare within one run.
#
#   scripts/bench-warmstart.sh                      default, AppCDS, AppCDS + earlier JIT
#   VARIANTS="name|JVM opts;..." REPEAT=1 ROUND_S=5 scripts/bench-warmstart.sh
# Needs target/stickypool.jsa (make build, or scripts/build-cds.sh) for the AppCDS variants.
# Results: target/warmstart/<UTC time>/summary.tsv. Binds fixed ports: take the bench lock,
#   flock /tmp/stickypool-bench.lock scripts/bench-warmstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LB_OUT=${WARMSTART_RESULTS:-$PWD/target/warmstart}/$(date -u +%Y%m%dT%H%M%SZ)
ROUND_S=${ROUND_S:-10}
REPEAT=${REPEAT:-2}
BASE="-XX:+UseParallelGC -Xms256m -Xmx256m"
CDS="-XX:SharedArchiveFile=$PWD/target/stickypool.jsa"
VARIANTS=${VARIANTS:-"default|$BASE;appcds|$BASE $CDS;appcds-jit|$BASE $CDS -XX:CompileThresholdScaling=0.1"}
source scripts/lib/local-bench.sh
SUMMARY=$LB_OUT/summary.tsv
printf 'case\trun\tms to /readyz\treq/s r1\tr2\tr3\tr4\tr1/r4\n' > "$SUMMARY"

lb_log "warm start run -> $LB_OUT"
lb_backends
IFS=';' read -ra variants <<< "$VARIANTS"
for run in $(seq "$REPEAT"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r name opts <<< "$v"
    [ "$run" = 1 ] && echo "$name: java $opts" >> "$LB_OUT/variants.txt"
    t0=$(date +%s%N)
    lb_proxy "$name-$run" 28110 28119 "$opts"
    ready=$(lb_wait_http http://127.0.0.1:28119/readyz 60 "$t0")
    sessions=$(lb_sessions 28110 STICKY 64)
    rps=()
    for r in 1 2 3 4; do
      rps+=("$(lb_wrk "$LB_OUT/$name-$run-r$r.txt" 28110 "$ROUND_S" STICKY $sessions)")
    done
    printf '%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%s\n' "$name" "$run" "$ready" "${rps[@]}" \
      "$(awk -v a="${rps[0]}" -v b="${rps[3]}" 'BEGIN{printf "%.2f", a/b}')" >> "$SUMMARY"
    lb_log "$(tail -1 "$SUMMARY")"
    lb_stop "$LB_PID"
  done
done
lb_stop_all
echo; column -t -s $'\t' "$SUMMARY"

#!/usr/bin/env bash
# Cold start of the proxy, per JVM variant: milliseconds from exec to the first /readyz 200, then
# four back-to-back 10 s wrk rounds with no warm-up (64 keep-alive connections replaying cookie
# sessions, as in the shared harness): req/s of the first round over the fourth ("steady") is what
# the JIT costs a proxy that just started; so is the proxy's CPU per request in r1 over r4, which
# other work on the machine moves less. Variants run in turn, REPEAT times, interleaved.
# Pinning as in the harness (wrk on CPU0, proxy and backends on CPU1); backends: the harness's nginx
# on 2808x. Absolute figures move with what else runs on the machine: compare within one run.
#
#   scripts/bench-warmstart.sh     the harness flags without and with AppCDS, the sidecar flags (with it)
#   VARIANTS="name|JVM opts|proxy flags;..." REPEAT=1 ROUND_S=5 scripts/bench-warmstart.sh
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
source scripts/lib/proxy-jvm-opts.sh
SIDECAR=$(sidecar_java_opts "$PWD/target/stickypool.jsa")
VARIANTS=${VARIANTS:-"default|$BASE;appcds|$BASE $CDS;sidecar|$SIDECAR|--workers 1"}
source scripts/lib/local-bench.sh
SUMMARY=$LB_OUT/summary.tsv
printf 'case\trun\tms to /readyz\treq/s r1\tr2\tr3\tr4\tr1/r4\tCPU us/req r1\tr4\tr1/r4\n' > "$SUMMARY"

lb_log "warm start run -> $LB_OUT"
lb_backends
IFS=';' read -ra variants <<< "$VARIANTS"
for run in $(seq "$REPEAT"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r name opts flags <<< "$v"
    [ "$run" = 1 ] && echo "$name: java $opts ... proxy $flags" >> "$LB_OUT/variants.txt"
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    lb_proxy "$name-$run" 28110 28119 "$opts" $flags
    ready=$(lb_wait_http http://127.0.0.1:28119/readyz 60 "$t0")
    sessions=$(lb_sessions 28110 STICKY 64)
    rps=(); cpu=()
    for r in 1 2 3 4; do
      t=$(lb_ticks "$LB_PID")
      rps+=("$(lb_wrk "$LB_OUT/$name-$run-r$r.txt" 28110 "$ROUND_S" STICKY $sessions)")
      cpu+=("$(lb_cpu_us $(( $(lb_ticks "$LB_PID") - t )) "$(lb_requests "$LB_OUT/$name-$run-r$r.txt")")")
    done
    printf '%s\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t%s\n' "$name" "$run" "$ready" "${rps[@]}" \
      "$(awk -v a="${rps[0]}" -v b="${rps[3]}" 'BEGIN{printf "%.2f", a/b}')" "${cpu[0]}" "${cpu[3]}" \
      "$(awk -v a="${cpu[0]}" -v b="${cpu[3]}" 'BEGIN{printf "%.2f", a/b}')" >> "$SUMMARY"
    lb_log "$(tail -1 "$SUMMARY")"
    lb_stop "$LB_PID"
  done
done
lb_stop_all
echo; column -t -s $'\t' "$SUMMARY"

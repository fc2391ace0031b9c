#!/usr/bin/env bash
# io_uring against epoll, A/B: both proxies run side by side (same JVM flags, both pinned to CPU1
# with the backends) and are driven in alternation, ROUNDS short wrk runs each, so that whatever
# else loads the machine lands on both alike. Reports per run and the medians: req/s and proxy CPU
# microseconds per request (utime+stime over requests). The shared harness (bench-proxy.sh with
# CASES="sp-iouring sp-epoll") measures the same with fewer, longer rounds.
#
#   flock /tmp/stickypool-bench.lock scripts/bench-transport.sh      ROUNDS=8 RUN_S=5 WARM_S=15
# Results: target/transport/<UTC time>/summary.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
LB_OUT=${TRANSPORT_RESULTS:-$PWD/target/transport}/$(date -u +%Y%m%dT%H%M%SZ)
ROUNDS=${ROUNDS:-8}
RUN_S=${RUN_S:-5}
WARM_S=${WARM_S:-15}
# The same flags as the harness case; IPv4 so that io_uring's listener is an IPv4 socket too.
OPTS=${OPTS:-"-XX:+UseParallelGC -Xms256m -Xmx256m -Djava.net.preferIPv4Stack=true"}
source scripts/lib/local-bench.sh
printf 'round\ttransport\treq/s\tproxy CPU us/req\n' > "$LB_OUT/runs.tsv"

lb_log "transport A/B -> $LB_OUT"
lb_backends
declare -A pid=() port=([io_uring]=28110 [epoll]=28120) sessions=()
for t in io_uring epoll; do
  lb_proxy "$t" "${port[$t]}" $(( port[$t] + 9 )) "$OPTS" --transport "$t"
  pid[$t]=$LB_PID
  lb_wait_http "http://127.0.0.1:$(( port[$t] + 9 ))/readyz" 60 >/dev/null
  sessions[$t]=$(lb_sessions "${port[$t]}" STICKY 64)
  lb_wrk "$LB_OUT/$t.warmup.txt" "${port[$t]}" "$WARM_S" STICKY ${sessions[$t]} >/dev/null
done
for r in $(seq "$ROUNDS"); do
  for t in io_uring epoll; do
    t0=$(lb_ticks "${pid[$t]}")
    rps=$(lb_wrk "$LB_OUT/$t.r$r.txt" "${port[$t]}" "$RUN_S" STICKY ${sessions[$t]})
    cpu=$(lb_cpu_us $(( $(lb_ticks "${pid[$t]}") - t0 )) "$(lb_requests "$LB_OUT/$t.r$r.txt")")
    printf '%s\t%s\t%.0f\t%s\n' "$r" "$t" "$rps" "$cpu" >> "$LB_OUT/runs.tsv"
  done
done
lb_stop_all
awk -F'\t' 'NR > 1 { n[$2]++; R[$2, n[$2]] = $3; C[$2, n[$2]] = $4 }
  function med(a, t, k,   i, j, x, v) { for (i = 1; i <= k; i++) v[i] = a[t, i] + 0
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
    return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
  END { printf "transport\treq/s median\tproxy CPU us/req median\n"
    for (t in n) { r[t] = med(R, t, n[t]); c[t] = med(C, t, n[t]); printf "%s\t%.0f\t%.1f\n", t, r[t], c[t] }
    printf "io_uring/epoll\t%.2f\t%.2f\n", r["io_uring"] / r["epoll"], c["io_uring"] / c["epoll"] }' \
  "$LB_OUT/runs.tsv" > "$LB_OUT/summary.tsv"
echo; column -t -s $'\t' "$LB_OUT/summary.tsv"

#!/usr/bin/env bash
# Memory of the proxy beside HAProxy's, in one run: RSS under load (peak, sampled every 0.2 s over
# a 10 s wrk run after a warm-up: 64 keep-alive connections replaying cookie sessions, as in the
# shared harness) and memory per idle keep-alive connection (RSS with IDLE connections held open,
# each having made one request, minus RSS before, over IDLE). CPU pinning as in the harness: wrk
# and the idle client on CPU0, proxy and backends on CPU1. Backends: the harness's nginx on 2808x.
#
#   scripts/bench-footprint.sh                 sidecar flags, the harness's flags, HAProxy
#   IDLE=1000 LOAD_S=5 scripts/bench-footprint.sh            quicker
#   VARIANTS="name|JVM opts|proxy flags|ENV=value ...;..." scripts/bench-footprint.sh   other variants
# Results: target/footprint/<UTC time>/summary.tsv (+ wrk output, logs). Binds fixed ports
# (28081-28084, 28110-28119, 28101): take the bench lock like the harness:
#   flock /tmp/stickypool-bench.lock scripts/bench-footprint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LB_OUT=${FOOTPRINT_RESULTS:-$PWD/target/footprint}/$(date -u +%Y%m%dT%H%M%SZ)
IDLE=${IDLE:-10000}
LOAD_S=${LOAD_S:-10}
WARM_S=${WARM_S:-15}
# HAProxy wants 2 descriptors per maxconn up front: under the usual hard limit of 20,000 it holds
# at most this many idle connections (the per-connection figure is a ratio, so fewer is fine).
HAPROXY_IDLE=$(( ($(ulimit -Hn) - 1100) / 2 ))
[ "$HAPROXY_IDLE" -gt 10000 ] && HAPROXY_IDLE=10000
source scripts/lib/proxy-jvm-opts.sh
SIDECAR_OPTS=$(sidecar_java_opts "$PWD/target/stickypool.jsa")
VARIANTS=${VARIANTS:-"sidecar|$SIDECAR_OPTS|--workers 1;harness|-XX:+UseParallelGC -Xms256m -Xmx256m|"}
source scripts/lib/local-bench.sh
SUMMARY=$LB_OUT/summary.tsv
printf 'case\treq/s\tproxy CPU us/req\tpeak RSS under load MiB\tRSS idle before MiB\tRSS with N idle conns MiB (N)\tKiB per idle conn\n' > "$SUMMARY"

mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

# measure NAME PID PORT COOKIE IDLE: warm-up, loaded run with RSS sampling, then IDLE idle connections.
measure() {
  local name=$1 pid=$2 port=$3 cookie=$4 idle=$5 sessions rps t0 t1 req peak before with holder per
  sessions=$(lb_sessions "$port" "$cookie" 64)
  lb_wrk "$LB_OUT/$name.warmup.txt" "$port" "$WARM_S" "$cookie" $sessions >/dev/null
  t0=$(lb_ticks "$pid")
  peak=$(lb_peak_rss_during "$pid" "$LOAD_S" lb_wrk "$LB_OUT/$name.load.txt" "$port" "$LOAD_S" "$cookie" $sessions)
  t1=$(lb_ticks "$pid")
  rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' "$LB_OUT/$name.load.txt")
  req=$(lb_requests "$LB_OUT/$name.load.txt")
  sleep 2
  before=$(lb_rss_kb "$pid")
  taskset -c 0 python3 scripts/lib/idle-conns.py 127.0.0.1 "$port" "$idle" > "$LB_OUT/$name.idle.txt" 2>&1 & holder=$!
  for _ in $(seq 600); do grep -q '^ready' "$LB_OUT/$name.idle.txt" && break; kill -0 "$holder" 2>/dev/null || break; sleep 0.1; done
  grep -q '^ready' "$LB_OUT/$name.idle.txt" || { lb_log "$name: idle client failed: $(cat "$LB_OUT/$name.idle.txt")"; }
  sleep 2
  with=$(lb_rss_kb "$pid")
  kill "$holder" 2>/dev/null || true; wait "$holder" 2>/dev/null || true
  per=$(awk -v a="$with" -v b="$before" -v n="$idle" 'BEGIN{printf "%.1f", (a-b)/n}')
  printf '%s\t%.0f\t%s\t%s\t%s\t%s (%s)\t%s\n' "$name" "$rps" \
    "$(lb_cpu_us $((t1 - t0)) "$req")" \
    "$(mib "$peak")" "$(mib "$before")" "$(mib "$with")" "$idle" "$per" >> "$SUMMARY"
  lb_log "$(tail -1 "$SUMMARY")"
}

lb_log "footprint run -> $LB_OUT (idle connections: $IDLE)"
lb_backends
IFS=';' read -ra variants <<< "$VARIANTS"
for v in "${variants[@]}"; do
  IFS='|' read -r name opts flags LB_ENV <<< "$v"
  echo "$name: ${LB_ENV:+$LB_ENV }java $opts ... proxy $flags" >> "$LB_OUT/variants.txt"
  # shellcheck disable=SC2086
  lb_proxy "sp-$name" 28110 28119 "$opts" $flags
  lb_wait_http http://127.0.0.1:28119/readyz 60 >/dev/null
  measure "$name" "$LB_PID" 28110 STICKY "$IDLE"
  lb_stop "$LB_PID"
done

sed -e 's/^\( *bind \).*/\1127.0.0.1:28101/; s/maxconn 4096/maxconn '"$(( HAPROXY_IDLE + 500 ))"'/; s/127.0.0.1:1808\([1-4]\)/127.0.0.1:2808\1/' \
  "$LB_HARNESS/configs/haproxy-cookie.cfg" > "$LB_OUT/work/haproxy.cfg"
lb_start haproxy 1 haproxy -W -db -f "$LB_OUT/work/haproxy.cfg"
lb_wait_http http://127.0.0.1:28101/ 10 >/dev/null
measure haproxy-cookie "$LB_PID" 28101 SRV "$(( IDLE < HAPROXY_IDLE ? IDLE : HAPROXY_IDLE ))"
lb_stop_all
echo; column -t -s $'\t' "$SUMMARY"

#!/usr/bin/env bash
# HTTP/2 throughput of StickyPool beside HAProxy, both h2c with prior knowledge on one core, driven
# by h2load (Debian package nghttp2-client). Same layout as the shared harness (../shared/bench):
# the backends are its nginx (4 server blocks, one worker) and the pinning is its default: client
# on CLIENT_CPUS, proxy and backends on PROXY_CPUS/BACKEND_CPUS. HAProxy: `bind ... proto h2` in
# front of the harness's cookie-insert backend; StickyPool: its quick-start flags, the same JVM
# options as the harness's case. For context the same proxies are also driven over HTTP/1.1
# (h2load --h1, one request per connection at a time).
#
# Cases per round (interleaved, ROUNDS rounds): for each proxy, h2 "pinned" (every request carries
# the cookie the proxy issued, the steady state of a sticky session), h2 "new" (no cookie: placement
# plus Set-Cookie on every request) and h1 pinned. Reported: req/s and the proxy's CPU time per
# request (utime+stime of its process over the measured run, from /proc), the median of the rounds,
# and the StickyPool/HAProxy ratios. Raw h2load output and the table go to bench/results/.
#
#   flock /tmp/stickypool-bench.lock scripts/bench-h2.sh           # full run (3 rounds x 10 s)
#   ROUNDS=1 DURATION=3 flock /tmp/stickypool-bench.lock scripts/bench-h2.sh   # smoke test
# Binds fixed ports 18081-18084 (backends), 18201/18202 (HAProxy h2c/h1), 18210/18219 (StickyPool).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-16}          # h2load clients (connections)
STREAMS=${STREAMS:-10}      # concurrent streams per h2 connection
H1_CONNS=${H1_CONNS:-64}    # connections of the HTTP/1.1 pass (64, as the harness's wrk)
CLIENT_CPUS=${CLIENT_CPUS:-0}
PROXY_CPUS=${PROXY_CPUS:-1}
BACKEND_CPUS=${BACKEND_CPUS:-1}
harness=${BENCH_HARNESS:-../shared/bench}
jar=${STICKYPOOL_JAR:-$PWD/target/stickypool.jar}
command -v h2load >/dev/null || { echo "bench-h2: h2load missing (apt-get install nghttp2-client)" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "bench-h2: haproxy missing" >&2; exit 1; }
[ -f "$jar" ] || { echo "bench-h2: no $jar (mvn -DskipTests package)" >&2; exit 1; }

work=$(mktemp -d /tmp/bench-h2.XXXXXX)
out=bench/results/h2-$(date -u +%Y%m%dT%H%M%SZ).txt
mkdir -p bench/results "$work/be/tmp" "$work/hap"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_port() { for _ in $(seq 400); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not open" >&2; exit 1; }
listener_pid() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

cp "$harness/configs/backends.conf" "$work/be/backends.conf"
taskset -c "$BACKEND_CPUS" nginx -p "$work/be/" -c "$work/be/backends.conf" > "$work/be.log" 2>&1 & pids+=($!)
for p in 18081 18082 18083 18084; do wait_port $p; done

# h2c on 18201 (proto h2: prior knowledge), HTTP/1.1 on 18202, one frontend, the harness's backend
sed -e 's/^\(\s*\)bind 127.0.0.1:18101.*/\1bind 127.0.0.1:18201 proto h2\n\1bind 127.0.0.1:18202/' \
  "$harness/configs/haproxy-cookie.cfg" > "$work/hap/h2.cfg"
grep -q 'proto h2' "$work/hap/h2.cfg" || { echo "bench-h2: could not set proto h2" >&2; exit 1; }
taskset -c "$PROXY_CPUS" haproxy -W -db -f "$work/hap/h2.cfg" > "$work/hap.log" 2>&1 & pids+=($!)
# shellcheck disable=SC2086
taskset -c "$PROXY_CPUS" java ${STICKYPOOL_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx256m} -jar "$jar" proxy \
  --listen 127.0.0.1:18210 --admin 127.0.0.1:18219 --cookie-name STICKY \
  --backend b1=127.0.0.1:18081 --backend b2=127.0.0.1:18082 --backend b3=127.0.0.1:18083 --backend b4=127.0.0.1:18084 \
  > "$work/sp.log" 2>&1 & pids+=($!)
wait_port 18201; wait_port 18202; wait_port 18210

declare -A port=([haproxy]=18201 [stickypool]=18210) h1port=([haproxy]=18202 [stickypool]=18210) cookie=()
cookie[haproxy]="SRV=b2"
cookie[stickypool]=$(curl -s --http2-prior-knowledge -D - -o /dev/null http://127.0.0.1:18210/ | tr -d '\r' \
  | sed -n 's/^set-cookie: \(STICKY=[^;]*\).*/\1/Ip' | head -1)
[ -n "${cookie[stickypool]}" ] || { echo "bench-h2: StickyPool issued no cookie over h2" >&2; exit 1; }

run_case() { # proxy kind round -> appends "proxy kind round req/s us_per_req" to $work/rows
  local proxy=$1 kind=$2 round=$3 url="http://127.0.0.1:${port[$1]}/" args pid t0 t1 log rps done_n
  case $kind in
    h2-pinned) args=(-c "$CONNS" -m "$STREAMS" -H "cookie: ${cookie[$proxy]}") ;;
    h2-new) args=(-c "$CONNS" -m "$STREAMS") ;;
    h1-pinned) args=(--h1 -c "$H1_CONNS" -m 1 -H "cookie: ${cookie[$proxy]}"); url="http://127.0.0.1:${h1port[$1]}/" ;;
  esac
  pid=$(listener_pid "${port[$proxy]}")
  log="$work/$proxy-$kind-$round.log"
  t0=$(cpu_ticks "$pid")
  taskset -c "$CLIENT_CPUS" h2load -t 1 -D "$DURATION" --warm-up-time="$WARMUP" "${args[@]}" "$url" > "$log" 2>&1 || true
  t1=$(cpu_ticks "$pid")
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$log")
  done_n=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$log")
  # ticks (1/100 s) over the measured run only is not separable from warm-up: scale by time share
  awk -v p="$proxy" -v k="$kind" -v r="$round" -v rps="${rps:-0}" -v n="${done_n:-0}" -v dt=$((t1 - t0)) \
    -v d="$DURATION" -v w="$WARMUP" 'BEGIN { us = n > 0 ? dt * 10000 * d / (d + w) / n : 0;
      printf "%s %s %s %.0f %.1f\n", p, k, r, rps, us }' >> "$work/rows"
  { echo "=== $proxy $kind round $round (cpu ticks $((t1 - t0)))"; cat "$log"; } >> "$out.raw"
}

{
  echo "# scripts/bench-h2.sh $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# ROUNDS=$ROUNDS DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS=$CONNS STREAMS=$STREAMS H1_CONNS=$H1_CONNS"
  echo "# pinning: h2load on $CLIENT_CPUS, proxy on $PROXY_CPUS, backends on $BACKEND_CPUS; $(haproxy -v | head -1)"
  echo "# $(h2load --version 2>&1 | head -1); java: $(java -version 2>&1 | head -1)"
} > "$out"
: > "$out.raw"
# The JIT's warm-up, unmeasured (the harness gives its JVM cases 15 s too)
echo "warming StickyPool up for ${JVM_WARMUP:-15} s" >&2
taskset -c "$CLIENT_CPUS" h2load -t 1 -D "${JVM_WARMUP:-15}" -c "$CONNS" -m "$STREAMS" http://127.0.0.1:18210/ > /dev/null 2>&1 || true
taskset -c "$CLIENT_CPUS" h2load -t 1 -D 5 --h1 -c "$H1_CONNS" http://127.0.0.1:18210/ > /dev/null 2>&1 || true
for round in $(seq "$ROUNDS"); do
  for kind in h2-pinned h2-new h1-pinned; do
    for proxy in stickypool haproxy; do
      run_case "$proxy" "$kind" "$round"
      echo "round $round $proxy $kind: $(tail -1 "$work/rows" | cut -d' ' -f4-) (req/s, proxy CPU us/req)" >&2
    done
  done
done

{
  echo
  printf '%-10s %-10s %14s %18s\n' proxy case "req/s (median)" "proxy CPU us/req"
  for kind in h2-pinned h2-new h1-pinned; do
    for proxy in stickypool haproxy; do
      rps=$(awk -v p=$proxy -v k=$kind '$1==p && $2==k {print $4}' "$work/rows" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      us=$(awk -v p=$proxy -v k=$kind '$1==p && $2==k {print $5}' "$work/rows" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      printf '%-10s %-10s %14s %18s\n' "$proxy" "$kind" "$rps" "$us"
      eval "m_${proxy}_${kind//-/_}_rps=$rps m_${proxy}_${kind//-/_}_us=$us"
    done
  done
  echo
  echo "StickyPool / HAProxy (median of rounds):"
  for kind in h2-pinned h2-new h1-pinned; do
    k=${kind//-/_}
    eval "a=\$m_stickypool_${k}_rps b=\$m_haproxy_${k}_rps c=\$m_stickypool_${k}_us d=\$m_haproxy_${k}_us"
    awk -v k="$kind" -v a="$a" -v b="$b" -v c="$c" -v d="$d" \
      'BEGIN { printf "  %-10s req/s %.2fx   CPU per request %.2fx\n", k, (b > 0 ? a / b : 0), (d > 0 ? c / d : 0) }'
  done
  echo
  echo "rounds (proxy case round req/s us/req):"
  cat "$work/rows"
  echo
  echo "h2load output of every run: $out.raw"
} | tee -a "$out"

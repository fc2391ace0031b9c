#!/usr/bin/env bash
# New TLS handshakes per second (no resumption) against StickyPool with each TLS engine and against
# HAProxy, the server pinned to CPU1 and `openssl s_time -new` (the client) to CPU0, one at a time,
# TIME seconds each after a short warm-up; also the server's CPU per handshake. Each server gets the
# same P-256 certificate. Binds fixed ports 18160-18162 on loopback: run under
# `flock /tmp/stickypool-bench.lock`. Output: target/bench/tls-handshakes-<date>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
TIME=${TIME:-10}
WARMUP=${WARMUP:-8}
[ -f target/stickypool.jar ] || mvn -B -ntp -q -DskipTests package
dir=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
cat "$dir/tls.crt" "$dir/tls.key" > "$dir/tls.pem"
cat > "$dir/haproxy.cfg" <<CFG
global
    nbthread 1
    ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:18162 ssl crt $dir/tls.pem alpn http/1.1
    http-request return status 200
CFG
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
out=target/bench/tls-handshakes-$(date -u +%Y%m%dT%H%M%SZ).txt; mkdir -p target/bench
measure() { # name port pid
  local name=$1 port=$2 pid=$3 t0 t1 line
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.2; done
  timeout $((WARMUP + 10)) taskset -c 0 openssl s_time -connect 127.0.0.1:"$port" -new -time "$WARMUP" >/dev/null 2>&1 || true
  t0=$(ticks "$pid")
  line=$(timeout $((TIME + 10)) taskset -c 0 openssl s_time -connect 127.0.0.1:"$port" -new -time "$TIME" 2>&1 |
    grep -m1 'connections in .* real seconds')
  t1=$(ticks "$pid")
  awk -v n="$name" -v l="$line" -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" 'BEGIN{
    split(l, a, " "); c=a[1]; s=a[4]; printf "%-12s %8.0f handshakes/s  %7.1f us server CPU/handshake   (%s)\n", n, c/s, (c>0 ? d*1e6/hz/c : 0), l}' | tee -a "$out"
}
java_opts=${STICKYPOOL_JAVA_OPTS:--XX:+UseParallelGC -Xms256m -Xmx256m}
for engine in openssl jdk; do
  port=$([ $engine = openssl ] && echo 18160 || echo 18161)
  # shellcheck disable=SC2086
  taskset -c 1 java $java_opts -jar target/stickypool.jar proxy --tls-cert "$dir/tls.crt" --tls-key "$dir/tls.key" \
    --tls-engine $engine --listen 127.0.0.1:$port --admin 127.0.0.1:$((port + 10)) --backend a=127.0.0.1:9 \
    > "$dir/sp-$engine.log" 2>&1 & pids+=($!)
  measure "sp-$engine" $port $!
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done
taskset -c 1 haproxy -db -f "$dir/haproxy.cfg" > "$dir/haproxy.log" 2>&1 & pids+=($!)
measure haproxy 18162 $!
echo "written to $out"

# Shared by bench-warmstart.sh and bench-footprint.sh (sourced, not run): the shared harness's four
# nginx backends moved to ports 2808x, proxies started by PID on CPU1 and driven by wrk on CPU0 as
# in the harness, RSS read from /proc. Everything started is stopped by PID on exit.
# Callers set LB_OUT (a results directory) before sourcing; the harness's configs and sticky.lua
# come from BENCH_HARNESS (default ../shared/bench).
set -euo pipefail
LB_HARNESS=${BENCH_HARNESS:-../shared/bench}
LB_JAR=${STICKYPOOL_JAR:-$PWD/target/stickypool.jar}
LB_BACKENDS="b1=127.0.0.1:28081,b2=127.0.0.1:28082,b3=127.0.0.1:28083,b4=127.0.0.1:28084"
LB_PIDS=()
mkdir -p "$LB_OUT/work/tmp"
[ -f "$LB_HARNESS/configs/backends.conf" ] || { echo "no harness at $LB_HARNESS (set BENCH_HARNESS)" >&2; exit 1; }
[ -f "$LB_JAR" ] || { echo "no $LB_JAR: run make build" >&2; exit 1; }
# 10,000 idle connections and HAProxy's maxconn need more descriptors than the usual 20,000 hard limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

lb_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LB_OUT/log.txt" >&2; }

lb_stop_all() {
  local p
  for p in "${LB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${LB_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  LB_PIDS=()
}
trap lb_stop_all EXIT
trap 'exit 130' INT TERM

# lb_start LOGNAME CPU COMMAND...: runs COMMAND in the background, pinned; sets LB_PID.
lb_start() {
  local name=$1 cpu=$2; shift 2
  (cd "$LB_OUT/work" && exec taskset -c "$cpu" "$@") >>"$LB_OUT/$name.log" 2>&1 </dev/null &
  LB_PID=$!
  LB_PIDS+=("$LB_PID")
}

lb_stop() { # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${LB_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  LB_PIDS=("${keep[@]}")
}

lb_backends() {
  sed 's/1808\([1-4]\)/2808\1/; s/^pid .*/pid backends.pid;/' "$LB_HARNESS/configs/backends.conf" > "$LB_OUT/work/backends.conf"
  lb_start backends 1 nginx -p "$LB_OUT/work/" -c "$LB_OUT/work/backends.conf"
  lb_wait_http "http://127.0.0.1:28084/" 10 >/dev/null
}

# lb_proxy NAME PORT ADMIN "JVM OPTS" [proxy flags...]: a StickyPool proxy in cookie mode (cookie
# STICKY), with the environment assignments in LB_ENV (such as MALLOC_ARENA_MAX=2).
lb_proxy() {
  local name=$1 port=$2 admin=$3 opts=$4 b args=(); shift 4
  for b in ${LB_BACKENDS//,/ }; do args+=(--backend "$b"); done
  # shellcheck disable=SC2086
  lb_start "$name" 1 env ${LB_ENV:-} java $opts -jar "$LB_JAR" proxy --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" \
    --cookie-name STICKY "${args[@]}" "$@"
}

# lb_wait_http URL TIMEOUT_S [START_NS]: prints the milliseconds from START_NS (default: now) until
# URL answered 200.
lb_wait_http() {
  local t0=${3:-$(date +%s%N)} now
  while now=$(date +%s%N); [ $(( now - t0 )) -lt $(( $2 * 1000000000 )) ]; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null)" = 200 ]; then
      echo $(( ($(date +%s%N) - t0) / 1000000 )); return 0
    fi
    sleep 0.005
  done
  echo "no 200 from $1 within $2 s" >&2; return 1
}

# lb_sessions PORT COOKIE N: N cookie values the proxy hands to N new clients.
lb_sessions() {
  local i
  for i in $(seq "$3"); do
    curl -s -o /dev/null -D - --max-time 3 "http://127.0.0.1:$1/" | tr -d '\r' |
      awk -v c="$2" 'tolower($1)=="set-cookie:" && index($2, c"=")==1 {sub(/;.*/,"",$2); sub(/^[^=]*=/,"",$2); printf "%s ", $2; exit}'
  done
}

# lb_wrk OUTFILE PORT SECONDS COOKIE [SESSIONS...]: 64 keep-alive connections replaying sessions; prints req/s.
lb_wrk() {
  local out=$1 port=$2 secs=$3; shift 3
  taskset -c 0 wrk -t1 -c64 -d"${secs}s" -s "$LB_HARNESS/lib/sticky.lua" "http://127.0.0.1:$port/" -- "$@" > "$out" 2>&1
  sed -n 's/.* rps=\([0-9.]*\).*/\1/p' "$out" | head -1
}

lb_ticks() { # PID -> utime+stime (clock ticks) of it and its children (HAProxy's worker is the master's child)
  local p s t=0
  for p in "$1" $(pgrep -P "$1" || true); do s=$(cat "/proc/$p/stat"); s=${s##*) }; set -- $s; t=$(( t + ${12} + ${13} )); done
  echo "$t"
}

# lb_cpu_us TICKS REQUESTS -> CPU microseconds per request
lb_cpu_us() { awk -v d="$1" -v n="$2" -v t="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (n > 0 ? d*1e6/t/n : 0)}'; }

# lb_requests WRK_OUTPUT -> requests served in that wrk run
lb_requests() { sed -n 's/.* requests=\([0-9]*\).*/\1/p' "$1" | head -1; }

lb_rss_kb() { # PID... -> summed VmRSS (kB) of these processes and their children
  local p t=0 all v
  all=$(for p in "$@"; do echo "$p"; pgrep -P "$p" || true; done)
  for p in $all; do v=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true); t=$(( t + ${v:-0} )); done
  echo "$t"
}

# lb_peak_rss_during PID SECONDS COMMAND...: runs COMMAND while sampling RSS every 0.2 s; prints the peak (kB).
lb_peak_rss_during() {
  local pid=$1 secs=$2 peak=0 r cmd; shift 2
  "$@" >/dev/null & cmd=$!
  while kill -0 "$cmd" 2>/dev/null; do
    r=$(lb_rss_kb "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.2
  done
  wait "$cmd" || true
  echo "$peak"
}

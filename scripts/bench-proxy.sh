#!/usr/bin/env bash
# Runs the shared load harness (../shared/bench) with our proxy beside HAProxy and nginx.
# The harness is copied first: its StickyPool case starts with `exec java ...` while run.sh
# itself runs `exec $START`, and `exec exec` fails; the copy drops the case's own `exec`.
# Our own variant cases (scripts/bench-cases: io_uring, epoll, sidecar flags, AppCDS) are added to
# the copy; name them in CASES to run them, e.g.
#   CASES="stickypool sp-iouring sp-epoll haproxy-cookie" scripts/bench-proxy.sh --no-checks
# While it runs, the RSS of every case's listening process (plus its parent when that is the same
# program, HAProxy's master) is sampled each second; the peak per case is written to rss.tsv in the
# run's directory and printed at the end: with the rounds, that is RSS under load.
# Arguments go to run.sh (e.g. --quick, --no-checks); results land in target/bench/<run>/.
# Binds the harness's fixed ports: run one at a time, `flock /tmp/stickypool-bench.lock ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
harness=${BENCH_HARNESS:-../shared/bench}
[ -x "$harness/run.sh" ] || { echo "bench-proxy: no harness at $harness (set BENCH_HARNESS)" >&2; exit 1; }
copy=target/bench-harness
rm -rf "$copy" && mkdir -p target && cp -r "$harness" "$copy" && chmod -R u+w "$copy"
sed -i "s/^START='exec java/START='java/" "$copy/cases/30-stickypool.case"
cp scripts/bench-cases/*.case "$copy/cases/"
# TLS cases: a scheme per case (wrk and hey speak https; curl is told --insecure through a .curlrc),
# their config templates, and one self-signed certificate for every TLS case.
sed -i 's#"http://127.0.0.1:\(\$PORT\|\$1\)/"#"${SCHEME:-http}://127.0.0.1:\1/"#; s/^CASE_VARS="/CASE_VARS="SCHEME /' "$copy/run.sh"
cp scripts/bench-cases/*.cfg "$copy/configs/"
export BENCH_TLS_DIR=$PWD/target/bench-tls CURL_HOME=$PWD/target/bench-tls
mkdir -p "$BENCH_TLS_DIR" && echo insecure > "$BENCH_TLS_DIR/.curlrc"
[ -f "$BENCH_TLS_DIR/tls.pem" ] || { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=localhost -keyout "$BENCH_TLS_DIR/tls.key" -out "$BENCH_TLS_DIR/tls.crt" 2>/dev/null
  cat "$BENCH_TLS_DIR/tls.crt" "$BENCH_TLS_DIR/tls.key" > "$BENCH_TLS_DIR/tls.pem"; }
[ -f target/stickypool.jar ] || mvn -B -ntp -q -DskipTests package
export STICKYPOOL_CDS_ARCHIVE=${STICKYPOOL_CDS_ARCHIVE:-$PWD/target/stickypool.jsa}
source scripts/lib/proxy-jvm-opts.sh
export STICKYPOOL_SIDECAR_JAVA_OPTS=${STICKYPOOL_SIDECAR_JAVA_OPTS:-$(sidecar_java_opts "$STICKYPOOL_CDS_ARCHIVE")}

rss_of_port() { # PORT -> RSS kB of the listener's process (+ its parent if the same program)
  local pid parent kb=0 p v
  pid=$(ss -ltnpH "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$pid" ] || { echo 0; return; }
  parent=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null || true)
  for p in $pid $( [ -n "$parent" ] && [ "$(cat "/proc/$parent/comm" 2>/dev/null)" = "$(cat "/proc/$pid/comm" 2>/dev/null)" ] && echo "$parent"); do
    v=$(awk '/^VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || true); kb=$(( kb + ${v:-0} ))
  done
  echo "$kb"
}
sample_rss() { # OUTFILE: peak RSS per case while the harness runs
  local -A peak=() port=() f name kb
  for f in "$copy"/cases/*.case; do
    name=$(sed -n 's/^NAME=//p' "$f"); port[$name]=$(sed -n 's/^PORT=//p' "$f")
  done
  while :; do
    for name in "${!port[@]}"; do
      kb=$(rss_of_port "${port[$name]}")
      [ "$kb" -gt "${peak[$name]:-0}" ] && peak[$name]=$kb
    done
    { printf 'case\tpeak RSS MiB\n'; for name in "${!peak[@]}"; do printf '%s\t%.1f\n' "$name" "$(awk -v k="${peak[$name]}" 'BEGIN{print k/1024}')"; done; } > "$1"
    sleep 1
  done
}

rss=$(mktemp)
sample_rss "$rss" & sampler=$!
trap 'kill $sampler 2>/dev/null || true; rm -f "$rss"' EXIT
status=0
STICKYPOOL_JAR=$PWD/target/stickypool.jar BENCH_RESULTS=$PWD/target/bench \
  "$copy/run.sh" --cases "${CASES:-stickypool haproxy-cookie nginx-cookiehash}" "$@" || status=$?
kill "$sampler" 2>/dev/null || true
run_dir=$(ls -td target/bench/*/ | head -1)
{ head -1 "$rss"; tail -n +2 "$rss" | sort; } > "$run_dir/rss.tsv"
echo; echo "Peak RSS while the harness ran (sampled each second, $run_dir/rss.tsv):"; column -t -s $'\t' "$run_dir/rss.tsv"
exit "$status"

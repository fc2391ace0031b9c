#!/usr/bin/env bash
# Builds an AppCDS archive for the proxy (JDK 17 dynamic archive): a short training run of
# `stickypool proxy` with -XX:ArchiveClassesAtExit, fed requests through its own admin port as the
# backend (new sessions, returning sessions, a bad cookie, admin reads), then stopped with SIGTERM so
# the archive is written at exit. Start the proxy with -XX:SharedArchiveFile=<archive> to map those
# classes instead of loading them (docs/proxy-tuning.md: warm start).
#
#   scripts/build-cds.sh [JAR [ARCHIVE]]     default target/stickypool.jar -> target/stickypool.jsa
#
# An archive only fits the JVM build that wrote it and the jar at the same absolute path with the
# same size and mtime; with another, the JVM says so in one warning and runs without it. So the
# archive is built where it is used: by `make build` for this machine, in the image for the image.
# Needs only bash (requests go over /dev/tcp); never fails the build: no archive is a slower start.
# For another root file system (the image's, scripts/build-image.sh): CDS_ROOT=<dir> makes JAR and
# ARCHIVE paths inside it, and JAVA=<command> runs the java that lives there (default: java).
set -uo pipefail
root=${CDS_ROOT:-}
if [ -n "$root" ]; then
  jar=$1 archive=$2
else
  jar=$(realpath "${1:-target/stickypool.jar}")
  archive=$(realpath -m "${2:-${jar%.jar}.jsa}")
fi
java=${JAVA:-java}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ -f "$root$jar" ] || { echo "build-cds: no $root$jar" >&2; exit 1; }
rm -f "$root$archive"

request() { # port path [cookie]: one HTTP/1.1 request, response discarded
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: training\r\n%bConnection: close\r\n\r\n' "$2" "${3:+Cookie: $3\r\n}" >&3
  cat <&3 >/dev/null
  exec 3>&-
}

train() { # port admin
  local i cookie
  for i in $(seq 20); do request "$1" /healthz; done
  for i in $(seq 20); do request "$1" /readyz "stickypool=not-a-valid-cookie"; done
  exec 4<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET /healthz HTTP/1.1\r\nHost: training\r\nConnection: close\r\n\r\n' >&4
  cookie=$(tr -d '\r' <&4 | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
  exec 4>&-
  for i in $(seq 50); do request "$1" /metrics "$cookie"; done
  for path in /healthz /readyz /metrics /sessions /sessions/report /drained; do request "$2" "$path"; done
}

for attempt in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 20000 )); admin=$(( port + 1 ))
  $java -XX:ArchiveClassesAtExit="$archive" -Xshare:auto -jar "$jar" proxy \
    --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" --backend "self=127.0.0.1:$admin" \
    --drain-grace 1s > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do grep -q "serving on" "$log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if grep -q "serving on" "$log"; then
    train "$port" "$admin"
    kill -TERM "$pid"; wait "$pid"
    break
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
done
if [ -s "$root$archive" ]; then
  echo "build-cds: $root$archive ($(( $(stat -c %s "$root$archive") / 1024 / 1024 )) MiB), for $jar on $($java -version 2>&1 | sed -n 2p)"
else
  echo "build-cds: no archive written (the proxy starts without one); training log:" >&2
  cat "$log" >&2
fi

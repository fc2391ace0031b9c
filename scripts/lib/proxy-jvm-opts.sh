# Sourced by the bench scripts: the sidecar JVM flags of scripts/proxy-jvm.env.
# sidecar_java_opts [ARCHIVE]: the flags, plus -XX:SharedArchiveFile=ARCHIVE when that file exists.
sidecar_java_opts() {
  local opts
  opts=$(sed -n 's/^STICKYPOOL_SIDECAR_JAVA_OPTS=//p' "$(dirname "${BASH_SOURCE[0]}")/../proxy-jvm.env")
  if [ -n "${1:-}" ] && [ -f "$1" ]; then opts+=" -XX:SharedArchiveFile=$1"; fi
  echo "$opts"
}

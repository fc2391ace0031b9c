#!/usr/bin/env bash
# Builds a real Kubernetes control plane from the Go module proxy (no release downloads):
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  (k8s.io/kubernetes)
#   etcd                                                              (go.etcd.io/etcd/server/v3)
#   kwok, kwokctl                                                     (sigs.k8s.io/kwok)
# into a versioned cache directory outside the repo, plus the KWOK stage YAMLs (stages/), and links
# etcd/kube-apiserver/kubectl where io.fabric8:kube-api-test looks for them
# (${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<x.y.z>-linux-amd64/).
#
#   scripts/build-control-plane.sh              # build (cold: ~15 min on 2 cores), print bin dir
#   scripts/build-control-plane.sh --print-dir  # print bin dir; exit 0 if built, 1 if not (no build)
#   BIN=$(scripts/build-control-plane.sh | tail -n 1)
#
# Progress goes to stderr; the last line on stdout is the bin directory. A completion stamp
# (<dir>/.complete) is written last: with it present a run is a no-op that only re-checks the
# kube-api-test links. Environment:
#   STICKYPOOL_CONTROL_PLANE_DIR  cache root (default ~/.cache/stickypool/control-plane)
#   K8S_VERSION (v1.37.2)  ETCD_VERSION (v3.7.3)  KWOK_VERSION (v0.8.0)
#   BUILD_KWOKCTL=0  skip kwokctl;  GO_BUILD_P (2) go build -p;  KUBE_API_TEST_DIR (~/.kubeapitest)
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.7.3}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
BUILD_KWOKCTL="${BUILD_KWOKCTL:-1}"
GO_BUILD_P="${GO_BUILD_P:-2}"
# The one approved way to get a Go newer than the machine's (only used if a module asks for it).
APPROVED_TOOLCHAIN="go1.27.3"

ROOT="${STICKYPOOL_CONTROL_PLANE_DIR:-$HOME/.cache/stickypool/control-plane}"
NAME="k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}-kwok-${KWOK_VERSION}"
DIR="$ROOT/$NAME"
BIN="$DIR/bin"
STAMP="$DIR/.complete"
WORK="$ROOT/.work/$NAME"
KAT_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
KAT_VERSION_DIR="$KAT_DIR/k8s/${K8S_VERSION#v}-linux-amd64"

START=$SECONDS
log() { echo "build-control-plane: [$((SECONDS - START))s] $*" >&2; }
fail() {
  echo "build-control-plane: $*" >&2
  exit 1
}

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

print_dir_only=0
case "${1:-}" in
  "") ;;
  --print-dir) print_dir_only=1 ;;
  -h | --help)
    usage
    exit 0
    ;;
  *) fail "unknown argument '$1' (use --print-dir or --help)" ;;
esac

# kube-api-test takes the newest <x.y.z>-linux-amd64 dir under k8s/ and needs etcd, kube-apiserver
# and kubectl in it. Idempotent; a real directory holding symlinks to our binaries.
link_kubeapitest() {
  mkdir -p "$KAT_VERSION_DIR"
  local b
  for b in etcd kube-apiserver kubectl; do
    ln -sfn "$BIN/$b" "$KAT_VERSION_DIR/$b"
  done
}

if [ "$print_dir_only" = 1 ]; then
  echo "$BIN"
  [ -f "$STAMP" ] && exit 0
  exit 1
fi

if [ -f "$STAMP" ]; then
  link_kubeapitest
  log "already built ($(sed -n 's/^built_at=//p' "$STAMP")); nothing to do"
  echo "$BIN"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Toolchain
command -v go >/dev/null 2>&1 || fail "go is not installed (or not on PATH): Go >= 1.26 is needed \
(Debian's golang-go is too old); install Go 1.26+ and put its bin/ on PATH, then run again"

ver_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; } # $1 >= $2
local_go="$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null || true)"
local_go="${local_go#go}"
[ -n "$local_go" ] || fail "'go env GOVERSION' failed: is the go on PATH working?"
ver_ge "$local_go" "1.26" || fail "go $local_go is too old: Go >= 1.26 is needed; install Go 1.26+"
command -v flock >/dev/null 2>&1 || fail "flock is missing (Debian package util-linux)"

# Sets GO_LINE to the go line of go.mod $1; switches to the approved toolchain only if a module
# needs a newer Go than the local one (then every go command below uses it).
need_go() {
  GO_LINE="$(sed -n 's/^go[[:space:]]\{1,\}\([0-9.]*\).*/\1/p' "$1" | head -n 1)"
  GO_LINE="${GO_LINE:-1.26.0}"
  if ! ver_ge "$local_go" "$GO_LINE" && [ "${GOTOOLCHAIN:-}" != "$APPROVED_TOOLCHAIN" ]; then
    log "$1 asks for go $GO_LINE > local go $local_go: export GOTOOLCHAIN=$APPROVED_TOOLCHAIN"
    export GOTOOLCHAIN="$APPROVED_TOOLCHAIN"
  fi
}

export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath -buildvcs=false"
GOOS_GOARCH="$(go env GOOS)/$(go env GOARCH)"
[ "$GOOS_GOARCH" = "linux/amd64" ] || log "warning: building for $GOOS_GOARCH; kube-api-test links assume linux-amd64"

mkdir -p "$ROOT" "$WORK" "$BIN"
exec 9>"$ROOT/.lock-$NAME"
if ! flock -n 9; then
  log "another build of $NAME is running; waiting for it"
  flock 9
fi
if [ -f "$STAMP" ]; then # the other build finished it
  link_kubeapitest
  echo "$BIN"
  exit 0
fi

log "building $NAME into $DIR (go $local_go, GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE))"

# Sets the shell variable named $1 to the value of field $2 of `go mod download -json $3`.
mod_field() {
  local json
  json="$(cd "$WORK" && go mod download -json "$3")" || fail "go mod download $3 failed"
  printf -v "$1" '%s' "$(printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}\$/\1/p")"
  [ -n "${!1}" ] || fail "go mod download -json $3: no $2 in: $json"
}

# Runs go build for one binary with a ticker, logging elapsed time. Writes to a temp name, then
# renames, so an interrupted build never leaves a half-written binary behind.
TIMINGS="$WORK/timings.txt"
: >"$TIMINGS"
build_one() { # $1 = module dir, $2 = output name, $3 = package, $4 = ldflags
  local moddir="$1" out="$2" pkg="$3" ldflags="$4"
  if [ -x "$BIN/$out" ]; then
    log "$out: already in $BIN (from an interrupted run), keeping it"
    return 0
  fi
  local t0=$SECONDS
  log "$out: go build $pkg"
  (cd "$moddir" && exec go build -p "$GO_BUILD_P" -ldflags "$ldflags" -o "$BIN/.$out.tmp" "$pkg" 9>&-) &
  local pid=$! rc=0 next=$((t0 + 60))
  BUILD_PID=$pid
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      log "$out: still building ($((SECONDS - t0))s)"
      next=$((next + 60))
    fi
  done
  wait "$pid" || rc=$?
  BUILD_PID=
  [ "$rc" = 0 ] || fail "$out: go build $pkg failed (exit $rc); see the errors above"
  mv -f "$BIN/.$out.tmp" "$BIN/$out"
  local dt=$((SECONDS - t0)) size
  size="$(du -m "$BIN/$out" | cut -f1)"
  echo "$out ${dt}s ${size}MB" >>"$TIMINGS"
  log "$out: done in ${dt}s (${size} MB)"
}

# On INT/TERM, stop the go build running in the background too (it would go on orphaned).
BUILD_PID=
on_signal() {
  [ -n "$BUILD_PID" ] && kill "$BUILD_PID" 2>/dev/null
  fail "interrupted; run again to resume (finished binaries are kept)"
}
trap on_signal INT TERM

# Runs go mod tidy in a wrapper module, timing it.
tidy() { # $1 = module dir, $2 = label
  local t0=$SECONDS
  log "$2: go mod tidy (downloads what the module cache lacks)"
  (cd "$1" && go mod tidy 9>&-) || fail "$2: go mod tidy failed; see the errors above"
  echo "tidy-$2 $((SECONDS - t0))s" >>"$TIMINGS"
  log "$2: modules ready in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------------------------
# Kubernetes: a wrapper module requiring k8s.io/kubernetes and replacing each staging module
# (which k8s.io/kubernetes requires at v0.0.0 and maps to ./staging/...) by its published v0.X.Y.
[ -f "$WORK/go.mod" ] || printf 'module stickypool.local/controlplane/probe\n\ngo 1.26.0\n' >"$WORK/go.mod"
mod_field K8S_GOMOD GoMod "k8s.io/kubernetes@$K8S_VERSION"
mod_field K8S_INFO Info "k8s.io/kubernetes@$K8S_VERSION"
k8s_minor="$(echo "$K8S_VERSION" | cut -d. -f2)"
k8s_major="$(echo "${K8S_VERSION#v}" | cut -d. -f1)"
STAGING_VERSION="v0.${K8S_VERSION#v*.}" # v1.37.2 -> v0.37.2
staging_modules="$(sed -n 's#^[[:space:]]*\([^[:space:]]\{1,\}\)[[:space:]]*=>[[:space:]]*\./staging/.*#\1#p' "$K8S_GOMOD")"
[ -n "$staging_modules" ] || fail "no './staging/...' replace directives found in $K8S_GOMOD"
log "k8s.io/kubernetes $K8S_VERSION: $(echo "$staging_modules" | wc -l) staging modules -> $STAGING_VERSION"
other_replaces="$(sed -n '/=>/p' "$K8S_GOMOD" | grep -v '=>[[:space:]]*\./staging/' || true)"
[ -z "$other_replaces" ] || log "note: k8s.io/kubernetes also replaces (not carried over): $other_replaces"

K8S_WORK="$WORK/k8s"
mkdir -p "$K8S_WORK"
need_go "$K8S_GOMOD"
k8s_go="$GO_LINE"
K8S_TOOLS="k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"
{
  echo "// Generated by scripts/build-control-plane.sh: builds k8s.io/kubernetes $K8S_VERSION from the module proxy."
  echo "module stickypool.local/controlplane/k8s"
  echo
  echo "go $k8s_go"
  echo
  grep '^godebug' "$K8S_GOMOD" || true
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  for m in $staging_modules; do echo "	$m => $m $STAGING_VERSION"; done
  echo ")"
  echo
  echo "tool ("
  for t in $K8S_TOOLS; do echo "	$t"; done
  echo ")"
} >"$K8S_WORK/go.mod.new"
if ! cmp -s "$K8S_WORK/go.mod.new" "$K8S_WORK/go.mod.gen" 2>/dev/null; then
  cp "$K8S_WORK/go.mod.new" "$K8S_WORK/go.mod"
  cp "$K8S_WORK/go.mod.new" "$K8S_WORK/go.mod.gen"
  rm -f "$K8S_WORK/go.sum"
fi
rm -f "$K8S_WORK/go.mod.new"

# buildDate: the module's publication time from the proxy (reproducible, so rebuilds hit the cache).
build_date="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$K8S_INFO")"
build_date="${build_date:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
# The proxy does not say which git commit a version is; upstream stamps the sha, we stamp zeros.
git_commit="0000000000000000000000000000000000000000"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitCommit=$git_commit -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

# ---------------------------------------------------------------------------------------------
# etcd: go.etcd.io/etcd/server/v3 has its main package at the module root and local replaces in
# its go.mod (so `go install pkg@version` refuses it); a wrapper module that requires it works.
ETCD_WORK="$WORK/etcd"
mkdir -p "$ETCD_WORK"
mod_field ETCD_GOMOD GoMod "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
need_go "$ETCD_GOMOD"
etcd_go="$GO_LINE"
printf '// Generated by scripts/build-control-plane.sh\nmodule stickypool.local/controlplane/etcd\n\ngo %s\n\nrequire go.etcd.io/etcd/server/v3 %s\n\ntool go.etcd.io/etcd/server/v3\n' \
  "$etcd_go" "$ETCD_VERSION" >"$ETCD_WORK/go.mod.new"
if ! cmp -s "$ETCD_WORK/go.mod.new" "$ETCD_WORK/go.mod.gen" 2>/dev/null; then
  cp "$ETCD_WORK/go.mod.new" "$ETCD_WORK/go.mod"
  cp "$ETCD_WORK/go.mod.new" "$ETCD_WORK/go.mod.gen"
  rm -f "$ETCD_WORK/go.sum"
fi
rm -f "$ETCD_WORK/go.mod.new"
etcd_ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}"

# ---------------------------------------------------------------------------------------------
# KWOK: its own wrapper module (never the k8s one: the staging replaces would move its k8s libs).
KWOK_WORK="$WORK/kwok"
mkdir -p "$KWOK_WORK"
mod_field KWOK_GOMOD GoMod "sigs.k8s.io/kwok@$KWOK_VERSION"
mod_field KWOK_DIR Dir "sigs.k8s.io/kwok@$KWOK_VERSION"
need_go "$KWOK_GOMOD"
kwok_go="$GO_LINE"
kwok_tools="sigs.k8s.io/kwok/cmd/kwok"
[ "$BUILD_KWOKCTL" = 1 ] && kwok_tools+=" sigs.k8s.io/kwok/cmd/kwokctl"
{
  echo "// Generated by scripts/build-control-plane.sh"
  echo "module stickypool.local/controlplane/kwok"
  echo
  echo "go $kwok_go"
  echo
  echo "require sigs.k8s.io/kwok $KWOK_VERSION"
  echo
  echo "tool ("
  for t in $kwok_tools; do echo "	$t"; done
  echo ")"
} >"$KWOK_WORK/go.mod.new"
if ! cmp -s "$KWOK_WORK/go.mod.new" "$KWOK_WORK/go.mod.gen" 2>/dev/null; then
  cp "$KWOK_WORK/go.mod.new" "$KWOK_WORK/go.mod"
  cp "$KWOK_WORK/go.mod.new" "$KWOK_WORK/go.mod.gen"
  rm -f "$KWOK_WORK/go.sum"
fi
rm -f "$KWOK_WORK/go.mod.new"
# KubeVersion is kwokctl's default cluster version: point it at the one built here.
kwok_ldflags="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${K8S_VERSION#v}"

# ---------------------------------------------------------------------------------------------
tidy "$ETCD_WORK" etcd
build_one "$ETCD_WORK" etcd go.etcd.io/etcd/server/v3 "$etcd_ldflags"

tidy "$K8S_WORK" k8s
for t in $K8S_TOOLS; do
  build_one "$K8S_WORK" "${t##*/}" "$t" "$k8s_ldflags"
done

tidy "$KWOK_WORK" kwok
for t in $kwok_tools; do
  build_one "$KWOK_WORK" "${t##*/}" "$t" "$kwok_ldflags"
done

# ---------------------------------------------------------------------------------------------
# KWOK stages, for running kwok standalone (`kwok --config <file> ...`; repeat --config per file).
#   node-fast:                 node-initialize (nodes Ready at once)
#   node-heartbeat-with-lease: node status heartbeat (use with --node-lease-duration-seconds)
#   pod-general:               pod lifecycle honouring deletionGracePeriod
#   pod-fast:                  pod lifecycle deleting at once
STAGES="$DIR/stages"
rm -rf "$STAGES.tmp"
mkdir -p "$STAGES.tmp"
copy_stages() { # $1 = subdir of kustomize/stage, $2 = target name
  local src="$KWOK_DIR/kustomize/stage/$1" f n=0
  [ -d "$src" ] || fail "KWOK $KWOK_VERSION has no kustomize/stage/$1"
  mkdir -p "$STAGES.tmp/$2"
  for f in "$src"/*.yaml; do
    [ "$(basename "$f")" = kustomization.yaml ] && continue
    cp "$f" "$STAGES.tmp/$2/"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || fail "no stage YAMLs in $src"
  chmod -R u+w "$STAGES.tmp/$2"
}
copy_stages node/fast node-fast
copy_stages node/heartbeat-with-lease node-heartbeat-with-lease
copy_stages pod/general pod-general
copy_stages pod/fast pod-fast
# One multi-document file with the default set (node-fast + heartbeat-with-lease + pod-general).
for f in "$STAGES.tmp"/node-fast/*.yaml "$STAGES.tmp"/node-heartbeat-with-lease/*.yaml "$STAGES.tmp"/pod-general/*.yaml; do
  echo "---"
  cat "$f"
done >"$STAGES.tmp/default.yaml"
rm -rf "$STAGES"
mv "$STAGES.tmp" "$STAGES"

# ---------------------------------------------------------------------------------------------
# Check what was built, then the stamp (last).
got="$("$BIN/kube-apiserver" --version 2>&1)"
[ "$got" = "Kubernetes $K8S_VERSION" ] || fail "kube-apiserver --version says '$got', expected 'Kubernetes $K8S_VERSION'"
"$BIN/etcd" --version >/dev/null 2>&1 || fail "etcd --version failed"
"$BIN/kwok" --help >/dev/null 2>&1 || fail "kwok --help failed"

link_kubeapitest

{
  echo "name=$NAME"
  echo "k8s=$K8S_VERSION"
  echo "staging=$STAGING_VERSION"
  echo "etcd=$ETCD_VERSION"
  echo "kwok=$KWOK_VERSION"
  echo "go=$(go env GOVERSION)"
  echo "build_seconds=$((SECONDS - START))"
  echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  sed 's/^/timing: /' "$TIMINGS"
} >"$STAMP.tmp"
mv -f "$STAMP.tmp" "$STAMP"
log "complete in $((SECONDS - START))s: $BIN"
log "kube-api-test links: $KAT_VERSION_DIR"
echo "$BIN"

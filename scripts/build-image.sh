#!/usr/bin/env bash
# Builds the one StickyPool image (operator, proxy, demo) from deploy/image/Dockerfile and tags it
# ghcr.io/stickypool/stickypool:<project version>. Needs docker or podman and a registry that serves
# the base image; fails at once, saying what is missing, rather than hanging on an unreachable one.
#
#   scripts/build-image.sh                 # build and tag
#   PUSH=1 scripts/build-image.sh          # also push (after `docker login ghcr.io`)
#   IMAGE_REPO=registry.example/stickypool scripts/build-image.sh
set -euo pipefail

cd "$(dirname "$0")/.."
DOCKERFILE=deploy/image/Dockerfile
REPO="${IMAGE_REPO:-ghcr.io/stickypool/stickypool}"
PULL_TIMEOUT="${PULL_TIMEOUT:-60}"

fail() {
  echo "build-image: $*" >&2
  exit 1
}

engine="${CONTAINER_ENGINE:-}"
if [ -z "$engine" ]; then
  if command -v docker >/dev/null 2>&1; then
    engine=docker
  elif command -v podman >/dev/null 2>&1; then
    engine=podman
  else
    fail "neither docker nor podman is installed; install one (or set CONTAINER_ENGINE) and run again"
  fi
fi
command -v "$engine" >/dev/null 2>&1 || fail "CONTAINER_ENGINE=$engine is not on the PATH"

base=$(sed -n 's/^FROM[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*/\1/p' "$DOCKERFILE" | head -n 1)
[ -n "$base" ] || fail "no FROM line in $DOCKERFILE"

if ! timeout 20 "$engine" info >/dev/null 2>&1; then
  fail "$engine is installed but does not answer (is its daemon or socket running?); start it, or \
build on a machine where it runs (see deploy/image/README.md)"
fi

echo "build-image: checking that $engine can pull $base (at most ${PULL_TIMEOUT}s)" >&2
if ! timeout "$PULL_TIMEOUT" "$engine" pull "$base" >/dev/null; then
  fail "cannot pull the base image $base (failed or took over ${PULL_TIMEOUT}s): no access to its \
registry (docker.io) from here. Build on a machine that has (see deploy/image/README.md), or point \
$engine at a mirror that serves this exact digest."
fi

# The project's own <version>, the first after its artifactId (the pom has no parent).
version=$(awk '/<artifactId>stickypool<\/artifactId>/ {found = 1; next}
  found && /<version>/ {gsub(/.*<version>|<\/version>.*/, ""); print; exit}' pom.xml)
[ -n "$version" ] || fail "could not read the project version from pom.xml"
[ "$version" != latest ] || fail "refusing to tag the image 'latest'"
tag="$REPO:$version"

bash scripts/ensure-tools.sh
mvn -B -q -ntp -DskipTests package
[ -f target/stickypool.jar ] || fail "target/stickypool.jar was not built"

"$engine" build --file "$DOCKERFILE" --build-arg "VERSION=$version" --tag "$tag" .
echo "build-image: built $tag" >&2

if [ "${PUSH:-0}" = 1 ]; then
  "$engine" push "$tag"
  echo "build-image: pushed $tag" >&2
fi

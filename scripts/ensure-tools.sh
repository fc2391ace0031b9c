#!/usr/bin/env bash
# Installs what a fresh Debian machine needs to build and test StickyPool: a JDK 17+, Maven, make
# promtool (Debian's prometheus package) and chromium with its driver for the browser test.
# Everything else (libraries, plugins, helm via helm-java) comes from Maven Central on first build.
set -euo pipefail

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v make >/dev/null 2>&1 || need+=(make)
# promtool runs the chart's alert-rule unit tests (PrometheusRulesTest).
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# chromium + chromedriver drive the operator's live view page in LiveViewApiServerTest.
command -v chromedriver >/dev/null 2>&1 || need+=(chromium chromium-driver)

if ((${#need[@]})); then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "ensure-tools: missing ${need[*]} and cannot install as non-root without sudo" >&2
    exit 1
  fi
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "ensure-tools: installing ${need[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${major%%.*}" -lt 17 ] 2>/dev/null; then
  echo "ensure-tools: Java 17 or newer is needed, found $major" >&2
  exit 1
fi

# make test also needs Go >= 1.26 to build the real Kubernetes control plane (scripts/build-control-plane.sh
# says so and stops); make demo does not. Debian 12's golang package (1.19) is too old for it.
if ! command -v go >/dev/null 2>&1; then
  echo "ensure-tools: note: no 'go' on PATH; make demo works, make test needs Go >= 1.26" >&2
fi

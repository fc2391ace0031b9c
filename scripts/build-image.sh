#!/usr/bin/env bash
# Builds the one StickyPool image (operator, proxy, demo) as an OCI image archive,
# target/stickypool-image.tar, with no Docker daemon and no registry (deploy/image/README.md):
#
#   layer base     Debian's libc6, libgcc-s1, libstdc++6 and zlib1g (apt-get download of the versions
#                  installed here, unpacked with dpkg-deb -x), /etc/passwd and /etc/group with user
#                  10001, /etc/nsswitch.conf, /tmp, and /usr/share/stickypool/image-sources.txt
#                  naming every package with its version and the .deb's sha256
#   layer runtime  /opt/java: a jlinked runtime of this machine's JDK 17 with the modules the jar
#                  needs (jdeps) plus jdk.crypto.ec
#   layer app      /app/stickypool.jar
#   layer cds      the runtime's default CDS archive and /app/stickypool.jsa, the AppCDS archive
#                  trained (scripts/build-cds.sh) with the image's own runtime chrooted into its
#                  file system: a faster proxy start (docs/proxy-tuning.md)
#
# Written by deploy/image/builder/OciArchive.java (Jib's library). Fixed file times and owners, name
# order, creation time = the commit's time: the same commit, JDK and packages give the same first
# three layers. JDK 17 does not write CDS archives byte for byte the same twice, so the cds layer,
# and with it the image digest, differs between builds; STICKYPOOL_IMAGE_CDS=0 leaves it out and
# gives the same digest every time (make image-reproducible checks that). The training needs root
# (chroot).
#
#   scripts/build-image.sh                          # -> target/stickypool-image.tar
#   STICKYPOOL_IMAGE_CDS=0 scripts/build-image.sh   # no cds layer: reproducible, slower JVM start
#   IMAGE_REPO=registry.example/stickypool IMAGE_TAG=1.2.3 scripts/build-image.sh
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=target/stickypool-image.tar
WORK=target/image
REPO="${IMAGE_REPO:-ghcr.io/stickypool/stickypool}"
PACKAGES=(libc6 libgcc-s1 libstdc++6 zlib1g)
# Loaded through ServiceLoader or by name, which jdeps cannot see: TLS's elliptic curves.
EXTRA_MODULES=jdk.crypto.ec
# The image's entrypoint flags (the operator's pods and sidecars rely on the jar path and /tmp):
# -XX:SharedArchiveFile     the AppCDS archive (classes mapped, not loaded and verified); a JVM
#                           that cannot use it says so in one line and starts without it
# -XX:MaxRAMPercentage=75   heap from the container's memory limit, leaving a quarter for Netty's
#                           direct buffers, metaspace and thread stacks
# -XX:+ExitOnOutOfMemoryError  die and let the kubelet restart the pod rather than limp on
# -Djava.io.tmpdir=/tmp     the one writable path (an emptyDir under a read-only root FS)
# -XX:-UsePerfData          no hsperfdata file in /tmp: nothing reads it in a pod
# -XX:+UseSerialGC          pods of a fraction of a CPU and a small heap: the least footprint, pauses
#                           of a few milliseconds; said so that a pod with more CPUs keeps it
ENTRYPOINT=(java -XX:SharedArchiveFile=/app/stickypool.jsa -XX:MaxRAMPercentage=75
  -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -XX:-UsePerfData -XX:+UseSerialGC
  -jar /app/stickypool.jar)
RUN_AS=10001

fail() {
  echo "build-image: $*" >&2
  exit 1
}
step() { echo "build-image: $*" >&2; }

[ "$(id -u)" = 0 ] || [ "${STICKYPOOL_IMAGE_CDS:-1}" = 0 ] ||
  fail "the AppCDS training runs the image's java under chroot, which needs root; run as root or with STICKYPOOL_IMAGE_CDS=0"
for tool in jlink jdeps dpkg-deb apt-get git; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (make tools)"
done
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")
[ -f "$jdk/jmods/java.base.jmod" ] || fail "$jdk has no jmods/ for jlink"
jdk_package=$(dpkg -S "$jdk/jmods/java.base.jmod" 2>/dev/null | cut -d: -f1 || true)

# The project's own <version>, the first after its artifactId (the pom has no parent).
version=$(awk '/<artifactId>stickypool<\/artifactId>/ {found = 1; next}
  found && /<version>/ {gsub(/.*<version>|<\/version>.*/, ""); print; exit}' pom.xml)
tag="${IMAGE_TAG:-$version}"
[ -n "$tag" ] && [ "$tag" != latest ] || fail "refusing the tag '$tag'"
revision=$(git rev-parse HEAD)
git diff --quiet HEAD -- src pom.xml deploy/image scripts/build-image.sh || revision="$revision-dirty"
created=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)

[ -f target/stickypool.jar ] || { bash scripts/ensure-tools.sh; mvn -B -q -ntp -DskipTests package; }
[ -f target/stickypool.jar ] || fail "target/stickypool.jar was not built"

rm -rf "$WORK" "$OUT"
base=$WORK/layers/base runtime=$WORK/layers/runtime app=$WORK/layers/app cds=$WORK/layers/cds
cds_on=${STICKYPOOL_IMAGE_CDS:-1}
mkdir -p "$WORK/debs" "$base" "$runtime/opt" "$app/app"

step "Debian packages ${PACKAGES[*]} (the versions installed here, which this JDK runs on)"
specs=()
for p in "${PACKAGES[@]}"; do
  specs+=("$p=$(dpkg-query -W -f='${Version}' "$p")")
done
download() { (cd "$WORK/debs" && apt-get download -qq -o APT::Sandbox::User=root "${specs[@]}"); }
download 2>/dev/null || { apt-get update -qq && download; } ||
  fail "apt-get download ${specs[*]} failed: these exact versions are not in the archive any more; upgrade them here (apt-get install --only-upgrade ${PACKAGES[*]}) and run again"
mkdir -p "$base/usr/share/stickypool"
sources=$base/usr/share/stickypool/image-sources.txt
{
  echo "# What every file of this image was made from (scripts/build-image.sh)."
  echo "# debian <package> <version> <arch> <sha256 of the .deb>: unpacked whole with dpkg-deb -x"
  for deb in "$WORK"/debs/*.deb; do
    dpkg-deb -x "$deb" "$base"
    echo "debian $(dpkg-deb --show --showformat='${Package} ${Version} ${Architecture}' "$deb") $(sha256sum "$deb" | cut -d' ' -f1)"
  done
} > "$sources"
mkdir -p "$base/etc" "$base/tmp" "$base/proc"
chmod 0777 "$base/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nstickypool:x:%s:%s:stickypool:/tmp:/usr/sbin/nologin\n' "$RUN_AS" "$RUN_AS" > "$base/etc/passwd"
printf 'root:x:0:\nstickypool:x:%s:\n' "$RUN_AS" > "$base/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$base/etc/nsswitch.conf"

step "jlink from $jdk"
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps target/stickypool.jar),$EXTRA_MODULES
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$runtime/opt/java" >&2
[ -x "$runtime/opt/java/bin/java" ] || fail "jlink wrote no runtime"
{
  echo "# jlink <JDK package> <version> <modules>: /opt/java, from this JDK's jmods"
  echo "jlink ${jdk_package:-$jdk} $(dpkg-query -W -f='${Version}' "${jdk_package:-none}" 2>/dev/null || java -version 2>&1 | head -1) $modules"
  echo "# app <file> <sha256>"
  echo "app /app/stickypool.jar $(sha256sum target/stickypool.jar | cut -d' ' -f1)"
} >> "$sources"
install -m 0644 target/stickypool.jar "$app/app/stickypool.jar"
# One file time everywhere, the one Jib writes: the CDS archives record the times they were made
# against (jar, modules file) and must find the same ones in the image.
find "$WORK/layers" -exec touch -h -d @1 {} +

layers=(--layer "base=$base" --layer "runtime=$runtime" --layer "app=$app")
if [ "$cds_on" != 0 ]; then
  step "CDS archives, made by the image's runtime in its file system"
  rootfs=$WORK/rootfs
  mkdir -p "$rootfs" "$cds/opt/java/lib/server" "$cds/app"
  for layer in "$base" "$runtime" "$app"; do cp -a "$layer/." "$rootfs/"; done
  rootfs=$(realpath "$rootfs")
  cat > "$WORK/java" <<EOF
#!/bin/sh
# The image's java under chroot, with a /proc (the runtime finds its libraries through it) in a
# mount namespace of its own: gone with the process, and the same pid, so signals reach the JVM.
exec unshare --mount sh -c 'mount -t proc proc "\$0/proc" && exec chroot "\$0" /opt/java/bin/java "\$@"' "$rootfs" "\$@"
EOF
  chmod +x "$WORK/java"
  # The default archive first (what jlink --generate-cds-archive does): the AppCDS one extends it.
  "$WORK/java" -Xshare:dump >/dev/null
  CDS_ROOT="$rootfs" JAVA="$WORK/java" bash scripts/build-cds.sh /app/stickypool.jar /app/stickypool.jsa >&2
  [ -s "$rootfs/app/stickypool.jsa" ] || fail "no AppCDS archive was written (STICKYPOOL_IMAGE_CDS=0 builds without one)"
  install -m 0444 "$rootfs/opt/java/lib/server/classes.jsa" "$cds/opt/java/lib/server/classes.jsa"
  install -m 0644 "$rootfs/app/stickypool.jsa" "$cds/app/stickypool.jsa"
  find "$cds" -exec touch -h -d @1 {} +
  layers+=(--layer "cds=$cds")
fi

step "OCI image archive $OUT"
classpath=$WORK/builder.classpath
mvn -B -q -ntp -f deploy/image/builder/pom.xml dependency:build-classpath -Dmdep.outputFile="$(realpath "$classpath")" >&2
distro=$(. /etc/os-release && echo "$NAME $VERSION_CODENAME")
debs=$(grep '^debian ' "$sources" | cut -d' ' -f2,3 | tr ' ' '=' | paste -sd' ')
java -cp "$(cat "$classpath")" deploy/image/builder/OciArchive.java \
  --out "$OUT" --ref "$REPO:$tag" --created "$created" --user "$RUN_AS:$RUN_AS" \
  $(printf -- '--entrypoint %s ' "${ENTRYPOINT[@]}") --cmd operator \
  --env PATH=/opt/java/bin:/usr/bin:/bin --env JAVA_HOME=/opt/java \
  --label org.opencontainers.image.title=stickypool \
  --label "org.opencontainers.image.description=Kubernetes operator and Netty proxy for reliable sticky sessions" \
  --label "org.opencontainers.image.version=$tag" \
  --label org.opencontainers.image.source=https://github.com/stickypool/stickypool \
  --label "org.opencontainers.image.revision=$revision" \
  --label "org.opencontainers.image.created=$created" \
  --label "io.stickypool.image.base=no base image: $distro packages $debs; /opt/java jlinked from ${jdk_package:-the build JDK}; every source in /usr/share/stickypool/image-sources.txt" \
  "${layers[@]}" >&2
rm -rf "$OUT.jib-cache"
step "built $OUT ($REPO:$tag, $(( $(stat -c %s "$OUT") / 1024 / 1024 )) MiB)"

#!/bin/sh
# Builds the same telemetry task as a container image FROM scratch and saves it as a tar, for
# the comparison with the microVM (memory, image size). Maven runs it in the package phase after
# build-microvm.sh, with the same variables plus IMAGE (local tag, e.g. hybridge/telemetry:0.1.0-SNAPSHOT).
#
# The root file system is the one the microVM's initramfs holds (src/image/rootfs.sh: jlink
# runtime, trimmed class path, C libraries) minus init and kernel modules; the steps and the
# skip rules are those of ml-workloads/vision/src/image/build-image.sh: when no Docker engine
# answers, the image is skipped with a message and the build goes on; with CI=true that is an error.
set -eu

say() { printf '[telemetry-container] %s\n' "$*"; }

: "${JAVA_HOME:?}" "${TARGET:?}" "${APP_JAR:?}" "${IMAGE_TOOLS_JAR:?}" "${IMAGE:?}"
docker=${DOCKER:-docker}
here=$(cd "$(dirname "$0")" && pwd)

skip() {
  if [ "${CI:-}" = "true" ]; then say "ERROR: $* (CI=true: a missing engine is a failure)"; exit 1; fi
  say "skipped: $*; image $IMAGE not built"
  exit 0
}
command -v "$docker" >/dev/null 2>&1 || skip "no docker command (itests/provision/provision.sh installs docker.io)"
"$docker" info >/dev/null 2>&1 || skip "no Docker engine answers 'docker info' (start dockerd: itests/provision/provision.sh)"
[ "$(uname -m)" = x86_64 ] || skip "only linux x86-64 images are built (this is $(uname -m))"

. "$here/rootfs.sh"
# the runtime and the trimmed class path are cached in $TARGET/image, shared with the microVM build
WORK=$TARGET/image
out=$TARGET/container
mkdir -p "$out"
build_rootfs "$out/rootfs"
printf 'root:x:0:0:root:/:/nonexistent\ntelemetry:x:10001:10001:telemetry task:/app:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\ntelemetry:x:10001:\n' >"$rootfs/etc/group"

version=${IMAGE##*:}
cat >"$out/Dockerfile" <<EOD
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin
LABEL org.opencontainers.image.title="Hybridge telemetry task" \\
      org.opencontainers.image.description="Tablesaw windowed statistics and z-score anomalies over MQTT" \\
      org.opencontainers.image.version="$version" \\
      io.hybridge.workload="telemetry"
USER 10001:10001
WORKDIR /app
ENTRYPOINT ["/opt/java/bin/java", "@/app/jvm.options", "-cp", "/app/lib/*", "io.hybridge.telemetry.TelemetryApp"]
EOD

previous=$(cat "$TARGET/container-image.id" 2>/dev/null || true)
DOCKER_BUILDKIT=0 "$docker" build --quiet --tag "$IMAGE" "$out" >/dev/null 2>"$out/build.log" \
  || { cat "$out/build.log" >&2; say "ERROR: docker build failed"; exit 1; }
id=$("$docker" image inspect --format '{{.Id}}' "$IMAGE")
size=$("$docker" image inspect --format '{{.Size}}' "$IMAGE")
tar=$TARGET/hybridge-telemetry-$version-image.tar
if [ "$id" != "$previous" ] || [ ! -f "$tar" ]; then
  "$docker" save --output "$tar.partial" "$IMAGE"
  chmod 0644 "$tar.partial" && mv "$tar.partial" "$tar"
  if [ -n "$previous" ] && [ "$previous" != "$id" ]; then "$docker" rmi "$previous" >/dev/null 2>&1 || true; fi
  printf '%s\n' "$id" >"$TARGET/container-image.id"
  state=built
else
  state="up to date"
fi
{
  echo "image=$IMAGE"
  echo "id=$id"
  echo "size=$size"
  echo "tar=$tar"
  echo "tar.size=$(stat -c %s "$tar")"
} >"$TARGET/container-image.properties"
say "$IMAGE $state: $id, $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1000000 }'), saved as $tar"

#!/bin/sh
# Builds the vision workload's container image FROM scratch and saves it as a tar.
# Maven runs it in the package phase (see pom.xml) with these variables:
#
#   JAVA_HOME       the JDK whose jlink makes the runtime (the one running Maven)
#   IMAGE           local tag, e.g. hybridge/vision:0.1.0-SNAPSHOT
#   TARGET          the module's target/ directory
#   APP_JAR         the workload's jar
#   OPENCV_CLASSES  unpacked org.openpnp:opencv (org/opencv/** and this platform's library)
#   OPENCV_LIBRARY  libopencv_java*.so for linux x86-64
#   OPENCV_VERSION  for the thin jar's name
#   SAMPLE          the generated test clip, shipped as the default source
#   CASCADES        directory with the Haar cascade(s)
#
# No registry is reachable here, so nothing is pulled: the image is a root file system that
# this script assembles — a jlink runtime with only the modules the workload needs, the
# native libraries the runtime and OpenCV link (found with ldd, down to the dynamic loader),
# the cascade, the sample clip and the app — copied into an empty image. When no Docker
# engine answers, the image is skipped with a message and the build goes on; with CI=true
# that is an error instead.
set -eu

say() { printf '[vision-image] %s\n' "$*"; }

: "${JAVA_HOME:?}" "${IMAGE:?}" "${TARGET:?}" "${APP_JAR:?}" "${OPENCV_CLASSES:?}" "${OPENCV_LIBRARY:?}"
: "${OPENCV_VERSION:?}" "${SAMPLE:?}" "${CASCADES:?}"
docker=${DOCKER:-docker}

# the modules the app needs: java.logging for Paho; jdk.crypto.ec so ssl:// brokers with EC
# certificates work. Paho's websocket transport (ws://, wss://) would pull java.prefs and with it
# java.xml: left out, and VisionSettings accepts only tcp:// and ssl://.
modules=java.base,java.logging,jdk.crypto.ec
# classes of OpenCV's Java API the workload never loads (HighGui needs AWT/Swing: java.desktop)
opencv_unused='org/opencv/highgui'

skip() {
  if [ "${CI:-}" = "true" ]; then say "ERROR: $* (CI=true: a missing engine is a failure)"; exit 1; fi
  say "skipped: $*; image $IMAGE not built"
  exit 0
}
command -v "$docker" >/dev/null 2>&1 || skip "no docker command (itests/provision/provision.sh installs docker.io)"
"$docker" info >/dev/null 2>&1 || skip "no Docker engine answers 'docker info' (start dockerd: itests/provision/provision.sh)"
[ "$(uname -m)" = x86_64 ] || skip "only linux x86-64 images are built (this is $(uname -m))"
for tool in ldd strip; do command -v $tool >/dev/null 2>&1 || { say "ERROR: $tool is missing (Debian: libc-bin, binutils)"; exit 1; }; done

work=$TARGET/image
rootfs=$work/rootfs
mkdir -p "$work"

# --- Java runtime (jlink), rebuilt only when the JDK or the module list changes -----------------
runtime_key="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'java\.(vm\.)?version =' | tr -d ' \n') $modules"
if [ ! -x "$work/runtime/bin/java" ] || [ "$(cat "$work/runtime.key" 2>/dev/null)" != "$runtime_key" ]; then
  say "jlink $modules from $JAVA_HOME"
  rm -rf "$work/runtime" "$work/runtime.key"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$work/runtime"
  # symbol tables are not needed to run (dynamic symbols stay): about 4 MB off libjvm.so
  find "$work/runtime" -name '*.so' -exec strip --strip-unneeded {} +
  printf '%s' "$runtime_key" >"$work/runtime.key"
fi

# --- the app: its jar, Paho, OpenCV's Java classes without the other platforms' libraries --------
rm -rf "$rootfs"
mkdir -p "$rootfs/opt" "$rootfs/app/lib" "$rootfs/app/native" "$rootfs/app/cascades" "$rootfs/app/samples" "$rootfs/etc"
cp -a "$work/runtime" "$rootfs/opt/java"
cp "$APP_JAR" "$rootfs/app/lib/hybridge-vision.jar"
for jar in "$TARGET"/lib/*.jar; do cp "$jar" "$rootfs/app/lib/"; done
# a reproducible thin jar (fixed entry dates, sorted entries), so an unchanged build hits the engine's cache
thin=$work/opencv-classes
rm -rf "$thin" && mkdir -p "$thin"
(cd "$OPENCV_CLASSES" && find org/opencv -name '*.class' | grep -v "^$opencv_unused/" | sort >"$work/opencv-classes.txt" \
  && tar -cf - -T "$work/opencv-classes.txt") | (cd "$thin" && tar -xf -)
(cd "$thin" && "$JAVA_HOME/bin/jar" --create --date=2026-01-01T00:00:00Z --no-manifest \
  --file "$rootfs/app/lib/opencv-$OPENCV_VERSION-classes.jar" $(cat "$work/opencv-classes.txt"))
cp "$OPENCV_LIBRARY" "$rootfs/app/native/"
# OpenCV ships with debug information: stripping takes 65 MB to 58 MB
strip --strip-unneeded "$rootfs/app/native/$(basename "$OPENCV_LIBRARY")"
cp "$CASCADES"/*.xml "$rootfs/app/cascades/"
cp "$SAMPLE" "$rootfs/app/samples/"

# the JVM options, one file for the image and for host runs (java @argfile)
cat >"$rootfs/app/jvm.options" <<'EOF'
-XX:+UseSerialGC
-XX:MaxRAMPercentage=50
-Xss512k
-XX:-UsePerfData
-XX:+ExitOnOutOfMemoryError
-Djava.awt.headless=true
EOF

# --- the native libraries: everything the ELF files link, found with ldd ---------------------
elf_files() { find "$rootfs/opt/java" "$rootfs/app/native" -type f \( -name '*.so' -o -path '*/bin/*' \); }
libs=$work/libraries.txt
: >"$libs"
for f in $(elf_files); do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  # "name => /path (addr)" and the loader "/lib64/ld-linux-x86-64.so.2 (addr)"; libraries of the
  # runtime itself (libjvm.so from libjava.so, say) are found by the JVM through its own paths
  ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' >>"$libs"
done
sort -u -o "$libs" "$libs"
grep -v "^$rootfs" "$libs" >"$libs.outside" || true
while read -r lib; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done <"$libs.outside"
missing=$(for f in $(elf_files); do ldd "$f" 2>/dev/null | grep 'not found' | grep -v 'libjvm.so' || true; done | sort -u)
[ -z "$missing" ] || { say "ERROR: unresolved libraries: $missing"; exit 1; }

# --- the rest of a root file system: a user that is not root, a writable /tmp ------------------
printf 'root:x:0:0:root:/:/nonexistent\nvision:x:10001:10001:vision workload:/app:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nvision:x:10001:\n' >"$rootfs/etc/group"
mkdir -p "$rootfs/tmp" && chmod 1777 "$rootfs/tmp"

version=${IMAGE##*:}
cat >"$work/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin VISION_SOURCE=/app/samples/$(basename "$SAMPLE")
LABEL org.opencontainers.image.title="Hybridge vision workload" \\
      org.opencontainers.image.description="OpenCV motion and face detection, detections as JSON over MQTT" \\
      org.opencontainers.image.version="$version" \\
      io.hybridge.workload="vision"
USER 10001:10001
WORKDIR /app
ENTRYPOINT ["/opt/java/bin/java", "@/app/jvm.options", "-Djava.library.path=/app/native", "-cp", "/app/lib/*", "io.hybridge.vision.VisionApp"]
EOF

# --- build, tag, save -----------------------------------------------------------------------
previous=$(cat "$TARGET/vision-image.id" 2>/dev/null || true)
DOCKER_BUILDKIT=0 "$docker" build --quiet --tag "$IMAGE" "$work" >/dev/null 2>"$work/build.log" \
  || { cat "$work/build.log" >&2; say "ERROR: docker build failed"; exit 1; }
id=$("$docker" image inspect --format '{{.Id}}' "$IMAGE")
size=$("$docker" image inspect --format '{{.Size}}' "$IMAGE")
tar=$TARGET/hybridge-vision-$version-image.tar
if [ "$id" != "$previous" ] || [ ! -f "$tar" ]; then
  "$docker" save --output "$tar.partial" "$IMAGE"
  chmod 0644 "$tar.partial" && mv "$tar.partial" "$tar"
  # our own previous build, now untagged: do not let them pile up (others' images are not touched)
  if [ -n "$previous" ] && [ "$previous" != "$id" ]; then "$docker" rmi "$previous" >/dev/null 2>&1 || true; fi
  printf '%s\n' "$id" >"$TARGET/vision-image.id"
  state=built
else
  state="up to date"
fi
{
  echo "image=$IMAGE"
  echo "id=$id"
  echo "size=$size"
  echo "tar=$tar"
} >"$TARGET/vision-image.properties"
say "$IMAGE $state: $id, $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1000000 }'), saved as $tar"

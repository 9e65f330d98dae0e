# Sourced by build-microvm.sh and build-container.sh: build_rootfs DIR assembles the task's root
# file system in DIR - the same bits for the microVM's initramfs and for the container image:
#
#   /opt/java        jlink runtime with only the modules the task needs (cached in ~/.cache/hybridge/jlink)
#   /app/lib         the task's jar, Paho, and Tablesaw's dependency tree trimmed to the classes
#                    the task can reach (cached in $WORK/tablesaw-trimmed.jar)
#   /app/jvm.options the JVM options, one file for the image and for host runs (java @argfile)
#   /lib*, /usr/lib* the C libraries the runtime links (ldd), down to the dynamic loader
#
# The steps follow ml-workloads/vision/src/image/build-image.sh (jlink, strip, ldd); what is
# new is the class-path trimming (hybridge-image-tools 'trim'). Variables: JAVA_HOME, TARGET,
# APP_JAR, IMAGE_TOOLS_JAR; WORK (default $TARGET/image).

: "${JAVA_HOME:?}" "${TARGET:?}" "${APP_JAR:?}" "${IMAGE_TOOLS_JAR:?}"
WORK=${WORK:-$TARGET/image}

# java.logging: Paho's logger; java.sql: Tablesaw's column types and readers name java.sql types
# (it brings java.xml and java.transaction.xa); jdk.unsupported: Tablesaw's dependencies use
# sun.misc.Unsafe; jdk.crypto.ec: ssl:// brokers with EC certificates. Paho's websocket
# transport would need java.prefs: left out, TelemetrySettings accepts tcp:// and ssl:// only.
RUNTIME_MODULES=java.base,java.logging,java.sql,jdk.unsupported,jdk.crypto.ec
# the one the check below may find and we leave out on purpose
RUNTIME_MODULES_LEFT_OUT=java.prefs

for tool in ldd strip sha256sum; do
  command -v $tool >/dev/null 2>&1 || { say "ERROR: $tool is missing (Debian: libc-bin, binutils, coreutils)"; exit 1; }
done

build_rootfs() {
  rootfs=$1
  mkdir -p "$WORK"

  # --- Java runtime (jlink), made once per JDK and module list ----------------------------------
  # Kept outside target/ (RUNTIME_CACHE): JDK 17's CDS dump is not deterministic, so a runtime made
  # again would change the image's digest although nothing changed; this way a clean build on the
  # same machine gives the same initramfs.
  jdk_version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'java\.(vm\.)?version =' | tr -d ' \n')
  runtime_key="$jdk_version $JAVA_HOME $RUNTIME_MODULES cds-coops-only stripped"
  runtime=${RUNTIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybridge/jlink}/$(printf '%s' "$runtime_key" | sha256sum | cut -c1-16)
  if [ ! -x "$runtime/bin/java" ]; then
    say "jlink $RUNTIME_MODULES from $JAVA_HOME into $runtime"
    rm -rf "$runtime.partial" && mkdir -p "$(dirname "$runtime")"
    "$JAVA_HOME/bin/jlink" --add-modules "$RUNTIME_MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
      --generate-cds-archive --output "$runtime.partial" >/dev/null
    # the default CDS archive (JDK classes mapped, not loaded and verified: seconds under TCG);
    # heaps here are far below 32 GB, so the archive for uncompressed oops is never used
    rm -f "$runtime.partial/lib/server/classes_nocoops.jsa"
    # symbol tables are not needed to run (dynamic symbols stay)
    find "$runtime.partial" -name '*.so' -exec strip --strip-unneeded {} +
    # the runtime's own tools besides java are not needed by the task
    find "$runtime.partial/bin" -type f ! -name java -delete
    printf '%s\n' "$runtime_key" >"$runtime.partial/hybridge-runtime.key"
    mv "$runtime.partial" "$runtime"
  fi

  # --- the class path: the task, Paho, Tablesaw's tree trimmed to what the task reaches ----------
  paho=$(ls "$TARGET"/lib/org.eclipse.paho.client.mqttv3-*.jar)
  library=$(ls "$TARGET"/lib/*.jar | grep -v '/org\.eclipse\.paho\.client\.mqttv3-')
  trim_key=$( (sha256sum "$APP_JAR" "$IMAGE_TOOLS_JAR" $paho $library | awk '{ print $1 }'; echo "$jdk_version") | sha256sum | cut -c1-64)
  if [ ! -f "$WORK/tablesaw-trimmed.jar" ] || [ "$(cat "$WORK/trim.key" 2>/dev/null)" != "$trim_key" ]; then
    say "trimming $(echo $library | wc -w) library jars ($(du -ch $library | tail -1 | cut -f1)) to the classes the task reaches"
    "$JAVA_HOME/bin/java" -jar "$IMAGE_TOOLS_JAR" trim --release 17 --out "$WORK/tablesaw-trimmed.jar" \
      --root "$APP_JAR" --root "$paho" $library | sed 's/^/[telemetry-image] /'
    # every module the kept classes name must be in the runtime
    needed=$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 \
      --class-path "$WORK/tablesaw-trimmed.jar:$paho" "$APP_JAR" "$WORK/tablesaw-trimmed.jar" "$paho")
    for module in $(echo "$needed" | tr ',' ' '); do
      case ",$RUNTIME_MODULES,$RUNTIME_MODULES_LEFT_OUT," in
        *",$module,"*) ;;
        *) case "$module" in java.xml|java.transaction.xa) ;; *) say "ERROR: the task needs module $module; add it to RUNTIME_MODULES"; exit 1 ;; esac ;;
      esac
    done
    printf '%s' "$trim_key" >"$WORK/trim.key"
  fi

  rm -rf "$rootfs"
  mkdir -p "$rootfs/opt" "$rootfs/app/lib" "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp -a "$runtime" "$rootfs/opt/java"
  rm -f "$rootfs/opt/java/hybridge-runtime.key"
  cp "$APP_JAR" "$rootfs/app/lib/hybridge-telemetry.jar"
  cp "$paho" "$rootfs/app/lib/"
  cp "$WORK/tablesaw-trimmed.jar" "$rootfs/app/lib/"

  # Serial GC: one GC thread, the smallest footprint; C1 only: C2's compiler threads cost start
  # time and memory while the work is small; no perf data file; exit on OOM (the supervisor
  # restarts); SLF4J (used by a Tablesaw class) finds no provider and says so once: told to be quiet
  cat >"$rootfs/app/jvm.options" <<'EOF'
-XX:+UseSerialGC
-XX:TieredStopAtLevel=1
-XX:MaxRAMPercentage=50
-Xss512k
-XX:-UsePerfData
-XX:+ExitOnOutOfMemoryError
-Dslf4j.internal.verbosity=ERROR
EOF

  # --- the native libraries: everything the runtime's ELF files link, found with ldd -----------
  libs=$WORK/libraries.txt
  : >"$libs"
  for f in $(find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \)) ${EXTRA_ELF_FILES:-}; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' >>"$libs"
  done
  sort -u -o "$libs" "$libs"
  grep -v "^$rootfs" "$libs" >"$libs.outside" || true
  while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done <"$libs.outside"
  missing=$(for f in $(find "$rootfs/opt/java" -type f -name '*.so'); do ldd "$f" 2>/dev/null | grep 'not found' | grep -v 'libjvm.so' || true; done | sort -u)
  [ -z "$missing" ] || { say "ERROR: unresolved libraries: $missing"; exit 1; }
}

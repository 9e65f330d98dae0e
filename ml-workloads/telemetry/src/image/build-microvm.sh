#!/bin/sh
# Builds the telemetry task's microVM image and writes it as an OCI image layout (+ tar).
# Maven runs it in the package phase (see pom.xml) with these variables:
#
#   JAVA_HOME        the JDK whose jlink makes the runtime (the one running Maven)
#   TARGET           the module's target/ directory (dependencies in $TARGET/lib)
#   APP_JAR          the task's jar
#   IMAGE_TOOLS_JAR  hybridge-image-tools (class-path trimming, OCI layout)
#   VERSION          the project version: the image's tag
#   KERNEL_PACKAGE   Debian package whose kernel the image boots (default linux-image-cloud-amd64,
#                    resolved to the versioned package it depends on, e.g. linux-image-6.1.0-56-cloud-amd64)
#   KERNEL_CACHE     where downloaded kernels are kept (default ~/.cache/hybridge/kernels)
#   CMDLINE_EXTRA    more kernel command line (optional)
#
# No unikernel toolchain (Unikraft, Nanos, OSv) is installable here, so the image is a
# single-application specialised Linux: Debian's cloud kernel as it is packaged, and an
# initramfs holding only a tiny init (src/image/init.c), the kernel modules for virtio-mmio and
# virtio-net (the cloud kernel builds them as modules), the jlink runtime, the C libraries it
# links and the task. The task is the only process besides init; when it exits, init powers the
# VM off. Nothing here needs root: the kernel package is fetched with 'apt-get download' and
# unpacked with dpkg-deb.
#
# Outputs (target/):
#   microvm/vmlinuz, microvm/initrd, microvm/cmdline      the three things a VMM boots
#   hybridge-telemetry-<version>-microvm/                 OCI image layout (urunc annotations)
#   hybridge-telemetry-<version>-microvm.oci.tar          the same as one tar
#   microvm-image.properties                              sizes, digests, kernel, command line
# An unchanged rebuild fetches nothing and rewrites nothing (keys in target/microvm/*.key); the
# kernel and the jlink runtime are cached outside target/ (~/.cache/hybridge), so a clean build
# on the same machine gives the same bytes.
set -eu

say() { printf '[telemetry-image] %s\n' "$*"; }

: "${JAVA_HOME:?}" "${TARGET:?}" "${APP_JAR:?}" "${IMAGE_TOOLS_JAR:?}" "${VERSION:?}"
KERNEL_PACKAGE=${KERNEL_PACKAGE:-linux-image-cloud-amd64}
KERNEL_CACHE=${KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybridge/kernels}
here=$(cd "$(dirname "$0")" && pwd)
out=$TARGET/microvm
mkdir -p "$out"

fail() {
  say "ERROR: $*"
  exit 1
}
[ "$(uname -m)" = x86_64 ] || fail "only x86-64 microVM images are built (this is $(uname -m))"
for tool in cpio zstd cc dpkg-deb; do
  command -v $tool >/dev/null 2>&1 || fail "$tool is missing: itests/provision/provision.sh installs cpio, zstd, gcc, libc6-dev"
done

# --- the kernel: Debian's cloud kernel package, downloaded once ------------------------------------
# the metapackage names the current versioned package; resolving it needs only the local apt lists
if command -v apt-cache >/dev/null 2>&1; then
  package=$(apt-cache depends "$KERNEL_PACKAGE" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
  package=${package:-$KERNEL_PACKAGE}
  version=$(apt-cache show --no-all-versions "$package" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
fi
[ -n "${version:-}" ] || fail "apt knows no package $KERNEL_PACKAGE (run apt-get update; set KERNEL_PACKAGE to a linux-image package)"
kernel_dir=$KERNEL_CACHE/${package}_$version
if [ ! -f "$kernel_dir/vmlinuz" ]; then
  say "fetching $package $version (apt-get download) into $KERNEL_CACHE"
  download=$(mktemp -d)
  # apt's sandbox user may not write here; downloading as the current user is what we want
  (cd "$download" && apt-get download -o APT::Sandbox::User="$(id -un)" "$package=$version" >"$download/apt.log" 2>&1) \
    || { cat "$download/apt.log" >&2; rm -rf "$download"; fail "apt-get download $package=$version failed"; }
  rm -rf "$kernel_dir.partial" && mkdir -p "$kernel_dir.partial"
  dpkg-deb -x "$download"/*.deb "$download/x"
  cp "$download"/x/boot/vmlinuz-* "$kernel_dir.partial/vmlinuz"
  cp "$download"/x/boot/config-* "$kernel_dir.partial/config"
  release=$(ls "$download/x/lib/modules")
  echo "$release" >"$kernel_dir.partial/release"
  # only what the image can need: virtio transport and network drivers with their dependencies
  (cd "$download/x/lib/modules/$release" && tar -cf - kernel/drivers/virtio kernel/drivers/net kernel/net/core) \
    | (mkdir -p "$kernel_dir.partial/modules" && cd "$kernel_dir.partial/modules" && tar -xf -)
  basename "$download"/*.deb >"$kernel_dir.partial/package"
  rm -rf "$download" "$kernel_dir"
  mv "$kernel_dir.partial" "$kernel_dir"
fi
release=$(cat "$kernel_dir/release")

# modules the image needs, in load order (dependencies first) - or none when the kernel has the
# drivers built in. The package ships no modules.dep (depmod makes it on installation): each
# module's own .modinfo section names what it depends on.
wanted=""
for driver in VIRTIO_MMIO VIRTIO_NET; do
  case "$(grep -E "^CONFIG_$driver=" "$kernel_dir/config" | cut -d= -f2)" in
    y) ;;
    m) wanted="$wanted $(echo "$driver" | tr 'A-Z' 'a-z')" ;;
    *) fail "kernel $release has no CONFIG_$driver: it cannot reach the network as a microVM" ;;
  esac
done
command -v objcopy >/dev/null 2>&1 || fail "objcopy is missing (Debian: binutils)"
modules_order() (
  # (a subshell: the recursion keeps its own variables) prints the module paths (relative to the cache's modules/) of $1 and its dependencies, dependencies first
  name=$(echo "$1" | tr '-' '_')
  file=$(cd "$kernel_dir/modules" && find . -name "$name.ko" -o -name "$(echo "$name" | tr '_' '-').ko" | head -1)
  [ -n "$file" ] || fail "module $1 is not in $(cat "$kernel_dir/package")"
  deps=$(objcopy -O binary --only-section=.modinfo "$kernel_dir/modules/$file" /dev/stdout | tr '\0' '\n' \
    | sed -n 's/^depends=//p' | tr ',' ' ')
  for dep in $deps; do modules_order "$dep"; done
  echo "${file#./}"
)
modules=$(for m in $wanted; do modules_order "$m"; done | awk '!seen[$0]++')
for m in $wanted; do
  echo "$modules" | grep -q "/$m\.ko$" || fail "module $m or one it depends on is missing from $(cat "$kernel_dir/package")"
done

# --- init: tiny, dynamically linked against the C library the JVM links anyway -------------------
init_key=$( (sha256sum "$here/init.c"; cc --version | head -1) | sha256sum | cut -c1-64)
if [ ! -x "$out/init" ] || [ "$(cat "$out/init.key" 2>/dev/null)" != "$init_key" ]; then
  cc -Os -Wall -Werror -s -o "$out/init" "$here/init.c" || fail "cannot compile init.c"
  printf '%s' "$init_key" >"$out/init.key"
fi

# --- the root file system: the shared part (runtime, app, libraries), then init and modules -------
. "$here/rootfs.sh"
WORK=$TARGET/image
EXTRA_ELF_FILES=$out/init
build_rootfs "$out/rootfs"
cp "$out/init" "$rootfs/init"
mkdir -p "$rootfs/lib/modules"
i=0
for module in $modules; do
  i=$((i + 1))
  cp "$kernel_dir/modules/$module" "$rootfs/lib/modules/$(printf '%02d' $i)-$(basename "$module")"
done
# the task's command, one argument per line (init has no shell to parse a command)
printf '%s\n' /opt/java/bin/java @/app/jvm.options -cp '/app/lib/*' io.hybridge.telemetry.TelemetryApp >"$rootfs/etc/task.args"
printf 'root:x:0:0:root:/:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"

# --- initramfs: cpio newc, compressed with zstd (the cloud kernel has CONFIG_RD_ZSTD=y) ------------
grep -q '^CONFIG_RD_ZSTD=y' "$kernel_dir/config" || fail "kernel $release cannot unpack a zstd initramfs (CONFIG_RD_ZSTD)"
# same content, same bytes: fixed times, sorted names, owner root
find "$rootfs" -exec touch -h -d @1767225600 {} +
content_key=$( (cd "$rootfs" && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2; find . -type l -printf '%p -> %l\n' | LC_ALL=C sort) | sha256sum | cut -c1-64)
if [ ! -f "$out/initrd" ] || [ "$(cat "$out/initrd.key" 2>/dev/null)" != "$content_key" ]; then
  say "initramfs: $(du -sh "$rootfs" | cut -f1) uncompressed, compressing (zstd -19)"
  (cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
    | zstd -q -19 -T0 -c >"$out/initrd.partial"
  mv "$out/initrd.partial" "$out/initrd"
  printf '%s' "$content_key" >"$out/initrd.key"
fi
cp -p "$kernel_dir/vmlinuz" "$out/vmlinuz"

# --- kernel command line: serial console, no module probing beyond init's, fast and quiet boot ----
# quiet: the serial console under TCG costs boot time per line; panic=-1 and reboot (QEMU with
# -no-reboot exits) if init dies. no_timer_check and lpj skip the IO-APIC timer check and the
# delay-loop calibration: under TCG on a loaded host the PIT-based TSC calibration fails now and
# then, and the calibrations after it then hung the boot (seen here at load 3-5 on 2 cores)
cmdline="console=ttyS0 quiet loglevel=3 panic=-1 reboot=t pci=off i8042.noaux i8042.nokbd i8042.nopnp no_timer_check lpj=10000000 random.trust_cpu=on mitigations=off${CMDLINE_EXTRA:+ $CMDLINE_EXTRA}"
printf '%s\n' "$cmdline" >"$out/cmdline"

# --- OCI image layout (urunc's convention) + tar ---------------------------------------------------
layout=$TARGET/hybridge-telemetry-$VERSION-microvm
tar=$TARGET/hybridge-telemetry-$VERSION-microvm.oci.tar
annotations=$out/annotations.properties
cat >"$annotations" <<EOF
# urunc (https://github.com/urunc-dev/urunc, docs/package/): what it is and how to boot it
com.urunc.unikernel.unikernelType=linux
com.urunc.unikernel.hypervisor=qemu
com.urunc.unikernel.binary=/unikernel/vmlinuz
com.urunc.unikernel.initrd=/unikernel/initrd
com.urunc.unikernel.cmdline=$cmdline
com.urunc.unikernel.unikernelVersion=$release
# Hybridge: what the task needs from the VMM and the gateway
io.hybridge.unikernel.machine=microvm
io.hybridge.unikernel.vcpus=1
io.hybridge.unikernel.memoryMiB=256
io.hybridge.unikernel.network=virtio-net
io.hybridge.unikernel.guestAddress=10.0.2.15/24
io.hybridge.unikernel.envPrefix=hybridge.env.
io.hybridge.unikernel.env=MQTT_URI,MQTT_USERNAME,MQTT_PASSWORD,MQTT_CLIENT_ID
io.hybridge.unikernel.console=ttyS0
io.hybridge.unikernel.exitLine=hybridge-init: task exited with status
io.hybridge.unikernel.readyLine=hybridge-init: task started
io.hybridge.unikernel.controlLine=ttyS1
io.hybridge.bus.subscribe=sensors/+/telemetry
io.hybridge.bus.publish=telemetry/stats,telemetry/status
io.hybridge.ready.topic=telemetry/status
io.hybridge.kernel.package=$(cat "$kernel_dir/package")
org.opencontainers.image.title=Hybridge telemetry task (microVM)
org.opencontainers.image.description=Tablesaw windowed statistics and z-score anomalies over MQTT; Debian cloud kernel + initramfs (single-application Linux, not a true unikernel)
org.opencontainers.image.version=$VERSION
EOF
oci_key=$( (sha256sum "$out/vmlinuz" "$out/initrd" "$annotations" "$IMAGE_TOOLS_JAR" | awk '{ print $1 }') | sha256sum | cut -c1-64)
if [ ! -f "$tar" ] || [ ! -f "$layout/index.json" ] || [ "$(cat "$out/oci.key" 2>/dev/null)" != "$oci_key" ]; then
  digest=$("$JAVA_HOME/bin/java" -jar "$IMAGE_TOOLS_JAR" layout --out "$layout" --tar "$tar" --ref "$VERSION" --name "hybridge/telemetry:$VERSION" \
    --annotations "$annotations" --file "unikernel/vmlinuz=$out/vmlinuz" --file "unikernel/initrd=$out/initrd")
  printf '%s' "$oci_key" >"$out/oci.key"
  state=built
else
  digest=$(grep -o 'sha256:[0-9a-f]\{64\}' "$layout/index.json" | head -1)
  state="up to date"
fi

# --- this machine's image folder -------------------------------------------------------------------
# Like the container image the build loads into the local engine, the microVM image goes where a
# gateway on this machine finds it: telemetry.workload.json names it as
# ~/.cache/hybridge/images/<tar> (image.archive; ~ is the home of the user the gateway runs as).
# HYBRIDGE_IMAGES moves the folder. Copied only when it differs (cmp), so warm builds write nothing.
images=${HYBRIDGE_IMAGES:-$HOME/.cache/hybridge/images}
mkdir -p "$images"
installed=$images/$(basename "$tar")
if ! cmp -s "$tar" "$installed"; then
  cp "$tar" "$installed.partial" && mv -f "$installed.partial" "$installed"
  say "installed $installed for gateways on this machine"
fi

kernel_size=$(stat -c %s "$out/vmlinuz")
initrd_size=$(stat -c %s "$out/initrd")
{
  echo "kernel.package=$(cat "$kernel_dir/package")"
  echo "kernel.release=$release"
  echo "kernel.modules=$(for m in $modules; do basename "$m"; done | tr '\n' ' ' | sed 's/ $//')"
  echo "kernel=$out/vmlinuz"
  echo "initrd=$out/initrd"
  echo "cmdline=$cmdline"
  echo "kernel.size=$kernel_size"
  echo "initrd.size=$initrd_size"
  echo "initrd.uncompressed=$(du -sb "$rootfs" | cut -f1)"
  echo "total.size=$((kernel_size + initrd_size))"
  echo "oci.layout=$layout"
  echo "oci.tar=$tar"
  echo "oci.tar.size=$(stat -c %s "$tar")"
  echo "oci.manifest=$digest"
  echo "oci.tar.installed=$installed"
} >"$TARGET/microvm-image.properties"
say "microVM image $state: kernel $(awk -v s="$kernel_size" 'BEGIN { printf "%.1f MB", s / 1e6 }'), initrd $(awk -v s="$initrd_size" 'BEGIN { printf "%.1f MB", s / 1e6 }'), OCI $digest in $tar"

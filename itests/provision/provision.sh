#!/bin/sh
# Provisions the real components the Hybridge tests use, from Debian packages, and starts
# what must run. Idempotent: run it as often as you like; what is there is left alone.
#
#   itests/provision/provision.sh
#
# For issue 2 (foundation): Mosquitto clients (to drive the gateway's local broker) and a
# Mosquitto broker as the external peer on 127.0.0.1:${HYBRIDGE_PEER_MQTT_PORT:-18831}.
# For issue 4 (containers): the Docker engine (docker.io), started here when none answers
# (log in $HYBRIDGE_PROVISION_STATE/dockerd.log), and what the vision image build uses besides
# the JDK's jlink: ldd (libc-bin) and strip (binutils).
# For the console's browser tests: Chromium and its WebDriver (chromium, chromium-driver), run
# headless by Selenium from their Debian paths; no driver is ever downloaded.
# For issue 5 (microVMs): QEMU (qemu-system-x86) to boot the telemetry task's microVM image, and
# what its build uses: cpio, zstd, a C compiler and headers for its init (gcc, libc6-dev), objcopy
# (binutils), dpkg-deb and apt-get download for Debian's cloud kernel (no root needed for those);
# the registry the image-tools push test starts (docker-registry, htpasswd from apache2-utils).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
state=${HYBRIDGE_PROVISION_STATE:-/var/tmp/hybridge-itests}
peer_port=${HYBRIDGE_PEER_MQTT_PORT:-18831}
registry_port=${HYBRIDGE_TEST_REGISTRY_PORT:-15000}
registry_dir=${HYBRIDGE_TEST_REGISTRY_DIR:-/var/lib/hybridge-itest-registry}
registry_user=hybridge
registry_password=hybridge-test-registry

say() { printf '[provision] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; exit 1; fi
}

if ! command -v bash >/dev/null; then say "bash is required"; exit 1; fi
port_open() { bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# --- Debian packages -------------------------------------------------------------------
missing=""
# openssl makes the cloud broker's TLS certificates at test time; docker.io, binutils (strip) and
# libc-bin (ldd) build and run the vision workload's image
for pair in mosquitto:/usr/sbin/mosquitto mosquitto-clients:/usr/bin/mosquitto_pub openssl:/usr/bin/openssl \
    docker.io:/usr/sbin/dockerd binutils:/usr/bin/strip libc-bin:/usr/bin/ldd \
    docker-registry:/usr/bin/docker-registry apache2-utils:/usr/bin/htpasswd busybox-static:/bin/busybox curl:/usr/bin/curl socat:/usr/bin/socat \
    chromium:/usr/bin/chromium chromium-driver:/usr/bin/chromedriver; do
  pkg=${pair%%:*}; bin=${pair#*:}
  [ -x "$bin" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  say "installing:$missing"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  # the package's own broker (port 1883) would collide with the gateway's default port
  as_root sh -c 'invoke-rc.d mosquitto stop >/dev/null 2>&1 || service mosquitto stop >/dev/null 2>&1 || true'
  # the package's registry service (port 5000, its own config) is not the test registry
  as_root sh -c 'invoke-rc.d docker-registry stop >/dev/null 2>&1 || service docker-registry stop >/dev/null 2>&1 || true'
else
  say "Debian packages present: mosquitto mosquitto-clients openssl docker.io binutils libc-bin docker-registry apache2-utils busybox-static curl socat chromium chromium-driver"
fi

# microVM image build and boot (issue 5); the package's own registry service is not the tests'.
# libnss3: the gateway hashes OTA units and image blobs with NSS (io.hybridge.api.crypto.Digests)
missing=""
for pair in qemu-system-x86:/usr/bin/qemu-system-x86_64 cpio:/usr/bin/cpio zstd:/usr/bin/zstd gcc:/usr/bin/gcc \
    libc6-dev:/usr/include/stdio.h docker-registry:/usr/bin/docker-registry apache2-utils:/usr/bin/htpasswd \
    libnss3:/usr/lib/$(uname -m)-linux-gnu/libsoftokn3.so; do
  pkg=${pair%%:*}; bin=${pair#*:}
  [ -e "$bin" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  say "installing:$missing"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  as_root sh -c 'invoke-rc.d docker-registry stop >/dev/null 2>&1 || service docker-registry stop >/dev/null 2>&1 || true'
else
  say "Debian packages present: qemu-system-x86 cpio zstd gcc libc6-dev docker-registry apache2-utils libnss3"
fi
# the telemetry image resolves linux-image-cloud-amd64 from the local apt lists
if ! apt-cache show --no-all-versions linux-image-cloud-amd64 >/dev/null 2>&1; then
  say "apt knows no linux-image-cloud-amd64 yet: apt-get update"
  as_root apt-get update -qq
fi

# --- external peer broker (Mosquitto) --------------------------------------------------
mkdir -p "$state/peer"
if port_open "$peer_port"; then
  say "peer Mosquitto already listens on 127.0.0.1:$peer_port"
else
  rm -f "$state/peer/passwords"
  touch "$state/peer/passwords" && chmod 0600 "$state/peer/passwords"
  mosquitto_passwd -b "$state/peer/passwords" hybridge-peer peer-pass
  sed -e "s#@PORT@#$peer_port#" -e "s#@STATE@#$state/peer#" "$here/peer-mosquitto.conf" >"$state/peer/mosquitto.conf"
  # as root, Mosquitto drops to its own user: that user must own its state
  if [ "$(id -u)" -eq 0 ] && id mosquitto >/dev/null 2>&1; then chown -R mosquitto "$state/peer"; fi
  mosquitto -c "$state/peer/mosquitto.conf" -d
  i=0
  until port_open "$peer_port"; do
    i=$((i + 1)); [ "$i" -lt 100 ] || { say "peer Mosquitto did not start; see $state/peer/mosquitto.log"; exit 1; }
    sleep 0.1
  done
  say "peer Mosquitto started on 127.0.0.1:$peer_port (user hybridge-peer)"
fi

# --- Docker engine ---------------------------------------------------------------------
# An engine that already answers on the default socket (systemd's docker.service, one started
# earlier) is used as it is. Otherwise dockerd is started in the background, detached from
# this shell (it outlives the script), and waited for.
if docker info >/dev/null 2>&1; then
  say "Docker engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
else
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    as_root systemctl start docker
  else
    as_root setsid sh -c "exec dockerd >>'$state/dockerd.log' 2>&1 </dev/null" &
  fi
  i=0
  until docker info >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 120 ] || { say "Docker engine did not answer within 60 s; see $state/dockerd.log"; exit 1; }
    sleep 0.5
  done
  say "Docker engine started: $(docker version --format '{{.Server.Version}}' 2>/dev/null) (log $state/dockerd.log)"
fi

# --- test registry (CNCF Distribution) -------------------------------------------------
# Started here with its own configuration (not the Debian unit's): loopback only, htpasswd
# (bcrypt) authentication, storage under $registry_dir. Docker allows plain HTTP to registries
# on 127.0.0.0/8 without an insecure-registries entry, so nothing in the engine changes.
if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$registry_port/v2/" 2>/dev/null)" = 401 ]; then
  say "test registry already answers on 127.0.0.1:$registry_port (authentication required)"
else
  as_root mkdir -p "$registry_dir/data"
  as_root htpasswd -Bbc "$registry_dir/htpasswd" "$registry_user" "$registry_password" 2>/dev/null
  sed -e "s#@PORT@#$registry_port#" -e "s#@DIR@#$registry_dir#" "$here/test-registry.yml" | as_root tee "$registry_dir/config.yml" >/dev/null
  as_root setsid sh -c "exec docker-registry serve '$registry_dir/config.yml' >>'$registry_dir/registry.log' 2>&1 </dev/null" &
  i=0
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$registry_port/v2/" 2>/dev/null)" = 401 ]; do
    i=$((i + 1)); [ "$i" -lt 100 ] || { say "test registry did not start; see $registry_dir/registry.log"; exit 1; }
    sleep 0.1
  done
  say "test registry started on 127.0.0.1:$registry_port (user $registry_user, log $registry_dir/registry.log)"
fi

# --- PostgreSQL for the fleet manager's tests (issue 6) -----------------------------------
# postgresql.sh installs Debian's postgresql if missing (the apt lists are fresh from above when
# anything was installed; refreshed here otherwise), listens on 127.0.0.1 only, and makes the
# database and user hybridge_fleet
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  as_root apt-get update -qq
fi
"$here/postgresql.sh" | sed 's/^/[provision] /'

# --- browser ---------------------------------------------------------------------------
# the console tests start their own headless Chromium; check here that it runs at all
if /usr/bin/chromium --headless --no-sandbox --disable-gpu --dump-dom about:blank 2>/dev/null | grep -q '<body>'; then
  say "$(/usr/bin/chromium --version 2>/dev/null) runs headless; $(/usr/bin/chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
else
  say "warning: chromium does not run headless (chromium --headless --no-sandbox --dump-dom about:blank); the browser tests will fail"
fi

# --- build tools -----------------------------------------------------------------------
java -version 2>&1 | head -1 | sed 's/^/[provision] /'
command -v jlink >/dev/null || [ -x "${JAVA_HOME:-/nonexistent}/bin/jlink" ] \
  || say "warning: no jlink (a full JDK, e.g. openjdk-17-jdk-headless): the vision image cannot be built"
mvn -v 2>/dev/null | head -1 | sed 's/^/[provision] /'
say "ready"

#!/bin/bash
# Proves the vision image runs and measures its throughput against the same app on the host.
#
#   ml-workloads/vision/src/bench/throughput.sh [rounds=5] [frames=600]
#
# Needs the module built with a Docker engine present (target/image/rootfs and the tagged
# image), Mosquitto (mosquitto, mosquitto-clients) and a JDK for the host run (JAVA_HOME, or
# java on PATH; use the JDK the image's runtime was linked from for a fair comparison).
#
# 1. Starts a Mosquitto with an account on a free loopback port (its own, checked).
# 2. Runs the image (host network) on the sample clip once and checks with mosquitto_sub that
#    one detection message per frame and the last stats message arrive.
# 3. Runs the workload `rounds` times in the container and `rounds` times on the host JVM,
#    alternating which goes first, each looping the clip for `frames` frames and publishing to
#    the broker. Figures per run, from the app's last stats message: fpsOverall (frames / time
#    from the first frame to the last, JVM start excluded) and cpuMsPerFrame (process CPU time
#    per frame, which holds still when other work shares the machine and fps does not).
#    Reports medians, container/host of the medians, and the median of the per-round ratios.
#
# Results: target/benchmarks/vision-throughput.json and .txt.
set -euo pipefail

module=$(cd "$(dirname "$0")/../.." && pwd)
target=$module/target
rounds=${1:-5}
frames=${2:-600}
say() { printf '[vision-bench] %s\n' "$*"; }
die() { say "ERROR: $*"; exit 1; }

[ -f "$target/vision-image.properties" ] || die "no image built: run mvn -B package in ml-workloads/vision with a Docker engine"
image=$(sed -n 's/^image=//p' "$target/vision-image.properties")
size=$(sed -n 's/^size=//p' "$target/vision-image.properties")
rootfs=$target/image/rootfs
docker image inspect "$image" >/dev/null 2>&1 || die "image $image is not in the engine (rebuild the module)"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$java" >/dev/null || die "no java for the host run (set JAVA_HOME)"
for tool in mosquitto mosquitto_sub mosquitto_passwd; do command -v $tool >/dev/null || die "$tool missing (itests/provision/provision.sh)"; done

work=$(mktemp -d)
broker_pid=""
sub_pid=""
cleanup() {
  [ -z "$sub_pid" ] || kill "$sub_pid" 2>/dev/null || true
  [ -z "$broker_pid" ] || kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- a broker of our own ------------------------------------------------------------------
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
touch "$work/passwords" && chmod 0600 "$work/passwords"
mosquitto_passwd -b "$work/passwords" vision "$password"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 30000))
  port_open "$port" && continue
  cat >"$work/mosquitto.conf" <<EOF
per_listener_settings false
listener $port 127.0.0.1
allow_anonymous false
password_file $work/passwords
persistence false
user $(id -un)
log_dest file $work/mosquitto.log
EOF
  mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 50); do port_open "$port" && break; kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
  # ours only if our process is alive and listening (another broker may have taken the port meanwhile)
  if kill -0 "$broker_pid" 2>/dev/null && port_open "$port" \
    && ss -ltnpH "sport = :$port" 2>/dev/null | grep -q "pid=$broker_pid,"; then
    break
  fi
  kill "$broker_pid" 2>/dev/null || true
  broker_pid=""
done
[ -n "$broker_pid" ] || die "could not start Mosquitto on a free port"
uri=tcp://127.0.0.1:$port
say "Mosquitto (pid $broker_pid) on $uri"

# --- 1: the image runs and its detections arrive --------------------------------------------
mosquitto_sub -h 127.0.0.1 -p "$port" -u vision -P "$password" -i bench-sub -t 'vision/#' -v >"$work/sub.txt" &
sub_pid=$!
for _ in $(seq 1 100); do grep -q 'as bench-sub' "$work/mosquitto.log" 2>/dev/null && break; sleep 0.1; done
set +e
docker run --rm --network host -e "MQTT_URI=$uri" -e MQTT_USERNAME=vision -e "MQTT_PASSWORD=$password" \
  -e MQTT_CLIENT_ID=bench-demo "$image" >"$work/demo.out" 2>&1
demo_exit=$?
set -e
[ "$demo_exit" -eq 0 ] || { cat "$work/demo.out"; die "the container exited $demo_exit"; }
for _ in $(seq 1 100); do grep -q '"last":true' "$work/sub.txt" && break; sleep 0.1; done
kill "$sub_pid" 2>/dev/null || true
sub_pid=""
demo_messages=$(grep -c '^vision/detections ' "$work/sub.txt" || true)
demo_faces=$(grep '^vision/detections ' "$work/sub.txt" | grep -c '"type":"face"' || true)
demo_motion=$(grep '^vision/detections ' "$work/sub.txt" | grep -c '"type":"motion"' || true)
demo_stats=$(grep '^vision/stats ' "$work/sub.txt" | grep '"last":true' | tail -1 | cut -d' ' -f2-)
[ -n "$demo_stats" ] || die "no last stats message arrived on vision/stats"
demo_frames=$(printf '%s' "$demo_stats" | sed 's/.*"frames":\([0-9]*\).*/\1/')
say "container on the sample clip: exit 0, $demo_messages detection messages for $demo_frames frames" \
  "($demo_faces with a face, $demo_motion with motion) received by mosquitto_sub"
say "first message: $(grep -m1 '^vision/detections ' "$work/sub.txt")"

# --- 2: throughput, container vs host -------------------------------------------------------
env_common=(VISION_LOOP=true "VISION_MAX_FRAMES=$frames" "MQTT_URI=$uri" MQTT_USERNAME=vision "MQTT_PASSWORD=$password")
# "fps cpuMsPerFrame" of a run's last stats line
figures_of() { grep '"last":true' "$1" | tail -1 | sed 's/.*"fpsOverall":\([0-9.]*\).*"cpuMsPerFrame":\([0-9.]*\).*/\1 \2/'; }
run_container() {
  local args=()
  for kv in "${env_common[@]}"; do args+=(-e "$kv"); done
  docker run --rm --network host "${args[@]}" -e "MQTT_CLIENT_ID=bench-container-$1" "$image" >"$work/container-$1.out" 2>&1 \
    || { cat "$work/container-$1.out"; die "container run $1 failed"; }
  figures_of "$work/container-$1.out"
}
run_host() {
  env "${env_common[@]}" "MQTT_CLIENT_ID=bench-host-$1" \
    VISION_SOURCE="$rootfs/app/samples/vision-sample.avi" \
    VISION_CASCADE="$rootfs/app/cascades/haarcascade_frontalface_alt2.xml" \
    "$java" "@$rootfs/app/jvm.options" "-Djava.library.path=$rootfs/app/native" -cp "$rootfs/app/lib/*" \
    io.hybridge.vision.VisionApp >"$work/host-$1.out" 2>&1 || { cat "$work/host-$1.out"; die "host run $1 failed"; }
  figures_of "$work/host-$1.out"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

host_fps=(); host_cpu=(); container_fps=(); container_cpu=(); paired=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    h=$(run_host "$r"); c=$(run_container "$r")
  else
    c=$(run_container "$r"); h=$(run_host "$r")
  fi
  read -r hf hc <<<"$h"; read -r cf cc <<<"$c"
  host_fps+=("$hf"); host_cpu+=("$hc"); container_fps+=("$cf"); container_cpu+=("$cc")
  paired+=("$(awk -v c="$cf" -v h="$hf" 'BEGIN { printf "%.3f", c / h }')")
  say "round $r/$rounds: host $hf frames/s ($hc CPU ms/frame), container $cf frames/s ($cc CPU ms/frame)"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
host_median=$(printf '%s\n' "${host_fps[@]}" | median)
container_median=$(printf '%s\n' "${container_fps[@]}" | median)
ratio=$(awk -v c="$container_median" -v h="$host_median" 'BEGIN { printf "%.3f", c / h }')
paired_median=$(printf '%s\n' "${paired[@]}" | median)
host_cpu_median=$(printf '%s\n' "${host_cpu[@]}" | median)
container_cpu_median=$(printf '%s\n' "${container_cpu[@]}" | median)
cpu_ratio=$(awk -v c="$container_cpu_median" -v h="$host_cpu_median" 'BEGIN { printf "%.3f", c / h }')

# --- results --------------------------------------------------------------------------------
mkdir -p "$target/benchmarks"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
host_java=$("$java" -version 2>&1 | head -1 | tr -d '"')
image_java=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$rootfs/opt/java/release")
engine=$(docker version --format '{{.Server.Version}}')
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
join() { local IFS=,; echo "$*"; }
cat >"$target/benchmarks/vision-throughput.json" <<EOF
{
  "date": "$now",
  "machine": { "cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)", "docker": "$engine",
               "loadAverageBefore": "$load_before", "loadAverageAfter": "$load_after" },
  "image": { "tag": "$image", "sizeBytes": $size, "java": "$image_java" },
  "hostJava": "$host_java",
  "clip": { "frames": $demo_frames, "width": 320, "height": 240 },
  "demo": { "exit": $demo_exit, "detectionMessages": $demo_messages, "withFace": $demo_faces, "withMotion": $demo_motion },
  "framesPerRun": $frames,
  "rounds": $rounds,
  "hostFps": [$(join "${host_fps[@]}")],
  "containerFps": [$(join "${container_fps[@]}")],
  "hostFpsMedian": $host_median,
  "containerFpsMedian": $container_median,
  "containerOverHost": $ratio,
  "containerOverHostPerRound": [$(join "${paired[@]}")],
  "containerOverHostPerRoundMedian": $paired_median,
  "hostCpuMsPerFrame": [$(join "${host_cpu[@]}")],
  "containerCpuMsPerFrame": [$(join "${container_cpu[@]}")],
  "hostCpuMsPerFrameMedian": $host_cpu_median,
  "containerCpuMsPerFrameMedian": $container_cpu_median,
  "cpuPerFrameContainerOverHost": $cpu_ratio
}
EOF
{
  echo "vision throughput, $now"
  echo "machine: $(nproc) CPUs ($cpu), kernel $(uname -r), Docker $engine; load average $load_before before, $load_after after"
  echo "image: $image, $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }'), jlink runtime $image_java; host: $host_java"
  echo "demo: container exit $demo_exit, $demo_messages detection messages for $demo_frames frames on vision/detections"
  echo "runs: $rounds x $frames frames of the 320x240 sample clip, motion + face, publishing to Mosquitto on loopback"
  echo "host frames/s:      ${host_fps[*]}  (median $host_median)"
  echo "container frames/s: ${container_fps[*]}  (median $container_median)"
  echo "container / host:   $ratio (medians); per round ${paired[*]} (median $paired_median)"
  echo "CPU ms per frame:   host ${host_cpu[*]} (median $host_cpu_median)"
  echo "                    container ${container_cpu[*]} (median $container_cpu_median)"
  echo "CPU per frame, container / host: $cpu_ratio"
} | tee "$target/benchmarks/vision-throughput.txt"

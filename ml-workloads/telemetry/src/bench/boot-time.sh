#!/bin/bash
# Boot-to-ready of the telemetry microVM under QEMU, several runs, after a build:
#
#   ml-workloads/telemetry/src/bench/boot-time.sh [runs] [accel]      # defaults: 5, tcg
#
# Starts its own Mosquitto (anonymous, loopback, free port), then boots target/microvm/{vmlinuz,
# initrd} with the image's command line, the broker forwarded as 10.0.2.100:1883 and
# TELEMETRY_MAX_WINDOWS=1, once per run and variant (the image as built; with
# JAVA_TOOL_OPTIONS=-Xint) - and, when a Docker engine answers and the build made it, the same
# task as a container (docker run --network host, RSS of its JVM process). Per run: milliseconds from starting QEMU to the task's ready line on the
# console (it is printed right after the ready message is published), the guest's uptime and the
# JVM's uptime at ready (from the message), QEMU's (or the container JVM's) RSS then, and the exit
# status after the VM powered off (the container ended). Writes target/benchmarks/microvm-boot.json and .txt with medians and the load average.
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
accel=${2:-tcg}
vm=$here/target/microvm
out=$here/target/benchmarks
mkdir -p "$out"
[ -f "$vm/initrd" ] || { echo "no image: build first (mvn install -pl ml-workloads/telemetry)"; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser %s\n' "$port" "$(id -un)" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

tsc=""
[ "$accel" = tcg ] && tsc="tsc_early_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)"

boot() { # $1 = extra command line; prints "ms guestUptimeMs jvmUptimeMs rssKiB exit"
  local start line pid ms="" guest="" jvm="" rss=""
  start=$(date +%s%N)
  exec 4< <(qemu-system-x86_64 -M microvm -accel "$accel" -cpu max -smp 1 -m 256 -nodefaults -no-user-config \
    -nographic -no-reboot -serial stdio -kernel "$vm/vmlinuz" -initrd "$vm/initrd" \
    -append "$(cat "$vm/cmdline") $tsc hybridge.env.MQTT_URI=tcp://10.0.2.100:1883 hybridge.env.TELEMETRY_WINDOW_SECONDS=1 hybridge.env.TELEMETRY_MAX_WINDOWS=1 $1" \
    -netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:1883-tcp:127.0.0.1:$port" -device virtio-net-device,netdev=n0 2>&1; echo "qemu-exit $?")
  while IFS= read -r -t 180 line <&4; do
    case "$line" in
      "telemetry: ready "*)
        ms=$((($(date +%s%N) - start) / 1000000))
        guest=$(echo "$line" | grep -o '"systemUptimeMs":[0-9]*' | cut -d: -f2)
        jvm=$(echo "$line" | grep -o '"jvmUptimeMs":[0-9]*' | cut -d: -f2)
        pid=$(pgrep -n -f "qemu-system-x86_64 -M microvm.*127.0.0.1:$port" || true)
        [ -n "$pid" ] && rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true) ;;
      "qemu-exit "*) echo "${ms:-none} ${guest:-0} ${jvm:-0} ${rss:-0} ${line#qemu-exit }"; exec 4<&-; return ;;
    esac
  done
  echo "none 0 0 0 timeout"
  exec 4<&-
}

container() { # the same task as a container: prints "ms 0 jvmUptimeMs rssKiB exit"
  local start line pid ms="" jvm="" rss="" name="hybridge-telemetry-bench-$$"
  start=$(date +%s%N)
  exec 4< <(docker run --rm --name "$name" --network host --read-only -e "MQTT_URI=tcp://127.0.0.1:$port" \
    -e TELEMETRY_WINDOW_SECONDS=1 -e TELEMETRY_MAX_WINDOWS=1 "$image" 2>&1; echo "docker-exit $?")
  while IFS= read -r -t 180 line <&4; do
    case "$line" in
      "telemetry: ready "*)
        ms=$((($(date +%s%N) - start) / 1000000))
        jvm=$(echo "$line" | grep -o '"jvmUptimeMs":[0-9]*' | cut -d: -f2)
        pid=$(docker inspect --format '{{.State.Pid}}' "$name" 2>/dev/null || true)
        [ -n "$pid" ] && [ "$pid" != 0 ] && rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true) ;;
      "docker-exit "*) echo "${ms:-none} 0 ${jvm:-0} ${rss:-0} ${line#docker-exit }"; exec 4<&-; return ;;
    esac
  done
  echo "none 0 0 0 timeout"
  exec 4<&-
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "none"; else if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
json="{\"accel\":\"$accel\",\"runs\":$runs,\"loadBefore\":\"$load_before\",\"kernelBytes\":$(stat -c %s "$vm/vmlinuz"),\"initrdBytes\":$(stat -c %s "$vm/initrd"),\"variants\":{"
txt="microVM boot to ready, QEMU $accel, 1 vCPU, 256 MiB, $runs runs per variant (load before: $load_before)"
first=1
variants="default xint"
image=$(sed -n 's/^image=//p' "$here/target/container-image.properties" 2>/dev/null || true)
if [ -n "$image" ] && docker info >/dev/null 2>&1; then variants="$variants container"; fi
for variant in $variants; do
  extra=""; [ "$variant" = xint ] && extra="hybridge.env.JAVA_TOOL_OPTIONS=-Xint"
  : >"$work/$variant"
  for _ in $(seq "$runs"); do
    if [ "$variant" = container ]; then container >>"$work/$variant"; else boot "$extra" >>"$work/$variant"; fi
  done
  m=$(awk '$1 != "none" { print $1 }' "$work/$variant" | median)
  g=$(awk '$1 != "none" { print $2 }' "$work/$variant" | median)
  j=$(awk '$1 != "none" { print $3 }' "$work/$variant" | median)
  r=$(awk '$1 != "none" { print $4 }' "$work/$variant" | median)
  all=$(awk '{ printf "%s%s", (NR > 1 ? "," : ""), ($1 == "none" ? "null" : $1) }' "$work/$variant")
  exits=$(awk '{ printf "%s%s", (NR > 1 ? "," : ""), "\"" $5 "\"" }' "$work/$variant")
  [ $first = 1 ] || json="$json,"
  first=0
  json="$json\"$variant\":{\"bootToReadyMs\":[$all],\"medianBootToReadyMs\":$m,\"medianGuestUptimeAtReadyMs\":$g,\"medianJvmUptimeAtReadyMs\":$j,\"medianRssKiB\":$r,\"exit\":[$exits]}"
  txt="$txt
$variant: boot to ready median $m ms (runs: $(awk '{ printf "%s ", $1 }' "$work/$variant")), guest uptime at ready $g ms, JVM uptime at ready $j ms, RSS (QEMU; for the container its JVM) $r KiB"
done
json="$json},\"loadAfter\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
printf '%s\n' "$json" >"$out/microvm-boot.json"
printf '%s\nload after: %s\n' "$txt" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/microvm-boot.txt"

#!/usr/bin/env bash
# A/B of two platform configurations under the ceiling's wrk command (#33, docs/benchmarks.md): ROUNDS rounds,
# each starting A and B in turn (the order alternating from round to round) on fresh data, warming one hot
# wallet 45 s, then measuring two 20-s windows with wrk-cpu.sh. Per window: operations/s, every process's CPU
# per operation, the platform JVM's CPU per operation (threads.sh) and its context switches per 1,000
# operations (switches.sh), both from snapshots taken just before and just after the window, none inside it.
# A side is JAR, JAR|JAVA_OPTS or JAR|JAVA_OPTS|NAME=VALUE... (settings of that side only). The medians of
# each side close the output. ab.sh does the same with the load tester (and its audit) instead of wrk.
# Usage: scripts/bench/pairs.sh LABEL_A SIDE_A LABEL_B SIDE_B OUT [ROUNDS]
#   e.g. scripts/bench/pairs.sh adaptive platform.jar pooled 'platform.jar|-Dio.netty.allocator.type=pooled' out 3
set -euo pipefail
command -v wrk > /dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk > /dev/null; }  # a fresh machine has no wrk
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$5"); rounds=${6:-3}
port=18181; secret=bench-secret
mkdir -p "$out"
source "$here/platform.sh"
measure() {  # measure LABEL SIDE
  local label=$1 jar options settings window
  IFS='|' read -r jar options settings <<< "$2"
  data=$(mktemp -d)
  # shellcheck disable=SC2086  # the settings are NAME=VALUE words
  BENCH_JAVA_OPTS="$options" start_platform "$(realpath "$jar")" "$out/$label.log" $settings
  local token wallet
  token=$(dev_token); wallet=$(empty_wallet "$token")
  wrk -t2 -c64 -d45s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1000 > /dev/null
  for window in 1 2; do
    "$here/switches.sh" --snapshot "$pid" > "$out/switches.before"; "$here/threads.sh" --snapshot "$pid" > "$out/threads.before"
    local result
    result=$("$here/wrk-cpu.sh" -t2 -c64 -d20s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" \
      "$((1000 + window))")
    "$here/switches.sh" --snapshot "$pid" > "$out/switches.after"; "$here/threads.sh" --snapshot "$pid" > "$out/threads.after"
    local rate cpu operations jvm switches
    rate=$(echo "$result" | awk '/Requests\/sec/{print $2}'); cpu=$(echo "$result" | awk '/CPU per request/{print $6}')
    operations=$(awk -v r="$rate" 'BEGIN {printf "%d", r * 20}')
    jvm=$("$here/threads.sh" --report "$out/threads.before" "$out/threads.after" | awk '/^JVM:/{print $2}')
    switches=$("$here/switches.sh" --report "$out/switches.before" "$out/switches.after" "$operations" \
      | sed -n '1s/.*, \([0-9]*\) per 1,000 operations/\1/p')
    echo "$label $(date -u +%H:%M:%S) ops/s $rate all-us/op $cpu jvm-us/op $(awk -v c="$jvm" -v n="$operations" \
      'BEGIN {printf "%.1f", c * 1e6 / n}') switches/1000ops $switches" | tee -a "$out/windows.txt"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"; trap - EXIT
}
: > "$out/windows.txt"
for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then measure "$1" "$2"; measure "$3" "$4"; else measure "$3" "$4"; measure "$1" "$2"; fi
done
python3 - "$out/windows.txt" <<'PY'
import collections, statistics, sys
sides = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    sides[f[0]].append([float(f[i]) for i in (3, 5, 7, 9)])
for label, rows in sides.items():
    medians = [statistics.median(row[i] for row in rows) for i in range(4)]
    print(f"{label}: {len(rows)} windows, medians: {medians[0]:,.0f} operations/s, {medians[1]:.1f} us/op all "
          f"processes, {medians[2]:.1f} us/op the JVM, {medians[3]:.0f} context switches per 1,000 operations")
PY

#!/usr/bin/env bash
# A/B of two platform jars under the ceiling's wrk command (#33, docs/benchmarks.md): ROUNDS rounds, each
# starting A and B in turn (the order alternating from round to round) on fresh data, warming one hot wallet
# 45 s, then measuring two 20-s windows with wrk-cpu.sh. Per window: operations/s, every process's CPU per
# operation, the platform JVM's CPU per operation (threads.sh) and its context switches per 1,000 operations
# (switches.sh), both from snapshots taken just before and just after the window, none inside it. The medians
# of each side close the output. ab.sh does the same with the load tester (and its audit) instead of wrk, and
# takes one side's settings and JVM options the same way.
# Usage: [A_ENV='NAME=VALUE ...'] [B_ENV='NAME=VALUE ...'] [A_JAVA_OPTS='...'] [B_JAVA_OPTS='...']
#        scripts/bench/pairs.sh PLATFORM_JAR_A PLATFORM_JAR_B OUT [ROUNDS]
#   e.g. B_JAVA_OPTS=-Dio.netty.allocator.type=pooled scripts/bench/pairs.sh platform.jar platform.jar out 3
set -euo pipefail
command -v wrk > /dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk > /dev/null; }  # a fresh machine has no wrk
here=$(cd "$(dirname "$0")" && pwd)
a=$(realpath "$1"); b=$(realpath "$2"); out=$(realpath -m "$3"); rounds=${4:-3}
port=18181; secret=bench-secret
mkdir -p "$out"
source "$here/platform.sh"
measure() {  # measure LABEL JAR [NAME=VALUE...]  (JVM options in BENCH_JAVA_OPTS, as start_platform takes them)
  local label=$1 jar=$2 window
  shift 2
  data=$(mktemp -d)
  start_platform "$jar" "$out/$label-$round.log" "$@"
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
  # shellcheck disable=SC2086 # the extra settings are words on purpose
  if (( round % 2 )); then BENCH_JAVA_OPTS=${A_JAVA_OPTS:-} measure A "$a" ${A_ENV:-}
    BENCH_JAVA_OPTS=${B_JAVA_OPTS:-} measure B "$b" ${B_ENV:-}
  else BENCH_JAVA_OPTS=${B_JAVA_OPTS:-} measure B "$b" ${B_ENV:-}
    BENCH_JAVA_OPTS=${A_JAVA_OPTS:-} measure A "$a" ${A_ENV:-}; fi
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

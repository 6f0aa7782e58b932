#!/usr/bin/env bash
# Calls per request of Java methods on the hot wallet (issue #33, docs/benchmarks.md): starts the platform jar
# with async-profiler loaded (fetched by profile.sh), warms one wallet 15 s with the ceiling's wrk command, then
# for each METHOD traces every call of it (async-profiler's method event, interval 1) over 5 s of a lighter
# load (-c8) and prints calls / requests; the stacks go to OUT.METHOD.collapsed.
# Usage: scripts/bench/calls.sh PLATFORM_JAR OUT METHOD...   (METHOD: io.vertx.ext.web.impl.RouteState.matches, say)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
port=18181; secret=bench-secret
library=${ASYNC_PROFILER_DIR:-$HOME/.cache/async-profiler-4.1}/linux-x64/libasyncProfiler.so
[ -f "$library" ] || { echo "no async-profiler at $library: run scripts/bench/profile.sh once" >&2; exit 1; }
data=$(mktemp -d)
source "$here/platform.sh"
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -agentpath:$library" start_platform "$jar" "$out.platform.log"
token=$(dev_token)
wallet=$(empty_wallet "$token")
wrk -t2 -c64 -d15s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1000 > /dev/null
run=2000
for method in "$@"; do
  run=$((run + 1))
  jcmd "$pid" JVMTI.agent_load "$library" "\"start,event=$method,interval=1\"" > /dev/null
  wrk -t2 -c8 -d5s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" "$run" > "$out.wrk"
  jcmd "$pid" JVMTI.agent_load "$library" "\"stop,collapsed,file=$out.$method.collapsed\"" > /dev/null
  requests=$(awk '/requests in/{print $1}' "$out.wrk")
  calls=$(awk '{s += $NF} END {print s + 0}' "$out.$method.collapsed")
  echo "$method: $calls calls / $requests requests = $(awk -v c="$calls" -v r="$requests" 'BEGIN {printf "%.1f", c / r}')"
done

#!/usr/bin/env bash
# A flame graph of the hot wallet (issue #33, docs/profiles/): starts the platform jar (fresh data), warms
# one wallet 30 s with the ceiling's wrk command (-t2 -c64, hot-wallet.lua), then profiles SECONDS of the
# same load with async-profiler (fetched once from Maven Central, tools.profiler:async-profiler, loaded
# at the JVM's start, started and stopped with `jcmd PID JVMTI.agent_load`). Writes OUT/NAME-cpu.html (CPU samples, thread
# names on top), OUT/NAME-alloc.html (allocation samples, a second run of SECONDS), the collapsed stacks
# beside them (for diffs), the CPU by thread group (threads.sh) and wrk's output.
# Usage: [WARM=SECONDS] scripts/bench/profile.sh PLATFORM_JAR OUT NAME [SECONDS]   (WARM: the warm-up, 30 s by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); out=$(realpath -m "$2"); name=$3; seconds=${4:-20}
port=18181; secret=bench-secret
version=4.1; profiler_dir=${ASYNC_PROFILER_DIR:-$HOME/.cache/async-profiler-$version}
library=$profiler_dir/linux-x64/libasyncProfiler.so
if [ ! -f "$library" ]; then
  mkdir -p "$profiler_dir"
  curl -sSfo "$profiler_dir/ap.jar" "https://repo1.maven.org/maven2/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
  (cd "$profiler_dir" && unzip -qo ap.jar 'linux-x64/*')
fi
command -v wrk > /dev/null || { sudo apt-get install -y wrk > /dev/null 2>&1 || apt-get install -y wrk > /dev/null; }
mkdir -p "$out"
data=$(mktemp -d)
source "$here/platform.sh"
# The agent loaded at start (profiling nothing until told): attached later, its capabilities would
# throw away the JVM's compiled code and the run would measure the JIT compiling it again.
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -agentpath:$library -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
  start_platform "$jar" "$out/$name-platform.log"
token=$(dev_token)
wallet=$(empty_wallet "$token")
wrk -t2 -c64 -d"${WARM:-30}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1000 > /dev/null
profile() {  # profile EVENT RUN: SECONDS of load under the profiler's EVENT
  # (the options quoted: unquoted, jcmd would take their name=value pairs as its own arguments)
  local event=$1 run=$2
  jcmd "$pid" JVMTI.agent_load "$library" "\"start,event=$event,threads,interval=${INTERVAL:-1ms}\"" > /dev/null
  [ "$event" = cpu ] && { "$here/threads.sh" "$pid" "$seconds" > "$out/$name-threads.txt" & threads=$!; }
  wrk -t2 -c64 -d"${seconds}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" "$run" \
    > "$out/$name-$event-wrk.txt"
  [ "$event" = cpu ] && { wait "$threads" || true; }
  jcmd "$pid" JVMTI.agent_load "$library" "\"dump,collapsed,file=$out/$name-$event.collapsed\"" > /dev/null
  jcmd "$pid" JVMTI.agent_load "$library" "\"stop,flamegraph,file=$out/$name-$event.html,title=$name-$event\"" > /dev/null
}
profile cpu 2001
INTERVAL=512k profile alloc 2002
grep -h "Requests/sec" "$out/$name-cpu-wrk.txt" "$out/$name-alloc-wrk.txt"
head -1 "$out/$name-threads.txt"

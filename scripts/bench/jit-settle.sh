#!/usr/bin/env bash
# When the JIT settles under the hot-wallet load (issue #33, docs/benchmarks.md): starts the platform jar, drives
# one wallet with the ceiling's wrk command for SECONDS, and every 10 s prints `jstat -compiler` (compilations so
# far) and the JIT compiler threads' CPU seconds so far (/proc). The compiler's CPU per interval shows how long a
# measurement must wait after a start before it stops counting compilation.
# Usage: scripts/bench/jit-settle.sh PLATFORM_JAR OUT [SECONDS]   (120 by default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); out=$(realpath -m "$2"); seconds=${3:-120}
port=18181; secret=bench-secret
data=$(mktemp -d)
source "$here/platform.sh"
start_platform "$jar" "$out.platform.log"
token=$(dev_token)
wallet=$(empty_wallet "$token")
wrk -t2 -c64 -d"${seconds}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1000 > "$out.wrk" &
load=$!
for at in $(seq 0 10 $((seconds - 10))); do
  jit=$(for task in /proc/$pid/task/*; do
      case "$(cat "$task/comm")" in C1\ CompilerThre*|C2\ CompilerThre*) awk '{print $14 + $15}' "$task/stat";; esac
    done | awk -v hz="$(getconf CLK_TCK)" '{s += $1} END {printf "%.1f", s / hz}')
  echo "t=${at}s compilations $(jstat -compiler "$pid" | awk 'NR == 2 {print $1}') JIT CPU so far ${jit} s"
  sleep 10
done
wait $load
grep Requests/sec "$out.wrk"

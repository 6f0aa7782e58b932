#!/usr/bin/env bash
# Efficiency against the machine's HTTP ceiling (issue #22, docs/benchmarks.md): ROUNDS rounds, each
# running the same wrk command (-t2 -c64, SECONDS, scripts/bench/hot-wallet.lua: DEPOSITs of 0.01 to
# one wallet with a bearer token) first against the load tester's NullServer (a bare Vert.x server
# answering 202: the best any HTTP service can do here), with nothing else running, then against the
# platform on one hot wallet (fresh data, warmed WARM seconds, 30 by default: a platform 30-60 s old still
# spends a tenth to a third of its CPU compiling, which the summary prints for each round; WARM=90 measures it settled: 3-6 %, the share it keeps under this load for minutes, docs/benchmarks.md). CPU per request is every process's, from
# /proc (wrk-cpu.sh). Prints each run and the ratios platform / ceiling, which carry across machines
# whose speed moves ~3x between days; the medians are the figure. The platform's CPU by thread group
# over each measured run goes to OUT/threads-ROUND.txt (threads.sh, snapshots just before and after the run, none
# inside it); the ratio is printed again without the
# embedded broker's request threads (data-plane-kafka-*), for a deployment whose broker runs elsewhere. Its heap
# allocation per operation over the same window, by thread group, goes to OUT/alloc-ROUND.txt (alloc.sh: the JVM's per-thread counters).
# Usage: [WARM=SECONDS] scripts/bench/ceiling.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [ROUNDS] [SECONDS]
set -euo pipefail
command -v wrk > /dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk > /dev/null; }  # a fresh machine has no wrk
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rounds=${4:-3}; seconds=${5:-30}
port=18181; secret=bench-secret; null_port=18998
mkdir -p "$out"
source "$here/platform.sh"
line() {  # line LABEL WRK_OUTPUT: requests/s and CPU per request
  echo "$2" | awk -v l="$1" '/Requests\/sec/{r=$2} /CPU per request/{c=$6} /Non-2xx/{e=$NF} END {printf "%s %.0f %.1f %d\n", l, r, c, e}'
}
: > "$out/runs.txt"
for round in $(seq "$rounds"); do
  java -cp "$tool" io.walletplatform.load.NullServer $null_port 2 > "$out/null-$round.log" 2>&1 &
  null=$!
  for _ in $(seq 50); do grep -q "null server" "$out/null-$round.log" && [ "$(grep -c 'null server' "$out/null-$round.log")" -ge 2 ] && break; sleep 0.2; done
  ceiling=$("$here/wrk-cpu.sh" -t2 -c64 -d"${seconds}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$null_port" \
    -- 00000000-0000-4000-8000-000000000000 - "$round")
  kill $null; wait $null 2>/dev/null || true
  line "ceiling-$round" "$ceiling" | tee -a "$out/runs.txt"
  data=$(mktemp -d)
  start_platform "$jar" "$out/platform-$round.log"
  token=$(dev_token)
  wallet=$(empty_wallet "$token")
  wrk -t2 -c64 -d"${WARM:-30}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1000 > /dev/null
  # Where the platform's CPU goes and its heap allocation: snapshots just before and just after the measured
  # window, none inside it (the NullServer's window has no observer either; until 2026-12-07 they ran inside
  # the platform's: ~5 CPU-s of cat, awk, jstat and jcmd in its first seconds, taken from the platform).
  "$here/alloc.sh" --snapshot "$pid" > "$out/alloc-$round.before"
  "$here/threads.sh" --snapshot "$pid" > "$out/threads-$round.before"
  platform=$("$here/wrk-cpu.sh" -t2 -c64 -d"${seconds}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" \
    -- "$wallet" "$token" "$((2000 + round))")
  "$here/threads.sh" --snapshot "$pid" > "$out/threads-$round.after"
  "$here/alloc.sh" --snapshot "$pid" > "$out/alloc-$round.after"
  "$here/threads.sh" --report "$out/threads-$round.before" "$out/threads-$round.after" > "$out/threads-$round.txt"
  "$here/alloc.sh" --report "$out/alloc-$round.before" "$out/alloc-$round.after" > "$out/alloc-$round.txt"
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$data"; trap - EXIT
  line "platform-$round" "$platform" | tee -a "$out/runs.txt"
done
python3 - "$out/runs.txt" "$out" "$seconds" <<'PY'
import re, statistics, sys
runs = [l.split() for l in open(sys.argv[1]) if l.strip()]
ceil = [r for r in runs if r[0].startswith("ceiling")]; plat = [r for r in runs if r[0].startswith("platform")]
rate = [float(p[1]) / float(c[1]) for c, p in zip(ceil, plat)]
cpu = [float(p[2]) / float(c[2]) for c, p in zip(ceil, plat)]
print("ceiling requests/s", [c[1] for c in ceil], "CPU us/request", [c[2] for c in ceil])
print("platform operations/s", [p[1] for p in plat], "CPU us/request", [p[2] for p in plat], "non-2xx", [p[3] for p in plat])
print(f"platform / ceiling: throughput {', '.join(f'{x:.3f}' for x in rate)} (median {statistics.median(rate):.3f}); "
      f"CPU per request {', '.join(f'{x:.2f}' for x in cpu)}x (median {statistics.median(cpu):.2f}x)")
broker = []  # the embedded broker's request threads, us per operation
for i, p in enumerate(plat, 1):
    text = open(f"{sys.argv[2]}/threads-{i}.txt").read()
    m = re.search(r"data-plane-kafk\s+([0-9.]+) s", text)
    broker.append(float(m.group(1)) * 1e6 / (float(p[1]) * float(sys.argv[3])) if m else 0.0)
without = [(float(p[2]) - b) / float(c[2]) for c, p, b in zip(ceil, plat, broker)]
print(f"without the broker's request threads ({', '.join(f'{b:.1f}' for b in broker)} us/operation): CPU per request "
      f"{', '.join(f'{x:.2f}' for x in without)}x (median {statistics.median(without):.2f}x)")
jit = []  # the JIT compiler threads' share of the JVM's CPU in each measured window: high, the platform was not warm
for i in range(1, len(plat) + 1):
    m = re.search(r"CN CompilerThre\s+[0-9.]+ s\s+([0-9.]+) %", open(f"{sys.argv[2]}/threads-{i}.txt").read())
    jit.append(float(m.group(1)) if m else 0.0)
allocated = []  # the platform's heap allocation per operation over the measured window (alloc.sh)
for i, p in enumerate(plat, 1):
    m = re.search(r"allocated: .*?\((\d+) B\)", open(f"{sys.argv[2]}/alloc-{i}.txt").read())
    allocated.append(int(m.group(1)) / (float(p[1]) * float(sys.argv[3])) if m else 0.0)
print(f"platform heap allocation per operation: {', '.join(f'{a:,.0f} B' for a in allocated)} "
      f"(median {statistics.median(allocated):,.0f} B; by thread group in OUT/alloc-N.txt)")
print(f"JIT compiler threads, share of the JVM's CPU: {', '.join(f'{j:.1f} %' for j in jit)}"
      + (" (above 10 %: compilation is in the figure; WARM=90 measures the platform settled)" if max(jit) > 10 else ""))
PY

#!/usr/bin/env bash
# A/B of two platform jars (docs/benchmarks.md): ROUNDS rounds, each starting A and B in turn (the
# order alternating from round to round) on fresh data, warming each with a 60 s closed-loop run,
# then measuring one hot wallet and 1,000 wallets, closed loop, 64 connections, 30 s each (+20 s
# tool warm-up). One summary line per run (summary in platform.sh), and Redis commands per round trip; at the
# end each hot-wallet run's JVM µs/op over the load tester's own µs/request (the machine's speed gauge), and medians.
# Usage: [A_ENV='NAME=VALUE ...'] [B_ENV='NAME=VALUE ...'] [A_JAVA_OPTS='...'] [B_JAVA_OPTS='...'] [HOT_ONLY=1]
#        scripts/bench/ab.sh PLATFORM_JAR_A PLATFORM_JAR_B LOAD_TESTER_JAR OUT [ROUNDS]
# A_ENV and B_ENV are extra settings of one side only (the same jar with tracing on, say); A_JAVA_OPTS and
# B_JAVA_OPTS its JVM options (the same jar under another collector: B_JAVA_OPTS=-XX:+UseShenandoahGC). HOT_ONLY=1
# skips the 1,000-wallet run (more rounds of the hot wallet in the same time).
set -euo pipefail
a=$(realpath "$1"); b=$(realpath "$2"); tool=$(realpath "$3"); out=$(realpath -m "$4"); rounds=${5:-3}
port=18181; secret=bench-secret; url=http://127.0.0.1:$port; admin=00000000-0000-4000-8000-00000000000a
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
measure() {  # measure LABEL JAR [NAME=VALUE...]
  local label=$1 jar=$2
  shift 2
  data=$(mktemp -d)
  start_platform "$jar" "$out/$label.log" AUTH_ADMIN_CLIENT_ID=$admin "$@"
  local hot=(wallet --url "$url" --shared-secret $secret --progress 0s --model closed --connections 64)
  java -jar "$tool" "${hot[@]}" --wallets 1 --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 \
    --duration 60s --warmup 0s --out "$out/$label-warm" > /dev/null 2>&1 || true
  java -jar "$tool" "${hot[@]}" --wallets 1 --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 \
    --duration 30s --warmup 20s --out "$out/$label-hot" > /dev/null 2>&1 || true
  summary "$out/$label-hot/result.json" "$label hot wallet"
  if [ -z "${HOT_ONLY:-}" ]; then
    java -jar "$tool" "${hot[@]}" --wallets 1000 --duration 30s --warmup 20s --out "$out/$label-1000" > /dev/null 2>&1 || true
    summary "$out/$label-1000/result.json" "$label 1000 wallets"
  fi
  curl -s "localhost:$port/metrics" -H "Authorization: Bearer $(dev_token $admin admin)" | grep -E '^redis_(round_trips|commands)_total' || true
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$data"
}
for round in $(seq "$rounds"); do
  # shellcheck disable=SC2086 # the extra settings are words on purpose
  if (( round % 2 )); then BENCH_JAVA_OPTS=${A_JAVA_OPTS:-} measure "A$round" "$a" ${A_ENV:-}
    BENCH_JAVA_OPTS=${B_JAVA_OPTS:-} measure "B$round" "$b" ${B_ENV:-}
  else BENCH_JAVA_OPTS=${B_JAVA_OPTS:-} measure "B$round" "$b" ${B_ENV:-}
    BENCH_JAVA_OPTS=${A_JAVA_OPTS:-} measure "A$round" "$a" ${A_ENV:-}; fi
done
# The machine's speed moves within a run (by half in 13 minutes on 2026-12-06): each side's JVM µs per operation is
# also given over the load tester's own µs per request of the same run, the same work every time, as a gauge of it.
python3 - "$out" "$rounds" "$(basename "$a")" "$(basename "$b")" <<'PY'
import json, statistics, sys
out, rounds, jars = sys.argv[1], int(sys.argv[2]), {"A": sys.argv[3], "B": sys.argv[4]}
ratios = {"A": [], "B": []}
for r in range(1, rounds + 1):
    row = []
    for side in "AB":
        try:
            processes = json.load(open(f"{out}/{side}{r}-hot/result.json"))["cpu"]["processes"]
            jvm, tool = processes[jars[side]]["microsPerRequest"], processes["load-tester (this)"]["microsPerRequest"]
        except (OSError, KeyError, ValueError):
            row.append(f"{side}{r} -")
            continue
        ratios[side].append(jvm / tool)
        row.append(f"{side}{r} JVM {jvm:.1f} us/op, load tester {tool:.1f} us/req, ratio {jvm / tool:.2f}")
    print("; ".join(row))
if ratios["A"] and ratios["B"]:
    a, b = statistics.median(ratios["A"]), statistics.median(ratios["B"])
    print(f"JVM us/op over the load tester's us/req, medians: A {a:.2f}, B {b:.2f} (B/A {b / a:.2f})")
PY

#!/usr/bin/env bash
# The capacity and latency scenarios of docs/benchmarks.md, with the load tester, on one platform
# start (fresh data, -Xmx512m, the parallel collector): a warm-up pass, then each scenario RUNS times. Reports
# go to OUT/<scenario>-<run>/ (result.json, report.html); one summary line per run is printed.
# Usage: scripts/bench/targets.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [RUNS]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); runs=${4:-3}
port=18181; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log"
run() {  # run NAME ARGS...: one load-tester run, one summary line
  local name=$1; shift
  java -jar "$tool" "$@" --url "$url" --shared-secret $secret --progress 0s --out "$out/$name" > "$out/$name.txt" 2>&1 || true
  summary "$out/$name/result.json" "$name"
}
hot=(wallet --wallets 1 --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01)
run warm-wallet "${hot[@]}" --model closed --connections 64 --duration 60s --warmup 10s
run warm-orders orders --users 100 --rate 200 --duration 30s --warmup 10s --initial-balance 100000
for i in $(seq "$runs"); do run "hot-wallet-closed-$i" "${hot[@]}" --model closed --connections 64 --duration 30s --warmup 20s; done
for i in $(seq "$runs"); do run "wallets-1000-closed-$i" wallet --wallets 1000 --model closed --connections 64 --duration 30s --warmup 20s; done
for i in $(seq "$runs"); do run "hot-wallet-1000-per-s-$i" "${hot[@]}" --rate 1000 --duration 60s --warmup 10s; done
run hot-wallet-10000-per-s "${hot[@]}" --rate 10000 --duration 30s --warmup 10s
run orders-closed orders --users 100 --model closed --connections 64 --duration 30s --warmup 10s --initial-balance 100000
run orders-200-per-s orders --users 100 --rate 200 --duration 60s --warmup 10s --initial-balance 100000

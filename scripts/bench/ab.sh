#!/usr/bin/env bash
# A/B of two platform jars (docs/benchmarks.md): ROUNDS rounds, each starting A and B in turn (the
# order alternating from round to round) on fresh data, warming each with a 60 s closed-loop run,
# then measuring one hot wallet and 1,000 wallets, closed loop, 64 connections, 30 s each (+20 s
# tool warm-up). One summary line per run: throughput, accept p99, CPU per operation by process.
# Usage: scripts/bench/ab.sh PLATFORM_JAR_A PLATFORM_JAR_B LOAD_TESTER_JAR OUT [ROUNDS]
set -euo pipefail
a=$(realpath "$1"); b=$(realpath "$2"); tool=$(realpath "$3"); out=$(realpath -m "$4"); rounds=${5:-3}
port=18181; secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
summary() {
  python3 - "$1/result.json" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r.get("cpu", {}); p = c.get("processes", {})
print(f"{sys.argv[2]}: {r['acceptedPerSecond']:.0f}/s, p99 {r['acceptLatencyMs']['p99']} ms,"
      f" CPU {c.get('machineMicrosPerRequest')} us/op (" + ", ".join(f"{k} {v['microsPerRequest']}" for k, v in list(p.items())[:4]) + "),"
      f" errors {r['errorsByCode']}, audit {'clean' if r['auditClean'] else 'FAILED'}")
PY
}
measure() {  # measure LABEL JAR
  local label=$1 jar=$2
  data=$(mktemp -d)
  start_platform "$jar" "$out/$label.log" AUTH_ADMIN_CLIENT_ID=00000000-0000-4000-8000-00000000000a
  local hot=(wallet --url "$url" --client-secret $secret --progress 0s --model closed --connections 64)
  java -jar "$tool" "${hot[@]}" --wallets 1 --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 \
    --duration 60s --warmup 0s --out "$out/$label-warm" > /dev/null 2>&1 || true
  java -jar "$tool" "${hot[@]}" --wallets 1 --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 \
    --duration 30s --warmup 20s --out "$out/$label-hot" > /dev/null 2>&1 || true
  summary "$out/$label-hot" "$label hot wallet"
  java -jar "$tool" "${hot[@]}" --wallets 1000 --duration 30s --warmup 20s --out "$out/$label-1000" > /dev/null 2>&1 || true
  summary "$out/$label-1000" "$label 1000 wallets"
  curl -s "localhost:$port/metrics" -H "Authorization: Bearer $(admin_token)" | grep -E '^redis_(round_trips|commands)_total' || true
  kill $pid; wait $pid 2>/dev/null || true; rm -rf "$data"
}
admin_token() {
  curl -s -X POST "localhost:$port/oauth/token" -d grant_type=client_credentials -d scope=admin \
    -d client_id=00000000-0000-4000-8000-00000000000a -d client_secret=$secret | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
for round in $(seq "$rounds"); do
  if (( round % 2 )); then measure "A$round" "$a"; measure "B$round" "$b"; else measure "B$round" "$b"; measure "A$round" "$a"; fi
done

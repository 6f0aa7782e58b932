#!/usr/bin/env bash
# Bounded delay under overload (docs/benchmarks.md): the platform with WALLET_SHED_LAG_MS=BOUND_MS
# on fresh data, warmed, then an open-model run on WALLETS wallets at RATE operations/s in total
# (pick twice what the closed-loop run sustains). Prints the summary: accepted, shed (503
# SERVICE_UNAVAILABLE), accept -> applied percentiles, the audit.
# Usage: scripts/bench/overload.sh PLATFORM_JAR LOAD_TESTER_JAR OUT RATE [WALLETS] [BOUND_MS]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rate=$4; wallets=${5:-100}; bound=${6:-2000}
port=18181; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log" WALLET_SHED_LAG_MS="$bound"
java -jar "$tool" wallet --url "$url" --shared-secret $secret --wallets "$wallets" --model closed --connections 64 \
  --duration 60s --warmup 10s --progress 0s --out "$out/warm" > /dev/null
java -jar "$tool" wallet --url "$url" --shared-secret $secret --wallets "$wallets" --rate $((rate / wallets)) \
  --duration 60s --warmup 10s --progress 10s --out "$out/overload" | tee "$out/overload.txt" | grep -E "^accept |CPU per"
python3 - "$out/overload/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("offered", r["offered"], "accepted", r["accepted"], "errors", r["errorsByCode"])
print("accept latency", r["acceptLatencyMs"]); print("accept -> applied", r["acceptToAppliedMs"])
print("audit", "clean" if r["auditClean"] else "FAILED", r["discrepancyCount"])
PY

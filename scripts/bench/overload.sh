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
WALLET_SHED_LAG_MS=$bound RATE_LIMIT_PER_PRINCIPAL_PER_S=10000000 AUTH_DEV_CLIENT_SECRET=$secret PLATFORM_PORT=$port \
  EMBEDDED_DATA_DIR=$data java -Xmx512m -XX:+UseShenandoahGC -jar "$jar" > "$out/platform.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 180); do curl -sf "$url/health" > /dev/null && break; sleep 1; done
java -jar "$tool" wallet --url "$url" --client-secret $secret --wallets "$wallets" --model closed --connections 64 \
  --duration 60s --warmup 10s --progress 0s --out "$out/warm" > /dev/null
java -jar "$tool" wallet --url "$url" --client-secret $secret --wallets "$wallets" --rate $((rate / wallets)) \
  --duration 60s --warmup 10s --progress 10s --out "$out/overload" | tee "$out/overload.txt" | grep -E "^accept |CPU per"
python3 - "$out/overload/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("offered", r["offered"], "accepted", r["accepted"], "errors", r["errorsByCode"])
print("accept latency", r["acceptLatencyMs"]); print("accept -> applied", r["acceptToAppliedMs"])
print("audit", "clean" if r["auditClean"] else "FAILED", r["discrepancyCount"])
PY

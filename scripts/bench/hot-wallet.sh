#!/usr/bin/env bash
# Maximum throughput on one hot wallet with wrk (closed loop), as docs/benchmarks.md reports it:
# starts the platform jar on fresh data, creates a wallet (with a development token when the
# platform has an issuer), warms up, then runs wrk RUNS times and checks that every accepted
# deposit was applied (balance = 0.01 × accepted).
# Usage: scripts/bench/hot-wallet.sh PLATFORM_JAR [RUNS] [SECONDS] [CONNECTIONS] [WARMUP_SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); runs=${2:-3}; seconds=${3:-30}; connections=${4:-64}; warmup=${5:-60}
port=18181; data=$(mktemp -d); secret=bench-secret
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$data/platform.log"
token=-; auth=()
if curl -sf -o /dev/null -X POST "localhost:$port/oauth/token" -d grant_type=client_credentials \
     -d client_id=00000000-0000-4000-8000-000000000001 -d client_secret=$secret; then
  token=$(dev_token)
  auth=(-H "Authorization: Bearer $token")
fi
wallet=$(curl -s -X POST "localhost:$port/api/v1/wallets" "${auth[@]}" -H 'content-type: application/json' \
  -d '{"initialBalance":0}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/')
echo "platform $jar, wallet $wallet, authentication: $([ "$token" = - ] && echo off || echo on)"
accepted=0
count() {  # adds the 2xx answers of a wrk output to $accepted
  local requests errors
  requests=$(echo "$1" | awk '/requests in/{print $1}'); errors=$(echo "$1" | awk '/Non-2xx/{print $NF}')
  accepted=$((accepted + requests - ${errors:-0}))
}
count "$(wrk -t2 -c"$connections" -d"${warmup}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1)"
for run in $(seq 2 $((runs + 1))); do
  echo "--- run $((run - 1))"
  out=$("$here/wrk-cpu.sh" -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/hot-wallet.lua" \
    "http://127.0.0.1:$port" -- "$wallet" "$token" "$run")
  count "$out"
  echo "$out" | grep -E "Requests/sec|requests in|Non-2xx|50%|99%|CPU per request"
done
# wrk counts the answers it read before each run's cut-off; up to one request per connection was
# still in flight then, and may have been accepted (and applied) after it.
in_flight=$(( (runs + 1) * connections ))
sleep 5
balance=$(curl -s "localhost:$port/api/v1/wallets/$wallet" "${auth[@]}" | sed 's/.*"balance":\([0-9.]*\).*/\1/')
applied=$(awk -v b="$balance" 'BEGIN{printf "%d", b * 100 + 0.5}')
verdict=MISMATCH
[ "$applied" -ge "$accepted" ] && [ "$applied" -le $((accepted + in_flight)) ] && verdict="every answered deposit applied, at most once"
echo "answered 2xx (warm-up included): $accepted; applied (balance / 0.01): $applied; in flight at cut-offs <= $in_flight: $verdict"

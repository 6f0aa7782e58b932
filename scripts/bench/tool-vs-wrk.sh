#!/usr/bin/env bash
# The load tester against wrk on the same run shape (closed loop, 64 connections, DEPOSITs of 0.01
# to one hot wallet, 30 s), alternating, on one platform start: how close the tool comes to wrk's
# figure. The tool warms its own JIT for 20 s before its 30 s; prints each run's accepted/s and CPU per request.
# Usage: scripts/bench/tool-vs-wrk.sh PLATFORM_JAR LOAD_TESTER_JAR [ROUNDS] [WARMUP_SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); tool=$(realpath "$2"); rounds=${3:-3}; warmup=${4:-60}
port=18181; data=$(mktemp -d); secret=bench-secret
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$data/platform.log"
token=$(dev_token)
wallet=$(curl -s -X POST "localhost:$port/api/v1/wallets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"initialBalance":0}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/')
wrk -t2 -c64 -d"${warmup}s" -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" 1 > /dev/null
for round in $(seq "$rounds"); do
  out=$(java -jar "$tool" wallet --url "http://127.0.0.1:$port" --shared-secret $secret --model closed --connections 64 \
    --duration 30s --warmup 20s --deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 --progress 0s --out "$data/tool-$round")
  echo "round $round tool: $(echo "$out" | awk -F': ' '/"acceptedPerSecond"/{gsub(",","",$2); print $2}') accepted/s," \
    "audit $(echo "$out" | awk -F': ' '/"auditClean"/{gsub(",","",$2); print $2}'); $(echo "$out" | grep 'CPU per request')"
  wout=$("$here/wrk-cpu.sh" -t2 -c64 -d30s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" $((round + 1)))
  echo "round $round wrk:  $(echo "$wout" | awk '/Requests\/sec/{print $2}') requests/s; $(echo "$wout" | grep 'CPU per request')"
done

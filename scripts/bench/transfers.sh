#!/usr/bin/env bash
# Transfers between 1,000 wallets against deposits and withdrawals on the same 1,000 wallets, in one
# run of one platform (fresh data): the mixed scenario, closed loop, 64 connections, 30 s after a 20 s
# warm-up, ROUNDS times each, alternating; each run audited (conservation, per-wallet replay of both
# sides of every transfer). One summary line per run (summary in platform.sh).
# Usage: scripts/bench/transfers.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [ROUNDS]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rounds=${4:-2}
port=18187; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log" WARMUP_MAX_MS=0
run() {  # run LABEL MIX
  java -jar "$tool" mixed --url "$url" --shared-secret $secret --progress 0s --model closed --connections 64 \
    --wallets 1000 --principals 100 --initial-balance 1000000 --mix "$2" --duration 30s --warmup 20s \
    --out "$out/$1" > "$out/$1.txt" 2>&1 || true
  summary "$out/$1/result.json" "$1"
}
for round in $(seq "$rounds"); do
  run "transfers-$round" 0,0,100,0,0
  run "deposits-withdrawals-$round" 55,45,0,0,0
done

#!/usr/bin/env bash
# 3-posting transactions against TRANSFERs between the same kind of 1,000 wallets (issue #31), in one
# run of one platform jar (fresh data, 8 partitions by default): ROUNDS rounds, alternating, each a
# closed loop of 64 connections for 30 s after a 10 s warm-up, each audited. TRANSFER: the mixed
# scenario with --mix 0,0,100,0,0 (one posting each). Transactions: the transactions scenario (three
# postings between random distinct wallets each). For transactions two figures: accepted per second
# and CPU per request in the measured window (like every scenario), and settled per second and CPU
# per transaction from the start of the load until the newest transaction is final (the coordinator
# settles asynchronously: a backlog shows there, not in the accept rate).
# Usage: scripts/bench/transactions.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [ROUNDS]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rounds=${4:-3}
port=18189; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log" WARMUP_MAX_MS=0
common=(--url "$url" --shared-secret $secret --progress 0s --model closed --connections 64 --duration 30s --warmup 10s)
transfers() {
  java -jar "$tool" mixed "${common[@]}" --wallets 1000 --principals 100 --initial-balance 1000000 --mix 0,0,100,0,0 \
    --out "$out/$1" > "$out/$1.txt" 2>&1 || true
  summary "$out/$1/result.json" "$1"
}
transactions() {
  java -jar "$tool" transactions "${common[@]}" --wallets 1000 --postings 3 --initial-balance 1000000 \
    --settle-timeout 600s --out "$out/$1" > "$out/$1.txt" 2>&1 || true
  summary "$out/$1/result.json" "$1"
  python3 - "$out/$1/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r.get("settleCpu", {})
print(f"  settled {r.get('settledPerSecond', 0):.0f} transactions/s until the newest was final,"
      f" CPU {c.get('machineMicrosPerRequest')} us/transaction (" + ", ".join(f"{k} {v['microsPerRequest']}"
      for k, v in list(c.get("processes", {}).items())[:4]) + f"); {r.get('completedTransactions')} COMPLETED,"
      f" {r.get('failedTransactions')} FAILED")
PY
}
for round in $(seq "$rounds"); do
  if (( round % 2 )); then transfers "transfers-$round"; transactions "transactions-$round"
  else transactions "transactions-$round"; transfers "transfers-$round"; fi
done

#!/usr/bin/env bash
# A failover onto a standby, under load (docs/reliability.md): the platform on fresh data takes
# RATE operations/s on one wallet (mixed DEPOSIT/WITHDRAW) for DURATION_S seconds; from second 10
# on, PostgreSQL answers every write with 25006 (read-only transaction) for READ_ONLY_S seconds
# (ALTER SYSTEM SET default_transaction_read_only = on, then reload: what a standby answers). The
# load tester then waits for every accepted operation to be final and audits them all: the balance
# replayed from the history, nothing lost, nothing applied twice. Needs psql.
# Usage: scripts/bench/readonly-db.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [RATE] [DURATION_S] [READ_ONLY_S]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rate=${4:-130}; duration=${5:-40}
readonly_s=${6:-10}
port=18183; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
admin_id=00000000-0000-4000-8000-00000000000a
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log" AUTH_ADMIN_CLIENT_ID=$admin_id
pg_port=$(sed -n 4p "$(find "$data" -name postmaster.pid | head -1)")
sql() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -c "$1"; }
java -jar "$tool" wallet --url "$url" --shared-secret $secret --wallets 1 --rate "$rate" --duration "${duration}s" \
  --warmup 0s --progress 5s --settle-timeout 180s --out "$out/run" > "$out/run.txt" 2>&1 &
tester=$!
sleep 10
sql "ALTER SYSTEM SET default_transaction_read_only = on" && sql "SELECT pg_reload_conf()" > /dev/null
echo "$(date +%T) PostgreSQL read-only for ${readonly_s} s"
sleep "$readonly_s"
sql "ALTER SYSTEM RESET default_transaction_read_only" && sql "SELECT pg_reload_conf()" > /dev/null
echo "$(date +%T) PostgreSQL writable again"
wait $tester || true
grep -E "^accept|audit|applied" "$out/run.txt" | head -20
curl -s -H "Authorization: Bearer $(dev_token $admin_id admin)" "$url/metrics" \
  | grep -E "^(consumer_records_given_up_total|consumer_records_quarantined_total|worker_batch_failures_total|worker_operations_applied_total)" \
  | tee "$out/metrics.txt"
python3 - "$out/run/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("offered", r["offered"], "accepted", r["accepted"], "errors", r["errorsByCode"])
print("accept -> applied", r.get("acceptToAppliedMs"))
print("audit", "clean" if r["auditClean"] else "FAILED", r.get("discrepancyCount"))
PY

#!/usr/bin/env bash
# The balance at an instant and statements on a wallet with a long history (issue #20: <= 10 ms p99
# on a wallet with 1,000,000 operations). The platform on fresh data; one wallet created through the
# API; OPERATIONS rows of history written straight into wallet_operations by one INSERT ... SELECT
# generate_series (a read benchmark: applying a million operations through the pipeline would take
# minutes and measure nothing more here), one every SPACING_MS, ending now, each a DEPOSIT of 0.01 with
# the state after it (balance, held 0, version) as the worker writes it, and the wallet row brought to
# the last one; then VACUUM ANALYZE; then EXPLAIN ANALYZE of both queries (plans.txt). Then wrk (closed loop,
# CONNECTIONS connections: 1, the default, times each request alone, without queueing) for DURATION_S
# seconds each: GET .../balance?at=<a random instant in the history>, and GET .../operations?from=<a
# random instant>&to=<an hour later>&limit=50 (a statement page), each instant drawn per request by
# history.lua. With WRK=<a wrk2 binary> and RATE=<requests/s>, an open loop at that fixed rate instead
# (latency corrected for coordinated omission): the service time without the closed loop's queueing
# for the machine's two cores. Needs psql and wrk (or wrk2).
# Usage: [WRK=wrk2 RATE=200] scripts/bench/history.sh PLATFORM_JAR OUT [OPERATIONS] [DURATION_S] [CONNECTIONS]
set -euo pipefail
jar=$(realpath "$1"); out=$(realpath -m "$2"); operations=${3:-1000000}; duration=${4:-30}; connections=${5:-1}
spacing_ms=500
port=18185; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
source "$here/platform.sh"
start_platform "$jar" "$out/platform.log"
pg_port=$(sed -n 4p "$(find "$data" -name postmaster.pid | head -1)")
sql() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d wallet -qAt -c "$1"; }
owner=$(cat /proc/sys/kernel/random/uuid)
token=$(dev_token "$owner")
wallet=$(curl -s -X POST "$url/api/v1/wallets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"initialBalance":0}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/')
echo "wallet $wallet: writing $operations operations of history"
start=$(date +%s)
sql "UPDATE wallets SET created_at = now() - interval '1 millisecond' * ($operations + 1) * $spacing_ms WHERE wallet_id = '$wallet'"
sql "INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, balance_after_minor,
       held_after_minor, version_after, accepted_at, processed_at, kafka_partition, kafka_offset, requested_by)
     SELECT gen_random_uuid(), '$wallet', 'DEPOSIT', 1, 'COMPLETED', n, 0, n,
            now() - interval '1 millisecond' * ($operations - n + 1) * $spacing_ms,
            now() - interval '1 millisecond' * ($operations - n) * $spacing_ms, 0, n, '$owner'
       FROM generate_series(1, $operations) AS n"
sql "UPDATE wallets SET balance_minor = $operations, initial_balance_minor = 0, version = $operations WHERE wallet_id = '$wallet'"
# Vacuumed now, so that autovacuum does not start on the million new rows in the middle of a measurement.
sql "VACUUM ANALYZE wallet_operations"
echo "history written in $(( $(date +%s) - start )) s: $(sql "SELECT count(*) FROM wallet_operations WHERE wallet_id = '$wallet'") rows"
first=$(sql "SELECT extract(epoch FROM min(processed_at))::bigint FROM wallet_operations WHERE wallet_id = '$wallet'")
last=$(sql "SELECT extract(epoch FROM max(processed_at))::bigint FROM wallet_operations WHERE wallet_id = '$wallet'")
# A check of the answers before timing them: the instant of operation n answers balance n.
probe=$(sql "SELECT to_char(processed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM wallet_operations WHERE wallet_id = '$wallet' AND kafka_offset = 123456")
curl -s "$url/api/v1/wallets/$wallet/balance?at=$probe" -H "Authorization: Bearer $token" | tee "$out/probe.json"; echo
# The plans: each an index walk from the instant, never a scan of the history.
middle=$(sql "SELECT processed_at FROM wallet_operations WHERE wallet_id = '$wallet' AND kafka_offset = 500000")
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d wallet -qAt > "$out/plans.txt" <<SQL
EXPLAIN (ANALYZE, BUFFERS)
SELECT * FROM (
  (SELECT o.processed_at, o.id FROM wallet_operations o
    WHERE o.wallet_id = '$wallet' AND o.processed_at <= '$middle' AND o.version_after IS NOT NULL
    ORDER BY o.processed_at DESC, o.id DESC LIMIT 1)
  UNION ALL
  (SELECT o.processed_at, o.id FROM wallet_operations o
    WHERE o.to_wallet_id = '$wallet' AND o.to_balance_after_minor IS NOT NULL AND o.processed_at <= '$middle'
    ORDER BY o.processed_at DESC, o.id DESC LIMIT 1)) last ORDER BY processed_at DESC, id DESC LIMIT 1;
EXPLAIN (ANALYZE, BUFFERS)
SELECT o.id FROM wallet_operations o
 WHERE o.wallet_id = '$wallet' AND o.processed_at >= '$middle' AND o.processed_at < timestamptz '$middle' + interval '1 hour'
   AND (o.processed_at, o.id) < (timestamptz '9999-12-31', 9223372036854775807)
 ORDER BY o.processed_at DESC, o.id DESC LIMIT 50;
SQL
grep -E "Index|Execution Time" "$out/plans.txt"
# wallet: GET /api/v1/wallets/{id}, the cheapest authenticated read, as the baseline of the same command.
for kind in wallet balance statement; do
  for round in 1 2 3; do
    WALLET=$wallet FIRST=$first LAST=$last KIND=$kind TOKEN=$token "${WRK:-wrk}" ${RATE:+-R "$RATE"} \
      -t"$(( connections < 2 ? connections : 2 ))" -c"$connections" -d"${duration}s" --latency \
      -s "$here/history.lua" "$url" > "$out/$kind-$round.txt" 2>&1
    echo "$kind round $round: $(grep -E 'Requests/sec' "$out/$kind-$round.txt"), $(grep -E '^ +(50|90|99|99\.9)(\.0+)?% ' "$out/$kind-$round.txt" | head -4 | tr -s ' ' | tr '\n' ' ')"
  done
done

#!/usr/bin/env bash
# Filtered pages of a wallet with a long history (issue #32: a filtered page on a wallet with
# 1,000,000 operations <= 20 ms p99). The platform on fresh data; two wallets created through the
# API, each with OPERATIONS rows of history written straight into wallet_operations by one INSERT ...
# SELECT generate_series (the second is the neighbour whose rows share the metadata index): one every
# 500 ms ending now; n % 10 < 7 a DEPOSIT, else a WITHDRAW; every 50th FAILED; amounts spread over
# 0.01 to 1000.00; metadata on n % 10 < 3 (30%): {"channel": one of five, "orderRef": "ord-<n>"}.
# Then VACUUM ANALYZE, EXPLAIN ANALYZE of the filtered queries (plans.txt), and wrk (closed loop,
# CONNECTIONS connections, 1 by default: each request timed alone) for DURATION_S seconds per kind
# and round, each request a page of 50 with the KIND's filter (search.lua): metadata-unique (one row
# of the million, by orderRef), metadata-common (a channel: 6% of the rows), metadata-period (a
# channel within a random hour), metadata-deep (a channel, from a random instant back), metadata-absent (a value no row has), type (WITHDRAW, 30%), status
# (FAILED, 2%), amount (a random 10.00-wide range, 1%), type-status-amount (all three), and none
# (no filter: the baseline of the same command). Needs psql and wrk (installed when missing).
# Usage: scripts/bench/search.sh PLATFORM_JAR OUT [OPERATIONS] [DURATION_S] [ROUNDS] [CONNECTIONS]
set -euo pipefail
jar=$(realpath "$1"); out=$(realpath -m "$2"); operations=${3:-1000000}; duration=${4:-15}; rounds=${5:-2}
connections=${6:-1}
command -v wrk > /dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk > /dev/null; }
port=18186; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
source "$here/platform.sh"
start_platform "$jar" "$out/platform.log"
pg_port=$(sed -n 4p "$(find "$data" -name postmaster.pid | head -1)")
sql() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d wallet -qAt -c "$1"; }
owner=$(cat /proc/sys/kernel/random/uuid)
token=$(dev_token "$owner")
new_wallet() {
  curl -s -X POST "$url/api/v1/wallets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"initialBalance":0}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/'
}
wallet=$(new_wallet); neighbour=$(new_wallet)
start=$(date +%s)
for w in "$neighbour" "$wallet"; do
  echo "wallet $w: writing $operations operations of history"
  sql "INSERT INTO wallet_operations (operation_id, wallet_id, operation_type, amount_minor, status, failure_reason,
         balance_after_minor, held_after_minor, version_after, accepted_at, processed_at, kafka_partition, kafka_offset,
         requested_by, metadata)
       SELECT gen_random_uuid(), '$w', CASE WHEN n % 10 < 7 THEN 'DEPOSIT' ELSE 'WITHDRAW' END, (n::bigint * 7919) % 100000 + 1,
              CASE WHEN n % 50 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
              CASE WHEN n % 50 = 0 THEN 'INSUFFICIENT_FUNDS' END, n, 0, n,
              now() - interval '1 millisecond' * ($operations - n + 1) * 500,
              now() - interval '1 millisecond' * ($operations - n) * 500, 0, n, '$owner',
              CASE WHEN n % 10 < 3 THEN jsonb_build_object('channel', (ARRAY['web','app','pos','api','batch'])[n % 5 + 1],
                                                          'orderRef', 'ord-' || n) END
         FROM generate_series(1, $operations) AS n"
done
sql "VACUUM ANALYZE wallet_operations"
echo "history written in $(( $(date +%s) - start )) s: $(sql "SELECT count(*) FROM wallet_operations") rows," \
  "$(sql "SELECT pg_size_pretty(pg_relation_size('wallet_operations_metadata'))") of metadata index"
first=$(sql "SELECT extract(epoch FROM min(processed_at))::bigint FROM wallet_operations WHERE wallet_id = '$wallet'")
last=$(sql "SELECT extract(epoch FROM max(processed_at))::bigint FROM wallet_operations WHERE wallet_id = '$wallet'")
# A check of the answers before timing them: ord-<n> is the one row n, and the filters hold on every row
# (every 50th row is FAILED, a DEPOSIT with metadata of channel web).
probe=$(curl -s "$url/api/v1/wallets/$wallet/operations?metadata%5BorderRef%5D=ord-12" -H "Authorization: Bearer $token")
echo "$probe" > "$out/probe.json"
python3 - "$out/probe.json" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
assert len(page["items"]) == 1 and page["items"][0]["metadata"] == {"channel": "pos", "orderRef": "ord-12"}, page
PY
curl -s "$url/api/v1/wallets/$wallet/operations?limit=500&operationType=DEPOSIT&status=FAILED&minAmount=100&metadata%5Bchannel%5D=web" \
  -H "Authorization: Bearer $token" > "$out/check.json"
python3 - "$out/check.json" <<'PY'
import json, sys
from decimal import Decimal
items = json.load(open(sys.argv[1]))["items"]
assert items, "no row matched"
for op in items:
    assert op["operationType"] == "DEPOSIT" and op["status"] == "FAILED" and Decimal(str(op["amount"])) >= 100 \
        and op["metadata"]["channel"] == "web", op
print(f"filters checked on {len(items)} rows")
PY
# The plans of the filtered page (own operations; the received-transfers side is an empty probe here).
plan() {
  echo "== $1"
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -d wallet -qAt -c "EXPLAIN (ANALYZE, BUFFERS)
    SELECT o.id FROM wallet_operations o
     WHERE o.wallet_id = '$wallet' AND o.processed_at >= '0001-01-01' AND o.processed_at < '9999-12-31'
       AND (o.processed_at, o.id) < (timestamptz '9999-12-31', 9223372036854775807) $2
     ORDER BY o.processed_at DESC, o.id DESC LIMIT 50"
}
{
  plan metadata-unique "AND o.metadata @> '{\"orderRef\": \"ord-500002\"}'"
  plan metadata-common "AND o.metadata @> '{\"channel\": \"web\"}'"
  plan metadata-absent "AND o.metadata @> '{\"channel\": \"none\"}'"
  plan status "AND o.status = 'FAILED'"
  plan amount "AND o.amount_minor >= 50000 AND o.amount_minor <= 51000"
} > "$out/plans.txt"
grep -E "^==|Index|Bitmap|Execution Time" "$out/plans.txt"
for kind in none metadata-unique metadata-common metadata-period metadata-deep metadata-absent type status amount \
    type-status-amount; do
  for round in $(seq "$rounds"); do
    WALLET=$wallet FIRST=$first LAST=$last KIND=$kind TOKEN=$token OPERATIONS=$operations wrk \
      -t"$(( connections < 2 ? connections : 2 ))" -c"$connections" -d"${duration}s" --latency \
      -s "$here/search.lua" "$url" > "$out/$kind-$round.txt" 2>&1
    # A script error makes wrk request "/" instead: a figure of something else. Refuse it.
    if grep -qE 'search\.lua:|Non-2xx|^status ' "$out/$kind-$round.txt"; then
      echo "$kind round $round did not measure the page:"; head -5 "$out/$kind-$round.txt"; exit 1
    fi
    echo "$kind round $round: $(grep -E 'Requests/sec' "$out/$kind-$round.txt"), $(grep -E '^ +(50|90|99)(\.0+)?% ' "$out/$kind-$round.txt" | head -3 | tr -s ' ' | tr '\n' ' ')$(grep -E 'Non-2xx|status ' "$out/$kind-$round.txt" | head -1)"
  done
done

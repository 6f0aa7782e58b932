#!/usr/bin/env bash
# Contract check: the platform jar behind Prism (npm @stoplight/prism-cli) as validating proxies for
# wallet-api.yaml, orders-api.yaml and payments-api.yaml (one proxy each). A set of requests, good and bad, goes through the proxy; Prism reports every
# request or response that breaks the document (with --errors it answers them itself, with a
# stoplight.io/prism/errors problem). Exits 1 if any exchange broke the contract.
# Usage: scripts/check/prism.sh [PLATFORM_JAR]   (default platform/target/platform.jar)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$(realpath "${1:-$root/platform/target/platform.jar}")
command -v prism > /dev/null || npm install -g @stoplight/prism-cli@5 --no-audit --no-fund --loglevel=error
port=$((20000 + RANDOM % 5000)); proxy=$((port + 5000))
data=$(mktemp -d); log=$(mktemp); prism_log=$(mktemp)
secret=prism-check-secret-0123456789abcdef
admin=0000ad01-0000-4000-8000-000000000001
AUTH_DEV_SHARED_SECRET=$secret AUTH_ADMIN_CLIENT_ID=$admin PLATFORM_PORT=$port EMBEDDED_DATA_DIR=$data \
  EMBEDDED_PG_DURABLE=false WARMUP_MAX_MS=0 java -Xmx512m -jar "$jar" > "$log" 2>&1 &
pid=$!
prism proxy "$root/wallet-api/src/main/resources/openapi/wallet-api.yaml" "http://127.0.0.1:$port" --errors \
  -p "$proxy" -h 127.0.0.1 > "$prism_log" 2>&1 &
prism_pid=$!
orders_proxy=$((proxy + 1)); payments_proxy=$((proxy + 2)); orders_log=$(mktemp); payments_log=$(mktemp)
prism proxy "$root/orders-api/src/main/resources/openapi/orders-api.yaml" "http://127.0.0.1:$port" --errors \
  -p "$orders_proxy" -h 127.0.0.1 > "$orders_log" 2>&1 &
orders_pid=$!
prism proxy "$root/payments-api/src/main/resources/openapi/payments-api.yaml" "http://127.0.0.1:$port" --errors \
  -p "$payments_proxy" -h 127.0.0.1 > "$payments_log" 2>&1 &
payments_pid=$!
# (|| true: under set -e the wait for killed processes would end the script before the clean-up, with 143.)
trap 'kill $pid $prism_pid $orders_pid $payments_pid 2>/dev/null || true; wait $pid $prism_pid $orders_pid $payments_pid 2>/dev/null || true
  rm -rf "$data" "$log" "$prism_log" "$orders_log" "$payments_log"' EXIT
for _ in $(seq 120); do curl -sf "localhost:$port/health/ready" > /dev/null && break; sleep 1; done
for prism_out in "$prism_log" "$orders_log" "$payments_log"; do
  for _ in $(seq 30); do grep -q "Prism is listening" "$prism_out" && break; sleep 1; done
done

token() {
  curl -s -X POST "localhost:$port/oauth/token" -d grant_type=client_credentials -d client_id="$1" \
    -d client_secret="$secret" -d "scope=$2" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
user=$(token "$(cat /proc/sys/kernel/random/uuid)" "wallets funding")
unfunded=$(token "$(cat /proc/sys/kernel/random/uuid)" "wallets")
boss=$(token "$admin" "wallets admin")
shopper=$(token "$(cat /proc/sys/kernel/random/uuid)" "orders payments funding")

broken=0; count=0
# call EXPECTED_STATUS TOKEN METHOD PATH [BODY]: one exchange through the proxy; the answer's body in $body.
call() {
  local expected=$1 bearer=$2 method=$3 path=$4 payload=${5:-} status
  local args=(-s -o /tmp/prism-body.$$ -w '%{http_code}' -X "$method" -H "Authorization: Bearer $bearer")
  [ -n "$payload" ] && args+=(-H 'content-type: application/json' --data "$payload")
  [ -n "${key:-}" ] && args+=(-H "Idempotency-Key: $key")
  status=$(curl "${args[@]}" "http://127.0.0.1:${at:-$proxy}$path")
  body=$(cat /tmp/prism-body.$$); rm -f /tmp/prism-body.$$
  count=$((count + 1))
  if echo "$body" | grep -q 'stoplight.io/prism/errors'; then
    broken=$((broken + 1)); echo "CONTRACT BROKEN: $method $path -> $status $body"
  elif [ "$status" != "$expected" ]; then
    broken=$((broken + 1)); echo "UNEXPECTED: $method $path -> $status (expected $expected) $body"
  else
    echo "ok $status $method $path"
  fi
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$body"; }

call 200 "$user" GET /api/v1/assets
call 201 "$user" POST /api/v1/wallets '{"initialBalance": 100}'
usd=$(field walletId)
call 201 "$user" POST /api/v1/wallets '{"asset": "JPY", "initialBalance": 5000, "creditLimit": 1000}'
yen=$(field walletId)
call 201 "$user" POST /api/v1/wallets '{"asset": "BTC", "initialBalance": 0.5}'
call 200 "$user" GET "/api/v1/wallets/$yen"
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$yen\", \"operationType\": \"WITHDRAW\", \"amount\": 5500}"
op=$(field operationId)
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$usd\", \"operationType\": \"TRANSFER\", \"amount\": 1, \"toWalletId\": \"$yen\"}"
transfer=$(field operationId)
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$usd\", \"operationType\": \"HOLD\", \"amount\": 10}"
sleep 2
call 200 "$user" GET "/api/v1/wallets/$yen/operations/$op"
call 200 "$user" GET "/api/v1/wallets/$usd/operations/$transfer"
call 200 "$user" GET "/api/v1/wallets/$yen/operations?limit=10"
call 200 "$user" GET "/api/v1/wallets/$usd/operations?limit=10"
call 200 "$user" GET "/api/v1/wallets/$yen/balance?at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
call 200 "$user" GET "/api/v1/wallets/$usd/statement"
call 400 "$user" GET "/api/v1/wallets/$usd/statement?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"
call 200 "$boss" PATCH "/api/v1/wallets/$yen" '{"creditLimit": 2000}'
call 409 "$boss" PATCH "/api/v1/wallets/$yen" '{"creditLimit": 0}'
call 403 "$user" PATCH "/api/v1/wallets/$yen" '{"creditLimit": 2000}'
call 422 "$user" POST /api/v1/wallet "{\"walletId\": \"$yen\", \"operationType\": \"DEPOSIT\", \"amount\": 1.5}"
call 422 "$user" POST /api/v1/wallets '{"asset": "XAU"}'
call 403 "$unfunded" POST /api/v1/wallets '{"creditLimit": 10}'
call 404 "$user" GET "/api/v1/wallets/$(cat /proc/sys/kernel/random/uuid)"
call 201 "$user" POST /api/v1/wallets '{"initialBalance": 50}'
payer=$(field walletId)
call 202 "$user" POST /api/v1/transactions "{\"postings\": [{\"from\": \"$payer\", \"to\": \"$usd\", \"amount\": 10}, {\"from\": \"$payer\", \"to\": \"$usd\", \"amount\": 0.5}], \"metadata\": {\"order\": \"A-1\"}}"
transaction=$(field transactionId)
call 202 "$user" POST /api/v1/transactions "{\"postings\": [{\"from\": \"$payer\", \"to\": \"$yen\", \"amount\": 1}]}"
mismatch=$(field transactionId)
sleep 2
call 200 "$user" GET "/api/v1/transactions/$transaction"
call 200 "$user" GET "/api/v1/transactions/$mismatch"
call 202 "$user" POST "/api/v1/transactions/$transaction/reverse"
call 409 "$user" POST "/api/v1/transactions/$transaction/reverse"
call 409 "$user" POST "/api/v1/transactions/$mismatch/reverse"
call 200 "$user" GET "/api/v1/wallets/$usd/operations?limit=10"
call 404 "$unfunded" GET "/api/v1/transactions/$transaction"
call 422 "$user" POST /api/v1/transactions "{\"postings\": [{\"from\": \"$payer\", \"to\": \"$usd\", \"amount\": 0.001}]}"
call 404 "$user" POST /api/v1/transactions "{\"postings\": [{\"from\": \"$(cat /proc/sys/kernel/random/uuid)\", \"to\": \"$usd\", \"amount\": 1}]}"
code=P$(date +%s%N | tail -c 9)
call 201 "$boss" POST /api/v1/assets "{\"code\": \"$code\", \"precision\": 4}"
call 409 "$boss" POST /api/v1/assets "{\"code\": \"$code\", \"precision\": 4}"
call 403 "$user" POST /api/v1/assets '{"code": "NOPE", "precision": 2}'
call 401 "not-a-token" GET /api/v1/assets
# Balance monitors.
call 201 "$user" POST "/api/v1/wallets/$usd/monitors" '{"field": "balance", "operator": "lt", "value": 50, "metadata": {"alert": "low"}}'
monitor=$(field monitorId)
call 201 "$user" POST "/api/v1/wallets/$yen/monitors" '{"field": "available", "operator": "gte", "value": 100}'
call 200 "$user" GET "/api/v1/wallets/$usd/monitors"
call 422 "$user" POST "/api/v1/wallets/$yen/monitors" '{"field": "available", "operator": "gte", "value": 1.5}'
# (A body the schema refuses is answered by Prism itself, before the platform: WebhooksTest checks the platform's 400.)
call 404 "$unfunded" GET "/api/v1/wallets/$usd/monitors"
call 204 "$user" DELETE "/api/v1/wallets/$usd/monitors/$monitor"
call 404 "$user" DELETE "/api/v1/wallets/$usd/monitors/$monitor"
# Idempotency-Key: the first answer, its replay (Idempotency-Replayed), another request under the key.
key=prism-$(date +%s%N)
call 201 "$user" POST /api/v1/wallets '{"initialBalance": 1}'
call 201 "$user" POST /api/v1/wallets '{"initialBalance": 1}'
call 422 "$user" POST /api/v1/wallets '{"initialBalance": 2}'
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$usd\", \"operationType\": \"DEPOSIT\", \"amount\": 1}"
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$usd\", \"operationType\": \"DEPOSIT\", \"amount\": 1}"
key=
# Metadata: kept with wallets and operations, and the list's filters (brackets percent-encoded).
call 201 "$user" POST /api/v1/wallets '{"initialBalance": 3, "metadata": {"customer": "c-1"}}'
tagged=$(field walletId)
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$tagged\", \"operationType\": \"WITHDRAW\", \"amount\": 1, \"metadata\": {\"invoice\": \"INV-1\"}}"
call 202 "$user" POST /api/v1/wallet "{\"walletId\": \"$tagged\", \"operationType\": \"WITHDRAW\", \"amount\": 1.5}"
sleep 2
call 200 "$user" GET "/api/v1/wallets/$tagged"
call 200 "$user" GET "/api/v1/wallets/$tagged/operations?metadata%5Binvoice%5D=INV-1"
call 200 "$user" GET "/api/v1/wallets/$tagged/operations?operationType=WITHDRAW&status=COMPLETED&minAmount=1&maxAmount=1.50&limit=1"
call 400 "$user" GET "/api/v1/wallets/$tagged/operations?minAmount=0.001"
call 400 "$user" GET "/api/v1/wallets/$tagged/operations?minAmount=2&maxAmount=1"
call 400 "$user" GET "/api/v1/wallets/$tagged/operations?metadata%5B%5D=x"
# Orders and payments, each through its own proxy.
at=$payments_proxy
call 201 "$shopper" POST /api/v1/accounts '{"initialBalance": 100, "metadata": {"crm": "X-1"}}'
me=$(field userId)
call 200 "$shopper" GET "/api/v1/accounts/$me"
call 200 "$shopper" GET "/api/v1/accounts/$me/transactions?type=DEPOSIT&minAmount=10&from=2026-01-01T00:00:00Z"
call 400 "$shopper" GET "/api/v1/accounts/$me/transactions?maxAmount=0.001"
at=$orders_proxy
call 201 "$shopper" POST /api/v1/orders '{"amount": 12.5, "description": "a book", "metadata": {"cart": "c-9"}}'
call 201 "$shopper" POST /api/v1/orders '{"amount": 1, "description": "a pen"}'
call 200 "$shopper" GET "/api/v1/orders?metadata%5Bcart%5D=c-9&status=NEW&minAmount=10&to=2099-01-01T00:00:00Z"
call 200 "$shopper" GET "/api/v1/orders?limit=1"
call 400 "$shopper" GET "/api/v1/orders?minAmount=3&maxAmount=2"
at=

echo "$count exchanges through Prism, $broken broke the contract or answered otherwise"
[ "$broken" -eq 0 ]

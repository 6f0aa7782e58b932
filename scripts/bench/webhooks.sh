#!/usr/bin/env bash
# Webhook deliveries from one platform to a local receiver (docs/benchmarks.md, "Webhooks"): one
# principal with one hot wallet subscribes wallet.operation.completed to the load tester's
# WebhookReceiver, so that every deposit is one event delivered. Each round:
#  - fixed rate: wrk2 at 1,000 deposits/s (40 s warm-up, then 60 s measured): the receiver's delay
#    from each event's timestamp (the commit of the batch that applied it) to its arrival, p50/p99/max;
#  - maximum: wrk closed loop, 64 connections, 30 s: deposits accepted/s and events delivered/s at the
#    receiver while the load runs (the median of its per-second counts), then the time to drain.
# Every round checks that each accepted deposit's event arrived (distinct webhook-ids).
# Usage: [WRK2=/tmp/wrk2/wrk] scripts/bench/webhooks.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rounds=${4:-3}
wrk2=${WRK2:-/tmp/wrk2/wrk}
port=18188; data=$(mktemp -d); secret=bench-secret; receiver=18990
mkdir -p "$out"
source "$here/platform.sh"
start_platform "$jar" "$out/platform.log" WARMUP_MAX_MS=0
java -Xmx256m -cp "$tool" io.walletplatform.load.WebhookReceiver $receiver > "$out/receiver.log" 2>&1 &
rpid=$!
trap 'status=$?; kill $pid $rpid 2>/dev/null; wait $pid $rpid 2>/dev/null; rm -rf "$data"; exit $status' EXIT
for _ in $(seq 30); do curl -sf "localhost:$receiver/stats" > /dev/null && break; sleep 1; done
token=$(dev_token)
auth=(-H "Authorization: Bearer $token")
wallet=$(curl -s -X POST "localhost:$port/api/v1/wallets" "${auth[@]}" -H 'content-type: application/json' \
  -d '{"initialBalance":0}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/')
curl -s -X POST "localhost:$port/api/v1/webhooks" "${auth[@]}" -H 'content-type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$receiver/hook\",\"events\":[\"wallet.operation.completed\"]}" > "$out/webhook.json"
stat() { curl -s "localhost:$receiver/stats" | python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"; }
# The recorders learn of the subscription at its commit: a first deposit proves it.
for _ in $(seq 30); do
  curl -s -o /dev/null -X POST "localhost:$port/api/v1/wallet" "${auth[@]}" -H 'content-type: application/json' \
    -d "{\"walletId\":\"$wallet\",\"operationType\":\"DEPOSIT\",\"amount\":0.01}"
  sleep 1
  [ "$(stat "s['distinct']")" -gt 0 ] && break
done
accepted_of() { echo "$1" | awk '/requests in/{r=$1} /Non-2xx/{e=$NF} END{print r-e}'; }
drain() {  # waits until the receiver has N distinct events, or stops growing for 10 s; prints seconds waited
  local want=$1 start=$SECONDS last=-1 still=0 now
  while :; do
    now=$(stat "s['distinct']")
    [ "$now" -ge "$want" ] && break
    if [ "$now" = "$last" ]; then still=$((still + 1)); [ $still -ge 10 ] && break; else still=0; fi
    last=$now; sleep 1
  done
  echo $((SECONDS - start))
}
run=1
for round in $(seq "$rounds"); do
  echo "--- round $round, fixed rate 1000/s"
  run=$((run + 1)); "$wrk2" -t2 -c32 -d40s -R1000 -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" $run > /dev/null
  sleep 3; curl -s -X POST "localhost:$receiver/reset"
  run=$((run + 1)); fixed=$("$wrk2" -t2 -c32 -d60s -R1000 --latency -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" $run)
  accepted=$(accepted_of "$fixed"); waited=$(drain "$accepted")
  stat "f\"accepted $accepted, delivered {s['distinct']} ({s['repeats']} repeats), event to delivery p50 {s['delayMs']['p50']} ms p90 {s['delayMs']['p90']} ms p99 {s['delayMs']['p99']} ms p99.9 {s['delayMs']['p999']} ms max {s['delayMs']['max']} ms (drained $waited s after the load)\""
  curl -s "localhost:$receiver/stats" > "$out/fixed-$round.json"
  echo "--- round $round, maximum (wrk closed loop, 64 connections, 30 s)"
  sleep 3; curl -s -X POST "localhost:$receiver/reset"
  run=$((run + 1)); started=$(date +%s); most=$(wrk -t2 -c64 -d30s -s "$here/hot-wallet.lua" "http://127.0.0.1:$port" -- "$wallet" "$token" $run)
  ended=$(date +%s); accepted=$(accepted_of "$most"); waited=$(drain "$accepted")
  curl -s "localhost:$receiver/stats" > "$out/max-$round.json"
  python3 - "$out/max-$round.json" "$accepted" "$started" "$ended" "$waited" <<'PY'
import json, statistics, sys
s = json.load(open(sys.argv[1])); accepted, started, ended, waited = map(int, sys.argv[2:])
during = [count for second, count in s["perSecond"] if started + 1 <= second < ended - 1]
print(f"accepted {accepted} ({accepted / (ended - started):.0f}/s), delivered {s['distinct']} ({s['repeats']} repeats); "
      f"delivered/s while loaded: median {statistics.median(during):.0f}, max {max(during)}; "
      f"overall {s['distinct'] / (s['perSecond'][-1][0] - s['perSecond'][0][0] + 1):.0f}/s; drained {waited} s after the load")
PY
done

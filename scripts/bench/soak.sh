#!/usr/bin/env bash
# Memory soak (docs/benchmarks.md): the platform (-Xmx512m, the parallel collector) on fresh data, warmed by a
# 60 s closed-loop run, then RATE DEPOSITs of 0.01 per second on WALLETS wallets for MINUTES
# minutes (RATE "closed": as fast as 64 connections in a closed loop get answered), audited by totals (versions and balances against the accepted count, in constant memory).
# Every 30 s it appends to OUT/memory.tsv: seconds, the platform's heap used and committed (jcmd
# GC.heap_info), its resident set, Redis's resident set; before and after the run the live heap
# after a full collection (OUT/live.txt).
# Usage: scripts/bench/soak.sh PLATFORM_JAR LOAD_TESTER_JAR OUT [RATE|closed] [MINUTES] [WALLETS]
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); rate=${4:-5000}; minutes=${5:-30}; wallets=${6:-1}
port=18181; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$out/platform.log"
deposits=(--deposit-ratio 1 --min-amount 0.01 --max-amount 0.01 --audit totals)
java -jar "$tool" wallet --url "$url" --shared-secret $secret --wallets "$wallets" --model closed --connections 64 \
  "${deposits[@]}" --duration 60s --warmup 0s --progress 0s --out "$out/warm" > /dev/null

# "512M max, 512M soft max, 376M committed, 14464K used": used and committed in KiB.
heap() {
  jcmd "$pid" GC.heap_info | awk '/soft max/ {
    for (i = 1; i < NF; i++) {
      v = $i; gsub(/,/, "", v); k = v + 0
      if (v ~ /M$/) k *= 1024; else if (v ~ /G$/) k *= 1048576
      if ($(i+1) ~ /^committed/) c = k; if ($(i+1) ~ /^used/) u = k
    }
    printf "%d\t%d\n", u, c
  }'
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
live() { jcmd "$pid" GC.run > /dev/null; echo "$1 live heap (KiB used after a full GC): $(heap | cut -f1)" >> "$out/live.txt"; }
redis_pid=$(pgrep -n redis-server)
: > "$out/live.txt"
live before
printf 'seconds\theap_used_kib\theap_committed_kib\tplatform_rss_kib\tredis_rss_kib\n' > "$out/memory.tsv"
if [[ $rate == closed ]]; then load=(--model closed --connections 64); else load=(--rate $((rate / wallets))); fi
java -jar "$tool" wallet --url "$url" --shared-secret $secret --wallets "$wallets" "${load[@]}" \
  "${deposits[@]}" --duration "${minutes}m" --warmup 20s --progress 60s --settle-timeout 600s --out "$out/soak" \
  > "$out/soak.txt" 2>&1 &
tester=$!
start=$(date +%s)
while kill -0 $tester 2>/dev/null; do
  printf '%s\t%s\t%s\t%s\n' $(( $(date +%s) - start )) "$(heap)" "$(rss "$pid")" "$(rss "$redis_pid")" >> "$out/memory.tsv"
  sleep 30
done
wait $tester || echo "load tester exited $?" >> "$out/live.txt"
live after
cat "$out/live.txt"
python3 - "$out/soak/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("offered", r["offered"], "accepted", r["accepted"], "applied", r.get("applied"), "errors", r["errorsByCode"])
print("accept latency", r["acceptLatencyMs"])
print("audit", "clean" if r["auditClean"] else "FAILED", r["discrepancyCount"])
PY

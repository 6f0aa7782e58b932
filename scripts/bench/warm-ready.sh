#!/usr/bin/env bash
# Ready means warm (docs/benchmarks.md, issue #22 item 4): starts the platform on fresh data, and
# the moment /health/ready first answers 200 runs wrk2 at a fixed 1,000 DEPOSITs/s on one wallet
# for 15 s ("first"); then, after PAUSE seconds of the same load, 15 s more ("warm"). Prints both
# accept p99 (wrk2 corrects for coordinated omission) and their ratio. Extra NAME=VALUE arguments go
# to the platform (WARMUP_MAX_MS=0 turns the warm-up off, for the contrast).
# Needs wrk2 (https://github.com/giltene/wrk2: make; it needs libssl-dev) on PATH or in $WRK2.
# Usage: scripts/bench/warm-ready.sh PLATFORM_JAR OUT [PAUSE] [NAME=VALUE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); out=$(realpath -m "$2"); pause=${3:-45}
shift $(( $# >= 3 ? 3 : 2 ))
wrk2=${WRK2:-wrk2}
command -v "$wrk2" > /dev/null || { echo "wrk2 not found: build it from github.com/giltene/wrk2 and set WRK2" >&2; exit 2; }
port=18183; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$here/platform.sh"
start=$(date +%s.%N)
start_platform "$jar" "$out/platform.log" "$@"
ready=$(echo "$(date +%s.%N) - $start" | bc)
token=$(dev_token)
wallet=$(curl -s -X POST "$url/api/v1/wallets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/')
run() {
  "$wrk2" -t2 -c16 -R1000 -d"$2" --latency -s "$here/hot-wallet.lua" "$url" -- "$wallet" "$token" "$1" > "$out/wrk2-$1.txt"
}
p99() {
  awk '/Latency Distribution \(HdrHistogram - Recorded Latency\)/ {d=1} d && $1 == "99.000%" {print $2; exit}' "$out/wrk2-$1.txt"
}
run 1 15s
run 2 "${pause}s"
run 3 15s
echo "ready $(printf %.1f "$ready") s after the start; $(grep -m1 "warm-up:.*stopped" "$out/platform.log" | sed 's/.*warm-up: //')"
for n in 1 3; do
  echo "run $n: $(grep -E "^Requests/sec" "$out/wrk2-$n.txt"), non-2xx $(grep -E "Non-2xx" "$out/wrk2-$n.txt" | awk '{print $NF}' || true), p50 $(awk '/Latency Distribution \(HdrHistogram/ {d=1} d && $1 == "50.000%" {print $2; exit}' "$out/wrk2-$n.txt"), p99 $(p99 $n)"
done
python3 - "$(p99 1)" "$(p99 3)" <<'PY'
import sys
def ms(v):
    for unit, f in (("ms", 1), ("us", 0.001), ("s", 1000), ("m", 60000)):
        if v.endswith(unit):
            return float(v[:-len(unit)]) * f
first, warm = ms(sys.argv[1]), ms(sys.argv[2])
print(f"first 15 s p99 {first:.2f} ms, warm p99 {warm:.2f} ms: ratio {first / warm:.1f} (goal <= 3)")
PY

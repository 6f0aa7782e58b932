#!/usr/bin/env bash
# Cold start (docs/benchmarks.md): starts the platform on fresh data and, the moment /health first
# answers UP, runs one scenario with no warm-up: orders at 200/s for 30 s, or operations on one
# wallet at 1,000/s for 15 s. The load tester's own start (JVM, tokens, accounts) comes first, so
# its first request leaves a few seconds after /health turned UP.
# Usage: scripts/bench/cold-start.sh PLATFORM_JAR LOAD_TESTER_JAR OUT orders|wallet
set -euo pipefail
jar=$(realpath "$1"); tool=$(realpath "$2"); out=$(realpath -m "$3"); scenario=$4
port=18181; data=$(mktemp -d); secret=bench-secret; url=http://127.0.0.1:$port
mkdir -p "$out"
source "$(dirname "$0")/platform.sh"
start=$(date +%s.%N)
start_platform "$jar" "$out/platform-$scenario.log"
echo "/health UP $(echo "$(date +%s.%N) - $start" | bc) s after the start"
case $scenario in
  orders) args=(orders --users 20 --rate 200 --duration 30s --warmup 0s --initial-balance 100000) ;;
  wallet) args=(wallet --wallets 1 --rate 1000 --duration 15s --warmup 0s) ;;
  *) echo "orders or wallet" >&2; exit 2 ;;
esac
java -jar "$tool" "${args[@]}" --url "$url" --shared-secret $secret --progress 5s --out "$out/$scenario" \
  | grep -E "^(orders|accept) |\"p99\"|auditClean|CPU per"

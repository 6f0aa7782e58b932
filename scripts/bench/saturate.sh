#!/usr/bin/env bash
# Overload without collapse (issue #22, docs/benchmarks.md): the platform jar from a fresh start,
# WALLETS wallets, then `wrk -t2 -c64` for SECONDS with unique operationIds and a valid token: a
# client that sends as fast as it is answered and ignores Retry-After. /metrics is sampled every 5 s
# (accepted, applied, shed, admission held/refused, the worst batch so far). After wrk, waits up to
# 15 s for every accepted operation to be applied. Prints one line per sample and a verdict against
# the targets: at most 10 % of answers non-2xx, no worker batch over 2 s, every accepted operation
# applied within 15 s of the end, the applied rate of the last 30 s at least 80 % of the first 30 s.
# Usage: scripts/bench/saturate.sh PLATFORM_JAR OUT [WALLETS] [SECONDS] [NAME=VALUE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "$1"); out=$(realpath -m "$2"); wallets=${3:-1}; seconds=${4:-90}
shift $(( $# < 4 ? $# : 4 ))
port=18181; data=$(mktemp -d); secret=bench-secret; admin_id=00000000-0000-4000-8000-00000000000a
mkdir -p "$out"
source "$here/platform.sh"
start_platform "$jar" "$out/platform.log" AUTH_ADMIN_CLIENT_ID=$admin_id "$@"
token=$(dev_token); admin=$(dev_token $admin_id admin)
curl -sf -o /dev/null -H "Authorization: Bearer $admin" "localhost:$port/metrics" || { echo "metrics unreadable"; exit 2; }
: > "$out/wallets.txt"
for _ in $(seq "$wallets"); do
  curl -s -X POST "localhost:$port/api/v1/wallets" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/' >> "$out/wallets.txt"
  echo >> "$out/wallets.txt"  # the answer has no final newline, nor has sed's output
done
metric() {  # the sum of the samples of a metric (name prefix) in $scrape
  echo "$scrape" | awk -v m="$1" 'index($0, m) == 1 && $1 !~ /^#/ { s += $NF } END { printf "%.0f", s }'
}
max_metric() {
  echo "$scrape" | awk -v m="$1" 'index($0, m) == 1 && $1 !~ /^#/ { if ($NF > s) s = $NF } END { printf "%.2f", s }'
}
sample() {
  scrape=$(curl -s -H "Authorization: Bearer $admin" "localhost:$port/metrics")
  echo "$1 $(metric wallet_operations_accepted_total) $(metric 'worker_operations_applied_total{') \
$(metric wallet_operations_shed_total) $(metric wallet_admission_held_total) $(metric wallet_admission_refused_total) \
$(max_metric worker_batch_duration_seconds_max)"
}
echo "t accepted applied shed held refused worst_batch_s" | tee "$out/samples.txt"
# t=0: what the platform already accepted and applied (its warm-up), the baseline of the rates below
sample 0 | tee -a "$out/samples.txt"
wrk -t2 -c64 -d"${seconds}s" --timeout 10s -s "$here/saturate.lua" "http://127.0.0.1:$port" -- "$out/wallets.txt" "$token" \
  > "$out/wrk.txt" 2>&1 &
wrk_pid=$!
start=$(date +%s)
while kill -0 $wrk_pid 2>/dev/null; do
  sleep 5
  sample $(( $(date +%s) - start )) | tee -a "$out/samples.txt"
done
end=$(date +%s)
for _ in $(seq 15); do
  line=$(sample "+$(( $(date +%s) - end ))")
  set -- $line
  [ "$2" = "$3" ] && break
  sleep 1
done
echo "$line" | tee -a "$out/samples.txt"
cat "$out/wrk.txt"
python3 - "$out" "$seconds" <<'PY'
import re, sys
out, seconds = sys.argv[1], int(sys.argv[2])
wrk = open(f"{out}/wrk.txt").read()
requests = int(re.search(r"(\d+) requests in", wrk).group(1))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", wrk) or [0, 0])[1]) if "Non-2xx" in wrk else 0
errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", wrk))
rows = [l.split() for l in open(f"{out}/samples.txt").read().splitlines()[1:]]
base = int(rows[0][2])  # applied before wrk started (the warm-up)
timed = [(int(r[0]), int(r[2]) - base) for r in rows if not r[0].startswith("+")]
final = rows[-1]
worst = max(float(r[6]) for r in rows)  # the timer's max decays: the worst of every sample
def applied_at(t):  # applied count at time t, interpolated between samples
    prev = timed[0]
    for s, a in timed:
        if s >= t:
            return prev[1] + (a - prev[1]) * (t - prev[0]) / max(1, s - prev[0])
        prev = (s, a)
    return timed[-1][1]
first = applied_at(30) / 30
last = (applied_at(seconds) - applied_at(seconds - 30)) / 30
checks = {
  "non-2xx <= 10%": (non2xx + errors) <= 0.10 * requests,
  "worst batch <= 2 s": worst <= 2.0,
  "all applied within 15 s": final[1] == final[2],
  "last 30 s applied >= 80% of first 30 s": last >= 0.8 * first,
}
print(f"answers {requests}, non-2xx {non2xx} ({100.0 * non2xx / max(1, requests):.1f} %), socket errors {errors}; "
      f"accepted {final[1]}, applied {final[2]} ({final[0]} s after the end); worst batch {worst:.2f} s; "
      f"applied/s first 30 s {first:.0f}, last 30 s {last:.0f} ({100.0 * last / max(1, first):.0f} %)")
print("verdict:", "PASS" if all(checks.values()) else "FAIL", {k: v for k, v in checks.items()})
PY

#!/usr/bin/env bash
# CPU by thread group of one JVM over a window (docs/benchmarks.md): reads /proc/PID/task/*/stat
# (utime + stime) at the start and the end of SECONDS and prints, per group of threads (names with
# their numbers removed: vert.x-eventloop-thread-3 -> vert.x-eventloop-thread-N), the CPU-seconds
# used and the share of the JVM. Add REQUESTS to get CPU µs per request as well.
# Usage: scripts/bench/threads.sh PID SECONDS [REQUESTS]
set -euo pipefail
pid=$1; seconds=$2; requests=${3:-0}
snap() {
  for t in /proc/"$pid"/task/*; do
    [ -r "$t/stat" ] || continue
    name=$(cat "$t/comm" 2>/dev/null || echo "?")
    awk -v n="$name" -v id="${t##*/}" '{sub(/^.*\) /, ""); print id "\t" n "\t" $12 + $13}' "$t/stat" 2>/dev/null || true
  done
}
before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snap > "$before"
sleep "$seconds"
snap > "$after"
python3 - "$before" "$after" "$(getconf CLK_TCK)" "$seconds" "$requests" <<'PY'
import re, sys
def read(p):
    out = {}
    for line in open(p):
        tid, name, ticks = line.rstrip("\n").split("\t")
        out[tid] = (name, int(ticks))
    return out
before, after, hz, seconds, requests = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
groups = {}
for tid, (name, ticks) in after.items():
    used = (ticks - before.get(tid, (name, 0))[1]) / hz
    key = re.sub(r"\d+", "N", name)
    groups[key] = groups.get(key, 0) + used
total = sum(groups.values())
print(f"JVM: {total:.1f} CPU-s in {seconds:.0f} s ({total / seconds:.2f} cores)" + (f", {total * 1e6 / requests:.0f} us per request" if requests else ""))
for key, used in sorted(groups.items(), key=lambda kv: -kv[1]):
    if used >= 0.01 * total:
        print(f"  {key:32s} {used:7.1f} s {100 * used / max(total, 1e-9):5.1f} %" + (f" {used * 1e6 / requests:7.1f} us/req" if requests else ""))
PY

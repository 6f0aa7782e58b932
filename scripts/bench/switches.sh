#!/usr/bin/env bash
# Context switches by thread group of one JVM over a window (docs/benchmarks.md, #33): reads
# voluntary_ctxt_switches and nonvoluntary_ctxt_switches of /proc/PID/task/*/status at the start and the
# end of SECONDS, groups threads by name with their numbers removed (as threads.sh), prints the busiest
# groups; with OPERATIONS, switches per 1,000 operations too. On a virtual machine every sleep and wake-up
# pays the hypervisor (pvm_irq_enable in a profile), so this counts what a hand-off between threads costs.
# Usage: scripts/bench/switches.sh PID SECONDS [OPERATIONS]
set -euo pipefail
pid=$1; seconds=$2; operations=${3:-0}
snap() {
  for t in /proc/"$pid"/task/*; do
    name=$(sed -E 's/[-#]?[0-9]+$//; s/[0-9]+/N/g' "$t/comm" 2>/dev/null) || continue
    awk -v n="$name" '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {nv = $2} END {print n "\t" v "\t" nv}' \
      "$t/status" 2>/dev/null || true
  done
}
before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snap > "$before"
sleep "$seconds"
snap > "$after"
python3 - "$before" "$after" "$seconds" "$operations" <<'PY'
import sys
from collections import defaultdict
def read(path):
    groups = defaultdict(lambda: [0, 0])
    for line in open(path):
        name, voluntary, involuntary = line.rstrip("\n").split("\t")
        groups[name][0] += int(voluntary or 0); groups[name][1] += int(involuntary or 0)
    return groups
before, after = read(sys.argv[1]), read(sys.argv[2])
seconds, operations = float(sys.argv[3]), float(sys.argv[4])
rows = sorted(((n, after[n][0] - before.get(n, [0, 0])[0], after[n][1] - before.get(n, [0, 0])[1]) for n in after),
              key=lambda r: -(r[1] + r[2]))
total = sum(r[1] + r[2] for r in rows)
print(f"context switches: {total} in {seconds:.0f} s ({total / seconds:,.0f}/s)"
      + (f", {1000 * total / operations:.0f} per 1,000 operations" if operations else ""))
for name, voluntary, involuntary in rows[:14]:
    print(f"  {name[:34]:34s} {voluntary:8d} voluntary {involuntary:7d} involuntary")
PY

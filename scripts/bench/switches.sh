#!/usr/bin/env bash
# Context switches by thread group of one JVM over a window (docs/benchmarks.md, #33): reads
# voluntary_ctxt_switches and nonvoluntary_ctxt_switches of /proc/PID/task/*/status at the start and the
# end of SECONDS, groups threads by name with their numbers removed (as threads.sh), prints the busiest
# groups; with OPERATIONS, switches per 1,000 operations too. On a virtual machine every sleep and wake-up
# pays the hypervisor (pvm_irq_enable in a profile), so this counts what a hand-off between threads costs.
# A snapshot is one Python process (as threads.sh's); --snapshot / --report as threads.sh (window.sh).
# Usage: scripts/bench/switches.sh PID SECONDS [OPERATIONS]
#        scripts/bench/switches.sh --snapshot PID
#        scripts/bench/switches.sh --report BEFORE AFTER [OPERATIONS]
set -euo pipefail
snap() {  # one line per thread: group name, voluntary, involuntary switches; the first line: the time
  python3 - "$1" <<'PY'
import glob, re, sys, time
print(f"time\t{time.time():.3f}\t0")
for task in glob.glob(f"/proc/{sys.argv[1]}/task/*"):
    try:
        name = open(f"{task}/comm").read().strip()
        status = dict(line.split(":", 1) for line in open(f"{task}/status") if ":" in line)
    except OSError:
        continue
    group = re.sub(r"[0-9]+", "N", re.sub(r"[-#]?[0-9]+$", "", name))
    print(f"{group}\t{status['voluntary_ctxt_switches'].strip()}\t{status['nonvoluntary_ctxt_switches'].strip()}")
PY
}
source "$(dirname "$0")/window.sh"  # sets before, after, count
python3 - "$before" "$after" "$count" <<'PY'
import sys
from collections import defaultdict
def read(path):
    groups, at = defaultdict(lambda: [0, 0]), 0.0
    for line in open(path):
        name, voluntary, involuntary = line.rstrip("\n").split("\t")
        if name == "time":
            at = float(voluntary)
            continue
        groups[name][0] += int(voluntary); groups[name][1] += int(involuntary)
    return groups, at
(before, start), (after, end) = read(sys.argv[1]), read(sys.argv[2])
seconds, operations = end - start, float(sys.argv[3])
rows = sorted(((n, after[n][0] - before.get(n, [0, 0])[0], after[n][1] - before.get(n, [0, 0])[1]) for n in after),
              key=lambda r: -(r[1] + r[2]))
total = sum(r[1] + r[2] for r in rows)
print(f"context switches: {total} in {seconds:.0f} s ({total / seconds:,.0f}/s)"
      + (f", {1000 * total / operations:.0f} per 1,000 operations" if operations else ""))
for name, voluntary, involuntary in rows[:14]:
    print(f"  {name[:34]:34s} {voluntary:8d} voluntary {involuntary:7d} involuntary")
PY

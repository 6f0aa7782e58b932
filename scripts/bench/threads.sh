#!/usr/bin/env bash
# CPU by thread group of one JVM over a window (docs/benchmarks.md): reads /proc/PID/task/*/stat
# (utime + stime) at the start and the end of SECONDS and prints, per group of threads (names with
# their numbers removed: vert.x-eventloop-thread-3 -> vert.x-eventloop-thread-N), the CPU-seconds
# used and the share of the JVM. Add REQUESTS to get CPU µs per request as well.
# Or in two steps, so that a measured window holds no snapshot (ceiling.sh): --snapshot PID > FILE before
# it and after it, then --report BEFORE AFTER [REQUESTS] (the window: between the two snapshots; window.sh).
# A snapshot is one Python process reading every thread (~0.4 CPU-s); it was a cat and an awk per thread (~200
# threads: ~4 CPU-s and ~4 s per snapshot, the first inside ceiling.sh's measured window until #33, 2026-12-07).
# Usage: scripts/bench/threads.sh PID SECONDS [REQUESTS]
#        scripts/bench/threads.sh --snapshot PID
#        scripts/bench/threads.sh --report BEFORE AFTER [REQUESTS]
set -euo pipefail
snap() {  # one line per thread: id, name, utime + stime in ticks; the first line: the time of the snapshot
  python3 - "$1" <<'PY'
import glob, sys, time
print(f"time\t-\t{time.time():.3f}")
for task in glob.glob(f"/proc/{sys.argv[1]}/task/*"):
    try:
        name = open(f"{task}/comm").read().strip()
        fields = open(f"{task}/stat").read().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        continue
    print(f"{task.rsplit('/', 1)[1]}\t{name}\t{int(fields[11]) + int(fields[12])}")
PY
}
source "$(dirname "$0")/window.sh"  # sets before, after, count
python3 - "$before" "$after" "$(getconf CLK_TCK)" "$count" <<'PY'
import re, sys
def read(p):
    out, at = {}, 0.0
    for line in open(p):
        tid, name, value = line.rstrip("\n").split("\t")
        if tid == "time":
            at = float(value)
        else:
            out[tid] = (name, int(value))
    return out, at
(before, start), (after, end) = read(sys.argv[1]), read(sys.argv[2])
hz, requests = int(sys.argv[3]), int(sys.argv[4])
seconds = end - start
groups = {}
for tid, (name, ticks) in after.items():
    used = (ticks - before.get(tid, (name, 0))[1]) / hz
    key = re.sub(r"\d+", "N", name)
    groups[key] = groups.get(key, 0) + used
total = sum(groups.values())
print(f"JVM: {total:.1f} CPU-s in {seconds:.1f} s ({total / seconds:.2f} cores)" + (f", {total * 1e6 / requests:.0f} us per request" if requests else ""))
for key, used in sorted(groups.items(), key=lambda kv: -kv[1]):
    if used >= 0.01 * total:
        print(f"  {key:32s} {used:7.1f} s {100 * used / max(total, 1e-9):5.1f} %" + (f" {used * 1e6 / requests:7.1f} us/req" if requests else ""))
PY

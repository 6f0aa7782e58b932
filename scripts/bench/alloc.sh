#!/usr/bin/env bash
# Heap allocation by thread group of one JVM over a window (#33, docs/benchmarks.md): each Java thread's
# allocated bytes (the JVM's own per-thread counter, `jcmd PID Thread.print -e`: allocated=…K) at the start
# and the end of SECONDS, and the collections in between (`jstat -gc`). Prints the bytes allocated per group of
# threads (names with their numbers removed, as threads.sh), the collections and their time, and with REQUESTS
# the bytes per request. A thread that ends inside the window is missed; one that starts inside it counts from
# zero. (Not JFR: starting a recording in a running platform cut its hot-wallet rate from ~8,400/s to ~650/s
# over the next 15 s, 2026-12-07.)
# A snapshot starts two JVMs (jstat, jcmd: ~1 CPU-s together), so ceiling.sh takes them outside its measured
# window, in two steps: --snapshot PID > FILE before the window and after it, then --report BEFORE AFTER [REQUESTS]
# (the window: between the two snapshots' ends; window.sh).
# Usage: scripts/bench/alloc.sh PID SECONDS [REQUESTS]
#        scripts/bench/alloc.sh --snapshot PID
#        scripts/bench/alloc.sh --report BEFORE AFTER [REQUESTS]
set -euo pipefail
snap() {
  jstat -gc "$1" | tr -s ' ' | sed 's/^ //' | paste -sd '|'; jcmd "$1" Thread.print -e | grep -E '^"[^"]*" #[0-9]+ .*allocated='
  echo "time $(date +%s.%N)"
}
source "$(dirname "$0")/window.sh"  # sets before, after, count
python3 - "$before" "$after" "$count" <<'PY'
import re, sys
UNIT = {"B": 1, "K": 2**10, "M": 2**20, "G": 2**30}
def read(path):
    lines = open(path).read().splitlines()
    header, values = lines[0].split("|")  # jstat -gc: its header and its line of figures
    gc = {k: float(v) for k, v in zip(header.split(), values.split()) if v != "-"}
    threads, at = {}, 0.0
    for line in lines[1:]:
        if line.startswith("time "):
            at = float(line.split()[1])
        m = re.match(r'^"(.*)" #(\d+) .*allocated=(\d+)([BKMG])', line)
        if m:
            threads[m.group(2)] = (m.group(1), int(m.group(3)) * UNIT[m.group(4)])
    return gc, threads, at
(gc0, before, start), (gc1, after, end) = read(sys.argv[1]), read(sys.argv[2])
seconds, requests = end - start, int(sys.argv[3])
groups = {}
for tid, (name, allocated) in after.items():
    key = re.sub(r"\d+", "N", name)
    groups[key] = groups.get(key, 0) + allocated - before.get(tid, (name, 0))[1]
total = sum(groups.values())
per = f", {total / requests:,.0f} B per request" if requests else ""
print(f"allocated: {total / 2**20:,.1f} MiB ({total} B) in {seconds:.0f} s ({total / seconds / 2**20:,.1f} MiB/s){per}")
for key, used in sorted(groups.items(), key=lambda kv: -kv[1]):
    if used >= 0.01 * total:
        print(f"  {key:40.40s} {used / 2**20:9.1f} MiB {100 * used / max(total, 1):5.1f} %"
              + (f" {used / requests:9,.0f} B/req" if requests else ""))
ygc, ygct, fgc, fgct = (gc1[c] - gc0[c] for c in ("YGC", "YGCT", "FGC", "FGCT"))
print(f"collections: {ygc:.0f} young ({ygct * 1000:.0f} ms), {fgc:.0f} full ({fgct * 1000:.0f} ms)"
      + (f"; {ygc * 1000 / requests:.2f} young per 1,000 requests" if requests else ""))
PY

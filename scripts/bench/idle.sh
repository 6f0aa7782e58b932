#!/usr/bin/env bash
# What an idle platform costs (docs/benchmarks.md): starts the platform jar on fresh data, waits
# WAIT seconds after /health is UP, then reads every process's CPU time (and the platform's per
# thread, grouped by name) over SECONDS seconds with no load. Prints cores busy per process and
# the platform's busiest thread groups.
# Usage: scripts/bench/idle.sh PLATFORM_JAR [WAIT] [SECONDS]
set -euo pipefail
jar=$(realpath "$1"); wait_s=${2:-60}; seconds=${3:-30}
port=18181; data=$(mktemp -d); secret=bench-secret
source "$(dirname "$0")/platform.sh"
start_platform "$jar" "$data/platform.log"
sleep "$wait_s"
ticks() {  # name utime+stime of every process, then of every platform thread
  for p in /proc/[0-9]*; do awk -v n="$(tr -d '\0' < "$p/comm" 2>/dev/null)" '{ print "P " n " " $14 + $15 }' "$p/stat" 2>/dev/null || true; done
  for t in /proc/"$pid"/task/*; do
    awk -v n="$(cat "$t/comm" 2>/dev/null | sed -E 's/[-#]?[0-9]+$//')" '{ print "T " n " " $14 + $15 }' "$t/stat" 2>/dev/null || true
  done
}
ticks > "$data/before"; sleep "$seconds"; ticks > "$data/after"
python3 - "$data/before" "$data/after" "$seconds" "$(getconf CLK_TCK)" <<'PY'
import sys, collections
def read(path):
    sums = collections.Counter()
    for line in open(path):
        kind, *name, value = line.split()
        sums[(kind, " ".join(name))] += int(value)
    return sums
before, after = read(sys.argv[1]), read(sys.argv[2]); seconds, hz = float(sys.argv[3]), int(sys.argv[4])
delta = {k: (after[k] - before.get(k, 0)) / hz / seconds for k in after}
for kind, title in (("P", "processes"), ("T", "platform threads")):
    rows = sorted(((v, k[1]) for k, v in delta.items() if k[0] == kind and v >= 0.005), reverse=True)
    print(f"{title}, cores busy over {seconds:.0f} s idle:")
    for v, name in rows[:12]:
        print(f"  {v:6.3f}  {name}")
PY

#!/usr/bin/env bash
# CPU seconds used over SECONDS by every process on the machine, summed by name, PostgreSQL's by role (its
# backends by database: "pg:postgres wallet" is the wallet database's connections, the worker's and the API's),
# from /proc/<pid>/stat (exact run times, as wrk-cpu.sh). Divide by the requests of the same window for µs per
# request by process (docs/benchmarks.md, #33 ninth session). A process that ends inside the window is not
# counted; one that starts in it counts from its start.
# Usage: scripts/bench/procs.sh SECONDS
#        scripts/bench/procs.sh --snapshot   (one line per process now: pid, name, CPU ticks; wrk-cpu.sh reads it)
set -euo pipefail
# In Python, not one awk over /proc/[0-9]*/stat: mawk stops at the first process that exits between the glob and
# its read (threads.sh, then run beside wrk-cpu.sh by ceiling.sh, started and ended hundreds), and every process after it
# then counted its whole lifetime as used in the window (a hot wallet read 28,847 µs of CPU per request).
snap() {
  python3 -c '
import glob, re
for path in glob.glob("/proc/[0-9]*/stat"):
    try:
        text = open(path).read()
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(") ", 1)[1].split()
        if name == "postgres":
            command = open(path[:-4] + "cmdline").read().replace("\0", " ").strip()
            command = re.sub(r"\d+\.\d+\.\d+\.\d+\(\d+\)", "", command)
            command = re.sub(r"\s+(idle|SELECT|INSERT|UPDATE|DELETE|COMMIT|BEGIN).*$", "", command)
            name = "pg:" + command.replace("postgres: ", "", 1)[:30]
    except (OSError, ValueError, IndexError):
        continue
    print(path.split("/")[2], name.replace(" ", "_"), int(fields[11]) + int(fields[12]))'
}
if [ "${1:-}" = --snapshot ]; then
  snap
  exit
fi
before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snap > "$before"; sleep "$1"; snap > "$after"
hz=$(getconf CLK_TCK)
awk -v hz="$hz" 'NR == FNR {seen[$1] = $3; next} {used = $3 - ($1 in seen ? seen[$1] : 0); by[$2] += used}
  END {for (name in by) if (by[name] > 0) printf "%-32s %.2f s\n", name, by[name] / hz}' "$before" "$after" | sort -k2 -rn

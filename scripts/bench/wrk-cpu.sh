#!/usr/bin/env bash
# Runs wrk and prints, beside its output, the CPU time per request of every process on the machine
# together (the platform, PostgreSQL, Redis, kernel threads and wrk itself), from /proc/<pid>/stat
# (exact run times; /proc/stat's busy ticks miss work done in bursts shorter than a tick).
# Usage: scripts/bench/wrk-cpu.sh <wrk arguments...>
set -euo pipefail
command -v wrk > /dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq wrk > /dev/null; }  # a fresh machine has no wrk
# Every process's utime + stime now: pid, name, ticks (procs.sh).
ticks() {
  "$(dirname "$0")/procs.sh" --snapshot
}
hz=$(getconf CLK_TCK)
before=$(mktemp); after=$(mktemp); times=$(mktemp)
trap 'rm -f "$before" "$after" "$times"' EXIT
ticks > "$before"
out=$(/usr/bin/time -o "$times" -f "%U %S" wrk "$@")
ticks > "$after"
echo "$out"
others=$(awk 'NR == FNR {seen[$1] = $3; next} {used += $3 - ($1 in seen ? seen[$1] : 0)} END {print used}' "$before" "$after")
requests=$(echo "$out" | awk '/requests in/{print $1}')
errors=$(echo "$out" | awk '/Non-2xx/{print $NF}')
read -r wrk_user wrk_sys < "$times"
echo "$requests $others $wrk_user $wrk_sys ${errors:-0}" | awk -v hz="$hz" '{
  total = $2 / hz + $3 + $4
  printf "CPU per request, all processes: %.1f us (wrk itself %.1f us; %d requests, %d not 2xx)\n", total * 1e6 / $1, ($3 + $4) * 1e6 / $1, $1, $5 }'

#!/usr/bin/env bash
# Runs wrk and prints, beside its output, the whole machine's CPU time per accepted request
# (from /proc/stat: every process, the generator included, and the kernel).
# Usage: scripts/bench/wrk-cpu.sh <wrk arguments...>
set -euo pipefail
busy() { awk '/^cpu /{print $2+$3+$4+$6+$7+$8}' /proc/stat; }
hz=$(getconf CLK_TCK)
before=$(busy)
out=$(wrk "$@")
after=$(busy)
echo "$out"
requests=$(echo "$out" | awk '/requests in/{print $1}')
errors=$(echo "$out" | awk '/Non-2xx/{print $NF}')
echo "$requests $((after - before)) ${errors:-0}" | awk -v hz="$hz" '{printf "whole-machine CPU per request: %.1f us (%d requests, %d not 2xx)\n", ($2 / hz) * 1e6 / $1, $1, $3}'

# Sourced by threads.sh, alloc.sh and switches.sh, after they define snap PID (one snapshot to stdout): reads
# their arguments, one of
#   PID SECONDS [N]              a snapshot, SECONDS of sleep, a snapshot;
#   --snapshot PID               one snapshot printed, then the script exits;
#   --report BEFORE AFTER [N]    two snapshots taken before (ceiling.sh: around its measured window, none inside);
# and sets $before and $after (the snapshots' files) and $count (N: requests or operations, 0 without).
if [ "${1:-}" = --snapshot ]; then
  snap "$2"
  exit 0
fi
if [ "${1:-}" = --report ]; then
  before=$2; after=$3; count=${4:-0}
else
  before=$(mktemp); after=$(mktemp)
  trap 'rm -f "$before" "$after"' EXIT
  snap "$1" > "$before"
  sleep "$2"
  snap "$1" > "$after"
  count=${3:-0}
fi

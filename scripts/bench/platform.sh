# Sourced by the benchmark scripts.
#
# start_platform JAR LOG [NAME=VALUE...] starts the platform jar
# on the fresh data directory $data, port $port, the shared test secret $secret, per-principal
# limit raised (so that one principal's hot wallet runs unlimited), -Xmx512m, the parallel collector and
# transparent huge pages (README's command), with
# any extra settings given, and the JVM options in $BENCH_JAVA_OPTS (e.g. -XX:TieredStopAtLevel=1; a
# collector named there replaces it: -XX:+UseShenandoahGC for the figures before 2026-12-06 afternoon);
# waits for /health; stops it and removes $data when the script exits.
start_platform() {
  local jar=$1 log=$2
  shift 2
  # The shared test secret: AUTH_DEV_SHARED_SECRET since every client has its own secret (#17);
  # jars from before that (A/B baselines) named it AUTH_DEV_CLIENT_SECRET.
  local secret_variable=AUTH_DEV_SHARED_SECRET
  unzip -l "$jar" io/walletplatform/common/auth/ClientStore.class > /dev/null 2>&1 || secret_variable=AUTH_DEV_CLIENT_SECRET
  # The parallel collector (shipped since #33's A/B of 2026-12-06: a third less JVM CPU per operation than
  # Shenandoah) unless BENCH_JAVA_OPTS names one of its own (-XX:+UseShenandoahGC for older figures).
  local gc=-XX:+UseParallelGC
  [[ "${BENCH_JAVA_OPTS:-}" =~ -XX:\+Use[A-Za-z0-9]+GC ]] && gc=
  # Huge pages as README's command and the images ask for them (#33, 2026-12-07), unless BENCH_JAVA_OPTS says
  # otherwise (-XX:-UseTransparentHugePages for figures before that).
  local pages=-XX:+UseTransparentHugePages
  [[ "${BENCH_JAVA_OPTS:-}" =~ UseTransparentHugePages ]] && pages=
  env "$@" RATE_LIMIT_PER_PRINCIPAL_PER_S=10000000 RATE_LIMIT_READS_PER_PRINCIPAL_PER_S=10000000 "$secret_variable=$secret" PLATFORM_PORT="$port" \
    EMBEDDED_DATA_DIR="$data" java -Xmx512m $gc $pages ${BENCH_JAVA_OPTS:-} -jar "$jar" > "$log" 2>&1 &
  pid=$!
  # (|| true: under set -e a kill of a jar already stopped (1), or the wait for it (143), would end the script
  # with that status before the clean-up.)
  trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
  for _ in $(seq 180); do curl -sf "localhost:$port/health" > /dev/null && break; sleep 1; done
}

# dev_token [CLIENT_ID] [SCOPE]: a token of the platform's development issuer, for CLIENT_ID (a new
# one by default) with the default scopes or SCOPE.
# Without SCOPE the token may also deposit (funding, #30); a jar from before funding existed refuses that
# scope, and then gets the default ones.
dev_token() {
  local client=${1:-$(cat /proc/sys/kernel/random/uuid)} scope=${2:-} answer
  answer=$(curl -s -X POST "localhost:$port/oauth/token" -d grant_type=client_credentials -d client_id="$client" \
    -d client_secret="$secret" -d "scope=${scope:-wallets payments orders funding}")
  if [ -z "$scope" ] && ! echo "$answer" | grep -q access_token; then
    answer=$(curl -s -X POST "localhost:$port/oauth/token" -d grant_type=client_credentials -d client_id="$client" \
      -d client_secret="$secret")
  fi
  echo "$answer" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}

# summary RESULT_JSON NAME: one line of a load-tester run: throughput, latency, end-to-end latency,
# CPU per request by process, errors, the audit.
summary() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); c = r.get("cpu", {}); p = c.get("processes", {})
lat = r.get(r.get("latencyName", "accept") + "LatencyMs", {}); e2e = r.get("acceptToAppliedMs") or r.get("createToFinalMs") or {}
print(f"{sys.argv[2]}: accepted {r['acceptedPerSecond']:.0f}/s, applied/settled {r.get('appliedPerSecond', r.get('settledPerSecond', 0)):.0f}/s,"
      f" p50 {lat.get('p50')} p99 {lat.get('p99')} ms, end-to-end p50 {e2e.get('p50')} p99 {e2e.get('p99')} ms,"
      f" CPU {c.get('machineMicrosPerRequest')} us/request (" + ", ".join(f"{k} {v['microsPerRequest']}" for k, v in list(p.items())[:4]) + "),"
      f" errors {r['errorsByCode']}, audit {'clean' if r['auditClean'] else 'FAILED'}")
PY
}

# empty_wallet TOKEN: creates an empty wallet on the platform at $port as TOKEN's principal and prints its id.
empty_wallet() {
  curl -s -X POST "localhost:$port/api/v1/wallets" -H "Authorization: Bearer $1" \
    -H 'content-type: application/json' -d '{}' | sed 's/.*"walletId":"\([^"]*\)".*/\1/'
}

# Sourced by the benchmark scripts. start_platform JAR LOG [NAME=VALUE...] starts the platform jar
# on the fresh data directory $data, port $port, development client secret $secret, per-principal
# limit raised (so that one principal's hot wallet runs unlimited), -Xmx512m and Shenandoah, with
# any extra settings given, and the JVM options in $BENCH_JAVA_OPTS (e.g. -XX:TieredStopAtLevel=1);
# waits for /health; stops it and removes $data when the script exits.
start_platform() {
  local jar=$1 log=$2
  shift 2
  env "$@" RATE_LIMIT_PER_PRINCIPAL_PER_S=10000000 AUTH_DEV_CLIENT_SECRET="$secret" PLATFORM_PORT="$port" \
    EMBEDDED_DATA_DIR="$data" java -Xmx512m -XX:+UseShenandoahGC ${BENCH_JAVA_OPTS:-} -jar "$jar" > "$log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
  for _ in $(seq 180); do curl -sf "localhost:$port/health" > /dev/null && break; sleep 1; done
}

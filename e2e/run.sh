#!/usr/bin/env bash
# Browser test of the web UI. Installs what it needs (Debian's chromium, playwright-core from
# npm), starts the platform jar on a free port with throw-away data, runs ui.test.mjs, stops it.
# Usage: e2e/run.sh PLATFORM_JAR [SCREENSHOT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$(realpath "${1:?usage: e2e/run.sh PLATFORM_JAR [SCREENSHOT_DIR]}")
out=$(realpath -m "${2:-$here/screenshots}")
mkdir -p "$out"

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium > /dev/null
fi
bash "$here/../scripts/setup/node.sh"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

# Below the ephemeral range: the platform binds ~20 s from now, after its embedded servers start.
port=$(node -e "
const net = require('net');
(function tryPort() {
  const port = 20000 + Math.floor(Math.random() * 12000);
  const s = net.createServer();
  s.once('error', tryPort);
  s.listen(port, '127.0.0.1', () => s.close(() => console.log(port)));
})();")
data=$(mktemp -d)
# A 5 s warm-up: the README's command runs its warm-up path here too, without its minute and a half.
# No shared secret: the identities register, as a person's would.
PLATFORM_PORT=$port EMBEDDED_DATA_DIR=$data EMBEDDED_PG_DURABLE=false HTTP_INSTANCES=2 \
  WARMUP_MAX_MS=5000 \
  java -Xmx768m -jar "$jar" > "$out/platform.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

node -e "
const deadline = Date.now() + 180000;
(async function wait() {
  try { const r = await fetch('http://127.0.0.1:$port/health'); if (r.ok) return; } catch (e) {}
  if (Date.now() > deadline) { console.error('platform did not become healthy'); process.exit(1); }
  setTimeout(wait, 500);
})();"
BASE_URL="http://127.0.0.1:$port" SCREENSHOT_DIR="$out" ADMIN_SECRET_FILE="$data/auth/admin-client-secret" \
  ADMIN_CLIENT_ID=00000000-0000-4000-8000-0000000000ad node "$here/ui.test.mjs"

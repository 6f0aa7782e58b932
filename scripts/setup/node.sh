#!/usr/bin/env bash
# Makes sure Node.js and npm are there (the TypeScript client's build and the browser test need them):
# on a machine with only a JDK, installs Debian's nodejs and npm. Idempotent; quiet when present.
set -euo pipefail
if command -v node > /dev/null && command -v npm > /dev/null; then
  exit 0
fi
echo "installing Debian's nodejs and npm"
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm > /dev/null

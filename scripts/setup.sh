#!/usr/bin/env bash
# Sets up a fresh Debian machine for Midjourney Studio: system packages (chromium for the e2e tests,
# libkrb5-dev and ripgrep for the VS Code server), the project's npm packages, and the VS Code server
# (code-server 4.100.3) in a cache folder outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "setup: npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: VS Code server"
bash test/harness/install.sh >/dev/null
echo "setup: done"

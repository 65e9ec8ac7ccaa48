#!/usr/bin/env bash
# Installs code-server (the real VS Code server) into a cache folder outside the clone, keyed by the
# harness package.json and the Node version, and prints that folder. Warm runs cost nothing.
# Needs: libkrb5-dev and ripgrep from apt (.ci/run installs them). See ../shared/HARNESS.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
key="$( (cat "$here/vscode-server/package.json"; node --version) | sha256sum | cut -c1-16)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/mj-studio-harness/$key"
if [ -f "$dir/.installed" ]; then echo "$dir"; exit 0; fi
mkdir -p "$dir"
cp "$here/vscode-server/package.json" "$dir/package.json"
# code-server's postinstall refuses to run as root without unsafe-perm, and runs npx (needs yes=true).
printf 'unsafe-perm=true\nyes=true\nfund=false\naudit=false\n' > "$dir/.npmrc"
# @vscode/ripgrep downloads rg from GitHub unless it finds this cached archive: give it Debian's rg.
rgcache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
tarball="$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$tarball" ]; then
  mkdir -p "$rgcache"; tmp="$(mktemp -d)"; cp "$(command -v rg)" "$tmp/rg"
  tar czf "$tarball" -C "$tmp" rg; rm -rf "$tmp"
fi
( cd "$dir" && npm install --no-package-lock --foreground-scripts >"$dir/install.log" 2>&1 ) || {
  echo "code-server install failed; last lines of $dir/install.log:" >&2; tail -30 "$dir/install.log" >&2; exit 1; }
test -f "$dir/node_modules/code-server/lib/vscode/out/server-main.js" || { echo "server-main.js missing after install" >&2; exit 1; }
touch "$dir/.installed"
echo "$dir"

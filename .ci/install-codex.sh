#!/usr/bin/env bash
# Installs the real Codex CLI for the end-to-end test, into .cache/codex-e2e (ignored). Its npm package
# ships the native binary as an optional dependency (@openai/codex-linux-x64 here), so it installs from
# the registry alone. About 20 s and 420 MB the first time; a no-op when it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/codex-e2e
version=0.171.0
if [ -x "$dir/node_modules/.bin/codex" ] && "$dir/node_modules/.bin/codex" --version 2>/dev/null | grep -q "$version"; then
  echo "codex e2e: already installed in $dir"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{ "name": "codex-e2e", "private": true }' > package.json
# Saved in this folder's own package.json: an unsaved package is pruned by the next install.
npm install --no-audit --no-fund "@openai/codex@$version"
echo "codex e2e: $(./node_modules/.bin/codex --version)"

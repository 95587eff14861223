#!/usr/bin/env bash
# Installs the real Claude Code CLI for tests/e2e/claude-code.test.ts into .cache/claude-code-e2e (ignored).
# The npm package brings its native binary as a platform package (about 400 MB); it needs no Node of its
# own (the wrapper's "node >=22" engines field only concerns its install script). A no-op when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/claude-code-e2e
version=2.1.332
bin="$dir/node_modules/.bin/claude"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$version "; then
  echo "claude-code e2e: already installed in $dir"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{ "name": "claude-code-e2e", "private": true }' > package.json
npm install --no-audit --no-fund "@anthropic-ai/claude-code@$version"
# The wrapper's postinstall puts the platform binary in place of bin/claude.exe; run it when npm did not.
if ! node_modules/.bin/claude --version >/dev/null 2>&1; then node node_modules/@anthropic-ai/claude-code/install.cjs; fi
echo "claude-code e2e: $(node_modules/.bin/claude --version)"

#!/usr/bin/env bash
# Installs one real client CLI from npm for the end-to-end tests, into .cache/<dir> (ignored):
#   bash .ci/install-npm-cli.sh <package> <version> <bin> <dir>
# e.g. `bash .ci/install-npm-cli.sh @openai/codex 0.171.0 codex codex-e2e` (package.json's setup:* scripts
# hold the pinned versions; .ci/run runs them). These packages ship their native binary as a platform
# package, so they install from the registry alone (about 20 s and 400 MB each the first time). A no-op
# when <bin> --version already names <version>. None needs a Node of its own (Claude Code's "node >=22"
# engines field only concerns its install script); OpenClaw does, and has its own script.
set -euo pipefail
if [ "$#" -ne 4 ]; then
  echo "usage: bash .ci/install-npm-cli.sh <package> <version> <bin> <dir>" >&2
  exit 2
fi
package=$1 version=$2 name=$3 dir=.cache/$4
cd "$(dirname "$0")/.."
bin="$dir/node_modules/.bin/$name"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qwF -- "$version"; then
  echo "$4: $package already installed in $dir"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo "{ \"name\": \"$4\", \"private\": true }" > package.json
# Saved in this folder's own package.json: an unsaved package is pruned by the next install.
npm install --no-audit --no-fund "$package@$version"
# Some wrappers put the platform binary in place in their postinstall (Claude Code's bin/claude.exe);
# run it by hand when npm did not (`npm run` runs a named script even where install scripts are off).
if ! "node_modules/.bin/$name" --version >/dev/null 2>&1; then npm --prefix "node_modules/$package" run --if-present postinstall; fi
echo "$4: $("node_modules/.bin/$name" --version)"

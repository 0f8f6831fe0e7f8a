#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3, the last line that runs on Node 20), the real VS Code the integration tests
# run in, into ${SHIPWRIGHT_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shipwright/code-server-4.100.3}.
# A test tool, not a dependency of the extension: it has a folder of its own, and that folder is outside the
# repository on purpose. The tests load the repository as the extension under development, and code-server then
# mistakes its own built-in extensions, when they sit inside that folder, for part of it: no built-in colour theme
# is found and every test runs in Light+ whatever theme it set (seen in CI, 2026-11-29).
# Keep in step with codeServerDir() in test/integration/codeServer.ts.
# Idempotent: does nothing when the pinned version is already installed.
# Source: ../shared/docs/testing-with-real-parts.md, section 2.
set -euo pipefail
VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${SHIPWRIGHT_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shipwright/code-server-$VERSION}"
case "$DIR/" in "$ROOT/"*) echo "install-code-server: $DIR is inside the repository; choose a folder outside it" >&2; exit 2;; esac
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
if [ -f "$ENTRY" ] && grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/code-server/package.json"; then
  echo "install-code-server: code-server $VERSION present in $DIR"
  exit 0
fi
bash "$ROOT/scripts/install-test-deps.sh"
# @vscode/ripgrep's postinstall downloads rg from GitHub; seed its cache with Debian's binary instead.
TMP="$(node -p 'require("os").tmpdir()')"
CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
TARBALL="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$TARBALL" ]; then
  mkdir -p "$CACHE"
  STAGE="$(mktemp -d)"
  cp "$(command -v rg)" "$STAGE/rg"
  tar -czf "$TARBALL" -C "$STAGE" rg
  rm -rf "$STAGE"
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{ "name": "shipwright-code-server", "private": true }' > "$DIR/package.json"
cd "$DIR"
# --unsafe-perm: required as root (npm 11 warns, but node-pty's build needs it); npm_config_yes lets node-pty's
# postinstall run `npx node-gyp` without a prompt.
npm_config_yes=true npm install --unsafe-perm --no-save --no-audit --no-fund "code-server@$VERSION"
test -f "$ENTRY"
echo "install-code-server: installed code-server $VERSION in $DIR"

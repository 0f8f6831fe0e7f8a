#!/usr/bin/env bash
# Debian packages the integration tests need: headers for code-server's native modules (node-pty, kerberos,
# native-keymap, @vscode/spdlog), ripgrep (seeded into @vscode/ripgrep's cache instead of a GitHub download) and
# Chromium (driven by playwright-core), bubblewrap (the sandbox the test and set-up commands run in; the security
# suite runs it for real and fails without it in CI), python3 (a unit test runs a real unittest repository,
# test/fixtures/pykv). Idempotent: installs only what is missing.
# Source: ../shared/docs/testing-with-real-parts.md, sections 2 and 5.
set -euo pipefail
pkgs=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium bubblewrap python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: all present (${pkgs[*]})"
  exit 0
fi
SUDO=''
[ "$(id -u)" -ne 0 ] && SUDO='sudo'
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"

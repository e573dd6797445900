#!/usr/bin/env bash
# Runs the viewer's browser tests: installs Debian's chromium if missing
# (as root, with apt-get) and playwright-core (npm), builds the CLI, then
# drives the viewer in headless Chromium. Usage: bash tests/browser/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
cd "$here"
npm install --no-audit --no-fund --silent
(cd "$root" && cargo build -q -p frontline-cli)
node viewer.test.mjs

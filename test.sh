#!/usr/bin/env bash
# The whole test suite: the Rust workspace, the Python package and the viewer
# in a headless browser. Each part installs what it needs (see the scripts).
set -euo pipefail
cd "$(dirname "$0")"
cargo test --workspace --all-targets
bash crates/frontline-py/test.sh
bash tests/browser/run.sh

#!/usr/bin/env bash
# Builds the `frontline` Python package into a virtual environment and runs
# its tests. Installs what it needs (maturin, pytest, pandas, pyarrow, ray, and
# matplotlib for the documents' examples, tests/test_docs.py) from PyPI into
# that environment only. Usage: bash crates/frontline-py/test.sh
#
# The crate is a workspace member: `cargo test --workspace` has already
# compiled and tested its glue (src/glue.rs) without Python; this script
# adds the PyO3 layer (feature `python`) and the pytest suite. It builds in
# the workspace's target/ (only the crates whose features differ rebuild).
# The byte-identity tests compare with $FRONTLINE_BIN, or with
# target/debug/frontline, brought up to date here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${FRONTLINE_PY_VENV:-$root/target/py-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# shellcheck disable=SC1091
. "$venv/bin/activate"
# Ray (pinned) for frontline.ray's tests, which start a local instance of 2 workers.
python -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "pytest>=7" "pandas>=1.5" "pyarrow>=14" "matplotlib>=3.7" "ray==2.60.0"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
if [ -z "${FRONTLINE_BIN:-}" ]; then
  (cd "$root" && cargo build -q -p frontline-cli)
fi
export FRONTLINE_BIN="${FRONTLINE_BIN:-$CARGO_TARGET_DIR/debug/frontline}"
(cd "$here" && maturin develop -q)
# The PyO3 layer's lints (the workspace's clippy sees the crate without it).
if cargo clippy --version >/dev/null 2>&1; then
  (cd "$root" && PYO3_PYTHON="$venv/bin/python" cargo clippy -q -p frontline-py --features python --no-deps --all-targets -- -D warnings)
fi
cd "$here" && python -m pytest -q tests

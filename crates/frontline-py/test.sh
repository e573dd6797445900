#!/usr/bin/env bash
# Builds the `frontline` Python package into a virtual environment and runs
# its tests. Installs what it needs (maturin, pytest, pandas) from PyPI into
# that environment only. Usage: bash crates/frontline-py/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${FRONTLINE_PY_VENV:-$root/target/py-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "pytest>=7" "pandas>=1.5"
export CARGO_TARGET_DIR="$root/target/py"
(cd "$here" && maturin develop -q)
cd "$here" && python -m pytest -q tests

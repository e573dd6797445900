# Sourced by parity.sh and speed.sh: creates the Python venv with the pinned
# Mesa (and scipy/numpy) if missing, and builds the release `frontline`.
# VENV (default: bench/civil_violence/.venv) and CARGO_TARGET_DIR are honoured.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$HERE/.venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import mesa, scipy, networkx" 2>/dev/null; then
  python3 -m venv "$VENV"
  # networkx: mesa.examples imports it at package import time.
  "$VENV/bin/pip" install -q "mesa==3.3.1" networkx scipy numpy
fi
(cd "$ROOT" && cargo build -q --release -p frontline-cli)
export FRONTLINE_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/frontline"
PY="$VENV/bin/python"

#!/usr/bin/env bash
# The CLI vs frontline.ray on a local Ray cluster, side by side, in one command:
# the same ensemble (default: 10,000 runs of the flagship) through
# `frontline ensemble` and through frontline.ray.ensemble on a cluster started
# here with `ray start --head --num-cpus 2`, with their wall times and a check
# that the two output folders hold the same tables, byte for byte.
#
#   bash bench/ray/ray_vs_cli.sh                     # 10,000 runs of scenarios/iraq/scenario.toml
#   bash bench/ray/ray_vs_cli.sh 1000 examples/vicious-circle.toml
#
# Builds the CLI and the Python package in release mode (into target/py-venv,
# as crates/frontline-py/test.sh does, with ray installed). Both sides use
# every core (2 here): the CLI its thread pool, Ray one single-threaded
# task per core. The cluster is stopped at the end if this script started it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-10000}"
scenario="${2:-scenarios/iraq/scenario.toml}"
cpus="${CPUS:-$(nproc)}"
venv="${FRONTLINE_PY_VENV:-$root/target/py-venv}"
cd "$root"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# shellcheck disable=SC1091
. "$venv/bin/activate"
python -m pip install -q --disable-pip-version-check "maturin>=1.5,<2" "pandas>=1.5" "ray==2.60.0"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build -q --release -p frontline-cli
(cd crates/frontline-py && maturin develop -q --release >/dev/null)
work="$(mktemp -d)"
started=""
cleanup() {
  if [ -n "$started" ]; then ray stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if ! ray status >/dev/null 2>&1; then
  ray start --head --num-cpus "$cpus" --include-dashboard=false >/dev/null 2>&1
  started=1
fi

echo "$runs runs of $scenario on $cpus cores (CLI first, then Ray)"
python - "$CARGO_TARGET_DIR/release/frontline" "$scenario" "$runs" "$work" <<'PY'
import filecmp, os, subprocess, sys, time
binary, scenario, runs, work = sys.argv[1:]
cli_out, ray_out = os.path.join(work, "cli"), os.path.join(work, "ray")
t0 = time.time()
subprocess.run([binary, "ensemble", scenario, "--runs", runs, "--out", cli_out, "-q"], check=True)
cli = time.time() - t0
t0 = time.time()
import frontline.ray as fray
fray.connect("auto")
t1 = time.time()
fray.ensemble(scenario, runs=int(runs), out=ray_out)
job = time.time() - t1
print(f"CLI  frontline ensemble --runs {runs}:      {cli:8.1f} s")
print(f"Ray  frontline.ray.ensemble(runs={runs}):   {job:8.1f} s  (and {t1 - t0:.1f} s to import and connect)")
print(f"Ray / CLI: {job / cli:.2f} ({100 * (job / cli - 1):+.0f} %)")
names = sorted(f for f in os.listdir(cli_out) if f.endswith(".parquet")) + ["manifest.json"]
_, diff, err = filecmp.cmpfiles(cli_out, ray_out, names, shallow=False)
print("tables and manifest.json byte-identical" if not diff and not err else f"DIFFERENT: {diff} {err}")
sys.exit(1 if diff or err else 0)
PY

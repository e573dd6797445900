"""Shared helpers: run Mesa's Epstein civil violence model and Frontline's
`civil-violence` model on the same parameters and return per-step counts.

Counts per step (step 0 = initial state): active, quiet, jailed, arrests.
"""

import csv
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "civil-violence.toml"
MESA_VERSION = "3.3.1"

# Mesa constructor argument names == Frontline [parameters] keys.
MESA_KEYS = [
    "width", "height", "citizen_density", "cop_density", "citizen_vision",
    "cop_vision", "legitimacy", "max_jail_term", "active_threshold",
    "arrest_prob_constant", "movement",
]


def frontline_binary():
    b = os.environ.get("FRONTLINE_BIN")
    if b:
        return b
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(Path(target) / "release" / "frontline")


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def run_frontline(params, seed, steps, binary=None):
    """Runs the release binary; returns (citizens, rows of (active, quiet, jailed, arrests))."""
    binary = binary or frontline_binary()
    with tempfile.TemporaryDirectory() as out:
        cmd = [binary, "run", str(EXAMPLE), "--seed", str(seed), "--out", out, "--format", "csv", "-q",
               "--set", f"steps={steps}"]
        for k, v in params.items():
            cmd += ["--set", f"parameters.{k}={toml_value(v)}"]
        subprocess.run(cmd, check=True)
        with open(Path(out) / "counts.csv") as f:
            rows = [(int(r["active"]), int(r["quiet"]), int(r["jailed"]), int(r["arrests"])) for r in csv.DictReader(f)]
    citizens = rows[0][0] + rows[0][1] + rows[0][2]
    return citizens, rows


def run_mesa(params, seed, steps):
    """Runs Mesa's model unchanged; arrests are counted by wrapping the
    model's `random.randint`, which Mesa calls exactly once per arrest (the
    jail-term draw) and nowhere else in a step."""
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    kwargs = {k: params[k] for k in MESA_KEYS if k in params}
    m = EpsteinCivilViolence(seed=seed, **kwargs)
    calls = [0]
    orig = m.random.randint

    def counted(a, b):
        calls[0] += 1
        return orig(a, b)

    m.random.randint = counted
    rows = [(m.ACTIVE, m.QUIET, m.ARRESTED, 0)]
    for _ in range(steps):
        before = calls[0]
        m.step()
        rows.append((m.ACTIVE, m.QUIET, m.ARRESTED, calls[0] - before))
    citizens = rows[0][0] + rows[0][1] + rows[0][2]
    return citizens, rows, len(m.agents)

"""Frontline from Python: run scenarios, ensembles and comparisons and get
pandas DataFrames back.

    import frontline
    run = frontline.run("scenarios/iraq/scenario.toml", seed=7)
    run.control            # tick, date, region, region_name, controller, contested
    ens = frontline.ensemble("examples/vicious-circle.toml", runs=1000)
    ens.control_probability.query("region == 'city'")
    cmp = frontline.compare("examples/vicious-circle.toml",
                            arms=["examples/variants/arm-tribes.toml"],
                            outcomes=["controls(isis, city) by 2015-05-31"], runs=500)

Every function takes the scenario path, ``variants`` (overlay files, applied
in order) and ``sets`` (a dict or list of ``"path=value"`` overrides), exactly
like the CLI's ``--variant`` and ``--set``. Results are identical to the
CLI's for the same inputs and seed. The engine runs with the GIL released
and uses all cores (``threads`` limits them).

Ensembles too large for one machine: split the run indices among workers
with :func:`evaluate`, which returns the outcome values of the runs it is
given (run *i* always uses seed splitmix64(seed, *i*), wherever it runs), and
gather the results. For example with Ray::

    @ray.remote
    def chunk(indices):
        return frontline.evaluate(path, outcomes, indices)
    values = sum(ray.get([chunk.remote(range(i, i + 1000)) for i in range(0, 100_000, 1000)]), [])
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _frontline
from ._frontline import ScenarioError

__all__ = [
    "ScenarioError",
    "Run",
    "Ensemble",
    "validate",
    "run",
    "ensemble",
    "compare",
    "evaluate",
    "__version__",
]

__version__ = _frontline.__version__

Sets = Union[Mapping[str, object], Sequence[str], None]


def _sets(sets: Sets) -> List[str]:
    """``{"a.b": 1}`` or ``["a.b=1"]`` to the CLI's ``path=value`` strings."""
    if sets is None:
        return []
    if isinstance(sets, Mapping):
        out = []
        for k, v in sets.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            out.append(f"{k}={v}")
        return out
    return [str(s) for s in sets]


def _paths(paths: Optional[Iterable[Union[str, os.PathLike]]]) -> List[str]:
    return [os.fspath(p) for p in (paths or [])]


def _frames(tables: Dict[str, Dict[str, list]], dates: Dict[str, List[str]]) -> Dict[str, pd.DataFrame]:
    """Column dicts to DataFrames; date columns (days since 1970-01-01) to datetime64."""
    out = {}
    for name, cols in tables.items():
        df = pd.DataFrame(cols)
        for c in dates.get(name, []):
            df[c] = pd.to_datetime(df[c], unit="D")
        out[name] = df
    return out


@dataclass
class Run:
    """One trajectory: its seed and its tables (as the CLI writes them)."""

    seed: int
    tables: Dict[str, pd.DataFrame] = field(repr=False)

    @property
    def control(self) -> pd.DataFrame:
        """Controller of every region at every tick."""
        return self.tables["control"]

    @property
    def forces(self) -> pd.DataFrame:
        """Personnel of every force group in every region at every tick."""
        return self.tables["forces"]

    @property
    def attitudes(self) -> pd.DataFrame:
        """Population, grievance and support per region, identity and tick."""
        return self.tables["attitudes"]

    @property
    def actors(self) -> pd.DataFrame:
        """Money, weapons and threat per actor and tick."""
        return self.tables["actors"]

    @property
    def events(self) -> pd.DataFrame:
        """Control changes, routs, captures, scheduled events, watched conditions."""
        return self.tables["events"]


@dataclass
class Ensemble:
    """An ensemble's tables (as the CLI writes them)."""

    runs: int
    tables: Dict[str, pd.DataFrame] = field(repr=False)

    @property
    def control_probability(self) -> pd.DataFrame:
        """P(controller holds region) per date."""
        return self.tables["control_probability"]

    @property
    def metrics(self) -> pd.DataFrame:
        """Mean and 5/50/95 % quantiles of each metric per date."""
        return self.tables["metrics"]

    @property
    def event_first_dates(self) -> pd.DataFrame:
        """Distribution of the first date of each watched condition."""
        return self.tables["event_first_dates"]

    @property
    def per_run(self) -> pd.DataFrame:
        """One row per run: its seed and the first date of each watched condition."""
        return self.tables["runs"]


def validate(path, variants=None, sets: Sets = None) -> str:
    """Checks a scenario; returns a one-line description or raises
    :class:`ScenarioError` listing every problem with file, line and column."""
    return _frontline.validate(os.fspath(path), _paths(variants), _sets(sets))


def run(path, seed: Optional[int] = None, variants=None, sets: Sets = None) -> Run:
    """One run (seed default: the scenario's)."""
    used, tables, dates = _frontline.run(os.fspath(path), _paths(variants), _sets(sets), seed)
    return Run(seed=used, tables=_frames(tables, dates))


def ensemble(
    path,
    runs: int = 1000,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    threads: Optional[int] = None,
    workdir: Union[str, os.PathLike, None] = None,
    resume: bool = False,
) -> Ensemble:
    """``runs`` runs in parallel. Per-run batches go to ``workdir`` (a
    temporary directory by default); give one and ``resume=True`` to finish
    an interrupted ensemble."""
    def go(d: str):
        tables, dates = _frontline.ensemble_tables(
            os.fspath(path), d, runs, _paths(variants), _sets(sets), seed, threads, resume
        )
        return Ensemble(runs=runs, tables=_frames(tables, dates))

    if workdir is not None:
        return go(os.fspath(workdir))
    with tempfile.TemporaryDirectory(prefix="frontline-") as d:
        return go(d)


def compare(
    path,
    arms: Sequence[Union[str, os.PathLike]],
    outcomes: Sequence[str] = (),
    runs: int = 500,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """The baseline and each arm (a variant file) on the same seeds: each
    outcome per arm with its 95 % interval and the paired difference from the
    baseline with its interval. Outcomes: ``"EXPR on DATE"``, ``"EXPR by
    DATE"``, ``"EXPR at end"`` (default: the scenario's watched conditions)."""
    tables, dates = _frontline.compare_tables(
        os.fspath(path), _paths(arms), list(outcomes), runs, _paths(variants), _sets(sets), seed, threads
    )
    return _frames(tables, dates)["compare"]


def evaluate(
    path,
    outcomes: Sequence[str],
    indices: Iterable[int],
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
) -> List[List[float]]:
    """Outcome values of the runs ``indices`` (one list per run, in order):
    run *i* uses seed splitmix64(seed, *i*), as in ensembles, so chunks
    computed anywhere combine into the same result."""
    return _frontline.evaluate(os.fspath(path), list(outcomes), list(indices), _paths(variants), _sets(sets), seed)

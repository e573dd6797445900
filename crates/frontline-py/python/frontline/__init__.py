"""Frontline from Python: every analysis of every model, with pandas
DataFrames back.

    import frontline
    r = frontline.run("examples/vicious-circle.toml", seed=7)
    r.control                      # a table, as a DataFrame
    ens = frontline.ensemble("examples/civil-violence.toml", runs=100, sets=["steps=200"])
    ens.tables["runs"]             # one row per run
    cmp = frontline.compare("examples/vicious-circle.toml",
                            arms=["examples/variants/arm-tribes.toml"],
                            outcomes=["controls(isis, city) by 2015-05-31"], runs=500)
    cmp.table                      # the `compare` table; cmp.rows: the typed rows

Every analysis function — :func:`run`, :func:`ensemble`, :func:`compare`,
:func:`sweep`, :func:`sensitivity`, :func:`backtest`, :func:`calibrate` —
takes a scenario (a path, with ``variants`` and ``sets`` as the CLI's
``--variant`` and ``--set``, or a :class:`Scenario` from :func:`load`) and
the CLI command's options as keyword arguments with the same names and
defaults (``runs``, ``seed``, ``arms``, ``outcomes``, ``samples``,
``method``, ``runs_per_point``, ``ranges``, ``history``, ``actors``,
``until``, ``threads``, ``format``, ``out``, ``resume``, …). It calls the
same request functions as the CLI (crate frontline-analysis) with the GIL
released, and returns a :class:`Result`: the tables as DataFrames and the
typed result's fields as attributes.

With ``out=DIR`` the output folder is written exactly as the CLI writes it
for the same options (tables, maps, report, manifest.json; resumable with
``resume=True``); without, the job runs in a temporary folder that is
removed afterwards, and no maps or report are drawn.

The theatre model offers all seven analyses; the civil-violence model all
but backtest and calibrate (which need regions whose control is
forecast). Its sweeps and sensitivity analyses vary the parameters
``ranges`` names (``["legitimacy=0.6:0.9"]``); its outcomes are the
statistics ``mean_active_after_50``, ``mean_jailed_after_50``,
``peak_active`` and ``arrests_per_citizen``.

Ensembles too large for one machine: :mod:`frontline.ray` runs every
multi-run analysis with its batches as tasks on a Ray cluster, with the same
tables. Or split the run indices among workers yourself with
:func:`evaluate`, which returns the per-run statistics of the runs it is
given (run *i* always uses seed splitmix64(seed, *i*), wherever it runs).
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _frontline
from ._frontline import JobError, Scenario, ScenarioError

__all__ = [
    "ScenarioError",
    "JobError",
    "Scenario",
    "Result",
    "load",
    "validate",
    "run",
    "ensemble",
    "compare",
    "sweep",
    "sensitivity",
    "backtest",
    "calibrate",
    "evaluate",
    "ANALYSES",
    "__version__",
]

__version__ = _frontline.__version__
#: The analyses, by the names of the CLI's commands.
ANALYSES = tuple(_frontline.ANALYSES)

PathLike = Union[str, "os.PathLike[str]"]
Sets = Union[Mapping[str, object], Sequence[str], None]
ScenarioLike = Union[PathLike, Scenario]


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
    if isinstance(sets, str):
        return [sets]
    return [str(s) for s in sets]


def _paths(paths: Optional[Iterable[PathLike]]) -> List[str]:
    if paths is None:
        return []
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _option(value: Any) -> Any:
    """An option for the compiled module: paths to str, sequences to lists of str."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (list, tuple, range)):
        return [os.fspath(v) if isinstance(v, os.PathLike) else v for v in value]
    return value


def _frames(tables: Dict[str, Dict[str, list]], dates: Dict[str, List[str]]) -> Dict[str, pd.DataFrame]:
    """Column lists to DataFrames; date columns (days since 1970-01-01) to datetime64."""
    out = {}
    for name, cols in tables.items():
        df = pd.DataFrame(cols)
        for c in dates.get(name, []):
            df[c] = pd.to_datetime(df[c], unit="D")
        out[name] = df
    return out


def load(path: PathLike, variants: Optional[Iterable[PathLike]] = None, sets: Sets = None) -> Scenario:
    """Loads a scenario with the model its ``model`` key selects, the
    ``variants`` overlays applied in order, then the ``sets`` overrides (a
    dict or a list of ``"path=value"``). Raises :class:`ScenarioError`
    listing every problem with file, line and column.

    The :class:`Scenario` has ``.model`` (``"theatre"``,
    ``"civil-violence"``), ``.name``, ``.path``, ``.seed``, ``.describe()``
    and ``.parameters(ranges=[])`` (the uncertain parameters a sweep would
    vary), and can be passed to every analysis to load it once."""
    return _frontline.load(os.fspath(path), _paths(variants), _sets(sets))


def _scenario(scenario: ScenarioLike, variants, sets) -> Scenario:
    if isinstance(scenario, Scenario):
        if variants or sets:
            raise ValueError(
                "variants and sets apply when a scenario is loaded: pass them to frontline.load(), "
                "or pass the scenario's path here"
            )
        return scenario
    return load(scenario, variants, sets)


class Result:
    """What an analysis returns.

    - ``tables``: its tables as DataFrames (name → DataFrame), in the order
      the CLI writes them; ``table``: the only one, for the analyses that
      write one (compare, sweep, sensitivity, backtest, calibrate);
    - ``fields``: the typed result's fields (a dict); each is also an
      attribute (``r.seed``, ``r.rows``, ``r.indices``, …), as is each
      table not shadowed by a field (``r.control``);
    - ``out`` and ``written``: the output folder and the files written in
      it (``None`` and ``[]`` without ``out``).
    """

    def __init__(self, analysis, scenario, fields, tables, out, written):
        self.analysis: str = analysis
        self.scenario: Scenario = scenario
        self.fields: Dict[str, Any] = fields
        self.tables: Dict[str, pd.DataFrame] = tables
        self.out: Optional[str] = out
        self.written: List[str] = list(written)

    @property
    def table(self) -> pd.DataFrame:
        """The analysis's only table (an error for run and ensemble, which write several)."""
        if len(self.tables) != 1:
            raise AttributeError(f"{self.analysis} writes {len(self.tables)} tables: {', '.join(self.tables)}")
        return next(iter(self.tables.values()))

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "fields" in d and name in d["fields"]:
            return d["fields"][name]
        if "tables" in d and name in d["tables"]:
            return d["tables"][name]
        raise AttributeError(f"a {d.get('analysis', '')} result has no field or table `{name}`")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.fields) | set(self.tables))

    def __repr__(self) -> str:
        return (
            f"<frontline.Result {self.analysis} of {self.scenario.name!r}: "
            f"tables {list(self.tables)}, fields {list(self.fields)}>"
        )


def _analyse(analysis: str, scenario: ScenarioLike, variants, sets, options: Dict[str, Any]) -> Result:
    scn = _scenario(scenario, variants, sets)
    opts = {k: _option(v) for k, v in options.items() if v is not None}
    fields, tables, dates, written = _frontline.analyse(scn, analysis, opts)
    out = options.get("out")
    return Result(analysis, scn, fields, _frames(tables, dates), None if out is None else os.fspath(out), written)


def validate(scenario: PathLike, variants=None, sets: Sets = None) -> str:
    """Checks a scenario; returns ``"NAME: DESCRIPTION"`` (the description
    ``frontline validate`` prints) or raises :class:`ScenarioError` listing
    every problem with file, line and column."""
    scn = load(scenario, variants, sets)
    return f"{scn.name}: {scn.describe()}"


def run(
    scenario: ScenarioLike,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    out: Optional[PathLike] = None,
    format: Optional[str] = None,
    map_dates: Optional[Sequence[str]] = None,
    no_maps: bool = False,
    no_report: bool = False,
) -> Result:
    """One run from ``seed`` (default: the scenario's). Fields: ``seed``,
    ``summary``. Tables: the theatre's control, forces, attitudes, actors,
    events; civil violence's counts (and snapshots). ``format``:
    ``"parquet"`` (default) or ``"csv"`` for the files in ``out``."""
    return _analyse("run", scenario, variants, sets, dict(
        seed=seed, out=out, format=format, map_dates=map_dates, no_maps=no_maps, no_report=no_report))


def ensemble(
    scenario: ScenarioLike,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
    map_dates: Optional[Sequence[str]] = None,
    no_maps: bool = False,
    no_report: bool = False,
) -> Result:
    """``runs`` runs (default 1000; run i from splitmix64(seed, i)), in
    parallel on ``threads`` cores (default: all; the tables do not depend on
    it). Fields: ``runs``, ``base_seed``, ``summary``. Tables (theatre):
    control_probability, metrics, event_first_dates, runs; (civil) the
    counts' quantiles and runs. With ``out``, the batches stay in
    ``out/.runs/``: ``resume=True`` finishes an interrupted ensemble."""
    return _analyse("ensemble", scenario, variants, sets, dict(
        runs=runs, seed=seed, threads=threads, out=out, resume=resume, format=format,
        map_dates=map_dates, no_maps=no_maps, no_report=no_report))


def compare(
    scenario: ScenarioLike,
    arms: Sequence[PathLike],
    outcomes: Sequence[str] = (),
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
) -> Result:
    """The baseline and each arm (the scenario plus one variant file) on the
    same seeds, ``runs`` per arm (default 500): each outcome per arm with its
    95 % interval and the paired difference from the baseline. Outcomes
    (default: the model's): theatre ``"EXPR on DATE"``, ``"EXPR by DATE"``,
    ``"EXPR at end"``; civil violence a statistic's name. Fields: ``rows``
    (outcome, arm, estimate, interval, difference, difference_interval),
    ``arms``, ``runs``, ``base_seed``; table: ``compare``. With ``out`` the
    folder is what ``frontline compare --no-report`` writes."""
    return _analyse("compare", scenario, variants, sets, dict(
        arms=_paths(arms), outcomes=list(outcomes), runs=runs, seed=seed, threads=threads, out=out,
        resume=resume, format=format))


def sweep(
    scenario: ScenarioLike,
    samples: Optional[int] = None,
    method: Optional[str] = None,
    outcomes: Sequence[str] = (),
    runs_per_point: Optional[int] = None,
    ranges: Sequence[str] = (),
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
) -> Result:
    """The uncertain parameters over ``samples`` points (default 64) of a
    ``method`` design (``"lhs"``, default, or ``"grid"``), ``runs_per_point``
    runs at each (default 10, the same seeds everywhere). ``ranges``:
    ``"NAME=LOW:HIGH"`` for models that take them (civil violence; theatre
    scenarios declare theirs). Fields: ``parameters``, ``values``
    (``[point][parameter]``), ``outcomes``, ``means`` (``[point][outcome]``),
    ``runs_per_point``; table: ``sweep``."""
    return _analyse("sweep", scenario, variants, sets, dict(
        samples=samples, method=method, outcomes=list(outcomes), runs_per_point=runs_per_point,
        ranges=list(ranges), seed=seed, threads=threads, out=out, resume=resume, format=format))


def sensitivity(
    scenario: ScenarioLike,
    method: Optional[str] = None,
    samples: Optional[int] = None,
    outcome: Optional[str] = None,
    runs_per_point: Optional[int] = None,
    ranges: Sequence[str] = (),
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
) -> Result:
    """Which uncertain parameters drive ``outcome`` (default: the model's
    first): ``method`` ``"morris"`` (default; ``samples`` trajectories,
    default 20) or ``"sobol"`` (``samples`` base points), ``runs_per_point``
    runs per point (default 10). Fields: ``outcome``, ``method``,
    ``indices`` (most influential first: parameter, main and its interval —
    μ* or S1 —, second and its interval — σ or ST), ``points``,
    ``runs_per_point``; table: ``sensitivity``."""
    return _analyse("sensitivity", scenario, variants, sets, dict(
        method=method, samples=samples, outcome=outcome, runs_per_point=runs_per_point, ranges=list(ranges),
        seed=seed, threads=threads, out=out, resume=resume, format=format))


def backtest(
    scenario: ScenarioLike,
    history: PathLike,
    actors: Sequence[str] = (),
    until: Optional[str] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
) -> Result:
    """An ensemble of ``runs`` (default 500) scored against ``history`` (a
    CSV file with date,region,controller): the monthly Brier score of
    P(actor holds region) for each of ``actors`` (default: every actor the
    history names) up to ``until`` (``YYYY-MM-DD``), and its skill against
    "nothing changes". Fields: ``tests`` (per actor: brier, brier_naive,
    skill, skill_interval, per_region), ``runs``; table: ``backtest``.
    Theatre model only."""
    return _analyse("backtest", scenario, variants, sets, dict(
        history=history, actors=list(actors), until=until, runs=runs, seed=seed, threads=threads, out=out,
        resume=resume, format=format))


def calibrate(
    scenario: ScenarioLike,
    history: PathLike,
    actors: Sequence[str] = (),
    until: Optional[str] = None,
    samples: Optional[int] = None,
    method: Optional[str] = None,
    runs_per_point: Optional[int] = None,
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    format: Optional[str] = None,
) -> Result:
    """Backtests over ``samples`` points (default 32) of a ``method`` design
    (``"lhs"`` or ``"grid"``) of the uncertain parameters, ``runs_per_point``
    runs each (default 20). Fields: ``parameters``, ``values``, ``actors``,
    ``scores`` (``[point][2·actor + {0: brier, 1: skill}]``), ``mean_brier``,
    ``ranking`` (best point first), ``scenario_mean_brier``,
    ``associations`` (Spearman ρ of each parameter with the fit),
    ``runs_per_point``; table: ``calibration``. Theatre model only."""
    return _analyse("calibrate", scenario, variants, sets, dict(
        history=history, actors=list(actors), until=until, samples=samples, method=method,
        runs_per_point=runs_per_point, seed=seed, threads=threads, out=out, resume=resume, format=format))


def evaluate(
    scenario: ScenarioLike,
    outcomes: Sequence[str],
    indices: Iterable[int],
    seed: Optional[int] = None,
    variants=None,
    sets: Sets = None,
    *,
    threads: Optional[int] = None,
) -> List[List[float]]:
    """The per-run statistics ``outcomes`` (as :func:`compare` reads them;
    empty: the model's defaults) of the runs ``indices``, one list per run
    in order: run *i* uses seed splitmix64(seed, *i*), as in every analysis,
    so chunks computed anywhere combine into the same runs."""
    scn = _scenario(scenario, variants, sets)
    _, values = _frontline.evaluate(scn, list(outcomes), [int(i) for i in indices], seed, threads)
    return values

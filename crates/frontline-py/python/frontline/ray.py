"""Frontline's multi-run analyses fanned out over a Ray cluster.

    import frontline.ray as fray
    fray.connect("auto")                       # `ray start --head` ran here; None: a local instance
    ens = fray.ensemble("scenarios/iraq/scenario.toml", runs=100_000, out="out/iraq")
    ens.tables["control_probability"]

:func:`ensemble`, :func:`compare`, :func:`sweep`, :func:`sensitivity`,
:func:`backtest` and :func:`calibrate` take what the functions of the same
name in :mod:`frontline` take (the CLI's options, passed through unchanged,
so an option that a later Frontline adds, such as a posterior, needs
nothing here), plus how to use the cluster. The job is the same job: its
batches of runs (the fixed-size batches the CLI writes to ``.runs/``) are
Ray tasks, each computed by a worker process running the same job on only
those batches; the driver checks each batch's seal, writes it to the job's
folder as it arrives, and once all are there aggregates them with the same
code as the CLI. So:

- the tables and files are the CLI's, byte for byte, for the same options
  and seed;
- a task whose worker dies is retried (``max_retries``); a batch already
  written survives anything, and a job run again with ``out=`` and
  ``resume=True`` computes only the batches missing there;
- progress is reported as batches complete (``progress``: a callable
  ``f(done, total)``, counting batches, or ``True`` for a tqdm bar).

The scenario is put in Ray's object store once, as where it was loaded
from (path, variants, sets, the working directory) and its hash: each
worker process loads it once and refuses to work if its hash differs. Every
node must see the files at the same paths (one machine, a shared folder or
the same checkout); a batch from a worker that ran anything else fails its
seal and is refused.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

try:
    import ray
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("frontline.ray needs Ray: pip install 'ray>=2.9'") from e

from . import JobError, Result, Scenario, ScenarioError, _frames, _frontline, _option, _scenario

__all__ = [
    "connect",
    "ensemble",
    "compare",
    "sweep",
    "sensitivity",
    "backtest",
    "calibrate",
]

Progress = Union[None, bool, Callable[[int, int], Any]]

#: Options the driver keeps to itself: where the job's folder is and how
#: the driver writes it. Workers get every other option unchanged.
_DRIVER_ONLY = ("out", "resume", "format", "threads")


def connect(address: Optional[str] = None, **init: Any) -> Dict[str, Any]:
    """Connects to the Ray cluster at ``address`` (``"auto"``: the one
    ``ray start --head`` started on this machine; ``"HOST:PORT"``; a
    ``ray://`` client address), or starts a local instance when ``address``
    is None (``num_cpus=`` and other ``ray.init`` arguments in ``init``).
    If Ray is already initialised, uses that connection (an ``address``
    naming another cluster is refused). Returns the cluster's resources.
    Raises ``ConnectionError`` saying how to start a cluster when there is
    none at ``address``."""
    if ray.is_initialized():
        current = ray.get_runtime_context().gcs_address
        if address not in (None, "auto", current):
            raise ValueError(
                f"Ray is already connected to the cluster at {current!r}, not {address!r}: "
                "call ray.shutdown() first, or leave address out"
            )
    else:
        if address and not address.startswith("ray://") and address != "auto":
            _probe(address)
        init.setdefault("log_to_driver", False)
        try:
            ray.init(address=address, **init)
        except ConnectionError as e:
            raise ConnectionError(_no_cluster(address, e)) from e
        except (RuntimeError, ValueError) as e:
            raise ConnectionError(_no_cluster(address, e)) from e
    return ray.cluster_resources()


def _no_cluster(address: Optional[str], why: Any) -> str:
    return (
        f"no Ray cluster at address {address!r} ({why}); start one with `ray start --head --num-cpus 2` "
        "and connect with address='auto' (or its HOST:PORT), or pass address=None for a local instance"
    )


def _probe(address: str) -> None:
    """Fails fast, with the fix, when nothing listens at ``HOST:PORT``
    (Ray itself would retry for a minute before giving up)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ConnectionError(_no_cluster(address, "an address is 'auto', HOST:PORT or ray://HOST:PORT"))
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except OSError as e:
        raise ConnectionError(_no_cluster(address, e)) from None


# --- workers ----------------------------------------------------------------

#: The scenarios this worker process loaded, by their source.
_LOADED: Dict[Tuple, Scenario] = {}


def _spec(scn: Scenario) -> Dict[str, Any]:
    """What a worker needs to load the driver's scenario again, and check it."""
    src = scn.source
    return {
        "path": src["path"],
        "variants": [list(v) for v in src["variants"]],
        "sets": list(src["sets"]),
        "scenario_hash": src["scenario_hash"],
        "cwd": os.getcwd(),
    }


def _worker_scenario(spec: Dict[str, Any]) -> Scenario:
    # Paths are as the driver gave them (they are part of the job's
    # identity): relative ones resolve against the driver's working
    # directory where this node has it, else against this worker's (Ray's
    # `working_dir`).
    if os.path.isdir(spec["cwd"]):
        os.chdir(spec["cwd"])
    key = (spec["path"], tuple(v[0] for v in spec["variants"]), tuple(spec["sets"]), spec["scenario_hash"])
    scn = _LOADED.get(key)
    if scn is None:
        scn = _frontline.load(spec["path"], [v[0] for v in spec["variants"]], list(spec["sets"]))
        src = scn.source
        theirs = (src["scenario_hash"], [list(v) for v in src["variants"]])
        if theirs != (spec["scenario_hash"], spec["variants"]):
            raise ScenarioError(
                f"the worker on {socket.gethostname()} loaded {spec['path']} with hash {src['scenario_hash']} "
                f"(variants {src['variants']}), but the driver's is {spec['scenario_hash']} "
                f"(variants {spec['variants']}): every node must see the same scenario files at the same paths"
            )
        _LOADED[key] = scn
    return scn


def _share(spec, analysis: str, options: Dict[str, Any], prefix: str, batches: List[int], threads: int):
    """A Ray task: the files of ``batches`` of the job."""
    scn = _worker_scenario(spec)
    opts = dict(options, threads=threads)
    return batches, _frontline.compute_batches(scn, analysis, opts, prefix, batches)


_remote_share = None


def _task():
    global _remote_share
    if _remote_share is None:
        _remote_share = ray.remote(_share)
    return _remote_share


# --- the driver ---------------------------------------------------------------


def _reporter(progress: Progress) -> Tuple[Callable[[int, int], Any], Callable[[], None]]:
    if progress is None or progress is False:
        return (lambda done, total: None), (lambda: None)
    if progress is True or progress == "tqdm":
        try:
            from tqdm.auto import tqdm
        except ImportError as e:
            raise ImportError("progress=True draws a tqdm bar: pip install tqdm (or pass a callable)") from e
        bar = tqdm(unit="batch")

        def report(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        return report, bar.close
    if callable(progress):
        return progress, (lambda: None)
    raise TypeError("progress must be None, True (a tqdm bar) or a callable f(done, total)")


def _distributed(
    analysis: str,
    scenario,
    variants,
    sets,
    options: Dict[str, Any],
    *,
    address: Optional[str],
    batches_per_task: int,
    threads_per_task: int,
    max_retries: int,
    progress: Progress,
) -> Result:
    if batches_per_task < 1 or threads_per_task < 1:
        raise ValueError("batches_per_task and threads_per_task must be at least 1")
    if max_retries < 0:
        raise ValueError("max_retries must be at least 0")
    scn = _scenario(scenario, variants, sets)
    opts = {k: _option(v) for k, v in options.items() if v is not None}
    connect(address)
    spec_ref = ray.put(_spec(scn))
    worker_opts = {k: v for k, v in opts.items() if k not in _DRIVER_ONLY}
    task = _task().options(
        num_cpus=threads_per_task, max_retries=max_retries, retry_exceptions=[JobError, OSError]
    )
    cpus = int(ray.cluster_resources().get("CPU", 1))
    in_flight = max(2, 2 * cpus // threads_per_task)
    report, close = _reporter(progress)
    interrupted = threading.Event()

    def compute(prefix: str, missing: List[int], count: int) -> Iterator[Tuple[int, bytes]]:
        shares = [missing[i : i + batches_per_task] for i in range(0, len(missing), batches_per_task)]
        shares.reverse()  # pop() from the end: the first batches first
        done = count - len(missing)
        report(done, count)
        pending: List[Any] = []
        try:
            while shares or pending:
                while shares and len(pending) < in_flight:
                    pending.append(task.remote(spec_ref, analysis, worker_opts, prefix, shares.pop(), threads_per_task))
                ready, pending = ray.wait(pending, num_returns=1, timeout=0.5)
                if interrupted.is_set():
                    raise KeyboardInterrupt(
                        "interrupted: the batches written so far are kept in the job's .runs/; "
                        "run it again with the same out and resume=True to finish it"
                    )
                for ref in ready:
                    batches, files = ray.get(ref)
                    for b, f in zip(batches, files):
                        yield b, f
                    done += len(batches)
                    report(done, count)
        finally:
            for ref in pending:
                ray.cancel(ref)

    # The job runs in a thread of its own, so that Ctrl-C here stops it
    # between two batches (the main thread alone receives signals).
    outcome: Dict[str, Any] = {}

    def job() -> None:
        try:
            outcome["done"] = _frontline.analyse_distributed(scn, analysis, opts, compute)
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=job, name=f"frontline.ray {analysis}", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        interrupted.set()
        worker.join()
        raise
    finally:
        close()
    if "error" in outcome:
        raise outcome["error"]
    fields, tables, dates, written = outcome["done"]
    out = opts.get("out")
    return Result(analysis, scn, fields, _frames(tables, dates), out, written)


def _doc(analysis: str) -> str:
    return (
        f"Like :func:`frontline.{analysis}` (the same options, passed through), its batches of runs "
        "computed on the Ray cluster at ``address`` (None: the one Ray is initialised with, else a local "
        "instance; see :func:`connect`), ``batches_per_task`` batches per Ray task on ``threads_per_task`` "
        "cores each, a task retried ``max_retries`` times if its worker dies; ``progress``: None, True (a "
        "tqdm bar) or ``f(done, total)`` in batches. The same tables and files as the CLI's, byte for byte; "
        "with ``out`` and ``resume=True`` a job run again computes only the batches missing there."
    )


def _make(analysis: str):
    def fn(
        scenario,
        variants=None,
        sets=None,
        *,
        address: Optional[str] = None,
        batches_per_task: int = 1,
        threads_per_task: int = 1,
        max_retries: int = 3,
        progress: Progress = None,
        **options: Any,
    ) -> Result:
        return _distributed(
            analysis,
            scenario,
            variants,
            sets,
            options,
            address=address,
            batches_per_task=batches_per_task,
            threads_per_task=threads_per_task,
            max_retries=max_retries,
            progress=progress,
        )

    fn.__name__ = fn.__qualname__ = analysis
    fn.__doc__ = _doc(analysis)
    return fn


ensemble = _make("ensemble")
compare = _make("compare")
sweep = _make("sweep")
sensitivity = _make("sensitivity")
backtest = _make("backtest")
calibrate = _make("calibrate")

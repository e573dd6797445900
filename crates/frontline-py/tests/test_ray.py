"""Tests of `frontline.ray` on a local Ray instance with 2 workers: the
tables are the CLI's byte for byte, a worker killed mid-job costs nothing,
a job stopped part-way resumes from its batches, and a bad address says how
to start a cluster."""

import filecmp
import os
import signal
import subprocess
import sys
import time

import pytest

import frontline

ray = pytest.importorskip("ray")
import frontline.ray as fray  # noqa: E402

from test_frontline import CIVIL, EXAMPLE, ROOT, SMALL, cli_binary  # noqa: E402

# Smaller than test_frontline's: jobs of several batches (128 runs each)
# must stay quick on CI's 2 cores, in the package's debug build.
CIVIL_SMALL = ["steps=55", "parameters.width=12", "parameters.height=12"]


@pytest.fixture(scope="module", autouse=True)
def cluster():
    """A local instance with 2 CPUs: 2 worker processes run the tasks."""
    fray.connect(None, num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def cli():
    binary = cli_binary()
    if binary is None:
        pytest.skip("no CLI binary: build it with `cargo build -p frontline-cli` (or set FRONTLINE_BIN)")
    return binary


def run_cli(binary, command, path, sets, out, *args):
    argv = [binary, command, path, "--out", str(out), "-q", *map(str, args)]
    for s in sets:
        argv += ["--set", s]
    subprocess.run(argv, check=True)


def same_files(a, b):
    """The tables and manifest of two output folders are the same bytes."""
    names = sorted(f for f in os.listdir(a) if f.endswith(".parquet")) + ["manifest.json"]
    assert len(names) > 1, f"{a} has tables"
    assert sorted(f for f in os.listdir(b) if f.endswith(".parquet")) == names[:-1]
    _, different, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert different == [] and errors == [], f"differ: {different}, missing: {errors}"


def batch_files(out):
    return sorted(f for f in os.listdir(os.path.join(out, ".runs")) if f.endswith(".bin"))


def test_an_ensemble_is_the_cli_s_byte_for_byte_and_reports_its_batches(cli, tmp_path):
    run_cli(cli, "ensemble", CIVIL, CIVIL_SMALL, tmp_path / "cli", "--runs", 300, "--seed", 3)
    seen = []
    r = fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=300, seed=3, out=tmp_path / "ray",
                      progress=lambda done, total: seen.append((done, total)))
    same_files(tmp_path / "cli", tmp_path / "ray")
    assert r.runs == 300 and len(r.tables["runs"]) == 300
    # 300 runs are 3 batches of the CLI's 128: reported one by one.
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert batch_files(tmp_path / "ray") == batch_files(tmp_path / "cli")


def test_compare_sweep_sensitivity_and_backtest_are_the_cli_s(cli, tmp_path):
    arm = tmp_path / "legitimate.toml"
    arm.write_text("[parameters]\nlegitimacy = 0.95\n")
    outcomes = ["peak_active", "mean_active_after_50"]
    run_cli(cli, "compare", CIVIL, CIVIL_SMALL, tmp_path / "c-cli", "--arm", arm, "--outcome", outcomes[0],
            "--outcome", outcomes[1], "--runs", 140, "--seed", 1, "--no-report")
    fray.compare(CIVIL, sets=CIVIL_SMALL, arms=[arm], outcomes=outcomes, runs=140, seed=1, out=tmp_path / "c-ray")
    same_files(tmp_path / "c-cli", tmp_path / "c-ray")

    design = ["--range", "legitimacy=0.6:0.9", "--range", "active_threshold=0.05:0.2", "--outcome", "peak_active",
              "--runs-per-point", 2, "--seed", 5]
    run_cli(cli, "sweep", CIVIL, CIVIL_SMALL, tmp_path / "s-cli", "--samples", 40, *design)
    fray.sweep(CIVIL, sets=CIVIL_SMALL, samples=40, ranges=["legitimacy=0.6:0.9", "active_threshold=0.05:0.2"],
               outcomes=["peak_active"], runs_per_point=2, seed=5, out=tmp_path / "s-ray")
    same_files(tmp_path / "s-cli", tmp_path / "s-ray")

    run_cli(cli, "sensitivity", CIVIL, CIVIL_SMALL, tmp_path / "m-cli", "--samples", 4, *design)
    r = fray.sensitivity(CIVIL, sets=CIVIL_SMALL, samples=4, ranges=["legitimacy=0.6:0.9", "active_threshold=0.05:0.2"],
                         outcome="peak_active", runs_per_point=2, seed=5, out=tmp_path / "m-ray")
    same_files(tmp_path / "m-cli", tmp_path / "m-ray")
    assert [i["parameter"] for i in r.indices] != []

    history = tmp_path / "history.csv"
    history.write_text("date,region,controller\n2014-06-01,city,gov\n2014-08-10,city,isis\n")
    run_cli(cli, "backtest", EXAMPLE, SMALL, tmp_path / "b-cli", "--history", history, "--actor", "isis",
            "--runs", 140, "--seed", 2, "--no-report")
    fray.backtest(EXAMPLE, sets=SMALL, history=history, actors=["isis"], runs=140, seed=2, out=tmp_path / "b-ray")
    same_files(tmp_path / "b-cli", tmp_path / "b-ray")


def busy_workers():
    """The pids of the Ray worker processes running a task of frontline.ray now."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f.read().startswith(b"ray::_share"):
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def test_a_worker_killed_mid_job_costs_nothing(tmp_path):
    """SIGKILL a worker while it computes a batch: Ray retries its task on
    another worker, and the tables are those of the job run here."""
    killed = []

    def kill_one(done, total):
        if done >= 1 and not killed:
            deadline = time.time() + 30
            while not killed and time.time() < deadline:
                pids = busy_workers()
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    killed.append(pids[0])
                else:
                    time.sleep(0.05)

    r = fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=8, out=tmp_path / "ray", progress=kill_one)
    assert killed, "a worker was killed mid-job"
    here = frontline.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=8, out=tmp_path / "here")
    same_files(tmp_path / "here", tmp_path / "ray")
    assert r.tables["runs"].equals(here.tables["runs"])


class Stop(Exception):
    pass


def test_a_stopped_job_resumes_from_the_batches_it_wrote(tmp_path):
    def stop_after_two(done, total):
        if done >= 2:
            raise Stop()

    out = tmp_path / "ray"
    with pytest.raises(Stop):
        fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=4, out=out, progress=stop_after_two)
    kept = batch_files(out)
    assert 2 <= len(kept) < 5, kept
    assert not os.path.exists(out / "manifest.json"), "nothing but batches was written"
    # As the CLI: the folder holds this job's runs, so a rerun must say resume.
    with pytest.raises(frontline.JobError, match="--resume"):
        fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=4, out=out)
    seen = []
    fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=4, out=out, resume=True,
                  progress=lambda done, total: seen.append(done))
    assert seen[0] == len(kept), "the batches on disk were reused, not computed again"
    frontline.ensemble(CIVIL, sets=CIVIL_SMALL, runs=640, seed=4, out=tmp_path / "here")
    same_files(tmp_path / "here", out)


def test_options_are_checked_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="unknown option `rnus`"):
        fray.ensemble(CIVIL, sets=CIVIL_SMALL, rnus=10)
    with pytest.raises(ValueError, match="batches_per_task"):
        fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=10, batches_per_task=0)
    with pytest.raises(ValueError, match="already connected"):
        fray.ensemble(CIVIL, sets=CIVIL_SMALL, runs=10, address="127.0.0.1:1")


def test_a_bad_address_says_how_to_start_a_cluster():
    # A fresh interpreter: this one is connected to the test's instance.
    code = (
        "import frontline.ray as f\n"
        f"f.ensemble({CIVIL!r}, runs=10, address='127.0.0.1:1')\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode != 0
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("ConnectionError: no Ray cluster at address '127.0.0.1:1'"), p.stderr
    assert "ray start --head --num-cpus 2" in last, last

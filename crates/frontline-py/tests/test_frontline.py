"""Tests of the `frontline` Python package against the example scenario."""

import os
import subprocess

import pandas as pd
import pytest

import frontline

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "vicious-circle.toml")
ARM = os.path.join(ROOT, "examples", "variants", "arm-tribes.toml")


def test_run_returns_the_cli_tables_as_dataframes():
    r = frontline.run(EXAMPLE, seed=7)
    assert r.seed == 7
    assert set(r.tables) == {"control", "forces", "attitudes", "actors", "events"}
    assert list(r.control.columns) == ["tick", "date", "region", "region_name", "controller", "contested"]
    assert pd.api.types.is_datetime64_any_dtype(r.control["date"])
    assert r.control["date"].min() == pd.Timestamp("2014-06-01")
    # Same seed, same run.
    again = frontline.run(EXAMPLE, seed=7)
    pd.testing.assert_frame_equal(r.forces, again.forces)


def test_run_matches_the_cli(tmp_path):
    binary = os.environ.get("FRONTLINE_BIN", os.path.join(ROOT, "target", "debug", "frontline"))
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "-q", "-p", "frontline-cli"], cwd=ROOT, check=True)
    subprocess.run([binary, "run", EXAMPLE, "--seed", "7", "--format", "csv", "--no-maps", "--no-report",
                    "--out", str(tmp_path), "-q"], check=True)
    cli = pd.read_csv(tmp_path / "forces.csv")
    py = frontline.run(EXAMPLE, seed=7).forces
    assert len(cli) == len(py)
    assert (cli["personnel"].to_numpy() == py["personnel"].to_numpy()).all()


def test_sets_and_variants_change_the_run():
    base = frontline.run(EXAMPLE, seed=3)
    no_rout = frontline.run(EXAMPLE, seed=3, sets={"mechanisms.rout": False})
    assert (no_rout.events["kind"] == "rout").sum() == 0
    assert (base.events["kind"] == "rout").sum() > 0
    armed = frontline.run(EXAMPLE, seed=3, variants=[ARM])
    assert not armed.forces.equals(base.forces)


def test_bad_input_raises_with_file_line_and_column():
    with pytest.raises(frontline.ScenarioError) as e:
        frontline.validate(EXAMPLE, sets=["regions.city.terrain=swamp"])
    assert "unknown value `swamp`" in str(e.value)
    assert "--set #1:1:" in str(e.value)
    assert frontline.validate(EXAMPLE).startswith("Vicious circle")


def test_ensemble_probabilities_sum_to_one():
    ens = frontline.ensemble(EXAMPLE, runs=40, threads=2)
    assert ens.runs == 40
    p = ens.control_probability.groupby(["date", "region"])["probability"].sum()
    assert ((p - 1.0).abs() < 1e-9).all()
    assert {"q05", "q50", "q95"} <= set(ens.metrics.columns)


def test_ensemble_in_a_workdir_resumes(tmp_path):
    first = frontline.ensemble(EXAMPLE, runs=30, workdir=tmp_path)
    with pytest.raises(RuntimeError, match="--resume"):
        frontline.ensemble(EXAMPLE, runs=30, workdir=tmp_path)
    again = frontline.ensemble(EXAMPLE, runs=30, workdir=tmp_path, resume=True)
    pd.testing.assert_frame_equal(first.control_probability, again.control_probability)


def test_compare_reports_the_paired_difference():
    df = frontline.compare(EXAMPLE, arms=[ARM], outcomes=["controls(isis, city) by 2015-05-31"], runs=100)
    assert list(df["arm"]) == ["baseline", "arm-tribes"]
    row = df[df["arm"] == "arm-tribes"].iloc[0]
    assert row["difference_ci_low"] <= row["difference"] <= row["difference_ci_high"]


def test_evaluate_chunks_combine_into_the_same_runs():
    outcomes = ["controls(isis, city) by 2015-05-31", "strength(isis_fighters) at end"]
    whole = frontline.evaluate(EXAMPLE, outcomes, range(0, 12))
    parts = frontline.evaluate(EXAMPLE, outcomes, range(0, 5)) + frontline.evaluate(EXAMPLE, outcomes, range(5, 12))
    assert whole == parts
    assert len(whole) == 12 and all(len(v) == 2 for v in whole)

"""Tests of the `frontline` Python package: every analysis on both models
(small sizes), against the CLI where it matters."""

import filecmp
import os
import subprocess

import pandas as pd
import pytest

import frontline

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "vicious-circle.toml")
ARM = os.path.join(ROOT, "examples", "variants", "arm-tribes.toml")
CIVIL = os.path.join(ROOT, "examples", "civil-violence.toml")
# Small sizes: 30 weekly ticks of the theatre; 60 steps of a 20×20 grid
# (the civil statistics average the steps after 50).
SMALL = ["scenario.ticks=30"]
CIVIL_SMALL = ["steps=60", "parameters.width=20", "parameters.height=20"]
CITY = "controls(isis, city) by 2014-12-20"


def cli_binary():
    """The CLI built by cargo (FRONTLINE_BIN, else target/debug, else target/release), or None."""
    env = os.environ.get("FRONTLINE_BIN")
    candidates = [env] if env else [os.path.join(ROOT, "target", p, "frontline") for p in ("debug", "release")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


@pytest.fixture(scope="module")
def theatre():
    return frontline.load(EXAMPLE, sets=SMALL)


@pytest.fixture(scope="module")
def civil():
    return frontline.load(CIVIL, sets=CIVIL_SMALL)


@pytest.fixture()
def history(tmp_path):
    """A tiny history: ISIS takes the city in August and the valley in October."""
    p = tmp_path / "history.csv"
    p.write_text(
        "date,region,controller\n"
        "2014-06-01,city,gov\n"
        "2014-06-01,valley,gov\n"
        "2014-08-10,city,isis\n"
        "2014-10-05,valley,isis\n"
    )
    return p


# --- loading -------------------------------------------------------------


def test_load_picks_the_model_by_the_scenario_key(theatre, civil):
    assert theatre.model == "theatre"
    assert theatre.name == "Vicious circle"
    assert theatre.describe().endswith("30 ticks")
    assert civil.model == "civil-violence"
    assert civil.describe() == "civil-violence model, 20×20 grid, 60 steps"
    assert [p["id"] for p in theatre.parameters()] == ["distrust", "patron_funding", "strike_threshold"]
    assert civil.parameters(["legitimacy=0.6:0.9"]) == [{"id": "legitimacy", "value": 0.8, "min": 0.6, "max": 0.9}]


def test_bad_input_raises_with_file_line_and_column():
    with pytest.raises(frontline.ScenarioError) as e:
        frontline.validate(EXAMPLE, sets=["regions.city.terrain=swamp"])
    assert "unknown value `swamp`" in str(e.value)
    assert "--set #1:1:" in str(e.value)
    assert frontline.validate(EXAMPLE).startswith("Vicious circle: 6 regions")
    with pytest.raises(frontline.ScenarioError):
        frontline.load(CIVIL, sets=["parameters.width=wide"])


def test_bad_options_are_refused_by_name(theatre, civil):
    with pytest.raises(ValueError, match="unknown method `random`; use one of lhs, grid"):
        frontline.sweep(theatre, method="random")
    with pytest.raises(ValueError, match="`threads` must be at least 1"):
        frontline.ensemble(theatre, runs=2, threads=0)
    with pytest.raises(ValueError, match="needs `out`"):
        frontline.ensemble(theatre, runs=2, resume=True)
    with pytest.raises(ValueError, match="variants and sets apply when a scenario is loaded"):
        frontline.run(theatre, sets=["scenario.ticks=3"])
    with pytest.raises(ValueError, match="backtest needs a model whose regions' control can be forecast"):
        frontline.backtest(civil, history="h.csv", runs=2)
    with pytest.raises(ValueError, match="unknown civil-violence outcome `nope`"):
        frontline.sweep(civil, ranges=["legitimacy=0.6:0.9"], outcomes=["nope"])
    with pytest.raises(ValueError, match="unknown key `events`"):
        frontline.compare(civil, arms=[ARM], runs=2)


# --- the theatre model: all seven analyses --------------------------------


def test_theatre_run_returns_the_cli_tables_as_dataframes(theatre):
    r = frontline.run(theatre, seed=7)
    assert r.seed == 7
    assert set(r.tables) == {"control", "forces", "groups", "attitudes", "actors", "events"}
    assert list(r.control.columns) == ["tick", "date", "region", "region_name", "controller", "contested"]
    assert pd.api.types.is_datetime64_any_dtype(r.control["date"])
    assert r.control["date"].min() == pd.Timestamp("2014-06-01")
    assert r.control["tick"].max() == 30
    assert r.out is None and r.written == []
    again = frontline.run(EXAMPLE, seed=7, sets=SMALL)
    pd.testing.assert_frame_equal(r.forces, again.forces)


def test_sets_and_variants_change_the_run():
    base = frontline.run(EXAMPLE, seed=3)
    no_rout = frontline.run(EXAMPLE, seed=3, sets={"mechanisms.rout": False})
    assert (no_rout.events["kind"] == "rout").sum() == 0
    assert (base.events["kind"] == "rout").sum() > 0
    armed = frontline.run(EXAMPLE, seed=3, variants=[ARM])
    assert not armed.forces.equals(base.forces)


def test_theatre_ensemble_probabilities_sum_to_one(theatre):
    ens = frontline.ensemble(theatre, runs=20, seed=1, threads=2)
    assert (ens.runs, ens.base_seed) == (20, 1)
    assert set(ens.tables) >= {"control_probability", "metrics", "event_first_dates", "runs"}
    p = ens.control_probability.groupby(["date", "region"])["probability"].sum()
    assert ((p - 1.0).abs() < 1e-9).all()
    assert len(ens.tables["runs"]) == 20
    # The thread count does not change the tables.
    one = frontline.ensemble(theatre, runs=20, seed=1, threads=1)
    pd.testing.assert_frame_equal(ens.metrics, one.metrics)


def test_theatre_compare_reports_the_paired_difference(theatre):
    arm = frontline.load(EXAMPLE, sets=SMALL)
    r = frontline.compare(arm, arms=[ARM], outcomes=[CITY], runs=30, seed=2)
    assert r.arms == ["baseline", "arm-tribes"]
    assert list(r.table["arm"]) == ["baseline", "arm-tribes"]
    base, armed = r.rows
    assert base["difference"] is None
    lo, hi = armed["difference_interval"]
    assert lo <= armed["difference"] <= hi
    assert 0.0 <= armed["estimate"] <= 1.0


def test_theatre_sweep_varies_the_declared_parameters(theatre):
    r = frontline.sweep(theatre, samples=4, runs_per_point=2, outcomes=[CITY], seed=3)
    assert [p["id"] for p in r.parameters] == ["distrust", "patron_funding", "strike_threshold"]
    assert len(r.values) == 4 and len(r.means) == 4
    assert list(r.table.columns) == ["point", "distrust", "patron_funding", "strike_threshold", CITY]
    assert r.table["distrust"].between(0.5, 0.95).all()
    assert r.table[CITY].between(0.0, 1.0).all()


def test_theatre_sensitivity_ranks_every_parameter(theatre):
    r = frontline.sensitivity(theatre, method="morris", samples=3, runs_per_point=2, outcome=CITY, seed=4)
    assert r.method == "morris" and r.outcome == CITY
    assert sorted(i["parameter"] for i in r.indices) == ["distrust", "patron_funding", "strike_threshold"]
    mains = [i["main"] for i in r.indices]
    assert mains == sorted(mains, reverse=True)
    assert r.points == 3 * 4  # Morris: samples trajectories of k + 1 points
    assert len(r.table) == 3


def test_theatre_backtest_scores_the_history(theatre, history):
    r = frontline.backtest(theatre, history=history, actors=["isis"], runs=10, seed=5)
    (t,) = r.tests
    assert t["actor"] == "isis"
    assert 0.0 <= t["brier"] <= 1.0 and 0.0 <= t["brier_naive"] <= 1.0
    assert {x["region"] for x in t["per_region"]} >= {"City", "Valley"}
    assert len(r.backtest) > 0


def test_theatre_calibrate_ranks_points(theatre, history):
    r = frontline.calibrate(theatre, history=history, actors=["isis"], samples=3, runs_per_point=2, seed=6)
    assert r.actors == ["isis"]
    assert sorted(r.ranking) == [0, 1, 2]
    best = r.ranking[0]
    assert r.mean_brier[best] == min(r.mean_brier)
    assert list(r.table.columns) == ["point", "distrust", "patron_funding", "strike_threshold", "brier_isis", "skill_isis"]


def test_evaluate_chunks_combine_into_the_same_runs(theatre):
    outcomes = [CITY, "strength(isis_fighters) at end"]
    whole = frontline.evaluate(theatre, outcomes, range(0, 8))
    parts = frontline.evaluate(theatre, outcomes, range(0, 3)) + frontline.evaluate(theatre, outcomes, range(3, 8))
    assert whole == parts
    assert len(whole) == 8 and all(len(v) == 2 for v in whole)


# --- the civil-violence model ----------------------------------------------


def test_civil_run_and_ensemble(civil):
    r = frontline.run(civil, seed=3)
    assert r.seed == 3
    counts = r.tables["counts"]
    assert counts["step"].max() == 60
    ens = frontline.ensemble(civil, runs=6, seed=3, threads=2)
    assert ens.runs == 6
    assert len(ens.tables["runs"]) == 6
    # evaluate's run i is the ensemble's run i.
    stats = frontline.evaluate(civil, ["peak_active"], range(6), seed=3)
    assert [v[0] for v in stats] == list(ens.tables["runs"]["peak_active"])


def test_civil_compare_against_a_variant(civil, tmp_path):
    arm = tmp_path / "legitimate.toml"
    arm.write_text("[parameters]\nlegitimacy = 0.95\n")
    r = frontline.compare(civil, arms=[arm], outcomes=["peak_active", "mean_active_after_50"], runs=6, seed=1)
    assert r.arms == ["baseline", "legitimate"]
    assert [row["outcome"] for row in r.rows] == ["peak_active"] * 2 + ["mean_active_after_50"] * 2
    # More legitimacy, less grievance, fewer active citizens.
    assert r.rows[1]["estimate"] <= r.rows[0]["estimate"]


def test_civil_sweep_and_sensitivity_with_ranges(civil):
    ranges = ["legitimacy=0.6:0.9", "active_threshold=0.05:0.2"]
    s = frontline.sweep(civil, samples=3, runs_per_point=1, ranges=ranges, outcomes=["peak_active"], seed=2)
    assert list(s.table.columns) == ["point", "legitimacy", "active_threshold", "peak_active"]
    assert s.table["legitimacy"].between(0.6, 0.9).all()
    m = frontline.sensitivity(civil, samples=2, runs_per_point=1, ranges=ranges, outcome="peak_active", seed=2)
    assert sorted(i["parameter"] for i in m.indices) == ["active_threshold", "legitimacy"]
    assert m.points == 2 * 3


# --- output folders, resume, and the CLI ------------------------------------


def test_ensemble_in_out_resumes(theatre, tmp_path):
    first = frontline.ensemble(theatre, runs=12, out=tmp_path)
    assert "manifest.json" not in first.written and (tmp_path / "manifest.json").exists()
    assert "control_probability.parquet" in first.written
    with pytest.raises(frontline.JobError, match="--resume") as e:
        frontline.ensemble(theatre, runs=12, out=tmp_path)
    assert e.value.exit_code == 2
    again = frontline.ensemble(theatre, runs=12, out=tmp_path, resume=True)
    pd.testing.assert_frame_equal(first.control_probability, again.control_probability)
    back = pd.read_parquet(tmp_path / "control_probability.parquet") if _has_parquet() else None
    if back is not None:
        assert len(back) == len(first.control_probability)


def _has_parquet():
    try:
        import pyarrow  # noqa: F401
        return True
    except ImportError:
        return False


@pytest.mark.parametrize("model", ["theatre", "civil"])
def test_an_ensemble_in_out_is_the_cli_s_byte_for_byte(model, tmp_path):
    binary = cli_binary()
    if binary is None:
        pytest.skip("no CLI binary: build it with `cargo build -p frontline-cli` (or set FRONTLINE_BIN)")
    path, sets = (EXAMPLE, SMALL) if model == "theatre" else (CIVIL, CIVIL_SMALL)
    cli, py = tmp_path / "cli", tmp_path / "py"
    args = [binary, "ensemble", path, "--runs", "12", "--seed", "9", "--threads", "2", "--out", str(cli), "-q"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    r = frontline.ensemble(path, runs=12, seed=9, sets=sets, threads=2, out=py)
    tables = sorted(f for f in os.listdir(cli) if f.endswith(".parquet"))
    assert tables, "the CLI wrote tables"
    assert sorted(f for f in os.listdir(py) if f.endswith(".parquet")) == tables
    same, different, errors = filecmp.cmpfiles(cli, py, tables + ["manifest.json"], shallow=False)
    assert different == [] and errors == [], f"differ: {different}, missing: {errors}"
    assert set(tables) <= set(r.written)


# --- tables that load right (#15 item 4) --------------------------------------


def test_dates_are_datetime64_in_results_and_in_the_parquet_files(theatre, tmp_path):
    ens = frontline.ensemble(theatre, runs=12, out=tmp_path)
    for name in ("control_probability", "metrics", "event_first_dates"):
        assert pd.api.types.is_datetime64_any_dtype(ens.tables[name]["date"]), name
    firsts = [c for c in ens.tables["runs"] if c.startswith("first_")]
    assert firsts and all(pd.api.types.is_datetime64_any_dtype(ens.tables["runs"][c]) for c in firsts)
    if not _has_parquet():
        pytest.skip("pyarrow is not installed")
    for name in ("control_probability", "metrics", "event_first_dates", "runs"):
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        dates = [c for c in back if c == "date" or c.startswith("first_")]
        assert dates, name
        for c in dates:
            assert pd.api.types.is_datetime64_any_dtype(back[c]), f"{name}.{c}: {back[c].dtype}"
        back[dates[0]].dt.year  # `.dt` works
    never = pd.read_parquet(tmp_path / "event_first_dates.parquet")
    assert never.loc[never["date"].isna(), "cumulative_probability"].isna().all(), "a watch that never held: NaT"


def test_control_probability_has_every_row_and_metrics_have_key_columns(theatre):
    ens = frontline.ensemble(theatre, runs=12)
    cp = ens.control_probability
    assert len(cp) == cp.date.nunique() * cp.region.nunique() * (cp.controller.nunique() + 1)
    assert (cp.groupby(["date", "region"]).probability.sum() - 1).abs().max() < 1e-9
    first = cp[cp.date == cp.date.min()]
    assert set(first.region) == set(cp.region), "every region's series starts at the start"
    m = ens.tables["metrics"]
    assert list(m.columns[:4]) == ["date", "metric", "force", "actor"]
    assert set(m.metric) == {"personnel", "regions_held", "population_held"}
    assert m[m.metric == "personnel"].force.notna().all() and m[m.metric != "personnel"].force.isna().all()


def test_run_tables_forces_and_groups(theatre):
    r = frontline.run(theatre, seed=3)
    forces, groups = r.tables["forces"], r.tables["groups"]
    assert (forces.personnel > 0).all()
    total = forces.groupby(["date", "force"]).personnel.sum()
    g = groups.set_index(["date", "force"]).personnel
    assert ((g.reindex(total.index) - total).abs() <= 1e-6 * total.clip(lower=1)).all()
    assert pd.api.types.is_datetime64_any_dtype(groups.date)

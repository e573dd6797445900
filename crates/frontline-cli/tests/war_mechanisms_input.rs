//! Bad input to the engine features of issue #11 (input series, money,
//! manpower, force generation, planning): each case, given in a variant of
//! the example, is refused with exit code 2, nothing written, and an error
//! at the variant's file:line:column that names the problem.

mod common;

use common::*;

/// Writes `text` as a variant, runs the example with it, and checks the
/// refusal: exit 2, no output, no panic, `message` in the error, located at
/// the line of the variant holding `needle`.
fn refused(case: &str, text: &str, needle: &str, message: &str) {
    let dir = tmp(case);
    let file = dir.path().join("variant.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let o = run(&["run", s(&example()), "--variant", s(&file), "--out", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{case}: exit code\n{err}");
    assert!(!err.contains("panicked"), "{case}: crash\n{err}");
    assert!(err.contains(message), "{case}: expected `{message}` in\n{err}");
    let line = text.lines().position(|l| l.contains(needle)).expect("needle in the case") + 1;
    let at = format!("{}:{line}:", file.display());
    assert!(err.contains(&at), "{case}: expected the location `{at}…` in\n{err}");
    assert!(!out.exists(), "{case}: nothing may be written");
}

/// A variant in which the government reads an input series, so that the
/// series has an effect (an overlay may not add what nothing uses).
fn reading(series: &str) -> String {
    format!("{series}\n[actors.gov]\nrevenue = \"input(price)\"\n")
}

#[test]
fn input_series_errors_are_located() {
    refused("no-points", &reading("[inputs.price]\nunit = \"USD\""), "[inputs.price]", "has no points");
    refused(
        "bad-date",
        &reading("[inputs.price]\npoints = { 2015-13-40 = 1.0 }"),
        "points",
        "`2015-13-40` is not a date",
    );
    refused("huge-value", &reading("[inputs.price]\npoints = { 2015-01-01 = 1e13 }"), "points", "out of range");
    refused(
        "bad-scale",
        &reading("[inputs.price]\npoints = { 2015-01-01 = 1.0 }\nscale = \"nosuch * 2\""),
        "scale",
        "unknown name `nosuch`",
    );
    refused(
        "bad-interpolation",
        &reading("[inputs.price]\npoints = { 2015-01-01 = 1.0 }\ninterpolation = \"cubic\""),
        "interpolation",
        "unknown value `cubic`",
    );
    refused(
        "unknown-series",
        "[actors.gov]\nrevenue = \"input(pirce)\"\n",
        "revenue",
        "unknown input series id `pirce`",
    );
    refused("unused-series", "[inputs.price]\npoints = { 2015-01-01 = 1.0 }\n", "[inputs.price]", "nothing reads it");
}

#[test]
fn money_keys_errors_are_located() {
    refused("oil-negative", "[regions.valley]\noil = -5\n", "oil", "oil is -5, out of range");
    refused("oil-huge", "[regions.valley]\noil = 1e9\n", "oil", "out of range");
    refused("price-type", "[actors.isis]\noil_price = \"controls(isis)\"\n", "oil_price", "controls");
    refused("price-bool", "[actors.isis]\noil_price = \"tick > 3\"\n", "oil_price", "number");
    refused("weapons-price", "[actors.gov]\nweapons_price = -1\n", "weapons_price", "out of range");
    refused("reserve", "[constants.economy]\npayroll_reserve_weeks = 1000\n", "payroll_reserve_weeks", "out of range");
}

#[test]
fn a_series_given_in_a_variant_runs() {
    let dir = tmp("series-ok");
    let file = dir.path().join("variant.toml");
    std::fs::write(
        &file,
        "[mechanisms]\neconomy = true\n[inputs.price]\npoints = { 2014-01-01 = 2.0, 2016-01-01 = 1.0 }\nunit = \"money per week\"\n\
         [actors.gov]\nrevenue = \"input(price)\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run(&["run", s(&example()), "--variant", s(&file), "--out", s(&out), "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn manpower_force_generation_and_planning_keys_errors_are_located() {
    for (case, text, needle, message) in [
        ("share", "[regions.valley]\nmanpower_share = { minority = 1.5 }\n", "manpower_share", "out of range"),
        (
            "share-id",
            "[regions.valley]\nmanpower_share = { minorty = 0.2 }\n",
            "manpower_share",
            "unknown identity `minorty`",
        ),
        ("conscription", "[forces.army]\nconscription = 2\n", "conscription", "out of range"),
        ("conscription-air", "[forces.coalition_air]\nconscription = 0.1\n", "conscription", "cannot conscript"),
        ("inflow-region-alone", "[forces.army]\ninflow_region = \"valley\"\n", "inflow_region", "no inflow"),
        ("inflow-alone", "[forces.army]\ninflow = 5\n", "inflow", "no inflow_region"),
        (
            "inflow-expr",
            "[forces.army]\ninflow = \"nosuch + 1\"\ninflow_region = \"valley\"\n",
            "inflow =",
            "unknown name `nosuch`",
        ),
        ("depot", "[forces.army]\ndepot = \"atlantis\"\n", "depot", "unknown region `atlantis`"),
        (
            "air-training",
            "[forces.coalition_air]\ntraining_weeks = 4\n",
            "training_weeks",
            "cannot have `training_weeks`",
        ),
        ("weeks", "[forces.army]\ntraining_weeks = 9999\n", "training_weeks", "out of range"),
        ("trainers", "[actors.gov]\ntrainers = -3\n", "trainers", "out of range"),
        (
            "lend-to",
            "[actors.gov.rules.lend]\nthen = { tactic = \"lend_trainers\", to = \"nobody\" }\n",
            "then",
            "nobody",
        ),
        (
            "raise-air",
            "[actors.us.rules.r]\nthen = { tactic = \"raise\", force = \"coalition_air\", amount = 5 }\n",
            "then",
            "coalition_air",
        ),
        ("plan-force", "[actors.gov.planning]\nforces = [\"nope\"]\n", "forces", "nope"),
        (
            "plan-ratio",
            "[actors.gov.planning]\nforces = [\"army\"]\nlaunch_ratio = 0.5\n",
            "launch_ratio",
            "out of range",
        ),
        ("mechanism", "[mechanisms]\nmanpowr = true\n", "manpowr", "did you mean `manpower`"),
    ] {
        refused(case, text, needle, message);
    }
}

/// Every engine feature on (the turning-war example switches them all on
/// but conscription): an ensemble is byte-identical on one and two threads.
#[test]
fn turning_war_ensemble_is_byte_identical_for_one_and_two_threads() {
    let example = root().join("examples/turning-war.toml");
    let (a, b) = (tmp("tw-t1"), tmp("tw-t2"));
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        let out = dir.path().join("out");
        let o = run(&["ensemble", s(&example), "--runs", "60", "--threads", threads, "--out", s(&out), "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(tables(&a.path().join("out")), tables(&b.path().join("out")));
}

/// The engine features of issue #12 on (hidden fighters that go
/// underground, control that needs presence, an air campaign with oil
/// strikes and surges, civilian harm, displacement into a camp): an ensemble
/// is byte-identical on one and two threads.
#[test]
fn irregular_war_civilians_and_air_ensemble_is_byte_identical_for_one_and_two_threads() {
    let dir = tmp("war2");
    let variant = dir.path().join("war2.toml");
    std::fs::write(
        &variant,
        "[mechanisms]\nirregular = true\npresence = true\nair_campaign = true\ncivilian_harm = true\ndisplacement = true\neconomy = true\n\
         [regions.south]\ncamp = true\n[regions.desert]\noil = 5000\n[actors.isis]\noil_price = \"0.001\"\n\
         [actors.isis.rules.underground]\nwhen = \"regions_held(isis) < 3\"\nthen = { tactic = \"go_underground\", force = \"isis_fighters\", fraction = 0.5 }\n\
         [actors.us.rules.oil]\nthen = { tactic = \"air_strike\", force = \"coalition_air\", to = \"desert\", fraction = 0.2, mission = \"oil\" }\n\
         [actors.us.rules.surge]\nwhen = \"fatigue(coalition_air) < 0.2\"\nthen = { tactic = \"air_surge\", force = \"coalition_air\", amount = 0.5 }\n",
    )
    .unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        let o = run(&[
            "ensemble",
            s(&example()),
            "--variant",
            s(&variant),
            "--runs",
            "60",
            "--threads",
            threads,
            "--out",
            s(&out),
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        outs.push(tables(&out));
    }
    assert_eq!(outs[0], outs[1]);
}

//! Hardening against hostile or mistyped scenario input (issue #10, items 1
//! and 2): every case is refused with exit code 2 and an error located at
//! file:line:column, never a panic, a stack overflow or a silently wrong run.

mod common;

use common::*;
use std::path::PathBuf;

/// The example with `from` replaced by `to`, written to a fresh directory
/// (which lasts as long as the returned path).
fn edited(case: &str, from: &str, to: &str) -> TestPath {
    let src = std::fs::read_to_string(example()).unwrap();
    assert!(src.contains(from), "test setup: `{from}` not in the example");
    let file = tmp(case).into_child("scenario.toml");
    std::fs::write(&file, src.replacen(from, to, 1)).unwrap();
    file
}

/// Runs `run FILE ARGS… --out DIR` and checks the refusal: exit 2, nothing
/// written, no panic, and `message` in the error. Returns stderr.
fn refused(case: &str, file: &std::path::Path, extra: &[&str], message: &str) -> String {
    let out = file.parent().unwrap().join("out");
    let mut args = vec!["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run(&args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{case}: exit code (a signal means a crash)\n{err}");
    assert!(!err.contains("panicked") && !err.contains("overflow"), "{case}: crash\n{err}");
    assert!(err.contains(message), "{case}: expected `{message}` in\n{err}");
    assert!(!out.exists(), "{case}: nothing may be written for invalid input");
    err
}

/// `path:line:` of the first line of `file` containing `needle`.
fn at_line(file: &std::path::Path, needle: &str) -> String {
    let s = std::fs::read_to_string(file).unwrap();
    let line = s.lines().position(|l| l.contains(needle)).expect("needle present") + 1;
    format!("{}:{line}:", file.display())
}

const RULE: &str = "when = \"threat(gov) <= 0.12\"";

/// `path:line:` of the rule condition [`RULE`] replaced in `file`.
fn rule_at(file: &std::path::Path) -> String {
    let line = at_line(&example(), RULE);
    let line = line.rsplit(':').nth(1).unwrap();
    format!("{}:{line}:", file.display())
}

#[test]
fn regression_multibyte_char_after_one_byte_token_is_a_located_error() {
    for (case, when, message) in [
        ("nbsp", "(threat(gov) <= 0.12)\u{a0}and tick > 0", "unexpected character U+00A0 (no-break space)"),
        ("u2028", "threat(gov) * 2 <= 0.24 and 2 *\u{2028}tick > 0", "unexpected character U+2028 (line separator)"),
        ("bom", "(threat(gov) <= 0.12)\u{feff}", "unexpected character U+FEFF (byte order mark)"),
        ("euro", "threat(gov) <= 0.12 and tick >\u{20ac}", "unexpected character `\u{20ac}` (U+20AC)"),
    ] {
        let file = edited(case, RULE, &format!("when = \"{when}\""));
        let err = refused(case, &file, &[], message);
        assert!(err.contains(&rule_at(&file)), "{case}: not located\n{err}");
    }
}

#[test]
fn regression_parameter_value_above_max_without_min_is_a_located_error() {
    let file = edited("above-max", "value = 0.8\nmin = 0.5\nmax = 0.95", "value = 0.99\nmax = 0.95");
    let err = refused("above max", &file, &[], "parameter `distrust`: value 0.99 is above `max` 0.95");
    assert!(err.contains(&at_line(&file, "value = 0.99")), "{err}");
    let file = edited("below-min", "value = 0.8\nmin = 0.5\nmax = 0.95", "value = 0.1\nmin = 0.5");
    refused("below min", &file, &[], "parameter `distrust`: value 0.1 is below `min` 0.5");
}

#[test]
fn regression_deeply_nested_rule_is_refused_naming_the_limit() {
    let n = |s: &str, k: usize| s.repeat(k);
    for (case, when) in [
        ("parens", format!("{}threat(gov) <= 0.12{}", n("(", 5000), n(")", 5000))),
        ("if", format!("{}threat(gov){} <= 0.12", n("if(true, ", 2500), n(", 0)", 2500))),
        ("minus", format!("{}threat(gov) <= 0.12", n("-", 20_000))),
        ("not", format!("{}threat(gov) <= 0.12", n("not ", 50_000))),
        ("chain", format!("threat(gov) <= 0.12{}", n(" and tick >= 0", 100_000))),
    ] {
        let file = edited(case, RULE, &format!("when = \"{when}\""));
        let err = refused(case, &file, &[], "expression nested more than 256 levels deep");
        assert!(err.contains(&rule_at(&file)), "{case}: not located\n{err}");
    }
    // Just below the limit is fine.
    let ok = edited("parens-ok", RULE, &format!("when = \"{}threat(gov) <= 0.12{}\"", n("(", 200), n(")", 200)));
    let o = run(&["validate", ok.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn regression_set_of_a_mistyped_parameter_is_refused_with_did_you_mean() {
    let file = edited("typo-set", "", "");
    let err = refused("--set typo", &file, &["--set", "parameters.distrsut.value=0.9"], "no parameter `distrsut`");
    assert!(err.contains("--set #1:1:12") && err.contains("did you mean `distrust`?"), "{err}");
    // The same through a variant file.
    let variant = file.parent().unwrap().join("typo.toml");
    std::fs::write(&variant, "[parameters.distrsut]\nvalue = 0.9\n").unwrap();
    let err = refused("variant typo", &file, &["--variant", variant.to_str().unwrap()], "no parameter `distrsut`");
    assert!(err.contains(&at_line(&variant, "[parameters.distrsut]")), "{err}");
    assert!(err.contains("did you mean `distrust`?"), "{err}");
}

#[test]
fn regression_overlay_ids_that_nothing_uses_are_refused() {
    let file = edited("typo-ids", "", "");
    for (set, message, hint) in [
        ("actors.gvo.income=5", "no actor `gvo`", "did you mean `gov`?"),
        ("identities.minorty.name=\"x\"", "no identity `minorty`", "did you mean `minority`?"),
        ("events.air_campaing.date=2014-07-01", "no event `air_campaing`", "did you mean `air_campaign`?"),
        ("regions.sburbs.position=[44.0,33.0]", "no region `sburbs`", "did you mean `suburbs`?"),
    ] {
        let err = refused(set, &file, &["--set", set], message);
        assert!(err.contains(hint), "{set}: {err}");
    }
}

#[test]
fn overlays_may_still_add_what_has_an_effect() {
    // A new parameter read by a new rule, a new event that does something:
    // both through one variant, and both accepted.
    let dir = tmp("overlay-adds");
    let variant = dir.join("adds.toml");
    std::fs::write(
        &variant,
        "[parameters.push_share]\nvalue = 0.2\nmin = 0.1\nmax = 0.3\n\n\
         [actors.gov.rules.push_more]\nwhen = \"tick > 3\"\n\
         then = { tactic = \"deploy\", force = \"army\", to = \"city\", fraction = \"push_share\" }\n\n\
         [events.early_air]\ndate = 2014-07-01\nenable = [\"coalition_air\"]\n",
    )
    .unwrap();
    let o = run(&["validate", example().to_str().unwrap(), "--variant", variant.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // And `--set` on a declared parameter is as before.
    let o = run(&["validate", example().to_str().unwrap(), "--set", "parameters.distrust.value=0.6"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn regression_event_set_outside_the_declared_range_is_refused() {
    let file =
        edited("event-set", "enable = [\"coalition_air\"]", "enable = [\"coalition_air\"]\nset = { distrust = 5 }");
    let err = refused("event set", &file, &[], "`set` of parameter `distrust` by event `air_campaign` is 5");
    assert!(err.contains(&at_line(&file, "set = { distrust = 5 }")), "{err}");
    assert!(err.contains("a value in [0.5, 0.95]"), "{err}");
    // Inside the range it runs.
    let ok = edited(
        "event-set-ok",
        "enable = [\"coalition_air\"]",
        "enable = [\"coalition_air\"]\nset = { distrust = 0.6 }",
    );
    let o = run(&["validate", ok.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn regression_tactic_values_out_of_range_are_refused() {
    for (case, from, to, message) in [
        ("fraction-neg", "fraction = 0.05 }", "fraction = -5 }", "fraction of `deploy` is -5, out of range"),
        ("fraction-big", "fraction = 0.25 }", "fraction = 1.5 }", "fraction of `attack` is 1.5, out of range"),
        ("share-neg", "shares = { army = 1.0,", "shares = { army = -1.0,", "share of `army` is -1, out of range"),
    ] {
        let file = edited(case, from, to);
        let err = refused(case, &file, &[], message);
        assert!(err.contains(&at_line(&file, to)), "{case}: not located\n{err}");
    }
    // Amounts: through `--set` on an added rule.
    let file = edited("amounts", "", "");
    for (set, message) in [
        ("actors.gov.rules.hold_city.then={tactic=\"fund\",actor=\"militias\",amount=-3}", "amount of `fund` is -3"),
        (
            "actors.gov.rules.hold_city.then={tactic=\"recruit\",force=\"army\",amount=1e9}",
            "amount of `recruit` is 1e9",
        ),
        ("actors.gov.rules.hold_city.then={tactic=\"train\",force=\"army\",amount=-1}", "amount of `train` is -1"),
    ] {
        refused(set, &file, &["--set", set], message);
    }
}

#[test]
fn regression_huge_finite_values_are_refused_naming_the_limit() {
    let file = edited("huge", "", "");
    for (set, message, limit) in [
        ("actors.gov.income=1e308", "income is 1e308, out of range", "MAX_MONEY"),
        ("actors.gov.money=1e300", "money is 1e300, out of range", "MAX_MONEY"),
        ("actors.gov.tax=1e20", "tax is 1e20, out of range", "MAX_MONEY_PER_HEAD"),
        ("actors.gov.weapons=1e308", "weapons is 1e308, out of range", "MAX_PEOPLE"),
        ("regions.city.income=1e308", "region income is 1e308", "MAX_MONEY"),
        ("regions.city.value=1e308", "region value is 1e308", "MAX_WEIGHT"),
        ("regions.city.population.minority=1e308", "population of `minority` in `city` is 1e308", "MAX_PEOPLE"),
        ("forces.army.personnel.capital=1e308", "personnel of `army` in `capital` is 1e308", "MAX_PEOPLE"),
        ("forces.army.upkeep=1e308", "upkeep is 1e308", "MAX_MONEY_PER_HEAD"),
        ("parameters.distrust.max=1e308", "`max` of parameter `distrust` is 1e308", "MAX_PARAMETER"),
        ("actors.gov.goals.city=1e308", "goal weight is 1e308", "MAX_WEIGHT"),
    ] {
        let err = refused(set, &file, &["--set", set], message);
        assert!(err.contains(limit) && err.contains("--set #1:1:"), "{set}: {err}");
    }
    // An expression that evaluates past a limit is refused too.
    let err = refused("expr", &file, &["--set", "actors.gov.income=\"1e200 * 1e200\""], "income is inf, out of range");
    assert!(err.contains("MAX_MONEY"), "{err}");
}

#[test]
fn regression_ticks_past_u32_are_not_truncated() {
    // 2^32 + 1 would wrap to 1 tick if narrowed before the check.
    let file = edited("ticks", "", "");
    refused("ticks", &file, &["--set", "scenario.ticks=4294967297"], "4294967297 ticks is too many");
}

#[test]
fn every_shipped_scenario_and_variant_still_validates() {
    let mut cases: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (scenario, variants) in [
        ("scenarios/iraq/scenario.toml", "scenarios/iraq/variants"),
        ("examples/vicious-circle.toml", "examples/variants"),
    ] {
        cases.push((root().join(scenario), None));
        for e in std::fs::read_dir(root().join(variants)).unwrap() {
            cases.push((root().join(scenario), Some(e.unwrap().path())));
        }
    }
    for (scenario, variant) in cases {
        let mut args = vec!["validate".to_string(), scenario.display().to_string()];
        if let Some(v) = &variant {
            args.extend(["--variant".to_string(), v.display().to_string()]);
        }
        let o = output(bin().args(&args));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
}

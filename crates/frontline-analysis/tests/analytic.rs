//! Analyses checked against answers known in closed form.
//!
//! The scenario: one region of 1,000,000 people who support actor `a` at 0.5,
//! and one fully armed force group recruiting from them at `rate` per week,
//! with no enemy. After one weekly tick its strength is 100 + Poisson(λ) with
//! λ = rate · 1e6 · 0.5, so E[strength] = 100 + 500,000 · rate exactly.

use frontline_analysis::compare::{Arm, run_arms, summarise};
use frontline_analysis::outcome::Outcome;
use frontline_analysis::sensitivity::{Design, morris, sobol};
use frontline_scenario::{Loaded, Overrides, load};

const SCENARIO: &str = r#"
[scenario]
name = "recruitment"
start = 2015-01-01
ticks = 1
seed = 1

[parameters.rate]
value = 0.001
min = 0.0
max = 0.002

[parameters.a]
value = 0.5
min = 0.0
max = 1.0

[parameters.b]
value = 0.5
min = 0.0
max = 1.0

[identities.p]

[regions.r]
position = [44.0, 33.0]
control = "a"
population = { p = 1000000 }
support = { p = { a = 0.5 } }

[actors.a]

[forces.f]
actor = "a"
kind = "militia"
identity = "p"
personnel = { r = 100 }
equipment = 1e9
recruit_rate = "rate * (0.2 + 1.6 * a) * (0.99 + 0.02 * b)"
"#;

fn loaded(sets: &[&str]) -> Loaded {
    // One directory per call: tests run in parallel threads of one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("frontline-analytic-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("recruitment.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    match load(&path, &Overrides { variants: vec![], sets: sets.iter().map(|s| s.to_string()).collect() }) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(false)),
    }
}

fn no_progress(_: u64) {}

#[test]
fn compare_intervals_cover_the_true_difference() {
    // a = 0.5, b = 0.5 → recruit_rate = rate · 1.0 · 1.0; λ = 500,000 · rate.
    let base = loaded(&[]).model;
    let arm = loaded(&["parameters.rate.value=0.0012"]).model;
    let true_difference = 500_000.0 * (0.0012 - 0.001); // 100
    let outcome = |m| vec![Outcome::parse("strength(f) at end", m).unwrap()];
    let arms = [
        Arm { name: "baseline".into(), outcomes: outcome(&base), model: base.clone() },
        Arm { name: "more".into(), outcomes: outcome(&arm), model: arm.clone() },
    ];
    let (mut covered, trials) = (0, 100);
    for seed in 0..trials {
        let values = run_arms(&arms, 100, seed, None, &no_progress).unwrap();
        let rows = summarise(&arms, &values);
        let (_, lo, hi) = rows[1].difference.unwrap();
        if lo <= true_difference && true_difference <= hi {
            covered += 1;
        }
        // The arms' own intervals cover their true means too, most of the time.
        if seed == 0 {
            assert!(rows[0].interval.0 < 600.0 && 600.0 < rows[0].interval.1, "{:?}", rows[0]);
        }
    }
    // Nominal 95 %: with 100 trials, fewer than 88 would be very unlikely (p < 0.01).
    assert!(covered >= 88, "95 % intervals covered the true difference in only {covered} of {trials} trials");
}

#[test]
fn morris_and_sobol_rank_the_dominant_parameter_first() {
    // rate is fixed here, so a (×0.2…1.8) dominates b (×0.99…1.01).
    let l = loaded(&["parameters.rate.min=0.001", "parameters.rate.max=0.001"]);
    let outcomes = vec!["strength(f) at end".to_string()];
    let d = Design { loaded: &l, outcomes: &outcomes, runs_per_point: 2, seed: 3, job: None };
    let m = morris(&d, 10, 4, 0, &no_progress).unwrap();
    assert_eq!(m[0].parameter, "a", "{m:?}");
    assert!(m[0].main > 20.0 * m[1].main, "{m:?}");
    assert!(m[0].main_ci.0 > m[1].main_ci.1, "intervals separate: {m:?}");
    let s = sobol(&d, 64, 0, &no_progress).unwrap();
    assert_eq!(s[0].parameter, "a", "{s:?}");
    assert!(s[0].second > 0.8 && s[1].second < 0.05, "{s:?}");
    assert!(s[0].main > 0.7 && s[0].main > s[1].main, "{s:?}");
}

//! Analyses checked against answers known in closed form.
//!
//! The scenario: one region of 1,000,000 people who support actor `a` at 0.5,
//! and one fully armed force group recruiting from them at `rate` per week,
//! with no enemy. After one weekly tick its strength is 100 + Poisson(λ) with
//! λ = rate · 1e6 · 0.5, so E[strength] = 100 + 500,000 · rate exactly.

//!
//! They run through the same request API as the CLI
//! (`frontline_analysis::analyses`), on the theatre model's adapter.

use frontline_analysis::analyses::compare::CompareRequest;
use frontline_analysis::analyses::design::{DesignSettings, SensitivityMethod, SensitivityRequest};
use frontline_analysis::analyses::{self, Job, NoProgress};
use frontline_models::theatre::Theatre;
use frontline_output::{Checkpoints, Format};
use frontline_scenario::Overrides;
use std::path::{Path, PathBuf};

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

/// A fresh directory holding the scenario and a variant that raises `rate`
/// to 0.0012. One per call: tests run in parallel threads of one process.
fn scenario_dir() -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("frontline-analytic-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("recruitment.toml"), SCENARIO).unwrap();
    std::fs::write(dir.join("more.toml"), "[parameters.rate]\nvalue = 0.0012\n").unwrap();
    dir
}

fn load(dir: &Path, sets: &[&str]) -> Theatre {
    let o = Overrides { variants: vec![], sets: sets.iter().map(|s| s.to_string()).collect() };
    match Theatre::load(&dir.join("recruitment.toml"), &o) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(false)),
    }
}

fn job(dir: &Path) -> Job<'_> {
    Job { dir, resume: false, interruption: None, progress: &NoProgress, placement: Default::default() }
}

#[test]
fn compare_intervals_cover_the_true_difference() {
    // a = 0.5, b = 0.5 → recruit_rate = rate · 1.0 · 1.0; λ = 500,000 · rate.
    let dir = scenario_dir();
    let base = load(&dir, &[]);
    let true_difference = 500_000.0 * (0.0012 - 0.001); // 100
    let (mut covered, trials) = (0, 100);
    for seed in 0..trials {
        let req = CompareRequest {
            arms: vec![dir.join("more.toml")],
            outcomes: vec!["strength(f) at end".into()],
            runs: 100,
            seed: Some(seed),
            posterior: Default::default(),
        };
        let (r, _) = analyses::execute(&dir.join("out"), Format::Csv, Checkpoints::Kept, |out| {
            analyses::compare::compare(&base, &req, &job(out))
        })
        .unwrap();
        let rows = r.rows;
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
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn morris_and_sobol_rank_the_dominant_parameter_first() {
    // rate is fixed here, so a (×0.2…1.8) dominates b (×0.99…1.01).
    let dir = scenario_dir();
    let l = load(&dir, &["parameters.rate.min=0.001", "parameters.rate.max=0.001"]);
    let indices = |method, samples| {
        let req = SensitivityRequest {
            method,
            outcome: Some("strength(f) at end".into()),
            settings: DesignSettings { samples, runs_per_point: 2, ranges: vec![], seed: Some(3) },
        };
        let (r, _) = analyses::execute(&dir.join("out"), Format::Csv, Checkpoints::Kept, |out| {
            analyses::design::sensitivity(&l, &req, &job(out))
        })
        .unwrap();
        r.indices
    };
    let m = indices(SensitivityMethod::Morris, 10);
    assert_eq!(m[0].parameter, "a", "{m:?}");
    assert!(m[0].main > 20.0 * m[1].main, "{m:?}");
    assert!(m[0].main_ci.0 > m[1].main_ci.1, "intervals separate: {m:?}");
    let s = indices(SensitivityMethod::Sobol, 64);
    assert_eq!(s[0].parameter, "a", "{s:?}");
    assert!(s[0].second > 0.8 && s[1].second < 0.05, "{s:?}");
    assert!(s[0].main > 0.7 && s[0].main > s[1].main, "{s:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

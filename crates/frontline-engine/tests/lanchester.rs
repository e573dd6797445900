//! The combat phase, in its deterministic limit (no noise) with every
//! multiplier at 1, reproduces the closed-form solution of Lanchester's
//! square law within 1 % over a whole run, through the full tick loop.

use frontline_engine::{simulate, testkit::build};

const DUEL: &str = r#"
[scenario]
name = "duel"
start = 2014-06-01
ticks = 20

[constants.combat]
noise = 0.0
lethality = 0.004
quality_weight = 0.0
morale_weight = 0.0
equipment_weight = 0.0
terrain_desert = 1.0

[mechanisms]
rout = false

[identities.people]

[regions.field]
terrain = "desert"
position = [44.0, 33.0]
population = { people = 1000 }

[actors.red]
hostile = ["blue"]
[actors.blue]

[forces.red]
actor = "red"
kind = "army"
personnel = { field = 10000 }

[forces.blue]
actor = "blue"
kind = "army"
personnel = { field = 8000 }
"#;

/// Closed form for equal per-capita effectiveness k: A(t) = A₀cosh(kt) − B₀sinh(kt).
fn closed_form(a0: f64, b0: f64, k: f64, t: f64) -> (f64, f64) {
    let (c, s) = ((k * t).cosh(), (k * t).sinh());
    (a0 * c - b0 * s, b0 * c - a0 * s)
}

#[test]
fn deterministic_combat_matches_the_square_law_within_one_percent() {
    let m = build(DUEL, "");
    let t = simulate(&m, 0);
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let (red, blue) = (m.force_index("red").unwrap(), m.force_index("blue").unwrap());
    for k in 0..t.snapshots() {
        let days = f64::from(m.tick_days) * k as f64;
        let (ea, eb) = closed_form(10000.0, 8000.0, 0.004, days);
        let a = t.personnel[(k * nf + red) * nr];
        let b = t.personnel[(k * nf + blue) * nr];
        assert!((a - ea).abs() <= 0.01 * ea, "tick {k}: red {a} vs {ea}");
        assert!((b - eb).abs() <= 0.01 * eb.max(1.0), "tick {k}: blue {b} vs {eb}");
    }
    // The square law's invariant A² − B² is preserved along the run.
    let last = t.snapshots() - 1;
    let (a, b) = (t.personnel[(last * nf + red) * nr], t.personnel[(last * nf + blue) * nr]);
    assert!(((a * a - b * b) - (1e8 - 6.4e7)).abs() / 3.6e7 < 0.01);
    assert!(b < 8000.0 * 0.5, "the battle ran long enough to matter: blue {b}");
}

#[test]
fn noise_makes_runs_differ_but_keeps_the_mean_near_the_law() {
    let m = build(DUEL, "[constants.combat]\nnoise = 0.3\n");
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let red = m.force_index("red").unwrap();
    let finals: Vec<f64> = (0..200)
        .map(|s| {
            let t = simulate(&m, s);
            t.personnel[((t.snapshots() - 1) * nf + red) * nr]
        })
        .collect();
    let mean = finals.iter().sum::<f64>() / finals.len() as f64;
    let (ea, _) = closed_form(10000.0, 8000.0, 0.004, 140.0);
    assert!(finals.iter().any(|&x| (x - finals[0]).abs() > 1.0), "noise must vary outcomes");
    assert!((mean - ea).abs() / ea < 0.05, "mean {mean} vs law {ea}");
}

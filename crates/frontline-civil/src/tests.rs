//! Hand-worked cases, determinism and a statistical check.

use crate::model::testing::*;
use crate::model::*;
use crate::params::*;
use crate::simulate;

fn small(w: u32, h: u32, vision: u32) -> Params {
    Params { width: w, height: h, citizen_vision: vision, cop_vision: vision, ..Params::default() }
}

fn cell(p: &Params, x: u32, y: u32) -> u32 {
    y * p.width + x
}

#[test]
fn rebellion_rule_is_strict_grievance_minus_net_risk_over_threshold() {
    // exact binary fractions: 0.375 - 0.5 * 0.25 = 0.25
    assert!(rebels(0.375, 0.5, 0.25, 0.125));
    assert!(!rebels(0.375, 0.5, 0.25, 0.25)); // equality is not enough
    assert!(!rebels(0.375, 0.5, 0.25, 0.5));
    assert!(rebels(0.2, 1.0, 0.0, 0.1)); // no risk: grievance alone
    assert!(!rebels(0.1, 0.0, 0.9, 0.1));
}

#[test]
fn round_half_even_matches_python_round() {
    // (cops, actives) -> round(c/a) in Python
    let cases = [
        (1, 2, 0),
        (3, 2, 2),
        (5, 2, 2),
        (7, 2, 4),
        (0, 1, 0),
        (2, 3, 1),
        (4, 3, 1),
        (5, 3, 2),
        (9, 6, 2),
        (15, 6, 2),
        (21, 6, 4),
        (10, 1, 10),
    ];
    for (c, a, want) in cases {
        assert_eq!(round_half_even_ratio(c, a), want, "round({c}/{a})");
    }
}

#[test]
fn arrest_probability_variants_on_half_cases() {
    let k = 2.3;
    let p = |r: f64| 1.0 - (-k * r).exp();
    // C/A = 0.5, 1.5, 2.5
    for (c, a, exact, floor, round) in [(1u32, 2u32, 0.5, 0.0, 0.0), (3, 2, 1.5, 1.0, 2.0), (5, 2, 2.5, 2.0, 2.0)] {
        assert!((arrest_probability(ArrestRule::Exact, k, c, a) - p(exact)).abs() < 1e-15);
        assert!((arrest_probability(ArrestRule::Floor, k, c, a) - p(floor)).abs() < 1e-15);
        assert!((arrest_probability(ArrestRule::RoundHalfEven, k, c, a) - p(round)).abs() < 1e-15);
    }
    // no cops: no risk under every rule
    for r in [ArrestRule::Exact, ArrestRule::Floor, ArrestRule::RoundHalfEven] {
        assert_eq!(arrest_probability(r, k, 0, 3), 0.0);
    }
    // Mesa's "0.9" at C/A = 1
    assert!((arrest_probability(ArrestRule::RoundHalfEven, k, 4, 4) - 0.899741).abs() < 1e-6);
}

#[test]
fn von_neumann_vision_wraps_around_the_torus() {
    let p = small(20, 20, 2);
    let me = cell(&p, 0, 0);
    let cops = [
        cell(&p, 19, 0),  // dx = -1: seen
        cell(&p, 0, 18),  // dy = -2: seen
        cell(&p, 19, 19), // |dx|+|dy| = 2: seen
        cell(&p, 18, 1),  // 3: not seen
        cell(&p, 3, 0),   // 3: not seen
    ];
    let actives = [(cell(&p, 1, 19), 0.0, 0.0, ACTIVE), (cell(&p, 0, 3), 0.0, 0.0, ACTIVE)]; // 2 seen, 3 not
    let mut cits = vec![(me, 0.0, 0.0, ACTIVE)];
    cits.extend_from_slice(&actives);
    let w = world(&p, 1, &cits, &cops);
    // the citizen herself (centre) is not counted
    assert_eq!(seen_by_citizen(&w, me), (3, 1));
    assert_eq!(citizen_offsets(&w).len(), 12); // 2r(r+1)
}

#[test]
fn small_torus_neighbourhood_has_each_cell_once() {
    // 5x5 with vision 4: the diamond wraps onto itself; every other cell once.
    let p = small(5, 5, 4);
    let cops: Vec<u32> = (1..25).collect();
    let w = world(&p, 1, &[(0, 0.0, 0.0, QUIET)], &cops);
    assert_eq!(citizen_offsets(&w).len(), 24);
    assert_eq!(seen_by_citizen(&w, 0), (24, 0));
    // Moore vision 1 on a 2-wide torus: 3 distinct neighbours.
    let p = Params { vision_shape: VisionShape::Moore, ..small(2, 2, 1) };
    let w = world(&p, 1, &[(0, 0.0, 0.0, QUIET)], &[1, 2, 3]);
    assert_eq!(seen_by_citizen(&w, 0), (3, 0));
}

#[test]
fn fast_and_wrapped_scans_agree() {
    // Same configuration seen on a grid where the fast run path applies
    // (15 >= 2*7+1): compare with a brute-force Manhattan count.
    let p = Params { citizen_density: 0.5, cop_density: 0.2, ..small(15, 17, 7) };
    let w = World::new(&p, 3);
    let (wd, ht) = (15i64, 17i64);
    for c in 0..(15 * 17) as u32 {
        let (x, y) = ((c % 15) as i64, (c / 15) as i64);
        let (mut cops, mut act) = (0, 0);
        for q in 0..(15 * 17) as u32 {
            let (qx, qy) = ((q % 15) as i64, (q / 15) as i64);
            let dx = (qx - x).rem_euclid(wd).min((x - qx).rem_euclid(wd));
            let dy = (qy - y).rem_euclid(ht).min((y - qy).rem_euclid(ht));
            if q != c && dx + dy <= 7 {
                cops += (w.cells[q as usize] == COP) as u32;
                act += (w.cells[q as usize] == ACTIVE) as u32;
            }
        }
        assert_eq!(seen_by_citizen(&w, c), (cops, act), "cell {c}");
    }
}

#[test]
fn hand_worked_rule_variants_disagree_at_half() {
    // One cop and one other active in sight: C/A = 1/2.
    // round-half-even and floor: P = 0, so g = 0.3 > T = 0.1 rebels;
    // exact: P = 1 - exp(-1.15) = 0.683, 0.3 - 0.5 * 0.683 < 0.1: quiet.
    for (rule, want) in [(ArrestRule::RoundHalfEven, ACTIVE), (ArrestRule::Floor, ACTIVE), (ArrestRule::Exact, QUIET)] {
        let p = Params { arrest_rule: rule, movement: false, ..small(20, 20, 3) };
        let me = cell(&p, 5, 5);
        let mut w = world(&p, 1, &[(me, 0.3, 0.5, QUIET), (cell(&p, 6, 5), 0.0, 0.0, ACTIVE)], &[cell(&p, 5, 7)]);
        citizen_step(&mut w, 0);
        assert_eq!(w.cells[me as usize], want, "{rule:?}");
    }
    // Three cops, one other active: C/A = 1.5 rounds to 2 (P = 0.99), floor to 1 (P = 0.8997).
    // g = 0.6, r = 0.55: round: 0.6 - 0.5445 < 0.1 quiet; floor: 0.6 - 0.4949 = 0.105 > 0.1 active.
    for (rule, want) in [(ArrestRule::RoundHalfEven, QUIET), (ArrestRule::Floor, ACTIVE)] {
        let p = Params { arrest_rule: rule, movement: false, ..small(20, 20, 3) };
        let me = cell(&p, 5, 5);
        let cops = [cell(&p, 5, 7), cell(&p, 4, 5), cell(&p, 5, 3)];
        let mut w = world(&p, 1, &[(me, 0.6, 0.55, QUIET), (cell(&p, 6, 5), 0.0, 0.0, ACTIVE)], &cops);
        citizen_step(&mut w, 0);
        assert_eq!(w.cells[me as usize], want, "{rule:?}");
    }
}

#[test]
fn cop_arrests_an_active_in_sight_and_jail_release_takes_the_term_plus_one_activation() {
    let p = Params { max_jail_term: 0, movement: false, ..small(20, 20, 3) };
    let a = cell(&p, 2, 2);
    let mut w = world(&p, 1, &[(a, 0.5, 0.0, ACTIVE)], &[cell(&p, 4, 3)]);
    cop_step(&mut w, 1);
    assert_eq!(w.cells[a as usize], JAILED);
    assert_eq!(w.jail_left(0), 0);
    assert_eq!(w.counts().arrests, 1);
    // term 0: the very next activation re-evaluates (here: rebels again, the
    // cop's presence being C/A = 1/1 -> P = 0.9, risk aversion 0)
    citizen_step(&mut w, 0);
    assert_eq!(w.cells[a as usize], ACTIVE);

    // term 2: two activations spent in jail (state stays jailed), released on the third
    let p = Params { movement: false, ..small(20, 20, 3) };
    let mut w = world(&p, 1, &[(a, 0.5, 0.0, JAILED)], &[]);
    set_jail(&mut w, 0, 2);
    citizen_step(&mut w, 0);
    assert_eq!((w.cells[a as usize], w.jail_left(0)), (JAILED, 1));
    citizen_step(&mut w, 0);
    assert_eq!((w.cells[a as usize], w.jail_left(0)), (JAILED, 0));
    citizen_step(&mut w, 0);
    assert_eq!(w.cells[a as usize], ACTIVE);
    // a cop does not arrest a jailed or quiet citizen
    let mut w = world(&p, 1, &[(a, 0.0, 0.0, JAILED), (cell(&p, 3, 2), 0.0, 0.0, QUIET)], &[cell(&p, 4, 3)]);
    cop_step(&mut w, 2);
    assert_eq!(w.counts().arrests, 0);
}

#[test]
fn jailed_citizens_keep_their_cell_and_block_moves() {
    // A citizen boxed in by jailed citizens (vision 1) cannot move.
    let p = small(10, 10, 1);
    let me = cell(&p, 5, 5);
    let around = [cell(&p, 4, 5), cell(&p, 6, 5), cell(&p, 5, 4), cell(&p, 5, 6)];
    let mut cits = vec![(me, 0.0, 0.0, QUIET)];
    cits.extend(around.iter().map(|&c| (c, 0.0, 0.0, JAILED)));
    let mut w = world(&p, 7, &cits, &[]);
    for _ in 0..20 {
        citizen_step(&mut w, 0);
        assert_eq!(w.position(0), me);
    }
    // with one free cell, it moves there (the only empty cell in sight)
    let mut w = world(&p, 7, &cits[..4], &[]);
    citizen_step(&mut w, 0);
    assert_eq!(w.position(0), cell(&p, 5, 6));
}

#[test]
fn counts_add_up_and_one_agent_per_cell() {
    let p = Params { cop_density: 0.04, legitimacy: 0.82, max_jail_term: 30, ..Params::default() };
    let mut w = World::new(&p, 11);
    let n = w.n_citizens() as u32;
    let cops = w.n_agents() - w.n_citizens();
    for _ in 0..200 {
        let c = w.step();
        assert_eq!(c.active + c.quiet + c.jailed, n);
        assert_eq!(w.cells.iter().filter(|&&x| x == COP).count(), cops);
        assert_eq!(w.cells.iter().filter(|&&x| x != EMPTY && x != COP).count(), n as usize);
        assert!(fields_consistent(&w));
    }
    // a different cop vision, a wrapped small grid and the other shapes keep them right too
    for p in [
        Params { cop_vision: 3, legitimacy: 0.7, max_jail_term: 5, ..small(30, 25, 6) },
        Params { legitimacy: 0.6, max_jail_term: 5, ..small(9, 11, 6) },
        Params { vision_shape: VisionShape::Moore, legitimacy: 0.6, max_jail_term: 5, ..small(30, 30, 4) },
        Params { vision_shape: VisionShape::Euclidean, legitimacy: 0.6, max_jail_term: 5, ..small(30, 30, 5) },
    ] {
        let mut w = World::new(&p, 5);
        let n = w.n_citizens() as u32;
        let mut seen_active = false;
        for _ in 0..60 {
            let c = w.step();
            seen_active |= c.active > 0;
            assert_eq!(c.active + c.quiet + c.jailed, n);
            assert!(fields_consistent(&w), "{p:?}");
        }
        assert!(seen_active, "{p:?}");
    }
}

#[test]
fn same_seed_same_counts() {
    let p = Params::default();
    let a = simulate(&p, 42, 60, 0);
    let b = simulate(&p, 42, 60, 0);
    assert_eq!(a.counts, b.counts);
    let c = simulate(&p, 43, 60, 0);
    assert_ne!(a.counts, c.counts);
    assert_eq!(a.counts[0].step, 0);
    assert_eq!(a.counts[0].active + a.counts[0].jailed + a.counts[0].arrests, 0);
}

#[test]
fn lower_legitimacy_raises_mean_active_fraction() {
    let mean_active = |legitimacy: f64| {
        // Mesa's defaults but short jail terms, so actives are not all jailed for good.
        let p = Params { legitimacy, cop_density: 0.04, max_jail_term: 30, ..Params::default() };
        let mut total = 0.0;
        for seed in 0..8 {
            let t = simulate(&p, seed, 100, 0);
            let after: Vec<f64> = t.counts[51..].iter().map(|c| c.active as f64 / t.citizens as f64).collect();
            total += after.iter().sum::<f64>() / after.len() as f64;
        }
        total / 8.0
    };
    let (lo, mid, hi) = (mean_active(0.5), mean_active(0.7), mean_active(0.9));
    assert!(lo > mid && mid > hi, "L=0.5: {lo}, L=0.7: {mid}, L=0.9: {hi}");
}

mod config {
    use super::*;
    use frontline_scenario::diag::{Diagnostics, Sources};
    use frontline_scenario::value::parse_toml;

    fn decode_text(text: &str) -> Result<Scenario, String> {
        let mut s = Sources::new();
        let f = s.add("t.toml".into(), text.into(), None);
        let mut d = Diagnostics::default();
        let tree = parse_toml(text, f, &mut d).unwrap();
        match decode(&tree, &mut d) {
            Some(sc) if d.is_empty() => Ok(sc),
            _ => Err(d.render(&s, false)),
        }
    }

    #[test]
    fn defaults_are_mesas() {
        let s = decode_text("model = \"civil-violence\"\n").unwrap();
        assert_eq!(s.params, Params::default());
        assert_eq!(s.params.arrest_rule, ArrestRule::RoundHalfEven);
    }

    #[test]
    fn the_example_file_decodes_to_mesas_defaults() {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/civil-violence.toml");
        let l = load(&path, &[]).unwrap_or_else(|e| panic!("{}", e.render(false)));
        assert_eq!(l.scenario.params, Params::default());
        let l = load(&path, &["parameters.legitimacy=0.82".into(), "parameters.arrest_rule=floor".into()])
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        assert_eq!(l.scenario.params.legitimacy, 0.82);
        assert_eq!(l.scenario.params.arrest_rule, ArrestRule::Floor);
        let e = load(&path, &["parameters.legitimacy=high".into()]).err().unwrap().render(false);
        assert!(e.contains("--set #1:1:"), "{e}");
    }

    #[test]
    fn errors_are_located_and_explained() {
        let e = decode_text("model = \"civil-violence\"\n[parameters]\nlegitmacy = 0.5\n").unwrap_err();
        assert!(e.contains("unknown key `legitmacy`") && e.contains("t.toml:3:1") && e.contains("legitimacy"), "{e}");
        let e = decode_text("model = \"civil-violence\"\n[parameters]\nwidth = \"big\"\n").unwrap_err();
        assert!(e.contains("`width` is a string") && e.contains("t.toml:3:9"), "{e}");
        let e = decode_text("model = \"civil-violence\"\n[parameters]\ncop_density = 1.5\n").unwrap_err();
        assert!(e.contains("out of range") && e.contains("t.toml:3:15"), "{e}");
        let e = decode_text("model = \"civil-violence\"\n[parameters]\ncitizen_density = 0.9\ncop_density = 0.2\n")
            .unwrap_err();
        assert!(e.contains("exceeds 1") && e.contains("t.toml:4:15"), "{e}");
        let e = decode_text("model = \"civil-violence\"\n[parameters]\narrest_rule = \"flor\"\n").unwrap_err();
        assert!(e.contains("did you mean `floor`"), "{e}");
    }

    #[test]
    fn model_key_selects_the_model() {
        assert!(text_selects_model("model = \"civil-violence\"\n"));
        assert!(!text_selects_model("[scenario]\nname = \"x\"\n"));
        assert!(!text_selects_model("model = \"other\"\n"));
    }
}

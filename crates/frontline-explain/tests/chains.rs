//! Chains on a synthetic run: the explanation names the rule that truly
//! caused a control change, divergence ticks agree with the raw
//! trajectories, and explanations are deterministic.

use frontline_engine::testkit::line;
use frontline_explain::diverge::first_divergence;
use frontline_explain::{chain, find_region, find_tick, record, render};

/// The insurgents push into the valley from tick 3.
const PUSH: &str = "[actors.isis.rules.push]\nwhen = \"tick >= 3 and strength(insurgents) > 1000\"\n\
                    then = { tactic = \"attack\", force = \"insurgents\", to = \"valley\", fraction = 0.9 }\n";

fn valley_at(extra: &str, seed: u64, date: Option<&str>) -> frontline_explain::Chain {
    let m = line(extra);
    let rec = record::build(&m, &frontline_engine::simulate_explained(&m, seed));
    let r = find_region(&rec, "valley").unwrap();
    chain(&rec, r, find_tick(&rec, date).unwrap())
}

#[test]
fn the_explanation_names_the_rule_that_caused_the_change_and_loses_it_with_the_rule() {
    for seed in [1, 3, 9] {
        let with = valley_at(PUSH, seed, Some("2014-06-22"));
        assert_eq!(with.holder.as_deref(), Some("isis"), "seed {seed}: the push takes the valley");
        assert_eq!(with.links[0].kind, "control");
        let rule = with.links.iter().find(|l| l.rule.as_deref() == Some("isis.push"));
        let rule = rule.unwrap_or_else(|| panic!("seed {seed}: the chain names the rule:\n{}", render(&with)));
        assert!(rule.depth >= 1 && rule.text.contains("strength(insurgents) = "), "{}", rule.text);
        assert!(render(&with).contains("isis.push"));
        // The same run without the rule: the outcome and the explanation change.
        let without = valley_at("", seed, Some("2014-06-22"));
        assert_ne!(without.holder, with.holder, "seed {seed}: without the rule the valley is not taken by then");
        assert!(without.links.iter().all(|l| l.rule.as_deref() != Some("isis.push")));
        assert!(!render(&without).contains("isis.push"));
    }
}

#[test]
fn explanations_are_deterministic() {
    let a = serde_json::to_string(&valley_at(PUSH, 4, None)).unwrap();
    let b = serde_json::to_string(&valley_at(PUSH, 4, None)).unwrap();
    assert_eq!(a, b);
    let m = line(PUSH);
    let r1 = serde_json::to_string(&record::build(&m, &frontline_engine::simulate_explained(&m, 4))).unwrap();
    let r2 = serde_json::to_string(&record::build(&m, &frontline_engine::simulate_explained(&m, 4))).unwrap();
    assert_eq!(r1, r2);
}

#[test]
fn the_divergence_tick_is_the_first_snapshot_at_which_the_runs_differ() {
    // The same model and seed with and without the rule (common random numbers).
    let (with, without) = (line(PUSH), line(""));
    for seed in [1, 2, 5] {
        let (a, b) = (frontline_engine::simulate(&without, seed), frontline_engine::simulate(&with, seed));
        let (k, what) = first_divergence(&without, &a, &b).expect("the runs differ");
        let k = k as usize;
        let snap = |t: &frontline_engine::Trajectory, i: usize| {
            let (nr, nf) = (without.regions.len(), without.forces.len());
            (
                t.control[i * nr..(i + 1) * nr].to_vec(),
                t.personnel[i * nf * nr..(i + 1) * nf * nr].iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                t.morale[i * nf..(i + 1) * nf].iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                t.grievance.len(),
            )
        };
        for i in 0..k {
            assert_eq!(snap(&a, i), snap(&b, i), "seed {seed}: snapshot {i} before the divergence is identical");
        }
        assert_ne!(snap(&a, k), snap(&b, k), "seed {seed}: snapshot {k} differs ({what})");
        assert_eq!(k, 3, "the rule first fires at tick 3");
    }
    let m = line("");
    let t = frontline_engine::simulate(&m, 1);
    assert_eq!(first_divergence(&m, &t, &t), None);
}

#[test]
fn bad_places_and_dates_get_clear_errors() {
    let m = line(PUSH);
    let rec = record::build(&m, &frontline_engine::simulate_explained(&m, 1));
    let e = find_region(&rec, "vally").unwrap_err().to_string();
    assert!(e.contains("no region `vally`") && e.contains("valley"), "{e}");
    let e = find_tick(&rec, Some("2014-13")).unwrap_err().to_string();
    assert!(e.contains("YYYY-MM-DD"), "{e}");
    let e = find_tick(&rec, Some("2001-01-01")).unwrap_err().to_string();
    assert!(e.contains("before the run starts"), "{e}");
    assert_eq!(find_tick(&rec, Some("2099-01-01")).unwrap() as usize, rec.dates.len() - 1);
}

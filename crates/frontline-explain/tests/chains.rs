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

#[test]
fn an_ensembles_groups_gather_equal_chains_whatever_their_numbers_and_name_the_rule() {
    use frontline_explain::ensemble::{group, signature};
    let m = line(PUSH);
    let valley = m.region_index("valley").unwrap();
    let mut runs = Vec::new();
    for seed in 1..=12u64 {
        let rec = record::build(&m, &frontline_engine::simulate_explained(&m, seed));
        // The snapshot at which the valley first fell to isis.
        let isis = m.actor_index("isis").unwrap() as i32;
        let Some(k) = rec.control.iter().position(|c| c[valley] == isis) else { continue };
        let c = chain(&rec, valley, k as u32);
        runs.push((seed, seed, k as u32, rec.dates[k].clone(), c));
    }
    assert!(runs.len() >= 6, "the push takes the valley in most seeds");
    let sigs: Vec<Vec<String>> = runs.iter().map(|r| signature(&r.4)).collect();
    let first_held = {
        let mut v: Vec<(String, usize)> = Vec::new();
        let mut dates: Vec<String> = runs.iter().map(|r| r.3.clone()).collect();
        dates.sort();
        for d in dates {
            match v.last_mut() {
                Some(x) if x.0 == d => x.1 += 1,
                _ => v.push((d, 1)),
            }
        }
        v
    };
    let o = group(("valley_falls", "controls(isis, valley)"), first_held, runs.clone()).unwrap();
    assert_eq!(o.held, runs.len());
    // Each group is exactly the runs with its signature; numbers differ within a group.
    for (g, grp) in o.groups.iter().enumerate() {
        let members: Vec<usize> = (0..runs.len()).filter(|&i| o.members[i].group == g).collect();
        assert_eq!(members.len(), grp.runs);
        assert!(members.iter().all(|&i| sigs[i] == grp.signature));
        assert!(grp.signature.iter().any(|k| k == "rule isis.push fired"), "{:?}", grp.signature);
        assert!(
            grp.signature.iter().all(|k| !k.chars().any(|c| c.is_ascii_digit())),
            "no numbers: {:?}",
            grp.signature
        );
    }
    assert_eq!(o.groups.iter().map(|g| g.runs).sum::<usize>(), runs.len());
    assert!(o.groups.windows(2).all(|w| w[0].runs >= w[1].runs));
    // By a date before any fall, nothing; by the last, everything.
    assert_eq!(o.by("2014-06-01").held, 0);
    let last = runs.iter().map(|r| r.3.clone()).max().unwrap();
    assert_eq!(o.by(&last), o);
}

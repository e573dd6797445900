//! The statistical test of `examples/turning-war.toml` (issue #11, item 5):
//! with no scheduled events and no date conditions, the insurgency expands
//! while the government is weak and is then rolled back once force
//! generation turns the balance; with force generation switched off the war
//! does not turn.
//!
//! Fixed seeds 1..=SEEDS; the thresholds are stated below, and each was set
//! with a margin from the measured fractions (printed on failure).

use frontline_engine::{simulate, testkit};
use frontline_scenario::Model;

const SEEDS: u64 = 20;

fn example(extra: &str) -> Model {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/turning-war.toml");
    testkit::build(&std::fs::read_to_string(path).unwrap(), extra)
}

/// Per seed: (peak of insurgent-held regions, tick of the peak, held at the end).
fn courses(m: &Model) -> Vec<(usize, usize, usize)> {
    let nr = m.regions.len();
    let ins = m.actor_index("insurgency").unwrap() as i32;
    (1..=SEEDS)
        .map(|seed| {
            let t = simulate(m, seed);
            let held: Vec<usize> = (0..t.snapshots())
                .map(|k| t.control[k * nr..(k + 1) * nr].iter().filter(|&&c| c == ins).count())
                .collect();
            let peak = *held.iter().max().unwrap();
            let at = held.iter().position(|&h| h == peak).unwrap();
            (peak, at, *held.last().unwrap())
        })
        .collect()
}

/// Share of seeds in which the insurgency first expands (to at least twice
/// the two regions it starts with) and ends holding at most half its peak.
fn turned(c: &[(usize, usize, usize)]) -> f64 {
    c.iter().filter(|&&(peak, _, end)| peak >= 4 && 2 * end <= peak).count() as f64 / c.len() as f64
}

/// Share of seeds in which the insurgency ends holding at least as much as
/// it held at its peak less one region.
fn held_on(c: &[(usize, usize, usize)]) -> f64 {
    c.iter().filter(|&&(peak, _, end)| end + 1 >= peak).count() as f64 / c.len() as f64
}

/// The arms of the test: the example as it is, and with one mechanism (or
/// the rule through which the government rebuilds) switched off.
const OFF_FORCE_GENERATION: &str = "[mechanisms]\ntraining_pipeline = false\nexperience = false\nreassembly = false\n";
const OFF_NEW_DIVISION: &str = "[actors.gov.rules.raise_division]\nwhen = \"false\"\n";
const OFF_PAYROLL: &str = "[mechanisms]\npayroll = false\n";

#[test]
fn the_insurgency_expands_then_is_rolled_back() {
    let on = courses(&example(""));
    eprintln!("(peak, tick of peak, end) per seed: {on:?}");
    assert!(turned(&on) >= 0.8, "the war turns in at least 80 % of seeds: {:.2}", turned(&on));
    // The expansion lasts: the median peak comes after the first two months.
    let mut at: Vec<usize> = on.iter().map(|c| c.1).collect();
    at.sort_unstable();
    assert!(at[at.len() / 2] >= 9, "median tick of the peak {}", at[at.len() / 2]);
}

#[test]
fn without_force_generation_the_war_does_not_turn() {
    let off = courses(&example(OFF_FORCE_GENERATION));
    eprintln!("force generation off: {off:?}");
    assert!(turned(&off) <= 0.45, "turns in at most 45 % of seeds: {:.2}", turned(&off));
    assert!(held_on(&off) >= 0.55, "the insurgency holds its peak in at least 55 %: {:.2}", held_on(&off));
}

#[test]
fn without_the_new_division_or_without_payroll_the_war_does_not_turn() {
    for (arm, extra) in [("no new division", OFF_NEW_DIVISION), ("payroll off", OFF_PAYROLL)] {
        let c = courses(&example(extra));
        eprintln!("{arm}: {c:?}");
        assert!(turned(&c) <= 0.2, "{arm}: turns in at most 20 % of seeds: {:.2}", turned(&c));
        assert!(held_on(&c) >= 0.7, "{arm}: the insurgency holds its peak in at least 70 %: {:.2}", held_on(&c));
    }
}

/// The insurgency phase (issue #12, item 6): the arm in which the minority
/// of the insurgency's heartland informs (supports the government) rather
/// than sheltering the cells.
const INFORMERS: &str = "[regions.border.support.minority]\ngov = 0.3\n\
    [regions.hills.support.minority]\ngov = 0.3\n[regions.wadi.support.minority]\ngov = 0.3\n\
    [regions.west_town.support.minority]\ngov = 0.3\n[regions.oilfield.support.minority]\ngov = 0.3\n\
    [regions.valley.support.minority]\ngov = 0.3\n";

/// The insurgency's heartland: the regions whose minority the INFORMERS
/// arm turns.
const HEARTLAND: [&str; 6] = ["border", "hills", "wadi", "west_town", "oilfield", "valley"];

/// Per seed: (tick at which the fighters first went underground, if they
/// did; fighter-weeks in the heartland from then to the end; hidden
/// fighters at the end; of them, the share in regions whose population
/// cooperates more with the insurgency than with the government; fighters
/// in the heartland at the end).
fn underground(m: &Model) -> Vec<(Option<usize>, f64, f64, f64, f64)> {
    let (nr, nf, ni, na) = (m.regions.len(), m.forces.len(), m.identities.len(), m.actors.len());
    let f = m.force_index("fighters").unwrap();
    let (ins, gov) = (m.actor_index("insurgency").unwrap(), m.actor_index("gov").unwrap());
    (1..=SEEDS)
        .map(|seed| {
            let t = simulate(m, seed);
            let n = t.snapshots();
            let hidden: Vec<f64> = (0..n).map(|k| t.hidden[k * nf + f]).collect();
            let first = hidden.iter().position(|&h| h > 0.0);
            let heart: Vec<usize> = HEARTLAND.iter().map(|id| m.region_index(id).unwrap()).collect();
            let weeks: f64 = match first {
                Some(k0) => {
                    (k0..n).map(|k| heart.iter().map(|&r| t.personnel[(k * nf + f) * nr + r]).sum::<f64>()).sum()
                }
                None => 0.0,
            };
            let k = n - 1;
            let coop = |r: usize, a: usize| -> f64 {
                (0..ni)
                    .map(|i| t.population[(k * nr + r) * ni + i] * t.support[((k * nr + r) * ni + i) * na + a].max(0.0))
                    .sum()
            };
            let people: Vec<f64> = (0..nr).map(|r| t.personnel[(k * nf + f) * nr + r]).collect();
            let total: f64 = people.iter().sum();
            let sheltered: f64 = (0..nr).filter(|&r| coop(r, ins) > coop(r, gov)).map(|r| people[r]).sum();
            let in_heartland: f64 = heart.iter().map(|&r| people[r]).sum();
            (first, weeks, hidden[k], if total > 0.0 { sheltered / total } else { 0.0 }, in_heartland)
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn after_losing_its_towns_the_insurgency_goes_underground_and_survives_where_the_population_shelters_it() {
    let base = underground(&example(""));
    eprintln!("(went underground at, cell-weeks, cells at the end, share sheltered) per seed: {base:?}");
    let went = base.iter().filter(|u| u.0.is_some()).count() as f64 / SEEDS as f64;
    assert!(went >= 0.9, "the fighters go underground in at least 90 % of seeds: {went:.2}");
    let alive = base.iter().filter(|u| u.2 >= 10.0).count() as f64 / SEEDS as f64;
    assert!(alive >= 0.8, "cells survive to the end in at least 80 % of seeds: {alive:.2}");
    let sheltered = median(base.iter().filter(|u| u.2 >= 10.0).map(|u| u.3).collect());
    assert!(sheltered >= 0.5, "most surviving cells are where the population shelters them: {sheltered:.2}");
}

#[test]
fn where_the_population_informs_the_cells_are_ground_down() {
    // Common random numbers: seed by seed, the same war with the heartland's
    // minority informing instead of sheltering.
    let base = underground(&example(""));
    let informed = underground(&example(INFORMERS));
    eprintln!("informers: {informed:?}");
    let fewer = base.iter().zip(&informed).filter(|(b, i)| i.1 < b.1).count() as f64 / SEEDS as f64;
    assert!(fewer >= 0.9, "fewer heartland fighter-weeks underground in at least 90 % of seeds: {fewer:.2}");
    // At the end, the cells left in the heartland.
    let ratios: Vec<f64> = base.iter().zip(&informed).map(|(b, i)| i.4 / b.4.max(1.0)).collect();
    let ratio = median(ratios);
    assert!(ratio <= 0.2, "median heartland cells at the end with informers at most a fifth: {ratio:.2}");
}

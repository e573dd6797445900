//! One mechanism test per claim C1–C9 of the design brief, on the synthetic
//! example `examples/vicious-circle.toml`: switching the mechanism (or the
//! lever it governs) moves the outcome in the direction the article claims,
//! across a fixed set of seeds.
//!
//! Tolerance: each test compares means over the same 40 seeds (common random
//! numbers) and requires the difference to exceed both a stated absolute
//! margin and two standard errors of the paired differences, so a pass is not
//! a coin flip.

use frontline_engine::{Trajectory, simulate};
use frontline_scenario::{Model, Overrides, load};
use std::path::PathBuf;

const SEEDS: std::ops::Range<u64> = 1..41;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/vicious-circle.toml")
}

fn model(variants: &[&str], sets: &[&str]) -> Model {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/variants");
    let o = Overrides {
        variants: variants.iter().map(|v| dir.join(v)).collect(),
        sets: sets.iter().map(|s| s.to_string()).collect(),
    };
    match load(&example(), &o) {
        Ok(l) => l.model,
        Err(e) => panic!("{}", e.render(false)),
    }
}

/// Runs every seed and maps each trajectory to a number.
fn outcome(m: &Model, f: impl Fn(&Model, &Trajectory) -> f64) -> Vec<f64> {
    SEEDS.map(|s| f(m, &simulate(m, s))).collect()
}

/// Asserts mean(a) − mean(b) > margin and > 2 standard errors of the paired differences.
fn assert_greater(name: &str, a: &[f64], b: &[f64], margin: f64) {
    let n = a.len() as f64;
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    eprintln!("{name}: {ma:.4} vs {mb:.4} (diff {mean:.4}, se {se:.4}, margin {margin})");
    assert!(
        mean > margin && mean > 2.0 * se,
        "{name}: {ma:.4} vs {mb:.4}: difference {mean:.4} not > max({margin}, 2·se = {:.4})",
        2.0 * se
    );
}

fn region(m: &Model, id: &str) -> usize {
    m.region_index(id).expect("region exists")
}
fn force(m: &Model, id: &str) -> usize {
    m.force_index(id).expect("force exists")
}
fn actor(m: &Model, id: &str) -> usize {
    m.actor_index(id).expect("actor exists")
}

/// 1 if the insurgency ever held the city.
fn city_fell(m: &Model, t: &Trajectory) -> f64 {
    let (c, isis, nr) = (region(m, "city"), actor(m, "isis") as i32, m.regions.len());
    f64::from((0..t.snapshots()).any(|k| t.control[k * nr + c] == isis))
}

/// Mean over the run of the minority's grievance in the city.
fn city_grievance(m: &Model, t: &Trajectory) -> f64 {
    let (c, ni, nr) = (region(m, "city"), m.identities.len(), m.regions.len());
    let i = m.identities.iter().position(|x| x.id == "minority").unwrap();
    (0..t.snapshots()).map(|k| t.grievance[(k * nr + c) * ni + i]).sum::<f64>() / t.snapshots() as f64
}

fn final_personnel(m: &Model, t: &Trajectory, f: usize) -> f64 {
    let (nr, nf, k) = (m.regions.len(), m.forces.len(), t.snapshots() - 1);
    t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum()
}

fn final_equipment(m: &Model, t: &Trajectory, f: usize) -> f64 {
    t.equipment[(t.snapshots() - 1) * m.forces.len() + f]
}

fn mean_threat(m: &Model, t: &Trajectory, a: usize) -> f64 {
    let na = m.actors.len();
    (0..t.snapshots()).map(|k| t.threat[k * na + a]).sum::<f64>() / t.snapshots() as f64
}

#[test]
fn c1_arming_and_including_the_minority_saves_the_city_and_lowers_grievance() {
    let base = model(&[], &[]);
    let armed = model(&["arm-tribes.toml"], &[]);
    assert_greater(
        "C1 P(city falls): baseline − arm-tribes",
        &outcome(&base, city_fell),
        &outcome(&armed, city_fell),
        0.05,
    );
    assert_greater(
        "C1 grievance: baseline − arm-tribes",
        &outcome(&base, city_grievance),
        &outcome(&armed, city_grievance),
        0.01,
    );
    // Switching the inclusion mechanism off removes the grievance effect of inclusion.
    let armed_off = model(&["arm-tribes.toml"], &["mechanisms.inclusion=false"]);
    assert_greater(
        "C1 grievance: arm-tribes with inclusion off − on",
        &outcome(&armed_off, city_grievance),
        &outcome(&armed, city_grievance),
        0.01,
    );
}

#[test]
fn c2_foreign_support_makes_the_militias_stronger() {
    let on = model(&[], &[]);
    let off = model(&[], &["mechanisms.external_support=false"]);
    let militia = |m: &Model, t: &Trajectory| final_personnel(m, t, force(m, "militia"));
    assert_greater("C2 militia personnel: support on − off", &outcome(&on, militia), &outcome(&off, militia), 100.0);
}

#[test]
fn c3_distrust_keeps_weapons_from_the_tribes_only_through_the_allocation_rule() {
    let tribal = |m: &Model, t: &Trajectory| final_equipment(m, t, force(m, "tribal"));
    let trusting = model(&[], &["parameters.distrust.min=0", "parameters.distrust.value=0.1"]);
    let distrustful = model(&[], &["parameters.distrust.value=0.95"]);
    assert_greater(
        "C3 tribal weapons: trust − distrust",
        &outcome(&trusting, tribal),
        &outcome(&distrustful, tribal),
        100.0,
    );
    // With the allocation mechanism off, distrust changes nothing.
    let a = outcome(
        &model(
            &[],
            &["mechanisms.weapons_allocation=false", "parameters.distrust.min=0", "parameters.distrust.value=0.1"],
        ),
        tribal,
    );
    let b = outcome(&model(&[], &["mechanisms.weapons_allocation=false", "parameters.distrust.value=0.95"]), tribal);
    assert_eq!(a, b, "distrust must not matter when allocation rules are off");
}

#[test]
fn c4_the_threat_feedback_loop_makes_the_city_fall_more_often() {
    let on = model(&[], &[]);
    let off = model(&[], &["mechanisms.threat_feedback=false"]);
    assert_greater("C4 P(city falls): feedback on − off", &outcome(&on, city_fell), &outcome(&off, city_fell), 0.05);
}

#[test]
fn c5_the_patron_funds_less_as_the_insurgency_weakens() {
    let on = model(&[], &[]);
    let off = model(&[], &["mechanisms.enemy_dependent_goals=false"]);
    // The patron keeps more of its own money when its support depends on the enemy's strength.
    let patron_money = |m: &Model, t: &Trajectory| t.money[(t.snapshots() - 1) * m.actors.len() + actor(m, "patron")];
    assert_greater("C5 patron money kept: on − off", &outcome(&on, patron_money), &outcome(&off, patron_money), 1.0);
}

#[test]
fn c6_routs_hand_equipment_to_the_victor() {
    let on = model(&[], &[]);
    let off = model(&[], &["mechanisms.rout=false"]);
    let captured = |_: &Model, t: &Trajectory| t.ledger.equipment_captured;
    assert_greater("C6 equipment captured: rout on − off", &outcome(&on, captured), &outcome(&off, captured), 100.0);
    assert!(outcome(&off, captured).iter().all(|&x| x == 0.0));
}

#[test]
fn c7_air_power_and_ground_troops_weaken_the_insurgency() {
    let killed = |_: &Model, t: &Trajectory| t.ledger.killed;
    let on = model(&[], &[]);
    let off = model(&["no-airstrikes.toml"], &[]);
    assert_greater("C7 people killed: air − no air", &outcome(&on, killed), &outcome(&off, killed), 100.0);
    let troops = model(&["ground-troops.toml"], &[]);
    let isis = |m: &Model, t: &Trajectory| final_personnel(m, t, force(m, "isis_fighters"));
    assert_greater(
        "C7 insurgents left: air only − air and ground troops",
        &outcome(&on, isis),
        &outcome(&troops, isis),
        100.0,
    );
}

#[test]
fn c8_militias_in_minority_areas_raise_grievance() {
    // Put militias in the city from the start so the effect is measured where they are.
    let sets = ["forces.militia.personnel.city=2000"];
    let on = model(&[], &sets);
    let off = model(&[], &[sets[0], "mechanisms.sectarian_abuse=false"]);
    assert_greater(
        "C8 city grievance: abuse on − off",
        &outcome(&on, city_grievance),
        &outcome(&off, city_grievance),
        0.01,
    );
}

#[test]
fn c9_threat_decays_with_distance() {
    let gov_threat = |m: &Model, t: &Trajectory| mean_threat(m, t, actor(m, "gov"));
    let near = model(&[], &[]);
    // Move the whole western front 400 km further from the capital.
    let far = model(
        &[],
        &[
            "regions.city.position=[39.5, 33.42]",
            "regions.valley.position=[38.7, 33.8]",
            "regions.desert.position=[37.7, 34.3]",
        ],
    );
    assert_greater("C9 threat: front near − far", &outcome(&near, gov_threat), &outcome(&far, gov_threat), 0.005);
    // Without distance decay, distance does not matter at all.
    let a = outcome(&model(&[], &["mechanisms.distance_decay=false"]), gov_threat);
    let b = outcome(
        &model(
            &[],
            &[
                "mechanisms.distance_decay=false",
                "regions.city.position=[39.5, 33.42]",
                "regions.valley.position=[38.7, 33.8]",
                "regions.desert.position=[37.7, 34.3]",
            ],
        ),
        gov_threat,
    );
    assert_eq!(a, b);
}

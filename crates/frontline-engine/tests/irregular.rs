//! Irregular war and control that needs presence (docs/model.md §3.16) in
//! whole runs of the `line` scenario: a losing force goes underground by
//! rule and survives where the population cooperates with it; where the
//! population informs, detection grinds it down; with both switches off the
//! run is the same as without the new keys.

use frontline_engine::{simulate, testkit};

/// The insurgents hold one region; when they hold fewer than two they go
/// underground (they do from the first tick) and stay in the valley.
fn insurgency(valley_gov_support: f64, extra: &str) -> String {
    format!(
        "[mechanisms]\nirregular = true\n\
         [regions.valley.support.sunni]\ngov = {valley_gov_support}\n\
         [forces.army]\npersonnel = {{ capital = 5000, suburbs = 2000, city = 1000, valley = 3000 }}\n\
         [actors.isis.rules.go_to_ground]\nwhen = \"regions_held(isis) < 2\"\n\
         then = {{ tactic = \"go_underground\", force = \"insurgents\" }}\n{extra}"
    )
}

fn hidden_at_end(support: f64, seed: u64) -> (f64, f64) {
    let m = testkit::line(&insurgency(support, ""));
    let t = simulate(&m, seed);
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let ins = m.force_index("insurgents").unwrap();
    let valley = m.region_index("valley").unwrap();
    let k = t.snapshots() - 1;
    (t.hidden[k * nf + ins], t.personnel[(k * nf + ins) * nr + valley])
}

#[test]
fn a_losing_force_goes_underground_by_rule_and_the_population_decides_its_fate() {
    // Over fixed seeds: where the valley's Sunnis inform on the insurgents
    // (support for gov 0.8), fewer cells survive than where they do not (−0.5).
    let (mut informed, mut sheltered) = (0.0, 0.0);
    for seed in 1..=8 {
        informed += hidden_at_end(0.8, seed).1;
        sheltered += hidden_at_end(-0.5, seed).1;
    }
    assert!(sheltered > 0.0, "the cells survive where the population shelters them");
    assert!(informed < 0.8 * sheltered, "informed {informed} vs sheltered {sheltered}");
    // They went underground: hidden personnel is recorded from the first tick on.
    let m = testkit::line(&insurgency(0.0, ""));
    let t = simulate(&m, 1);
    let nf = m.forces.len();
    let ins = m.force_index("insurgents").unwrap();
    assert_eq!(t.hidden[ins], 0.0, "open at tick 0");
    assert!(t.hidden[nf + ins] > 0.0, "hidden after the first strategy phase");
}

#[test]
fn with_the_switches_off_the_new_keys_change_nothing() {
    let plain = testkit::line("");
    let keyed = testkit::line(
        "[forces.insurgents]\nhidden = true\n[constants.irregular]\narea_lethality = 1e-5\n\
         [constants.presence]\nlapse_weeks = 1\n\
         [actors.isis.rules.go_to_ground]\nthen = { tactic = \"go_underground\", force = \"insurgents\" }\n",
    );
    for seed in [1, 2, 3] {
        let (a, b) = (simulate(&plain, seed), simulate(&keyed, seed));
        assert_eq!(a, b, "seed {seed}");
        assert!(b.hidden.is_empty());
    }
}

#[test]
fn presence_makes_an_unheld_hostile_city_lapse_in_a_whole_run() {
    // Nobody garrisons the city; its Sunnis are hostile to gov.
    let base = "[regions.city.support.sunni]\ngov = -0.6\nisis = 0.4\n\
                [forces.army]\npersonnel = { city = 0 }\n\
                [forces.tribes]\npersonnel = { city = 0 }\n";
    let held = |extra: &str| {
        let m = testkit::line(&format!("{base}{extra}"));
        let t = simulate(&m, 4);
        let city = m.region_index("city").unwrap();
        let nr = m.regions.len();
        let gov = m.actor_index("gov").unwrap() as i32;
        (1..t.snapshots()).find(|&k| t.control[k * nr + city] != gov)
    };
    assert_eq!(held(""), None, "without presence the empty city stays held");
    let lapsed = held("[mechanisms]\npresence = true\n").expect("with presence it lapses");
    assert!(lapsed >= 4, "not before four weeks: {lapsed}");
}

#[test]
fn irregular_on_with_nobody_hidden_runs_as_the_square_law_alone() {
    // No group hides: detection and area fire never act, and the aimed
    // battle is the combat phase's own, draw for draw.
    for seed in [1, 2, 3] {
        let off = simulate(&testkit::line(""), seed);
        let mut on = simulate(&testkit::line("[mechanisms]\nirregular = true\n"), seed);
        assert!(on.hidden.iter().all(|&h| h == 0.0));
        on.hidden.clear();
        assert_eq!(off, on, "seed {seed}");
    }
}

//! Regression tests for defects found in review of the issue #11 engine
//! features (one test per defect).

use frontline_engine::phases::{forcegen, recruitment, supply};
use frontline_engine::state::State;
use frontline_engine::{simulate, testkit};

/// An empty f64 sum is −0.0 in Rust; a group whose trainees have all
/// graduated showed "-0" trainees in the forces table.
#[test]
fn regression_emptied_pipelines_hold_plus_zero_not_minus_zero() {
    let m = testkit::line(
        "[mechanisms]\ntraining_pipeline = true\nreassembly = true\n[forces.insurgents]\ntraining_weeks = 1\n",
    );
    let t = simulate(&m, 3);
    let minus_zero = (-0.0f64).to_bits();
    assert!(t.trainees.iter().all(|x| x.to_bits() != minus_zero), "a trainee count is −0.0");
    assert_ne!(t.ledger.in_training.to_bits(), minus_zero);
    assert_ne!(t.ledger.straggling.to_bits(), minus_zero);
}

/// Conscription skipped both the payroll cap and `supply.recruit_cost`: a
/// government with no money drafted a thousand men it could not pay.
#[test]
fn regression_a_draft_is_paid_for() {
    let broke = "[mechanisms]\nconscription = true\npayroll = true\n[constants.supply]\nrecruit_cost = 5\n\
                 [actors.gov]\nmoney = 0\nincome = 0\n[forces.army]\nconscription = 0.01\nupkeep = 0.001\n";
    let m = testkit::line(broke);
    let mut s = State::new(&m, 1);
    recruitment::run(&m, &mut s);
    assert_eq!(s.ledger.conscripted, 0.0, "no money, no draft");
    // With 1e6 in hand, recruits at 25,000 each and the army's payroll of
    // 8,000 × 0.001 a week held 4 weeks in reserve, the payroll cap is
    // ⌊(1e6 − 4 · 8) / (4 · 0.001 + 25,000)⌋ = 39 men (the cost cap alone
    // would allow 40).
    let m = testkit::line(
        &broke.replace("money = 0", "money = 1000000").replace("recruit_cost = 5", "recruit_cost = 25000"),
    );
    let mut s = State::new(&m, 1);
    recruitment::run(&m, &mut s);
    assert_eq!(s.ledger.conscripted, 39.0);
    assert_eq!(s.ledger.spent_recruitment, 39.0 * 25000.0);
}

/// Graduates joined their depot even when an enemy held it, appearing
/// behind enemy lines; they now wait as stragglers do.
#[test]
fn regression_graduates_wait_while_the_enemy_holds_the_depot() {
    let m = testkit::line(
        "[mechanisms]\ntraining_pipeline = true\n[forces.army]\ndepot = \"capital\"\ntraining_weeks = 1\n",
    );
    let (nr, army, capital) = (m.regions.len(), m.force_index("army").unwrap(), m.region_index("capital").unwrap());
    let isis = m.actor_index("isis").unwrap();
    let mut s = State::new(&m, 1);
    forcegen::enlist(&m, &mut s, army, capital, 100.0);
    s.control[capital] = Some(isis);
    let before = s.personnel[army * nr + capital];
    for tick in 1..=3 {
        s.tick = tick;
        supply::run(&m, &mut s);
    }
    assert_eq!(s.personnel[army * nr + capital], before, "nobody graduates into enemy ground");
    assert_eq!(s.forcegen.trainees[army], 100.0);
    s.control[capital] = m.regions[capital].control;
    s.tick = 4;
    supply::run(&m, &mut s);
    assert_eq!(s.personnel[army * nr + capital], before + 100.0, "they join once the depot is back");
}

/// Area fire against hidden fighters (§3.16) kills civilians (§3.17), and
/// the deaths are charged to the side that fired: the two features of #12
/// meet in the combat phase. With the area fire switched off (lethality 0),
/// the hunters' toll falls to what their aimed fire alone causes.
#[test]
fn area_fire_kills_civilians_charged_to_the_hunters() {
    let toll = |area: f64| {
        let m = testkit::line(&format!(
            "[mechanisms]\nirregular = true\ncivilian_harm = true\n[forces.insurgents]\nhidden = true\n\
             [constants.irregular]\ndetection_rate = 0\narea_lethality = {area}\n"
        ));
        let tribes = m.actor_index("tribes").unwrap();
        let mut s = State::new(&m, 1);
        frontline_engine::phases::perception::effective_strengths(&m, &mut s);
        frontline_engine::phases::combat::run(&m, &mut s);
        (s.civilians.deaths_by[tribes], s.ledger.civilians_killed)
    };
    let (with, total) = toll(0.0001);
    let (without, _) = toll(0.0);
    assert!(total > 0.0, "the battle in the valley kills civilians");
    assert!(with > without, "area fire adds to the hunters' toll: {with} vs {without}");
}

//! Property tests: conservation, bounds and determinism hold for any seed and
//! for constants drawn across their plausible ranges.

use frontline_engine::{Trajectory, simulate, testkit};
use frontline_scenario::Model;
use proptest::prelude::*;

fn example_with(extra: &str) -> Model {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/vicious-circle.toml");
    let base = std::fs::read_to_string(path).unwrap();
    testkit::build(&base, extra)
}

fn overlay(lethality: f64, noise: f64, dominance: f64, issue: f64, rate: f64) -> String {
    format!(
        "[constants.combat]\nlethality = {lethality}\nnoise = {noise}\n[constants.control]\ndominance = {dominance}\n\
         [constants.supply]\nweapons_issue_rate = {issue}\n[forces.isis_fighters]\nrecruit_rate = {rate}\n"
    )
}

/// People: population + personnel + trainees + stragglers + the dead
/// (fighters and civilians) +
/// deserters who left the theatre is the initial total plus those who came
/// from outside (inflow); weapons: stocks + equipment +
/// destroyed − received is constant.
fn check_conservation(m: &Model, t: &Trajectory) -> Result<(), TestCaseError> {
    let (nr, ni, nf, na) = (m.regions.len(), m.identities.len(), m.forces.len(), m.actors.len());
    let k = t.snapshots() - 1;
    // Stragglers are a stock too, but there are none at tick 0 (no combat yet).
    let people = |k: usize| -> f64 {
        t.population[k * nr * ni..(k + 1) * nr * ni].iter().sum::<f64>()
            + t.personnel[k * nf * nr..(k + 1) * nf * nr].iter().sum::<f64>()
            + t.trainees[k * nf..(k + 1) * nf].iter().sum::<f64>()
    };
    let trainees: f64 = t.trainees[k * nf..(k + 1) * nf].iter().sum();
    prop_assert!((trainees - t.ledger.in_training).abs() <= 1e-6 * trainees.max(1.0), "trainees {trainees}");
    let weapons = |k: usize| -> f64 {
        t.weapons[k * na..(k + 1) * na].iter().sum::<f64>() + t.equipment[k * nf..(k + 1) * nf].iter().sum::<f64>()
    };
    let l = &t.ledger;
    let p0 = people(0) + l.inflow;
    let p1 = people(k) + l.straggling + l.killed + l.civilians_killed + l.deserted_lost;
    prop_assert!((p0 - p1).abs() <= 1e-6 * p0, "people {p0} -> {p1}");
    let w0 = weapons(0) + l.weapons_received;
    let w1 = weapons(k) + l.equipment_destroyed;
    prop_assert!((w0 - w1).abs() <= 1e-6 * w0.max(1.0), "weapons {w0} -> {w1}");
    // Money: stocks + everything spent = initial stocks + income (transfers
    // between actors only move it).
    let money = |k: usize| -> f64 { t.money[k * na..(k + 1) * na].iter().sum::<f64>() };
    let spent = l.spent_upkeep + l.spent_recruitment + l.spent_training + l.spent_weapons;
    let (m0, m1) = (money(0) + l.money_income, money(k) + spent);
    prop_assert!((m0 - m1).abs() <= 1e-6 * m0.max(1.0), "money {m0} -> {m1}");
    Ok(())
}

fn check_bounds(t: &Trajectory) -> Result<(), TestCaseError> {
    let unit = |v: &[f64], lo: f64| v.iter().all(|x| (lo..=1.0).contains(x));
    prop_assert!(unit(&t.grievance, 0.0), "grievance out of [0, 1]");
    prop_assert!(unit(&t.support, -1.0), "support out of [-1, 1]");
    prop_assert!(unit(&t.morale, 0.0), "morale out of [0, 1]");
    prop_assert!(unit(&t.quality, 0.0), "quality out of [0, 1]");
    prop_assert!(unit(&t.threat, 0.0), "threat out of [0, 1]");
    for (name, v) in [
        ("trainees", &t.trainees),
        ("personnel", &t.personnel),
        ("population", &t.population),
        ("equipment", &t.equipment),
        ("weapons", &t.weapons),
        ("money", &t.money),
    ] {
        prop_assert!(v.iter().all(|x| *x >= -1e-9 && x.is_finite()), "{name} negative or not finite");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn example_conserves_people_and_weapons_and_stays_in_bounds(
        seed in any::<u64>(),
        lethality in 0.0..0.05f64,
        noise in 0.0..1.0f64,
        dominance in 1.0..6.0f64,
        issue in 0.0..1.0f64,
        rate in 0.0..0.01f64,
    ) {
        let m = example_with(&overlay(lethality, noise, dominance, issue, rate));
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
    }

    /// Every optional term on at once (occupation, panic and contagion,
    /// detours, broad fronts, named sources, transfers, marching columns):
    /// the invariants hold.
    #[test]
    fn optional_mechanisms_keep_conservation_bounds_and_determinism(
        seed in any::<u64>(),
        occupation in 0.0..1.0f64,
        panic in 0.0..0.6f64,
        contagion in 0.0..2.0f64,
        detour in 0u32..4,
        share in 0.0..1.0f64,
    ) {
        let extra = format!(
            "[constants.attitudes]\noccupation_rate = {occupation}\noccupation_support = {occupation}\n\
             [constants.rout]\npanic_morale = {panic}\ncontagion = {contagion}\n\
             [constants.movement]\nmax_detour = {detour}\n\
             [actors.isis.rules.strike.then]\nto = \"broad_front\"\n\
             [forces.gov_reserve]\nactor = \"gov\"\nkind = \"army\"\nidentity = \"majority\"\npersonnel = {{ capital = 800 }}\nequipment = 600\n\
             [actors.gov.rules.reinforce]\nthen = {{ tactic = \"transfer\", force = \"gov_reserve\", into = \"army\", fraction = {share} }}\n\
             [actors.gov.rules.send_reserve]\nthen = {{ tactic = \"deploy\", force = \"gov_reserve\", to = \"valley\", from = \"capital\", fraction = 0.3 }}\n\
             [actors.gov.rules.column]\nthen = {{ tactic = \"march\", force = \"army\", from = \"capital\", to = \"valley\", fraction = 0.1 }}\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        prop_assert_eq!(&t, &simulate(&m, seed));
        // The terms did act: the reserve was transferred and sent away.
        let (nr, nf) = (m.regions.len(), m.forces.len());
        let reserve = m.force_index("gov_reserve").unwrap();
        let capital = m.region_index("capital").unwrap();
        let at = |k: usize| t.personnel[(k * nf + reserve) * nr + capital];
        prop_assert!(at(t.snapshots() - 1) < at(0), "the reserve left the capital");
    }

    /// Irregular war and control that needs presence on (hidden fighters
    /// from the start or by rule, surfacing, area fire, intimidation,
    /// lapses): people, weapons and money are conserved, the bounds hold,
    /// the run is deterministic, and hidden personnel never exceed personnel.
    #[test]
    fn irregular_war_and_presence_conserve_people_and_stay_in_bounds(
        seed in any::<u64>(),
        start_hidden in any::<bool>(),
        held in 1u32..6,
        area in 0.0..1e-4f64,
        raids in 0.0..0.01f64,
        lapse in 0.0..8.0f64,
        noise in 0.0..1.0f64,
    ) {
        let extra = format!(
            "[mechanisms]\nirregular = true\npresence = true\n\
             [constants.combat]\nnoise = {noise}\n\
             [constants.irregular]\narea_lethality = {area}\nraid_lethality = {raids}\n\
             [constants.presence]\nlapse_weeks = {lapse}\nhostile_support = 0.05\n\
             [actors.isis.rules.go_to_ground]\nwhen = \"regions_held(isis) < {held}\"\n\
             then = {{ tactic = \"go_underground\", force = \"isis_fighters\", fraction = 0.5 }}\n\
             [actors.isis.rules.surface]\nwhen = \"tick > 30 and hidden(isis_fighters) > 0\"\n\
             then = {{ tactic = \"surface\", force = \"isis_fighters\", to = \"desert\" }}\n\
             [forces.isis_fighters]\nhidden = {start_hidden}\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        prop_assert_eq!(&t, &simulate(&m, seed));
        let (nr, nf) = (m.regions.len(), m.forces.len());
        prop_assert_eq!(t.hidden.len(), t.snapshots() * nf);
        for k in 0..t.snapshots() {
            for f in 0..nf {
                let p: f64 = t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum();
                let h = t.hidden[k * nf + f];
                prop_assert!(h >= 0.0 && h <= p * (1.0 + 1e-9) + 1e-9, "hidden {} of {}", h, p);
            }
        }
    }

    /// Force generation on (training pipeline with lent trainers, experience,
    /// reassembly, raise at the start and later): people (trainees and
    /// stragglers included) and weapons are conserved, quality stays in [0, 1].
    #[test]
    fn force_generation_conserves_people_and_weapons(
        seed in any::<u64>(),
        weeks in 0.0..12.0f64,
        trainers in 0.0..400.0f64,
        panic in 0.0..0.6f64,
        share in 0.0..1.0f64,
        back in 0.0..6.0f64,
        armed in 0.0..1.0f64,
        raised in 0.0..1e6f64,
    ) {
        let extra = format!(
            "[mechanisms]\ntraining_pipeline = true\nexperience = true\nreassembly = true\n\
             [constants.rout]\npanic_morale = {panic}\n\
             [constants.force_generation]\ntraining_weeks = {weeks}\nreassembly_share = {share}\n\
             reassembly_weeks = {back}\nreassembly_armed = {armed}\ncombat_gain = 0.5\ndecay = 0.2\n\
             [actors.gov]\ntrainers = {trainers}\n[actors.us]\ntrainers = 100\n\
             [actors.us.rules.lend]\nthen = {{ tactic = \"lend_trainers\", to = \"gov\", fraction = 0.5 }}\n\
             [forces.levy]\nactor = \"gov\"\nkind = \"tribal\"\nidentity = \"majority\"\nactive = false\nupkeep = 0.001\nrally = \"south\"\n\
             [events.levy]\ndate = 2014-06-01\nactor = \"gov\"\nthen = [{{ tactic = \"raise\", force = \"levy\", amount = 3000 }}]\n\
             [actors.gov.rules.raise]\nwhen = \"tick == 10\"\nthen = {{ tactic = \"raise\", force = \"levy\", amount = {raised} }}\n\
             [actors.gov.rules.send_levy]\nthen = {{ tactic = \"deploy\", force = \"levy\", to = \"city\", fraction = 0.5, from = \"all\" }}\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        prop_assert_eq!(&t, &simulate(&m, seed));
        // The mechanisms acted: men were raised at the start and went into training.
        let nf = m.forces.len();
        let levy = m.force_index("levy").unwrap();
        prop_assert!(t.trainees[levy] > 0.0 || weeks == 0.0, "the tick-0 levy trains");
        prop_assert!(t.events.iter().any(|e| e.kind == "raise"));
        prop_assert!(t.ledger.graduated > 0.0 || t.trainees[(t.snapshots() - 1) * nf + levy] > 0.0);
    }

    /// Manpower, deterrence, conscription and momentum on, with an external
    /// inflow: people are conserved through the ledger (inflow included),
    /// 0 ≤ manpower ≤ population everywhere, and runs are deterministic.
    #[test]
    fn recruitment_regimes_keep_manpower_in_bounds_and_conserve_people(
        seed in any::<u64>(),
        share in 0.0..0.4f64,
        coming in 0.0..0.001f64,
        rate in 0.0..0.05f64,
        conscription in 0.0..0.05f64,
        inflow in -50.0..300.0f64,
        weight in 0.0..4.0f64,
        risk in 0.0..1.0f64,
    ) {
        let extra = format!(
            "[mechanisms]\nmanpower = true\ndeterrence = true\nconscription = true\nmomentum = true\n\
             [constants.manpower]\nshare = {share}\ncoming_of_age = {coming}\nmomentum_weight = {weight}\nrisk_aversion = {risk}\n\
             [regions.city]\nmanpower_share = {{ minority = 0.01 }}\n\
             [forces.isis_fighters]\nrecruit_rate = {rate}\ninflow = \"{inflow} + 10 * momentum(isis)\"\ninflow_region = \"desert\"\n\
             [forces.army]\nconscription = {conscription}\n\
             [forces.militia]\nrecruit_rate = {rate}\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        prop_assert_eq!(t.manpower.len(), t.population.len());
        for (k, (x, p)) in t.manpower.iter().zip(&t.population).enumerate() {
            prop_assert!(x.is_finite() && *x >= 0.0, "manpower {x} < 0 at {k}");
            prop_assert!(*x <= p + 1e-9 * p.max(1.0), "manpower {x} > population {p} at {k}");
        }
        prop_assert!(t.ledger.conscripted <= t.ledger.recruited + 1e-9);
        if inflow > 0.0 {
            prop_assert!(t.ledger.inflow > 0.0, "the inflow arrived");
        }
        if conscription > 0.001 && share > 0.01 {
            prop_assert!(t.ledger.conscripted > 0.0, "the army conscripted");
        }
        prop_assert_eq!(&t, &simulate(&m, seed));
    }

    /// Money that binds (oil at a price series, revenue, bought weapons,
    /// payroll caps, recruit and training costs): money is conserved through
    /// the ledger, and people and weapons still are.
    #[test]
    fn money_mechanisms_conserve_money_people_and_weapons(
        seed in any::<u64>(),
        price in 0.0..100.0f64,
        reserve in 0.0..20.0f64,
        recruit_cost in 0.0..5.0f64,
        weapons_price in 0.0..3.0f64,
    ) {
        let extra = format!(
            "[mechanisms]\neconomy = true\npayroll = true\n\
             [constants.economy]\npayroll_reserve_weeks = {reserve}\n\
             [constants.supply]\nrecruit_cost = {recruit_cost}\ntraining_cost = 0.01\n\
             [inputs.price]\npoints = {{ 2014-01-01 = {price}, 2015-01-01 = 10.0 }}\n\
             [regions.valley]\noil = 20000\n[regions.desert]\noil = 5000\n\
             [actors.isis]\noil_price = \"input(price) * 0.001\"\nrevenue = \"0.5\"\n\
             [actors.gov]\nweapons_income = 200\nweapons_price = {weapons_price}\n\
             [forces.isis_fighters]\nupkeep = 0.002\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        prop_assert!(t.ledger.money_income > 0.0);
    }

    /// Civilian harm and displacement on, with manpower, air strikes and a
    /// camp: people are conserved through the ledger (civilians killed
    /// included), 0 ≤ manpower ≤ population, the displaced never exceed the
    /// population, every flow follows a neighbour path, and runs are deterministic.
    #[test]
    fn displacement_and_civilian_harm_conserve_people(
        seed in any::<u64>(),
        combat in 0.0..1.0f64,
        fear in 0.0..0.2f64,
        back in 0.0..0.5f64,
        reach in 0u32..4,
        rate in 0.0..3.0f64,
        lethality in 0.0..0.03f64,
    ) {
        let extra = format!(
            "[mechanisms]\ndisplacement = true\ncivilian_harm = true\nmanpower = true\nconscription = true\n\
             [constants.civilians]\nflee_rate_combat = {combat}\nflee_rate_fear = {fear}\nreturn_rate = {back}\n\
             camp_reach = {reach}\nbattle_rate_urban = {rate}\nbattle_rate_rural = {rate}\nstrike_rate_rural = {rate}\n\
             [constants.combat]\nlethality = {lethality}\n\
             [regions.south]\ncamp = true\n[forces.army]\nconscription = 0.01\n"
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        let (nr, ni) = (m.regions.len(), m.identities.len());
        for (k, (x, p)) in t.manpower.iter().zip(&t.population).enumerate() {
            prop_assert!(*x >= 0.0 && *x <= p + 1e-9 * p.max(1.0), "manpower {x} vs population {p} at {k}");
        }
        for k in 0..t.snapshots() {
            let pop: f64 = t.population[k * nr * ni..(k + 1) * nr * ni].iter().sum();
            let away: f64 = t.displaced[k * ni..(k + 1) * ni].iter().sum();
            prop_assert!(away >= 0.0 && away <= pop * (1.0 + 1e-9), "displaced {away} > population {pop}");
        }
        for f in &t.displacement {
            prop_assert!(f.people > 0.0 && f.from != f.to);
            prop_assert!(m.hops[f.from * nr + f.to] != u32::MAX, "a flow without a route: {f:?}");
            if !f.returning {
                prop_assert!(m.regions[f.from].neighbours.contains(&f.to) || m.regions[f.to].camp, "{f:?}");
            }
        }
        let dead: f64 = t.civilian_deaths[(t.snapshots() - 1) * nr..].iter().sum();
        prop_assert!((dead - t.ledger.civilians_killed).abs() <= 1e-6 * dead.max(1.0));
        prop_assert_eq!(&t, &simulate(&m, seed));
    }

    /// The air campaign (surges, fatigue, support by contact, interdiction
    /// of movement and resupply, oil strikes) with the economy on: people,
    /// weapons and money are conserved, fatigue stays in [0, 1], the strike
    /// record adds up to the ledger, and runs are deterministic.
    #[test]
    fn air_campaign_conserves_and_counts_its_strikes(
        seed in any::<u64>(),
        surge in 0.0..3.0f64,
        per_surge in 0.0..1.0f64,
        recovery in 0.0..1.0f64,
        k in 0.0..2.0f64,
        oil_k in 0.0..1.0f64,
        split in 0.0..1.0f64,
    ) {
        let extra = format!(
            "[mechanisms]\nair_campaign = true\neconomy = true\n\
             [constants.air]\nfatigue_per_surge = {per_surge}\nfatigue_recovery = {recovery}\ninterdiction_k = {k}\noil_k = {oil_k}\n\
             [regions.desert]\noil = 5000\n[actors.isis]\noil_price = \"0.001\"\nweapons_income = 100\n\
             [actors.us.rules.air_campaign.then]\nfraction = {split}\n\
             [actors.us.rules.interdict]\nthen = {{ tactic = \"air_strike\", force = \"coalition_air\", to = \"valley\", fraction = \"{rest}\", mission = \"interdiction\" }}\n\
             [actors.us.rules.oil]\nthen = {{ tactic = \"air_strike\", force = \"coalition_air\", to = \"desert\", fraction = 0.2, mission = \"oil\" }}\n\
             [actors.us.rules.surge]\nwhen = \"fatigue(coalition_air) < 0.3 and sorties(coalition_air) >= 0\"\n\
             then = {{ tactic = \"air_surge\", force = \"coalition_air\", amount = {surge} }}\n",
            rest = 1.0 - split,
        );
        let m = example_with(&extra);
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
        let l = &t.ledger;
        let recorded: f64 = t.strikes.iter().map(|x| x.sorties).sum();
        prop_assert!(l.sorties_flown > 0.0, "the campaign flew");
        prop_assert!((recorded - l.sorties_flown).abs() <= 1e-9 * l.sorties_flown);
        let by_mission = l.sorties_support + l.sorties_interdiction + l.sorties_oil;
        prop_assert!((by_mission - l.sorties_flown).abs() <= 1e-9 * l.sorties_flown);
        prop_assert!(t.strikes.iter().all(|x| x.sorties >= 0.0 && x.sorties.is_finite()));
        prop_assert_eq!(&t, &simulate(&m, seed));
    }

    #[test]
    fn line_conserves_and_stays_in_bounds(seed in any::<u64>(), lethality in 0.0..0.05f64) {
        let m = testkit::line(&format!("[constants.combat]\nlethality = {lethality}\n"));
        let t = simulate(&m, seed);
        check_conservation(&m, &t)?;
        check_bounds(&t)?;
    }

    #[test]
    fn same_seed_same_trajectory(seed in any::<u64>()) {
        let m = example_with("");
        prop_assert_eq!(simulate(&m, seed), simulate(&m, seed));
    }
}

#[test]
fn different_seeds_give_different_trajectories() {
    let m = example_with("");
    assert_ne!(simulate(&m, 1), simulate(&m, 2));
}

/// The force-generation property test exercises every stock: with panic on,
/// stragglers scatter and reassemble, trainees graduate, and quality moves.
#[test]
fn force_generation_run_moves_every_stock() {
    let m = example_with(
        "[mechanisms]\ntraining_pipeline = true\nexperience = true\nreassembly = true\n\
         [constants.rout]\npanic_morale = 0.4\n[actors.gov]\ntrainers = 100\n",
    );
    let t = simulate(&m, 3);
    let l = &t.ledger;
    assert!(l.graduated > 0.0 && l.reassembled > 0.0, "{l:?}");
    let nf = m.forces.len();
    let army = m.force_index("army").unwrap();
    assert_ne!(t.quality[army], t.quality[(t.snapshots() - 1) * nf + army]);
}

/// The displacement property test exercises its stocks: with the defaults,
/// civilians die (in battles and under strikes) and people flee, some to the camp.
#[test]
fn displacement_run_moves_people_and_kills_civilians() {
    let m = example_with(
        "[mechanisms]\ndisplacement = true\ncivilian_harm = true\nmanpower = true\n[regions.desert]\ncamp = true\n",
    );
    let t = simulate(&m, 3);
    assert!(t.ledger.civilians_killed > 0.0);
    let us = m.actor_index("us").unwrap();
    let na = m.actors.len();
    let by = &t.civilian_deaths_by[(t.snapshots() - 1) * na..];
    assert!(by[us] > 0.0, "strikes kill civilians: {by:?} {:?}", t.ledger);
    // (The minority that fled the government's city fears it still: it stays away.)
    assert!(t.displacement.iter().any(|f| !f.returning));
    // The city's minority, which fears the government, passes the valley
    // for the desert's camp, two hops away through ground held by isis.
    let (city, desert) = (m.region_index("city").unwrap(), m.region_index("desert").unwrap());
    assert!(
        t.displacement.iter().any(|f| f.from == city && f.to == desert && !f.returning),
        "the camp takes people in"
    );
}

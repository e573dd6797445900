//! The air campaign (mechanism `air_campaign`, off by default; docs/model.md
//! §3.18). Not a phase of its own: the strategy phase calls [`settle`] after
//! every actor's rules, once this tick's strike orders are all given; combat
//! reads [`contact`] and [`add_support_sorties`], movement [`let_through`]
//! and supply [`issue_kept`].
//!
//! For air group f with personnel P_f (its sustainable sorties per week), Δ
//! the tick in weeks, σ_f this tick's surge (the sum of its `air_surge`
//! amounts, clamped to [0, `air.max_surge`]) and F_f its fatigue:
//!
//! ```text
//! capacity_f = P_f · Δ · (1 + σ_f) · (1 − F_f)
//! each air_strike order of f asks φ · P_f · Δ (as without the mechanism) and flies
//!     that × (1 + σ_f)(1 − F_f), all of f's orders scaled down together to capacity_f
//! F_f ← min(1, F_f · (1 − air.fatigue_recovery)^Δ + air.fatigue_per_surge · σ_f)   (after the tick's capacity)
//! ```
//!
//! Missions (`mission` of air_strike): *support* sorties kill and give the
//! C7 bonus in combat, both × contact(o, r) (below); *interdiction* sorties
//! S over region r by actor o cut a share
//!
//! ```text
//! i(o, r) = 1 − exp(−air.interdiction_k · S / (E / 1000 + 1))      E: personnel of o's enemies' ground groups in r
//! ```
//!
//! of the movement out of and into r of every group hostile to o (the men
//! stopped stay where they are) and of the weapons issued to such groups in
//! proportion to their personnel in r (the weapons withheld stay in the
//! issuer's stock); several strikers combine as 1 − Π(1 − i). *Oil* sorties
//! put 1 − exp(−air.oil_k · S) of the region's remaining oil output out of
//! action (`economy::damage_oil`; revenue falls with the `economy` mechanism
//! on; repair is `economy.oil_repair`).
//!
//! Close air support needs ground forces to fix and find the enemy:
//!
//! ```text
//! contact(o, r) = 2 · friendly_eff(o, r) / (friendly_eff(o, r) + hostile_eff(o, r))    (0 if both are 0)
//! ```
//!
//! is 1 in an even fight (the old kills and bonus), 0 with no friendly ground
//! force there and at most 2 where the side dominates.
//!
//! Owns the campaign's run state ([`Air`]); draws no random numbers; people
//! and weapons are only held back, never created or destroyed.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{AirMission, ForceKind};

/// Sorties flown in one tick over one region by one air group on one mission.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strike {
    /// Tick.
    pub tick: u32,
    /// Region struck.
    pub region: usize,
    /// Air force group.
    pub force: usize,
    /// Mission.
    pub mission: AirMission,
    /// Sorties (over the whole tick).
    pub sorties: f64,
}

/// Run state of the air campaign.
#[derive(Debug, Clone, Default)]
pub struct Air {
    /// Fatigue per force group, in [0, 1].
    pub fatigue: Vec<f64>,
    /// Surge ordered this tick per force group (sum of `air_surge` amounts; cleared by [`settle`]).
    pub surge: Vec<f64>,
    /// Sorties flown per force group at the last strategy phase.
    pub flown: Vec<f64>,
    /// `cut[b * nr + r]`: share of actor b's movement out of or into r, and
    /// of the weapons issued to its groups in r, stopped this tick.
    pub cut: Vec<f64>,
    /// Whether any share of `cut` is positive this tick.
    pub interdicting: bool,
    /// This tick's strikes, one per (region, force, mission), in order of first order.
    pub strikes: Vec<Strike>,
    /// Scratch: per force group (ordered sorties, then the scale).
    scratch: Vec<f64>,
    /// Scratch: interdiction sorties per (actor, region).
    int_sorties: Vec<f64>,
    /// Scratch: columns held back by interdiction this movement phase.
    pub(crate) held_columns: Vec<crate::state::Column>,
}

impl Air {
    /// No fatigue, nothing flown.
    pub fn new(m: &Model) -> Air {
        let (nf, na, nr) = (m.forces.len(), m.actors.len(), m.regions.len());
        Air {
            fatigue: vec![0.0; nf],
            surge: vec![0.0; nf],
            flown: vec![0.0; nf],
            cut: vec![0.0; na * nr],
            ..Air::default()
        }
    }
}

/// `air_surge`: adds `amount` (NaN or negative: 0) to the group's surge this
/// tick, if it is an active air group.
pub fn order_surge(m: &Model, s: &mut State, force: usize, amount: f64) {
    if !s.active[force] || m.forces[force].kind != ForceKind::Air || amount.is_nan() {
        return;
    }
    s.air.surge[force] += amount.max(0.0);
}

/// contact(a, r) = 2 · friendly_eff / (friendly_eff + hostile_eff), in [0, 2];
/// 0 where neither side has ground forces.
pub fn contact(m: &Model, s: &State, a: usize, r: usize) -> f64 {
    let nr = m.regions.len();
    let (f, h) = (s.friendly_eff[a * nr + r], s.hostile_eff[a * nr + r]);
    if f + h > 0.0 { 2.0 * (f / (f + h)).clamp(0.0, 1.0) } else { 0.0 }
}

/// Adds this tick's support sorties per (actor, region) to `sorties`
/// (`[actor * nr + region]`), for combat.
pub fn add_support_sorties(m: &Model, s: &State, sorties: &mut [f64]) {
    let nr = m.regions.len();
    for (k, &(f, r, x)) in s.orders.air.iter().enumerate() {
        if mission_of(s, k) == AirMission::Support {
            sorties[m.forces[f].actor * nr + r] += x;
        }
    }
}

fn mission_of(s: &State, k: usize) -> AirMission {
    s.orders.air_mission.get(k).copied().unwrap_or(AirMission::Support)
}

/// The movers of a group of `actor` going from `from` to `to` who get
/// through the interdiction this tick, of `n`: n · (1 − cut(from)) · (1 − cut(to)).
pub fn let_through(m: &Model, s: &State, actor: usize, from: usize, to: usize, n: f64) -> f64 {
    let nr = m.regions.len();
    n * (1.0 - s.air.cut[actor * nr + from]) * (1.0 - s.air.cut[actor * nr + to])
}

/// Share of the weapons issued to group f that arrive this tick:
/// 1 − Σ_r (personnel_f(r) / total_f) · cut(owner_f, r).
pub fn issue_kept(m: &Model, s: &State, f: usize) -> f64 {
    let nr = m.regions.len();
    let total = s.force_total(nr, f);
    if total <= 0.0 {
        return 1.0;
    }
    let b = m.forces[f].actor;
    let lost = crate::state::dot(&s.personnel[f * nr..(f + 1) * nr], &s.air.cut[b * nr..(b + 1) * nr]) / total;
    (1.0 - lost).clamp(0.0, 1.0)
}

/// Settles this tick's strike orders (strategy phase, after every actor's
/// rules; `air_campaign` on): capacity and surge, fatigue, the record of
/// sorties, the interdiction shares and the oil strikes.
pub fn settle(m: &Model, s: &mut State) {
    let (nr, na, nf) = (m.regions.len(), m.actors.len(), m.forces.len());
    let dt = crate::phases::weeks(m);
    let c = &m.constants.air;
    // Capacity: every order of f × (1 + σ)(1 − F), all cut to capacity together.
    let mut scale = std::mem::take(&mut s.air.scratch);
    scale.clear();
    scale.resize(nf, 0.0);
    for &(f, _, x) in &s.orders.air {
        scale[f] += x;
    }
    for (f, scale_f) in scale.iter_mut().enumerate() {
        if m.forces[f].kind != ForceKind::Air {
            continue;
        }
        let sigma = s.air.surge[f].clamp(0.0, c.max_surge);
        let factor = (1.0 + sigma) * (1.0 - s.air.fatigue[f]);
        let ordered = *scale_f;
        let capacity = s.force_total(nr, f) * dt * factor;
        *scale_f = if ordered * factor > capacity && ordered > 0.0 { capacity / ordered } else { factor };
        let keep = (1.0 - c.fatigue_recovery).powf(dt);
        s.air.fatigue[f] = (s.air.fatigue[f] * keep + c.fatigue_per_surge * sigma).clamp(0.0, 1.0);
        s.air.surge[f] = 0.0;
        s.air.flown[f] = 0.0;
    }
    s.air.strikes.clear();
    let mut int_sorties = std::mem::take(&mut s.air.int_sorties);
    int_sorties.clear();
    int_sorties.resize(na * nr, 0.0);
    let tick = s.tick;
    for k in 0..s.orders.air.len() {
        let (f, r, x) = s.orders.air[k];
        let x = x * scale[f];
        s.orders.air[k].2 = x;
        let mission = mission_of(s, k);
        s.air.flown[f] += x;
        s.ledger.sorties_flown += x;
        match mission {
            AirMission::Support => s.ledger.sorties_support += x,
            AirMission::Interdiction => {
                s.ledger.sorties_interdiction += x;
                int_sorties[m.forces[f].actor * nr + r] += x;
            }
            AirMission::Oil => {
                s.ledger.sorties_oil += x;
                crate::phases::economy::damage_oil(s, r, 1.0 - (-c.oil_k * x).exp());
            }
        }
        match s.air.strikes.iter_mut().find(|h| h.region == r && h.force == f && h.mission == mission) {
            Some(h) => h.sorties += x,
            None => s.air.strikes.push(Strike { tick, region: r, force: f, mission, sorties: x }),
        }
    }
    s.air.scratch = scale;
    // Interdiction shares, combined over the strikers hostile to each actor.
    if s.air.interdicting {
        s.air.cut.iter_mut().for_each(|x| *x = 0.0);
        s.air.interdicting = false;
    }
    for o in 0..na {
        for r in 0..nr {
            let x = int_sorties[o * nr + r];
            if x <= 0.0 {
                continue;
            }
            let enemy: f64 = (0..nf)
                .filter(|&g| s.on_ground(m, g) && m.actors[o].hostile[m.forces[g].actor])
                .map(|g| s.personnel[g * nr + r])
                .sum();
            let i = 1.0 - (-c.interdiction_k * x / (enemy / 1000.0 + 1.0)).exp();
            if i <= 0.0 {
                continue;
            }
            for b in 0..na {
                if m.actors[o].hostile[b] {
                    let cut = &mut s.air.cut[b * nr + r];
                    *cut = 1.0 - (1.0 - *cut) * (1.0 - i);
                }
            }
            s.air.interdicting = true;
        }
    }
    s.air.int_sorties = int_sorties;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    /// The line scenario with a US air group (100 sorties a week) allied to
    /// the government, and the campaign on.
    const AIR: &str = "[mechanisms]\nair_campaign = true\n\
        [actors.us]\nallies = [\"gov\", \"tribes\"]\nhostile = [\"isis\"]\n\
        [forces.us_air]\nactor = \"us\"\nkind = \"air\"\npersonnel = { capital = 100 }\n";

    fn strike(extra: &str) -> Model {
        line(&format!("{AIR}{extra}"))
    }

    #[test]
    fn without_ground_partners_close_air_support_kills_nothing() {
        // Strikes on the desert, where only the insurgents stand.
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.5 }\n",
        );
        let mut s = State::new(&m, 1);
        let (nr, ins, desert) =
            (m.regions.len(), m.force_index("insurgents").unwrap(), m.region_index("desert").unwrap());
        let us = m.actor_index("us").unwrap();
        assert_eq!(contact(&m, &s, us, desert), 0.0);
        let before = s.personnel[ins * nr + desert];
        crate::phases::strategy::run(&m, &mut s);
        assert_eq!(s.orders.air, vec![(m.force_index("us_air").unwrap(), desert, 50.0)]);
        crate::phases::combat::run(&m, &mut s);
        assert_eq!(s.personnel[ins * nr + desert], before, "no friendly ground forces: nothing killed");
        // With the campaign off the same strike kills 50 × 1.5 = 75.
        let off = line(&format!(
            "{}[actors.us.rules.s]\nthen = {{ tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.5 }}\n",
            AIR.replace("air_campaign = true", "air_campaign = false")
        ));
        let mut s = State::new(&off, 1);
        crate::phases::strategy::run(&off, &mut s);
        crate::phases::combat::run(&off, &mut s);
        assert!((before - s.personnel[ins * nr + desert] - 75.0).abs() < 1e-9);
    }

    #[test]
    fn in_an_even_fight_close_air_support_is_the_old_value() {
        // Tribes and insurgents, 300 each and every multiplier 1, in the
        // unheld valley; 20 support sorties: contact = 2 · 300 / 600 = 1, so
        // 20 × 1.5 = 30 insurgents die to the strikes and the tribes fight
        // with the bonus 1 + 0.5 · 20 / (20 + 20) = 1.25, as with the
        // campaign off.
        let rule = "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"valley\", fraction = 0.2 }\n\
                    [constants.combat]\nnoise = 0\n\
                    [forces.tribes]\npersonnel = { city = 0, valley = 300 }\nequipment = 300\nquality = 0.5\nmorale = 0.5\n\
                    [forces.insurgents]\npersonnel = { desert = 0, valley = 300 }\nequipment = 300\nquality = 0.5\nmorale = 0.5\n";
        let run = |campaign: bool| {
            let mech = format!("air_campaign = {campaign}\nrout = false");
            let m = line(&format!("{}{rule}", AIR.replace("air_campaign = true", &mech)));
            let mut s = State::new(&m, 1);
            let (nr, valley) = (m.regions.len(), m.region_index("valley").unwrap());
            let (tribes, ins) = (m.force_index("tribes").unwrap(), m.force_index("insurgents").unwrap());
            assert_eq!((s.mult[tribes], s.mult[ins]), (1.0, 1.0));
            let us = m.actor_index("us").unwrap();
            crate::phases::strategy::run(&m, &mut s);
            assert_eq!(s.orders.air[0].2, 20.0);
            let c = contact(&m, &s, us, valley);
            crate::phases::combat::run(&m, &mut s);
            (c, s.personnel[tribes * nr + valley], s.personnel[ins * nr + valley], s.ledger.killed)
        };
        let (c, t_on, i_on, k_on) = run(true);
        let (_, t_off, i_off, k_off) = run(false);
        assert_eq!(c, 1.0, "even fight");
        // Hand-worked: the battle starts at 270 insurgents (rate 0.005 per
        // day, the leader isis, first in index order of two equals) against
        // 300 tribesmen (rate 0.005 × 1.25).
        let (ins, tribes) = crate::phases::combat::square_law(270.0, 300.0, 0.005, 0.005 * 1.25, 7.0);
        assert!((i_on - ins).abs() < 1e-9 && (t_on - tribes).abs() < 1e-9, "{i_on} {ins} {t_on} {tribes}");
        assert!((t_on - t_off).abs() < 1e-12 && (i_on - i_off).abs() < 1e-12 && (k_on - k_off).abs() < 1e-12);
    }

    #[test]
    fn surge_raises_this_ticks_sorties_and_fatigue_lowers_later_capacity() {
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"city\" }\n\
             [actors.us.rules.surge]\nwhen = \"tick == 1\"\nthen = { tactic = \"air_surge\", force = \"us_air\", amount = 0.5 }\n\
             [constants.air]\nfatigue_per_surge = 0.2\nfatigue_recovery = 0.5\n",
        );
        let mut s = State::new(&m, 1);
        let f = m.force_index("us_air").unwrap();
        let mut flown = vec![];
        for t in 1..=3 {
            s.tick = t;
            crate::phases::strategy::run(&m, &mut s);
            flown.push((s.air.flown[f], s.air.fatigue[f]));
            s.orders.reset(m.forces.len(), m.actors.len() * m.regions.len());
        }
        // Tick 1: 100 × 1.5 = 150; fatigue 0.2 × 0.5 = 0.1.
        assert!((flown[0].0 - 150.0).abs() < 1e-9 && (flown[0].1 - 0.1).abs() < 1e-12, "{flown:?}");
        // Tick 2: 100 × (1 − 0.1) = 90; fatigue 0.1 × 0.5 = 0.05.
        assert!((flown[1].0 - 90.0).abs() < 1e-9 && (flown[1].1 - 0.05).abs() < 1e-12, "{flown:?}");
        // Tick 3: 95.
        assert!((flown[2].0 - 95.0).abs() < 1e-9, "{flown:?}");
        assert!((s.ledger.sorties_flown - 335.0).abs() < 1e-9);
    }

    #[test]
    fn surge_is_clamped_and_orders_share_the_capacity() {
        let m = strike(
            "[actors.us.rules.a]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"city\" }\n\
             [actors.us.rules.b]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"valley\" }\n\
             [actors.us.rules.surge]\nthen = { tactic = \"air_surge\", force = \"us_air\", amount = 5 }\n",
        );
        let mut s = State::new(&m, 1);
        crate::phases::strategy::run(&m, &mut s);
        // Two full orders ask 2 × 100 × 2 = 400; the capacity is 100 × (1 + 1) = 200.
        let total: f64 = s.orders.air.iter().map(|o| o.2).sum();
        assert!((total - 200.0).abs() < 1e-9, "{:?}", s.orders.air);
        assert!((s.orders.air[0].2 - s.orders.air[1].2).abs() < 1e-9, "shared in proportion");
    }

    #[test]
    fn interdiction_cuts_enemy_movement_out_of_a_struck_region_and_conserves_people() {
        // 10 interdiction sorties over the desert (2000 insurgents there):
        // i = 1 − exp(−0.05 · 10 / 3).
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.1, mission = \"interdiction\" }\n\
             [actors.isis.rules.go]\nthen = { tactic = \"deploy\", force = \"insurgents\", to = \"valley\", fraction = 0.5 }\n",
        );
        let mut s = State::new(&m, 1);
        let (nr, ins) = (m.regions.len(), m.force_index("insurgents").unwrap());
        let (valley, desert) = (m.region_index("valley").unwrap(), m.region_index("desert").unwrap());
        let total = s.force_total(nr, ins);
        crate::phases::strategy::run(&m, &mut s);
        let i = 1.0 - (-0.05f64 * 10.0 / 3.0).exp();
        let isis = m.actor_index("isis").unwrap();
        assert!((s.air.cut[isis * nr + desert] - i).abs() < 1e-12);
        crate::phases::movement::run(&m, &mut s);
        let moved = s.personnel[ins * nr + valley] - 200.0;
        assert!((moved - 1000.0 * (1.0 - i)).abs() < 1e-9, "moved {moved}");
        assert!((s.personnel[ins * nr + desert] - (2000.0 - moved)).abs() < 1e-9, "the rest stay");
        assert!((s.force_total(nr, ins) - total).abs() < 1e-9, "people conserved");
        // Friendly movement is not cut.
        let gov = m.actor_index("gov").unwrap();
        assert_eq!(s.air.cut[gov * nr + desert], 0.0);
        // Support sorties kill nothing here and do not count as interdiction.
        assert_eq!(s.ledger.sorties_interdiction, 10.0);
    }

    #[test]
    fn an_interdicted_column_leaves_its_stopped_men_behind_to_try_again() {
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.1, mission = \"interdiction\" }\n\
             [actors.isis.rules.go]\nwhen = \"tick == 1\"\nthen = { tactic = \"march\", force = \"insurgents\", from = \"desert\", to = \"city\", fraction = 0.5 }\n",
        );
        let mut s = State::new(&m, 1);
        let (nr, ins) = (m.regions.len(), m.force_index("insurgents").unwrap());
        let [desert, valley] = ["desert", "valley"].map(|x| m.region_index(x).unwrap());
        let total = s.force_total(nr, ins);
        s.tick = 1;
        crate::phases::strategy::run(&m, &mut s);
        crate::phases::movement::run(&m, &mut s);
        let i = 1.0 - (-0.05f64 * 10.0 / 3.0).exp();
        assert!((s.personnel[ins * nr + valley] - 200.0 - 1000.0 * (1.0 - i)).abs() < 1e-9);
        assert!((s.force_total(nr, ins) - total).abs() < 1e-9, "people conserved");
        let held: Vec<_> = s.columns.iter().filter(|c| c.at == desert).collect();
        assert_eq!(held.len(), 1, "{:?}", s.columns);
        assert!((held[0].people - 1000.0 * i).abs() < 1e-9, "the stopped men march on next tick");
    }

    #[test]
    fn interdiction_cuts_the_weapons_issued_to_enemies_in_the_region() {
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.1, mission = \"interdiction\" }\n\
             [actors.isis]\nweapons = 1000\n",
        );
        let mut s = State::new(&m, 1);
        let ins = m.force_index("insurgents").unwrap();
        let isis = m.actor_index("isis").unwrap();
        let weapons = |s: &State| s.weapons.iter().sum::<f64>() + s.equipment.iter().sum::<f64>();
        let (e0, w0) = (s.equipment[ins], weapons(&s));
        crate::phases::strategy::run(&m, &mut s);
        let i = 1.0 - (-0.05f64 * 10.0 / 3.0).exp();
        let kept = 1.0 - i * 2000.0 / 2200.0;
        assert!((issue_kept(&m, &s, ins) - kept).abs() < 1e-12);
        crate::phases::supply::run(&m, &mut s);
        // Issued: 1000 × 0.5, of which `kept` arrives; the rest stays in stock.
        assert!((s.equipment[ins] - e0 - 500.0 * kept).abs() < 1e-9);
        assert!((s.weapons[isis] - 500.0 - 500.0 * (1.0 - kept)).abs() < 1e-9);
        assert!((weapons(&s) - w0).abs() < 1e-9, "weapons conserved");
    }

    #[test]
    fn oil_strikes_cut_revenue() {
        let oil = "[regions.desert]\noil = 1000\n[actors.isis]\noil_price = \"50\"\n\
                   [actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.2, mission = \"oil\" }\n";
        let m = line(&format!("{}{oil}", AIR.replace("air_campaign = true", "air_campaign = true\neconomy = true")));
        let mut s = State::new(&m, 1);
        let (isis, desert) = (m.actor_index("isis").unwrap(), m.region_index("desert").unwrap());
        let full = crate::phases::economy::extra_income(&m, &s, isis);
        crate::phases::strategy::run(&m, &mut s);
        let share = 1.0 - (-0.05f64 * 20.0).exp();
        assert!((s.economy.oil_damage[desert] - share).abs() < 1e-12);
        let struck = crate::phases::economy::extra_income(&m, &s, isis);
        assert!((struck - full * (1.0 - share)).abs() < 1e-6, "{struck} vs {full}");
        crate::phases::supply::run(&m, &mut s);
        assert!(s.economy.income[isis] < full, "revenue falls");
        assert_eq!(s.ledger.sorties_oil, 20.0);
    }

    #[test]
    fn with_the_campaign_off_the_new_keys_are_ignored() {
        let base = AIR.replace("air_campaign = true", "air_campaign = false");
        let go = "[actors.isis.rules.go]\nthen = { tactic = \"attack\", force = \"insurgents\", to = \"city\", fraction = 0.5, from = \"all\" }\n";
        let with_keys = format!(
            "{base}{go}[actors.us.rules.s]\nthen = {{ tactic = \"air_strike\", force = \"us_air\", to = \"city\", mission = \"interdiction\" }}\n\
             [actors.us.rules.surge]\nthen = {{ tactic = \"air_surge\", force = \"us_air\", amount = 1 }}\n"
        );
        let without = format!(
            "{base}{go}[actors.us.rules.s]\nthen = {{ tactic = \"air_strike\", force = \"us_air\", to = \"city\" }}\n"
        );
        let a = crate::simulate(&line(&with_keys), 3);
        let b = crate::simulate(&line(&without), 3);
        assert_eq!(a, b, "the mission and the surge change nothing while the campaign is off");
        assert!(a.strikes.is_empty() && a.ledger.sorties_flown == 0.0);
        assert!(a.ledger.killed > 0.0, "the strikes still kill, as support");
    }

    #[test]
    fn strike_counts_add_up() {
        let m = strike(
            "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"allied_fronts\", fraction = 0.6 }\n\
             [actors.us.rules.i]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.3, mission = \"interdiction\" }\n\
             [actors.us.rules.o]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.1, mission = \"oil\" }\n\
             [actors.us.rules.surge]\nwhen = \"not operation_active(army)\"\nthen = { tactic = \"air_surge\", force = \"us_air\", amount = \"if(fatigue(us_air) < 0.1, 1, 0)\" }\n",
        );
        let t = crate::simulate(&m, 5);
        let l = &t.ledger;
        let sum: f64 = t.strikes.iter().map(|x| x.sorties).sum();
        assert!(l.sorties_flown > 0.0);
        assert!((sum - l.sorties_flown).abs() < 1e-9 * l.sorties_flown);
        assert!(
            (l.sorties_support + l.sorties_interdiction + l.sorties_oil - l.sorties_flown).abs()
                < 1e-9 * l.sorties_flown
        );
        let of = |k: AirMission| t.strikes.iter().filter(|x| x.mission == k).map(|x| x.sorties).sum::<f64>();
        assert!((of(AirMission::Oil) - l.sorties_oil).abs() < 1e-9 * l.sorties_flown);
        assert!((of(AirMission::Interdiction) - l.sorties_interdiction).abs() < 1e-9 * l.sorties_flown);
        assert!(t.strikes.iter().all(|x| x.tick >= 1 && x.tick <= m.ticks));
    }
}

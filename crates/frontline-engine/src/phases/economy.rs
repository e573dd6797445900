//! Money that binds (mechanisms `economy` and `payroll`), used by the supply
//! and recruitment phases.
//!
//! With `economy` on, an actor's weekly income adds to the fixed, regional
//! and tax income of the supply phase (§3.5 of docs/model.md)
//!
//! ```text
//! oil_a     = Σ_{r held by a} 7 · oil_r · price_a · (1 − damage_r)     (oil_r barrels per day)
//! revenue_a = the actor's `revenue` expression (money per week)
//! ```
//!
//! where `price_a` is the actor's `oil_price` expression (money per barrel,
//! which may read an input series: `input(brent) * 0.4`), evaluated once per
//! tick, so revenue falls with the oil fields an actor loses and with the
//! price. `damage_r` ∈ [0, 1] is the share of a region's oil output put out
//! of action (by strikes, in part 2 of the model); it is repaired by
//! `economy.oil_repair` of itself per week. Weapons delivered by
//! `weapons_income` cost `weapons_price` each: only the share the actor can
//! pay for arrives.
//!
//! With `payroll` on, a group recruits only what its owner can pay: before
//! a group's recruits are drawn, they are capped at
//!
//! ```text
//! n_max = max(0, money_a − W · bill_a) / (W · upkeep_f + recruit_cost)     (W = economy.payroll_reserve_weeks)
//! ```
//!
//! with `bill_a` the owner's weekly payroll (upkeep of every active group).
//! An actor short of money thus stops recruiting before it stops paying
//! (the upkeep of §3.5 then cuts pay, which costs morale and causes
//! desertion). Reason: armed groups hire against expected revenue; the
//! reserve of W weeks is an assumption with a range.
//!
//! Owns the flows' state ([`Economy`]); the money itself is `State::money`.

use crate::state::{State, View};
use frontline_scenario::Model;
use frontline_scenario::spec::MechanismName;

/// Money flows of one run, kept for rules and for the record.
#[derive(Debug, Clone, Default)]
pub struct Economy {
    /// Each actor's income at its last supply phase, per week.
    pub income: Vec<f64>,
    /// Share of each region's oil output out of action, in [0, 1].
    pub oil_damage: Vec<f64>,
    /// Weekly payroll per actor during a recruitment phase (scratch).
    pub bills: Vec<f64>,
}

impl Economy {
    /// No income yet, no damage.
    pub fn new(m: &Model) -> Economy {
        Economy { income: vec![0.0; m.actors.len()], oil_damage: vec![0.0; m.regions.len()], bills: Vec::new() }
    }
}

/// An expression's value, or 0 if it is not finite or negative: income is
/// never negative and a NaN must not poison an actor's money.
fn non_negative(m: &Model, s: &State, e: &frontline_scenario::expr::Expr) -> f64 {
    let v = e.eval(&View { model: m, state: s });
    if v.is_finite() { v.max(0.0) } else { 0.0 }
}

/// The `economy` part of actor a's weekly income: oil from the regions it
/// holds at its realised price, and its revenue series.
pub fn extra_income(m: &Model, s: &State, a: usize) -> f64 {
    let actor = &m.actors[a];
    let mut income = 0.0;
    if let Some(price) = &actor.oil_price {
        let price = non_negative(m, s, price);
        if price > 0.0 {
            let mut barrels = 0.0;
            for (r, region) in m.regions.iter().enumerate() {
                if region.oil > 0.0 && s.control[r] == Some(a) {
                    barrels += 7.0 * region.oil * (1.0 - s.economy.oil_damage[r]);
                }
            }
            income += barrels * price;
        }
    }
    if let Some(revenue) = &actor.revenue {
        income += non_negative(m, s, revenue);
    }
    income.min(frontline_scenario::model::MAX_MONEY.max)
}

/// Weapons actor a receives this tick of `dt` weeks, and their cost: all of
/// `weapons_income`, free, unless `economy` is on and it has a price; then
/// the share it can pay for.
pub fn weapons_delivered(m: &Model, s: &State, a: usize, dt: f64) -> (f64, f64) {
    let actor = &m.actors[a];
    let offered = dt * actor.weapons_income;
    if actor.weapons_price <= 0.0 || offered <= 0.0 || !s.on(frontline_scenario::spec::MechanismName::Economy) {
        return (offered, 0.0);
    }
    let cost = offered * actor.weapons_price;
    let share = (s.money[a].max(0.0) / cost).min(1.0);
    (offered * share, cost * share)
}

/// Repairs oil damage: `economy.oil_repair` of it per week.
pub fn repair_oil(m: &Model, s: &mut State, dt: f64) {
    let keep = (1.0 - m.constants.economy.oil_repair).powf(dt);
    for d in &mut s.economy.oil_damage {
        *d *= keep;
    }
}

/// Puts `share` of region r's remaining oil output out of action (strikes on
/// oil; the result stays within [0, 1]).
pub fn damage_oil(s: &mut State, r: usize, share: f64) {
    let d = &mut s.economy.oil_damage[r];
    *d = (*d + share.clamp(0.0, 1.0) * (1.0 - *d)).clamp(0.0, 1.0);
}

/// What group f costs its owner per week in upkeep: nothing if it is
/// inactive, else upkeep × (personnel + trainees) — trainees in the pipeline
/// are paid too, as in the supply phase.
fn group_bill(m: &Model, s: &State, f: usize) -> f64 {
    let force = &m.forces[f];
    if s.active[f] && force.upkeep > 0.0 { force.upkeep * paid_heads(m, s, f) } else { 0.0 }
}

/// The heads group f pays upkeep for: personnel and trainees, with hidden
/// fighters (mechanism `irregular`, §3.16) counted at `irregular.hidden_upkeep`
/// of a full fighter's pay.
pub fn paid_heads(m: &Model, s: &State, f: usize) -> f64 {
    let heads = s.force_total(m.regions.len(), f) + s.forcegen.trainees[f];
    if s.on(MechanismName::Irregular) {
        let part_time = 1.0 - m.constants.irregular.hidden_upkeep;
        heads - part_time * crate::phases::irregular::hidden_total(m, s, f)
    } else {
        heads
    }
}

/// What actor a's active groups cost per week in upkeep.
pub fn payroll(m: &Model, s: &State, a: usize) -> f64 {
    (0..m.forces.len()).filter(|&f| m.forces[f].actor == a).fold(0.0, |t, f| t + group_bill(m, s, f))
}

/// Fills `s.economy.bills` with every actor's weekly payroll, for the
/// recruitment phase (which adds each group's recruits as it goes).
pub fn start_bills(m: &Model, s: &mut State) {
    // One pass over the groups (not one per actor): the same sums as
    // [`payroll`], in the same order per actor.
    let mut bills = std::mem::take(&mut s.economy.bills);
    bills.clear();
    bills.resize(m.actors.len(), 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        bills[force.actor] += group_bill(m, s, f);
    }
    s.economy.bills = bills;
}

/// The most recruits group f's owner can pay for (see the module doc);
/// infinite if recruits cost nothing.
pub fn affordable_recruits(m: &Model, s: &State, f: usize) -> f64 {
    let a = m.forces[f].actor;
    let weeks = m.constants.economy.payroll_reserve_weeks;
    let per_recruit = weeks * m.forces[f].upkeep + m.constants.supply.recruit_cost;
    if per_recruit <= 0.0 {
        return f64::INFINITY;
    }
    let free = s.money[a].max(0.0) - weeks * s.economy.bills[a];
    (free.max(0.0) / per_recruit).floor()
}

/// The most men group f may take on this tick outside voluntary recruitment
/// (conscription, `raise`): what its owner's money pays at
/// `supply.recruit_cost` each, and with `payroll` on what it can pay for
/// ([`affordable_recruits`]). Infinite when recruits cost nothing. With
/// `payroll` on, `s.economy.bills` must be current ([`start_bills`]).
pub fn hire_cap(m: &Model, s: &State, f: usize) -> f64 {
    let a = m.forces[f].actor;
    let cost = m.constants.supply.recruit_cost;
    let by_cost = if cost > 0.0 { (s.money[a].max(0.0) / cost).floor() } else { f64::INFINITY };
    if s.on(frontline_scenario::spec::MechanismName::Payroll) {
        by_cost.min(affordable_recruits(m, s, f))
    } else {
        by_cost
    }
}

/// Charges group f's owner for n men taken on outside voluntary recruitment:
/// `supply.recruit_cost` each, and with `payroll` on their upkeep joins the
/// owner's bill for the rest of the phase.
pub fn pay_hires(m: &Model, s: &mut State, f: usize, n: f64) {
    let a = m.forces[f].actor;
    let cost = m.constants.supply.recruit_cost * n;
    if cost > 0.0 {
        s.money[a] -= cost;
        s.ledger.spent_recruitment += cost;
    }
    if s.on(frontline_scenario::spec::MechanismName::Payroll)
        && let Some(b) = s.economy.bills.get_mut(a)
    {
        *b += n * m.forces[f].upkeep;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    const OIL: &str = "[mechanisms]\neconomy = true\n\
        [regions.valley]\ncontrol = \"isis\"\noil = 1000\n\
        [regions.desert]\noil = 500\n\
        [inputs.brent]\npoints = { 2014-06-01 = 100.0, 2014-07-01 = 50.0 }\n\
        [actors.isis]\noil_price = \"input(brent) * 0.5\"\nrevenue = \"2\"\n";

    #[test]
    fn oil_income_is_output_times_the_price_of_the_day() {
        let m = line(OIL);
        let s = State::new(&m, 1);
        let isis = m.actor_index("isis").unwrap();
        let desert = m.region_index("desert").unwrap();
        // Tick 0 is 2014-06-01: brent 100, realised 50 per barrel. Regions held
        // by isis: the valley (1000 b/d) and, if it holds it, the desert (500).
        let held: f64 =
            m.regions.iter().enumerate().filter(|(r, _)| s.control[*r] == Some(isis)).map(|(_, g)| g.oil).sum();
        assert!(held >= 1000.0);
        let want = 7.0 * held * 50.0 + 2.0;
        assert!((extra_income(&m, &s, isis) - want).abs() < 1e-9, "{} vs {want}", extra_income(&m, &s, isis));
        // Damage halves what a field yields.
        let mut s2 = s.clone();
        damage_oil(&mut s2, m.region_index("valley").unwrap(), 0.5);
        assert!((extra_income(&m, &s, isis) - extra_income(&m, &s2, isis) - 7.0 * 1000.0 * 0.5 * 50.0).abs() < 1e-9);
        let _ = desert;
    }

    #[test]
    fn the_price_series_moves_income_and_lost_fields_cut_it() {
        let m = line(OIL);
        let mut s = State::new(&m, 1);
        let isis = m.actor_index("isis").unwrap();
        let valley = m.region_index("valley").unwrap();
        let early = extra_income(&m, &s, isis);
        s.tick = 2; // 2014-06-15: brent 100 − 50 · 14/30
        let later = extra_income(&m, &s, isis);
        assert!(later < early);
        s.control[valley] = None;
        assert!(extra_income(&m, &s, isis) < later, "losing the valley's field cuts oil income");
    }

    #[test]
    fn without_the_mechanism_oil_earns_nothing() {
        let m = line(&OIL.replace("economy = true", "economy = false"));
        let mut s = State::new(&m, 1);
        let isis = m.actor_index("isis").unwrap();
        let before = s.money[isis];
        crate::phases::supply::run(&m, &mut s);
        let plain = line("[regions.valley]\ncontrol = \"isis\"\n");
        let mut p = State::new(&plain, 1);
        crate::phases::supply::run(&plain, &mut p);
        assert_eq!(s.money[isis] - before, p.money[isis] - plain.actors[isis].money);
    }

    #[test]
    fn repair_shrinks_damage_geometrically() {
        let m = line("[constants.economy]\noil_repair = 0.5\n");
        let mut s = State::new(&m, 1);
        damage_oil(&mut s, 0, 0.8);
        repair_oil(&m, &mut s, 2.0);
        assert!((s.economy.oil_damage[0] - 0.2).abs() < 1e-12);
        damage_oil(&mut s, 0, 2.0);
        assert_eq!(s.economy.oil_damage[0], 1.0, "damage is a share");
    }

    #[test]
    fn bought_weapons_arrive_only_as_far_as_money_goes() {
        let m = line(
            "[mechanisms]\neconomy = true\n[actors.gov]\nweapons_income = 100\nweapons_price = 2\nmoney = 50\nincome = 0\ntax = 0\n",
        );
        let mut s = State::new(&m, 1);
        let gov = m.actor_index("gov").unwrap();
        let (got, cost) = weapons_delivered(&m, &s, gov, 1.0);
        assert_eq!((got, cost), (25.0, 50.0));
        s.money[gov] = 1000.0;
        assert_eq!(weapons_delivered(&m, &s, gov, 1.0), (100.0, 200.0));
    }

    #[test]
    fn recruits_are_capped_by_what_the_owner_can_pay() {
        let m = line(
            "[mechanisms]\npayroll = true\n[constants.economy]\npayroll_reserve_weeks = 4\n[forces.insurgents]\nupkeep = 0.5\n",
        );
        let mut s = State::new(&m, 1);
        let ins = m.force_index("insurgents").unwrap();
        let isis = m.forces[ins].actor;
        start_bills(&m, &mut s);
        let bill = s.economy.bills[isis];
        s.money[isis] = 4.0 * bill + 100.0;
        // 100 spare, each recruit needs 4 weeks × 0.5.
        assert_eq!(affordable_recruits(&m, &s, ins), 50.0);
        s.money[isis] = 4.0 * bill - 1.0;
        assert_eq!(affordable_recruits(&m, &s, ins), 0.0, "short of a month's payroll: no recruits");
    }
}

//! Phase 3, strategy: each actor's rules, in priority order, are evaluated
//! against the state; every rule whose condition holds issues its tactic as
//! an order for the later phases of this tick (or, for allocation and
//! inclusion, changes a standing policy at once).
//!
//! Rules tagged with a mechanism that is switched off are skipped. Amounts
//! and fractions are expressions evaluated now; fractions are clamped to
//! [0, 1] and amounts to [0, the scenario's input limit] (see
//! [`frontline_scenario::model::LIMITS`]), a NaN counting as 0, so a
//! scenario cannot make a phase create or destroy people or weapons, nor
//! turn money or a multiplier into `inf` by an expression such as
//! `1e150 * 1e150` (a non-finite result already counts as 0).

use crate::state::{MoveOrder, State, View};
use frontline_scenario::Model;
use frontline_scenario::expr::Expr;
use frontline_scenario::model::{Limit, MAX_MONEY, MAX_MULTIPLIER, MAX_PEOPLE, MAX_WEIGHT, Tactic, Target};
use frontline_scenario::spec::{ForceKind, MechanismName, TacticKind};

/// `x` clamped to [0, 1]; NaN (e.g. `0 / 0` in a rule) counts as 0.
fn fraction_of(x: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// `x` clamped to [0, `limit`]: the bound a literal amount meets at
/// validation also bounds a computed one. NaN counts as 0.
fn amount_within(x: f64, limit: Limit) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, limit.max) }
}

/// Scores of every region as a `best_target` for actor a, cached in the
/// state's buffers until the flags are cleared: value · (1 + goal) /
/// (1 + hostile effective strength), and −∞ for regions a's side holds.
fn target_scores(m: &Model, s: &mut State, a: usize) {
    let (nr, na) = (m.regions.len(), m.actors.len());
    let b = &mut s.buf;
    if b.target_score_ready.len() != na {
        b.target_score_ready = vec![false; na];
        b.target_score = vec![0.0; na * nr];
    }
    if b.target_score_ready[a] {
        return;
    }
    let allied = &m.actors[a].allied;
    let goals = &m.actors[a].goals;
    let hostile = &s.hostile_eff[a * nr..(a + 1) * nr];
    for (r, out) in b.target_score[a * nr..(a + 1) * nr].iter_mut().enumerate() {
        *out = if s.control[r].is_some_and(|c| allied[c]) {
            f64::NEG_INFINITY
        } else {
            m.regions[r].value * (1.0 + goals[r]) / (1.0 + hostile[r])
        };
    }
    b.target_score_ready[a] = true;
}

/// Marks every cached `best_target` score stale (control or strengths may
/// have changed since they were computed).
pub fn forget_target_scores(s: &mut State) {
    s.buf.target_score_ready.iter_mut().for_each(|x| *x = false);
}

/// Resolves a target region for actor a (moving force f, if any).
pub fn resolve_target(m: &Model, s: &mut State, t: &Target, a: usize, f: Option<usize>) -> Option<usize> {
    let nr = m.regions.len();
    match t {
        Target::Region(r) => Some(*r),
        Target::MostThreatened => {
            let mut best: Option<(f64, usize)> = None;
            for &k in &m.actors[a].key_regions {
                let th = crate::phases::perception::threat_to(m, s, a, k);
                if best.is_none_or(|(b, _)| th > b) {
                    best = Some((th, k));
                }
            }
            best.map(|(_, k)| k)
        }
        Target::BestTarget => {
            // Regions not held by a's side that hold the force or border a
            // region holding it; the highest score wins, ties to the lowest
            // region index. Whether a region is near the force is only asked
            // of regions that would beat the best so far.
            let f = f?;
            target_scores(m, s, a);
            let score = &s.buf.target_score[a * nr..(a + 1) * nr];
            let present = &s.personnel[f * nr..(f + 1) * nr];
            let mut best: Option<(f64, usize)> = None;
            for (r, &x) in score.iter().enumerate() {
                if x == f64::NEG_INFINITY || best.is_some_and(|(b, _)| x <= b) {
                    continue;
                }
                if present[r] > 0.0 || m.regions[r].neighbours.iter().any(|&n| present[n] > 0.0) {
                    best = Some((x, r));
                }
            }
            best.map(|(_, r)| r)
        }
        Target::AlliedFronts | Target::BroadFront => None,
    }
}

/// `broad_front`: every detachment of force f in a region a's side holds
/// picks the best region next to it that a's side does not hold (the
/// `best_target` score, lowest index on ties) and sends `fraction` of itself
/// there, one move order per detachment. Detachments already on ground a's
/// side does not hold stay and fight where they are.
fn broad_front(m: &Model, s: &mut State, kind: TacticKind, a: usize, f: usize, fraction: f64) {
    let nr = m.regions.len();
    target_scores(m, s, a);
    let mut orders = std::mem::take(&mut s.orders.moves);
    let score = &s.buf.target_score[a * nr..(a + 1) * nr];
    for (q, &here) in s.personnel[f * nr..(f + 1) * nr].iter().enumerate() {
        // A held region scores −∞: only detachments on held ground move on.
        if here <= 0.0 || score[q] != f64::NEG_INFINITY {
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        for &n in &m.regions[q].neighbours {
            let x = score[n];
            if x != f64::NEG_INFINITY && best.is_none_or(|(b, _)| x > b) {
                best = Some((x, n));
            }
        }
        if let Some((_, to)) = best {
            orders.push(MoveOrder { kind, force: f, to, fraction, from_all: false, from: Some(q) });
        }
    }
    s.orders.moves = orders;
}

fn eval(m: &Model, s: &State, e: &Expr) -> f64 {
    let v = e.eval(&View { model: m, state: s });
    if v.is_finite() { v } else { 0.0 }
}

/// Carries out one tactic for actor `a`.
pub fn execute(m: &Model, s: &mut State, a: usize, t: &Tactic) {
    let nr = m.regions.len();
    let ni = m.identities.len();
    match t {
        Tactic::Move { kind, force, to, fraction, from_all, from_region } => {
            if !s.active[*force] {
                return;
            }
            let fraction = fraction_of(eval(m, s, fraction));
            if *to == Target::BroadFront {
                broad_front(m, s, *kind, a, *force, fraction);
                return;
            }
            if let Some(to) = resolve_target(m, s, to, a, Some(*force)) {
                if *kind == frontline_scenario::spec::TacticKind::Defend {
                    s.orders.defend[a * nr + to] = true;
                }
                s.orders.moves.push(MoveOrder {
                    kind: *kind,
                    force: *force,
                    to,
                    fraction,
                    from_all: *from_all,
                    from: *from_region,
                });
            }
        }
        Tactic::Allocate { weapons, shares } => {
            let v: Vec<(usize, f64)> =
                shares.iter().map(|(f, e)| (*f, amount_within(eval(m, s, e), MAX_WEIGHT))).collect();
            if *weapons {
                s.weapon_shares[a] = Some(v);
            } else {
                s.money_shares[a] = Some(v);
            }
        }
        Tactic::Fund { to, amount } => {
            let x = amount_within(eval(m, s, amount), MAX_MONEY);
            s.orders.funds.push((a, *to, x));
        }
        Tactic::Recruit { force, amount } => {
            s.orders.recruit_drive[*force] *= amount_within(eval(m, s, amount), MAX_MULTIPLIER);
        }
        Tactic::March { force, from, to, fraction } => {
            if s.active[*force] && from != to {
                let share = fraction_of(eval(m, s, fraction));
                s.orders.marches.push((*force, *from, *to, share));
            }
        }
        Tactic::Transfer { force, into, fraction } => {
            if s.active[*force] && s.active[*into] {
                let share = fraction_of(eval(m, s, fraction));
                s.orders.transfers.push((*force, *into, share));
            }
        }
        Tactic::Train { force, amount } => {
            s.orders.training[*force] += amount_within(eval(m, s, amount), MAX_MULTIPLIER);
        }
        Tactic::AirStrike { force, to, fraction, mission } => {
            if !s.active[*force] || m.forces[*force].kind != ForceKind::Air {
                return;
            }
            let sorties = s.force_total(nr, *force) * fraction_of(eval(m, s, fraction)) * crate::phases::weeks(m);
            match to {
                Target::AlliedFronts => {
                    // The front: enemy-held ground where the actor's side is
                    // in contact or which borders a region its side holds,
                    // in proportion to the enemy's effective strength there.
                    let held = |q: usize| s.control[q].is_some_and(|c| m.actors[a].allied[c]);
                    let fronts: Vec<(usize, f64)> = (0..nr)
                        .filter(|&r| s.hostile_eff[a * nr + r] > 0.0)
                        .filter(|&r| {
                            s.friendly_eff[a * nr + r] > 0.0 || m.regions[r].neighbours.iter().any(|&q| held(q))
                        })
                        .map(|r| (r, s.hostile_eff[a * nr + r]))
                        .collect();
                    let total: f64 = fronts.iter().map(|x| x.1).sum();
                    for (r, w) in fronts {
                        s.orders.air.push((*force, r, sorties * w / total));
                        s.orders.air_mission.push(*mission);
                    }
                }
                t => {
                    if let Some(r) = resolve_target(m, s, t, a, None) {
                        s.orders.air.push((*force, r, sorties));
                        s.orders.air_mission.push(*mission);
                    }
                }
            }
        }
        Tactic::Inclusion { identity, include } => {
            s.excludes[a * ni + identity] = !include;
            s.included[a * ni + identity] = *include;
        }
        Tactic::LendTrainers { to, fraction } => {
            let share = fraction_of(eval(m, s, fraction));
            crate::phases::forcegen::lend(m, s, a, *to, share);
        }
        Tactic::Raise { force, amount } => {
            let n = amount_within(eval(m, s, amount), MAX_PEOPLE);
            crate::phases::forcegen::raise(m, s, *force, n);
        }
        Tactic::AirSurge { force, amount } => {
            if s.on(MechanismName::AirCampaign) {
                let x = eval(m, s, amount);
                crate::phases::air::order_surge(m, s, *force, x);
            }
        }
        Tactic::Hide { force, to, fraction, hide } => {
            if s.on(MechanismName::Irregular) {
                let share = fraction_of(eval(m, s, fraction));
                crate::phases::irregular::switch(m, s, *force, *to, share, *hide);
            }
        }
    }
}

/// Runs every actor's rules, then, with `planning` on, its planned
/// operations (`phases::planning`), which add their move orders after the
/// rules'; with `air_campaign` on, the tick's strike orders are then settled
/// (capacity, surge, fatigue, missions: `phases::air`).
pub fn run(m: &Model, s: &mut State) {
    forget_target_scores(s);
    for (a, actor) in m.actors.iter().enumerate() {
        for (k, rule) in actor.rules.iter().enumerate() {
            if rule.mechanism.is_some_and(|mech: MechanismName| !s.on(mech)) {
                continue;
            }
            let fired = rule.when.holds(&View { model: m, state: s });
            let before = crate::cause::marks(s);
            if fired {
                execute(m, s, a, &rule.then);
            }
            if s.cause.on {
                crate::cause::rule(m, s, a, k, fired, before);
            }
        }
        if actor.planning.is_some() && s.on(MechanismName::Planning) {
            crate::phases::planning::act(m, s, a);
        }
    }
    if s.on(MechanismName::AirCampaign) {
        crate::phases::air::settle(m, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    #[test]
    fn rules_fire_only_when_their_condition_holds() {
        let m = line(
            "[actors.gov.rules.push]\nwhen = \"tick >= 2\"\nthen = { tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.5 }\n",
        );
        let mut s = State::new(&m, 1);
        s.tick = 1;
        run(&m, &mut s);
        assert!(s.orders.moves.is_empty());
        s.tick = 2;
        run(&m, &mut s);
        assert_eq!(s.orders.moves.len(), 1);
        assert_eq!(s.orders.moves[0].to, m.region_index("city").unwrap());
    }

    #[test]
    fn tagged_rules_are_skipped_when_their_mechanism_is_off() {
        let m = line(
            "[mechanisms]\nenemy_dependent_goals = false\n[actors.gov.rules.x]\nmechanism = \"enemy_dependent_goals\"\nthen = { tactic = \"exclude\", identity = \"shia\" }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert!(!s.excludes[m.identities.iter().position(|i| i.id == "shia").unwrap()]);
    }

    #[test]
    fn broad_front_sends_every_detachment_on_held_ground_at_its_own_best_neighbour() {
        // Suburbs taken by the insurgents: the capital and the city (held,
        // with army detachments) both border enemy-held or unheld ground.
        let m = line(
            "[regions.suburbs]\ncontrol = \"isis\"\n[forces.army]\npersonnel = { capital = 5000, suburbs = 0, city = 1000 }\n\
             [actors.gov.rules.push]\nthen = { tactic = \"attack\", force = \"army\", to = \"broad_front\", fraction = 0.4 }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        let r = |id: &str| m.region_index(id).unwrap();
        let mut got: Vec<(Option<usize>, usize, f64)> =
            s.orders.moves.iter().map(|o| (o.from, o.to, o.fraction)).collect();
        got.sort_by_key(|x| x.0);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (Some(r("capital")), r("suburbs")));
        assert_eq!(got[1].0, Some(r("city")));
        assert!([r("suburbs"), r("valley")].contains(&got[1].1));
        assert!(got.iter().all(|x| x.2 == 0.4));
        // best_target, by contrast, gives the whole group one target.
        let m = line(
            "[regions.suburbs]\ncontrol = \"isis\"\n[forces.army]\npersonnel = { capital = 5000, suburbs = 0, city = 1000 }\n\
             [actors.gov.rules.push]\nthen = { tactic = \"attack\", force = \"army\", to = \"best_target\" }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert_eq!(s.orders.moves.len(), 1);
        assert_eq!(s.orders.moves[0].from, None);
    }

    #[test]
    fn a_named_source_reaches_the_move_order() {
        let m = line(
            "[actors.gov.rules.send]\nthen = { tactic = \"deploy\", force = \"army\", to = \"valley\", from = \"capital\", fraction = 0.2 }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert_eq!(s.orders.moves.len(), 1);
        assert_eq!(s.orders.moves[0].from, m.region_index("capital"));
        assert_eq!(s.orders.moves[0].to, m.region_index("valley").unwrap());
    }

    #[test]
    fn a_march_rule_orders_a_column() {
        let m = line(
            "[actors.gov.rules.reinforce]\nthen = { tactic = \"march\", force = \"army\", from = \"capital\", to = \"valley\", fraction = 0.25 }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        let r = |id: &str| m.region_index(id).unwrap();
        assert_eq!(s.orders.marches, vec![(m.force_index("army").unwrap(), r("capital"), r("valley"), 0.25)]);
    }

    #[test]
    fn fractions_are_clamped() {
        let m = line(
            "[actors.gov.rules.push]\nthen = { tactic = \"deploy\", force = \"army\", to = \"city\", fraction = \"5\" }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert_eq!(s.orders.moves[0].fraction, 1.0);
    }

    #[test]
    fn regression_computed_amounts_cannot_overflow_to_inf_or_nan() {
        // Literal amounts meet the input limits at validation; computed ones
        // are bounded here, so `1e150 * 1e150` (finite, 1e300) cannot push
        // money towards inf in later sums, and `0 / 0` cannot put NaN into a
        // march.
        let m = line(concat!(
            "[actors.gov.rules.overflow]\n",
            "then = { tactic = \"fund\", actor = \"isis\", amount = \"1e150 * 1e150\" }\n",
            "[actors.gov.rules.nan]\n",
            "then = { tactic = \"march\", force = \"army\", from = \"capital\", to = \"valley\", fraction = \"0 / 0\" }\n",
        ));
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert_eq!(s.orders.funds.len(), 1);
        assert_eq!(s.orders.funds[0].2, MAX_MONEY.max);
        assert_eq!(s.orders.marches.len(), 1);
        assert_eq!(s.orders.marches[0].3, 0.0);
    }
}

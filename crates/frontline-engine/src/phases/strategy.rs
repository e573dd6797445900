//! Phase 3, strategy: each actor's rules, in priority order, are evaluated
//! against the state; every rule whose condition holds issues its tactic as
//! an order for the later phases of this tick (or, for allocation and
//! inclusion, changes a standing policy at once).
//!
//! Rules tagged with a mechanism that is switched off are skipped. Amounts
//! and fractions are expressions evaluated now; fractions are clamped to
//! [0, 1] and amounts to ≥ 0, so a scenario cannot make a phase create or
//! destroy people or weapons.

use crate::state::{MoveOrder, State, View};
use frontline_scenario::Model;
use frontline_scenario::expr::Expr;
use frontline_scenario::model::{Tactic, Target};
use frontline_scenario::spec::{ForceKind, MechanismName};

/// Resolves a target region for actor a (moving force f, if any). `marks`
/// is scratch space (any contents, any length).
pub fn resolve_target(
    m: &Model,
    s: &State,
    marks: &mut Vec<bool>,
    t: &Target,
    a: usize,
    f: Option<usize>,
) -> Option<usize> {
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
            // Regions not held by a's side, next to (or holding) the force;
            // score = value · (1 + goal) / (1 + hostile effective strength).
            let f = f?;
            let mut best: Option<(f64, usize)> = None;
            // Candidates: regions holding the force and their neighbours.
            let near = marks;
            near.clear();
            near.resize(nr, false);
            for q in 0..nr {
                if s.personnel[f * nr + q] > 0.0 {
                    near[q] = true;
                    for &n in &m.regions[q].neighbours {
                        near[n] = true;
                    }
                }
            }
            for r in 0..nr {
                if !near[r] || s.control[r].is_some_and(|c| m.actors[a].allied[c]) {
                    continue;
                }
                let score = m.regions[r].value * (1.0 + m.actors[a].goals[r]) / (1.0 + s.hostile_eff[a * nr + r]);
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, r));
                }
            }
            best.map(|(_, r)| r)
        }
        Target::AlliedFronts => None,
    }
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
        Tactic::Move { kind, force, to, fraction, from_all } => {
            if !s.active[*force] {
                return;
            }
            let fraction = eval(m, s, fraction).clamp(0.0, 1.0);
            let mut marks = std::mem::take(&mut s.buf.marks);
            let target = resolve_target(m, s, &mut marks, to, a, Some(*force));
            s.buf.marks = marks;
            if let Some(to) = target {
                if *kind == frontline_scenario::spec::TacticKind::Defend {
                    s.orders.defend[a * nr + to] = true;
                }
                s.orders.moves.push(MoveOrder { kind: *kind, force: *force, to, fraction, from_all: *from_all });
            }
        }
        Tactic::Allocate { weapons, shares } => {
            let v: Vec<(usize, f64)> = shares.iter().map(|(f, e)| (*f, eval(m, s, e).max(0.0))).collect();
            if *weapons {
                s.weapon_shares[a] = Some(v);
            } else {
                s.money_shares[a] = Some(v);
            }
        }
        Tactic::Fund { to, amount } => {
            let x = eval(m, s, amount).max(0.0);
            s.orders.funds.push((a, *to, x));
        }
        Tactic::Recruit { force, amount } => {
            s.orders.recruit_drive[*force] *= eval(m, s, amount).max(0.0);
        }
        Tactic::Train { force, amount } => {
            s.orders.training[*force] += eval(m, s, amount).max(0.0);
        }
        Tactic::AirStrike { force, to, fraction } => {
            if !s.active[*force] || m.forces[*force].kind != ForceKind::Air {
                return;
            }
            let sorties = s.force_total(nr, *force) * eval(m, s, fraction).clamp(0.0, 1.0) * crate::phases::weeks(m);
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
                    }
                }
                t => {
                    if let Some(r) = resolve_target(m, s, &mut Vec::new(), t, a, None) {
                        s.orders.air.push((*force, r, sorties));
                    }
                }
            }
        }
        Tactic::Inclusion { identity, include } => {
            s.excludes[a * ni + identity] = !include;
            s.included[a * ni + identity] = *include;
        }
    }
}

/// Runs every actor's rules.
pub fn run(m: &Model, s: &mut State) {
    for (a, actor) in m.actors.iter().enumerate() {
        for rule in &actor.rules {
            if rule.mechanism.is_some_and(|mech: MechanismName| !s.on(mech)) {
                continue;
            }
            if rule.when.holds(&View { model: m, state: s }) {
                execute(m, s, a, &rule.then);
            }
        }
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
    fn fractions_are_clamped() {
        let m = line(
            "[actors.gov.rules.push]\nthen = { tactic = \"deploy\", force = \"army\", to = \"city\", fraction = \"5\" }\n",
        );
        let mut s = State::new(&m, 1);
        run(&m, &mut s);
        assert_eq!(s.orders.moves[0].fraction, 1.0);
    }
}

//! Phase 8, control: a region changes hands when one side dominates it.
//!
//! With effective strengths recomputed after combat and presences below
//! `control.min_presence` personnel ignored:
//!
//! - nobody present: control is unchanged and the region is not contested;
//! - the controller's side present and hostile strength H against friendly
//!   strength F: the strongest hostile actor takes the region if
//!   H ≥ dominance · F, otherwise it is contested;
//! - the controller's side absent (or no controller): the strongest present
//!   actor s takes it if its side's strength is at least `dominance` times
//!   that of s's enemies present (so an unopposed force takes an empty
//!   region), otherwise it is contested.
//!
//! `dominance` defaults to 3, the attacker's classic 3:1 rule of thumb. Each
//! change is logged as a `control_change` event with its date, and the
//! victor's groups present gain `combat.victory_morale`.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::MechanismName;

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    crate::phases::perception::effective_strengths(m, s);
    let nr = m.regions.len();
    let na = m.actors.len();
    let c = &m.constants.control;
    // Ground personnel per (actor, region), in one pass over the groups.
    let mut people = std::mem::take(&mut s.buf.per_actor_region);
    people.clear();
    people.resize(na * nr, 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        if s.on_ground(m, f) {
            for (p, x) in
                people[force.actor * nr..(force.actor + 1) * nr].iter_mut().zip(&s.personnel[f * nr..(f + 1) * nr])
            {
                *p += x;
            }
        }
    }
    // With `irregular` on, hidden fighters neither take nor hold (§3.16).
    let irregular = s.on(MechanismName::Irregular);
    if irregular {
        crate::phases::irregular::tally(m, s);
        for (p, h) in people.iter_mut().zip(&s.irregular.hidden_people) {
            *p = (*p - h).max(0.0);
        }
    }
    let mut eff = vec![0.0; na];
    for r in 0..nr {
        // Effective strength per actor, ignoring token presences.
        for (a, e) in eff.iter_mut().enumerate() {
            *e = if people[a * nr + r] >= c.min_presence.max(f64::MIN_POSITIVE) {
                if irregular {
                    (s.eff_actor[a * nr + r] - s.irregular.hidden_eff[a * nr + r]).max(0.0)
                } else {
                    s.eff_actor[a * nr + r]
                }
            } else {
                0.0
            };
        }
        let eff = &eff;
        let side = |a: usize| -> f64 { (0..na).filter(|&b| m.actors[a].allied[b]).map(|b| eff[b]).sum() };
        let enemies = |a: usize| -> f64 { (0..na).filter(|&b| m.actors[a].hostile[b]).map(|b| eff[b]).sum() };
        let strongest = |filter: &dyn Fn(usize) -> bool| -> Option<usize> {
            (0..na).filter(|&a| eff[a] > 0.0 && filter(a)).max_by(|&x, &y| eff[x].total_cmp(&eff[y]).then(y.cmp(&x)))
        };
        if eff.iter().all(|&e| e <= 0.0) {
            s.contested[r] = false;
            continue;
        }
        let holder = s.control[r];
        // For the driver record: the branch that applied and the two sides' strengths.
        let mut why = ("", 0.0, 0.0);
        let new_holder = match holder {
            Some(h) if side(h) > 0.0 => {
                let hostile = enemies(h);
                if hostile <= 0.0 {
                    s.contested[r] = false;
                    None
                } else if hostile >= c.dominance * side(h) {
                    why = ("overwhelmed", hostile, side(h));
                    strongest(&|a| m.actors[h].hostile[a])
                } else {
                    s.contested[r] = true;
                    None
                }
            }
            _ => {
                let Some(top) = strongest(&|a| holder.is_none_or(|h| !m.actors[h].allied[a])) else {
                    s.contested[r] = false;
                    continue;
                };
                let opp = enemies(top);
                if opp <= 0.0 || side(top) >= c.dominance * opp {
                    why = (if opp <= 0.0 { "unopposed" } else { "dominance" }, side(top), opp);
                    Some(top)
                } else {
                    s.contested[r] = true;
                    None
                }
            }
        };
        if let Some(w) = new_holder
            && Some(w) != holder
        {
            s.control[r] = Some(w);
            s.contested[r] = false;
            s.note("control_change", Some(r), Some(w), holder, None, eff[w], String::new());
            if s.cause.on {
                crate::cause::control(m, s, r, Some(w), holder, why.0, why.1, why.2);
            }
            let gain = m.constants.combat.victory_morale;
            s.strengths_stale |= gain > 0.0;
            for f in 0..m.forces.len() {
                if m.actors[w].allied[m.forces[f].actor] && s.personnel[f * nr + r] > 0.0 {
                    s.morale[f] = (s.morale[f] + gain).min(1.0);
                }
            }
        }
    }
    if irregular {
        crate::phases::irregular::contest(m, s);
    }
    if s.on(MechanismName::Presence) {
        crate::phases::irregular::presence(m, s, &people);
    }
    s.buf.per_actor_region = people;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{line, set_personnel};

    #[test]
    fn dominance_takes_a_region_and_parity_contests_it() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let (city, gov, isis) =
            (m.region_index("city").unwrap(), m.actor_index("gov").unwrap(), m.actor_index("isis").unwrap());
        let (army, ins, tribes) =
            (m.force_index("army").unwrap(), m.force_index("insurgents").unwrap(), m.force_index("tribes").unwrap());
        s.control[city] = Some(gov);
        set_personnel(&m, &mut s, tribes, city, 0.0);
        set_personnel(&m, &mut s, army, city, 1000.0);
        set_personnel(&m, &mut s, ins, city, 1000.0);
        run(&m, &mut s);
        assert_eq!(s.control[city], Some(gov));
        assert!(s.contested[city]);
        set_personnel(&m, &mut s, ins, city, 100_000.0);
        run(&m, &mut s);
        assert_eq!(s.control[city], Some(isis));
        assert_eq!(s.log.last().unwrap().kind, "control_change");
    }

    #[test]
    fn token_presence_does_not_contest() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let city = m.region_index("city").unwrap();
        let ins = m.force_index("insurgents").unwrap();
        set_personnel(&m, &mut s, ins, city, 10.0);
        run(&m, &mut s);
        assert!(!s.contested[city]);
    }
}

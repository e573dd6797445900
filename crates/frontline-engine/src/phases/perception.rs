//! Phase 2, perception: each actor's threat, from enemy strength and distance.
//!
//! Effective strength of force group f: personnel × m_f with
//! m_f = (1 + w_q(2q − 1)) · (1 + w_m(2m − 1)) · (1 + w_e(min(e, 1.5) − 1)),
//! q quality, m morale, e weapon sets per fighter (see the combat phase).
//!
//! Threat to actor a at key region k (C4, C9):
//!
//! ```text
//! H_k = Σ_r hostile_eff(a, r) · w(d(r, k)),   w(d) = exp(−d / λ)  (C9 on)  or 1 (off)
//! threat(a, k) = H_k / (H_k + friendly_eff(a, k) + 1)          ∈ [0, 1)
//! threat(a) = max over a's key regions
//! ```
//!
//! λ = `perception.distance_scale_km`. The ratio form is a reasoned choice:
//! threat is the share of the local balance that is hostile, so it is 0 with
//! no enemy, ½ at parity and → 1 when the enemy dominates. With C4
//! (`threat_feedback`) off, threat is computed once on the first tick and
//! then frozen, which cuts the loop from battlefield to allocation.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::MechanismName;

/// Combat multiplier of force group f from equipment, quality and morale.
pub fn multiplier(m: &Model, s: &State, f: usize) -> f64 {
    multiplier_with_total(m, s, f, s.force_total(m.regions.len(), f))
}

/// [`multiplier`] for a group whose total personnel is already known.
pub fn multiplier_with_total(m: &Model, s: &State, f: usize, total: f64) -> f64 {
    let c = &m.constants.combat;
    let per_head = if total > 0.0 { s.equipment[f] / total } else { 1.0 };
    (1.0 + c.quality_weight * (2.0 * s.quality[f] - 1.0))
        * (1.0 + c.morale_weight * (2.0 * s.morale[f] - 1.0))
        * (1.0 + c.equipment_weight * (per_head.min(1.5) - 1.0))
}

/// Recomputes multipliers and per-actor effective strengths per region.
pub fn effective_strengths(m: &Model, s: &mut State) {
    let (nr, na) = (m.regions.len(), m.actors.len());
    for f in 0..m.forces.len() {
        let total = s.force_total(nr, f);
        s.totals[f] = total;
        s.mult[f] = multiplier_with_total(m, s, f, total);
    }
    s.eff_actor.iter_mut().for_each(|x| *x = 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        if !s.on_ground(m, f) || s.totals[f] <= 0.0 {
            continue;
        }
        let mult = s.mult[f];
        let row = &s.personnel[f * nr..(f + 1) * nr];
        let out = &mut s.eff_actor[force.actor * nr..(force.actor + 1) * nr];
        for (o, p) in out.iter_mut().zip(row) {
            *o += p * mult;
        }
    }
    s.hostile_eff.iter_mut().for_each(|x| *x = 0.0);
    s.friendly_eff.iter_mut().for_each(|x| *x = 0.0);
    for a in 0..na {
        for b in 0..na {
            let (hostile, allied) = (m.actors[a].hostile[b], m.actors[a].allied[b]);
            if !hostile && !allied {
                continue;
            }
            let (src, dst) =
                if hostile { (&s.eff_actor, &mut s.hostile_eff) } else { (&s.eff_actor, &mut s.friendly_eff) };
            for (d, e) in dst[a * nr..(a + 1) * nr].iter_mut().zip(&src[b * nr..(b + 1) * nr]) {
                *d += e;
            }
        }
    }
}

/// Threat to actor a at region k (see the module doc).
pub fn threat_to(m: &Model, s: &State, a: usize, k: usize) -> f64 {
    let nr = m.regions.len();
    let decay = s.on(MechanismName::DistanceDecay);
    let hostile = &s.hostile_eff[a * nr..(a + 1) * nr];
    let h: f64 = if decay {
        // Distances are symmetric, so row k holds every region's weight towards k.
        crate::state::dot(hostile, &m.threat_weight[k * nr..(k + 1) * nr])
    } else {
        crate::state::sum(hostile)
    };
    h / (h + s.friendly_eff[a * nr + k] + 1.0)
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    effective_strengths(m, s);
    update_threat(m, s);
}

/// Updates each actor's threat from the current effective strengths (which
/// the caller guarantees are current).
pub fn update_threat(m: &Model, s: &mut State) {
    if s.threat_ready && !s.on(MechanismName::ThreatFeedback) {
        return;
    }
    for a in 0..m.actors.len() {
        s.threat[a] = m.actors[a].key_regions.iter().map(|&k| threat_to(m, s, a, k)).fold(0.0, f64::max);
    }
    s.threat_ready = true;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{line, set_personnel};

    #[test]
    fn threat_is_zero_without_enemies_and_grows_with_them() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let ins = m.force_index("insurgents").unwrap();
        for r in 0..m.regions.len() {
            set_personnel(&m, &mut s, ins, r, 0.0);
        }
        run(&m, &mut s);
        assert_eq!(s.threat[0], 0.0);
        set_personnel(&m, &mut s, ins, 4, 1000.0);
        run(&m, &mut s);
        let far = s.threat[0];
        set_personnel(&m, &mut s, ins, 4, 0.0);
        set_personnel(&m, &mut s, ins, 1, 1000.0);
        run(&m, &mut s);
        let near = s.threat[0];
        assert!(near > far && far > 0.0, "near {near} far {far}");
        assert!(near < 1.0);
    }

    #[test]
    fn multiplier_is_one_at_neutral_values() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let f = 0;
        s.quality[f] = 0.5;
        s.morale[f] = 0.5;
        s.equipment[f] = s.force_total(m.regions.len(), f);
        assert!((multiplier(&m, &s, f) - 1.0).abs() < 1e-12);
        s.equipment[f] = 0.0;
        assert!((multiplier(&m, &s, f) - 0.5).abs() < 1e-12);
    }
}

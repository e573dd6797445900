//! Phase 9, attitudes: grievance and support move with exclusion, insecurity
//! and abuses.
//!
//! For identity i in region r with controller c, over Δ weeks:
//!
//! ```text
//! x = 1 if c excludes i (C1 on), else 0
//! u = min(1, casualty_scale · deaths_r / pop_r)                         insecurity
//! b = min(1, militia of another identity in r / (abuse_saturation · pop(r, i)))  (C8 on)
//! g ← g + Δ · (exclusion_rate·x + insecurity_rate·u + abuse_rate·b) · (1 − g)
//!       − Δ · relaxation · (g − g₀·(1 − inclusion_relief·[c includes i]))
//! ```
//!
//! Support of i for actor a moves at `support_rate` per week towards
//!
//! ```text
//! T = s₀ + grievance_support · (g − g₀) · σ(a, i) − abuse_support · b · [a's side fields the militia]
//! σ = −1 if a excludes i;  +1 if a fights an actor that excludes i (and does not itself);  0 otherwise
//! ```
//!
//! so grievance turns a group away from the actors that exclude it and
//! towards their enemies — the channel through which exclusion feeds
//! insurgent recruitment. All rates are assumptions in `constants.rs`; the
//! forms are chosen to keep g in [0, 1] and s in [−1, 1] by construction.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName};

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let ni = m.identities.len();
    let na = m.actors.len();
    let dt = crate::phases::weeks(m);
    let c = &m.constants.attitudes;
    let inclusion_on = s.on(MechanismName::Inclusion);
    let abuse_on = s.on(MechanismName::SectarianAbuse);
    let mut abusers = vec![false; na];
    // σ(a, i) depends on policies only, not on the region: compute it once.
    let mut sigma = vec![0.0; na * ni];
    for a in 0..na {
        for i in 0..ni {
            let excl_a = inclusion_on && s.excludes[a * ni + i];
            let fights_excluder =
                !excl_a && (0..na).any(|b| m.actors[a].hostile[b] && inclusion_on && s.excludes[b * ni + i]);
            sigma[a * ni + i] = if excl_a {
                -1.0
            } else if fights_excluder {
                1.0
            } else {
                0.0
            };
        }
    }
    let militias: Vec<usize> =
        (0..m.forces.len()).filter(|&f| m.forces[f].kind == ForceKind::Militia && s.active[f]).collect();
    for r in 0..nr {
        let pop_r: f64 = s.population[r * ni..(r + 1) * ni].iter().sum();
        let insecurity = if pop_r > 0.0 { (c.casualty_scale * s.casualties[r] / pop_r).min(1.0) } else { 0.0 };
        let holder = s.control[r];
        for i in 0..ni {
            let pop = s.population[r * ni + i];
            if pop <= 0.0 {
                continue;
            }
            // Militias of another identity present, and whose side they are on.
            let mut militia = 0.0;
            abusers.iter_mut().for_each(|x| *x = false);
            if abuse_on {
                for &f in &militias {
                    let force = &m.forces[f];
                    if force.identity.is_some_and(|fi| fi != i) {
                        let n = s.personnel[f * nr + r];
                        if n > 0.0 {
                            militia += n;
                            for (abuser, &allied) in abusers.iter_mut().zip(&m.actors[force.actor].allied) {
                                *abuser |= allied;
                            }
                        }
                    }
                }
            }
            let abuse = if militia > 0.0 { (militia / (c.abuse_saturation * pop)).min(1.0) } else { 0.0 };
            let excluded = inclusion_on && holder.is_some_and(|h| s.excludes[h * ni + i]);
            let included = inclusion_on && holder.is_some_and(|h| s.included[h * ni + i]);
            let g0 = m.regions[r].grievance[i];
            let base = if included { g0 * (1.0 - c.inclusion_relief) } else { g0 };
            let g = s.grievance[r * ni + i];
            let push = (c.exclusion_rate * f64::from(u8::from(excluded))
                + c.insecurity_rate * insecurity
                + c.abuse_rate * abuse)
                * dt;
            let g_new = (g + push.min(1.0) * (1.0 - g) - (c.relaxation * dt).min(1.0) * (g - base)).clamp(0.0, 1.0);
            s.grievance[r * ni + i] = g_new;
            let rate = (c.support_rate * dt).min(1.0);
            let shift = c.grievance_support * (g_new - g0);
            let initial = &m.regions[r].support[i];
            let current = &mut s.support[(r * ni + i) * na..(r * ni + i + 1) * na];
            for a in 0..na {
                let mut target = initial[a] + shift * sigma[a * ni + i];
                if abusers[a] {
                    target -= c.abuse_support * abuse;
                }
                current[a] = (current[a] + rate * (target.clamp(-1.0, 1.0) - current[a])).clamp(-1.0, 1.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    fn sunni_grievance_after(extra: &str, ticks: usize) -> f64 {
        let m = line(extra);
        let mut s = State::new(&m, 1);
        for _ in 0..ticks {
            run(&m, &mut s);
        }
        let (r, i) = (m.region_index("city").unwrap(), m.identities.iter().position(|x| x.id == "sunni").unwrap());
        s.grievance[r * m.identities.len() + i]
    }

    #[test]
    fn exclusion_raises_grievance_and_inclusion_lowers_it() {
        let excluded = sunni_grievance_after("", 20);
        let off = sunni_grievance_after("[mechanisms]\ninclusion = false\n", 20);
        assert!(excluded > off, "{excluded} vs {off}");
    }

    #[test]
    fn stays_within_bounds() {
        let m = line(
            "[constants.attitudes]\nexclusion_rate = 1.0\nrelaxation = 1.0\nsupport_rate = 1.0\ngrievance_support = 10.0\n",
        );
        let mut s = State::new(&m, 1);
        for _ in 0..50 {
            run(&m, &mut s);
        }
        assert!(s.grievance.iter().all(|g| (0.0..=1.0).contains(g)));
        assert!(s.support.iter().all(|x| (-1.0..=1.0).contains(x)));
    }
}

//! Phase 9, attitudes: grievance and support move with exclusion, insecurity
//! and abuses.
//!
//! For identity i in region r with controller c, over Δ weeks:
//!
//! ```text
//! x = 1 if c excludes i (C1 on), else 0
//! u = min(1, casualty_scale · deaths_r / pop_r)                         insecurity
//! b = min(1, militia of another identity in r / (abuse_saturation · pop(r, i)))  (C8 on)
//! o = max(0, −s₀(r, i, c))                                              occupation
//! g ← g + Δ · (exclusion_rate·x + insecurity_rate·u + abuse_rate·b + occupation_rate·o) · (1 − g)
//!       − Δ · relaxation · (g − g₀·(1 − inclusion_relief·[c includes i]))
//! ```
//!
//! Support of i for actor a moves at `support_rate` per week towards
//!
//! ```text
//! T = s₀ + grievance_support · (g − g₀) · σ(a, i) − abuse_support · b · [a's side fields the militia]
//!       − occupation_support · o · [a is c or its ally]
//! σ = −1 if a excludes i;  +1 if a fights an actor that excludes i (and does not itself);  0 otherwise
//! ```
//!
//! Occupation (the design brief's "attitudes move with … occupation") is
//! measured against the group's *initial* support for its ruler, so that it
//! cannot feed on itself; both its constants default to 0 (off), because no
//! source gives a rate. A scenario that turns them on should declare them as
//! uncertain parameters. Its grievance still flows to support through σ,
//! which follows exclusion, not occupation: grievance is one number per
//! group and region, a simplification stated in docs/model.md.
//!
//! With `civilian_harm` on (docs/model.md §3.17), civilian deaths this tick
//! add `harm_grievance · h(r)` to the push and lower the target for the
//! actors that caused them and their allies by `harm_support · h_a(r)`,
//! with h = min(1, casualty_scale · civilians killed / pop(r)) (see
//! `civilians::grievance_harm` and `civilians::support_harm`).
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
    let harm_on = s.on(MechanismName::CivilianHarm);
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
        // Civilian harm (§3.17): grievance push and blame per actor, if anyone died here.
        let harmed = harm_on && crate::phases::civilians::support_harm(m, s, r, pop_r);
        let harm = if harmed { crate::phases::civilians::grievance_harm(m, s, r, pop_r) } else { 0.0 };
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
            let initial = &m.regions[r].support[i];
            // Occupation: ruled by an actor the group opposed at the start.
            let occupation = holder.map_or(0.0, |h| (-initial[h]).max(0.0));
            let mut push = (c.exclusion_rate * f64::from(u8::from(excluded))
                + c.insecurity_rate * insecurity
                + c.abuse_rate * abuse
                + c.occupation_rate * occupation)
                * dt;
            if harmed {
                push += harm * dt;
            }
            let g_new = (g + push.min(1.0) * (1.0 - g) - (c.relaxation * dt).min(1.0) * (g - base)).clamp(0.0, 1.0);
            s.grievance[r * ni + i] = g_new;
            if s.cause.on {
                // Each term's share of the push, as the phase applies it.
                let w = if push > 0.0 { push.min(1.0) * (1.0 - g) / push } else { 0.0 };
                let terms = [
                    c.exclusion_rate * f64::from(u8::from(excluded)) * dt * w,
                    c.insecurity_rate * insecurity * dt * w,
                    c.abuse_rate * abuse * dt * w,
                    c.occupation_rate * occupation * dt * w,
                    if harmed { harm * dt * w } else { 0.0 },
                ];
                let relax = (c.relaxation * dt).min(1.0) * (g - base);
                crate::cause::grievance(s, r, i, ni, holder, terms, relax);
            }
            let rate = (c.support_rate * dt).min(1.0);
            let shift = c.grievance_support * (g_new - g0);
            let current = &mut s.support[(r * ni + i) * na..(r * ni + i + 1) * na];
            for a in 0..na {
                let mut target = initial[a] + shift * sigma[a * ni + i];
                if abusers[a] {
                    target -= c.abuse_support * abuse;
                }
                if c.occupation_support > 0.0 && holder.is_some_and(|h| m.actors[h].allied[a]) {
                    target -= c.occupation_support * occupation;
                }
                if harmed {
                    target -= s.civilians.blame[a];
                }
                current[a] = (current[a] + rate * (target.clamp(-1.0, 1.0) - current[a])).clamp(-1.0, 1.0);
            }
            if s.cause.on {
                for a in 0..na {
                    let parts = [
                        ("initial", initial[a]),
                        ("grievance", shift * sigma[a * ni + i]),
                        ("abuse", if abusers[a] { -c.abuse_support * abuse } else { 0.0 }),
                        (
                            "occupation",
                            if c.occupation_support > 0.0 && holder.is_some_and(|h| m.actors[h].allied[a]) {
                                -c.occupation_support * occupation
                            } else {
                                0.0
                            },
                        ),
                        ("civilian_harm", if harmed { -s.civilians.blame[a] } else { 0.0 }),
                    ];
                    crate::cause::support(s, r, i, a, ni, na, parts);
                }
            }
        }
    } // Intimidation by hidden fighters (§3.16).
    if s.on(MechanismName::Irregular) {
        crate::phases::irregular::intimidate(m, s);
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
    fn occupation_raises_grievance_and_lowers_support_for_the_ruler_only() {
        // The city's Sunnis start at −0.1 support for the government that
        // rules them; the capital's Sunnis start at 0 (no occupation).
        let after = |extra: &str| {
            let m = line(&format!("[mechanisms]\ninclusion = false\n{extra}"));
            let mut s = State::new(&m, 1);
            for _ in 0..20 {
                run(&m, &mut s);
            }
            let (ni, na) = (m.identities.len(), m.actors.len());
            let sunni = m.identities.iter().position(|x| x.id == "sunni").unwrap();
            let gov = m.actors.iter().position(|x| x.id == "gov").unwrap();
            let at = |r: &str| m.region_index(r).unwrap() * ni + sunni;
            let (city, capital) = (at("city"), at("capital"));
            (s.grievance[city], s.grievance[capital], s.support[city * na + gov], s.support[capital * na + gov])
        };
        let off = after("");
        let on = after("[constants.attitudes]\noccupation_rate = 0.5\noccupation_support = 1.0\n");
        assert!(on.0 > off.0 + 0.01, "city grievance {} vs {}", on.0, off.0);
        assert_eq!(on.1, off.1, "no occupation in the capital");
        assert!(on.2 < off.2 - 0.01, "city support for the ruler {} vs {}", on.2, off.2);
        assert_eq!(on.3, off.3);
    }

    #[test]
    fn stays_within_bounds() {
        let m = line(
            "[constants.attitudes]\nexclusion_rate = 1.0\nrelaxation = 1.0\nsupport_rate = 1.0\ngrievance_support = 10.0\noccupation_rate = 1.0\noccupation_support = 10.0\n",
        );
        let mut s = State::new(&m, 1);
        for _ in 0..50 {
            run(&m, &mut s);
        }
        assert!(s.grievance.iter().all(|g| (0.0..=1.0).contains(g)));
        assert!(s.support.iter().all(|x| (-1.0..=1.0).contains(x)));
    }
}

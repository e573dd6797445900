//! Phase 7, combat: stochastic Lanchester square-law attrition wherever
//! hostile ground forces share a region, with air support, then rout and
//! capture of abandoned equipment.
//!
//! Sides. The region's controller (if its side is present), otherwise the
//! actor with the most effective strength there, leads side A: every present
//! group whose owner is allied to it. Side B is every present group whose
//! owner is hostile to it. Others stand aside.
//!
//! Attrition over a tick of T days (Lanchester 1916, square law), with A, B
//! the sides' personnel:
//!
//! ```text
//! dA/dt = −β·B,  dB/dt = −α·A
//! α = k · (E_A / A) · M_A · ε_A      (E_A effective strength, see perception)
//! M_A = terrain (if A defends) · defend posture (if ordered) · (1 + b·s_A/(s_A + h))   (air, C7)
//! ε ~ LogNormal(−σ²/2, σ) per side and tick (mean 1); σ = combat.noise
//! A(T) = A₀ cosh(γT) − √(β/α) B₀ sinh(γT),  γ = √(αβ), and symmetrically for B
//! if one side is annihilated within T, the other ends at √(B₀² − (α/β)A₀²) (square-law invariant)
//! ```
//!
//! The closed form is exact for constant coefficients, so with σ = 0 and
//! all multipliers at 1 a run reproduces Lanchester's solution (tested).
//! Air strikes first kill `air.kills_per_strike` per sortie among the
//! enemies of the air force's owner (at most half of them per tick). With
//! `air_campaign` on, only close air support sorties act here, and both
//! their kills and the bonus are multiplied by the side's contact
//! (`phases::air::contact`, §3.18).
//! Losses fall on each side's groups in proportion to their personnel;
//! their weapons are destroyed with them (the group's weapons per head).
//!
//! Morale: m −= morale_per_loss · (group's losses / group's personnel), and
//! recovers by `morale.recovery` per week towards the initial value.
//!
//! Rout (C6): a group routs from the region if
//! m − loss_weight · ℓ − odds_weight · ln(E_enemy / E_own) < threshold,
//! ℓ its local loss share this tick. `desert_share` of the detachment
//! deserts, the rest retreats to the least threatened neighbouring region
//! its side holds (all desert if there is none), and `abandon_share` of the
//! detachment's weapons is captured by the strongest enemy group present.
//! The group's morale takes a shock in proportion to the share that routed.
//! Two optional terms (both off by default) let a numerically superior force
//! collapse, as garrisons did at Mosul (June 2014) and Ramadi (May 2015):
//! *panic* — a group whose morale is below its `panic_morale` (the force
//! group's own, else `rout.panic_morale`) routs on contact whatever the
//! odds — and *contagion* — every other group of the
//! routing side in the region loses `rout.contagion` × (routed / side's
//! personnel there) morale before its own check.
//!
//! Multipliers (equipment, quality, morale) are those at the start of the
//! phase. Detachments left with less than half a person after combat
//! disperse as deserters, so that fractional remnants do not fight on.

use crate::phases::supply::desert;
use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName, Terrain};
use rand::Rng;
use rand_distr::StandardNormal;

/// Lanchester square law over `t` days: returns (A(t), B(t)).
pub fn square_law(a0: f64, b0: f64, alpha: f64, beta: f64, t: f64) -> (f64, f64) {
    if a0 <= 0.0 || b0 <= 0.0 || t <= 0.0 {
        return (a0.max(0.0), b0.max(0.0));
    }
    if alpha <= 0.0 && beta <= 0.0 {
        return (a0, b0);
    }
    if alpha <= 0.0 {
        // Only B kills: A falls linearly.
        return ((a0 - beta * b0 * t).max(0.0), b0);
    }
    if beta <= 0.0 {
        return (a0, (b0 - alpha * a0 * t).max(0.0));
    }
    let g = (alpha * beta).sqrt();
    let (c, s) = cosh_sinh(g * t);
    let a = a0 * c - (beta / alpha).sqrt() * b0 * s;
    let b = b0 * c - (alpha / beta).sqrt() * a0 * s;
    if a < 0.0 {
        (0.0, (b0 * b0 - alpha / beta * a0 * a0).max(0.0).sqrt())
    } else if b < 0.0 {
        ((a0 * a0 - beta / alpha * b0 * b0).max(0.0).sqrt(), 0.0)
    } else {
        (a, b)
    }
}

/// (cosh x, sinh x) for x ≥ 0 from a single `exp_m1`: with u = eˣ − 1,
/// sinh x = (u + u/(1 + u))/2 and cosh x = 1 + u²/(2(1 + u)). Both forms are
/// free of cancellation for small x, and one transcendental call replaces the
/// two that `cosh` and `sinh` make separately.
fn cosh_sinh(x: f64) -> (f64, f64) {
    let u = x.exp_m1();
    let e = 1.0 + u;
    (1.0 + 0.5 * u * u / e, 0.5 * (u + u / e))
}

fn terrain_multiplier(m: &Model, t: Terrain) -> f64 {
    let c = &m.constants.combat;
    match t {
        Terrain::Urban => c.terrain_urban,
        Terrain::Rural => c.terrain_rural,
        Terrain::Desert => c.terrain_desert,
        Terrain::Mountain => c.terrain_mountain,
    }
}

pub(crate) fn noise(s: &mut State, sigma: f64) -> f64 {
    if sigma <= 0.0 {
        return 1.0;
    }
    let z: f64 = s.rng.sample(StandardNormal);
    (sigma * z - sigma * sigma / 2.0).exp()
}

/// Removes `n` fighters of group f in region r as combat deaths, with their weapons.
pub(crate) fn kill(m: &Model, s: &mut State, f: usize, r: usize, n: f64) {
    let nr = m.regions.len();
    let n = n.min(s.personnel[f * nr + r]).max(0.0);
    if n <= 0.0 {
        return;
    }
    let total = s.totals[f];
    let per_head = if total > 0.0 { s.equipment[f] / total } else { 0.0 };
    let lost_eq = (per_head * n).min(s.equipment[f]);
    s.personnel[f * nr + r] -= n;
    s.totals[f] -= n;
    s.equipment[f] -= lost_eq;
    s.ledger.killed += n;
    s.ledger.equipment_destroyed += lost_eq;
    s.casualties[r] += n;
    s.morale[f] = (s.morale[f] - m.constants.combat.morale_per_loss * n / total).clamp(0.0, 1.0);
}

/// Spreads `losses` over groups in proportion to their personnel in r.
fn spread_losses(m: &Model, s: &mut State, groups: &[usize], r: usize, losses: f64) {
    let nr = m.regions.len();
    let total: f64 = groups.iter().map(|&f| s.personnel[f * nr + r]).sum();
    if total <= 0.0 {
        return;
    }
    // Shares are fixed before anyone dies, so the order of groups does not matter.
    let share = losses / total;
    for &f in groups {
        let n = share * s.personnel[f * nr + r];
        kill(m, s, f, r, n);
    }
}

fn side_eff(m: &Model, s: &State, groups: &[usize], r: usize) -> f64 {
    let nr = m.regions.len();
    // Multipliers are those computed at the start of the phase.
    groups.iter().map(|&f| s.personnel[f * nr + r] * s.mult[f]).sum()
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let na = m.actors.len();
    let nf = m.forces.len();
    let cc = m.constants.combat.clone();
    let air = m.constants.air.clone();
    let air_on = s.on(MechanismName::AirPower);
    let campaign = s.on(MechanismName::AirCampaign);
    let days = f64::from(m.tick_days);
    s.casualties.iter_mut().for_each(|c| *c = 0.0);
    for f in 0..nf {
        s.totals[f] = s.force_total(nr, f);
    }
    crate::phases::forcegen::begin_combat(s);
    let irregular = s.on(MechanismName::Irregular);
    if irregular {
        crate::phases::irregular::begin_combat(s);
    }
    // Sorties per (actor, region) this tick.
    let mut sorties = std::mem::take(&mut s.buf.per_actor_region);
    sorties.clear();
    sorties.resize(na * nr, 0.0);
    if air_on && campaign {
        // Only close air support sorties act in combat (§3.18).
        crate::phases::air::add_support_sorties(m, s, &mut sorties);
    } else if air_on {
        for &(f, r, x) in &s.orders.air {
            sorties[m.forces[f].actor * nr + r] += x;
        }
        crate::phases::civilians::strikes(m, s);
    }
    let ground: Vec<usize> = (0..nf).filter(|&f| s.on_ground(m, f)).collect();
    let mut present: Vec<usize> = Vec::with_capacity(nf);
    let (mut side_a, mut side_b, mut before) = (Vec::with_capacity(nf), Vec::with_capacity(nf), Vec::with_capacity(nf));
    let mut targets = Vec::with_capacity(nf);
    for r in 0..nr {
        present.clear();
        for &f in &ground {
            if s.personnel[f * nr + r] > 0.0 {
                present.push(f);
            }
        }
        if air_on {
            interdiction(m, s, r, &sorties, &present, &mut targets);
        }
        if present.len() < 2 {
            continue;
        }
        // Leader of side A.
        let leader = match s.control[r] {
            Some(c) if present.iter().any(|&f| m.actors[c].allied[m.forces[f].actor]) => c,
            _ => {
                let mut best = (f64::MIN, usize::MAX);
                for a in 0..na {
                    let e = s.eff_actor[a * nr + r];
                    if e > best.0 && present.iter().any(|&f| m.forces[f].actor == a) {
                        best = (e, a);
                    }
                }
                best.1
            }
        };
        if leader == usize::MAX {
            continue;
        }
        // Both sides in one pass, without branches (who stands where is
        // unpredictable from one region to the next).
        let (allied, hostile) = (&m.actors[leader].allied, &m.actors[leader].hostile);
        side_a.resize(present.len(), 0);
        side_b.resize(present.len(), 0);
        let (mut ka, mut kb) = (0, 0);
        for &f in &present {
            let o = m.forces[f].actor;
            side_a[ka] = f;
            side_b[kb] = f;
            ka += usize::from(allied[o]);
            kb += usize::from(hostile[o]);
        }
        side_a.truncate(ka);
        side_b.truncate(kb);
        if side_a.is_empty() || side_b.is_empty() {
            continue;
        }
        let owner_b = m.forces[side_b[0]].actor;
        // Air support for each side: sorties of actors allied to its leader.
        let air_for =
            |lead: usize| -> f64 { (0..na).filter(|&o| m.actors[lead].allied[o]).map(|o| sorties[o * nr + r]).sum() };
        let (air_a, air_b) = if air_on { (air_for(leader), air_for(owner_b)) } else { (0.0, 0.0) };
        let a0: f64 = side_a.iter().map(|&f| s.personnel[f * nr + r]).sum();
        let b0: f64 = side_b.iter().map(|&f| s.personnel[f * nr + r]).sum();
        if a0 <= 0.0 || b0 <= 0.0 {
            continue;
        }
        let (ea, eb) = (side_eff(m, s, &side_a, r), side_eff(m, s, &side_b, r));
        let defender_a = s.control[r].is_some_and(|c| m.actors[leader].allied[c]);
        let defender_b = s.control[r].is_some_and(|c| m.actors[owner_b].allied[c]) && !defender_a;
        let terrain = terrain_multiplier(m, m.regions[r].terrain);
        let posture = |side: &[usize]| -> f64 {
            if side.iter().any(|&f| s.orders.defend[m.forces[f].actor * nr + r]) { cc.defend_posture } else { 1.0 }
        };
        // Sorties are per tick; half_saturation is per week.
        let half = air.half_saturation * crate::phases::weeks(m);
        let air_bonus = |x: f64| 1.0 + air.max_bonus * x / (x + half);
        // With the air campaign, the bonus scales with the side's contact (Â§3.18).
        let cas_bonus =
            |x: f64, lead: usize| 1.0 + crate::phases::air::contact(m, s, lead, r) * (air.max_bonus * x / (x + half));
        let (bonus_a, bonus_b) = if campaign {
            (cas_bonus(air_a, leader), cas_bonus(air_b, owner_b))
        } else {
            (air_bonus(air_a), air_bonus(air_b))
        };
        let mult_a = if defender_a { terrain } else { 1.0 } * posture(&side_a) * bonus_a;
        let mult_b = if defender_b { terrain } else { 1.0 } * posture(&side_b) * bonus_b;
        if irregular {
            // Hidden fighters: detection, aimed and area fire (Â§3.16).
            before.clear();
            before.extend(present.iter().map(|&f| s.personnel[f * nr + r]));
            crate::phases::forcegen::engaged(m, s, r, &side_a, &side_b);
            let people = |s: &State, side: &[usize]| side.iter().map(|&f| s.personnel[f * nr + r]).sum::<f64>();
            let (pa, pb) = (people(s, &side_a), people(s, &side_b));
            crate::phases::irregular::battle(m, s, r, &side_a, &side_b, (leader, owner_b), (mult_a, mult_b), days);
            // Civilians die in the aimed part of the battle (§3.17) like in
            // a square-law battle; area fire is charged below by its own rate.
            let [area_a, area_b] = s.irregular.area_losses;
            let (lost_a, lost_b) = (pa - people(s, &side_a) - area_a, pb - people(s, &side_b) - area_b);
            crate::phases::civilians::battle(m, s, r, &side_a, &side_b, lost_a.max(0.0), lost_b.max(0.0));
            // Area fire kills civilians too (`civilian_harm`, §3.17).
            while let Some((q, by, fire)) = s.irregular.area_fire_by.pop() {
                crate::phases::civilians::harm(m, s, q, crate::phases::civilians::Fire::Area, fire, by);
            }
        } else {
            let na_ = noise(s, cc.noise);
            let nb_ = noise(s, cc.noise);
            let alpha = cc.lethality * (ea / a0) * mult_a * na_;
            let beta = cc.lethality * (eb / b0) * mult_b * nb_;
            let (a1, b1) = square_law(a0, b0, alpha, beta, days);
            before.clear();
            before.extend(present.iter().map(|&f| s.personnel[f * nr + r]));
            crate::phases::forcegen::engaged(m, s, r, &side_a, &side_b);
            spread_losses(m, s, &side_a, r, a0 - a1);
            spread_losses(m, s, &side_b, r, b0 - b1);
            crate::phases::civilians::battle(m, s, r, &side_a, &side_b, a0 - a1, b0 - b1);
        }
        if s.on(MechanismName::Rout) {
            rout_check(m, s, r, &side_a, &side_b, &present, &before);
            rout_check(m, s, r, &side_b, &side_a, &present, &before);
        }
    }
    s.buf.per_actor_region = sorties;
    // Remnants under half a person disperse (as deserters), so that
    // fractions left by attrition and movement do not fight on for ever.
    let is_remnant = |x: f64| (x > 0.0) & (x < 0.5);
    for f in 0..nf {
        // Counting first lets the common case (no remnant) run vectorised.
        if s.personnel[f * nr..(f + 1) * nr].iter().filter(|&&x| is_remnant(x)).count() == 0 {
            continue;
        }
        for r in 0..nr {
            let x = s.personnel[f * nr + r];
            if is_remnant(x) {
                desert(m, s, f, r, x);
            }
        }
    }
    // Morale recovery.
    let rec = (m.constants.morale.recovery * crate::phases::weeks(m)).min(1.0);
    for f in 0..nf {
        s.morale[f] = (s.morale[f] + rec * (m.forces[f].morale - s.morale[f])).clamp(0.0, 1.0);
    }
    crate::phases::forcegen::after_combat(m, s);
}

/// Air strikes in region r: each actor's sorties kill `kills_per_strike`
/// each among the ground groups hostile to it there (at most half of them).
fn interdiction(m: &Model, s: &mut State, r: usize, sorties: &[f64], present: &[usize], targets: &mut Vec<usize>) {
    let nr = m.regions.len();
    for o in 0..m.actors.len() {
        let x = sorties[o * nr + r];
        if x <= 0.0 {
            continue;
        }
        targets.clear();
        targets.extend(present.iter().copied().filter(|&f| m.actors[o].hostile[m.forces[f].actor]));
        let people: f64 = targets.iter().map(|&f| s.personnel[f * nr + r]).sum();
        if people > 0.0 {
            let mut kills = x * m.constants.air.kills_per_strike;
            if s.on(MechanismName::AirCampaign) {
                // Close air support needs ground forces in contact (§3.18).
                kills *= crate::phases::air::contact(m, s, o, r);
            }
            spread_losses(m, s, targets, r, kills.min(0.5 * people));
        }
    }
}

fn rout_check(m: &Model, s: &mut State, r: usize, own: &[usize], enemy: &[usize], present: &[usize], before: &[f64]) {
    let nr = m.regions.len();
    let rc = m.constants.rout.clone();
    let e_own = side_eff(m, s, own, r);
    let e_enemy = side_eff(m, s, enemy, r);
    if e_enemy <= 0.0 {
        return;
    }
    let odds = (e_enemy / e_own.max(1e-9)).max(1e-9);
    let odds_term = rc.odds_weight * odds.ln();
    // The side's personnel here before anyone routs, for contagion.
    let side_people: f64 = if rc.contagion > 0.0 { own.iter().map(|&g| s.personnel[g * nr + r]).sum() } else { 0.0 };
    let cells = s.on(frontline_scenario::spec::MechanismName::Irregular);
    for &f in own {
        let n = s.personnel[f * nr + r];
        if n <= 0.0 {
            continue;
        }
        let b = before[present.iter().position(|&x| x == f).unwrap_or(0)];
        let loss_share = if b > 0.0 { (b - n) / b } else { 0.0 };
        // Undetected hidden fighters (`irregular`, §3.16) are not in the
        // battle line and do not rout: only the rest of the detachment can.
        let stay = if cells { crate::phases::irregular::undetected(m, s, f, r) } else { 0.0 };
        let n = n - stay;
        if n <= 0.0 {
            continue;
        }
        let local = s.morale[f] - rc.loss_weight * loss_share - odds_term;
        // Panic: a group whose morale is below panic_morale breaks on
        // contact, whatever the odds (off at the default 0).
        let panics = s.morale[f] < m.forces[f].panic_morale.unwrap_or(rc.panic_morale);
        if local >= rc.threshold && !panics {
            continue;
        }
        // Contagion: the rest of the side here loses heart in proportion to
        // the share of it that broke (off at the default 0).
        if rc.contagion > 0.0 && side_people > 0.0 {
            for &g in own {
                if g != f && s.personnel[g * nr + r] > 0.0 {
                    let was = s.morale[g];
                    s.morale[g] = (s.morale[g] - rc.contagion * n / side_people).clamp(0.0, 1.0);
                    if s.cause.on {
                        s.cause.contagion[g] += was - s.morale[g];
                    }
                }
            }
        }
        let a = m.forces[f].actor;
        let total = s.totals[f];
        // Abandoned weapons go to the strongest enemy group here.
        let per_head = if total > 0.0 { s.equipment[f] / total } else { 0.0 };
        let abandoned = (rc.abandon_share * per_head * n).min(s.equipment[f]);
        let captor = enemy
            .iter()
            .copied()
            .filter(|&g| m.forces[g].kind != ForceKind::Air && s.personnel[g * nr + r] > 0.0)
            .max_by(|&x, &y| {
                (s.personnel[x * nr + r] * s.mult[x]).total_cmp(&(s.personnel[y * nr + r] * s.mult[y])).then(y.cmp(&x))
            });
        if let Some(g) = captor
            && abandoned > 0.0
        {
            s.equipment[f] -= abandoned;
            s.equipment[g] += abandoned;
            s.ledger.equipment_captured += abandoned;
            s.note(
                "equipment_captured",
                Some(r),
                Some(m.forces[g].actor),
                Some(a),
                Some(f),
                abandoned,
                m.forces[g].id.clone(),
            );
        }
        // Retreat to the least threatened neighbour held by the group's side.
        let retreat = m.regions[r]
            .neighbours
            .iter()
            .copied()
            .filter(|&q| s.control[q].is_some_and(|c| m.actors[a].allied[c]))
            .min_by(|&x, &y| s.hostile_eff[a * nr + x].total_cmp(&s.hostile_eff[a * nr + y]).then(x.cmp(&y)));
        let deserters = if retreat.is_some() { rc.desert_share * n } else { n };
        if stay > 0.0 {
            s.personnel[f * nr + r] -= stay;
        }
        crate::phases::forcegen::rout_desert(m, s, f, r, deserters);
        s.totals[f] -= deserters.min(n);
        if let Some(q) = retreat {
            let rest = s.personnel[f * nr + r];
            s.personnel[f * nr + r] = 0.0;
            s.personnel[f * nr + q] += rest;
        }
        if stay > 0.0 {
            // The cells stay behind, all of them hidden: they rejoin what is left.
            crate::phases::irregular::join_cell(m, s, f, r, stay);
        }
        if total > 0.0 {
            s.morale[f] = (s.morale[f] - rc.morale_shock * n / total).clamp(0.0, 1.0);
        }
        s.note("rout", Some(r), Some(a), None, Some(f), n, m.forces[f].id.clone());
        if s.cause.on {
            let enemy_actor = captor.or(enemy.first().copied()).map(|g| m.forces[g].actor);
            let terms = [
                ("routed", n),
                ("morale", local + rc.loss_weight * loss_share + odds_term),
                ("loss_term", rc.loss_weight * loss_share),
                ("odds", odds),
                ("odds_term", odds_term),
                ("threshold", rc.threshold),
                ("panic_morale", m.forces[f].panic_morale.unwrap_or(rc.panic_morale)),
            ];
            crate::cause::rout(m, s, r, f, enemy_actor, panics, terms, retreat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Army (morale 0.4) and tribes (0.6) hold the city against 300
    /// insurgents: whether each routs from the city in one battle.
    fn city_routs(extra: &str) -> (bool, bool) {
        let m = crate::testkit::line(extra);
        let mut s = State::new(&m, 7);
        let city = m.region_index("city").unwrap();
        let ins = m.force_index("insurgents").unwrap();
        crate::testkit::set_personnel(&m, &mut s, ins, city, 300.0);
        run(&m, &mut s);
        let routed = |f: &str| {
            let f = m.force_index(f).unwrap();
            s.log.iter().any(|l| l.kind == "rout" && l.force == Some(f) && l.region == Some(city))
        };
        (routed("army"), routed("tribes"))
    }

    #[test]
    fn panic_breaks_a_superior_force_and_contagion_spreads_it() {
        assert_eq!(city_routs(""), (false, false), "3 to 1 up, nobody routs by default");
        assert_eq!(
            city_routs("[constants.rout]\npanic_morale = 0.5\n"),
            (true, false),
            "the army (morale 0.4 < 0.5) breaks on contact; the tribes (0.6) stand"
        );
        assert_eq!(
            city_routs("[constants.rout]\npanic_morale = 0.5\ncontagion = 1.0\n"),
            (true, true),
            "the army's flight breaks the tribes too"
        );
        // A group's own threshold overrides the constant: only the army panics.
        assert_eq!(city_routs("[forces.army]\npanic_morale = 0.5\n"), (true, false), "the army's own threshold");
        assert_eq!(
            city_routs("[constants.rout]\npanic_morale = 0.5\n[forces.army]\npanic_morale = 0.0\n"),
            (false, false),
            "a group can opt out of a scenario-wide threshold"
        );
    }

    #[test]
    fn cosh_sinh_matches_the_library_functions() {
        for &x in &[0.0, 1e-12, 1e-6, 0.01, 0.3, 1.0, 5.0, 30.0] {
            let (c, s) = cosh_sinh(x);
            assert!((c - x.cosh()).abs() <= 4.0 * f64::EPSILON * x.cosh(), "cosh {x}: {c} vs {}", x.cosh());
            assert!((s - x.sinh()).abs() <= 4.0 * f64::EPSILON * x.sinh().max(f64::MIN_POSITIVE), "sinh {x}: {s}");
        }
    }

    #[test]
    fn square_law_conserves_its_invariant() {
        let (a0, b0, al, be) = (1000.0, 800.0, 0.02, 0.015);
        let (a, b) = square_law(a0, b0, al, be, 7.0);
        let inv0 = al * a0 * a0 - be * b0 * b0;
        let inv1 = al * a * a - be * b * b;
        assert!((inv0 - inv1).abs() / inv0.abs() < 1e-9);
        assert!(a < a0 && b < b0);
    }

    #[test]
    fn square_law_annihilation_uses_the_invariant() {
        let (a, b) = square_law(100.0, 1000.0, 0.1, 0.1, 1000.0);
        assert_eq!(a, 0.0);
        assert!((b - (1000.0f64 * 1000.0 - 100.0 * 100.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn square_law_is_a_semigroup() {
        // Two half steps equal one full step: per-tick application reproduces the continuous law.
        let (a1, b1) = square_law(5000.0, 4000.0, 0.01, 0.012, 3.5);
        let (a2, b2) = square_law(a1, b1, 0.01, 0.012, 3.5);
        let (a, b) = square_law(5000.0, 4000.0, 0.01, 0.012, 7.0);
        assert!((a - a2).abs() < 1e-6 && (b - b2).abs() < 1e-6);
    }
}

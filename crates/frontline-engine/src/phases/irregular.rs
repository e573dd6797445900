//! Irregular war and control that needs presence (docs/model.md §3.16):
//! hidden fighters, their detection, area fire against the undetected
//! (Deitchman 1962), intimidation, and the lapse of control over an
//! ungarrisoned, hostile region. Not a phase of its own: the combat,
//! control, strategy and attitudes phases call it, each only when its
//! switch (`irregular`, `presence`) is on, so that with both off nothing
//! here runs and no random number is drawn.
//!
//! **Hidden fighters** (`irregular`). Each (force group f, region r) has a
//! hidden share h ∈ [0, 1] of its detachment: H = h · P hidden, O = P − H
//! open. A group with `hidden = true` starts with h = 1 everywhere;
//! `go_underground` sets h ← h + φ(1 − h) and `surface` h ← h(1 − φ), in one
//! region or all. Hidden fighters are ordinary personnel (conserved as
//! such); the share is a property of the (group, region), so men who move
//! take the share of the region they arrive in, and recruits join at it.
//!
//! **Detection.** Where hidden fighters of f face the opposing side Y in
//! combat, over a tick of Δ weeks (deterministic: the expected share, no
//! draw):
//!
//! ```text
//! d = 1 − exp(−k_d · Δ · coop · presence / cover)
//! coop     = Σ_i pop_i · max(0, support(r, i, L_Y)) / Σ_i pop_i      (L_Y: Y's leading actor)
//! presence = O_Y / (O_Y + H_f + 1)                                    (O_Y: Y's open personnel)
//! cover    = irregular.cover_<terrain>
//! ```
//!
//! (the population's cooperation as informers — Athena's cooperation and
//! PSOM's consent-and-intelligence loop — is the reason for the form; the
//! constants are assumptions). D = d · H fight as present combatants in the
//! aimed-fire battle (the square law of the combat phase, with O + D a side);
//! U = H − D are fought by area fire.
//!
//! **Area fire** (Deitchman 1962): with G the undetected of one side and A
//! the open fighters of the other, over T days,
//!
//! ```text
//! dG/dt = −c·A·G,   dA/dt = −δ·G
//! c = irregular.area_lethality · (E_A / A) · ε,   δ = irregular.raid_lethality · (E_G / G) · ε
//! invariant: c·A² − 2δ·G = c·A₀² − 2δ·G₀ =: c·κ
//! κ > 0 (a = √κ):  A(t) = a(1 + qe^{−act}) / (1 − qe^{−act}),  q = (A₀ − a)/(A₀ + a)
//!                  G(t) = G₀ · 4a²e^{−act} / ((A₀ + a)(1 − qe^{−act}))²
//! κ < 0 (b = √−κ): A(t) = b / tan(atan(b/A₀) + cbt/2), 0 once the angle reaches π/2
//!                  G(t) = (c/2δ)(A² + b²)
//! κ = 0:           A(t) = A₀ / (1 + cA₀t/2),  G(t) = G₀ / (1 + cA₀t/2)²
//! ```
//!
//! solved exactly ([`deitchman`]; derived in docs/model.md §3.16), written
//! without cancellation so that it is continuous across κ = 0 and δ → 0. ε
//! is the combat phase's log-normal noise, one draw per coefficient. Area
//! fire and aimed fire are each applied over the tick from the numbers at
//! its start and their losses added (an open fighter can be lost to both).
//! The intensity ∫A dt = ln(G₀/G(T))/c (attacker-fighter-days of area fire)
//! is added to `area_fire[r]` for the civilians' harm.
//!
//! **Intimidation** (attitudes hook): where hidden fighters of actors
//! hostile to the controller c are present, support of every identity for c
//! falls by `intimidation` · min(1, hidden / (pop · intimidation_saturation))
//! per week.
//!
//! **Presence** (`presence`, control hook): a region held by h whose side
//! has fewer than `control.min_presence` open personnel there and whose
//! population-weighted support for h is below `presence.hostile_support` is
//! contested; after `presence.lapse_weeks` consecutive such weeks it passes
//! to the present actor (open personnel ≥ min_presence) with the most open
//! effective strength ("lapse"), else by influence to the actor hostile to h
//! with the highest support above `presence.influence_support` that has no
//! hidden fighters there ("influence": hidden insurgents must surface to
//! rule), else to nobody ("lapse"). The clock resets when a garrison
//! returns or support recovers.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName, Terrain};

/// Run state of irregular war and of control that needs presence.
#[derive(Debug, Clone, Default)]
pub struct Irregular {
    /// `hidden[f * nr + r]`: hidden share of group f's detachment in r.
    pub hidden: Vec<f64>,
    /// `detected[f * nr + r]`: share of those hidden fighters detected this tick.
    pub detected: Vec<f64>,
    /// `area_fire[r]`: attacker-fighter-days of area fire in r this tick
    /// (cleared at the start of each combat phase).
    pub area_fire: Vec<f64>,
    /// Weeks region r has been ungarrisoned and hostile to its holder (`presence`).
    pub lapse: Vec<f64>,
    /// Hidden ground personnel per (actor, region), refreshed by [`tally`].
    pub hidden_people: Vec<f64>,
    /// Hidden effective strength per (actor, region), refreshed by [`tally`].
    pub hidden_eff: Vec<f64>,
    /// Per-group scratch for a battle: open, detected, undetected fighters.
    open: Vec<f64>,
    det: Vec<f64>,
    und: Vec<f64>,
    /// Per-group scratch: losses of open and of hidden fighters.
    lost_open: Vec<f64>,
    lost_hidden: Vec<f64>,
}

impl Irregular {
    /// The initial state: groups declared `hidden` are hidden everywhere.
    pub fn new(m: &Model) -> Irregular {
        let (nr, na, nf) = (m.regions.len(), m.actors.len(), m.forces.len());
        if !m.mechanisms.on(MechanismName::Irregular) && !m.mechanisms.on(MechanismName::Presence) {
            return Irregular::default();
        }
        let irr = m.mechanisms.on(MechanismName::Irregular);
        Irregular {
            hidden: m
                .forces
                .iter()
                .flat_map(|f| std::iter::repeat_n(if irr && f.hidden { 1.0 } else { 0.0 }, nr))
                .collect(),
            detected: vec![0.0; nf * nr],
            area_fire: vec![0.0; nr],
            lapse: vec![0.0; nr],
            hidden_people: vec![0.0; na * nr],
            hidden_eff: vec![0.0; na * nr],
            open: vec![0.0; nf],
            det: vec![0.0; nf],
            und: vec![0.0; nf],
            lost_open: vec![0.0; nf],
            lost_hidden: vec![0.0; nf],
        }
    }
}

/// Hidden personnel of group f in region r (0 with `irregular` off).
pub fn hidden_people(m: &Model, s: &State, f: usize, r: usize) -> f64 {
    let i = f * m.regions.len() + r;
    s.irregular.hidden.get(i).map_or(0.0, |h| h * s.personnel[i])
}

/// Hidden personnel of group f over all regions.
pub fn hidden_total(m: &Model, s: &State, f: usize) -> f64 {
    (0..m.regions.len()).map(|r| hidden_people(m, s, f, r)).sum()
}

/// The population's cooperation with actor a in region r:
/// Σ_i pop_i · max(0, support(r, i, a)) / Σ_i pop_i, in [0, 1] (0 if nobody lives there).
pub fn cooperation(m: &Model, s: &State, a: usize, r: usize) -> f64 {
    let (ni, na) = (m.identities.len(), m.actors.len());
    let (mut num, mut pop) = (0.0, 0.0);
    for i in 0..ni {
        let p = s.population[r * ni + i];
        num += p * s.support[(r * ni + i) * na + a].max(0.0);
        pop += p;
    }
    if pop > 0.0 { num / pop } else { 0.0 }
}

/// Population-weighted support for actor a in region r, in [−1, 1] (0 if nobody lives there).
pub fn mean_support(m: &Model, s: &State, a: usize, r: usize) -> f64 {
    let (ni, na) = (m.identities.len(), m.actors.len());
    let (mut num, mut pop) = (0.0, 0.0);
    for i in 0..ni {
        let p = s.population[r * ni + i];
        num += p * s.support[(r * ni + i) * na + a];
        pop += p;
    }
    if pop > 0.0 { num / pop } else { 0.0 }
}

/// Cover of hidden fighters by terrain (`irregular.cover_*`).
pub fn cover(m: &Model, t: Terrain) -> f64 {
    let c = &m.constants.irregular;
    match t {
        Terrain::Urban => c.cover_urban,
        Terrain::Rural => c.cover_rural,
        Terrain::Desert => c.cover_desert,
        Terrain::Mountain => c.cover_mountain,
    }
}

/// Detected share d = 1 − exp(−k · Δ · coop · presence / cover) over Δ weeks.
pub fn detection(k: f64, weeks: f64, coop: f64, presence: f64, cover: f64) -> f64 {
    let x = k * weeks * coop.clamp(0.0, 1.0) * presence.clamp(0.0, 1.0) / cover.max(1e-9);
    (-(-x).exp_m1()).clamp(0.0, 1.0)
}

/// Deitchman's guerrilla model over `t` days, solved exactly: with G hidden
/// (undetected) fighters under area fire and A attackers,
/// dG/dt = −c·A·G, dA/dt = −δ·G. Returns (G(t), A(t), ∫₀ᵗ A dt). See the
/// module doc for the solution in each case of the invariant κ.
pub fn deitchman(g0: f64, a0: f64, c: f64, delta: f64, t: f64) -> (f64, f64, f64) {
    if g0 <= 0.0 || a0 <= 0.0 || t <= 0.0 {
        return (g0.max(0.0), a0.max(0.0), 0.0);
    }
    if c <= 0.0 {
        // No area fire: the guerrillas' raids thin the attackers linearly.
        if delta <= 0.0 {
            return (g0, a0, a0 * t);
        }
        let a1 = a0 - delta * g0 * t;
        if a1 > 0.0 {
            return (g0, a1, 0.5 * (a0 + a1) * t);
        }
        return (g0, 0.0, 0.5 * a0 * (a0 / (delta * g0)));
    }
    let (g, a) = if delta <= 0.0 {
        (g0 * (-c * a0 * t).exp(), a0)
    } else {
        let kappa = a0 * a0 - 2.0 * delta / c * g0;
        if kappa > 0.0 {
            let root = kappa.sqrt();
            let x = root * c * t;
            let e = (-x).exp();
            // 1 − q·e^{−x}, with 1 − q = 2a/(A₀ + a) and 1 − e^{−x} = −expm1(−x): no cancellation.
            let den = 2.0 * root * e / (a0 + root) - (-x).exp_m1();
            // q = (A₀ − a)/(A₀ + a) = (2δ/c)·G₀/(A₀ + a)².
            let q = 2.0 * delta / c * g0 / ((a0 + root) * (a0 + root));
            let a1 = root * (1.0 + q * e) / den;
            let g1 = g0 * 4.0 * root * root * e / ((a0 + root) * den).powi(2);
            (g1, a1)
        } else if kappa < 0.0 {
            let b = (-kappa).sqrt();
            let phi = (b / a0).atan() + 0.5 * c * b * t;
            if phi >= std::f64::consts::FRAC_PI_2 {
                (0.5 * c / delta * b * b, 0.0)
            } else {
                let a1 = b / phi.tan();
                (0.5 * c / delta * (a1 * a1 + b * b), a1)
            }
        } else {
            let u = 1.0 + 0.5 * c * a0 * t;
            (g0 / (u * u), a0 / u)
        }
    };
    let g = g.clamp(0.0, g0);
    let a = a.clamp(0.0, a0);
    let fire = if g > 0.0 { (g0 / g).ln() / c } else { a0 * t };
    (g, a, fire)
}

/// Regions with area fire this tick and its intensity (attacker-fighter-days),
/// for the civilians' harm; empty with `irregular` off.
pub fn area_fire_events(s: &State) -> impl Iterator<Item = (usize, f64)> + '_ {
    s.irregular.area_fire.iter().copied().enumerate().filter(|&(_, x)| x > 0.0)
}

/// Clears this tick's detection and area fire (start of the combat phase).
pub fn begin_combat(s: &mut State) {
    s.irregular.detected.iter_mut().for_each(|x| *x = 0.0);
    s.irregular.area_fire.iter_mut().for_each(|x| *x = 0.0);
}

/// The battle in region r with `irregular` on, replacing the combat phase's
/// square law there: detection, aimed fire between the open and detected
/// fighters of both sides, area fire against each side's undetected.
/// `leaders` are the sides' leading actors (for cooperation), `mults` their
/// terrain, posture and air multipliers for aimed fire.
#[allow(clippy::too_many_arguments)]
pub fn battle(
    m: &Model,
    s: &mut State,
    r: usize,
    side_a: &[usize],
    side_b: &[usize],
    leaders: (usize, usize),
    mults: (f64, f64),
    days: f64,
) {
    let nr = m.regions.len();
    let ic = m.constants.irregular.clone();
    let cc = &m.constants.combat;
    let (lethality, sigma) = (cc.lethality, cc.noise);
    let weeks = crate::phases::weeks(m);
    let cov = cover(m, m.regions[r].terrain);
    let mut st = std::mem::take(&mut s.irregular);
    // Open and hidden fighters of each group.
    let mut open_side = [0.0, 0.0];
    for (k, side) in [side_a, side_b].into_iter().enumerate() {
        for &f in side {
            let p = s.personnel[f * nr + r];
            let h = st.hidden[f * nr + r] * p;
            st.open[f] = p - h;
            st.und[f] = h;
            st.det[f] = 0.0;
            st.lost_open[f] = 0.0;
            st.lost_hidden[f] = 0.0;
            open_side[k] += p - h;
        }
    }
    // Detection of each side's hidden by the other side.
    for (k, side) in [side_a, side_b].into_iter().enumerate() {
        let (seeker, seek_open) = if k == 0 { (leaders.1, open_side[1]) } else { (leaders.0, open_side[0]) };
        let coop = cooperation(m, s, seeker, r);
        for &f in side {
            let h = st.und[f];
            if h <= 0.0 {
                continue;
            }
            let d = detection(ic.detection_rate, weeks, coop, seek_open / (seek_open + h + 1.0), cov);
            st.detected[f * nr + r] = d;
            st.det[f] = d * h;
            st.und[f] = h - d * h;
        }
    }
    // Aimed fire: the square law between open plus detected fighters.
    let aimed = |st: &Irregular, side: &[usize]| -> (f64, f64) {
        side.iter().fold((0.0, 0.0), |(n, e), &f| {
            let x = st.open[f] + st.det[f];
            (n + x, e + x * s.mult[f])
        })
    };
    let ((a0, ea), (b0, eb)) = (aimed(&st, side_a), aimed(&st, side_b));
    if a0 > 0.0 && b0 > 0.0 {
        let na = crate::phases::combat::noise(s, sigma);
        let nb = crate::phases::combat::noise(s, sigma);
        let alpha = lethality * (ea / a0) * mults.0 * na;
        let beta = lethality * (eb / b0) * mults.1 * nb;
        let (a1, b1) = crate::phases::combat::square_law(a0, b0, alpha, beta, days);
        for (side, lost, n0) in [(side_a, a0 - a1, a0), (side_b, b0 - b1, b0)] {
            let share = lost / n0;
            for &f in side {
                st.lost_open[f] += share * st.open[f];
                st.lost_hidden[f] += share * st.det[f];
            }
        }
    }
    // Area fire against each side's undetected by the other side's open fighters.
    for (hiders, hunters) in [(side_b, side_a), (side_a, side_b)] {
        let (mut g0, mut eg) = (0.0, 0.0);
        for &f in hiders {
            g0 += st.und[f];
            eg += st.und[f] * s.mult[f];
        }
        let (mut h0, mut eh) = (0.0, 0.0);
        for &f in hunters {
            h0 += st.open[f];
            eh += st.open[f] * s.mult[f];
        }
        if g0 <= 0.0 || h0 <= 0.0 {
            continue;
        }
        let nc = crate::phases::combat::noise(s, sigma);
        let nd = crate::phases::combat::noise(s, sigma);
        let c = ic.area_lethality * (eh / h0) * nc;
        let delta = ic.raid_lethality * (eg / g0) * nd;
        let (g1, h1, fire) = deitchman(g0, h0, c, delta, days);
        st.area_fire[r] += fire;
        let (gs, hs) = ((g0 - g1) / g0, (h0 - h1) / h0);
        for &f in hiders {
            st.lost_hidden[f] += gs * st.und[f];
        }
        for &f in hunters {
            st.lost_open[f] += hs * st.open[f];
        }
    }
    // Losses, with weapons, through the combat phase's kill; the hidden
    // share follows the hidden survivors.
    for &f in side_a.iter().chain(side_b) {
        let lo = st.lost_open[f].min(st.open[f]).max(0.0);
        let lh = st.lost_hidden[f].min(st.det[f] + st.und[f]).max(0.0);
        if lo + lh <= 0.0 {
            continue;
        }
        let hidden_after = st.det[f] + st.und[f] - lh;
        crate::phases::combat::kill(m, s, f, r, lo + lh);
        let p = s.personnel[f * nr + r];
        if p > 0.0 {
            st.hidden[f * nr + r] = (hidden_after / p).clamp(0.0, 1.0);
        }
    }
    s.irregular = st;
}

/// Fills `hidden_people` and `hidden_eff` per (actor, region) from the
/// current personnel and multipliers (ground groups only).
pub fn tally(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let mut st = std::mem::take(&mut s.irregular);
    st.hidden_people.iter_mut().for_each(|x| *x = 0.0);
    st.hidden_eff.iter_mut().for_each(|x| *x = 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        if !s.on_ground(m, f) {
            continue;
        }
        let a = force.actor;
        for r in 0..nr {
            let h = st.hidden[f * nr + r] * s.personnel[f * nr + r];
            if h > 0.0 {
                st.hidden_people[a * nr + r] += h;
                st.hidden_eff[a * nr + r] += h * s.mult[f];
            }
        }
    }
    s.irregular = st;
}

/// Control hook (`irregular`): a held region where hidden fighters of an
/// actor hostile to the holder number at least `control.min_presence` is
/// contested (they cannot take it). Needs a fresh [`tally`].
pub fn contest(m: &Model, s: &mut State) {
    let (nr, na) = (m.regions.len(), m.actors.len());
    let min = m.constants.control.min_presence.max(f64::MIN_POSITIVE);
    for r in 0..nr {
        if let Some(h) = s.control[r]
            && (0..na).any(|a| m.actors[h].hostile[a] && s.irregular.hidden_people[a * nr + r] >= min)
        {
            s.contested[r] = true;
        }
    }
}

/// Control hook (`presence`): the lapse of control over ungarrisoned,
/// hostile regions (module doc). `people[a * nr + r]` is actor a's open
/// ground personnel in r; open effective strength is `eff_actor` less the
/// hidden (with `irregular` on, after [`tally`]).
pub fn presence(m: &Model, s: &mut State, people: &[f64]) {
    let (nr, na) = (m.regions.len(), m.actors.len());
    let min = m.constants.control.min_presence.max(f64::MIN_POSITIVE);
    let pc = m.constants.presence.clone();
    let dt = crate::phases::weeks(m);
    let irr = s.on(MechanismName::Irregular);
    for r in 0..nr {
        let Some(h) = s.control[r] else {
            s.irregular.lapse[r] = 0.0;
            continue;
        };
        let garrison: f64 = (0..na).filter(|&b| m.actors[h].allied[b]).map(|b| people[b * nr + r]).sum();
        if garrison >= min || mean_support(m, s, h, r) >= pc.hostile_support {
            s.irregular.lapse[r] = 0.0;
            continue;
        }
        s.irregular.lapse[r] += dt;
        s.contested[r] = true;
        if s.irregular.lapse[r] < pc.lapse_weeks - 1e-9 {
            continue;
        }
        let hidden = |a: usize| if irr { s.irregular.hidden_people[a * nr + r] } else { 0.0 };
        let open_eff = |a: usize| {
            let e = s.eff_actor[a * nr + r] - if irr { s.irregular.hidden_eff[a * nr + r] } else { 0.0 };
            if people[a * nr + r] >= min { e.max(0.0) } else { 0.0 }
        };
        let present = (0..na)
            .filter(|&a| !m.actors[h].allied[a] && open_eff(a) > 0.0)
            .max_by(|&x, &y| open_eff(x).total_cmp(&open_eff(y)).then(y.cmp(&x)));
        let (new, detail, value) = match present {
            Some(a) => (Some(a), "lapse", open_eff(a)),
            None => {
                let best = (0..na)
                    .filter(|&a| m.actors[h].hostile[a] && hidden(a) <= 0.0)
                    .map(|a| (a, mean_support(m, s, a, r)))
                    .filter(|&(_, x)| x > pc.influence_support)
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
                match best {
                    Some((a, x)) => (Some(a), "influence", x),
                    None => (None, "lapse", 0.0),
                }
            }
        };
        s.irregular.lapse[r] = 0.0;
        s.control[r] = new;
        s.contested[r] = false;
        s.note("control_change", Some(r), new, Some(h), None, value, detail.to_string());
    }
}

/// Attitudes hook (`irregular`): intimidation of the population by hidden
/// fighters hostile to the controller (module doc).
pub fn intimidate(m: &Model, s: &mut State) {
    let (nr, ni, na) = (m.regions.len(), m.identities.len(), m.actors.len());
    let ic = &m.constants.irregular;
    if ic.intimidation <= 0.0 {
        return;
    }
    tally(m, s);
    let dt = crate::phases::weeks(m);
    for r in 0..nr {
        let Some(c) = s.control[r] else { continue };
        let hidden: f64 =
            (0..na).filter(|&a| m.actors[c].hostile[a]).map(|a| s.irregular.hidden_people[a * nr + r]).sum();
        if hidden <= 0.0 {
            continue;
        }
        let pop: f64 = s.population[r * ni..(r + 1) * ni].iter().sum();
        let x = if pop > 0.0 { (hidden / (pop * ic.intimidation_saturation)).min(1.0) } else { 1.0 };
        let fall = ic.intimidation * x * dt;
        for i in 0..ni {
            let v = &mut s.support[(r * ni + i) * na + c];
            *v = (*v - fall).clamp(-1.0, 1.0);
        }
    }
}

/// Strategy hook: `go_underground` (hide) or `surface` a share of group f's
/// fighters in region `to` or everywhere. Ground groups only.
pub fn switch(m: &Model, s: &mut State, f: usize, to: Option<usize>, fraction: f64, hide: bool) {
    let nr = m.regions.len();
    if m.forces[f].kind == ForceKind::Air || s.irregular.hidden.is_empty() {
        return;
    }
    let row = &mut s.irregular.hidden[f * nr..(f + 1) * nr];
    let apply =
        |h: &mut f64| *h = if hide { *h + fraction * (1.0 - *h) } else { *h * (1.0 - fraction) }.clamp(0.0, 1.0);
    match to {
        Some(r) => apply(&mut row[r]),
        None => row.iter_mut().for_each(apply),
    }
}

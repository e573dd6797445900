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
    /// This tick's area fire as (region, actor firing it, attacker-fighter-days),
    /// for the civilians it kills (`civilian_harm`); drained by the combat phase.
    pub area_fire_by: Vec<(usize, usize, f64)>,
    /// Fighters of side A and side B killed by area fire in the last battle
    /// (so that the combat phase charges civilian harm for the rest as battle).
    pub area_losses: [f64; 2],
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
    /// Hidden fighters per (group, region) at the start of the movement
    /// phase, for the groups that move ([`hold_cells`]).
    cells: Vec<f64>,
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
            area_fire_by: Vec::new(),
            area_losses: [0.0; 2],
            lapse: vec![0.0; nr],
            hidden_people: vec![0.0; na * nr],
            hidden_eff: vec![0.0; na * nr],
            open: vec![0.0; nf],
            det: vec![0.0; nf],
            und: vec![0.0; nf],
            lost_open: vec![0.0; nf],
            lost_hidden: vec![0.0; nf],
            cells: vec![0.0; nf * nr],
        }
    }
}

/// The hidden share h of group f's detachment in region r (0 with
/// `irregular` off, when the shares are not kept).
#[inline]
pub fn hidden_share(s: &State, nr: usize, f: usize, r: usize) -> f64 {
    s.irregular.hidden.get(f * nr + r).copied().unwrap_or(0.0)
}

/// Adds `n` hidden recruits to group f's cell in region r: personnel rise
/// by n and the hidden share becomes (h·P + n) / (P + n), so that every
/// one of them is hidden (underground recruitment, §3.16).
pub fn join_cell(m: &Model, s: &mut State, f: usize, r: usize, n: f64) {
    if n <= 0.0 {
        return;
    }
    let i = f * m.regions.len() + r;
    let p = s.personnel[i];
    let h = s.irregular.hidden[i];
    s.irregular.hidden[i] = ((h * p + n) / (p + n)).clamp(0.0, 1.0);
    s.personnel[i] = p + n;
}

/// Money per week actor a's hidden fighters extort where it does not hold
/// the region (§3.16, mechanism `irregular`):
///
/// ```text
/// X_a = Σ_{r not held by a} extortion · tax_a · pop_r · min(1, H_ar / (pop_r · intimidation_saturation))
/// ```
///
/// Reason: an insurgency driven underground still levies the population it
/// lives among (the issue's "raid, intimidate and recruit underground");
/// without it a group that holds no ground can pay no one, and cells would
/// desert whatever the population thinks of them. Requires a fresh [`tally`].
pub fn extortion(m: &Model, s: &State, a: usize) -> f64 {
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let ic = &m.constants.irregular;
    let rate = ic.extortion * m.actors[a].tax;
    if rate <= 0.0 {
        return 0.0;
    }
    let mut x = 0.0;
    for r in 0..nr {
        let hidden = s.irregular.hidden_people[a * nr + r];
        if hidden <= 0.0 || s.control[r] == Some(a) {
            continue;
        }
        let pop: f64 = s.population[r * ni..(r + 1) * ni].iter().sum();
        if pop > 0.0 {
            x += rate * pop * (hidden / (pop * ic.intimidation_saturation)).min(1.0);
        }
    }
    x
}

/// Cells stay where they hide (movement hook, §3.16): before the movement
/// phase moves group f, only its open fighters (1 − h)·P of each region are
/// free to move, and its hidden fighters are counted; [`cells_stay`] then
/// sets each region's share so that the hidden count is unchanged. Reason:
/// a cell is men living among the population, not a detachment that
/// marches; a group that must move surfaces first (`surface`).
pub fn hold_cells(m: &Model, s: &mut State, f: usize, movable: &mut [f64]) {
    let nr = m.regions.len();
    for (i, free) in movable.iter_mut().enumerate().take((f + 1) * nr).skip(f * nr) {
        let hidden = s.irregular.hidden[i] * s.personnel[i];
        s.irregular.cells[i] = hidden;
        *free = s.personnel[i] - hidden;
    }
}

/// After the movement phase: group f's hidden share in each region is its
/// hidden count held by [`hold_cells`] over its personnel now (the open men
/// who arrived or left change the share, not the count).
pub fn cells_stay(m: &Model, s: &mut State, f: usize) {
    let nr = m.regions.len();
    for i in f * nr..(f + 1) * nr {
        let p = s.personnel[i];
        s.irregular.hidden[i] =
            if p > 0.0 { (s.irregular.cells[i] / p).clamp(0.0, 1.0) } else { s.irregular.hidden[i] };
    }
}

/// Group f's hidden fighters in region r not detected this tick:
/// h · (1 − d) · P. They stay out of the battle line, and so out of a rout
/// (combat hook, §3.16).
pub fn undetected(m: &Model, s: &State, f: usize, r: usize) -> f64 {
    let i = f * m.regions.len() + r;
    s.irregular.hidden[i] * (1.0 - s.irregular.detected[i]) * s.personnel[i]
}

/// Adds `n` hidden fighters to group f's cells, shared among regions in
/// proportion to the hidden fighters already there (graduates of a group
/// whose depot is lost, §3.13 and §3.16). Nothing if f has no cells.
pub fn join_cells(m: &Model, s: &mut State, f: usize, n: f64) {
    let total = hidden_total(m, s, f);
    if total <= 0.0 || n <= 0.0 {
        return;
    }
    for r in 0..m.regions.len() {
        let h = hidden_people(m, s, f, r);
        if h > 0.0 {
            join_cell(m, s, f, r, n * h / total);
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
    s.irregular.area_fire_by.clear();
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
    st.area_losses = [0.0; 2];
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
            let presence = seek_open / (seek_open + h + 1.0);
            let d = detection(ic.detection_rate, weeks, coop, presence, cov);
            st.detected[f * nr + r] = d;
            if s.cause.on {
                let terms = [("hidden", h), ("cooperation", coop), ("presence", presence), ("cover", cov)];
                crate::cause::detection(s, nr, f, r, seeker, d, terms);
            }
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
    for (hider_side, (hiders, hunters)) in [(1, (side_b, side_a)), (0, (side_a, side_b))] {
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
        st.area_losses[hider_side] += g0 - g1;
        // The fire is charged to the owner of the hunters' largest group.
        if let Some(&top) = hunters.iter().max_by(|&&x, &&y| st.open[x].total_cmp(&st.open[y]).then(y.cmp(&x))) {
            st.area_fire_by.push((r, m.forces[top].actor, fire));
        }
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
        if s.cause.on {
            let lapsed = s.irregular.lapse[r];
            let support = mean_support(m, s, h, r);
            let terms = vec![
                ("weeks_ungarrisoned", lapsed),
                ("garrison", garrison),
                ("holder_support", support),
                (if detail == "influence" { "new_holder_support" } else { "winner_strength" }, value),
            ];
            crate::cause::lapse(s, r, new, h, if detail == "influence" { "influence" } else { "lapse" }, terms);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::View;
    use crate::testkit::{line, set_personnel};
    use frontline_scenario::expr::{Query, World};

    /// RK4 integration of Deitchman's system with n steps: (G, A, ∫A dt).
    fn rk4(g0: f64, a0: f64, c: f64, d: f64, t: f64, n: usize) -> (f64, f64, f64) {
        let f = |g: f64, a: f64| -> (f64, f64, f64) {
            let (g, a) = (g.max(0.0), a.max(0.0));
            (-c * a * g, if a > 0.0 { -d * g } else { 0.0 }, a)
        };
        let (mut g, mut a, mut i) = (g0, a0, 0.0);
        let h = t / n as f64;
        for _ in 0..n {
            let k1 = f(g, a);
            let k2 = f(g + 0.5 * h * k1.0, a + 0.5 * h * k1.1);
            let k3 = f(g + 0.5 * h * k2.0, a + 0.5 * h * k2.1);
            let k4 = f(g + h * k3.0, a + h * k3.1);
            g += h / 6.0 * (k1.0 + 2.0 * k2.0 + 2.0 * k3.0 + k4.0);
            a = (a + h / 6.0 * (k1.1 + 2.0 * k2.1 + 2.0 * k3.1 + k4.1)).max(0.0);
            i += h / 6.0 * (k1.2 + 2.0 * k2.2 + 2.0 * k3.2 + k4.2);
        }
        (g, a, i)
    }

    fn close(x: f64, y: f64, rel: f64) -> bool {
        (x - y).abs() <= rel * y.abs().max(1e-9)
    }

    #[test]
    fn deitchman_closed_form_matches_numerical_integration_in_every_case() {
        for &(g0, a0, c, d, t, what) in &[
            (500.0, 2000.0, 1e-4, 0.01, 7.0, "kappa > 0: the attackers grind the cells down"),
            (5000.0, 300.0, 1e-5, 0.05, 30.0, "kappa < 0: the raids destroy the attackers"),
            (500.0, 1000.0, 2e-4, 200.0, 7.0, "kappa = 0"),
            (500.0, 1000.0, 1e-4, 0.0, 7.0, "no raids: exponential decay"),
            (500.0, 1000.0, 1e-4, 1e-12, 7.0, "tiny raids"),
            (500.0, 1000.0, 0.0, 0.05, 7.0, "no area fire: linear losses"),
            (50.0, 10_000.0, 1e-6, 0.002, 7.0, "the defaults"),
        ] {
            let (g, a, i) = deitchman(g0, a0, c, d, t);
            let (gn, an, inn) = rk4(g0, a0, c, d, t, 200_000);
            assert!(close(g, gn, 1e-6), "{what}: G {g} vs {gn}");
            assert!(close(a, an, 1e-6) || (a - an).abs() < 1e-6, "{what}: A {a} vs {an}");
            assert!(close(i, inn, 1e-5), "{what}: fire {i} vs {inn}");
            // The invariant c·A² − 2δ·G.
            assert!(close(c * a * a - 2.0 * d * g, c * a0 * a0 - 2.0 * d * g0, 1e-9) || c == 0.0 || a == 0.0, "{what}");
        }
        // Semigroup: two half ticks make one tick.
        let (g1, a1, _) = deitchman(800.0, 1500.0, 1e-4, 0.02, 3.5);
        let (g2, a2, _) = deitchman(g1, a1, 1e-4, 0.02, 3.5);
        let (g, a, _) = deitchman(800.0, 1500.0, 1e-4, 0.02, 7.0);
        assert!(close(g2, g, 1e-9) && close(a2, a, 1e-9));
        assert_eq!(deitchman(0.0, 10.0, 1.0, 1.0, 7.0), (0.0, 10.0, 0.0));
    }

    #[test]
    fn detection_is_one_minus_exp_and_rises_with_cooperation_and_presence_and_falls_with_cover() {
        assert!(close(detection(1.0, 1.0, 0.5, 0.8, 2.0), 1.0 - (-0.2f64).exp(), 1e-12));
        assert_eq!(detection(1.0, 1.0, 0.0, 1.0, 1.0), 0.0);
        assert!(detection(1.0, 1.0, 0.6, 0.5, 1.0) > detection(1.0, 1.0, 0.3, 0.5, 1.0));
        assert!(detection(1.0, 1.0, 0.6, 0.9, 1.0) > detection(1.0, 1.0, 0.6, 0.5, 1.0));
        assert!(detection(1.0, 1.0, 0.6, 0.5, 2.0) < detection(1.0, 1.0, 0.6, 0.5, 1.0));
    }

    /// The line scenario with `irregular` on, no noise, neutral multipliers
    /// and no rout: a battle in the city between the army and the
    /// insurgents, hidden or not, with the city's support for gov set.
    fn city_battle(hidden: bool, support: f64, extra: &str) -> (Model, State) {
        let m = line(&format!(
            "[mechanisms]\nirregular = true\nrout = false\n\
             [constants.combat]\nnoise = 0\nquality_weight = 0\nmorale_weight = 0\nequipment_weight = 0\n\
             [forces.insurgents]\nhidden = {hidden}\n\
             [regions.city.support.sunni]\ngov = {support}\n{extra}"
        ));
        let mut s = State::new(&m, 3);
        let (city, army, ins, tribes) = ids(&m);
        set_personnel(&m, &mut s, tribes, city, 0.0);
        set_personnel(&m, &mut s, army, city, 2000.0);
        set_personnel(&m, &mut s, ins, city, 600.0);
        set_personnel(&m, &mut s, ins, m.region_index("valley").unwrap(), 0.0);
        (m, s)
    }

    fn ids(m: &Model) -> (usize, usize, usize, usize) {
        (
            m.region_index("city").unwrap(),
            m.force_index("army").unwrap(),
            m.force_index("insurgents").unwrap(),
            m.force_index("tribes").unwrap(),
        )
    }

    #[test]
    fn a_detection_is_recorded_with_the_terms_of_its_law_and_only_when_it_moves() {
        for support in [0.5, -0.5] {
            let (m, mut s) = city_battle(true, support, "");
            s.cause = crate::cause::Causes::new(&m, &s, true);
            let (city, _, ins, _) = ids(&m);
            let hidden = s.irregular.hidden[ins * m.regions.len() + city] * s.personnel[ins * m.regions.len() + city];
            crate::phases::combat::run(&m, &mut s);
            let d = s.irregular.detected[ins * m.regions.len() + city];
            let found: Vec<&crate::cause::Driver> =
                s.cause.drivers.iter().filter(|x| x.kind == crate::cause::Kind::Detection).collect();
            if support < 0.0 {
                // Nobody informs the government: nothing was found, nothing recorded.
                assert_eq!(d, 0.0);
                assert!(found.is_empty(), "{found:?}");
                continue;
            }
            assert!(d >= crate::cause::SHIFT, "the example finds enough to record: {d}");
            let [x] = found[..] else { panic!("one detection record: {found:?}") };
            assert_eq!((x.region, x.force, x.other, x.how), (Some(city), Some(ins), m.actor_index("gov"), "rose"));
            assert_eq!(x.term("share"), Some(d));
            assert!(close(x.term("hidden").unwrap(), hidden, 1e-9), "{x:?}");
            assert!(close(x.term("detected").unwrap(), d * hidden, 1e-9));
            assert!(close(x.term("cooperation").unwrap(), 0.5, 1e-9));
            // The law recomputed from the recorded terms gives the recorded share.
            let k = m.constants.irregular.detection_rate;
            let law = detection(
                k,
                crate::phases::weeks(&m),
                x.term("cooperation").unwrap(),
                x.term("presence").unwrap(),
                x.term("cover").unwrap(),
            );
            assert!(close(law, d, 1e-12), "{law} vs {d}");
        }
    }

    #[test]
    fn detection_rises_with_the_populations_cooperation() {
        let mut last = -1.0;
        for support in [-0.5, 0.0, 0.2, 0.5, 0.9] {
            let (m, mut s) = city_battle(true, support, "");
            let (city, _, ins, _) = ids(&m);
            crate::phases::combat::run(&m, &mut s);
            let d = s.irregular.detected[ins * m.regions.len() + city];
            let v = View { model: &m, state: &s };
            assert_eq!(v.query(&Query::Detected { force: ins, region: city }), d);
            let gov = m.actor_index("gov").unwrap();
            let coop = v.query(&Query::Cooperation { actor: gov, region: city });
            assert!(close(coop, support.max(0.0), 1e-9), "cooperation {coop}");
            if support <= 0.0 {
                assert_eq!(d, 0.0, "nobody informs");
            } else {
                assert!(d > last, "support {support}: {d} after {last}");
            }
            last = d;
        }
    }

    #[test]
    fn area_fire_against_undetected_fighters_reproduces_deitchman() {
        // No cooperation: nobody is detected, so only area fire acts.
        let (m, mut s) = city_battle(true, -0.1, "");
        let (city, army, ins, _) = ids(&m);
        let nr = m.regions.len();
        crate::phases::combat::run(&m, &mut s);
        let ic = &m.constants.irregular;
        let (g, a, fire) = rk4(600.0, 2000.0, ic.area_lethality, ic.raid_lethality, 7.0, 100_000);
        assert!(close(s.personnel[ins * nr + city], g, 0.01), "{} vs {g}", s.personnel[ins * nr + city]);
        assert!(close(s.personnel[army * nr + city], a, 0.01), "{} vs {a}", s.personnel[army * nr + city]);
        assert!(s.personnel[ins * nr + city] < 600.0 && s.personnel[army * nr + city] < 2000.0);
        assert!(close(s.irregular.area_fire[city], fire, 0.01));
        assert_eq!(area_fire_events(&s).collect::<Vec<_>>(), vec![(city, s.irregular.area_fire[city])]);
        // The survivors are still hidden, and the dead are in the ledger.
        assert_eq!(s.irregular.hidden[ins * nr + city], 1.0);
        assert!(close(s.ledger.killed, (600.0 - g) + (2000.0 - a), 0.01));
    }

    #[test]
    fn aimed_fire_against_open_fighters_reproduces_the_square_law() {
        let (m, mut s) = city_battle(false, 0.5, "");
        let (city, army, ins, _) = ids(&m);
        let nr = m.regions.len();
        crate::phases::combat::run(&m, &mut s);
        // Hand-worked closed form: the army defends the city (terrain_urban).
        let k = m.constants.combat.lethality;
        let (alpha, beta) = (k * m.constants.combat.terrain_urban, k);
        let gamma = (alpha * beta).sqrt() * 7.0;
        let a = 2000.0 * gamma.cosh() - (beta / alpha).sqrt() * 600.0 * gamma.sinh();
        let b = 600.0 * gamma.cosh() - (alpha / beta).sqrt() * 2000.0 * gamma.sinh();
        assert!(close(s.personnel[army * nr + city], a, 0.01), "{} vs {a}", s.personnel[army * nr + city]);
        assert!(close(s.personnel[ins * nr + city], b, 0.01), "{} vs {b}", s.personnel[ins * nr + city]);
        assert_eq!(s.irregular.area_fire[city], 0.0, "no hidden fighters: no area fire");
    }

    #[test]
    fn detected_fighters_join_the_aimed_battle() {
        let (m, mut s) = city_battle(true, 0.9, "");
        let (city, _, ins, _) = ids(&m);
        let nr = m.regions.len();
        crate::phases::combat::run(&m, &mut s);
        let d = s.irregular.detected[ins * nr + city];
        assert!(d > 0.2 && d < 1.0, "{d}");
        let (undetected_losses, _, _) = {
            let ic = &m.constants.irregular;
            rk4(600.0 * (1.0 - d), 2000.0, ic.area_lethality, ic.raid_lethality, 7.0, 1000)
        };
        // More die than area fire alone would kill: the detected were fought by aimed fire.
        assert!(s.personnel[ins * nr + city] < undetected_losses + 600.0 * d - 1.0);
    }

    #[test]
    fn hidden_fighters_never_take_control_but_contest_it() {
        for hidden in [false, true] {
            let (m, mut s) = city_battle(hidden, 0.0, "");
            let (city, army, ins, _) = ids(&m);
            set_personnel(&m, &mut s, army, city, 0.0);
            set_personnel(&m, &mut s, ins, city, 100_000.0);
            crate::phases::control::run(&m, &mut s);
            let (gov, isis) = (m.actor_index("gov").unwrap(), m.actor_index("isis").unwrap());
            if hidden {
                assert_eq!(s.control[city], Some(gov), "hidden fighters cannot take the city");
                assert!(s.contested[city], "but they contest it");
            } else {
                assert_eq!(s.control[city], Some(isis));
            }
        }
        // A whole run: hidden insurgents never change control anywhere.
        let m = line("[mechanisms]\nirregular = true\n[forces.insurgents]\nhidden = true\n");
        let t = crate::simulate(&m, 5);
        let isis = m.actor_index("isis").unwrap();
        assert!(!t.events.iter().any(|e| e.kind == "control_change" && e.actor == Some(isis)));
        let nf = m.forces.len();
        assert_eq!(t.hidden.len(), t.snapshots() * nf);
        let ins = m.force_index("insurgents").unwrap();
        assert!(t.hidden[ins] > 2000.0 && t.hidden[(t.snapshots() - 1) * nf + ins] > 0.0);
    }

    /// The line scenario with `presence` on; the city is held by gov with no
    /// garrison and its population at `support` for gov, `isis` for isis.
    fn ungarrisoned_city(support: f64, isis: f64, garrison: f64) -> (Model, State) {
        let m = line(&format!(
            "[mechanisms]\npresence = true\n[regions.city.support.sunni]\ngov = {support}\nisis = {isis}\n"
        ));
        let mut s = State::new(&m, 1);
        let (city, army, _, tribes) = ids(&m);
        set_personnel(&m, &mut s, tribes, city, 0.0);
        set_personnel(&m, &mut s, army, city, garrison);
        (m, s)
    }

    fn week(m: &Model, s: &mut State) {
        s.tick += 1;
        crate::phases::control::run(m, s);
    }

    #[test]
    fn control_lapses_by_influence_after_the_lapse_and_not_before() {
        let (m, mut s) = ungarrisoned_city(-0.5, 0.3, 0.0);
        let (city, gov, isis) = (ids(&m).0, m.actor_index("gov").unwrap(), m.actor_index("isis").unwrap());
        for w in 1..4 {
            week(&m, &mut s);
            assert_eq!(s.control[city], Some(gov), "week {w}");
            assert!(s.contested[city], "week {w}");
        }
        week(&m, &mut s);
        assert_eq!(s.control[city], Some(isis), "after 4 weeks, by influence");
        let e = s.log.iter().find(|e| e.kind == "control_change" && e.region == Some(city)).unwrap();
        assert_eq!((e.actor, e.other, e.detail.as_str()), (Some(isis), Some(gov), "influence"));
        // Nobody supported enough: it passes to nobody.
        let (m, mut s) = ungarrisoned_city(-0.5, 0.05, 0.0);
        for _ in 0..4 {
            week(&m, &mut s);
        }
        assert_eq!(s.control[city], None);
        assert!(s.log.iter().any(|e| e.kind == "control_change" && e.detail == "lapse" && e.actor.is_none()));
        // Off: the city stays held.
        let (m, mut s) = ungarrisoned_city(-0.5, 0.3, 0.0);
        s.mechanisms.set(MechanismName::Presence, false);
        for _ in 0..10 {
            week(&m, &mut s);
        }
        assert_eq!(s.control[city], Some(gov));
    }

    #[test]
    fn a_garrison_or_a_friendly_population_never_lapses_and_recovery_resets_the_clock() {
        let (m, mut s) = ungarrisoned_city(-0.5, 0.3, 500.0);
        let (city, gov) = (ids(&m).0, m.actor_index("gov").unwrap());
        for _ in 0..20 {
            week(&m, &mut s);
        }
        assert_eq!(s.control[city], Some(gov), "garrisoned");
        let (m, mut s) = ungarrisoned_city(0.0, 0.3, 0.0);
        for _ in 0..20 {
            week(&m, &mut s);
        }
        assert_eq!(s.control[city], Some(gov), "not hostile");
        // Hysteresis: three hostile weeks, one of recovered support, then
        // the clock starts again from zero.
        let (m, mut s) = ungarrisoned_city(-0.5, 0.3, 0.0);
        let (ni, na) = (m.identities.len(), m.actors.len());
        let sunni = m.identities.iter().position(|i| i.id == "sunni").unwrap();
        let idx = (city * ni + sunni) * na + gov;
        for _ in 0..3 {
            week(&m, &mut s);
        }
        s.support[idx] = 0.0;
        week(&m, &mut s);
        assert_eq!(s.irregular.lapse[city], 0.0);
        s.support[idx] = -0.5;
        for w in 1..4 {
            week(&m, &mut s);
            assert_eq!(s.control[city], Some(gov), "week {w} after the reset");
        }
        week(&m, &mut s);
        assert_ne!(s.control[city], Some(gov));
    }

    #[test]
    fn hidden_insurgents_take_no_region_by_influence_until_they_surface() {
        let m = line(
            "[mechanisms]\npresence = true\nirregular = true\n[forces.insurgents]\nhidden = true\n\
             [regions.city.support.sunni]\ngov = -0.5\nisis = 0.3\n",
        );
        let mut s = State::new(&m, 1);
        let (city, army, ins, tribes) = ids(&m);
        set_personnel(&m, &mut s, tribes, city, 0.0);
        set_personnel(&m, &mut s, army, city, 0.0);
        set_personnel(&m, &mut s, ins, city, 30.0);
        for _ in 0..4 {
            week(&m, &mut s);
        }
        assert_eq!(s.control[city], None, "isis hides there: not eligible by influence");
    }

    #[test]
    fn going_underground_by_rule_and_surfacing() {
        let rules = "[actors.isis.rules.hide]\nwhen = \"regions_held(isis) < 3\"\n\
                     then = { tactic = \"go_underground\", force = \"insurgents\" }\n\
                     [actors.isis.rules.show]\nwhen = \"tick == 5\"\n\
                     then = { tactic = \"surface\", force = \"insurgents\", to = \"desert\", fraction = 0.5 }\n";
        let m = line(&format!("[mechanisms]\nirregular = true\n{rules}"));
        let mut s = State::new(&m, 1);
        let (nr, ins) = (m.regions.len(), m.force_index("insurgents").unwrap());
        let desert = m.region_index("desert").unwrap();
        crate::phases::strategy::run(&m, &mut s);
        assert!(s.irregular.hidden[ins * nr..(ins + 1) * nr].iter().all(|&h| h == 1.0));
        let v = View { model: &m, state: &s };
        assert_eq!(v.query(&Query::Hidden { force: ins, region: None }), s.force_total(nr, ins));
        assert_eq!(v.query(&Query::Hidden { force: ins, region: Some(desert) }), 2000.0);
        s.tick = 5;
        crate::phases::strategy::run(&m, &mut s);
        // go_underground runs first (still 1), then surface halves the desert.
        assert_eq!(s.irregular.hidden[ins * nr + desert], 0.5);
        // With the switch off the tactics do nothing.
        let m = line(rules);
        let mut s = State::new(&m, 1);
        crate::phases::strategy::run(&m, &mut s);
        assert!(s.irregular.hidden.is_empty());
        assert_eq!(View { model: &m, state: &s }.query(&Query::Hidden { force: ins, region: None }), 0.0);
    }

    #[test]
    fn intimidation_lowers_support_for_the_controller_where_cells_hide() {
        let after = |hidden: bool| {
            let m = line(&format!("[mechanisms]\nirregular = true\n[forces.insurgents]\nhidden = {hidden}\n"));
            let mut s = State::new(&m, 1);
            let (city, _, ins, _) = ids(&m);
            set_personnel(&m, &mut s, ins, city, 1000.0);
            crate::phases::attitudes::run(&m, &mut s);
            let (ni, na) = (m.identities.len(), m.actors.len());
            let gov = m.actor_index("gov").unwrap();
            s.support[(city * ni) * na + gov]
        };
        let (open, hidden) = (after(false), after(true));
        // 1 000 cell members among 200 000: x = 1000 / (200000 · 0.001) → saturated.
        let c = frontline_scenario::constants::Constants::default().irregular;
        assert!(close(open - hidden, c.intimidation, 1e-9), "{open} vs {hidden}");
    }

    /// Every insurgent of `line` hidden; the given extra text on top.
    fn cells(extra: &str) -> (Model, State) {
        let m = line(&format!("[mechanisms]\nirregular = true\n[forces.insurgents]\nhidden = true\n{extra}"));
        let s = State::new(&m, 5);
        (m, s)
    }

    #[test]
    fn cells_extort_where_their_actor_holds_no_ground_up_to_saturation() {
        // tax 1e-6 a head; the valley (80 000 people, nobody holds it) has
        // 200 cell members, above saturation (80): 0.5 · 1e-6 · 80 000 = 0.04.
        let (m, mut s) = cells("[actors.isis]\ntax = 0.000001\n");
        let isis = m.actor_index("isis").unwrap();
        tally(&m, &mut s);
        assert!((extortion(&m, &s, isis) - 0.04).abs() < 1e-12, "the desert is held: no extortion there");
        // 40 members: half saturated, half the levy.
        let (ins, valley) = (m.force_index("insurgents").unwrap(), m.region_index("valley").unwrap());
        set_personnel(&m, &mut s, ins, valley, 40.0);
        tally(&m, &mut s);
        assert!((extortion(&m, &s, isis) - 0.02).abs() < 1e-12);
        // Open fighters extort nothing; with the switch off, nor do cells.
        let m = line("[actors.isis]\ntax = 0.000001\n[forces.insurgents]\nhidden = true\n");
        let mut s = State::new(&m, 5);
        crate::phases::supply::run(&m, &mut s);
        assert_eq!(s.economy.income[isis], 1.0 + 1e-6 * 20000.0, "income and the desert's tax only");
    }

    #[test]
    fn hidden_fighters_are_paid_a_quarter_of_a_fighters_upkeep() {
        let (m, s) = cells("");
        let ins = m.force_index("insurgents").unwrap();
        let p = s.force_total(m.regions.len(), ins);
        assert_eq!(crate::phases::economy::paid_heads(&m, &s, ins), 0.25 * p);
        let m = line("[forces.insurgents]\nhidden = true\n");
        let s = State::new(&m, 5);
        assert_eq!(crate::phases::economy::paid_heads(&m, &s, ins), p, "with irregular off, every head in full");
    }

    #[test]
    fn cells_stay_where_they_hide_and_only_open_fighters_march() {
        let (m, mut s) = cells("");
        let nr = m.regions.len();
        let (ins, desert, valley) = (
            m.force_index("insurgents").unwrap(),
            m.region_index("desert").unwrap(),
            m.region_index("valley").unwrap(),
        );
        let order = |s: &mut State| {
            s.orders.moves.push(crate::state::MoveOrder {
                kind: frontline_scenario::spec::TacticKind::Attack,
                force: ins,
                to: valley,
                fraction: 1.0,
                from_all: false,
                from: None,
            })
        };
        order(&mut s);
        crate::phases::movement::run(&m, &mut s);
        assert_eq!(s.personnel[ins * nr + desert], 2000.0, "hidden: nobody marches");
        // Half of the desert's men surface: those 1 000 march, the 1 000
        // cells stay, and the valley's 200 cells are still 200 hidden.
        switch(&m, &mut s, ins, Some(desert), 0.5, false);
        order(&mut s);
        crate::phases::movement::run(&m, &mut s);
        assert_eq!(s.personnel[ins * nr + desert], 1000.0);
        assert_eq!(s.irregular.hidden[ins * nr + desert], 1.0);
        assert_eq!(s.personnel[ins * nr + valley], 1200.0);
        assert!((hidden_people(&m, &s, ins, valley) - 200.0).abs() < 1e-9);
    }

    #[test]
    fn undetected_cells_do_not_rout_with_the_open_fighters() {
        // A population that gives the army no informers (support 0): no
        // detection. Insurgents that panic on contact (panic_morale 1).
        let battle = |share: f64| {
            let m = line(
                "[mechanisms]\nirregular = true\n[constants.combat]\nnoise = 0\n\
                 [forces.insurgents]\npanic_morale = 1.0\n[regions.city.support.sunni]\ngov = 0.0\n",
            );
            let mut s = State::new(&m, 3);
            let (city, army, ins, tribes) = ids(&m);
            set_personnel(&m, &mut s, tribes, city, 0.0);
            set_personnel(&m, &mut s, army, city, 2000.0);
            set_personnel(&m, &mut s, ins, city, 600.0);
            s.irregular.hidden[ins * m.regions.len() + city] = share;
            crate::phases::combat::run(&m, &mut s);
            (s.personnel[ins * m.regions.len() + city], hidden_people(&m, &s, ins, city))
        };
        let (open_left, _) = battle(0.0);
        assert_eq!(open_left, 0.0, "open fighters who panic all rout from the city");
        let (left, hidden) = battle(0.5);
        assert!(left > 250.0 && (left - hidden).abs() < 1e-9, "the 300 cells stay, all hidden, less area fire: {left}");
    }

    #[test]
    fn a_cell_trains_its_own_recruits_and_takes_the_graduates_of_a_lost_depot() {
        let m = line(
            "[mechanisms]\nirregular = true\ntraining_pipeline = true\n\
             [forces.insurgents]\nhidden = true\ndepot = \"desert\"\ntraining_weeks = 1\n",
        );
        let mut s = State::new(&m, 5);
        let nr = m.regions.len();
        let (ins, desert, valley) = (
            m.force_index("insurgents").unwrap(),
            m.region_index("desert").unwrap(),
            m.region_index("valley").unwrap(),
        );
        let before = s.force_total(nr, ins);
        crate::phases::recruitment::run(&m, &mut s);
        let recruited = s.force_total(nr, ins) - before;
        assert!(recruited > 0.0 && s.forcegen.trainees[ins] == 0.0, "every recruit joins a cell at once");
        assert!((hidden_total(&m, &s, ins) - s.force_total(nr, ins)).abs() < 1e-9, "all of them hidden");
        // Half the valley's cell surfaces; 100 trainees are ready while the
        // government holds the depot: they go to the cells, in proportion to
        // the hidden fighters of each region, hidden.
        let desert_cells = hidden_people(&m, &s, ins, desert);
        switch(&m, &mut s, ins, Some(valley), 0.5, false);
        let valley_cells = hidden_people(&m, &s, ins, valley);
        crate::phases::forcegen::enlist(&m, &mut s, ins, desert, 100.0);
        s.tick += 1;
        s.control[desert] = m.actor_index("gov");
        crate::phases::forcegen::run(&m, &mut s);
        let total = desert_cells + valley_cells;
        assert!((hidden_people(&m, &s, ins, desert) - desert_cells - 100.0 * desert_cells / total).abs() < 1e-9);
        assert!((hidden_people(&m, &s, ins, valley) - valley_cells - 100.0 * valley_cells / total).abs() < 1e-9);
        assert_eq!(s.forcegen.trainees[ins], 0.0);
    }
}

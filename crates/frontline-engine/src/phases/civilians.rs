//! Civilians and displacement (docs/model.md §3.17): civilian deaths from
//! battles, air strikes and area fire (`civilian_harm`), and people who flee
//! and return (`displacement`). Both switches are off by default; with both
//! off nothing here runs and no random number is drawn (none is, ever).
//!
//! With Δ the tick in weeks, pop(r) the region's population, κ
//! `attitudes.casualty_scale` and ρ the rate of the kind of fire on the
//! region's terrain (`civilians.<kind>_rate_<terrain>`):
//!
//! ```text
//! harm      killed(r) = min(pop(r), ρ(kind, terrain_r) · intensity)
//!           Battle: intensity = fighters the side of actor a killed in r's battle, split
//!                   among the side's groups by effective strength (caused by their owners)
//!           Strike: intensity = sorties flown over r by an air group (caused by its owner)
//!           Area:   intensity = area fire in r (the caller names the actor)
//!           spread over identities by population; ledger.civilians_killed += killed
//! attitudes h(r) = min(1, κ · killed(r) / pop(r));  h_a(r) = min(1, κ · Σ_{b allied to a} killed_b(r) / pop(r))
//!           grievance push += harm_grievance · h(r);  support target for a −= harm_support · h_a(r)
//! flight    u(r) = min(1, κ · (fighters + civilians killed in r this tick) / pop(r))
//!           fear(r, i) = max(0, −support(r, i, controller of r))
//!           b(r, i) = the C8 abuse measure (sectarian_abuse on)
//!           φ(r, i) = min(1, Δ · (flee_rate_combat · u + flee_rate_fear · fear + flee_rate_abuse · b))
//!           destination: the nearest camp within camp_reach hops through ground not held by
//!           an actor i fears there (support < 0), lowest u then index among the nearest; else
//!           the neighbour that minimises (feared, u, index); none if r has no neighbour
//! mixing    at the destination d: g_d ← (pop_d · g_d + n · g_r) / (pop_d + n), support likewise
//! return    each tick min(1, return_rate · Δ) of the people of identity i away from home o
//!           go back when u(o) < return_insecurity and o's controller is not feared
//!           (their support for it ≥ 0, or nobody holds o)
//! ```
//!
//! Sources: none gives these rates for the theatres this engine models, and
//! `../shared/data` holds no displacement figure, so every rate is an
//! assumption with a range in `frontline_scenario::constants`
//! (`[constants.civilians]`). The ordering of the battle rates by terrain
//! (urban highest) is a reason, not a number: fighting among dense housing
//! exposes more bystanders.
//!
//! Owns the [`Civilians`] state; the combat phase calls [`harm`] (through
//! [`battle`] and [`strikes`]), the attitudes phase reads [`grievance_harm`]
//! and [`support_harm`], and [`run`] is the step after attitudes.

use crate::phases::manpower::{move_people, remove_people};
use crate::state::{State, sum};
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName, Terrain};

/// Flows under one person are not made (a flight of fewer people is none;
/// a stock of fewer people away goes home whole): fractions of a person
/// moving every tick would fill the displacement table with noise.
pub const MIN_FLOW: f64 = 1.0;

/// An entry of people away with fewer than this many is dropped (they are
/// counted home; the population is not touched).
const EMPTY: f64 = 1e-6;

/// The kind of fire that kills civilians.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fire {
    /// Square-law battle: intensity is fighters killed.
    Battle,
    /// Air strikes: intensity is sorties flown.
    Strike,
    /// Area fire against fighters who are not located: intensity is the area fire.
    Area,
}

/// One movement of people in a tick, for the displacement table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flow {
    /// Tick.
    pub tick: u32,
    /// Region left.
    pub from: usize,
    /// Region reached.
    pub to: usize,
    /// Identity.
    pub identity: usize,
    /// People who moved.
    pub people: f64,
    /// True for people going home, false for people fleeing.
    pub returning: bool,
}

/// People of one identity away from their home region, where they are now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Away {
    /// Home region.
    pub home: usize,
    /// Identity.
    pub identity: usize,
    /// Region they are in.
    pub at: usize,
    /// People.
    pub people: f64,
}

/// Run state of civilian harm and displacement. Vectors whose switch is off
/// stay empty.
#[derive(Debug, Clone, Default)]
pub struct Civilians {
    /// Civilians killed per region, cumulative (civilian_harm).
    pub deaths: Vec<f64>,
    /// Civilians killed by each actor, cumulative.
    pub deaths_by: Vec<f64>,
    /// Civilians killed per region this tick.
    pub tick_deaths: Vec<f64>,
    /// `tick_by[a * nr + r]`: civilians actor a killed in region r this tick.
    pub tick_by: Vec<f64>,
    /// Blame per actor in one region (scratch for the attitudes phase).
    pub blame: Vec<f64>,
    /// People away from home (displacement), one entry per (home, identity, where).
    pub away: Vec<Away>,
    /// `slot[(home * ni + i) * nr + at]`: index of its entry in `away`, `u32::MAX` if none.
    slot: Vec<u32>,
    /// This tick's movements (the record phase copies them).
    pub flows: Vec<Flow>,
    /// Population after the last displacement step, per (region, identity).
    last_pop: Vec<f64>,
    /// Scratch per (region, identity): displaced people present.
    present: Vec<f64>,
    /// Scratch per (region, identity): people leaving this tick.
    leaving: Vec<f64>,
    /// Scratch per (region, identity): share leaving this tick.
    share: Vec<f64>,
    /// Scratch per (region, identity): where they go.
    dest: Vec<usize>,
    /// Scratch per region: insecurity u.
    insecurity: Vec<f64>,
    /// Scratch per region: BFS visit stamps.
    mark: Vec<u32>,
    stamp: u32,
    /// Scratch: BFS layers.
    layer: Vec<usize>,
    next_layer: Vec<usize>,
    /// Scratch: new entries made this tick.
    pending: Vec<Away>,
    /// Scratch per (region, identity): active militia personnel of that
    /// identity; then per region (at `nr * ni + r`) of any identity.
    militia: Vec<f64>,
    /// Whether any region is a camp.
    camps: bool,
}

impl Civilians {
    /// The initial state: zero deaths, nobody away.
    pub fn new(m: &Model) -> Civilians {
        let (nr, ni, na) = (m.regions.len(), m.identities.len(), m.actors.len());
        let mut c = Civilians::default();
        if m.mechanisms.on(MechanismName::CivilianHarm) {
            c.deaths = vec![0.0; nr];
            c.deaths_by = vec![0.0; na];
            c.tick_deaths = vec![0.0; nr];
            c.tick_by = vec![0.0; na * nr];
            c.blame = vec![0.0; na];
        }
        if m.mechanisms.on(MechanismName::Displacement) {
            c.slot = vec![u32::MAX; nr * ni * nr];
            c.last_pop = m.regions.iter().flat_map(|r| r.population.iter().copied()).collect();
            c.present = vec![0.0; nr * ni];
            c.leaving = vec![0.0; nr * ni];
            c.share = vec![0.0; nr * ni];
            c.dest = vec![usize::MAX; nr * ni];
            c.insecurity = vec![0.0; nr];
            c.mark = vec![0; nr];
            c.militia = vec![0.0; nr * ni + nr];
            c.camps = m.regions.iter().any(|r| r.camp);
        }
        c
    }

    /// People of identity i away from home, in the whole theatre.
    pub fn displaced(&self, i: usize) -> f64 {
        self.away.iter().filter(|e| e.identity == i).map(|e| e.people).sum()
    }
}

/// ρ(kind, terrain): civilians killed per unit of intensity.
pub fn rate(m: &Model, kind: Fire, t: Terrain) -> f64 {
    let c = &m.constants.civilians;
    match (kind, t) {
        (Fire::Battle, Terrain::Urban) => c.battle_rate_urban,
        (Fire::Battle, Terrain::Rural) => c.battle_rate_rural,
        (Fire::Battle, Terrain::Desert) => c.battle_rate_desert,
        (Fire::Battle, Terrain::Mountain) => c.battle_rate_mountain,
        (Fire::Strike, Terrain::Urban) => c.strike_rate_urban,
        (Fire::Strike, Terrain::Rural) => c.strike_rate_rural,
        (Fire::Strike, Terrain::Desert) => c.strike_rate_desert,
        (Fire::Strike, Terrain::Mountain) => c.strike_rate_mountain,
        (Fire::Area, Terrain::Urban) => c.area_rate_urban,
        (Fire::Area, Terrain::Rural) => c.area_rate_rural,
        (Fire::Area, Terrain::Desert) => c.area_rate_desert,
        (Fire::Area, Terrain::Mountain) => c.area_rate_mountain,
    }
}

/// Kills min(pop(r), ρ(kind, terrain) · intensity) civilians of region r,
/// spread over its identities by population (through `remove_people`, so
/// manpower stays consistent), caused by actor `by`; returns how many died.
/// Nothing happens with `civilian_harm` off. Callable from any phase before
/// [`run`] in a tick (its per-tick buffers are cleared there).
pub fn harm(m: &Model, s: &mut State, r: usize, kind: Fire, intensity: f64, by: usize) -> f64 {
    if !s.on(MechanismName::CivilianHarm) || intensity.is_nan() || intensity <= 0.0 {
        return 0.0;
    }
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let pop = sum(&s.population[r * ni..(r + 1) * ni]);
    if pop <= 0.0 {
        return 0.0;
    }
    let n = (rate(m, kind, m.regions[r].terrain) * intensity).min(pop);
    if n <= 0.0 {
        return 0.0;
    }
    // Shares are fixed before anyone dies: pop is the total before.
    let mut killed = 0.0;
    for i in 0..ni {
        let p = s.population[r * ni + i];
        if p > 0.0 {
            killed += remove_people(m, s, r, i, n * p / pop);
        }
    }
    s.ledger.civilians_killed += killed;
    let c = &mut s.civilians;
    c.deaths[r] += killed;
    c.deaths_by[by] += killed;
    c.tick_deaths[r] += killed;
    c.tick_by[by * nr + r] += killed;
    killed
}

/// Civilian deaths of region r's battle (combat phase): each side caused
/// ρ(Battle) × the losses it inflicted, shared among its groups' owners by
/// effective strength (personnel × multiplier, whose shares within a side
/// the losses, spread by personnel, leave unchanged).
pub fn battle(m: &Model, s: &mut State, r: usize, side_a: &[usize], side_b: &[usize], lost_a: f64, lost_b: f64) {
    if !s.on(MechanismName::CivilianHarm) {
        return;
    }
    for (side, inflicted) in [(side_a, lost_b), (side_b, lost_a)] {
        let nr = m.regions.len();
        let eff: f64 = side.iter().map(|&f| s.personnel[f * nr + r] * s.mult[f]).sum();
        if eff <= 0.0 || inflicted <= 0.0 {
            continue;
        }
        for &f in side {
            let share = s.personnel[f * nr + r] * s.mult[f] / eff;
            harm(m, s, r, Fire::Battle, inflicted * share, m.forces[f].actor);
        }
    }
}

/// Civilian deaths of this tick's air sorties (combat phase, `air_power`
/// on): every (air group, region, sorties) order kills ρ(Strike) × sorties
/// there, caused by the group's owner.
pub fn strikes(m: &Model, s: &mut State) {
    if !s.on(MechanismName::CivilianHarm) {
        return;
    }
    for k in 0..s.orders.air.len() {
        let (f, r, x) = s.orders.air[k];
        harm(m, s, r, Fire::Strike, x, m.forces[f].actor);
    }
}

/// h(r) = min(1, κ · civilians killed in r this tick / pop(r)): the
/// grievance term the attitudes phase adds, × `harm_grievance`.
pub fn grievance_harm(m: &Model, s: &State, r: usize, pop_r: f64) -> f64 {
    let d = s.civilians.tick_deaths[r];
    if d <= 0.0 || pop_r <= 0.0 {
        return 0.0;
    }
    m.constants.civilians.harm_grievance * (m.constants.attitudes.casualty_scale * d / pop_r).min(1.0)
}

/// Fills `s.civilians.blame[a]` = harm_support · min(1, κ · Σ_{b allied to a}
/// civilians b killed in r this tick / pop(r)): how far the support target
/// for a falls in region r. Returns false (and leaves blame alone) if nobody
/// was killed there.
pub fn support_harm(m: &Model, s: &mut State, r: usize, pop_r: f64) -> bool {
    let (nr, na) = (m.regions.len(), m.actors.len());
    if s.civilians.tick_deaths[r] <= 0.0 || pop_r <= 0.0 {
        return false;
    }
    let k = m.constants.attitudes.casualty_scale / pop_r;
    let w = m.constants.civilians.harm_support;
    let c = &mut s.civilians;
    for a in 0..na {
        let by_side: f64 = (0..na).filter(|&b| m.actors[a].allied[b]).map(|b| c.tick_by[b * nr + r]).sum();
        c.blame[a] = w * (k * by_side).min(1.0);
    }
    true
}

/// The step after attitudes: displacement (flight, then return), then the
/// per-tick harm buffers are cleared. No random draws.
pub fn run(m: &Model, s: &mut State) {
    if s.on(MechanismName::Displacement) {
        displace(m, s);
    }
    if s.on(MechanismName::CivilianHarm) {
        let c = &mut s.civilians;
        c.tick_deaths.iter_mut().for_each(|x| *x = 0.0);
        c.tick_by.iter_mut().for_each(|x| *x = 0.0);
    }
}

/// Whether identity i of region `home` fears the controller of q (its support there for it < 0).
fn feared(m: &Model, s: &State, home: usize, i: usize, q: usize) -> bool {
    let (ni, na) = (m.identities.len(), m.actors.len());
    s.control[q].is_some_and(|c| s.support[(home * ni + i) * na + c] < 0.0)
}

/// Where identity i of region r flees: the nearest camp within reach, else
/// the best neighbour if it is an improvement; None if there is none.
/// `abused` is the abuse b(r, i) they suffer at home.
fn destination(m: &Model, s: &mut State, r: usize, i: usize, abused: f64) -> Option<usize> {
    let reach = m.constants.civilians.camp_reach;
    if s.civilians.camps && reach >= 1.0 {
        // Breadth-first, layer by layer, through ground i does not fear.
        let mut c = std::mem::take(&mut s.civilians);
        c.stamp = c.stamp.wrapping_add(1);
        if c.stamp == 0 {
            c.mark.iter_mut().for_each(|x| *x = 0);
            c.stamp = 1;
        }
        let stamp = c.stamp;
        c.mark[r] = stamp;
        c.layer.clear();
        c.layer.push(r);
        let mut best = None;
        let mut depth = 0.0;
        while !c.layer.is_empty() && depth < reach && best.is_none() {
            depth += 1.0;
            c.next_layer.clear();
            for k in 0..c.layer.len() {
                for &q in &m.regions[c.layer[k]].neighbours {
                    if c.mark[q] != stamp && !feared(m, s, r, i, q) {
                        c.mark[q] = stamp;
                        c.next_layer.push(q);
                    }
                }
            }
            for &q in &c.next_layer {
                if m.regions[q].camp {
                    let key = (c.insecurity[q], q);
                    if best.is_none_or(|(u, b): (f64, usize)| key.0 < u || (key.0 == u && q < b)) {
                        best = Some(key);
                    }
                }
            }
            std::mem::swap(&mut c.layer, &mut c.next_layer);
        }
        s.civilians = c;
        if let Some((_, q)) = best {
            return Some(q);
        }
    }
    let u = &s.civilians.insecurity;
    let best = m.regions[r].neighbours.iter().copied().min_by(|&x, &y| {
        feared(m, s, r, i, x).cmp(&feared(m, s, r, i, y)).then(u[x].total_cmp(&u[y])).then(x.cmp(&y))
    })?;
    // Nobody flees into more danger than he leaves: the neighbour must be
    // safer, or free of the fear or with less of the abuse that drives them out.
    let ni = m.identities.len();
    let better = u[best] < u[r]
        || (feared(m, s, r, i, r) && !feared(m, s, r, i, best))
        || (abused > 0.0 && abuse(m, s, best, i, s.population[best * ni + i].max(1.0)) < abused);
    better.then_some(best)
}

/// n people of identity i arrive in `to` from `from`, where pop_to people
/// of it were: grievance and support there become population-weighted means.
fn mix(m: &Model, s: &mut State, from: usize, to: usize, i: usize, n: f64, pop_to: f64) {
    let (ni, na) = (m.identities.len(), m.actors.len());
    let total = pop_to + n;
    if n <= 0.0 || total <= 0.0 {
        return;
    }
    let (wf, wt) = (n / total, pop_to / total);
    let (kf, kt) = (from * ni + i, to * ni + i);
    s.grievance[kt] = (wt * s.grievance[kt] + wf * s.grievance[kf]).clamp(0.0, 1.0);
    for a in 0..na {
        let x = wt * s.support[kt * na + a] + wf * s.support[kf * na + a];
        s.support[kt * na + a] = x.clamp(-1.0, 1.0);
    }
}

/// Moves n people (with their manpower) and mixes their attitudes in; returns how many moved.
fn go(m: &Model, s: &mut State, from: usize, to: usize, i: usize, n: f64, returning: bool) -> f64 {
    let pop_to = s.population[to * m.identities.len() + i];
    let moved = move_people(m, s, from, to, i, n);
    if moved > 0.0 {
        mix(m, s, from, to, i, moved, pop_to);
        let tick = s.tick;
        s.civilians.flows.push(Flow { tick, from, to, identity: i, people: moved, returning });
    }
    moved
}

/// Adds people to the entry (home, i, at), making it if need be.
fn add_away(c: &mut Civilians, nr: usize, ni: usize, e: Away) {
    if e.home == e.at || e.people <= 0.0 {
        return;
    }
    let k = (e.home * ni + e.identity) * nr + e.at;
    match c.slot[k] {
        u32::MAX => {
            c.slot[k] = c.away.len() as u32;
            c.away.push(e);
        }
        j => c.away[j as usize].people += e.people,
    }
}

fn displace(m: &Model, s: &mut State) {
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let dt = crate::phases::weeks(m);
    let cc = m.constants.civilians.clone();
    let ca = &m.constants.attitudes;
    s.civilians.flows.clear();
    // 1. Losses since the last step (deaths, recruits) fall on the displaced
    //    in proportion; gains (deserters going home) are residents.
    {
        let c = &mut s.civilians;
        c.present.iter_mut().for_each(|x| *x = 0.0);
        for e in c.away.iter_mut() {
            let k = e.at * ni + e.identity;
            let (p, l) = (s.population[k], c.last_pop[k]);
            if p < l {
                e.people *= p / l;
            }
            c.present[k] += e.people;
        }
    }
    // 2. Insecurity per region: fighters and civilians killed this tick.
    for r in 0..nr {
        let pop_r = sum(&s.population[r * ni..(r + 1) * ni]);
        let dead = s.casualties[r] + s.civilians.tick_deaths.get(r).copied().unwrap_or(0.0);
        s.civilians.insecurity[r] = if pop_r > 0.0 { (ca.casualty_scale * dead / pop_r).min(1.0) } else { 0.0 };
    }
    // 3. Who flees, and where to, from the state at the start of the step.
    let abuse_on = s.on(MechanismName::SectarianAbuse) && cc.flee_rate_abuse > 0.0;
    if abuse_on {
        count_militia(m, s);
    }
    let na = m.actors.len();
    for r in 0..nr {
        let u = s.civilians.insecurity[r];
        for i in 0..ni {
            let k = r * ni + i;
            s.civilians.leaving[k] = 0.0;
            s.civilians.share[k] = 0.0;
            let pop = s.population[k];
            if pop <= 0.0 {
                continue;
            }
            let fear = s.control[r].map_or(0.0, |c| (-s.support[k * na + c]).max(0.0));
            let abuse = if abuse_on { abuse(m, s, r, i, pop) } else { 0.0 };
            let phi = (dt * (cc.flee_rate_combat * u + cc.flee_rate_fear * fear + cc.flee_rate_abuse * abuse)).min(1.0);
            if phi <= 0.0 || phi * pop < MIN_FLOW {
                continue;
            }
            let Some(d) = destination(m, s, r, i, abuse) else { continue };
            s.civilians.share[k] = phi;
            s.civilians.leaving[k] = phi * pop;
            s.civilians.dest[k] = d;
            if s.cause.on {
                let terms = [
                    ("combat", dt * cc.flee_rate_combat * u),
                    ("fear", dt * cc.flee_rate_fear * fear),
                    ("abuse", dt * cc.flee_rate_abuse * abuse),
                    ("share", phi),
                ];
                crate::cause::flight(s, ni, (r, i, d), phi * pop, pop, terms);
            }
        }
    }
    // 4. Flight: residents and the displaced there alike.
    s.civilians.pending.clear();
    for k in 0..nr * ni {
        let n = s.civilians.leaving[k];
        if n <= 0.0 {
            continue;
        }
        let (r, i, d) = (k / ni, k % ni, s.civilians.dest[k]);
        // n = φ · pop at the start of the step; those who arrived since stay.
        let moved = go(m, s, r, d, i, n, false);
        let phi = moved / n * s.civilians.share[k];
        s.civilians.share[k] = phi;
        let residents = (moved - phi * s.civilians.present[k]).max(0.0);
        s.civilians.pending.push(Away { home: r, identity: i, at: d, people: residents });
    }
    let c = &mut s.civilians;
    for j in 0..c.away.len() {
        let e = c.away[j];
        let k = e.at * ni + e.identity;
        let phi = c.share[k];
        if phi > 0.0 && e.people > 0.0 {
            let x = phi * e.people;
            c.away[j].people -= x;
            // Those who fled to their own home are home.
            c.pending.push(Away { at: c.dest[k], people: x, ..e });
        }
    }
    // 5. Return, for those already away at the start of the tick.
    let back = (cc.return_rate * dt).min(1.0);
    if back > 0.0 {
        for j in 0..s.civilians.away.len() {
            let e = s.civilians.away[j];
            if e.people <= 0.0 || s.civilians.insecurity[e.home] >= cc.return_insecurity {
                continue;
            }
            if feared(m, s, e.at, e.identity, e.home) {
                continue;
            }
            let n = (back * e.people).max(e.people.min(MIN_FLOW));
            let moved = go(m, s, e.at, e.home, e.identity, n, true);
            s.civilians.away[j].people = (e.people - moved).max(0.0);
        }
    }
    // 6. This tick's new entries, and the population the next step compares with.
    let mut c = std::mem::take(&mut s.civilians);
    for j in 0..c.pending.len() {
        let e = c.pending[j];
        add_away(&mut c, nr, ni, e);
    }
    // Entries that have emptied (everyone home) are dropped, so that the
    // passes above cost what is away, not what ever was.
    if c.away.iter().any(|e| e.people < EMPTY) {
        let mut kept = 0;
        for j in 0..c.away.len() {
            let e = c.away[j];
            let k = (e.home * ni + e.identity) * nr + e.at;
            if e.people < EMPTY {
                c.slot[k] = u32::MAX;
            } else {
                c.away[kept] = e;
                c.slot[k] = kept as u32;
                kept += 1;
            }
        }
        c.away.truncate(kept);
    }
    c.last_pop.copy_from_slice(&s.population);
    s.civilians = c;
}

/// Active militia personnel with an identity, per (region, identity) and
/// per region: one pass over the militias.
fn count_militia(m: &Model, s: &mut State) {
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let c = &mut s.civilians;
    c.militia.iter_mut().for_each(|x| *x = 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        let Some(fi) = force.identity else { continue };
        if force.kind != ForceKind::Militia || !s.active[f] {
            continue;
        }
        for r in 0..nr {
            let n = s.personnel[f * nr + r];
            c.militia[r * ni + fi] += n;
            c.militia[nr * ni + r] += n;
        }
    }
}

/// The C8 abuse measure b = min(1, militia of another identity in r /
/// (abuse_saturation · pop(r, i))), as the attitudes phase defines it.
fn abuse(m: &Model, s: &State, r: usize, i: usize, pop: f64) -> f64 {
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let c = &s.civilians;
    let total = c.militia[nr * ni + r];
    let militia = total - c.militia[r * ni + i];
    if militia > 1e-9 * total { (militia / (m.constants.attitudes.abuse_saturation * pop)).min(1.0) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    const HARM: &str = "[mechanisms]\ncivilian_harm = true\n";
    const MOVE: &str = "[mechanisms]\ndisplacement = true\n";

    fn ids(m: &Model) -> (usize, usize, usize, usize) {
        let sunni = m.identities.iter().position(|x| x.id == "sunni").unwrap();
        (m.region_index("city").unwrap(), sunni, m.identities.len(), m.actors.len())
    }

    #[test]
    fn harm_kills_by_terrain_and_kind_spread_over_identities_with_their_manpower() {
        let m = line(&format!("{HARM}manpower = true\n"));
        let mut s = State::new(&m, 1);
        let (city, sunni, ni, _) = ids(&m);
        let gov = m.actor_index("gov").unwrap();
        // City (urban): 1 civilian per fighter killed, 0.5 per sortie.
        assert_eq!(harm(&m, &mut s, city, Fire::Battle, 100.0, gov), 100.0);
        assert_eq!(harm(&m, &mut s, city, Fire::Strike, 10.0, gov), 5.0);
        assert_eq!(harm(&m, &mut s, city, Fire::Area, 10.0, gov), 20.0);
        assert!((s.population[city * ni + sunni] - (200_000.0 - 125.0)).abs() < 1e-9);
        assert!((s.manpower.stock[city * ni + sunni] - 0.25 * (200_000.0 - 125.0)).abs() < 1e-6, "manpower follows");
        assert_eq!(
            (s.ledger.civilians_killed, s.civilians.deaths[city], s.civilians.deaths_by[gov]),
            (125.0, 125.0, 125.0)
        );
        // Capital (urban, 400 000 Shia and 100 000 Sunni): 500 dead, split 4 to 1.
        let capital = m.region_index("capital").unwrap();
        harm(&m, &mut s, capital, Fire::Battle, 500.0, gov);
        assert!((s.population[capital * ni + sunni] - (100_000.0 - 100.0)).abs() < 1e-9);
        assert!((s.population[capital * ni + 1 - sunni] - (400_000.0 - 400.0)).abs() < 1e-9);
        // The desert: 0.05 per fighter killed; never more than live there.
        let desert = m.region_index("desert").unwrap();
        assert!((harm(&m, &mut s, desert, Fire::Battle, 100.0, gov) - 5.0).abs() < 1e-12);
        assert_eq!(harm(&m, &mut s, desert, Fire::Area, 1e12, gov), 20_000.0 - 5.0);
        assert_eq!(s.population[desert * ni + sunni], 0.0);
        // Switched off: nothing.
        let off = line("");
        let mut s = State::new(&off, 1);
        assert_eq!(harm(&off, &mut s, city, Fire::Battle, 100.0, gov), 0.0);
        assert_eq!(s.ledger.civilians_killed, 0.0);
    }

    #[test]
    fn a_battle_blames_each_side_for_the_losses_it_inflicted() {
        let m = line(&format!("{HARM}rout = false\n"));
        let mut s = State::new(&m, 7);
        let (city, _, _, _) = ids(&m);
        let nr = m.regions.len();
        let (army, tribes, ins) =
            (m.force_index("army").unwrap(), m.force_index("tribes").unwrap(), m.force_index("insurgents").unwrap());
        // Only the city fights (the valley's skirmish emptied).
        s.personnel[ins * nr + m.region_index("valley").unwrap()] = 0.0;
        crate::testkit::set_personnel(&m, &mut s, ins, city, 600.0);
        let side = |s: &State| s.personnel[army * nr + city] + s.personnel[tribes * nr + city];
        let (a0, b0) = (side(&s), s.personnel[ins * nr + city]);
        crate::phases::combat::run(&m, &mut s);
        let (lost_a, lost_b) = (a0 - side(&s), b0 - s.personnel[ins * nr + city]);
        assert!(lost_a > 0.0 && lost_b > 0.0);
        let by = |a: &str| s.civilians.deaths_by[m.actor_index(a).unwrap()];
        // Urban city: one civilian per fighter killed; isis caused what it killed.
        assert!((by("isis") - lost_a).abs() < 1e-9, "{} vs {lost_a}", by("isis"));
        assert!((by("gov") + by("tribes") - lost_b).abs() < 1e-9);
        assert!(by("gov") > 0.0 && by("tribes") > 0.0, "shared by effective strength");
        assert!((s.civilians.deaths[city] - lost_a - lost_b).abs() < 1e-9);
        assert!((s.civilians.tick_deaths[city] - s.civilians.deaths[city]).abs() < 1e-12);
        // The end of the tick clears this tick's buffers, not the totals.
        run(&m, &mut s);
        assert_eq!(s.civilians.tick_deaths[city], 0.0);
        assert!(s.civilians.deaths[city] > 0.0);
    }

    /// Grievance and support after one attitudes phase, with `by` having
    /// killed 100 civilians in the city this tick, and without.
    fn attitudes_after_harm(by: &str) -> (State, State, Model) {
        // Inclusion off: σ = 0, so grievance does not move support and the
        // harm term is all that differs.
        let m = line(&format!("{HARM}inclusion = false\n[constants.attitudes]\nrelaxation = 0\n"));
        let mut s = State::new(&m, 1);
        let (city, _, _, _) = ids(&m);
        harm(&m, &mut s, city, Fire::Battle, 100.0, m.actor_index(by).unwrap());
        let mut quiet = s.clone();
        quiet.civilians.tick_deaths.iter_mut().for_each(|x| *x = 0.0);
        quiet.civilians.tick_by.iter_mut().for_each(|x| *x = 0.0);
        crate::phases::attitudes::run(&m, &mut s);
        crate::phases::attitudes::run(&m, &mut quiet);
        (s, quiet, m)
    }

    #[test]
    fn civilian_deaths_raise_grievance_and_lower_support_for_the_side_that_caused_them() {
        let (s, quiet, m) = attitudes_after_harm("gov");
        let (city, sunni, ni, na) = ids(&m);
        let k = city * ni + sunni;
        // h = 100 · 100 / 199 900; the push rises by 0.2 · h over a week,
        // times the gap to 1 (g = 0.4 before).
        let h = 100.0 * 100.0 / 199_900.0;
        let dg = s.grievance[k] - quiet.grievance[k];
        assert!((dg - 0.2 * h * (1.0 - 0.4)).abs() < 1e-12, "Δg = {dg}");
        // Support moves a tenth of the way to a target lowered by 0.5 · h,
        // for gov and its ally the tribes; isis, the other side, is untouched.
        let sup = |st: &State, a: &str| st.support[k * na + m.actor_index(a).unwrap()];
        assert!((sup(&s, "gov") - sup(&quiet, "gov") + 0.1 * 0.5 * h).abs() < 1e-12);
        assert!((sup(&s, "tribes") - sup(&quiet, "tribes") + 0.1 * 0.5 * h).abs() < 1e-12);
        assert_eq!(sup(&s, "isis"), sup(&quiet, "isis"));
        // Elsewhere nothing changed.
        let valley = m.region_index("valley").unwrap() * ni + sunni;
        assert_eq!(s.grievance[valley], quiet.grievance[valley]);
        // Caused by isis instead: isis loses support, gov and the tribes do not.
        let (s, quiet, _) = attitudes_after_harm("isis");
        assert!((sup(&s, "isis") - sup(&quiet, "isis") + 0.1 * 0.5 * h).abs() < 1e-12);
        assert_eq!(sup(&s, "gov"), sup(&quiet, "gov"));
        assert_eq!(sup(&s, "tribes"), sup(&quiet, "tribes"));
        assert!(s.grievance[k] > quiet.grievance[k], "grievance rises whoever caused it");
    }

    fn set_support(m: &Model, s: &mut State, region: &str, actor: &str, x: f64) {
        let (_, sunni, ni, na) = ids(m);
        let k = m.region_index(region).unwrap() * ni + sunni;
        s.support[k * na + m.actor_index(actor).unwrap()] = x;
    }

    #[test]
    fn a_flight_is_recorded_once_a_tenth_of_the_people_have_left_with_the_terms_of_the_rate() {
        // φ = 1 week · rate · fear 0.5: 0.005 with the default rate (1 000 of
        // 200 000 leave, under a tenth: no record), 0.15 with rate 0.3 (30 000).
        for (rate, recorded) in [(0.01, false), (0.3, true)] {
            let m = line(&format!("{MOVE}manpower = true\n[constants.civilians]\nflee_rate_fear = {rate}\n"));
            let mut s = State::new(&m, 1);
            s.cause = crate::cause::Causes::new(&m, &s, true);
            let (city, sunni, _, _) = ids(&m);
            let valley = m.region_index("valley").unwrap();
            set_support(&m, &mut s, "city", "gov", -0.5);
            let pop = s.population[city * m.identities.len() + sunni];
            run(&m, &mut s);
            let found: Vec<&crate::cause::Driver> =
                s.cause.drivers.iter().filter(|x| x.kind == crate::cause::Kind::Displacement).collect();
            if !recorded {
                assert!(found.is_empty(), "{found:?}");
                continue;
            }
            let [x] = found[..] else { panic!("one flight: {found:?}") };
            assert_eq!(
                (x.region, x.identity, x.target, x.actor),
                (Some(city), Some(sunni), Some(valley), m.actor_index("gov"))
            );
            assert!((x.term("share").unwrap() - 0.15).abs() < 1e-12);
            assert!((x.term("fear").unwrap() - 0.15).abs() < 1e-12, "{x:?}");
            assert!((x.term("fled").unwrap() - 0.15 * pop).abs() < 1e-6);
            assert_eq!(x.term("population"), Some(pop));
            // The flight's record agrees with the displacement table.
            let f = s.civilians.flows[0];
            assert!((f.people - x.term("fled").unwrap()).abs() < 1e-6, "{f:?}");
        }
    }

    #[test]
    fn feared_control_drives_people_out_to_the_best_neighbour_with_their_attitudes() {
        let m = line(&format!("{MOVE}manpower = true\n"));
        let mut s = State::new(&m, 1);
        let (city, sunni, ni, na) = ids(&m);
        let valley = m.region_index("valley").unwrap();
        // The city's Sunnis fear the government (−0.5) that holds the city
        // and the suburbs: they flee to the valley, which nobody holds.
        set_support(&m, &mut s, "city", "gov", -0.5);
        s.grievance[city * ni + sunni] = 0.8;
        let total = |s: &State| s.population.iter().sum::<f64>();
        let before = total(&s);
        run(&m, &mut s);
        // φ = 1 week · 0.01 · 0.5; 200 000 · 0.005 = 1 000.
        assert_eq!(s.civilians.flows.len(), 1);
        let f = s.civilians.flows[0];
        assert_eq!((f.from, f.to, f.identity, f.returning), (city, valley, sunni, false));
        assert!((f.people - 1_000.0).abs() < 1e-9);
        assert!((s.population[valley * ni + sunni] - 81_000.0).abs() < 1e-9);
        assert!((total(&s) - before).abs() < 1e-6, "people conserved");
        assert!((s.civilians.displaced(sunni) - 1_000.0).abs() < 1e-9);
        // Grievance and support mix by population: (80 000 · 0.5 + 1 000 · 0.8) / 81 000.
        assert!((s.grievance[valley * ni + sunni] - (80_000.0 * 0.5 + 800.0) / 81_000.0).abs() < 1e-12);
        let gov = m.actor_index("gov").unwrap();
        assert!((s.support[(valley * ni + sunni) * na + gov] - (-500.0 / 81_000.0)).abs() < 1e-12);
        // Manpower went with them (a quarter of those who moved).
        assert!((s.manpower.stock[valley * ni + sunni] - 0.25 * 81_000.0).abs() < 1e-6);
    }

    #[test]
    fn people_return_when_home_is_safe_and_held_by_a_side_they_do_not_fear_and_not_before() {
        let m = line(MOVE);
        let mut s = State::new(&m, 1);
        let (city, sunni, ni, _) = ids(&m);
        set_support(&m, &mut s, "city", "gov", -0.5);
        run(&m, &mut s);
        let away = s.civilians.displaced(sunni);
        assert!(away > 0.0);
        // The city stops being feared, but the valley's Sunnis (the
        // displaced among them) still fear gov, which holds the city: no return.
        set_support(&m, &mut s, "city", "gov", 0.0);
        set_support(&m, &mut s, "valley", "gov", -0.01);
        run(&m, &mut s);
        assert!(s.civilians.flows.is_empty(), "{:?}", s.civilians.flows);
        // Not feared any more, but the city is unsafe (a battle killed 1 %).
        set_support(&m, &mut s, "valley", "gov", 0.0);
        s.casualties[city] = 2_000.0;
        run(&m, &mut s);
        assert!(s.civilians.flows.iter().all(|f| !f.returning), "no return while unsafe");
        let away = s.civilians.displaced(sunni);
        // Safe and held by a side they do not fear: 5 % a week go home.
        s.casualties[city] = 0.0;
        // (Those who fled the battle went to the valley and suburbs alike; all return.)
        let pop_city = s.population[city * ni + sunni];
        run(&m, &mut s);
        let back: f64 = s.civilians.flows.iter().filter(|f| f.returning).map(|f| f.people).sum();
        assert!((back - 0.05 * away).abs() < 1e-6 * away, "{back} vs {away}");
        assert!(s.civilians.flows.iter().filter(|f| f.returning).all(|f| f.to == city));
        assert!((s.population[city * ni + sunni] - pop_city - back).abs() < 1e-6);
        assert!((s.civilians.displaced(sunni) - 0.95 * away).abs() < 1e-6 * away);
    }

    #[test]
    fn the_rule_language_reads_the_displaced_and_the_dead() {
        use crate::state::View;
        use frontline_scenario::expr::{Query, World};
        let m = line("[mechanisms]\ndisplacement = true\ncivilian_harm = true\n");
        let mut s = State::new(&m, 1);
        let (city, sunni, _, _) = ids(&m);
        let (gov, isis) = (m.actor_index("gov").unwrap(), m.actor_index("isis").unwrap());
        harm(&m, &mut s, city, Fire::Battle, 40.0, isis);
        set_support(&m, &mut s, "city", "gov", -0.5);
        run(&m, &mut s);
        let q = |s: &State, q: Query| View { model: &m, state: s }.query(&q);
        assert_eq!(q(&s, Query::CivilianDeaths { region: city }), 40.0);
        assert_eq!(q(&s, Query::CivilianDeathsBy { actor: isis }), 40.0);
        assert_eq!(q(&s, Query::CivilianDeathsBy { actor: gov }), 0.0);
        let away = q(&s, Query::Displaced { identity: sunni });
        assert!(away > 0.0 && (away - s.civilians.displaced(sunni)).abs() < 1e-12);
        // Off: all zero.
        let off = line("");
        let s = State::new(&off, 1);
        let v = View { model: &off, state: &s };
        assert_eq!(
            v.query(&Query::CivilianDeaths { region: city }) + v.query(&Query::Displaced { identity: sunni }),
            0.0
        );
        assert_eq!(v.query(&Query::CivilianDeathsBy { actor: isis }), 0.0);
    }

    #[test]
    fn militia_abuse_drives_the_other_identity_out() {
        // 500 Shia militiamen in the city: abuse of its Sunnis saturates at
        // 0.01 · 200 000 = 2 000, so b = 0.25 and φ = 0.02 · 0.25 (no fear).
        let m = line(&format!(
            "{MOVE}[forces.pmf]\nactor = \"gov\"\nkind = \"militia\"\nidentity = \"shia\"\npersonnel = {{ city = 500 }}\n"
        ));
        let mut s = State::new(&m, 1);
        let (city, sunni, _, _) = ids(&m);
        set_support(&m, &mut s, "city", "gov", 0.0);
        run(&m, &mut s);
        let f = s.civilians.flows.iter().find(|f| f.from == city && f.identity == sunni).unwrap();
        assert!((f.people - 0.005 * 200_000.0).abs() < 1e-6, "{f:?}");
        // sectarian_abuse off: no abuse term, nobody flees.
        let m = line(&format!(
            "{MOVE}sectarian_abuse = false\n[forces.pmf]\nactor = \"gov\"\nkind = \"militia\"\nidentity = \"shia\"\npersonnel = {{ city = 500 }}\n"
        ));
        let mut s = State::new(&m, 1);
        set_support(&m, &mut s, "city", "gov", 0.0);
        run(&m, &mut s);
        assert!(s.civilians.flows.iter().all(|f| f.from != city));
    }

    #[test]
    fn nobody_flees_into_more_danger_than_he_leaves() {
        let m = line(MOVE);
        let mut s = State::new(&m, 1);
        let (city, sunni, _, _) = ids(&m);
        let (suburbs, valley) = (m.region_index("suburbs").unwrap(), m.region_index("valley").unwrap());
        // No fear of gov; a battle in the city (u = 0.5), worse ones on both
        // sides (u = 1): they stay.
        set_support(&m, &mut s, "city", "gov", 0.0);
        s.casualties[city] = 1_000.0;
        s.casualties[suburbs] = 10_000.0;
        s.casualties[valley] = 10_000.0;
        run(&m, &mut s);
        assert!(s.civilians.flows.iter().all(|f| f.from != city), "{:?}", s.civilians.flows);
        // The valley quiet: they flee there, 0.2 · 0.5 of them.
        s.casualties[valley] = 0.0;
        run(&m, &mut s);
        let f = s.civilians.flows.iter().find(|f| f.from == city).unwrap();
        assert_eq!(f.to, valley);
        assert!((f.people - 0.1 * 200_000.0).abs() < 1e-6);
        assert!(s.civilians.displaced(sunni) >= f.people);
    }

    #[test]
    fn camps_within_reach_attract_the_displaced() {
        let flee_to = |extra: &str| {
            let m = line(&format!("{MOVE}{extra}"));
            let mut s = State::new(&m, 1);
            set_support(&m, &mut s, "city", "gov", -0.5);
            run(&m, &mut s);
            m.regions[s.civilians.flows[0].to].id.clone()
        };
        assert_eq!(flee_to(""), "valley", "the nearest unfeared neighbour");
        // A camp in the desert (two hops, through the valley, held by isis,
        // which the city's Sunnis do not fear) draws them past the valley.
        assert_eq!(flee_to("[regions.desert]\ncamp = true\n"), "desert");
        assert_eq!(flee_to("[regions.desert]\ncamp = true\n[constants.civilians]\ncamp_reach = 1\n"), "valley");
        // A camp in the capital is behind feared ground (gov holds the
        // suburbs and the capital itself): not reachable.
        assert_eq!(flee_to("[regions.capital]\ncamp = true\n"), "valley");
        // Fearing isis too closes the way to the desert's camp.
        let m = line(&format!("{MOVE}[regions.desert]\ncamp = true\n"));
        let mut s = State::new(&m, 1);
        set_support(&m, &mut s, "city", "gov", -0.5);
        set_support(&m, &mut s, "city", "isis", -0.1);
        run(&m, &mut s);
        assert_eq!(m.regions[s.civilians.flows[0].to].id, "valley");
    }

    #[test]
    fn nobody_moves_into_or_out_of_a_region_with_no_route() {
        // The island has no neighbours; it is even a camp, and it is at war.
        let m = line(
            "[mechanisms]\ndisplacement = true\ncivilian_harm = true\n\
             [regions.island]\nposition = [40.0, 30.0]\ncontrol = \"gov\"\ncamp = true\nterrain = \"urban\"\n\
             population = { sunni = 50000 }\nsupport = { sunni = { gov = -0.5 } }\n\
             [forces.army]\npersonnel = { capital = 5000, suburbs = 2000, city = 1000, island = 2000 }\n\
             [forces.insurgents]\npersonnel = { desert = 2000, valley = 200, island = 1500 }\n\
             [regions.city]\nsupport = { sunni = { isis = 0.1, tribes = 0.3, gov = -0.5 } }\n",
        );
        let island = m.region_index("island").unwrap();
        assert!(m.regions[island].neighbours.is_empty());
        let t = crate::simulate(&m, 3);
        assert!(t.ledger.civilians_killed > 0.0, "the island's battle killed civilians");
        assert!(!t.displacement.is_empty(), "people fled elsewhere");
        assert!(t.displacement.iter().all(|f| f.from != island && f.to != island), "no route, no move");
    }
}

//! Manpower and the recruitment regimes (docs/model.md §3.12): the stock of
//! men of fighting age per region and identity, and the terms the
//! recruitment phase adds when their switches are on. Each term is off by
//! default; with all off the recruitment phase is unchanged.
//!
//! With Δ the tick in weeks, s(r, i) the manpower share (region key
//! `manpower_share`, else `manpower.share`) and pop(r, i) the population:
//!
//! ```text
//! manpower  M(r, i) = s(r, i) · pop(r, i) at the start; 0 ≤ M ≤ pop always
//!           regrowth: M ← min(max(M, s·pop), M + c · Δ · pop)      (c = manpower.coming_of_age)
//!           voluntary recruitment reads pop_eff = min(pop, M / s) instead of pop
//!           (pop at the start, falling as the men are drawn), and takes at most M
//! deterrence  P(a, r) = 1 − exp(−k · H / (F + 1)),   willing = max(0, support − R · P)
//!           H: ground personnel of a's enemies in r; F: of a's side (a and its allies)
//! momentum  μ_a ← μ_a · exp(−Δ / τ) + (gained_a − lost_a) / (held_a + 1)
//!           voluntary recruitment × clamp(exp(w · μ_a), 1/4, 4)
//! conscription  n = min(1, κ_f · Δ) · M(r, i) where the owner controls r (deterministic);
//!           G(r, i) += g · (n / M) · (1 − G)
//! inflow    n = Δ · clamp(inflow_f, 0, MAX_PEOPLE) into the group at inflow_region
//! ```
//!
//! Sources: the net-risk logic of deterrence and k = 2.3 are Epstein's
//! (2002, PNAS, "Modeling civil violence"); momentum is bandwagoning, control
//! shaping collaboration (Kalyvas 2006, *The Logic of Violence in Civil
//! War*); the shares and rates are assumptions with ranges in
//! `frontline_scenario::constants` (`[constants.manpower]`).
//!
//! Owns the [`Manpower`] state and the functions that keep population and
//! manpower together ([`add_people`], [`remove_people`], [`move_people`]);
//! the recruitment phase calls the terms.

use crate::state::{State, View};
use frontline_scenario::Model;
use frontline_scenario::model::MAX_PEOPLE;
use frontline_scenario::spec::MechanismName;

/// Run state of manpower and the recruitment regimes. Vectors whose switch
/// is off stay empty.
#[derive(Debug, Clone, Default)]
pub struct Manpower {
    /// `stock[r * ni + i]`: men of fighting age (the `manpower` switch).
    pub stock: Vec<f64>,
    /// `risk[a * nr + r]`: Epstein's P for recruits of actor a in region r,
    /// this tick (the `deterrence` switch; valid for actors that recruit).
    pub risk: Vec<f64>,
    /// Ground personnel per (actor, region), scratch for `risk`.
    pub ground: Vec<f64>,
    /// `recruits[a]`: actor a owns a ground group that recruits voluntarily.
    pub recruits: Vec<bool>,
    /// Momentum μ per actor (the `momentum` switch).
    pub momentum: Vec<f64>,
    /// Control when momentum was last updated.
    pub last_control: Vec<Option<usize>>,
    /// Scratch per actor: regions gained, lost and held (`3 * na`).
    pub counts: Vec<f64>,
    /// `shares[r * ni + i]`: the share s of men of fighting age, looked up
    /// once (the `manpower` switch), since recruitment reads it per group
    /// and region every tick.
    pub shares: Vec<f64>,
}

impl Manpower {
    /// The initial state: M = s · pop where the `manpower` switch is on.
    pub fn new(m: &Model) -> Manpower {
        let (nr, ni, na) = (m.regions.len(), m.identities.len(), m.actors.len());
        let on = |x| m.mechanisms.on(x);
        let mut mp = Manpower::default();
        if on(MechanismName::Manpower) {
            mp.shares = (0..nr * ni).map(|k| share(m, k / ni, k % ni)).collect();
            mp.stock = (0..nr * ni).map(|k| mp.shares[k] * m.regions[k / ni].population[k % ni]).collect();
        }
        if on(MechanismName::Deterrence) {
            mp.risk = vec![0.0; na * nr];
            mp.ground = vec![0.0; na * nr];
            mp.recruits = vec![false; na];
            for f in &m.forces {
                if f.identity.is_some() && f.recruit_rate > 0.0 {
                    mp.recruits[f.actor] = true;
                }
            }
        }
        if on(MechanismName::Momentum) {
            mp.momentum = vec![0.0; na];
            mp.last_control = m.regions.iter().map(|r| r.control).collect();
            mp.counts = vec![0.0; 3 * na];
        }
        mp
    }
}

/// Manpower share s(r, i): the region's `manpower_share` for the identity,
/// else the constant `manpower.share`.
pub fn share(m: &Model, r: usize, i: usize) -> f64 {
    m.regions[r].manpower_share[i].unwrap_or(m.constants.manpower.share)
}

/// Men of fighting age of identity i in region r: the stock with the
/// `manpower` switch on, else what the population holds, s · pop.
pub fn men(m: &Model, s: &State, r: usize, i: usize) -> f64 {
    let k = r * m.identities.len() + i;
    // The stock is allocated exactly when the switch is on.
    match s.manpower.stock.get(k) {
        Some(&x) => x,
        None => share(m, r, i) * s.population[k],
    }
}

/// The population voluntary recruitment reads with the `manpower` switch
/// on: pop_eff = min(pop, M / s), which is pop while the stock is full and
/// falls in proportion as its men are drawn (0 where s = 0).
#[inline]
pub fn recruitable(m: &Model, s: &State, r: usize, i: usize) -> f64 {
    let k = r * m.identities.len() + i;
    let sh = s.manpower.shares[k];
    if sh > 0.0 { (s.manpower.stock[k] / sh).min(s.population[k]) } else { 0.0 }
}

/// The recruitment multiplier of actor a's momentum, clamp(exp(w · μ), 1/4, 4)
/// (1 with the switch off).
pub fn momentum_factor(m: &Model, s: &State, a: usize) -> f64 {
    match s.manpower.momentum.get(a) {
        Some(mu) => (m.constants.manpower.momentum_weight * mu).exp().clamp(0.25, 4.0),
        None => 1.0,
    }
}

/// Adds n people of identity i to region r's population, and to its
/// manpower (deserters going home are men of fighting age).
pub fn add_people(m: &Model, s: &mut State, r: usize, i: usize, n: f64) {
    let k = r * m.identities.len() + i;
    s.population[k] += n;
    if let Some(x) = s.manpower.stock.get_mut(k) {
        *x += n;
    }
}

/// Removes n people of identity i from region r's population (at most all
/// of them) and the same share of its manpower; returns how many were
/// removed. For civilian deaths: the caller accounts for them in the ledger.
pub fn remove_people(m: &Model, s: &mut State, r: usize, i: usize, n: f64) -> f64 {
    let k = r * m.identities.len() + i;
    let pop = s.population[k];
    let n = n.clamp(0.0, pop);
    if n <= 0.0 {
        return 0.0;
    }
    let left = pop - n;
    s.population[k] = left;
    if let Some(x) = s.manpower.stock.get_mut(k) {
        *x = (*x * (1.0 - n / pop)).min(left).max(0.0);
    }
    n
}

/// Moves n people of identity i from region `from` to region `to` (at most
/// all of them), with the same share of `from`'s manpower; returns how many
/// moved. For displacement: people are conserved.
pub fn move_people(m: &Model, s: &mut State, from: usize, to: usize, i: usize, n: f64) -> f64 {
    let ni = m.identities.len();
    let (kf, kt) = (from * ni + i, to * ni + i);
    let pop = s.population[kf];
    let n = n.clamp(0.0, pop);
    if n <= 0.0 || from == to {
        return 0.0;
    }
    let left = pop - n;
    s.population[kf] = left;
    s.population[kt] += n;
    if !s.manpower.stock.is_empty() {
        let men = s.manpower.stock[kf] * (n / pop);
        s.manpower.stock[kf] = (s.manpower.stock[kf] - men).min(left).max(0.0);
        s.manpower.stock[kt] = (s.manpower.stock[kt] + men).min(s.population[kt]);
    }
    n
}

/// Prepares this tick's terms, before voluntary recruitment: manpower
/// regrows, momentum takes in the changes of control since the last tick,
/// and the deterrence risk is computed once per recruiting actor and region.
/// No random draws.
pub fn prepare(m: &Model, s: &mut State) {
    let dt = crate::phases::weeks(m);
    if s.on(MechanismName::Manpower) {
        regrow(m, s, dt);
    }
    if s.on(MechanismName::Momentum) {
        update_momentum(m, s, dt);
    }
    if s.on(MechanismName::Deterrence) {
        update_risk(m, s);
    }
}

/// M ← min(max(M, s · pop), M + c · Δ · pop): youths coming of age refill
/// the stock up to its structural share (and never above the population).
fn regrow(m: &Model, s: &mut State, dt: f64) {
    let c = m.constants.manpower.coming_of_age * dt;
    let mp = &mut s.manpower;
    for ((x, &sh), &pop) in mp.stock.iter_mut().zip(&mp.shares).zip(&s.population) {
        let cap = (sh * pop).min(pop);
        if *x < cap {
            *x = (*x + c * pop).min(cap);
        }
    }
}

/// μ_a ← μ_a · exp(−Δ/τ) + (gained − lost) / (held + 1), counting the
/// changes of control since the last update: O(regions + actors).
fn update_momentum(m: &Model, s: &mut State, dt: f64) {
    let na = m.actors.len();
    let mp = &mut s.manpower;
    mp.counts.iter_mut().for_each(|x| *x = 0.0);
    let (gained, rest) = mp.counts.split_at_mut(na);
    let (lost, held) = rest.split_at_mut(na);
    for (now, before) in s.control.iter().zip(mp.last_control.iter_mut()) {
        if let Some(a) = *now {
            held[a] += 1.0;
        }
        if *now != *before {
            if let Some(a) = *now {
                gained[a] += 1.0;
            }
            if let Some(b) = *before {
                lost[b] += 1.0;
            }
            *before = *now;
        }
    }
    let decay = (-dt / m.constants.manpower.momentum_weeks).exp();
    for a in 0..na {
        mp.momentum[a] = mp.momentum[a] * decay + (gained[a] - lost[a]) / (held[a] + 1.0);
    }
}

/// Epstein's P(a, r) = 1 − exp(−k · H / (F + 1)) for every actor that
/// recruits: one pass over the groups for ground personnel per actor, then
/// O(actors² × regions).
fn update_risk(m: &Model, s: &mut State) {
    let (nr, na) = (m.regions.len(), m.actors.len());
    let k = m.constants.manpower.deterrence_k;
    let mut ground = std::mem::take(&mut s.manpower.ground);
    ground.iter_mut().for_each(|x| *x = 0.0);
    for (f, force) in m.forces.iter().enumerate() {
        if s.on_ground(m, f) {
            let row = &mut ground[force.actor * nr..(force.actor + 1) * nr];
            for (g, x) in row.iter_mut().zip(&s.personnel[f * nr..(f + 1) * nr]) {
                *g += x;
            }
        }
    }
    for a in 0..na {
        if !s.manpower.recruits[a] {
            continue;
        }
        let actor = &m.actors[a];
        for r in 0..nr {
            let (mut h, mut f) = (0.0, 0.0);
            for b in 0..na {
                let x = ground[b * nr + r];
                if actor.hostile[b] {
                    h += x;
                } else if actor.allied[b] {
                    f += x;
                }
            }
            s.manpower.risk[a * nr + r] = 1.0 - (-k * h / (f + 1.0)).exp();
        }
    }
    s.manpower.ground = ground;
}

/// Conscription (the `conscription` switch): each active ground group with a
/// `conscription` rate κ and an identity i takes n = min(1, κΔ) · M(r, i)
/// in every region its owner controls, from the population (and manpower)
/// into its personnel there, and the identity's grievance there rises by
/// g · (n / M) · (1 − G). Deterministic (the expected value): a draft is a
/// quota, not a sum of independent choices, and drawing nothing keeps the
/// random stream of the other phases as it is with the switch off.
pub fn conscript(m: &Model, s: &mut State) {
    if !s.on(MechanismName::Conscription) {
        return;
    }
    let (nr, ni) = (m.regions.len(), m.identities.len());
    let dt = crate::phases::weeks(m);
    let g = m.constants.manpower.conscription_grievance;
    let stocked = s.on(MechanismName::Manpower);
    for (f, force) in m.forces.iter().enumerate() {
        let Some(i) = force.identity else { continue };
        if force.conscription <= 0.0 || !s.on_ground(m, f) {
            continue;
        }
        let rate = (force.conscription * dt).min(1.0);
        // A draft is still paid for: recruit costs and, with `payroll`, only
        // what the owner can pay (the recruitment phase keeps the bills).
        let mut allowance = crate::phases::economy::hire_cap(m, s, f);
        for r in 0..nr {
            if s.control[r] != Some(force.actor) {
                continue;
            }
            let k = r * ni + i;
            let base = men(m, s, r, i);
            let n = (rate * base).min(s.population[k]).min(allowance);
            if n <= 0.0 {
                continue;
            }
            allowance -= n;
            crate::phases::economy::pay_hires(m, s, f, n);
            s.population[k] -= n;
            if stocked {
                s.manpower.stock[k] = (s.manpower.stock[k] - n).max(0.0).min(s.population[k]);
            }
            // Conscripts train like any recruit (training_pipeline).
            crate::phases::forcegen::enlist(m, s, f, r, n);
            s.ledger.recruited += n;
            s.ledger.conscripted += n;
            let gr = &mut s.grievance[k];
            *gr = (*gr + g * (n / base) * (1.0 - *gr)).clamp(0.0, 1.0);
        }
    }
}

/// External inflows: each active group with an `inflow` gets
/// n = Δ · clamp(inflow, 0, MAX_PEOPLE) people from outside the theatre at
/// its `inflow_region`, the expression computed against this tick's state
/// (negative or NaN counts as 0). Independent of the switches: a scenario
/// input. `ledger.inflow` counts them.
pub fn inflow(m: &Model, s: &mut State) {
    let dt = crate::phases::weeks(m);
    for (f, force) in m.forces.iter().enumerate() {
        let Some((e, r)) = &force.inflow else { continue };
        if !s.active[f] {
            continue;
        }
        let x = e.eval(&View { model: m, state: s });
        let n = if x > 0.0 { (x * dt).min(MAX_PEOPLE.max) } else { 0.0 };
        if n > 0.0 {
            // Volunteers from abroad pass through the group's training too.
            crate::phases::forcegen::enlist(m, s, f, *r, n);
            s.ledger.inflow += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    const ON: &str = "[mechanisms]\nmanpower = true\n";

    fn idx(m: &Model) -> (usize, usize, usize) {
        (
            m.region_index("city").unwrap(),
            m.identities.iter().position(|x| x.id == "sunni").unwrap(),
            m.identities.len(),
        )
    }

    #[test]
    fn the_stock_starts_at_its_share_of_the_population() {
        let m = line(&format!("{ON}[regions.city]\nmanpower_share = {{ sunni = 0.3 }}\n"));
        let s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        assert!((s.manpower.stock[city * ni + sunni] - 0.3 * 200_000.0).abs() < 1e-9);
        let valley = m.region_index("valley").unwrap();
        assert!((s.manpower.stock[valley * ni + sunni] - 0.25 * 80_000.0).abs() < 1e-9, "the default share");
        let v = View { model: &m, state: &s };
        use frontline_scenario::expr::{Query, World};
        let whole = v.query(&Query::Manpower { identity: sunni, region: None });
        assert!((whole - (0.25 * 100_000.0 + 0.25 * 50_000.0 + 60_000.0 + 20_000.0 + 5_000.0)).abs() < 1e-6);
        // Off: the switch is off, the function reads s · pop.
        let off = line("");
        let s = State::new(&off, 1);
        assert!(s.manpower.stock.is_empty());
        let q = View { model: &off, state: &s }.query(&Query::Manpower { identity: sunni, region: Some(city) });
        assert_eq!(q, 50_000.0);
    }

    #[test]
    fn remove_people_takes_the_proportional_share_of_manpower() {
        let m = line(ON);
        let mut s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        // 200 000 people, 50 000 men; a tenth of the people die: 5 000 men.
        assert_eq!(remove_people(&m, &mut s, city, sunni, 20_000.0), 20_000.0);
        assert!((s.population[city * ni + sunni] - 180_000.0).abs() < 1e-9);
        assert!((s.manpower.stock[city * ni + sunni] - 45_000.0).abs() < 1e-9);
        // More than are there: all of them, never negative.
        assert_eq!(remove_people(&m, &mut s, city, sunni, 1e9), 180_000.0);
        assert_eq!((s.population[city * ni + sunni], s.manpower.stock[city * ni + sunni]), (0.0, 0.0));
        assert_eq!(remove_people(&m, &mut s, city, sunni, 5.0), 0.0);
        assert_eq!(remove_people(&m, &mut s, city, sunni, -5.0), 0.0);
    }

    #[test]
    fn move_people_carries_the_proportional_share_of_manpower() {
        let m = line(ON);
        let mut s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        let valley = m.region_index("valley").unwrap();
        let total = |s: &State| (s.population.iter().sum::<f64>(), s.manpower.stock.iter().sum::<f64>());
        let before = total(&s);
        // A quarter of the city flees to the valley: 50 000 people, 12 500 men.
        assert_eq!(move_people(&m, &mut s, city, valley, sunni, 50_000.0), 50_000.0);
        assert!((s.population[city * ni + sunni] - 150_000.0).abs() < 1e-9);
        assert!((s.population[valley * ni + sunni] - 130_000.0).abs() < 1e-9);
        assert!((s.manpower.stock[city * ni + sunni] - 37_500.0).abs() < 1e-9);
        assert!((s.manpower.stock[valley * ni + sunni] - 32_500.0).abs() < 1e-9);
        let after = total(&s);
        assert!((before.0 - after.0).abs() < 1e-6 && (before.1 - after.1).abs() < 1e-6, "conserved");
        assert_eq!(move_people(&m, &mut s, city, valley, sunni, 1e12), 150_000.0, "at most all");
        assert_eq!(s.manpower.stock[city * ni + sunni], 0.0);
        // Off: population only.
        let off = line("");
        let mut s = State::new(&off, 1);
        assert_eq!(move_people(&off, &mut s, city, valley, sunni, 10.0), 10.0);
        assert!(s.manpower.stock.is_empty());
    }

    #[test]
    fn deserters_going_home_return_to_population_and_manpower() {
        let m = line(ON);
        let mut s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        let tribes = m.force_index("tribes").unwrap();
        let (pop, men) = (s.population[city * ni + sunni], s.manpower.stock[city * ni + sunni]);
        crate::phases::supply::desert(&m, &mut s, tribes, city, 100.0);
        assert_eq!(s.population[city * ni + sunni], pop + 100.0);
        assert_eq!(s.manpower.stock[city * ni + sunni], men + 100.0);
        assert_eq!(s.ledger.deserted_home, 100.0);
    }

    #[test]
    fn youths_coming_of_age_refill_the_stock_up_to_its_share() {
        let m = line(&format!("{ON}[constants.manpower]\ncoming_of_age = 0.001\n"));
        let mut s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        let k = city * ni + sunni;
        s.manpower.stock[k] = 10_000.0;
        prepare(&m, &mut s);
        // + 0.001 · 1 week · 200 000 = 200 men.
        assert!((s.manpower.stock[k] - 10_200.0).abs() < 1e-9);
        s.manpower.stock[k] = 49_900.0;
        prepare(&m, &mut s);
        assert_eq!(s.manpower.stock[k], 50_000.0, "capped at s · pop");
        s.manpower.stock[k] = 60_000.0;
        prepare(&m, &mut s);
        assert_eq!(s.manpower.stock[k], 60_000.0, "returned deserters are not taken away");
    }

    #[test]
    fn deterrence_is_epsteins_arrest_probability() {
        let m = line("[mechanisms]\ndeterrence = true\n");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let (isis, city) = (m.actor_index("isis").unwrap(), m.region_index("city").unwrap());
        let (army, ins, tribes) =
            (m.force_index("army").unwrap(), m.force_index("insurgents").unwrap(), m.force_index("tribes").unwrap());
        // City: army 1000 + tribes 500 hostile to isis, 1499 insurgents: H/(F+1) = 1.
        s.personnel[ins * nr + city] = 1499.0;
        s.personnel[army * nr + city] = 1000.0;
        s.personnel[tribes * nr + city] = 500.0;
        prepare(&m, &mut s);
        let p = s.manpower.risk[isis * nr + city];
        assert!((p - (1.0 - (-2.3f64).exp())).abs() < 1e-12 && (p - 0.9).abs() < 0.001, "P = {p}");
        // The desert: no enemy, no risk.
        let desert = m.region_index("desert").unwrap();
        assert_eq!(s.manpower.risk[isis * nr + desert], 0.0);
        // Actors that do not recruit are not computed.
        assert!(!s.manpower.recruits[m.actor_index("gov").unwrap()]);
    }

    #[test]
    fn momentum_after_one_gain_then_decay() {
        let m = line("[mechanisms]\nmomentum = true\n[constants.manpower]\nmomentum_weeks = 10\nmomentum_weight = 2\n");
        let mut s = State::new(&m, 1);
        let (isis, gov, valley) =
            (m.actor_index("isis").unwrap(), m.actor_index("gov").unwrap(), m.region_index("valley").unwrap());
        prepare(&m, &mut s);
        assert_eq!(s.manpower.momentum[isis], 0.0);
        // isis takes the valley: it now holds 2 regions, μ = 1/3.
        s.control[valley] = Some(isis);
        prepare(&m, &mut s);
        assert!((s.manpower.momentum[isis] - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.manpower.momentum[gov], 0.0, "the valley was nobody's");
        assert!((momentum_factor(&m, &s, isis) - (2.0f64 / 3.0).exp()).abs() < 1e-12);
        // A week later with no change: μ = e^(−1/10) / 3.
        prepare(&m, &mut s);
        assert!((s.manpower.momentum[isis] - (-0.1f64).exp() / 3.0).abs() < 1e-12);
        // gov loses the city: it held 3, now 2: μ = −1/3.
        let city = m.region_index("city").unwrap();
        s.control[city] = Some(isis);
        prepare(&m, &mut s);
        assert!((s.manpower.momentum[gov] + 1.0 / 3.0).abs() < 1e-12);
        use frontline_scenario::expr::{Query, World};
        let q = View { model: &m, state: &s }.query(&Query::Momentum { actor: gov });
        assert_eq!(q, s.manpower.momentum[gov]);
        // The multiplier is clamped to [1/4, 4].
        s.manpower.momentum[isis] = 10.0;
        assert_eq!(momentum_factor(&m, &s, isis), 4.0);
        s.manpower.momentum[isis] = -10.0;
        assert_eq!(momentum_factor(&m, &s, isis), 0.25);
    }

    #[test]
    fn conscription_takes_its_share_of_the_men_at_a_grievance_cost() {
        let m = line(
            "[mechanisms]\nmanpower = true\nconscription = true\n[forces.army]\nidentity = \"sunni\"\nconscription = 0.01\n\
             [constants.manpower]\nconscription_grievance = 2\n",
        );
        let mut s = State::new(&m, 1);
        let (city, sunni, ni) = idx(&m);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let g0 = s.grievance[city * ni + sunni];
        let p0 = s.personnel[army * nr + city];
        conscript(&m, &mut s);
        // 1 % of the city's 50 000 Sunni men: 500 conscripts.
        assert!((s.personnel[army * nr + city] - p0 - 500.0).abs() < 1e-9);
        assert!((s.manpower.stock[city * ni + sunni] - 49_500.0).abs() < 1e-9);
        assert!((s.population[city * ni + sunni] - 199_500.0).abs() < 1e-9);
        // G rises by 2 · 0.01 · (1 − 0.4) = 0.012.
        assert!((s.grievance[city * ni + sunni] - (g0 + 0.012)).abs() < 1e-12);
        // The valley is nobody's, the desert is isis's: no conscripts there.
        let desert = m.region_index("desert").unwrap();
        assert_eq!(s.personnel[army * nr + desert], 0.0);
        assert_eq!(s.ledger.conscripted, s.ledger.recruited);
        // The switch off: nothing happens.
        let off = line("[forces.army]\nidentity = \"sunni\"\nconscription = 0.01\n");
        let mut s = State::new(&off, 1);
        conscript(&off, &mut s);
        assert_eq!(s.ledger.recruited, 0.0);
    }

    #[test]
    fn inflow_arrives_every_tick_and_bad_values_count_as_zero() {
        let m = line(
            "[parameters.ff]\nvalue = 3\n[forces.insurgents]\ninflow = \"ff * 100 - 1000 * tick\"\ninflow_region = \"desert\"\n",
        );
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let (ins, desert) = (m.force_index("insurgents").unwrap(), m.region_index("desert").unwrap());
        let p0 = s.personnel[ins * nr + desert];
        inflow(&m, &mut s);
        assert_eq!(s.personnel[ins * nr + desert], p0 + 300.0);
        assert_eq!(s.ledger.inflow, 300.0);
        s.tick = 1;
        inflow(&m, &mut s);
        assert_eq!(s.ledger.inflow, 300.0, "a negative inflow is none");
        let big = line("[forces.insurgents]\ninflow = \"1e300 * 1e300\"\ninflow_region = \"desert\"\n");
        let mut s = State::new(&big, 1);
        inflow(&big, &mut s);
        assert_eq!(s.ledger.inflow, MAX_PEOPLE.max, "clamped to the people limit");
        let nan = line("[forces.insurgents]\ninflow = \"1e300 * 1e300 - 1e300 * 1e300\"\ninflow_region = \"desert\"\n");
        let mut s = State::new(&nan, 1);
        inflow(&nan, &mut s);
        assert_eq!(s.ledger.inflow, 0.0, "NaN is none");
    }
}

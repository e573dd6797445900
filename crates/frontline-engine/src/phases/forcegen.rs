//! Force generation (docs/model.md §3.13): the training pipeline, combat
//! experience, the reassembly of routed stragglers and the `raise` tactic.
//! Not a phase of its own: the phases call into it at fixed points.
//!
//! Hooks (each a single call in the phase named):
//! - recruitment: every recruit goes through [`enlist`] (into the group's
//!   personnel with `training_pipeline` off, into its pipeline with it on);
//! - supply: trainees count for upkeep ([`ForceGen::trainees`]); at the end
//!   of the phase [`run`] graduates trainees and brings stragglers back;
//! - combat: [`begin_combat`], [`engaged`] per battle, [`rout_desert`] for a
//!   rout's deserters and [`after_combat`] (experience) at the end;
//! - strategy (and events): the `lend_trainers` and `raise` tactics
//!   ([`lend`], [`raise`]).
//!
//! Training pipeline (`training_pipeline`). A recruit of ground group f
//! enlisted at tick t joins a cohort ready at tick t + ⌈W_f / Δ⌉ (W_f the
//! group's `training_weeks`, else `force_generation.training_weeks`). In the
//! supply phase of each tick, the cohorts that are ready graduate, first in
//! first out, up to the owner's capacity
//!
//! ```text
//! C_a = Δ · trainees_per_trainer · (max(0, trainers_a − lent_a) + borrowed_a)    (∞ if trainers_a = 0)
//! share = min(1, C_a / Σ_{f of a} ready_f);   group f graduates G_f = share · ready_f
//! ```
//!
//! Graduates join f at its depot and q_f ← (q_f · P_f + g_f · G_f) / (P_f + G_f),
//! g_f the group's `graduate_quality`, else `force_generation.graduate_quality`.
//! While an enemy holds the depot they wait, unless the group has hidden
//! fighters (`irregular`, §3.16): then they join its cells, in proportion
//! to the hidden fighters of each region, hidden.
//!
//! Experience (`experience`). With e_f the share of f's personnel (at the
//! start of combat) present in regions where f fought this tick:
//!
//! ```text
//! e_f > 0:                     q_f += min(1, Δ · combat_gain · e_f) · (1 − q_f)
//! e_f = 0 and no training:     q_f −= min(1, Δ · decay) · max(0, q_f − quality_floor)
//! ```
//!
//! Reassembly (`reassembly`). Of n rout deserters, reassembly_share · n
//! become stragglers; after ⌈reassembly_weeks / Δ⌉ ticks they rejoin their
//! group at its rally region (waiting while an enemy of the owner holds it),
//! each drawing up to reassembly_armed weapon sets from the owner's stock.
//!
//! All rates are assumptions (see `frontline_scenario::constants`). People
//! and weapons only move: the ledger's `in_training` and `straggling` are
//! the two new stocks of people.

use crate::phases::supply::desert;
use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName};
use std::collections::VecDeque;

/// Recruits of one group who enlisted in the same tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// First tick at which they may graduate.
    pub ready: u32,
    /// How many are left in training.
    pub people: f64,
}

/// Stragglers of one group scattered in the same tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Stragglers {
    /// Force group.
    pub force: usize,
    /// First tick at which they reappear.
    pub ready: u32,
    /// How many.
    pub people: f64,
}

/// The run state of force generation: one value in [`State`].
#[derive(Debug, Clone, Default)]
pub struct ForceGen {
    /// `training_pipeline` is on.
    pub pipeline_on: bool,
    /// `experience` is on.
    pub experience_on: bool,
    /// `reassembly` is on.
    pub reassembly_on: bool,
    /// Depot region per force group.
    pub depot: Vec<usize>,
    /// Rally region per force group.
    pub rally: Vec<usize>,
    /// Training ticks per force group: ⌈W_f / Δ⌉.
    pub delay: Vec<u32>,
    /// Cohorts in training per force group, oldest first.
    pub pipeline: Vec<VecDeque<Cohort>>,
    /// People in training per force group (the sum of its cohorts).
    pub trainees: Vec<f64>,
    /// Trainers each actor lent out this tick.
    pub lent_out: Vec<f64>,
    /// Trainers each actor was lent this tick.
    pub lent_in: Vec<f64>,
    /// Personnel of each group in regions where it fought this tick.
    pub engaged: Vec<f64>,
    /// Personnel of each group at the start of this tick's combat.
    pub start_total: Vec<f64>,
    /// Stragglers waiting to reassemble, in order of scattering.
    pub stragglers: VecDeque<Stragglers>,
    /// Per-actor scratch (people ready to graduate).
    ready: Vec<f64>,
}

/// Ticks a delay of `weeks` takes with ticks of `dt` weeks (at least 0).
fn ticks_for(weeks: f64, dt: f64) -> u32 {
    (weeks / dt - 1e-9).ceil().max(0.0) as u32
}

impl ForceGen {
    /// The initial state for a model: switches, depots, rally regions and
    /// delays resolved; nothing in training, no stragglers.
    ///
    /// Default depot: the region where the group has most personnel at the
    /// start (lowest index on ties); for a group with none, its owner's first
    /// key region, else region 0. Default rally region: the depot.
    pub fn new(m: &Model) -> ForceGen {
        let (nf, na) = (m.forces.len(), m.actors.len());
        let c = &m.constants.force_generation;
        let dt = crate::phases::weeks(m);
        let depot: Vec<usize> = m
            .forces
            .iter()
            .map(|f| {
                f.depot.unwrap_or_else(|| {
                    let mut best: Option<(f64, usize)> = None;
                    for (r, &p) in f.personnel.iter().enumerate() {
                        if p > 0.0 && best.is_none_or(|(b, _)| p > b) {
                            best = Some((p, r));
                        }
                    }
                    best.map(|b| b.1).or_else(|| m.actors[f.actor].key_regions.first().copied()).unwrap_or(0)
                })
            })
            .collect();
        ForceGen {
            pipeline_on: m.mechanisms.on(MechanismName::TrainingPipeline),
            experience_on: m.mechanisms.on(MechanismName::Experience),
            reassembly_on: m.mechanisms.on(MechanismName::Reassembly),
            rally: m.forces.iter().zip(&depot).map(|(f, &d)| f.rally.unwrap_or(d)).collect(),
            depot,
            delay: m.forces.iter().map(|f| ticks_for(f.training_weeks.unwrap_or(c.training_weeks), dt)).collect(),
            pipeline: vec![VecDeque::new(); nf],
            trainees: vec![0.0; nf],
            lent_out: vec![0.0; na],
            lent_in: vec![0.0; na],
            engaged: vec![0.0; nf],
            start_total: vec![0.0; nf],
            stragglers: VecDeque::new(),
            ready: vec![0.0; na],
        }
    }
}

/// Adds `n` recruits of group f, drawn in region r: to its personnel in r
/// with `training_pipeline` off (exactly as before the pipeline existed), to
/// a cohort of its pipeline (at its depot) with it on.
#[inline]
pub fn enlist(m: &Model, s: &mut State, f: usize, r: usize, n: f64) {
    if !s.forcegen.pipeline_on {
        s.personnel[f * m.regions.len() + r] += n;
        return;
    }
    if n <= 0.0 {
        return;
    }
    let g = &mut s.forcegen;
    let ready = s.tick + g.delay[f];
    match g.pipeline[f].back_mut() {
        Some(c) if c.ready == ready => c.people += n,
        _ => g.pipeline[f].push_back(Cohort { ready, people: n }),
    }
    g.trainees[f] += n;
    s.ledger.in_training += n;
}

/// Trainers actor a has this tick: its own, less those it lent, plus those
/// lent to it.
pub fn trainers_now(m: &Model, s: &State, a: usize) -> f64 {
    (m.actors[a].trainers - s.forcegen.lent_out[a]).max(0.0) + s.forcegen.lent_in[a]
}

/// Graduates actor a can train this tick (∞ if it declares no trainers).
pub fn capacity(m: &Model, s: &State, a: usize) -> f64 {
    if m.actors[a].trainers <= 0.0 {
        return f64::INFINITY;
    }
    crate::phases::weeks(m) * m.constants.force_generation.trainees_per_trainer * trainers_now(m, s, a)
}

/// `lend_trainers`: actor a lends `fraction` (in [0, 1]) of its trainers to
/// actor b for this tick, never more than it has not lent yet.
pub fn lend(m: &Model, s: &mut State, a: usize, b: usize, fraction: f64) {
    let own = m.actors[a].trainers;
    let x = (fraction * own).min(own - s.forcegen.lent_out[a]).max(0.0);
    s.forcegen.lent_out[a] += x;
    s.forcegen.lent_in[b] += x;
}

/// Takes up to `n` people of identity i from region r and returns how many
/// were taken: from its population, and with the `manpower` switch on only
/// from its men of fighting age (never more than live there). The one place
/// where `raise` draws people.
pub fn take_from_population(m: &Model, s: &mut State, r: usize, i: usize, n: f64) -> f64 {
    let k = r * m.identities.len() + i;
    let mut x = n.min(s.population[k]).max(0.0);
    if let Some(men) = s.manpower.stock.get_mut(k) {
        x = x.min(*men);
        *men -= x;
    }
    s.population[k] -= x;
    x
}

/// What `raise` can draw from region r: its population of identity i, or
/// with the `manpower` switch on its men of fighting age.
fn raisable(m: &Model, s: &State, r: usize, i: usize) -> f64 {
    let k = r * m.identities.len() + i;
    s.manpower.stock.get(k).copied().unwrap_or(s.population[k]).min(s.population[k])
}

/// `raise`: activates group f (if inactive) and draws `amount` people (≥ 0)
/// from the population of its identity in the regions its owner's side
/// holds, in proportion to the population there and never more than lives
/// there, into its pipeline (training_pipeline on) or its personnel, at its
/// depot. Counted as recruited; logged as `raise`.
pub fn raise(m: &Model, s: &mut State, f: usize, amount: f64) {
    let was_active = s.active[f];
    s.active[f] = true;
    let force = &m.forces[f];
    let Some(i) = force.identity else { return };
    let nr = m.regions.len();
    let allied = &m.actors[force.actor].allied;
    let held = |s: &State, r: usize| s.control[r].is_some_and(|c| allied[c]);
    let pool: f64 = (0..nr).filter(|&r| held(s, r)).map(|r| raisable(m, s, r, i)).sum();
    // Raised men are paid for like recruits: recruit costs and, with
    // `payroll` on, only what the owner can pay.
    if s.on(frontline_scenario::spec::MechanismName::Payroll) {
        crate::phases::economy::start_bills(m, s);
    }
    let want = amount.min(pool).min(crate::phases::economy::hire_cap(m, s, f));
    let mut got = 0.0;
    if want > 0.0 {
        for r in 0..nr {
            if held(s, r) {
                let n = want * raisable(m, s, r, i) / pool;
                got += take_from_population(m, s, r, i, n);
            }
        }
    }
    s.ledger.recruited += got;
    crate::phases::economy::pay_hires(m, s, f, got);
    let depot = s.forcegen.depot[f];
    enlist(m, s, f, depot, got);
    // A rule that fires every tick raising no one logs nothing.
    if got > 0.0 || !was_active {
        s.note("raise", Some(depot), Some(force.actor), None, Some(f), got, force.id.clone());
    }
}

/// End of the supply phase: graduation (training_pipeline), reassembly
/// (reassembly); then this tick's trainer loans end.
pub fn run(m: &Model, s: &mut State) {
    if s.forcegen.pipeline_on {
        graduate(m, s);
    }
    if s.forcegen.reassembly_on {
        reassemble(m, s);
    }
    s.forcegen.lent_out.iter_mut().for_each(|x| *x = 0.0);
    s.forcegen.lent_in.iter_mut().for_each(|x| *x = 0.0);
}

/// People of group f whose cohorts are ready at `tick`.
fn ready_of(q: &VecDeque<Cohort>, tick: u32) -> f64 {
    // A fold from +0.0: an empty f64 sum is −0.0, which tables print as "-0".
    q.iter().take_while(|c| c.ready <= tick).fold(0.0, |t, c| t + c.people)
}

fn graduate(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let tick = s.tick;
    let mut ready = std::mem::take(&mut s.forcegen.ready);
    ready.iter_mut().for_each(|x| *x = 0.0);
    for (f, q) in s.forcegen.pipeline.iter().enumerate() {
        ready[m.forces[f].actor] += ready_of(q, tick);
    }
    for f in 0..m.forces.len() {
        let a = m.forces[f].actor;
        if ready[a] <= 0.0 {
            continue;
        }
        let ready_f = ready_of(&s.forcegen.pipeline[f], tick);
        // Graduates wait, as stragglers do, while an enemy of their owner
        // holds the depot: they do not appear behind enemy lines. A group
        // with cells (`irregular`, §3.16) sends them to its cells instead.
        let lost_depot = s.control[s.forcegen.depot[f]].is_some_and(|c| m.actors[a].hostile[c]);
        let to_cells = lost_depot && crate::phases::irregular::hidden_total(m, s, f) > 0.0;
        if ready_f <= 0.0 || (lost_depot && !to_cells) {
            continue;
        }
        let cap = capacity(m, s, a);
        let share = if cap >= ready[a] { 1.0 } else { cap / ready[a] };
        // First in, first out: the oldest cohorts graduate first.
        let mut left = share * ready_f;
        let mut graduates = 0.0;
        let q = &mut s.forcegen.pipeline[f];
        while left > 0.0 {
            let Some(c) = q.front_mut() else { break };
            if c.ready > tick {
                break;
            }
            let take = c.people.min(left);
            c.people -= take;
            left -= take;
            graduates += take;
            if c.people <= 0.0 {
                q.pop_front();
            }
        }
        if share >= 1.0 {
            // Every ready cohort is through, whatever rounding left over.
            while q.front().is_some_and(|c| c.ready <= tick) {
                graduates += q.pop_front().map_or(0.0, |c| c.people);
            }
        }
        s.forcegen.trainees[f] = q.iter().fold(0.0, |t, c| t + c.people);
        if graduates <= 0.0 {
            continue;
        }
        let kept = s.force_total(nr, f);
        let gq = m.forces[f].graduate_quality.unwrap_or(m.constants.force_generation.graduate_quality);
        s.quality[f] = ((s.quality[f] * kept + gq * graduates) / (kept + graduates)).clamp(0.0, 1.0);
        if to_cells {
            crate::phases::irregular::join_cells(m, s, f, graduates);
        } else {
            s.personnel[f * nr + s.forcegen.depot[f]] += graduates;
        }
        s.ledger.graduated += graduates;
    }
    s.ledger.in_training = s.forcegen.trainees.iter().fold(0.0, |t, x| t + x);
    s.forcegen.ready = ready;
}

fn reassemble(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let tick = s.tick;
    let armed = m.constants.force_generation.reassembly_armed;
    let mut queue = std::mem::take(&mut s.forcegen.stragglers);
    queue.retain(|x| {
        let f = x.force;
        let a = m.forces[f].actor;
        let rally = s.forcegen.rally[f];
        // Due stragglers wait while an enemy of their owner holds the rally region.
        if x.ready > tick || s.control[rally].is_some_and(|c| m.actors[a].hostile[c]) {
            return true;
        }
        s.personnel[f * nr + rally] += x.people;
        let w = (armed * x.people).min(s.weapons[a].max(0.0));
        s.weapons[a] -= w;
        s.equipment[f] += w;
        s.ledger.reassembled += x.people;
        false
    });
    s.ledger.straggling = queue.iter().fold(0.0, |t, x| t + x.people);
    s.forcegen.stragglers = queue;
}

/// The deserters of a rout (n of group f in region r): with `reassembly`
/// off they all desert ([`desert`]); with it on, reassembly_share of them
/// become stragglers of the group and the rest desert.
pub fn rout_desert(m: &Model, s: &mut State, f: usize, r: usize, n: f64) {
    if !s.forcegen.reassembly_on {
        desert(m, s, f, r, n);
        return;
    }
    let nr = m.regions.len();
    let n = n.min(s.personnel[f * nr + r]).max(0.0);
    if n <= 0.0 {
        return;
    }
    let c = &m.constants.force_generation;
    let k = c.reassembly_share * n;
    if k > 0.0 {
        s.personnel[f * nr + r] -= k;
        let ready = s.tick + ticks_for(c.reassembly_weeks, crate::phases::weeks(m));
        let q = &mut s.forcegen.stragglers;
        match q.back_mut() {
            Some(x) if x.force == f && x.ready == ready => x.people += k,
            _ => q.push_back(Stragglers { force: f, ready, people: k }),
        }
        s.ledger.straggling += k;
    }
    desert(m, s, f, r, n - k);
}

/// Start of combat (experience): nobody has fought yet; remembers each
/// group's personnel (`s.totals`, just computed).
pub fn begin_combat(s: &mut State) {
    if s.forcegen.experience_on {
        s.forcegen.engaged.iter_mut().for_each(|x| *x = 0.0);
        s.forcegen.start_total.copy_from_slice(&s.totals);
    }
}

/// A battle in region r between two sides (experience): their groups'
/// personnel there, before losses, fought this tick.
pub fn engaged(m: &Model, s: &mut State, r: usize, side_a: &[usize], side_b: &[usize]) {
    if s.forcegen.experience_on {
        let nr = m.regions.len();
        for &f in side_a.iter().chain(side_b) {
            s.forcegen.engaged[f] += s.personnel[f * nr + r];
        }
    }
}

/// End of combat (experience): quality rises with the share that fought, or
/// decays towards the floor for a group that neither fought nor trained.
pub fn after_combat(m: &Model, s: &mut State) {
    if !s.forcegen.experience_on {
        return;
    }
    let c = &m.constants.force_generation;
    let dt = crate::phases::weeks(m);
    for f in 0..m.forces.len() {
        if !s.active[f] || m.forces[f].kind == ForceKind::Air {
            continue;
        }
        let t0 = s.forcegen.start_total[f];
        let e = if t0 > 0.0 { (s.forcegen.engaged[f] / t0).min(1.0) } else { 0.0 };
        let q = s.quality[f];
        if e > 0.0 {
            s.quality[f] = q + (dt * c.combat_gain * e).min(1.0) * (1.0 - q);
        } else if s.orders.training[f] <= 0.0 {
            s.quality[f] = q - (dt * c.decay).min(1.0) * (q - c.quality_floor).max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    const PIPELINE: &str = "[mechanisms]\ntraining_pipeline = true\n";

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    /// Runs the end-of-supply step of force generation at tick t.
    fn at_tick(m: &Model, s: &mut State, t: u32) {
        s.tick = t;
        run(m, s);
    }

    #[test]
    fn a_cohort_of_100_with_a_4_week_delay_graduates_at_tick_4_not_3_and_mixes_quality() {
        let m = line(&format!("{PIPELINE}[forces.army]\ntraining_weeks = 4\ngraduate_quality = 0.8\n"));
        let mut s = State::new(&m, 1);
        let (nr, army, capital) = (m.regions.len(), m.force_index("army").unwrap(), m.region_index("capital").unwrap());
        assert_eq!(s.forcegen.depot[army], capital, "the army has most of its men in the capital");
        let city = m.region_index("city").unwrap();
        let (p0, q0) = (s.force_total(nr, army), s.quality[army]);
        enlist(&m, &mut s, army, city, 100.0);
        assert_eq!(s.force_total(nr, army), p0, "recruits do not join at once");
        assert_eq!(s.forcegen.trainees[army], 100.0);
        for t in 1..=3 {
            at_tick(&m, &mut s, t);
            assert_eq!(s.forcegen.trainees[army], 100.0, "still training at tick {t}");
        }
        let at_depot = s.personnel[army * nr + capital];
        at_tick(&m, &mut s, 4);
        assert_eq!(s.forcegen.trainees[army], 0.0);
        assert_eq!(s.personnel[army * nr + capital], at_depot + 100.0, "graduates join at the depot");
        assert!(close(s.quality[army], (q0 * p0 + 0.8 * 100.0) / (p0 + 100.0)), "{}", s.quality[army]);
        assert_eq!((s.ledger.graduated, s.ledger.in_training), (100.0, 0.0));
    }

    #[test]
    fn capacity_of_30_a_week_graduates_30_a_week_first_in_first_out() {
        // 15 trainers × 2 trainees per trainer per week = 30 a week.
        let m = line(&format!("{PIPELINE}[actors.gov]\ntrainers = 15\n[forces.army]\ntraining_weeks = 1\n"));
        let mut s = State::new(&m, 1);
        let (nr, army) = (m.regions.len(), m.force_index("army").unwrap());
        let p0 = s.force_total(nr, army);
        enlist(&m, &mut s, army, 0, 100.0); // ready at tick 1
        s.tick = 1;
        enlist(&m, &mut s, army, 0, 50.0); // ready at tick 2
        let cohorts = |s: &State| s.forcegen.pipeline[army].iter().map(|c| (c.ready, c.people)).collect::<Vec<_>>();
        let want: [&[(u32, f64)]; 4] =
            [&[(1, 70.0), (2, 50.0)], &[(1, 40.0), (2, 50.0)], &[(1, 10.0), (2, 50.0)], &[(2, 30.0)]];
        for (t, want) in (1..=4).zip(want) {
            at_tick(&m, &mut s, t);
            assert_eq!(cohorts(&s), want.to_vec(), "tick {t}");
            assert!(close(s.force_total(nr, army), p0 + 30.0 * f64::from(t)), "tick {t}");
        }
    }

    #[test]
    fn lending_trainers_doubles_the_capacity_for_the_tick() {
        let m = line(&format!(
            "{PIPELINE}[actors.gov]\ntrainers = 15\n[actors.tribes]\ntrainers = 15\n\
             [actors.tribes.rules.lend]\nthen = {{ tactic = \"lend_trainers\", to = \"gov\" }}\n"
        ));
        let mut s = State::new(&m, 1);
        let (gov, tribes) = (m.actor_index("gov").unwrap(), m.actor_index("tribes").unwrap());
        assert_eq!(capacity(&m, &s, gov), 30.0);
        s.tick = 1;
        crate::phases::strategy::run(&m, &mut s);
        assert_eq!(capacity(&m, &s, gov), 60.0, "the tribes' trainers add to the government's");
        assert_eq!(capacity(&m, &s, tribes), 0.0, "and leave the tribes'");
        let v = crate::state::View { model: &m, state: &s };
        use frontline_scenario::expr::{Query, World};
        assert_eq!(v.query(&Query::Trainers { actor: gov }), 30.0);
        let army = m.force_index("army").unwrap();
        enlist(&m, &mut s, army, 0, 100.0);
        s.forcegen.pipeline[army][0].ready = 1;
        assert_eq!(v_trainees(&m, &s, army), 100.0);
        run(&m, &mut s);
        assert_eq!(s.forcegen.trainees[army], 40.0, "60 graduated");
        assert_eq!(capacity(&m, &s, gov), 30.0, "loans last one tick");
    }

    fn v_trainees(m: &Model, s: &State, f: usize) -> f64 {
        use frontline_scenario::expr::{Query, World};
        crate::state::View { model: m, state: s }.query(&Query::Trainees { force: f })
    }

    #[test]
    fn trainees_are_paid() {
        let extra = format!("{PIPELINE}[actors.gov]\nmoney = 1e6\n[forces.army]\nupkeep = 1.0\n");
        let m = line(&extra);
        let army = m.force_index("army").unwrap();
        let spent = |trainees: f64| {
            let mut s = State::new(&m, 1);
            s.tick = 1;
            enlist(&m, &mut s, army, 0, trainees);
            let before = s.money[0];
            crate::phases::supply::run(&m, &mut s);
            before - s.money[0]
        };
        assert!(close(spent(0.0) - spent(1000.0), -1000.0), "1000 trainees cost 1000 a week more");
    }

    #[test]
    fn experience_rises_with_the_share_that_fought_and_decays_without_battle_or_training() {
        let m = line(
            "[mechanisms]\nexperience = true\n[constants.combat]\nnoise = 0\n\
             [forces.reserve]\nactor = \"gov\"\nkind = \"army\"\npersonnel = { capital = 100 }\nquality = 0.7\n\
             [forces.drilled]\nactor = \"gov\"\nkind = \"army\"\npersonnel = { capital = 100 }\nquality = 0.7\n",
        );
        let mut s = State::new(&m, 7);
        let f = |id: &str| m.force_index(id).unwrap();
        let city = m.region_index("city").unwrap();
        crate::testkit::set_personnel(&m, &mut s, f("insurgents"), city, 300.0);
        s.orders.training[f("drilled")] = 1.0;
        crate::phases::combat::run(&m, &mut s);
        // The insurgents rout from the city, but the counts are taken before losses and routs.
        assert!(s.log.iter().any(|l| l.kind == "rout" && l.force == Some(f("insurgents"))));
        // The army fought with the 1000 of its 8000 in the city: e = 1/8.
        assert!(close(s.quality[f("army")], 0.4 + 0.05 * 0.125 * 0.6), "{}", s.quality[f("army")]);
        // The tribes fought with all of theirs (city and valley): e = 1.
        assert!(close(s.quality[f("tribes")], 0.5 + 0.05 * 0.5), "{}", s.quality[f("tribes")]);
        // The insurgents fought with 300 + 200 of their 2500: e = 0.2.
        assert!(close(s.quality[f("insurgents")], 0.6 + 0.05 * 0.2 * 0.4));
        // The reserve neither fought nor trained: it decays towards the floor 0.3.
        assert!(close(s.quality[f("reserve")], 0.7 - 0.01 * 0.4), "{}", s.quality[f("reserve")]);
        assert_eq!(s.quality[f("drilled")], 0.7, "training stops the decay");
        // Off, nothing changes.
        let m = line("[constants.combat]\nnoise = 0\n");
        let mut s = State::new(&m, 7);
        crate::testkit::set_personnel(&m, &mut s, f("insurgents"), city, 300.0);
        crate::phases::combat::run(&m, &mut s);
        assert_eq!(s.quality[f("army")], 0.4);
    }

    #[test]
    fn stragglers_reappear_at_the_rally_region_after_the_delay_with_weapons_from_the_stock() {
        let m = line(
            "[mechanisms]\nreassembly = true\n[constants.rout]\npanic_morale = 0.5\n\
             [constants.force_generation]\nreassembly_weeks = 2\nreassembly_share = 0.5\nreassembly_armed = 0.5\n\
             [forces.army]\nrally = \"capital\"\n",
        );
        let mut s = State::new(&m, 7);
        let (nr, ni) = (m.regions.len(), m.identities.len());
        let (army, gov) = (m.force_index("army").unwrap(), m.actor_index("gov").unwrap());
        let (capital, city) = (m.region_index("capital").unwrap(), m.region_index("city").unwrap());
        let ins = m.force_index("insurgents").unwrap();
        crate::testkit::set_personnel(&m, &mut s, ins, city, 300.0);
        s.tick = 1;
        let shia_city = |s: &State| s.population[city * ni];
        let pop0 = shia_city(&s);
        crate::phases::combat::run(&m, &mut s);
        let routed = s.log.iter().find(|l| l.kind == "rout" && l.force == Some(army)).expect("the army panics").value;
        // Half the routed detachment deserts; half of the deserters straggle.
        let k = 0.25 * routed;
        assert!(close(s.ledger.straggling, k), "{} vs {k}", s.ledger.straggling);
        assert!(close(shia_city(&s) - pop0, 0.25 * routed), "the rest go home");
        let (p, w, e) = (s.personnel[army * nr + capital], s.weapons[gov], s.equipment[army]);
        at_tick(&m, &mut s, 2);
        assert_eq!(s.personnel[army * nr + capital], p, "not yet");
        // Due at tick 3, but the enemy holds the rally region: they wait.
        s.control[capital] = m.actor_index("isis");
        at_tick(&m, &mut s, 3);
        assert_eq!(s.personnel[army * nr + capital], p, "they wait while the enemy holds it");
        s.control[capital] = Some(gov);
        at_tick(&m, &mut s, 4);
        assert!(close(s.personnel[army * nr + capital], p + k));
        assert!(close(s.weapons[gov], w - 0.5 * k) && close(s.equipment[army], e + 0.5 * k));
        assert_eq!(s.ledger.straggling, 0.0);
        assert!(close(s.ledger.reassembled, k));
    }

    #[test]
    fn stragglers_come_back_unarmed_when_the_stock_is_empty() {
        let m = line(
            "[mechanisms]\nreassembly = true\n[actors.gov]\nweapons = 0\n[constants.force_generation]\nreassembly_weeks = 0\n",
        );
        let mut s = State::new(&m, 1);
        let (nr, army) = (m.regions.len(), m.force_index("army").unwrap());
        let capital = m.region_index("capital").unwrap();
        s.tick = 1;
        rout_desert(&m, &mut s, army, 1, 400.0);
        let (p, e) = (s.personnel[army * nr + capital], s.equipment[army]);
        at_tick(&m, &mut s, 2);
        assert_eq!(s.personnel[army * nr + capital], p + 200.0, "the depot is the default rally region");
        assert_eq!((s.equipment[army], s.weapons[0]), (e, 0.0));
    }

    #[test]
    fn raise_draws_from_the_side_held_regions_in_proportion_and_never_more_than_lives_there() {
        let levy = "[forces.levy]\nactor = \"gov\"\nkind = \"tribal\"\nidentity = \"sunni\"\nactive = false\n\
                    [actors.gov.rules.levy]\nthen = { tactic = \"raise\", force = \"levy\", amount = AMOUNT }\n";
        let m = line(&levy.replace("AMOUNT", "35000"));
        let mut s = State::new(&m, 1);
        let (nr, ni) = (m.regions.len(), m.identities.len());
        let f = m.force_index("levy").unwrap();
        let r = |id: &str| m.region_index(id).unwrap();
        let sunni = |s: &State, id: &str| s.population[r(id) * ni + 1];
        assert_eq!(m.identities[1].id, "sunni");
        crate::phases::strategy::run(&m, &mut s);
        assert!(s.active[f], "the group is activated");
        // Held by the government: capital 100k, suburbs 50k, city 200k Sunnis; 10 % of each.
        for (id, left) in [("capital", 90_000.0), ("suburbs", 45_000.0), ("city", 180_000.0)] {
            assert!(close(sunni(&s, id), left), "{id}: {}", sunni(&s, id));
        }
        assert_eq!((sunni(&s, "valley"), sunni(&s, "desert")), (80_000.0, 20_000.0), "not held: untouched");
        assert_eq!(s.forcegen.depot[f], r("capital"), "no personnel: the owner's first key region");
        assert!(close(s.personnel[f * nr + r("capital")], 35_000.0));
        assert!(close(s.ledger.recruited, 35_000.0));
        assert!(s.log.iter().any(|l| l.kind == "raise" && l.force == Some(f) && close(l.value, 35_000.0)));
        // Asking for more than lives there takes everyone, and no more.
        let m = line(&levy.replace("AMOUNT", "\"1e9\""));
        let mut s = State::new(&m, 1);
        crate::phases::strategy::run(&m, &mut s);
        assert!(close(s.force_total(nr, f), 350_000.0));
        assert_eq!(sunni(&s, "city"), 0.0);
        // With the pipeline on, the raised men train first.
        let m = line(&format!("{PIPELINE}{}", levy.replace("AMOUNT", "35000")));
        let mut s = State::new(&m, 1);
        crate::phases::strategy::run(&m, &mut s);
        assert_eq!(s.force_total(nr, f), 0.0);
        assert!(close(s.forcegen.trainees[f], 35_000.0) && close(s.ledger.in_training, 35_000.0));
    }

    /// The rendered error of the `line` scenario with an overlay.
    fn error_of(extra: &str) -> String {
        use frontline_scenario::diag::{Diagnostics, Sources};
        use frontline_scenario::value::{merge, parse_toml};
        let mut sources = Sources::new();
        let mut d = Diagnostics::default();
        let f0 = sources.add("base.toml".into(), crate::testkit::LINE.into(), None);
        let f1 = sources.add("extra.toml".into(), extra.into(), None);
        let mut tree = parse_toml(crate::testkit::LINE, f0, &mut d).unwrap();
        merge(&mut tree, parse_toml(extra, f1, &mut d).unwrap());
        match frontline_scenario::load::build_from_tree(&tree, &sources) {
            Ok(_) => panic!("{extra} was accepted"),
            Err(d) => d.render(&sources, false),
        }
    }

    #[test]
    fn bad_force_generation_input_is_refused_with_its_place() {
        let air = "[forces.jets]\nactor = \"gov\"\nkind = \"air\"\npersonnel = { capital = 10 }\n";
        let cases: Vec<(String, &str, &str)> = vec![
            ("[forces.army]\ndepot = \"nowhere\"\n".into(), "extra.toml:2:9", "unknown region `nowhere`"),
            ("[forces.army]\nrally = \"nowhere\"\n".into(), "extra.toml:2:9", "unknown region `nowhere`"),
            ("[forces.army]\ntraining_weeks = 600\n".into(), "extra.toml:2:18", "training_weeks of `army` is 600"),
            ("[forces.army]\ntraining_weeks = -1\n".into(), "extra.toml:2:18", "a value in [0, 520]"),
            ("[forces.army]\ngraduate_quality = 1.5\n".into(), "extra.toml:2:20", "a value in [0, 1]"),
            ("[actors.gov]\ntrainers = -5\n".into(), "extra.toml:2:12", "trainers of `gov` is -5"),
            (
                "[actors.gov.rules.l]\nthen = { tactic = \"lend_trainers\", to = \"nobody\" }\n".into(),
                "extra.toml:2:41",
                "unknown actor `nobody`",
            ),
            (
                "[actors.gov.rules.l]\nthen = { tactic = \"lend_trainers\", to = \"gov\" }\n".into(),
                "extra.toml:2:41",
                "cannot lend trainers to itself",
            ),
            (
                format!("{air}[actors.gov.rules.r]\nthen = {{ tactic = \"raise\", force = \"jets\", amount = 10 }}\n"),
                "extra.toml:6:36",
                "`jets` is an air group",
            ),
            (
                "[actors.gov.rules.r]\nthen = { tactic = \"raise\", force = \"ghost\", amount = 10 }\n".into(),
                "extra.toml:2:36",
                "unknown force group `ghost`",
            ),
            (
                "[actors.gov.rules.r]\nthen = { tactic = \"raise\", force = \"army\", amount = -1 }\n".into(),
                "extra.toml:2:53",
                "amount of `raise` is -1",
            ),
            (
                "[actors.gov.rules.r]\nthen = { tactic = \"raise\", force = \"army\" }\n".into(),
                "extra.toml:2:19",
                "tactic `raise` needs `amount`",
            ),
            (
                "[forces.none]\nactor = \"gov\"\nkind = \"army\"\n[actors.gov.rules.r]\nthen = { tactic = \"raise\", force = \"none\", amount = 5 }\n".into(),
                "extra.toml:5:36",
                "has no identity to raise people from",
            ),
            (
                "[actors.gov.rules.r]\nthen = { tactic = \"raise\", force = \"insurgents\", amount = 5 }\n".into(),
                "extra.toml:2:36",
                "belongs to another actor",
            ),
            (
                "[constants.force_generation]\ntraining_weeks = 1000\n".into(),
                "extra.toml:2:18",
                "out of range",
            ),
        ];
        for (extra, at, says) in cases {
            let e = error_of(&extra);
            assert!(e.contains(at) && e.contains(says), "{extra}\nwants {at} and `{says}`:\n{e}");
        }
    }

    #[test]
    fn new_keys_given_while_their_switch_is_off_are_fine() {
        let m = line(
            "[actors.gov]\ntrainers = 10\n[forces.army]\ndepot = \"suburbs\"\nrally = \"city\"\ntraining_weeks = 6\ngraduate_quality = 0.3\n",
        );
        let s = State::new(&m, 1);
        let army = m.force_index("army").unwrap();
        assert_eq!(
            (s.forcegen.depot[army], s.forcegen.rally[army], s.forcegen.delay[army]),
            (m.region_index("suburbs").unwrap(), m.region_index("city").unwrap(), 6)
        );
        let mut s = s;
        enlist(&m, &mut s, army, 2, 10.0);
        assert_eq!(s.forcegen.trainees[army], 0.0, "with the pipeline off recruits join at once");
    }
}

//! Run state: everything that changes during a run, in flat index-addressed
//! vectors (region-major where a quantity is per region), plus the orders the
//! strategy phase issues for the other phases of the same tick.
//!
//! Owns the layout of the state and the answers to rule-language queries
//! ([`World`]). It must not contain phase logic.

use frontline_date::Day;
use frontline_scenario::expr::{Query, World};
use frontline_scenario::model::Model;
use frontline_scenario::spec::{ForceKind, MechanismName, TacticKind};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// A movement order for this tick.
#[derive(Debug, Clone)]
pub struct MoveOrder {
    /// deploy, attack or defend.
    pub kind: TacticKind,
    /// Force group.
    pub force: usize,
    /// Resolved destination region.
    pub to: usize,
    /// Share of the force that moves, in [0, 1].
    pub fraction: f64,
    /// Movers come from every region, not only adjacent ones.
    pub from_all: bool,
    /// Movers come from this region only (a `broad_front` detachment).
    pub from: Option<usize>,
}

/// A column on the march: men of one force group travelling to a region,
/// carried one region per tick by the movement phase until they arrive.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Force group.
    pub force: usize,
    /// Region the column is in.
    pub at: usize,
    /// Region it marches to.
    pub to: usize,
    /// Its men (at most the group's personnel in `at` when it moves on).
    pub people: f64,
}

/// Orders issued by the strategy phase (and events) for the current tick.
#[derive(Debug, Clone, Default)]
pub struct Orders {
    /// Movements.
    pub moves: Vec<MoveOrder>,
    /// (air force group, region, sorties).
    pub air: Vec<(usize, usize, f64)>,
    /// (from actor, to actor, money per week).
    pub funds: Vec<(usize, usize, f64)>,
    /// (giving force group, receiving force group, share moved this tick).
    pub transfers: Vec<(usize, usize, f64)>,
    /// Columns to form this tick: (force group, from region, to region, share of the detachment).
    pub marches: Vec<(usize, usize, usize, f64)>,
    /// Recruitment drive multiplier per force group (1 = normal).
    pub recruit_drive: Vec<f64>,
    /// Training intensity per force group (0 = none).
    pub training: Vec<f64>,
    /// `defend[a * nr + r]`: actor a ordered to defend region r.
    pub defend: Vec<bool>,
    /// The mission of each entry of `air`, in the same order (read only with `air_campaign` on).
    pub air_mission: Vec<frontline_scenario::spec::AirMission>,
}

/// Scratch buffers owned by the state so that phases reuse their memory from
/// tick to tick instead of allocating. Their contents mean nothing between
/// calls: a phase that takes one resizes and overwrites it first.
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    /// Per-region numbers (recruitment's expected recruits).
    pub per_region: Vec<f64>,
    /// Per (actor, region) numbers (control's ground personnel, combat's sorties).
    pub per_actor_region: Vec<f64>,
    /// Per-region marks (the regions next to a force, for `best_target`).
    pub marks: Vec<bool>,
    /// Personnel at the start of the movement phase, per (force, region).
    pub snapshot: Vec<f64>,
    /// Personnel still free to move, per (force, region).
    pub movable: Vec<f64>,
    /// `held[a * nr + r]`: region r is held by actor a or an ally (refreshed
    /// by the phase that reads it).
    pub held: Vec<bool>,
    /// `target_score[a * nr + r]` for `best_target`, valid for actors whose
    /// `target_score_ready` flag is set; the strategy and events phases clear
    /// the flags when they start, since control and strengths change between.
    pub target_score: Vec<f64>,
    /// See `target_score`.
    pub target_score_ready: Vec<bool>,
}

impl Buffers {
    /// Fills `held` from the current control.
    pub fn refresh_held(&mut self, m: &Model, control: &[Option<usize>]) {
        let nr = control.len();
        self.held.clear();
        for a in 0..m.actors.len() {
            let allied = &m.actors[a].allied;
            self.held.extend(control.iter().map(|c| c.is_some_and(|c| allied[c])));
        }
        debug_assert_eq!(self.held.len(), m.actors.len() * nr);
    }
}

/// Sum of a slice in four interleaved partial sums: the additions of a
/// group's personnel over regions are independent, so this runs about four
/// times faster than a left-to-right fold. Every total in the engine goes
/// through it, so results are the same wherever a total is taken.
pub fn sum(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let chunks = xs.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        acc[0] += c[0];
        acc[1] += c[1];
        acc[2] += c[2];
        acc[3] += c[3];
    }
    let mut tail = 0.0;
    for x in rest {
        tail += x;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Dot product of two slices of equal length, in four interleaved partial
/// sums like [`sum`].
pub fn dot(xs: &[f64], ys: &[f64]) -> f64 {
    debug_assert_eq!(xs.len(), ys.len());
    let mut acc = [0.0f64; 4];
    let (cx, cy) = (xs.chunks_exact(4), ys.chunks_exact(4));
    let (rx, ry) = (cx.remainder(), cy.remainder());
    for (a, b) in cx.zip(cy) {
        acc[0] += a[0] * b[0];
        acc[1] += a[1] * b[1];
        acc[2] += a[2] * b[2];
        acc[3] += a[3] * b[3];
    }
    let mut tail = 0.0;
    for (a, b) in rx.iter().zip(ry) {
        tail += a * b;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Cumulative accounting that makes conservation checkable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    /// People killed in combat (all force groups).
    pub killed: f64,
    /// Deserters who went home (back into the population).
    pub deserted_home: f64,
    /// Deserters of groups with no home identity (left the theatre).
    pub deserted_lost: f64,
    /// People recruited from the population.
    pub recruited: f64,
    /// Weapon sets received from outside the theatre.
    pub weapons_received: f64,
    /// Weapon sets destroyed with their carriers.
    pub equipment_destroyed: f64,
    /// Weapon sets abandoned in routs and captured by the enemy.
    pub equipment_captured: f64,
    /// Money that entered the theatre: every actor's income (fixed, regional,
    /// tax, oil and revenue series). Transfers between actors are not income.
    pub money_income: f64,
    /// Money spent on upkeep (payroll).
    pub spent_upkeep: f64,
    /// Money spent on recruits (`supply.recruit_cost`).
    pub spent_recruitment: f64,
    /// Money spent on training.
    pub spent_training: f64,
    /// Money spent buying weapons (`weapons_price`).
    pub spent_weapons: f64,
    /// People in training pipelines now (a stock; training_pipeline).
    pub in_training: f64,
    /// Routed stragglers waiting to reassemble now (a stock; reassembly).
    pub straggling: f64,
    /// Trainees who graduated into their group's personnel (cumulative).
    pub graduated: f64,
    /// Stragglers who rejoined their group's personnel (cumulative).
    pub reassembled: f64,
    /// People who joined force groups from outside the theatre (`inflow`).
    pub inflow: f64,
    /// Of `recruited`, those conscripted (the `conscription` mechanism).
    pub conscripted: f64,
    /// Air sorties flown (cumulative; recorded with `air_campaign` on).
    pub sorties_flown: f64,
    /// Of `sorties_flown`, close air support sorties.
    pub sorties_support: f64,
    /// Of `sorties_flown`, interdiction sorties.
    pub sorties_interdiction: f64,
    /// Of `sorties_flown`, sorties against oil.
    pub sorties_oil: f64,
    /// Weapon sets held back in their issuer's stock by interdiction (cumulative; not lost).
    pub weapons_interdicted: f64,
    /// Civilians killed by battles, strikes and area fire (`civilian_harm`).
    pub civilians_killed: f64,
}

/// Something that happened during a run, for the events table.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Tick.
    pub tick: u32,
    /// Day.
    pub day: Day,
    /// What: "control_change", "rout", "equipment_captured", "event", "watch",
    /// and with `planning` on "operation_planned", "operation_launched",
    /// "operation_succeeded", "operation_culminated", "operation_abandoned",
    /// "withdrawal".
    pub kind: &'static str,
    /// Region concerned.
    pub region: Option<usize>,
    /// Actor concerned (the new controller, the routed group's owner, …).
    pub actor: Option<usize>,
    /// Other actor (the former controller, the captor, …).
    pub other: Option<usize>,
    /// Force group concerned.
    pub force: Option<usize>,
    /// Amount (personnel routed, equipment captured, …).
    pub value: f64,
    /// Free text (event or watch name).
    pub detail: String,
}

/// The state of one run.
#[derive(Debug, Clone)]
pub struct State {
    /// Current tick (0 = initial state).
    pub tick: u32,
    /// Current day.
    pub day: Day,
    /// Current parameter values (events may change them).
    pub params: Vec<f64>,
    /// Mechanism switches in force.
    pub mechanisms: frontline_scenario::model::Mechanisms,
    /// Controller per region.
    pub control: Vec<Option<usize>>,
    /// Contested flag per region.
    pub contested: Vec<bool>,
    /// `population[r * ni + i]`.
    pub population: Vec<f64>,
    /// `grievance[r * ni + i]`.
    pub grievance: Vec<f64>,
    /// `support[(r * ni + i) * na + a]`.
    pub support: Vec<f64>,
    /// Money per actor.
    pub money: Vec<f64>,
    /// Weapons stock per actor.
    pub weapons: Vec<f64>,
    /// `excludes[a * ni + i]`: actor a excludes identity i.
    pub excludes: Vec<bool>,
    /// `included[a * ni + i]`: actor a has explicitly included identity i.
    pub included: Vec<bool>,
    /// `personnel[f * nr + r]`.
    pub personnel: Vec<f64>,
    /// Weapon sets per force group.
    pub equipment: Vec<f64>,
    /// Quality per force group.
    pub quality: Vec<f64>,
    /// Morale per force group.
    pub morale: Vec<f64>,
    /// Active flag per force group.
    pub active: Vec<bool>,
    /// Persistent weapons shares per actor, set by `allocate_weapons`.
    pub weapon_shares: Vec<Option<Vec<(usize, f64)>>>,
    /// Persistent money shares per actor, set by `allocate_money`.
    pub money_shares: Vec<Option<Vec<(usize, f64)>>>,
    /// Combat multiplier per force group (equipment, quality, morale), computed in perception.
    pub mult: Vec<f64>,
    /// Total personnel per force group, kept current during the combat phase.
    pub totals: Vec<f64>,
    /// Set when something changed effective strengths after they were last
    /// computed (a victory's morale gain in the control phase).
    pub strengths_stale: bool,
    /// Scratch space reused by phases so that a tick does not allocate.
    pub buf: Buffers,
    /// `eff_actor[b * nr + r]`: effective strength of actor b's ground forces in r.
    pub eff_actor: Vec<f64>,
    /// `hostile_eff[a * nr + r]`: effective strength hostile to a in r.
    pub hostile_eff: Vec<f64>,
    /// `friendly_eff[a * nr + r]`: effective strength of a and its allies in r.
    pub friendly_eff: Vec<f64>,
    /// Threat per actor (most threatened key region).
    pub threat: Vec<f64>,
    /// Whether threat has been computed once (for the frozen C4-off mode).
    pub threat_ready: bool,
    /// Combat deaths per region this tick.
    pub casualties: Vec<f64>,
    /// Orders for this tick.
    pub orders: Orders,
    /// Columns on the march (formed by `march` orders, carried by the movement phase).
    pub columns: Vec<Column>,
    /// Index of the next scheduled event.
    pub next_event: usize,
    /// Cumulative accounting.
    pub ledger: Ledger,
    /// What happened this tick (drained by the record phase).
    pub log: Vec<LogEntry>,
    /// The run's only random number generator.
    pub rng: Pcg64Mcg,
    /// Money flows of the `economy` and `payroll` mechanisms.
    pub economy: crate::phases::economy::Economy,
    /// Force generation: training pipelines, experience, stragglers (§3.13).
    pub forcegen: crate::phases::forcegen::ForceGen,
    /// Manpower and the recruitment regimes (docs/model.md §3.12).
    pub manpower: crate::phases::manpower::Manpower,
    /// Planned operations and reserves (mechanism `planning`).
    pub planning: crate::phases::planning::Planning,
    /// The air campaign: fatigue, surges, interdiction, strikes (mechanism `air_campaign`).
    pub air: crate::phases::air::Air,
    /// Hidden fighters, detection, area fire and presence (docs/model.md §3.16).
    pub irregular: crate::phases::irregular::Irregular,
    /// Civilian harm and displacement (docs/model.md §3.17).
    pub civilians: crate::phases::civilians::Civilians,
    /// Driver recording (off unless the run asks for it; [`crate::cause`]).
    pub cause: crate::cause::Causes,
}

impl State {
    /// The initial state of a model for a seed.
    pub fn new(m: &Model, seed: u64) -> State {
        let (nr, ni, na, nf) = (m.regions.len(), m.identities.len(), m.actors.len(), m.forces.len());
        let mut s = State {
            tick: 0,
            day: m.start,
            params: m.parameters.iter().map(|p| p.value).collect(),
            mechanisms: m.mechanisms.clone(),
            control: m.regions.iter().map(|r| r.control).collect(),
            contested: vec![false; nr],
            population: m.regions.iter().flat_map(|r| r.population.iter().copied()).collect(),
            grievance: m.regions.iter().flat_map(|r| r.grievance.iter().copied()).collect(),
            support: m.regions.iter().flat_map(|r| r.support.iter().flat_map(|v| v.iter().copied())).collect(),
            money: m.actors.iter().map(|a| a.money).collect(),
            weapons: m.actors.iter().map(|a| a.weapons).collect(),
            excludes: m.actors.iter().flat_map(|a| a.excludes.iter().copied()).collect(),
            included: vec![false; na * ni],
            personnel: m.forces.iter().flat_map(|f| f.personnel.iter().copied()).collect(),
            equipment: m.forces.iter().map(|f| f.equipment).collect(),
            quality: m.forces.iter().map(|f| f.quality).collect(),
            morale: m.forces.iter().map(|f| f.morale).collect(),
            active: m.forces.iter().map(|f| f.active).collect(),
            weapon_shares: vec![None; na],
            money_shares: vec![None; na],
            mult: vec![1.0; nf],
            totals: vec![0.0; nf],
            strengths_stale: false,
            buf: Buffers::default(),
            eff_actor: vec![0.0; na * nr],
            hostile_eff: vec![0.0; na * nr],
            friendly_eff: vec![0.0; na * nr],
            threat: vec![0.0; na],
            threat_ready: false,
            casualties: vec![0.0; nr],
            orders: Orders::default(),
            columns: Vec::new(),
            next_event: 0,
            ledger: Ledger::default(),
            log: Vec::new(),
            rng: Pcg64Mcg::seed_from_u64(seed),
            economy: crate::phases::economy::Economy::new(m),
            forcegen: crate::phases::forcegen::ForceGen::new(m),
            manpower: crate::phases::manpower::Manpower::new(m),
            planning: crate::phases::planning::Planning::new(m),
            air: crate::phases::air::Air::new(m),
            irregular: crate::phases::irregular::Irregular::new(m),
            civilians: crate::phases::civilians::Civilians::new(m),
            cause: crate::cause::Causes::default(),
        };
        s.orders.reset(nf, na * nr);
        crate::phases::perception::effective_strengths(m, &mut s);
        s
    }

    /// Total personnel of a force group.
    pub fn force_total(&self, nr: usize, f: usize) -> f64 {
        sum(&self.personnel[f * nr..(f + 1) * nr])
    }

    /// Whether force group f fights on the ground (active, not air).
    pub fn on_ground(&self, m: &Model, f: usize) -> bool {
        self.active[f] && m.forces[f].kind != ForceKind::Air
    }

    /// Appends a log entry for the current tick.
    #[allow(clippy::too_many_arguments)]
    pub fn note(
        &mut self,
        kind: &'static str,
        region: Option<usize>,
        actor: Option<usize>,
        other: Option<usize>,
        force: Option<usize>,
        value: f64,
        detail: String,
    ) {
        let (tick, day) = (self.tick, self.day);
        self.log.push(LogEntry { tick, day, kind, region, actor, other, force, value, detail });
    }

    /// Whether a mechanism is on.
    pub fn on(&self, mech: MechanismName) -> bool {
        self.mechanisms.on(mech)
    }
}

impl Orders {
    /// Clears the orders for a new tick.
    pub fn reset(&mut self, nf: usize, na_nr: usize) {
        self.moves.clear();
        self.air.clear();
        self.funds.clear();
        self.transfers.clear();
        self.marches.clear();
        self.recruit_drive.clear();
        self.recruit_drive.resize(nf, 1.0);
        self.training.clear();
        self.training.resize(nf, 0.0);
        self.defend.clear();
        self.defend.resize(na_nr, false);
        self.air_mission.clear();
    }
}

/// The state as seen by rule expressions.
pub struct View<'a> {
    /// The model.
    pub model: &'a Model,
    /// The state.
    pub state: &'a State,
}

impl View<'_> {
    /// Threat to actor a's region k: distance-weighted hostile effective
    /// strength over itself plus a's side's strength at k (see docs/model.md).
    pub fn threat_to(&self, a: usize, k: usize) -> f64 {
        crate::phases::perception::threat_to(self.model, self.state, a, k)
    }
}

impl World for View<'_> {
    fn query(&self, q: &Query) -> f64 {
        let (m, s) = (self.model, self.state);
        let nr = m.regions.len();
        let ni = m.identities.len();
        let na = m.actors.len();
        let b = f64::from;
        match *q {
            Query::Threat { actor, region: None } => s.threat[actor],
            Query::Threat { actor, region: Some(r) } => {
                if s.on(MechanismName::ThreatFeedback) || !s.threat_ready {
                    self.threat_to(actor, r)
                } else {
                    s.threat[actor]
                }
            }
            Query::Controls { actor, region } => b(s.control[region] == Some(actor)),
            Query::Contested { region } => b(s.contested[region]),
            Query::Strength { force, region: None } => s.force_total(nr, force),
            Query::Strength { force, region: Some(r) } => s.personnel[force * nr + r],
            Query::ActorStrength { actor, region } => (0..m.forces.len())
                .filter(|&f| m.forces[f].actor == actor && s.active[f])
                .map(|f| match region {
                    Some(r) => s.personnel[f * nr + r],
                    None => s.force_total(nr, f),
                })
                .sum(),
            Query::Ratio { actor, region } => {
                let h = s.hostile_eff[actor * nr + region];
                let f = s.friendly_eff[actor * nr + region];
                if h <= 0.0 { 1000.0 } else { (f / h).min(1000.0) }
            }
            Query::AttackOdds { actor, region } => {
                let h = s.hostile_eff[actor * nr + region];
                let f = s.friendly_eff[actor * nr + region]
                    + m.regions[region].neighbours.iter().map(|&n| s.friendly_eff[actor * nr + n]).sum::<f64>();
                if h <= 0.0 { 1000.0 } else { (f / h).min(1000.0) }
            }
            Query::Money { actor } => s.money[actor],
            Query::Weapons { actor } => s.weapons[actor],
            Query::Equipment { force } => s.equipment[force],
            Query::Morale { force } => s.morale[force],
            Query::Quality { force } => s.quality[force],
            Query::Grievance { identity, region } => s.grievance[region * ni + identity],
            Query::Support { identity, actor, region } => s.support[(region * ni + identity) * na + actor],
            Query::RegionsHeld { actor } => s.control.iter().filter(|c| **c == Some(actor)).count() as f64,
            Query::PopulationHeld { actor } => (0..nr)
                .filter(|&r| s.control[r] == Some(actor))
                .map(|r| s.population[r * ni..(r + 1) * ni].iter().sum::<f64>())
                .sum(),
            Query::Active { force } => b(s.active[force]),
            Query::Mechanism { mechanism } => b(s.on(mechanism)),
            Query::Input { input } => m.inputs[input].at(s.tick),
            Query::Income { actor } => s.economy.income[actor],
            Query::Payroll { actor } => crate::phases::economy::payroll(m, s, actor),
            Query::Trainees { force } => s.forcegen.trainees[force],
            Query::Trainers { actor } => crate::phases::forcegen::trainers_now(m, s, actor),
            Query::Manpower { identity, region: Some(r) } => crate::phases::manpower::men(m, s, r, identity),
            Query::Manpower { identity, region: None } => {
                (0..nr).map(|r| crate::phases::manpower::men(m, s, r, identity)).sum()
            }
            Query::Momentum { actor } => s.manpower.momentum.get(actor).copied().unwrap_or(0.0),
            Query::AchievableRatio { actor, region } => crate::phases::planning::achievable_ratio(m, s, actor, region),
            Query::OperationActive { force } => b(s.planning.ops[force].is_some()),
            Query::OperationTarget { force, region } => b(s.planning.ops[force].is_some_and(|o| o.target == region)),
            Query::Sorties { force } => s.air.flown[force],
            Query::Fatigue { force } => s.air.fatigue[force],
            Query::Contact { actor, region } => crate::phases::air::contact(m, s, actor, region),
            Query::Hidden { force, region: Some(r) } => crate::phases::irregular::hidden_people(m, s, force, r),
            Query::Hidden { force, region: None } => crate::phases::irregular::hidden_total(m, s, force),
            Query::Detected { force, region } => s.irregular.detected.get(force * nr + region).copied().unwrap_or(0.0),
            Query::Cooperation { actor, region } => crate::phases::irregular::cooperation(m, s, actor, region),
            Query::Displaced { identity } => s.civilians.displaced(identity),
            Query::CivilianDeaths { region } => s.civilians.deaths.get(region).copied().unwrap_or(0.0),
            Query::CivilianDeathsBy { actor } => s.civilians.deaths_by.get(actor).copied().unwrap_or(0.0),
        }
    }
    fn param(&self, i: usize) -> f64 {
        self.state.params[i]
    }
    fn tick(&self) -> f64 {
        self.state.tick as f64
    }
    fn today(&self) -> f64 {
        f64::from(self.state.day.epoch_days())
    }
}

#[cfg(test)]
mod tests {
    use super::sum;

    #[test]
    fn attack_odds_count_the_side_around_the_target() {
        use super::{State, View};
        use frontline_scenario::expr::{Query, World};
        let m = crate::testkit::line("");
        let s = State::new(&m, 1);
        let (nr, gov, valley) = (m.regions.len(), m.actor_index("gov").unwrap(), m.region_index("valley").unwrap());
        let v = View { model: &m, state: &s };
        let around: f64 = std::iter::once(valley)
            .chain(m.regions[valley].neighbours.iter().copied())
            .map(|r| s.friendly_eff[gov * nr + r])
            .sum();
        let odds = v.query(&Query::AttackOdds { actor: gov, region: valley });
        assert!((odds - around / s.hostile_eff[gov * nr + valley]).abs() < 1e-9);
        assert!(odds > v.query(&Query::Ratio { actor: gov, region: valley }), "the city's army counts too");
        let capital = m.region_index("capital").unwrap();
        assert_eq!(v.query(&Query::AttackOdds { actor: gov, region: capital }), 1000.0, "no enemy there");
    }

    #[test]
    fn interleaved_sum_agrees_with_a_fold() {
        for n in 0..40 {
            let xs: Vec<f64> = (0..n).map(|i| 0.1 * f64::from(i) + 1.0 / f64::from(i + 1)).collect();
            let fold: f64 = xs.iter().sum();
            assert!((sum(&xs) - fold).abs() <= 1e-12 * fold.abs().max(1.0), "n = {n}");
        }
        assert_eq!(sum(&[1.0, 2.0, 3.0, 4.0, 5.0]), 15.0);
    }

    #[test]
    fn interleaved_dot_agrees_with_a_fold() {
        for n in 0..40 {
            let xs: Vec<f64> = (0..n).map(|i| 0.5 + f64::from(i)).collect();
            let ys: Vec<f64> = (0..n).map(|i| 1.0 / f64::from(i + 1)).collect();
            let fold: f64 = xs.iter().zip(&ys).map(|(a, b)| a * b).sum();
            assert!((super::dot(&xs, &ys) - fold).abs() <= 1e-12 * fold.abs().max(1.0), "n = {n}");
        }
    }
}

//! Phase 10, record: append this tick's state to the run's time series and
//! move this tick's log entries to the run's events; report the first tick
//! on which each watched condition holds.
//!
//! Owns the in-memory [`Trajectory`] (numbers and indices only; names are
//! attached when tables are written). No equations.

use crate::state::{Ledger, LogEntry, State, View};
use frontline_date::Day;
use frontline_scenario::Model;
use frontline_scenario::spec::MechanismName;

/// Everything recorded in one run. Per-tick arrays hold `ticks + 1` snapshots
/// (tick 0 is the initial state), each laid out as in [`State`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trajectory {
    /// Seed of the run.
    pub seed: u64,
    /// Day of each snapshot.
    pub days: Vec<Day>,
    /// Controller per snapshot and region (-1: nobody).
    pub control: Vec<i32>,
    /// Contested flag per snapshot and region.
    pub contested: Vec<bool>,
    /// Personnel per snapshot, force group and region.
    pub personnel: Vec<f64>,
    /// Equipment, morale, quality, active per snapshot and force group.
    pub equipment: Vec<f64>,
    /// Morale per snapshot and force group.
    pub morale: Vec<f64>,
    /// Quality per snapshot and force group.
    pub quality: Vec<f64>,
    /// Grievance per snapshot, region and identity.
    pub grievance: Vec<f64>,
    /// Support per snapshot, region, identity and actor.
    pub support: Vec<f64>,
    /// Population per snapshot, region and identity.
    pub population: Vec<f64>,
    /// Money per snapshot and actor.
    pub money: Vec<f64>,
    /// Weapons stock per snapshot and actor.
    pub weapons: Vec<f64>,
    /// Threat per snapshot and actor.
    pub threat: Vec<f64>,
    /// Weekly income per snapshot and actor (at its last supply phase).
    pub income: Vec<f64>,
    /// Log of events.
    pub events: Vec<LogEntry>,
    /// First tick at which each watch held (None: never).
    pub watch_first: Vec<Option<u32>>,
    /// Final accounting.
    pub ledger: Ledger,
    /// People in the training pipeline per snapshot and force group (§3.13).
    pub trainees: Vec<f64>,
    /// Manpower (men of fighting age) per snapshot, region and identity,
    /// laid out like `population`; empty when the `manpower` mechanism is off.
    pub manpower: Vec<f64>,
    /// Sorties flown per tick, region, air group and mission (§3.18); empty
    /// when the `air_campaign` mechanism is off.
    pub strikes: Vec<crate::phases::air::Strike>,
    /// Hidden personnel per snapshot and force group (§3.16); empty when
    /// the `irregular` mechanism is off.
    pub hidden: Vec<f64>,
    /// Civilians killed so far per snapshot and region (cumulative); empty
    /// when the `civilian_harm` mechanism is off.
    pub civilian_deaths: Vec<f64>,
    /// Civilians killed so far per snapshot and actor that caused them
    /// (cumulative); empty when `civilian_harm` is off.
    pub civilian_deaths_by: Vec<f64>,
    /// People away from home per snapshot and identity; empty when the
    /// `displacement` mechanism is off.
    pub displaced: Vec<f64>,
    /// Every movement of people (flight and return), in the order they
    /// happened (displacement).
    pub displacement: Vec<crate::phases::civilians::Flow>,
    /// Why things changed: the driver records of the run, in the order they
    /// were made; empty unless the run recorded them
    /// ([`crate::run::simulate_explained`]).
    pub drivers: Vec<crate::cause::Driver>,
}

impl Trajectory {
    /// An empty trajectory with room for every snapshot of a run of `m`.
    pub fn with_capacity(m: &Model, seed: u64) -> Trajectory {
        let k = m.ticks as usize + 1;
        let (nr, ni, na, nf) = (m.regions.len(), m.identities.len(), m.actors.len(), m.forces.len());
        Trajectory {
            seed,
            days: Vec::with_capacity(k),
            control: Vec::with_capacity(k * nr),
            contested: Vec::with_capacity(k * nr),
            personnel: Vec::with_capacity(k * nf * nr),
            equipment: Vec::with_capacity(k * nf),
            morale: Vec::with_capacity(k * nf),
            quality: Vec::with_capacity(k * nf),
            grievance: Vec::with_capacity(k * nr * ni),
            support: Vec::with_capacity(k * nr * ni * na),
            population: Vec::with_capacity(k * nr * ni),
            money: Vec::with_capacity(k * na),
            weapons: Vec::with_capacity(k * na),
            threat: Vec::with_capacity(k * na),
            income: Vec::with_capacity(k * na),
            trainees: Vec::with_capacity(k * nf),
            manpower: Vec::with_capacity(if m.mechanisms.on(MechanismName::Manpower) { k * nr * ni } else { 0 }),
            hidden: Vec::with_capacity(if m.mechanisms.on(MechanismName::Irregular) { k * nf } else { 0 }),
            civilian_deaths: Vec::with_capacity(if m.mechanisms.on(MechanismName::CivilianHarm) { k * nr } else { 0 }),
            civilian_deaths_by: Vec::with_capacity(if m.mechanisms.on(MechanismName::CivilianHarm) {
                k * na
            } else {
                0
            }),
            displaced: Vec::with_capacity(if m.mechanisms.on(MechanismName::Displacement) { k * ni } else { 0 }),
            ..Trajectory::default()
        }
    }

    /// Number of snapshots.
    pub fn snapshots(&self) -> usize {
        self.days.len()
    }

    /// What each holder has at snapshot `k`: nobody first, then the actors
    /// in order, leaving out those that hold nothing.
    pub fn holdings(&self, m: &Model, k: usize) -> Vec<Holding> {
        let (nr, ni) = (m.regions.len(), m.identities.len());
        std::iter::once(None)
            .chain((0..m.actors.len()).map(Some))
            .filter_map(|actor| {
                let code = actor.map_or(-1, |a| a as i32);
                let held: Vec<usize> = (0..nr).filter(|&r| self.control[k * nr + r] == code).collect();
                (!held.is_empty()).then(|| Holding {
                    actor,
                    regions: held.len(),
                    population: held
                        .iter()
                        .map(|&r| self.population[(k * nr + r) * ni..(k * nr + r + 1) * ni].iter().sum::<f64>())
                        .sum(),
                    contested: held.iter().filter(|&&r| self.contested[k * nr + r]).count(),
                })
            })
            .collect()
    }
}

/// What one holder (an actor, or nobody) has at a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Holding {
    /// The actor (None: regions nobody holds).
    pub actor: Option<usize>,
    /// Regions held.
    pub regions: usize,
    /// Their population.
    pub population: f64,
    /// How many of them are contested.
    pub contested: usize,
}

/// Appends a snapshot.
pub fn run(m: &Model, s: &mut State, t: &mut Trajectory) {
    t.days.push(s.day);
    t.control.extend(s.control.iter().map(|c| c.map_or(-1, |a| a as i32)));
    t.contested.extend_from_slice(&s.contested);
    t.personnel.extend_from_slice(&s.personnel);
    t.equipment.extend_from_slice(&s.equipment);
    t.morale.extend_from_slice(&s.morale);
    t.quality.extend_from_slice(&s.quality);
    t.grievance.extend_from_slice(&s.grievance);
    t.support.extend_from_slice(&s.support);
    t.population.extend_from_slice(&s.population);
    t.money.extend_from_slice(&s.money);
    t.weapons.extend_from_slice(&s.weapons);
    t.threat.extend_from_slice(&s.threat);
    t.income.extend_from_slice(&s.economy.income);
    t.trainees.extend_from_slice(&s.forcegen.trainees);
    t.manpower.extend_from_slice(&s.manpower.stock);
    t.strikes.extend_from_slice(&s.air.strikes);
    if s.on(MechanismName::Irregular) {
        t.hidden.extend((0..m.forces.len()).map(|f| crate::phases::irregular::hidden_total(m, s, f)));
    }
    t.civilian_deaths.extend_from_slice(&s.civilians.deaths);
    t.civilian_deaths_by.extend_from_slice(&s.civilians.deaths_by);
    if s.on(MechanismName::Displacement) {
        for i in 0..m.identities.len() {
            t.displaced.push(s.civilians.displaced(i));
        }
        t.displacement.extend_from_slice(&s.civilians.flows);
    }
    if t.watch_first.len() != m.watches.len() {
        t.watch_first = vec![None; m.watches.len()];
    }
    for (w, watch) in m.watches.iter().enumerate() {
        if t.watch_first[w].is_none() && watch.when.holds(&View { model: m, state: s }) {
            t.watch_first[w] = Some(s.tick);
            s.note("watch", None, None, None, None, 1.0, watch.name.clone());
        }
    }
    t.events.append(&mut s.log);
    t.drivers.append(&mut s.cause.drivers);
    t.ledger = s.ledger.clone();
}

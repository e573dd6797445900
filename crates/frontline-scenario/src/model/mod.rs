//! The validated model: what the engine runs. Every id is resolved to an
//! index, every expression is compiled, every number is checked against its
//! bounds. Building it from a [`ScenarioSpec`] reports all problems at once.
//!
//! Owns cross-reference and bounds checks and the derived geometry (distances,
//! next hops). It must not hold run state; the engine does.
//!
//! The types of the model are declared here; [`build_layered`] calls one
//! builder module per part of the scenario, in this order (which is the order
//! of the diagnostics): `clock`, `parameters`, `mechanisms` (and constants),
//! `regions` (and the neighbour graph), `actors` (and hostility), `forces`,
//! `rules` (whose tactics `tactics` compiles, as it does the events'),
//! `planning` (the actors' planning tables), `events`, `watches`, `places`
//! (named places and key dates), then
//! `overlays` (the overlay-typo check, which needs to know what every other
//! part refers to) and, on a valid scenario,
//! `geometry`. They share a `Builder` (`builder`): the declared ids, the
//! diagnostics and the checks of a quantity against its bounds, whose input
//! limits (`bounds`) are re-exported here. To add a part, give it a module
//! with a `build` function and call it from [`build_layered`].

mod actors;
mod bounds;
mod builder;
mod clock;
mod events;
mod forces;
mod geometry;
mod inputs;
mod mechanisms;
mod overlays;
mod parameters;
mod places;
mod planning;
mod regions;
mod rules;
mod tactics;
#[cfg(test)]
mod test_support;
mod watches;

pub use bounds::{
    LIMITS, Limit, MAX_MONEY, MAX_MONEY_PER_HEAD, MAX_MULTIPLIER, MAX_OIL, MAX_PARAMETER, MAX_PEOPLE, MAX_WEIGHT,
};
pub use planning::ActorPlanning;

use crate::constants::Constants;
use crate::diag::{Diagnostic, Diagnostics, FileId, Sources};
use crate::expr::Expr;
use crate::geo::RegionMap;
use crate::spec::*;
use builder::Builder;
use frontline_date::Day;

/// An identity group.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A region with resolved neighbours and initial attitudes.
#[derive(Debug, Clone)]
pub struct Region {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Parent area, if any.
    pub parent: Option<String>,
    /// Terrain.
    pub terrain: Terrain,
    /// Strategic value.
    pub value: f64,
    /// Neighbour indices, sorted.
    pub neighbours: Vec<usize>,
    /// (lon, lat) in degrees.
    pub position: (f64, f64),
    /// Revenue per week to the controller.
    pub income: f64,
    /// Initial controller.
    pub control: Option<usize>,
    /// Population by identity index.
    pub population: Vec<f64>,
    /// Initial grievance by identity index.
    pub grievance: Vec<f64>,
    /// Initial support, `[identity][actor]`.
    pub support: Vec<Vec<f64>>,
    /// Where the region's numbers come from, or "assumption: …".
    pub source: Option<String>,
    /// Oil produced per day (barrels) while held (mechanism `economy`).
    pub oil: f64,
    /// Men of fighting age as a share of the population, by identity index
    /// (None: `constants.manpower.share`, resolved by the engine so that
    /// `--set` of the constant applies).
    pub manpower_share: Vec<Option<f64>>,
    /// Takes in the displaced (region key `camp`; mechanism `displacement`).
    pub camp: bool,
}

/// Where a movement or strike goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A fixed region.
    Region(usize),
    /// The most valuable, most weakly held region not held by the actor's side next to the force.
    BestTarget,
    /// The actor's most threatened key region.
    MostThreatened,
    /// Regions where the actor's side fights (air strikes).
    AlliedFronts,
    /// Every detachment of the force in a region its side holds attacks the
    /// best region next to it that its side does not hold (moves only).
    BroadFront,
}

/// A compiled tactic.
#[derive(Debug, Clone)]
pub enum Tactic {
    /// deploy / attack / defend.
    Move {
        /// Which of the three.
        kind: TacticKind,
        /// Force group moved.
        force: usize,
        /// Destination.
        to: Target,
        /// Share of the force that moves.
        fraction: Expr,
        /// Movers come from every region (true) or only regions adjacent to the target.
        from_all: bool,
        /// Movers come from this region only (`from = "<region id>"`), by the shortest path.
        from_region: Option<usize>,
    },
    /// allocate_weapons (weapons = true) or allocate_money.
    Allocate {
        /// Weapons or money.
        weapons: bool,
        /// (force group, share expression).
        shares: Vec<(usize, Expr)>,
    },
    /// Transfer money per week to another actor.
    Fund {
        /// Recipient.
        to: usize,
        /// Money per week.
        amount: Expr,
    },
    /// Recruitment drive multiplier this tick.
    Recruit {
        /// Force group.
        force: usize,
        /// Multiplier.
        amount: Expr,
    },
    /// Send a column from one region to another, carried one region per tick until it arrives.
    March {
        /// Force group.
        force: usize,
        /// Region the column leaves.
        from: usize,
        /// Region it marches to.
        to: usize,
        /// Share of the detachment in `from` that sets out.
        fraction: Expr,
    },
    /// Move a share of one ground group's fighters (and weapons) into another of the same actor.
    Transfer {
        /// Group giving fighters.
        force: usize,
        /// Group receiving them.
        into: usize,
        /// Share of the giving group moved this tick.
        fraction: Expr,
    },
    /// Training this tick.
    Train {
        /// Force group.
        force: usize,
        /// Intensity (1 = the standard weekly gain).
        amount: Expr,
    },
    /// Air sorties.
    AirStrike {
        /// Air force group.
        force: usize,
        /// Where.
        to: Target,
        /// Share of sorties.
        fraction: Expr,
        /// What the sorties do (read only with `air_campaign` on).
        mission: AirMission,
    },
    /// Political inclusion (true) or exclusion (false) of an identity.
    Inclusion {
        /// Identity.
        identity: usize,
        /// Include or exclude.
        include: bool,
    },
    /// Lend a share of the actor's trainers to another actor for this tick.
    LendTrainers {
        /// Recipient actor.
        to: usize,
        /// Share of the lender's trainers.
        fraction: Expr,
    },
    /// Activate a ground group and raise people from its identity's population.
    Raise {
        /// Force group (a ground group with an identity).
        force: usize,
        /// People to raise.
        amount: Expr,
    },
    /// Surge an air group's sortie rate this tick (mechanism `air_campaign`).
    AirSurge {
        /// Air force group.
        force: usize,
        /// Surge: the group may fly up to (1 + amount) × its sorties (clamped to [0, air.max_surge]).
        amount: Expr,
    },
    /// `go_underground` (hide = true) or `surface` (mechanism `irregular`).
    Hide {
        /// Force group (a ground group).
        force: usize,
        /// Region (None: every region).
        to: Option<usize>,
        /// Share of the open (go_underground) or hidden (surface) fighters switched.
        fraction: Expr,
        /// Go underground (true) or surface (false).
        hide: bool,
    },
}

/// A rule of an actor's strategy.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Name (the key in the scenario).
    pub name: String,
    /// Priority (higher first).
    pub priority: i64,
    /// Condition.
    pub when: Expr,
    /// Action.
    pub then: Tactic,
    /// Mechanism that must be on for the rule to fire.
    pub mechanism: Option<MechanismName>,
}

/// An actor.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Fixed income per week.
    pub income: f64,
    /// Income per week per inhabitant controlled.
    pub tax: f64,
    /// Weapons received per week.
    pub weapons_income: f64,
    /// Initial money.
    pub money: f64,
    /// Initial weapons.
    pub weapons: f64,
    /// Key region indices.
    pub key_regions: Vec<usize>,
    /// `hostile[b]`: this actor fights actor b.
    pub hostile: Vec<bool>,
    /// `allied[b]`: this actor fights beside actor b (true for itself).
    pub allied: Vec<bool>,
    /// `excludes[i]` at the start.
    pub excludes: Vec<bool>,
    /// Goal weight per region index.
    pub goals: Vec<f64>,
    /// Rules sorted by priority (desc) then name.
    pub rules: Vec<Rule>,
    /// Money realised per barrel of oil, evaluated every tick (mechanism `economy`).
    pub oil_price: Option<Expr>,
    /// Other income per week, evaluated every tick (mechanism `economy`).
    pub revenue: Option<Expr>,
    /// Money per weapon set delivered by `weapons_income` (mechanism `economy`; 0: free).
    pub weapons_price: f64,
    /// Trainers (people) running its training pipelines; 0: no capacity limit.
    pub trainers: f64,
    /// Its `[actors.<id>.planning]` table, if any (used when `planning` is on).
    pub planning: Option<ActorPlanning>,
}

/// A named place (a key city): `[places.<id>]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Region index it is in.
    pub region: usize,
    /// Other names it goes by.
    pub aliases: Vec<String>,
    /// [longitude, latitude] of its label (declared, else the region's position).
    pub position: (f64, f64),
    /// Whether `position` was declared.
    pub declared_position: bool,
}

/// A labelled date that matters to the question: `[scenario] key_dates`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyDate {
    /// Label, e.g. "fall of Ramadi".
    pub label: String,
    /// The date.
    pub day: Day,
}

/// A force group.
#[derive(Debug, Clone)]
pub struct Force {
    /// Stable id.
    pub id: String,
    /// Owner actor index.
    pub actor: usize,
    /// Kind.
    pub kind: ForceKind,
    /// Identity index it recruits from.
    pub identity: Option<usize>,
    /// Personnel by region index.
    pub personnel: Vec<f64>,
    /// Weapon sets held.
    pub equipment: f64,
    /// Quality in [0, 1].
    pub quality: f64,
    /// Morale in [0, 1].
    pub morale: f64,
    /// Panic threshold of this group (None: `constants.rout.panic_morale`).
    pub panic_morale: Option<f64>,
    /// Money per person per week.
    pub upkeep: f64,
    /// Share of willing inhabitants recruited per week.
    pub recruit_rate: f64,
    /// Active at start.
    pub active: bool,
    /// Depot region declared (None: the engine's default, see docs/model.md §3.13).
    pub depot: Option<usize>,
    /// Training weeks declared (None: `force_generation.training_weeks`).
    pub training_weeks: Option<f64>,
    /// Graduate quality declared (None: `force_generation.graduate_quality`).
    pub graduate_quality: Option<f64>,
    /// Rally region declared (None: the depot).
    pub rally: Option<usize>,
    /// Share of its identity's manpower conscripted per week where its
    /// owner controls the region (the `conscription` mechanism), in [0, 1].
    pub conscription: f64,
    /// People per week arriving from outside the theatre (an expression
    /// computed every tick) and the region where they arrive.
    pub inflow: Option<(Expr, usize)>,
    /// Starts hidden in every region (mechanism `irregular`).
    pub hidden: bool,
}

/// A scheduled event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// Day it happens.
    pub day: Day,
    /// Force groups switched on.
    pub enable: Vec<usize>,
    /// Force groups switched off.
    pub disable: Vec<usize>,
    /// (parameter, value) set.
    pub set: Vec<(usize, f64)>,
    /// Acting actor and tactics.
    pub then: Option<(usize, Vec<Tactic>)>,
}

/// An uncertain parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Stable id.
    pub id: String,
    /// Value for a single run.
    pub value: f64,
    /// Range low.
    pub min: f64,
    /// Range high.
    pub max: f64,
    /// Distribution for sweeps.
    pub distribution: Distribution,
    /// Source or reasoning.
    pub source: String,
    /// A guess rather than a sourced number.
    pub assumption: bool,
}

/// Which mechanisms (the claims C1–C9 and the engine features) are on.
#[derive(Debug, Clone, PartialEq)]
pub struct Mechanisms {
    on: Vec<bool>,
}

impl Default for Mechanisms {
    fn default() -> Self {
        let on = MechanismName::NAMES
            .iter()
            .map(|n| MechanismName::parse(n).is_some_and(MechanismName::on_by_default))
            .collect();
        Mechanisms { on }
    }
}

impl Mechanisms {
    fn index(m: MechanismName) -> usize {
        MechanismName::NAMES.iter().position(|n| *n == m.name()).unwrap_or(0)
    }
    /// Is the mechanism on?
    pub fn on(&self, m: MechanismName) -> bool {
        self.on[Self::index(m)]
    }
    /// Switches a mechanism.
    pub fn set(&mut self, m: MechanismName, on: bool) {
        self.on[Self::index(m)] = on;
    }
}

/// An exogenous input series, read in expressions with `input(<id>)`.
#[derive(Debug, Clone)]
pub struct Input {
    /// Stable id.
    pub id: String,
    /// Its value on the day of each tick, `0..=ticks` (scale applied).
    pub values: Vec<f64>,
    /// Unit of the values, if given.
    pub unit: Option<String>,
    /// Where the values come from.
    pub source: Option<String>,
    /// True if the values are assumptions.
    pub assumption: bool,
}

impl Input {
    /// Its value at tick `t` (the last value beyond the end of the run).
    pub fn at(&self, t: u32) -> f64 {
        let i = (t as usize).min(self.values.len().saturating_sub(1));
        self.values.get(i).copied().unwrap_or(0.0)
    }
}

/// A watched condition whose first date the run reports.
#[derive(Debug, Clone)]
pub struct Watch {
    /// Name.
    pub name: String,
    /// Source text.
    pub text: String,
    /// Condition.
    pub when: Expr,
}

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Model {
    /// Name.
    pub name: String,
    /// First day.
    pub start: Day,
    /// Days per tick.
    pub tick_days: u32,
    /// Number of ticks.
    pub ticks: u32,
    /// Default seed.
    pub seed: u64,
    /// The posterior sample the scenario names (`[scenario] posterior`), resolved against the file that names it.
    pub posterior: Option<std::path::PathBuf>,
    /// Identities.
    pub identities: Vec<Identity>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Force groups.
    pub forces: Vec<Force>,
    /// Events sorted by day.
    pub events: Vec<Event>,
    /// Parameters.
    pub parameters: Vec<Parameter>,
    /// Constants.
    pub constants: Constants,
    /// Mechanism switches.
    pub mechanisms: Mechanisms,
    /// Watched conditions.
    pub watches: Vec<Watch>,
    /// Exogenous input series.
    pub inputs: Vec<Input>,
    /// Great-circle distance in km, `[a * n + b]`.
    pub distance_km: Vec<f64>,
    /// Next region on a shortest path (in hops) from a to b, `[a * n + b]`; `usize::MAX` if unreachable.
    pub next_hop: Vec<usize>,
    /// Hops from a to b, `u32::MAX` if unreachable.
    pub hops: Vec<u32>,
    /// exp(−distance / perception.distance_scale_km) for each pair, `[a * n + b]`
    /// (the C9 threat weight, precomputed once per model).
    pub threat_weight: Vec<f64>,
    /// The map, if the scenario has one (for views).
    pub map: Option<RegionMap>,
    /// Named places (key cities), in id order.
    pub places: Vec<Place>,
    /// Key dates, in date order.
    pub key_dates: Vec<KeyDate>,
}

impl Model {
    /// Index of a region id.
    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
    }
    /// The region a user names: a region id, else a place's id, name or
    /// alias, else a region's name (ignoring case for names and aliases).
    pub fn resolve_region(&self, text: &str) -> Option<usize> {
        if let Some(r) = self.region_index(text) {
            return Some(r);
        }
        let low = text.trim().to_lowercase();
        self.places
            .iter()
            .find(|p| {
                p.id.to_lowercase() == low
                    || p.name.to_lowercase() == low
                    || p.aliases.iter().any(|a| a.to_lowercase() == low)
            })
            .map(|p| p.region)
            .or_else(|| self.regions.iter().position(|r| r.name.to_lowercase() == low))
    }
    /// A region's label for views: its name and, when there are places in
    /// it, their names: `Ramadi (Ramadi district)`.
    pub fn region_label(&self, r: usize) -> String {
        let places: Vec<&str> = self.places.iter().filter(|p| p.region == r).map(|p| p.name.as_str()).collect();
        let name = &self.regions[r].name;
        if places.is_empty() || places == [name.as_str()] {
            name.clone()
        } else {
            format!("{} ({name})", places.join(", "))
        }
    }
    /// Whether force group `f` can ever be active: it starts active, or an
    /// event enables it, or a rule or an event raises it. Views leave out
    /// groups that cannot (e.g. a deployment switched off by default).
    pub fn may_be_active(&self, f: usize) -> bool {
        let raises = |t: &Tactic| matches!(t, Tactic::Raise { force, .. } if *force == f);
        self.forces[f].active
            || self
                .events
                .iter()
                .any(|e| e.enable.contains(&f) || e.then.as_ref().is_some_and(|(_, ts)| ts.iter().any(raises)))
            || self.actors.iter().any(|a| a.rules.iter().any(|r| raises(&r.then)))
    }
    /// The last tick on or before `day` (0 before the start).
    pub fn tick_on_or_before(&self, day: Day) -> u32 {
        (0..=self.ticks).rev().find(|&t| self.day_of_tick(t) <= day).unwrap_or(0)
    }
    /// The ticks that views show by default: each key date's (the last tick
    /// on or before it), then the last tick, without repeats.
    pub fn key_ticks(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for k in &self.key_dates {
            let t = self.tick_on_or_before(k.day);
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if !out.contains(&self.ticks) {
            out.push(self.ticks);
        }
        out
    }
    /// Index of an actor id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }
    /// Index of a force id.
    pub fn force_index(&self, id: &str) -> Option<usize> {
        self.forces.iter().position(|f| f.id == id)
    }
    /// Day of tick `t` (tick 0 is the start). Exact up to `ticks`, whose
    /// day the builder keeps within 9999-12-31; held there beyond it.
    pub fn day_of_tick(&self, t: u32) -> Day {
        self.start.saturating_add_days(i64::from(t) * i64::from(self.tick_days))
    }
}

/// Builds the validated model; `map` is the scenario's map, read by the loader.
pub fn build(spec: &ScenarioSpec, sources: &Sources, map: Option<RegionMap>) -> Result<Model, Diagnostics> {
    build_layered(spec, sources, map, None)
}

/// Builds the validated model of a scenario merged from layers: every file
/// registered in `sources` from `first_overlay_file` on is an overlay (a
/// variant, its includes or a `--set`). An id that only an overlay declares
/// and that has no effect (a parameter, actor, identity or region nothing
/// refers to, an event that does nothing) is refused as a likely typo, with
/// a did-you-mean over the ids of the base scenario.
pub fn build_layered(
    spec: &ScenarioSpec,
    sources: &Sources,
    map: Option<RegionMap>,
    first_overlay_file: Option<FileId>,
) -> Result<Model, Diagnostics> {
    let meta = &spec.scenario;
    let mut b = Builder::new(spec, sources);
    // The order of the builders is the order of the diagnostics.
    let clock = clock::build(&mut b, meta);
    refuse_empty_scenario(&mut b, spec);
    let parameters = parameters::build(&mut b, spec);
    let mechanisms = mechanisms::build(&mut b, spec);
    let constants = mechanisms::constants(&mut b, spec);
    let identities = identities(spec);
    let regions = regions::build(&mut b, spec, map.as_ref());
    let mut actors = actors::build(&mut b, spec);
    let forces = forces::build(&mut b, spec);
    rules::attach(&mut b, spec, &mut actors, &forces);
    planning::attach(&mut b, spec, &regions, &mut actors, &forces, &constants);
    let events = events::build(&mut b, spec, &forces);
    let watches = watches::build(&mut b, meta);
    let inputs = inputs::build(&mut b, spec, &clock);
    let places = places::build(&mut b, spec, &regions);
    let last_day = clock.start.saturating_add_days(i64::from(clock.ticks) * i64::from(clock.tick_days));
    let key_dates = places::key_dates(&mut b, meta, clock.start, last_day);
    if let Some(first) = first_overlay_file {
        overlays::refuse_unused_ids(&mut b, spec, &regions, first);
    }
    if !b.d.is_empty() {
        return Err(b.d);
    }

    let geometry = geometry::derive(&regions, &constants);
    Ok(Model {
        name: meta.name.clone(),
        start: clock.start,
        tick_days: clock.tick_days,
        ticks: clock.ticks,
        seed: meta.seed.unwrap_or(0),
        posterior: meta.posterior.as_ref().map(|p| {
            let dir = sources.path(p.loc.file).and_then(|f| f.parent().map(std::path::Path::to_path_buf));
            dir.unwrap_or_default().join(&p.value)
        }),
        identities,
        regions,
        actors,
        forces,
        events,
        parameters,
        constants,
        mechanisms,
        watches,
        inputs,
        distance_km: geometry.distance_km,
        next_hop: geometry.next_hop,
        hops: geometry.hops,
        threat_weight: geometry.threat_weight,
        map,
        places,
        key_dates,
    })
}

/// A scenario needs at least one region and one actor.
fn refuse_empty_scenario(b: &mut Builder, spec: &ScenarioSpec) {
    if spec.regions.is_empty() {
        b.d.push(
            Diagnostic::at(&spec.loc, "the scenario has no regions").hint("add at least one [regions.<id>] table"),
        );
    }
    if spec.actors.is_empty() {
        b.d.push(Diagnostic::at(&spec.loc, "the scenario has no actors").hint("add at least one [actors.<id>] table"));
    }
}

/// The identity groups, in declaration order; a missing name is the id.
fn identities(spec: &ScenarioSpec) -> Vec<Identity> {
    spec.identities
        .iter()
        .map(|(k, s)| Identity { id: k.name.clone(), name: s.name.clone().unwrap_or_else(|| k.name.clone()) })
        .collect()
}

//! The validated model: what the engine runs. Every id is resolved to an
//! index, every expression is compiled, every number is checked against its
//! bounds. Building it from a [`ScenarioSpec`] reports all problems at once.
//!
//! Owns cross-reference and bounds checks and the derived geometry (distances,
//! next hops). It must not hold run state; the engine does.

use crate::constants::Constants;
use crate::decode::{At, Map, Quantity};
use crate::diag::{Diagnostic, Diagnostics, FileId, Loc, Sources, choice_hint};
use crate::expr::{Expr, NameKind, Names, Origin, Query, Type, World, compile};
use crate::geo::{RegionMap, haversine_km};
use crate::spec::*;
use frontline_date::Day;
use std::collections::BTreeSet;

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
    },
    /// Political inclusion (true) or exclusion (false) of an identity.
    Inclusion {
        /// Identity.
        identity: usize,
        /// Include or exclude.
        include: bool,
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

/// Which mechanisms (C1–C9) are on.
#[derive(Debug, Clone, PartialEq)]
pub struct Mechanisms {
    on: Vec<bool>,
}

impl Default for Mechanisms {
    fn default() -> Self {
        Mechanisms { on: vec![true; MechanismName::NAMES.len()] }
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
}

impl Model {
    /// Index of a region id.
    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
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

/// The largest value a kind of scenario number may take. The bounds are far
/// beyond what a real theatre needs, and low enough that the engine's sums
/// and products over 100,000 ticks stay finite: a value past one is refused
/// with an error naming the limit, rather than turning into `inf` or `NaN`
/// in the tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The largest allowed value.
    pub max: f64,
    /// Its name in this module, as reported in errors.
    pub name: &'static str,
    /// What it bounds, for error messages.
    pub applies_to: &'static str,
}

/// People and weapon sets: populations, personnel (air sorties), equipment,
/// weapons stocks and weapons income (10^10, more than the world's population).
pub const MAX_PEOPLE: Limit =
    Limit { max: 1e10, name: "MAX_PEOPLE", applies_to: "populations, personnel, equipment and weapons" };
/// Money: incomes, money stocks and funding per week (10^12 money units).
pub const MAX_MONEY: Limit = Limit { max: 1e12, name: "MAX_MONEY", applies_to: "money, incomes and funding" };
/// Money per person per week: `tax` and `upkeep` (10^6 money units).
pub const MAX_MONEY_PER_HEAD: Limit =
    Limit { max: 1e6, name: "MAX_MONEY_PER_HEAD", applies_to: "money per person per week (tax, upkeep)" };
/// Weights: region values, goal weights and allocation shares (10^6).
pub const MAX_WEIGHT: Limit =
    Limit { max: 1e6, name: "MAX_WEIGHT", applies_to: "region values, goal weights and allocation shares" };
/// Multipliers given as tactic amounts: `recruit` and `train` (10^3).
pub const MAX_MULTIPLIER: Limit =
    Limit { max: 1e3, name: "MAX_MULTIPLIER", applies_to: "recruitment and training multipliers" };
/// Magnitude of a parameter's value, range ends and event `set` values (10^12).
pub const MAX_PARAMETER: Limit =
    Limit { max: 1e12, name: "MAX_PARAMETER", applies_to: "parameter values, ranges and event `set` values" };

/// Every limit, for the documentation test.
pub const LIMITS: &[Limit] = &[MAX_PEOPLE, MAX_MONEY, MAX_MONEY_PER_HEAD, MAX_WEIGHT, MAX_MULTIPLIER, MAX_PARAMETER];

/// "a" or "an" before a noun.
fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// A bound as written in messages: `1e10` rather than `10000000000`.
fn show(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}

struct ParamWorld<'a>(&'a [f64]);
impl World for ParamWorld<'_> {
    fn query(&self, _: &Query) -> f64 {
        0.0
    }
    fn param(&self, i: usize) -> f64 {
        self.0[i]
    }
    fn tick(&self) -> f64 {
        0.0
    }
    fn today(&self) -> f64 {
        0.0
    }
}

struct Builder<'a> {
    sources: &'a Sources,
    d: Diagnostics,
    identities: Vec<String>,
    regions: Vec<String>,
    actors: Vec<String>,
    forces: Vec<String>,
    params: Vec<String>,
    param_values: Vec<f64>,
    /// Which ids something in the scenario refers to (by kind), so that an
    /// entry an overlay adds and nothing uses can be refused.
    used: Used,
}

/// Ids referred to, by kind: `[kind][index]`.
#[derive(Default)]
struct Used {
    actors: Vec<bool>,
    regions: Vec<bool>,
    forces: Vec<bool>,
    identities: Vec<bool>,
    params: Vec<bool>,
}

impl Used {
    fn mark(&mut self, kind: NameKind, i: usize) {
        let v = match kind {
            NameKind::Actor => &mut self.actors,
            NameKind::Region => &mut self.regions,
            NameKind::Force => &mut self.forces,
            NameKind::Identity => &mut self.identities,
            NameKind::Parameter => &mut self.params,
        };
        if let Some(x) = v.get_mut(i) {
            *x = true;
        }
    }
}

fn ids<T>(m: &Map<T>) -> Vec<String> {
    m.0.iter().map(|(k, _)| k.name.clone()).collect()
}

impl Builder<'_> {
    fn names(&self) -> Names<'_> {
        Names {
            actors: &self.actors,
            regions: &self.regions,
            forces: &self.forces,
            identities: &self.identities,
            params: &self.params,
        }
    }
    fn origin(&self, loc: &Loc) -> Origin {
        let text = self.sources.text(loc.file);
        let raw = text.get(loc.span.clone()).unwrap_or("");
        Origin::of_string(loc, raw)
    }
    fn expr(&mut self, src: &str, loc: &Loc, want: Type, static_only: bool) -> Option<Expr> {
        let origin = self.origin(loc);
        match compile(src, want, &self.names(), &origin, static_only) {
            Ok(e) => {
                e.for_each_name(&mut |kind, i| self.used.mark(kind, i));
                Some(e)
            }
            Err(diag) => {
                self.d.push(diag);
                None
            }
        }
    }
    /// Evaluates a build-time quantity; checks `lo <= x <= hi`.
    fn qty(&mut self, q: &Quantity, what: &str, lo: f64, hi: f64) -> f64 {
        self.qty_checked(q, what, lo, hi, None)
    }
    /// Evaluates a build-time quantity; checks `0 <= x <= limit`.
    fn qty_limit(&mut self, q: &Quantity, what: &str, limit: Limit) -> f64 {
        self.qty_checked(q, what, 0.0, limit.max, Some(limit))
    }
    fn qty_checked(&mut self, q: &Quantity, what: &str, lo: f64, hi: f64, limit: Option<Limit>) -> f64 {
        let (x, loc) = match q {
            Quantity::Number(x, loc) => (*x, loc),
            Quantity::Expr(s, loc) => match self.expr(s, loc, Type::Num, true) {
                Some(e) => (e.eval(&ParamWorld(&self.param_values)), loc),
                None => return lo.max(0.0).min(hi),
            },
        };
        self.check_range(x, loc, what, lo, hi, limit);
        x
    }
    /// Reports `x` outside `[lo, hi]` (or not finite) at `loc`; true if it is inside.
    fn check_range(&mut self, x: f64, loc: &Loc, what: &str, lo: f64, hi: f64, limit: Option<Limit>) -> bool {
        if (lo..=hi).contains(&x) {
            return true;
        }
        let expected = match limit {
            Some(l) if lo == 0.0 => {
                format!("a value ≥ 0, at most {} ({}: the limit on {})", show(hi), l.name, l.applies_to)
            }
            Some(l) => format!("a value in [{}, {}] ({}: the limit on {})", show(lo), show(hi), l.name, l.applies_to),
            None => format!("a value in [{}, {}]", show(lo), show(hi)),
        };
        let mut diag = Diagnostic::at(loc, format!("{what} is {}, out of range", show(x))).expected(expected);
        if limit.is_some() && x > hi {
            diag = diag.hint("check the unit and the number of zeros");
        }
        self.d.push(diag);
        false
    }
    fn resolve(&mut self, id: &At<String>, kind: &str) -> Option<usize> {
        let list = match kind {
            "actor" => &self.actors,
            "region" => &self.regions,
            "force group" => &self.forces,
            "identity" => &self.identities,
            _ => &self.params,
        };
        match list.iter().position(|x| *x == id.value) {
            Some(i) => {
                let kind = match kind {
                    "actor" => NameKind::Actor,
                    "region" => NameKind::Region,
                    "force group" => NameKind::Force,
                    "identity" => NameKind::Identity,
                    _ => NameKind::Parameter,
                };
                self.used.mark(kind, i);
                Some(i)
            }
            None => {
                let cands: Vec<&str> = list.iter().map(String::as_str).collect();
                let hint = choice_hint(&id.value, &cands);
                self.d.push(
                    Diagnostic::at(&id.loc, format!("unknown {kind} `{}`", id.value))
                        .expected(format!("the id of a declared {kind}"))
                        .hint(hint),
                );
                None
            }
        }
    }
    /// Compiles a tactic's fraction, amount or share. A number written as
    /// such must lie in `[lo, hi]`; an expression is computed each time the
    /// tactic runs, and the engine clamps its value into the tactic's range
    /// (fractions to [0, 1], amounts and shares to ≥ 0).
    fn runtime_expr(&mut self, q: &At<Quantity>, what: &str, lo: f64, hi: f64, limit: Option<Limit>) -> Option<Expr> {
        match &q.value {
            Quantity::Number(x, loc) => self.check_range(*x, loc, what, lo, hi, limit).then_some(Expr::Const(*x)),
            Quantity::Expr(s, loc) => self.expr(s, loc, Type::Num, false),
        }
    }

    fn target(&mut self, to: &Option<At<String>>, default: Target) -> Option<Target> {
        match to {
            None => Some(default),
            Some(t) => match t.value.as_str() {
                "best_target" => Some(Target::BestTarget),
                "most_threatened" => Some(Target::MostThreatened),
                "allied_fronts" => Some(Target::AlliedFronts),
                "broad_front" => Some(Target::BroadFront),
                _ => {
                    if let Some(i) = self.regions.iter().position(|r| *r == t.value) {
                        Some(Target::Region(i))
                    } else {
                        let mut cands: Vec<&str> =
                            vec!["best_target", "most_threatened", "allied_fronts", "broad_front"];
                        cands.extend(self.regions.iter().map(String::as_str));
                        let hint = choice_hint(&t.value, &cands);
                        self.d.push(
                            Diagnostic::at(&t.loc, format!("unknown target `{}`", t.value))
                                .expected(
                                    "a region id, \"best_target\", \"broad_front\", \"most_threatened\" or \"allied_fronts\"",
                                )
                                .hint(hint),
                        );
                        None
                    }
                }
            },
        }
    }

    fn need<'b, T>(&mut self, field: &'b Option<T>, name: &str, t: &TacticSpec) -> Option<&'b T> {
        if field.is_none() {
            self.d.push(
                Diagnostic::at(&t.tactic.loc, format!("tactic `{}` needs `{name}`", t.tactic.value.name()))
                    .hint(format!("add `{name} = …` next to `tactic`")),
            );
        }
        field.as_ref()
    }

    fn tactic(&mut self, t: &TacticSpec, actor: usize, forces: &[Force]) -> Option<Tactic> {
        use TacticKind::*;
        let own_force = |b: &mut Self, f: &At<String>| -> Option<usize> {
            let i = b.resolve(f, "force group")?;
            if let Some(force) = forces.get(i)
                && force.actor != actor
            {
                b.d.push(
                    Diagnostic::at(&f.loc, format!("force group `{}` belongs to another actor", f.value))
                        .hint("an actor can only move, recruit, train or fly its own force groups"),
                );
                return None;
            }
            Some(i)
        };
        let name = t.tactic.value.name();
        let frac = |b: &mut Self, d: f64| -> Option<Expr> {
            match &t.fraction {
                Some(q) => b.runtime_expr(q, &format!("fraction of `{name}`"), 0.0, 1.0, None),
                None => Some(Expr::Const(d)),
            }
        };
        let amount = |b: &mut Self, d: f64, limit: Limit| -> Option<Expr> {
            match &t.amount {
                Some(q) => b.runtime_expr(q, &format!("amount of `{name}`"), 0.0, limit.max, Some(limit)),
                None => Some(Expr::Const(d)),
            }
        };
        match t.tactic.value {
            Deploy | Attack | Defend => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let default = match t.tactic.value {
                    Attack => Target::BestTarget,
                    Defend => Target::MostThreatened,
                    _ => {
                        self.need(&t.to, "to", t)?;
                        Target::BestTarget
                    }
                };
                let to = self.target(&t.to, default);
                let loc = || t.to.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                if to == Some(Target::AlliedFronts) {
                    self.d.push(
                        Diagnostic::at(&loc(), "\"allied_fronts\" is a target for air strikes only")
                            .expected("a region id, \"best_target\", \"broad_front\" or \"most_threatened\""),
                    );
                }
                if to == Some(Target::BroadFront) && t.tactic.value == Defend {
                    self.d.push(
                        Diagnostic::at(&loc(), "\"broad_front\" is a target for deploy and attack, not defend")
                            .expected("a region id or \"most_threatened\"")
                            .hint("to hold ground everywhere, give each key region its own defend rule"),
                    );
                }
                let (from_all, from_region) = match &t.from {
                    None => (false, None),
                    Some(f) if f.value == "adjacent" => (false, None),
                    Some(f) if f.value == "all" => (true, None),
                    Some(f) => match self.regions.iter().position(|r| *r == f.value) {
                        Some(r) => (false, Some(r)),
                        None => {
                            let mut cands: Vec<&str> = vec!["adjacent", "all"];
                            cands.extend(self.regions.iter().map(String::as_str));
                            let hint = choice_hint(&f.value, &cands);
                            self.d.push(
                                Diagnostic::at(&f.loc, format!("unknown `from` value `{}`", f.value))
                                    .expected("\"adjacent\", \"all\" or a region id")
                                    .hint(hint),
                            );
                            (false, None)
                        }
                    },
                };
                if from_region.is_some() && to == Some(Target::BroadFront) {
                    let loc = t.from.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                    self.d.push(
                        Diagnostic::at(&loc, "`broad_front` moves every detachment from where it stands")
                            .hint("drop `from`, or name a target region in `to`"),
                    );
                }
                let fraction = frac(self, 0.5)?;
                Some(Tactic::Move { kind: t.tactic.value, force: force?, to: to?, fraction, from_all, from_region })
            }
            AllocateWeapons | AllocateMoney => {
                let shares_spec = self.need(&t.shares, "shares", t)?;
                let mut shares = Vec::new();
                let mut ok = true;
                for (k, q) in shares_spec.iter() {
                    let id = At { value: k.name.clone(), loc: k.loc.clone() };
                    let f = self.resolve(&id, "force group");
                    let e =
                        self.runtime_expr(q, &format!("share of `{}`", k.name), 0.0, MAX_WEIGHT.max, Some(MAX_WEIGHT));
                    match (f, e) {
                        (Some(f), Some(e)) => shares.push((f, e)),
                        _ => ok = false,
                    }
                }
                ok.then_some(Tactic::Allocate { weapons: t.tactic.value == AllocateWeapons, shares })
            }
            Fund => {
                let a = self.need(&t.actor, "actor", t)?;
                let to = self.resolve(a, "actor");
                self.need(&t.amount, "amount", t)?;
                let amount = amount(self, 0.0, MAX_MONEY)?;
                Some(Tactic::Fund { to: to?, amount })
            }
            Recruit | Train => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let amount = amount(self, if t.tactic.value == Recruit { 2.0 } else { 1.0 }, MAX_MULTIPLIER)?;
                Some(if t.tactic.value == Recruit {
                    Tactic::Recruit { force: force?, amount }
                } else {
                    Tactic::Train { force: force?, amount }
                })
            }
            March => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let from = self.need(&t.from, "from", t)?;
                let from = self.resolve(from, "region");
                let to = self.need(&t.to, "to", t)?;
                let to = self.resolve(to, "region");
                let fraction = frac(self, 0.5)?;
                Some(Tactic::March { force: force?, from: from?, to: to?, fraction })
            }
            Transfer => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let i = self.need(&t.into, "into", t)?;
                let into = own_force(self, i);
                for (id, g) in [(f, force), (i, into)] {
                    if let Some(g) = g
                        && forces.get(g).is_some_and(|x| x.kind == ForceKind::Air)
                    {
                        self.d.push(
                            Diagnostic::at(
                                &id.loc,
                                format!("`{}` is an air group; transfers are between ground groups", id.value),
                            )
                            .expected("a force group whose kind is not \"air\""),
                        );
                    }
                }
                if force.is_some() && force == into {
                    self.d.push(
                        Diagnostic::at(&i.loc, "a group cannot transfer fighters into itself")
                            .hint("name another force group of the same actor in `into`"),
                    );
                    return None;
                }
                let fraction = frac(self, 0.1)?;
                Some(Tactic::Transfer { force: force?, into: into?, fraction })
            }
            AirStrike => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                if let Some(i) = force
                    && forces.get(i).is_some_and(|x| x.kind != ForceKind::Air)
                {
                    self.d.push(
                        Diagnostic::at(&f.loc, format!("`{}` is not an air force group", f.value))
                            .expected("a force group with kind = \"air\""),
                    );
                }
                let to = self.target(&t.to, Target::AlliedFronts);
                if to == Some(Target::BroadFront) {
                    let loc = t.to.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                    self.d.push(
                        Diagnostic::at(&loc, "\"broad_front\" is a target for ground moves, not air strikes")
                            .expected("a region id, \"allied_fronts\", \"best_target\" or \"most_threatened\""),
                    );
                }
                let fraction = frac(self, 1.0)?;
                Some(Tactic::AirStrike { force: force?, to: to?, fraction })
            }
            Include | Exclude => {
                let i = self.need(&t.identity, "identity", t)?;
                let identity = self.resolve(i, "identity")?;
                Some(Tactic::Inclusion { identity, include: t.tactic.value == Include })
            }
        }
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
    let used = Used {
        actors: vec![false; spec.actors.len()],
        regions: vec![false; spec.regions.len()],
        forces: vec![false; spec.forces.len()],
        identities: vec![false; spec.identities.len()],
        params: vec![false; spec.parameters.len()],
    };
    let mut b = Builder {
        sources,
        d: Diagnostics::default(),
        identities: ids(&spec.identities),
        regions: ids(&spec.regions),
        actors: ids(&spec.actors),
        forces: ids(&spec.forces),
        params: ids(&spec.parameters),
        param_values: spec.parameters.0.iter().map(|(_, p)| p.value.value).collect(),
        used,
    };
    let (ni, nr, na) = (b.identities.len(), b.regions.len(), b.actors.len());
    let meta = &spec.scenario;

    // Clock.
    let tick_days = meta.tick_days.as_ref().map(|t| t.value).unwrap_or(7);
    if tick_days == 0 || tick_days > 366 {
        let loc = meta.tick_days.as_ref().map(|t| t.loc.clone()).unwrap_or_default();
        b.d.push(Diagnostic::at(&loc, "tick_days must be between 1 and 366").expected("e.g. 7 for weekly ticks"));
    }
    let tick_days = tick_days.clamp(1, 366) as u32;
    let start = meta.start.value.0;
    // Ticks are checked before narrowing to u32, so that 2^32 + 1 is not read as 1.
    let ticks: u64 = match (&meta.ticks, &meta.end) {
        (Some(t), None) => t.value,
        (None, Some(e)) => {
            if e.value.0 < start {
                b.d.push(Diagnostic::at(&e.loc, "`end` is before `start`").expected("a date after the start date"));
                0
            } else {
                u64::from((e.value.0 - start) as u32 / tick_days)
            }
        }
        (Some(t), Some(_)) => {
            b.d.push(Diagnostic::at(&t.loc, "give either `ticks` or `end`, not both").hint("remove one of them"));
            t.value
        }
        (None, None) => {
            b.d.push(
                Diagnostic::at(&meta.loc, "the scenario has no length")
                    .hint("add `ticks = 52` or `end = 2015-06-01` to [scenario]"),
            );
            0
        }
    };
    if ticks > 100_000 {
        let loc = meta.ticks.as_ref().map(|t| t.loc.clone()).or_else(|| meta.end.as_ref().map(|e| e.loc.clone()));
        b.d.push(
            Diagnostic::at(&loc.unwrap_or_default(), format!("{ticks} ticks is too many"))
                .expected("at most 100000 ticks"),
        );
    }
    let ticks = ticks.min(100_000) as u32;
    if start.checked_add_days(i64::from(ticks) * i64::from(tick_days)).is_none() {
        let loc = meta.ticks.as_ref().map_or_else(|| meta.start.loc.clone(), |t| t.loc.clone());
        let most = (Day::MAX - start) / tick_days as i32; // tick_days is 1..=366 here
        let (last, most) = (Day::MAX, format!("at most {most} ticks of {tick_days} days from {start}"));
        b.d.push(Diagnostic::at(&loc, format!("the scenario runs past {last}, the last date")).expected(most));
    }
    if nr == 0 {
        b.d.push(
            Diagnostic::at(&spec.loc, "the scenario has no regions").hint("add at least one [regions.<id>] table"),
        );
    }
    if na == 0 {
        b.d.push(Diagnostic::at(&spec.loc, "the scenario has no actors").hint("add at least one [actors.<id>] table"));
    }

    // Parameters.
    let mut parameters = Vec::new();
    for (k, p) in spec.parameters.iter() {
        let lim = MAX_PARAMETER;
        let mut in_bounds = true;
        for (field, x) in [("value", Some(&p.value)), ("min", p.min.as_ref()), ("max", p.max.as_ref())] {
            if let Some(x) = x {
                let what = format!("`{field}` of parameter `{}`", k.name);
                in_bounds &= b.check_range(x.value, &x.loc, &what, -lim.max, lim.max, Some(lim));
            }
        }
        // An absent end of the range is the value itself.
        let min = p.min.as_ref().map(|m| m.value).unwrap_or(p.value.value);
        let max = p.max.as_ref().map(|m| m.value).unwrap_or(p.value.value);
        let both_declared = p.min.as_ref().zip(p.max.as_ref());
        if !in_bounds {
            // Reported above; comparing numbers past the limit adds nothing.
        } else if let Some((lo, _)) = both_declared
            && min > max
        {
            b.d.push(
                Diagnostic::at(&lo.loc, format!("parameter `{}`: min {min} is above max {max}", k.name))
                    .hint("swap min and max"),
            );
        } else if !(min..=max).contains(&p.value.value) {
            // Only a declared end can be passed: an absent one is the value.
            let (side, end) = if p.value.value > max { ("above `max`", max) } else { ("below `min`", min) };
            b.d.push(
                Diagnostic::at(
                    &p.value.loc,
                    format!("parameter `{}`: value {} is {side} {end}", k.name, p.value.value),
                )
                .expected("min ≤ value ≤ max")
                .hint("[min, max] is the parameter's range: widen it, or change the value"),
            );
        }
        let dist = p.distribution.unwrap_or(if min == max { Distribution::Fixed } else { Distribution::Uniform });
        if dist == Distribution::LogUniform && min <= 0.0 {
            b.d.push(
                Diagnostic::at(&p.loc, format!("parameter `{}`: a loguniform range must be positive", k.name))
                    .expected("min > 0"),
            );
        }
        parameters.push(Parameter {
            id: k.name.clone(),
            value: p.value.value,
            min,
            max,
            distribution: dist,
            source: p.source.clone().unwrap_or_default(),
            assumption: p.assumption.unwrap_or(p.source.is_none()),
        });
    }

    // Mechanisms and constants.
    let mut mechanisms = Mechanisms::default();
    for (k, v) in spec.mechanisms.iter() {
        match MechanismName::parse(&k.name) {
            Some(m) => mechanisms.set(m, v.value),
            None => b.d.push(
                Diagnostic::at(&k.loc, format!("unknown mechanism `{}`", k.name))
                    .expected(format!("one of: {}", MechanismName::NAMES.join(", ")))
                    .hint(choice_hint(&k.name, MechanismName::NAMES)),
            ),
        }
    }
    let mut constants = Constants::default();
    let catalogue = Constants::catalogue();
    for (g, table) in spec.constants.iter() {
        let groups: BTreeSet<&str> = catalogue.iter().map(|c| c.group).collect();
        if !groups.contains(g.name.as_str()) {
            let cands: Vec<&str> = groups.into_iter().collect();
            b.d.push(
                Diagnostic::at(&g.loc, format!("unknown constants group `{}`", g.name))
                    .expected(format!("one of: {}", cands.join(", ")))
                    .hint(choice_hint(&g.name, &cands)),
            );
            continue;
        }
        for (k, v) in table.iter() {
            match catalogue.iter().find(|c| c.group == g.name && c.name == k.name) {
                None => {
                    let cands: Vec<&str> = catalogue.iter().filter(|c| c.group == g.name).map(|c| c.name).collect();
                    b.d.push(
                        Diagnostic::at(&k.loc, format!("unknown constant `{}.{}`", g.name, k.name))
                            .expected(format!("one of: {}", cands.join(", ")))
                            .hint(choice_hint(&k.name, &cands)),
                    );
                }
                Some(c) if !(c.min..=c.max).contains(&v.value) => {
                    b.d.push(
                        Diagnostic::at(
                            &v.loc,
                            format!("constant `{}.{}` = {} is out of range", g.name, k.name, v.value),
                        )
                        .expected(format!("a value in [{}, {}]", c.min, c.max)),
                    );
                }
                Some(_) => {
                    constants.set(&g.name, &k.name, v.value);
                }
            }
        }
    }

    let identities: Vec<Identity> = spec
        .identities
        .iter()
        .map(|(k, s)| Identity { id: k.name.clone(), name: s.name.clone().unwrap_or_else(|| k.name.clone()) })
        .collect();

    // Regions.
    let mut regions = Vec::new();
    let mut declared_pairs: Vec<(usize, usize)> = Vec::new();
    for (ri, (k, r)) in spec.regions.iter().enumerate() {
        let value = r.value.as_ref().map(|q| b.qty_limit(q, "region value", MAX_WEIGHT)).unwrap_or(1.0);
        let income = r.income.as_ref().map(|q| b.qty_limit(q, "region income", MAX_MONEY)).unwrap_or(0.0);
        let control = r.control.as_ref().and_then(|c| b.resolve(c, "actor"));
        let mut population = vec![0.0; ni];
        for (ik, q) in r.population.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            if let Some(i) = b.resolve(&id, "identity") {
                population[i] = b.qty_limit(q, &format!("population of `{}` in `{}`", ik.name, k.name), MAX_PEOPLE);
            }
        }
        if !r.composition.is_empty() {
            match &r.total_population {
                None => b.d.push(
                    Diagnostic::at(&r.loc, format!("region `{}` has a composition but no total_population", k.name))
                        .hint("add `total_population = …`, or give `population` by identity instead"),
                ),
                Some(total) => {
                    if !r.population.is_empty() {
                        b.d.push(
                            Diagnostic::at(
                                &total.loc,
                                format!("region `{}` gives both population and total_population", k.name),
                            )
                            .hint("keep one of them"),
                        );
                    }
                    let t = b.qty_limit(&total.value, "total_population", MAX_PEOPLE);
                    let mut sum = 0.0;
                    let mut first_loc = None;
                    for (ik, q) in r.composition.iter() {
                        first_loc.get_or_insert(ik.loc.clone());
                        let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
                        let share = b.qty(q, &format!("share of `{}` in `{}`", ik.name, k.name), 0.0, 1.0);
                        sum += share;
                        if let Some(i) = b.resolve(&id, "identity") {
                            population[i] = t * share;
                        }
                    }
                    if (sum - 1.0).abs() > 1e-3 {
                        b.d.push(
                            Diagnostic::at(&first_loc.unwrap_or_default(), format!("composition shares of `{}` sum to {sum}", k.name))
                                .expected("shares that sum to 1")
                                .hint("adjust the shares (an unsourced split is an assumption: declare it as a parameter with a range)"),
                        );
                    }
                }
            }
        }
        let mut grievance = vec![0.2; ni];
        for (ik, q) in r.grievance.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            if let Some(i) = b.resolve(&id, "identity") {
                grievance[i] = b.qty(q, &format!("grievance of `{}` in `{}`", ik.name, k.name), 0.0, 1.0);
            }
        }
        let mut support = vec![vec![0.0; na]; ni];
        for (ik, by_actor) in r.support.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            let i = b.resolve(&id, "identity");
            for (ak, q) in by_actor.iter() {
                let aid = At { value: ak.name.clone(), loc: ak.loc.clone() };
                let a = b.resolve(&aid, "actor");
                let x = b.qty(q, &format!("support of `{}` for `{}` in `{}`", ik.name, ak.name, k.name), -1.0, 1.0);
                if let (Some(i), Some(a)) = (i, a) {
                    support[i][a] = x;
                }
            }
        }
        if let Some(ns) = &r.neighbours {
            for n in &ns.value {
                if let Some(j) = b.resolve(n, "region") {
                    if j == ri {
                        b.d.push(
                            Diagnostic::at(&n.loc, format!("region `{}` lists itself as a neighbour", k.name))
                                .hint("remove it"),
                        );
                    } else {
                        declared_pairs.push((ri.min(j), ri.max(j)));
                    }
                }
            }
        }
        let mut position = None;
        if let Some(p) = &r.position {
            if p.value.len() != 2 || !(-180.0..=180.0).contains(&p.value[0]) || !(-90.0..=90.0).contains(&p.value[1]) {
                b.d.push(
                    Diagnostic::at(&p.loc, "position must be [longitude, latitude]")
                        .expected("two numbers, longitude in [-180, 180] and latitude in [-90, 90]"),
                );
            } else {
                position = Some((p.value[0], p.value[1]));
            }
        }
        if position.is_none() {
            position = map.as_ref().and_then(|m| m.get(&k.name)).map(|g| g.centroid);
        }
        if position.is_none() && r.position.is_none() {
            b.d.push(Diagnostic::at(&k.loc, format!("region `{}` has no position", k.name)).hint(if map.is_some() {
                "its id is not in the map: fix the id or add `position = [lon, lat]`"
            } else {
                "add `position = [lon, lat]` or a `map` in [scenario]"
            }));
        }
        regions.push(Region {
            id: k.name.clone(),
            name: r.name.clone().unwrap_or_else(|| k.name.clone()),
            parent: r.parent.clone(),
            terrain: r.terrain.unwrap_or(Terrain::Rural),
            value,
            neighbours: Vec::new(),
            position: position.unwrap_or((0.0, 0.0)),
            income,
            control,
            population,
            grievance,
            support,
            source: r.source.clone(),
        });
    }
    // Neighbours: declared ones, else (for regions with none declared) the map's.
    let mut pairs: BTreeSet<(usize, usize)> = declared_pairs.into_iter().collect();
    if let Some(m) = &map {
        for (a, bb) in &m.neighbours {
            if let (Some(i), Some(j)) = (b.regions.iter().position(|x| x == a), b.regions.iter().position(|x| x == bb))
            {
                let declared_i = spec.regions.0[i].1.neighbours.is_some();
                let declared_j = spec.regions.0[j].1.neighbours.is_some();
                if !declared_i && !declared_j {
                    pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    for (i, j) in pairs {
        regions[i].neighbours.push(j);
        regions[j].neighbours.push(i);
    }
    for r in &mut regions {
        r.neighbours.sort_unstable();
        r.neighbours.dedup();
    }

    // Actors (rules later, once forces are known).
    let mut actors = Vec::new();
    for (ai, (k, a)) in spec.actors.iter().enumerate() {
        let key_regions = a.key_regions.iter().filter_map(|r| b.resolve(r, "region")).collect();
        let mut hostile = vec![false; na];
        let mut allied = vec![false; na];
        allied[ai] = true;
        for h in &a.hostile {
            if let Some(j) = b.resolve(h, "actor") {
                hostile[j] = true;
            }
        }
        for h in &a.allies {
            if let Some(j) = b.resolve(h, "actor") {
                allied[j] = true;
            }
        }
        let mut excludes = vec![false; ni];
        for e in &a.excludes {
            if let Some(i) = b.resolve(e, "identity") {
                excludes[i] = true;
            }
        }
        let mut goals = vec![0.0; nr];
        for (rk, q) in a.goals.iter() {
            let id = At { value: rk.name.clone(), loc: rk.loc.clone() };
            if let Some(r) = b.resolve(&id, "region") {
                goals[r] = b.qty_limit(q, "goal weight", MAX_WEIGHT);
            }
        }
        let qa = |b: &mut Builder, q: &Option<Quantity>, what: &str, limit: Limit| {
            q.as_ref().map(|q| b.qty_limit(q, what, limit)).unwrap_or(0.0)
        };
        actors.push(Actor {
            id: k.name.clone(),
            name: a.name.clone().unwrap_or_else(|| k.name.clone()),
            income: qa(&mut b, &a.income, "income", MAX_MONEY),
            tax: qa(&mut b, &a.tax, "tax", MAX_MONEY_PER_HEAD),
            weapons_income: qa(&mut b, &a.weapons_income, "weapons_income", MAX_PEOPLE),
            money: qa(&mut b, &a.money, "money", MAX_MONEY),
            weapons: qa(&mut b, &a.weapons, "weapons", MAX_PEOPLE),
            key_regions,
            hostile,
            allied,
            excludes,
            goals,
            rules: Vec::new(),
        });
    }
    // Hostility and alliance are symmetric.
    for i in 0..na {
        for j in 0..na {
            if actors[i].hostile[j] {
                actors[j].hostile[i] = true;
            }
            if actors[i].allied[j] {
                actors[j].allied[i] = true;
            }
        }
    }
    for (i, (k, _)) in spec.actors.iter().enumerate() {
        if actors[i].hostile[i] {
            b.d.push(
                Diagnostic::at(&k.loc, format!("actor `{}` is hostile to itself", k.name))
                    .hint("remove it from its own `hostile` list"),
            );
        }
        for j in 0..na {
            if i < j && actors[i].hostile[j] && actors[i].allied[j] {
                b.d.push(
                    Diagnostic::at(
                        &k.loc,
                        format!("actors `{}` and `{}` are both hostile and allied", k.name, actors[j].id),
                    )
                    .hint("list the pair in `hostile` or in `allies`, not both"),
                );
            }
        }
    }

    // Forces.
    let mut forces = Vec::new();
    for (k, f) in spec.forces.iter() {
        let actor = b.resolve(&f.actor, "actor");
        let identity = f.identity.as_ref().and_then(|i| b.resolve(i, "identity"));
        let mut personnel = vec![0.0; nr];
        for (rk, q) in f.personnel.iter() {
            let id = At { value: rk.name.clone(), loc: rk.loc.clone() };
            if let Some(r) = b.resolve(&id, "region") {
                personnel[r] = b.qty_limit(q, &format!("personnel of `{}` in `{}`", k.name, rk.name), MAX_PEOPLE);
            }
        }
        let total: f64 = personnel.iter().sum();
        let q01 = |b: &mut Builder, q: &Option<Quantity>, what: &str, d: f64| {
            q.as_ref().map(|q| b.qty(q, what, 0.0, 1.0)).unwrap_or(d)
        };
        let equipment = f.equipment.as_ref().map(|q| b.qty_limit(q, "equipment", MAX_PEOPLE)).unwrap_or(total);
        let quality = q01(&mut b, &f.quality, &format!("quality of `{}`", k.name), 0.5);
        let morale = q01(&mut b, &f.morale, &format!("morale of `{}`", k.name), 0.5);
        let panic_morale =
            f.panic_morale.as_ref().map(|q| b.qty(q, &format!("panic_morale of `{}`", k.name), 0.0, 1.0));
        let recruit_rate = q01(&mut b, &f.recruit_rate, &format!("recruit_rate of `{}`", k.name), 0.0);
        let upkeep = f.upkeep.as_ref().map(|q| b.qty_limit(q, "upkeep", MAX_MONEY_PER_HEAD)).unwrap_or(0.0);
        if recruit_rate > 0.0 && f.kind == ForceKind::Air {
            b.d.push(
                Diagnostic::at(&k.loc, format!("air group `{}` cannot recruit", k.name))
                    .hint("remove recruit_rate: air groups' personnel are sorties per week"),
            );
        } else if recruit_rate > 0.0 && identity.is_none() {
            b.d.push(
                Diagnostic::at(
                    &k.loc,
                    format!("force group `{}` recruits but has no identity to recruit from", k.name),
                )
                .hint("add `identity = \"…\"` or set recruit_rate = 0"),
            );
        }
        forces.push(Force {
            id: k.name.clone(),
            actor: actor.unwrap_or(0),
            kind: f.kind,
            identity,
            personnel,
            equipment,
            quality,
            morale,
            panic_morale,
            upkeep,
            recruit_rate,
            active: f.active.unwrap_or(true),
        });
    }

    // Rules.
    for (ai, (_, a)) in spec.actors.iter().enumerate() {
        let mut rules = Vec::new();
        for (rk, r) in a.rules.iter() {
            let when = match &r.when {
                Some(w) => b.expr(&w.value, &w.loc, Type::Bool, false),
                None => Some(Expr::Const(1.0)),
            };
            let then = b.tactic(&r.then, ai, &forces);
            if let (Some(when), Some(then)) = (when, then) {
                rules.push(Rule {
                    name: rk.name.clone(),
                    priority: r.priority.map(|p| p.0).unwrap_or(0),
                    when,
                    then,
                    mechanism: r.mechanism.as_ref().map(|m| m.value),
                });
            }
        }
        rules.sort_by(|x, y| y.priority.cmp(&x.priority).then(x.name.cmp(&y.name)));
        if let Some(actor) = actors.get_mut(ai) {
            actor.rules = rules;
        }
    }

    // Events.
    let mut events = Vec::new();
    for (k, e) in spec.events.iter() {
        let enable = e.enable.iter().filter_map(|f| b.resolve(f, "force group")).collect();
        let disable = e.disable.iter().filter_map(|f| b.resolve(f, "force group")).collect();
        let mut set = Vec::new();
        for (pk, v) in e.set.iter() {
            let id = At { value: pk.name.clone(), loc: pk.loc.clone() };
            if let Some(p) = b.resolve(&id, "parameter") {
                let what = format!("`set` of parameter `{}` by event `{}`", pk.name, k.name);
                let lim = MAX_PARAMETER;
                if !b.check_range(v.value, &v.loc, &what, -lim.max, lim.max, Some(lim)) {
                    continue;
                }
                // The declared range binds an event as it binds `--set`: only
                // a declared end limits (an absent one follows the value).
                let declared = &spec.parameters.0[p].1;
                let lo = declared.min.as_ref().map(|m| m.value).unwrap_or(f64::NEG_INFINITY);
                let hi = declared.max.as_ref().map(|m| m.value).unwrap_or(f64::INFINITY);
                if !(lo..=hi).contains(&v.value) {
                    b.d.push(
                        Diagnostic::at(&v.loc, format!("{what} is {}, outside the parameter's range", v.value))
                            .expected(format!(
                                "a value in [{}, {}], the range declared for `{}`",
                                show(lo),
                                show(hi),
                                pk.name
                            ))
                            .hint(format!(
                                "if the value is intended, widen the range: `[parameters.{}] min = … / max = …`",
                                pk.name
                            )),
                    );
                    continue;
                }
                set.push((p, v.value));
            }
        }
        let then = if e.then.is_empty() {
            None
        } else {
            match &e.actor {
                None => {
                    b.d.push(
                        Diagnostic::at(&k.loc, format!("event `{}` has tactics but no `actor`", k.name))
                            .hint("add `actor = \"…\"`: the actor on whose behalf the tactics act"),
                    );
                    None
                }
                Some(a) => b.resolve(a, "actor").map(|ai| {
                    let ts: Vec<Tactic> = e.then.iter().filter_map(|t| b.tactic(t, ai, &forces)).collect();
                    (ai, ts)
                }),
            }
        };
        events.push(Event { id: k.name.clone(), day: e.date.value.0, enable, disable, set, then });
    }
    events.sort_by(|x, y| x.day.cmp(&y.day).then(x.id.cmp(&y.id)));

    let mut watches = Vec::new();
    for (k, w) in meta.watch.iter() {
        if let Some(e) = b.expr(&w.value, &w.loc, Type::Bool, false) {
            watches.push(Watch { name: k.name.clone(), text: w.value.clone(), when: e });
        }
    }

    if let Some(first) = first_overlay_file {
        refuse_unused_overlay_ids(&mut b, spec, &regions, first);
    }

    if !b.d.is_empty() {
        return Err(b.d);
    }

    let (distance_km, next_hop, hops) = geometry(&regions);
    let scale = constants.perception.distance_scale_km;
    let threat_weight = distance_km.iter().map(|d| (-d / scale).exp()).collect();
    Ok(Model {
        name: meta.name.clone(),
        start,
        tick_days,
        ticks,
        seed: meta.seed.unwrap_or(0),
        identities,
        regions,
        actors,
        forces,
        events,
        parameters,
        constants,
        mechanisms,
        watches,
        distance_km,
        next_hop,
        hops,
        threat_weight,
        map,
    })
}

/// Refuses what only an overlay (variant or `--set`) adds and what has no
/// effect: such an entry is almost always a mistyped id (`--set
/// parameters.distrsut.value=0.9` would otherwise run the baseline and look
/// like a result). An overlay may still add entries that something uses
/// (a parameter a rule reads, an actor that owns a force group or has rules,
/// a region on the map graph, an event that does something).
fn refuse_unused_overlay_ids(b: &mut Builder, spec: &ScenarioSpec, regions: &[Region], first: FileId) {
    fn check<T>(
        d: &mut Diagnostics,
        map: &Map<T>,
        kind: &str,
        first: FileId,
        has_effect: impl Fn(usize, &T) -> bool,
        why: &str,
    ) {
        let base: Vec<&str> = map.0.iter().filter(|(k, _)| k.loc.file < first).map(|(k, _)| k.name.as_str()).collect();
        for (i, (k, v)) in map.0.iter().enumerate() {
            if k.loc.file >= first && !has_effect(i, v) {
                d.push(
                    Diagnostic::at(
                        &k.loc,
                        format!("the scenario has no {kind} `{}`: this overlay adds one, and {why}", k.name),
                    )
                    .expected(format!("the id of {} {kind} the scenario declares", article(kind)))
                    .hint(choice_hint(&k.name, &base)),
                );
            }
        }
    }
    let used = std::mem::take(&mut b.used);
    let d = &mut b.d;
    check(d, &spec.parameters, "parameter", first, |i, _| used.params[i], "nothing uses it");
    check(
        d,
        &spec.actors,
        "actor",
        first,
        |i, a| used.actors[i] || !a.rules.is_empty(),
        "it has no rules and nothing refers to it",
    );
    check(d, &spec.identities, "identity", first, |i, _| used.identities[i], "nothing refers to it");
    check(
        d,
        &spec.regions,
        "region",
        first,
        |i, _| used.regions[i] || regions.get(i).is_some_and(|r| !r.neighbours.is_empty()),
        "it has no neighbours and nothing refers to it",
    );
    check(
        d,
        &spec.events,
        "event",
        first,
        |_, e| !(e.enable.is_empty() && e.disable.is_empty() && e.set.is_empty() && e.then.is_empty()),
        "it does nothing (no enable, disable, set or then)",
    );
}

/// Distances, next hops and hop counts between all pairs of regions (BFS from
/// each region; ties broken by the lower region index, so paths are deterministic).
fn geometry(regions: &[Region]) -> (Vec<f64>, Vec<usize>, Vec<u32>) {
    let n = regions.len();
    let mut dist = vec![0.0; n * n];
    for a in 0..n {
        for c in 0..n {
            dist[a * n + c] = haversine_km(regions[a].position, regions[c].position);
        }
    }
    let mut next = vec![usize::MAX; n * n];
    let mut hops = vec![u32::MAX; n * n];
    let mut queue = std::collections::VecDeque::new();
    for target in 0..n {
        // BFS from the target; the next hop from a towards target is a's
        // neighbour that is one hop closer.
        hops[target * n + target] = 0;
        next[target * n + target] = target;
        queue.clear();
        queue.push_back(target);
        while let Some(u) = queue.pop_front() {
            for &v in &regions[u].neighbours {
                if hops[v * n + target] == u32::MAX {
                    hops[v * n + target] = hops[u * n + target] + 1;
                    next[v * n + target] = u;
                    queue.push_back(v);
                }
            }
        }
    }
    (dist, next, hops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_limit_is_documented_with_its_value() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/model.md")).unwrap();
        for l in LIMITS {
            let exponent = format!("{:e}", l.max);
            let power = exponent.trim_start_matches("1e");
            let superscript: String =
                power.chars().map(|c| "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().nth(c.to_digit(10).unwrap() as usize).unwrap()).collect();
            let row = format!("| `{}` |", l.name);
            let line = doc.lines().find(|x| x.starts_with(&row));
            assert!(
                line.is_some_and(|x| x.contains(&format!("10{superscript}"))),
                "docs/model.md has no row `{row} … 10{superscript}`"
            );
        }
    }

    #[test]
    fn bounds_are_shown_as_powers_of_ten() {
        assert_eq!(show(1e12), "1e12");
        assert_eq!(show(0.95), "0.95");
        assert_eq!(show(-250000.0), "-250000");
    }
}

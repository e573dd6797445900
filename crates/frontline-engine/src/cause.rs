//! Driver recording: why things happened in a run (issue #13).
//!
//! Owns the compact per-run record of the *changes that matter*, each with
//! its drivers and their numeric contributions:
//!
//! - **control**: a region changes hands (control phase, or the presence
//!   lapse of `irregular`): the winner's and the loser's side strengths,
//!   the dominance the rule asked for, the branch of the rule that applied
//!   (`overwhelmed`, `dominance`, `unopposed`, `lapse`, `influence`) and
//!   every ground force group present with its personnel;
//! - **rout**: a group breaks (combat phase): its morale, the loss and odds
//!   terms of the rout test, the threshold, whether it panicked, the morale
//!   it lost to contagion this tick and the region it fell back to;
//! - **rule**: a strategy rule starts firing, stops, or sends its orders to
//!   another region: the values of every question its `when` asks (in the
//!   expression's order, so that a reader holding the model can name them);
//! - **operation**: a planned operation is planned, launched, succeeds,
//!   culminates or is abandoned, or a position is given up: the ratio it
//!   saw, the actor's launch and culmination ratios and the objective's score;
//! - **recruitment**: a recruitment surge (a group recruits at least twice
//!   its running average): its terms (willing population, drive, arms);
//! - **grievance** and **support**: a group's grievance or support in a
//!   region has moved by 0.1 since it was last recorded: the terms that moved
//!   it (exclusion, insecurity, abuse, occupation, civilian harm, relaxation;
//!   for support the parts of its target);
//! - **detection** (mechanism `irregular`): the share of a group's hidden
//!   fighters in a region that the other side detected in a battle has moved
//!   by 0.1 since it was last recorded: the terms of the detection law
//!   (cooperation of the population with the seeker, the seeker's presence,
//!   the terrain's cover, the hidden fighters and how many were found);
//! - **displacement** (mechanism `displacement`): the people of an identity
//!   set to flee a region since it was last recorded reach 10 % of its
//!   population there: the flight rate's terms (insecurity, fear of the
//!   holder, abuse by militias, each weighted by its rate) and the region
//!   they fled to.
//!
//! Recording is off unless a run asks for it ([`crate::run::simulate_explained`]).
//! It draws no random numbers and writes nothing the phases read: a run
//! gives the same numbers with it on or off (tested). Displacement is
//! recorded flow by flow in the trajectory (`displacement`); the record here
//! is the shift that explains a change, not the ledger. This module must not change the state it observes.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::expr::{Expr, Query};

/// What kind of change a driver record explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A region changed hands.
    Control,
    /// A force group routed from a region.
    Rout,
    /// A strategy rule started or stopped firing, or changed its target.
    Rule,
    /// A planned operation changed stage.
    Operation,
    /// A recruitment surge.
    Recruitment,
    /// A grievance shift.
    Grievance,
    /// A support shift.
    Support,
    /// A detection shift (irregular warfare).
    Detection,
    /// A flight of civilians (displacement).
    Displacement,
}

impl Kind {
    /// The name written in tables and files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Control => "control",
            Kind::Rout => "rout",
            Kind::Rule => "rule",
            Kind::Operation => "operation",
            Kind::Recruitment => "recruitment",
            Kind::Grievance => "grievance",
            Kind::Support => "support",
            Kind::Detection => "detection",
            Kind::Displacement => "displacement",
        }
    }
}

/// One change that matters, with its drivers.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Tick at which it happened.
    pub tick: u32,
    /// Its kind.
    pub kind: Kind,
    /// How (the branch of the rule: `overwhelmed`, `panic`, `fired`, `operation_launched`, …).
    pub how: &'static str,
    /// Region concerned.
    pub region: Option<usize>,
    /// Actor concerned (the new controller, the routed group's owner, the rule's actor, …).
    pub actor: Option<usize>,
    /// Other actor (the former controller, the enemy, …).
    pub other: Option<usize>,
    /// Force group concerned.
    pub force: Option<usize>,
    /// Identity concerned (grievance, support).
    pub identity: Option<usize>,
    /// Index of the rule in its actor's rules (rule records).
    pub rule: Option<usize>,
    /// Region its orders go to (rules), or where a routed group fell back.
    pub target: Option<usize>,
    /// Named numeric contributions.
    pub terms: Vec<(&'static str, f64)>,
    /// Force groups with a number each (personnel present, for control).
    pub groups: Vec<(usize, f64)>,
    /// The values of the questions a rule's condition asks, in the order of
    /// [`queries`].
    pub values: Vec<f64>,
}

impl Driver {
    fn new(tick: u32, kind: Kind, how: &'static str) -> Driver {
        Driver {
            tick,
            kind,
            how,
            region: None,
            actor: None,
            other: None,
            force: None,
            identity: None,
            rule: None,
            target: None,
            terms: Vec::new(),
            groups: Vec::new(),
            values: Vec::new(),
        }
    }

    /// The value of a named term, if recorded.
    pub fn term(&self, name: &str) -> Option<f64> {
        self.terms.iter().find(|t| t.0 == name).map(|t| t.1)
    }
}

/// The questions an expression asks, in a fixed order (depth first, left to
/// right, each once): the order of a rule record's `values`.
pub fn queries(e: &Expr) -> Vec<&Query> {
    let mut out: Vec<&Query> = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Query(q) => {
                if !out.contains(&q) {
                    out.push(q);
                }
            }
            Expr::Const(_) | Expr::Param(_) | Expr::Tick | Expr::Today => {}
            Expr::Neg(a) | Expr::Not(a) | Expr::Abs(a) => stack.push(a),
            Expr::If(c, a, b) => stack.extend([&**b, &**a, &**c]),
            Expr::Arith(_, a, b)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Min(a, b)
            | Expr::Max(a, b) => stack.extend([&**b, &**a]),
        }
    }
    out
}

/// Grievance terms accumulated since the last record, per (region, identity).
const GRIEVANCE_TERMS: [&str; 6] = ["exclusion", "insecurity", "abuse", "occupation", "civilian_harm", "relaxation"];
/// How far grievance or support must move before it is recorded.
pub const SHIFT: f64 = 0.1;

/// The recorder's state (part of the run state, empty while off).
#[derive(Debug, Clone, Default)]
pub struct Causes {
    /// Whether this run records drivers.
    pub on: bool,
    /// This tick's records (moved to the trajectory by the record phase).
    pub drivers: Vec<Driver>,
    /// Per actor and rule: (fired last tick, region its orders went to).
    rules: Vec<Vec<(bool, Option<usize>)>>,
    /// Morale each group lost to contagion this tick.
    pub(crate) contagion: Vec<f64>,
    /// Running average of recruits per tick, per group.
    recruits: Vec<f64>,
    /// Grievance when last recorded, per (region, identity).
    grievance_mark: Vec<f64>,
    /// Grievance terms accumulated since then, per (region, identity).
    grievance_terms: Vec<[f64; 6]>,
    /// Support when last recorded, per (region, identity, actor).
    support_mark: Vec<f64>,
    /// Detected share when last recorded, per (force group, region).
    detection_mark: Vec<f64>,
    /// People set to flee since the last record, per (region, identity).
    fled: Vec<f64>,
}

impl Causes {
    /// A recorder for a run of `m`, on or off.
    pub fn new(m: &Model, s: &State, on: bool) -> Causes {
        if !on {
            return Causes::default();
        }
        Causes {
            on,
            drivers: Vec::new(),
            rules: m.actors.iter().map(|a| vec![(false, None); a.rules.len()]).collect(),
            contagion: vec![0.0; m.forces.len()],
            recruits: vec![-1.0; m.forces.len()],
            grievance_mark: s.grievance.clone(),
            grievance_terms: vec![[0.0; 6]; s.grievance.len()],
            support_mark: s.support.clone(),
            detection_mark: vec![0.0; m.forces.len() * m.regions.len()],
            fled: vec![0.0; s.grievance.len()],
        }
    }
}

/// Where a tick's orders stand before a rule adds to them.
#[derive(Debug, Clone, Copy)]
pub struct Marks {
    moves: usize,
    marches: usize,
    air: usize,
}

/// The current lengths of the order lists.
pub fn marks(s: &State) -> Marks {
    Marks { moves: s.orders.moves.len(), marches: s.orders.marches.len(), air: s.orders.air.len() }
}

/// Records rule k of actor a if it started or stopped firing or sent its
/// orders elsewhere; `before` are the order marks before it executed.
pub fn rule(m: &Model, s: &mut State, a: usize, k: usize, fired: bool, before: Marks) {
    let target = if fired {
        s.orders.moves[before.moves..]
            .first()
            .map(|o| o.to)
            .or_else(|| s.orders.marches[before.marches..].first().map(|x| x.2))
            .or_else(|| s.orders.air[before.air..].first().map(|x| x.1))
    } else {
        None
    };
    let last = s.cause.rules[a][k];
    if last == (fired, target) {
        return;
    }
    s.cause.rules[a][k] = (fired, target);
    let how = match (last.0, fired) {
        (false, true) => "fired",
        (true, false) => "stopped",
        _ => "retargeted",
    };
    let r = &m.actors[a].rules[k];
    let view = crate::state::View { model: m, state: s };
    let values = queries(&r.when).into_iter().map(|q| frontline_scenario::expr::World::query(&view, q)).collect();
    let mut d = Driver::new(s.tick, Kind::Rule, how);
    d.actor = Some(a);
    d.rule = Some(k);
    d.target = target.or(last.1);
    d.force = rule_force(&r.then);
    d.values = values;
    s.cause.drivers.push(d);
}

/// The force group a tactic moves, if it moves one.
fn rule_force(t: &frontline_scenario::model::Tactic) -> Option<usize> {
    use frontline_scenario::model::Tactic;
    match t {
        Tactic::Move { force, .. }
        | Tactic::March { force, .. }
        | Tactic::AirStrike { force, .. }
        | Tactic::Recruit { force, .. }
        | Tactic::Transfer { force, .. }
        | Tactic::Train { force, .. }
        | Tactic::Raise { force, .. }
        | Tactic::AirSurge { force, .. }
        | Tactic::Hide { force, .. } => Some(*force),
        _ => None,
    }
}

/// Records a control change of region r from `from` to `to`: `how` is the
/// branch of the control rule, `winner` and `loser` the two sides'
/// effective strengths it compared.
#[allow(clippy::too_many_arguments)]
pub fn control(
    m: &Model,
    s: &mut State,
    r: usize,
    to: Option<usize>,
    from: Option<usize>,
    how: &'static str,
    winner: f64,
    loser: f64,
) {
    let nr = m.regions.len();
    let mut d = Driver::new(s.tick, Kind::Control, how);
    d.region = Some(r);
    d.actor = to;
    d.other = from;
    d.terms = vec![("winner_strength", winner), ("loser_strength", loser)];
    if loser > 0.0 {
        d.terms.push(("ratio", winner / loser));
    }
    d.terms.push(("dominance", m.constants.control.dominance));
    d.groups = (0..m.forces.len())
        .filter(|&f| s.on_ground(m, f) && s.personnel[f * nr + r] > 0.0)
        .map(|f| (f, s.personnel[f * nr + r]))
        .collect();
    s.cause.drivers.push(d);
}

/// Records a lapse of control (`presence`): `lapse` weeks ungarrisoned,
/// the garrison left and the value that decided the new holder.
pub fn lapse(
    s: &mut State,
    r: usize,
    to: Option<usize>,
    from: usize,
    how: &'static str,
    terms: Vec<(&'static str, f64)>,
) {
    let mut d = Driver::new(s.tick, Kind::Control, how);
    d.region = Some(r);
    d.actor = to;
    d.other = Some(from);
    d.terms = terms;
    s.cause.drivers.push(d);
}

/// Records the rout of group f from region r.
#[allow(clippy::too_many_arguments)]
pub fn rout(
    m: &Model,
    s: &mut State,
    r: usize,
    f: usize,
    enemy: Option<usize>,
    panicked: bool,
    terms: [(&'static str, f64); 7],
    retreat: Option<usize>,
) {
    let mut d = Driver::new(s.tick, Kind::Rout, if panicked { "panic" } else { "odds" });
    d.region = Some(r);
    d.force = Some(f);
    d.actor = Some(m.forces[f].actor);
    d.other = enemy;
    d.target = retreat;
    d.terms = terms.to_vec();
    d.terms.push(("contagion", s.cause.contagion[f]));
    s.cause.drivers.push(d);
}

/// Records a recruitment surge of group f: `got` recruits this tick, with
/// the terms of its expectation.
pub fn recruits(s: &mut State, f: usize, a: usize, got: f64, terms: [(&'static str, f64); 4]) {
    let avg = s.cause.recruits[f];
    s.cause.recruits[f] = if avg < 0.0 { got } else { 0.8 * avg + 0.2 * got };
    if avg < 0.0 || got < 2.0 * avg || got < 10.0 {
        return;
    }
    let mut d = Driver::new(s.tick, Kind::Recruitment, "surge");
    d.force = Some(f);
    d.actor = Some(a);
    d.terms = vec![("recruits", got), ("usual", avg)];
    d.terms.extend_from_slice(&terms);
    s.cause.drivers.push(d);
}

/// Adds this tick's grievance terms for cell (r, i) (weighted as in the
/// attitudes phase) and records a shift once grievance has moved by
/// [`SHIFT`] since it was last recorded.
pub fn grievance(s: &mut State, r: usize, i: usize, ni: usize, holder: Option<usize>, push: [f64; 5], relax: f64) {
    let cell = r * ni + i;
    let acc = &mut s.cause.grievance_terms[cell];
    for (x, p) in acc.iter_mut().zip(push) {
        *x += p;
    }
    acc[5] -= relax;
    let g = s.grievance[cell];
    if (g - s.cause.grievance_mark[cell]).abs() < SHIFT {
        return;
    }
    let acc = std::mem::replace(&mut s.cause.grievance_terms[cell], [0.0; 6]);
    let mut d = Driver::new(s.tick, Kind::Grievance, if g > s.cause.grievance_mark[cell] { "rose" } else { "fell" });
    d.region = Some(r);
    d.identity = Some(i);
    d.actor = holder;
    d.terms = vec![("from", s.cause.grievance_mark[cell]), ("to", g)];
    d.terms.extend(GRIEVANCE_TERMS.iter().copied().zip(acc));
    s.cause.grievance_mark[cell] = g;
    s.cause.drivers.push(d);
}

/// Records a support shift of identity i for actor a in region r once it
/// has moved by [`SHIFT`]: the parts of the target it moves towards.
pub fn support(s: &mut State, r: usize, i: usize, a: usize, ni: usize, na: usize, target: [(&'static str, f64); 5]) {
    let cell = (r * ni + i) * na + a;
    let x = s.support[cell];
    let mark = s.cause.support_mark[cell];
    if (x - mark).abs() < SHIFT {
        return;
    }
    let mut d = Driver::new(s.tick, Kind::Support, if x > mark { "rose" } else { "fell" });
    d.region = Some(r);
    d.identity = Some(i);
    d.actor = Some(a);
    d.terms = vec![("from", mark), ("to", x)];
    d.terms.extend_from_slice(&target);
    s.cause.support_mark[cell] = x;
    s.cause.drivers.push(d);
}

/// Records a detection shift of group f's hidden fighters in region r, found
/// by actor `seeker`'s side: `share` is the detected share d of
/// `irregular::detection` (d = 1 − exp(−k·Δ·coop·presence/cover)), recorded
/// once it has moved by [`SHIFT`] since its last record, with the law's
/// terms (`hidden`, `cooperation`, `presence`, `cover`).
pub fn detection(
    s: &mut State,
    nr: usize,
    f: usize,
    r: usize,
    seeker: usize,
    share: f64,
    terms: [(&'static str, f64); 4],
) {
    let cell = f * nr + r;
    let mark = s.cause.detection_mark[cell];
    if (share - mark).abs() < SHIFT {
        return;
    }
    let mut d = Driver::new(s.tick, Kind::Detection, if share > mark { "rose" } else { "fell" });
    d.region = Some(r);
    d.force = Some(f);
    d.other = Some(seeker);
    d.terms = vec![("from", mark), ("share", share)];
    d.terms.extend_from_slice(&terms);
    d.terms.push(("detected", share * terms[0].1));
    s.cause.detection_mark[cell] = share;
    s.cause.drivers.push(d);
}

/// Adds `people` of identity i set to flee region r for region `to` this
/// step, and records a flight once those since the last record reach
/// [`SHIFT`] of `population` (the identity's people there at the start of
/// the step). `terms` are the flight rate's parts, each already weighted by
/// its rate (`combat`, `fear`, `abuse`) and the share φ that left.
pub fn flight(
    s: &mut State,
    ni: usize,
    (r, i, to): (usize, usize, usize),
    people: f64,
    population: f64,
    terms: [(&'static str, f64); 4],
) {
    let cell = r * ni + i;
    s.cause.fled[cell] += people;
    let fled = s.cause.fled[cell];
    if fled < SHIFT * population {
        return;
    }
    s.cause.fled[cell] = 0.0;
    let mut d = Driver::new(s.tick, Kind::Displacement, "flight");
    d.region = Some(r);
    d.identity = Some(i);
    d.actor = s.control[r];
    d.target = Some(to);
    d.terms = vec![("fled", fled), ("population", population)];
    d.terms.extend_from_slice(&terms);
    s.cause.drivers.push(d);
}

/// End of a tick: this tick's operation events become operation records,
/// with the actor's planning ratios and the objective's score.
pub fn end_tick(m: &Model, s: &mut State) {
    s.cause.contagion.iter_mut().for_each(|x| *x = 0.0);
    let tick = s.tick;
    let mut found = Vec::new();
    for l in &s.log {
        let how: &'static str = match l.kind {
            "operation_planned"
            | "operation_launched"
            | "operation_succeeded"
            | "operation_culminated"
            | "operation_abandoned"
            | "withdrawal" => l.kind,
            _ => continue,
        };
        let mut d = Driver::new(tick, Kind::Operation, how);
        d.region = l.region;
        d.actor = l.actor;
        d.force = l.force;
        let ratio = if how == "withdrawal" { "hostile_over_own" } else { "ratio" };
        d.terms.push((ratio, l.value));
        if let (Some(a), Some(r)) = (l.actor, l.region) {
            if let Some(p) = &m.actors[a].planning {
                d.terms.push(("launch_ratio", p.launch_ratio));
                d.terms.push(("culminate_ratio", p.culminate_ratio));
            }
            d.terms.push(("score", m.regions[r].value * (1.0 + m.actors[a].goals[r])));
        }
        found.push(d);
    }
    s.cause.drivers.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    /// The insurgents push into the valley and on to the city from tick 3.
    const PUSH: &str = "[actors.isis.rules.push]\nwhen = \"tick >= 3 and strength(insurgents) > 1000\"\n\
                        then = { tactic = \"attack\", force = \"insurgents\", to = \"valley\", fraction = 0.9 }\n";

    #[test]
    fn recording_changes_no_number_of_a_run() {
        let mechs = "[mechanisms]\nplanning = true\npresence = true\nirregular = true\ncivilian_harm = true\ndisplacement = true\n\
                     [constants.rout]\npanic_morale = 0.5\ncontagion = 1.0\n";
        for extra in ["", mechs] {
            let m = line(&format!("{PUSH}{extra}"));
            for seed in [1, 2, 3] {
                let plain = crate::simulate(&m, seed);
                let mut explained = crate::simulate_explained(&m, seed);
                assert!(plain.drivers.is_empty(), "off by default");
                assert!(!explained.drivers.is_empty(), "something was recorded");
                explained.drivers.clear();
                assert_eq!(plain, explained, "seed {seed}, overlay {extra}");
            }
        }
    }

    #[test]
    fn the_rule_that_moved_the_insurgents_is_recorded_with_its_condition_values() {
        let m = line(PUSH);
        let t = crate::simulate_explained(&m, 3);
        let (isis, ins, valley) =
            (m.actor_index("isis").unwrap(), m.force_index("insurgents").unwrap(), m.region_index("valley").unwrap());
        let fired = t.drivers.iter().find(|d| d.kind == Kind::Rule).expect("the rule is recorded");
        assert_eq!((fired.tick, fired.how, fired.actor, fired.rule), (3, "fired", Some(isis), Some(0)));
        assert_eq!((fired.force, fired.target), (Some(ins), Some(valley)));
        // `strength(insurgents)` at the time: the trajectory's total at tick 2.
        let nr = m.regions.len();
        let total: f64 = (0..nr).map(|r| t.personnel[(2 * m.forces.len() + ins) * nr + r]).sum();
        assert_eq!(fired.values.len(), 1);
        assert!((fired.values[0] - total).abs() < 1e-6, "{} vs {total}", fired.values[0]);
        // It fires on every later tick with the same target: recorded once.
        assert_eq!(t.drivers.iter().filter(|d| d.kind == Kind::Rule).count(), 1);
        let taken = t.drivers.iter().find(|d| d.kind == Kind::Control && d.region == Some(valley)).unwrap();
        assert_eq!((taken.tick, taken.actor), (3, Some(isis)));
        assert!(taken.groups.iter().any(|&(f, n)| f == ins && n > 1000.0), "{:?}", taken.groups);
        // Every control change of the events table has its driver record.
        let changes = t.events.iter().filter(|e| e.kind == "control_change").count();
        assert_eq!(changes, t.drivers.iter().filter(|d| d.kind == Kind::Control).count());
    }

    #[test]
    fn routs_and_grievance_shifts_carry_their_terms() {
        let m = line(&format!("{PUSH}[constants.rout]\npanic_morale = 0.5\ncontagion = 1.0\n"));
        let t = crate::simulate_explained(&m, 3);
        let routs: Vec<&Driver> = t.drivers.iter().filter(|d| d.kind == Kind::Rout).collect();
        assert_eq!(routs.len(), t.events.iter().filter(|e| e.kind == "rout").count());
        for d in &routs {
            let panicked = d.term("morale").unwrap() < d.term("panic_morale").unwrap();
            let failed = d.term("morale").unwrap() - d.term("loss_term").unwrap() - d.term("odds_term").unwrap()
                < d.term("threshold").unwrap();
            assert!(panicked || failed, "a rout's terms show why it routed: {d:?}");
            assert_eq!(d.how == "panic", panicked);
        }
        for d in t.drivers.iter().filter(|d| d.kind == Kind::Grievance) {
            assert!((d.term("to").unwrap() - d.term("from").unwrap()).abs() >= SHIFT);
        }
    }
}

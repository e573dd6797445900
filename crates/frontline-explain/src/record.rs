//! The driver file of a run (`drivers.json`): the engine's driver records
//! with names instead of indices, the rules' conditions as text with the
//! questions they ask, and control per snapshot — everything a chain needs,
//! so that `frontline explain` reads the results folder and never runs the
//! engine.

use frontline_engine::Trajectory;
use frontline_engine::cause::{Driver, queries};
use frontline_scenario::Model;
use frontline_scenario::expr::{Arith, Cmp, Expr, Query};
use serde::{Deserialize, Serialize};

/// The format tag of a driver file.
pub const FORMAT: &str = "frontline-drivers/1";
/// Its file name in a run's results folder.
pub const FILE: &str = "drivers.json";

/// A region of the theatre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A force group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Force {
    /// Id.
    pub id: String,
    /// Index of its actor.
    pub actor: usize,
}

/// A rule of an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// `actor.rule`.
    pub name: String,
    /// Its condition, as text.
    pub when: String,
    /// The questions its condition asks, in the order of a record's values.
    pub asks: Vec<String>,
}

/// An actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Id.
    pub id: String,
    /// `allied[b]`: actor b is on its side (itself included).
    pub allied: Vec<bool>,
    /// Its rules, in the order the engine numbers them.
    pub rules: Vec<Rule>,
}

/// One driver record, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Tick.
    pub tick: u32,
    /// control, rout, rule, operation, recruitment, grievance, support, detection, displacement.
    pub kind: String,
    /// The branch (`overwhelmed`, `panic`, `fired`, …).
    pub how: String,
    /// Region index.
    pub region: Option<usize>,
    /// Actor index.
    pub actor: Option<usize>,
    /// Other actor index.
    pub other: Option<usize>,
    /// Force group index.
    pub force: Option<usize>,
    /// Identity index.
    pub identity: Option<usize>,
    /// Rule index within the actor's rules.
    pub rule: Option<usize>,
    /// Region its orders went to, or a rout's retreat.
    pub target: Option<usize>,
    /// Named numbers (finite only).
    pub terms: Vec<(String, f64)>,
    /// (force group index, number).
    pub groups: Vec<(usize, f64)>,
    /// The values of the rule's questions.
    pub values: Vec<f64>,
}

impl Entry {
    /// A named term.
    pub fn term(&self, name: &str) -> Option<f64> {
        self.terms.iter().find(|t| t.0 == name).map(|t| t.1)
    }
}

/// The driver file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// [`FORMAT`].
    pub format: String,
    /// The scenario's name.
    pub scenario: String,
    /// The run's seed.
    pub seed: u64,
    /// Date of each snapshot (YYYY-MM-DD).
    pub dates: Vec<String>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Force groups.
    pub forces: Vec<Force>,
    /// Identity ids.
    pub identities: Vec<String>,
    /// `control[k][r]`: controller of region r at snapshot k (−1: nobody).
    pub control: Vec<Vec<i32>>,
    /// The records, in the order they were made.
    pub drivers: Vec<Entry>,
}

/// The driver file of a run recorded with `simulate_explained`.
pub fn build(m: &Model, t: &Trajectory) -> Record {
    let nr = m.regions.len();
    Record {
        format: FORMAT.into(),
        scenario: m.name.clone(),
        seed: t.seed,
        dates: t.days.iter().map(|d| d.to_string()).collect(),
        regions: m.regions.iter().map(|r| Region { id: r.id.clone(), name: r.name.clone() }).collect(),
        actors: m
            .actors
            .iter()
            .map(|a| Actor {
                id: a.id.clone(),
                allied: a.allied.clone(),
                rules: a
                    .rules
                    .iter()
                    .map(|r| Rule {
                        name: format!("{}.{}", a.id, r.name),
                        when: expr_text(m, &r.when),
                        asks: queries(&r.when).into_iter().map(|q| query_text(m, q)).collect(),
                    })
                    .collect(),
            })
            .collect(),
        forces: m.forces.iter().map(|f| Force { id: f.id.clone(), actor: f.actor }).collect(),
        identities: m.identities.iter().map(|i| i.id.clone()).collect(),
        control: t.control.chunks(nr.max(1)).map(<[i32]>::to_vec).collect(),
        drivers: t.drivers.iter().map(entry).collect(),
    }
}

fn entry(d: &Driver) -> Entry {
    Entry {
        tick: d.tick,
        kind: d.kind.name().into(),
        how: d.how.into(),
        region: d.region,
        actor: d.actor,
        other: d.other,
        force: d.force,
        identity: d.identity,
        rule: d.rule,
        target: d.target,
        terms: d.terms.iter().filter(|t| t.1.is_finite()).map(|t| (t.0.to_string(), t.1)).collect(),
        groups: d.groups.clone(),
        values: d.values.iter().map(|v| if v.is_finite() { *v } else { 0.0 }).collect(),
    }
}

/// A question as the rule language writes it: `threat(gov, capital)`.
pub fn query_text(m: &Model, q: &Query) -> String {
    // The query's debug form is `Name { field: value, … }`: the name in
    // snake case is the function, and each index becomes the id it names.
    let dbg = format!("{q:?}");
    let (name, rest) = dbg.split_once(' ').unwrap_or((&dbg, ""));
    let mut fun = String::new();
    for (k, c) in name.chars().enumerate() {
        if c.is_uppercase() && k > 0 {
            fun.push('_');
        }
        fun.push(c.to_ascii_lowercase());
    }
    if fun == "mechanism" {
        fun = "mechanism_on".into();
    }
    let mut args = Vec::new();
    for part in rest.trim_matches(|c| c == '{' || c == '}' || c == ' ').split(", ") {
        let Some((field, value)) = part.split_once(": ") else { continue };
        let value = value.trim_start_matches("Some(").trim_end_matches(')');
        if value == "None" {
            continue;
        }
        let id = value.parse::<usize>().ok().and_then(|i| match field {
            "actor" => m.actors.get(i).map(|a| a.id.clone()),
            "region" => m.regions.get(i).map(|r| r.id.clone()),
            "force" => m.forces.get(i).map(|f| f.id.clone()),
            "identity" => m.identities.get(i).map(|x| x.id.clone()),
            "input" => m.inputs.get(i).map(|x| x.id.clone()),
            _ => None,
        });
        args.push(id.unwrap_or_else(|| value.to_ascii_lowercase()));
    }
    format!("{fun}({})", args.join(", "))
}

/// An expression as text (fully parenthesised where operators nest).
pub fn expr_text(m: &Model, e: &Expr) -> String {
    let bin = |op: &str, a: &Expr, b: &Expr| format!("{} {op} {}", sub(m, a), sub(m, b));
    match e {
        Expr::Const(x) => {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{x:.0}")
            } else {
                format!("{x}")
            }
        }
        Expr::Param(i) => m.parameters.get(*i).map_or_else(|| format!("param{i}"), |p| p.id.clone()),
        Expr::Tick => "tick".into(),
        Expr::Today => "today".into(),
        Expr::Neg(a) => format!("-{}", sub(m, a)),
        Expr::Not(a) => format!("not {}", sub(m, a)),
        Expr::Arith(op, a, b) => {
            let o = match op {
                Arith::Add => "+",
                Arith::Sub => "-",
                Arith::Mul => "*",
                Arith::Div => "/",
            };
            bin(o, a, b)
        }
        Expr::Cmp(op, a, b) => {
            let o = match op {
                Cmp::Lt => "<",
                Cmp::Le => "<=",
                Cmp::Gt => ">",
                Cmp::Ge => ">=",
                Cmp::Eq => "==",
                Cmp::Ne => "!=",
            };
            bin(o, a, b)
        }
        Expr::And(a, b) => bin("and", a, b),
        Expr::Or(a, b) => bin("or", a, b),
        Expr::Min(a, b) => format!("min({}, {})", expr_text(m, a), expr_text(m, b)),
        Expr::Max(a, b) => format!("max({}, {})", expr_text(m, a), expr_text(m, b)),
        Expr::Abs(a) => format!("abs({})", expr_text(m, a)),
        Expr::If(c, a, b) => format!("if({}, {}, {})", expr_text(m, c), expr_text(m, a), expr_text(m, b)),
        Expr::Query(q) => query_text(m, q),
    }
}

fn sub(m: &Model, e: &Expr) -> String {
    match e {
        Expr::Arith(..) | Expr::Cmp(..) | Expr::And(..) | Expr::Or(..) => format!("({})", expr_text(m, e)),
        _ => expr_text(m, e),
    }
}

//! Outcomes an analyst asks about: `EXPR on DATE` (the value on the first
//! tick on or after DATE), `EXPR by DATE` (true on any tick up to DATE, for
//! conditions) or `EXPR at end` / `EXPR by end`. The expression is the rule language, so
//! `controls(isis, IQG01Q03) on 2015-06-01` or `strength(army) at end`.

use frontline_engine::state::{State, View};
use frontline_scenario::Model;
use frontline_scenario::diag::{Diagnostic, Loc, Sources};
use frontline_scenario::expr::{Expr, Names, Origin, Type, compile};

/// When an outcome is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// On this tick.
    On(u32),
    /// At any tick up to and including this one (conditions only).
    By(u32),
}

/// A compiled outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The text as given.
    pub text: String,
    /// The expression.
    pub expr: Expr,
    /// Whether it is a condition (a probability) or a number (a mean).
    pub is_condition: bool,
    /// When it is read.
    pub when: When,
}

impl Outcome {
    /// Parses and checks an outcome against a model. Errors are rendered text.
    pub fn parse(text: &str, m: &Model) -> Result<Outcome, String> {
        let (expr_text, when) = if let Some((e, d)) = text.rsplit_once(" on ") {
            (e, Some(("on", d)))
        } else if let Some((e, d)) = text.rsplit_once(" by ") {
            (e, Some(("by", d)))
        } else if let Some(e) = text.strip_suffix(" at end") {
            (e, None)
        } else {
            (text, None)
        };
        let tick = match when {
            None => m.ticks,
            Some((_, d)) if d.trim() == "end" => m.ticks,
            Some((_, d)) => {
                let day = frontline_date::Day::parse(d.trim())
                    .map_err(|_| format!("outcome `{text}`: `{}` is not a date (expected YYYY-MM-DD)", d.trim()))?;
                if day < m.start {
                    return Err(format!("outcome `{text}`: {} is before the scenario starts", d.trim()));
                }
                (((day - m.start) as u32).div_ceil(m.tick_days)).min(m.ticks)
            }
        };
        let names_owned = |v: Vec<String>| v;
        let actors = names_owned(m.actors.iter().map(|a| a.id.clone()).collect());
        let regions: Vec<String> = m.regions.iter().map(|r| r.id.clone()).collect();
        let forces: Vec<String> = m.forces.iter().map(|f| f.id.clone()).collect();
        let identities: Vec<String> = m.identities.iter().map(|i| i.id.clone()).collect();
        let params: Vec<String> = m.parameters.iter().map(|p| p.id.clone()).collect();
        let inputs: Vec<String> = m.inputs.iter().map(|x| x.id.clone()).collect();
        let places: Vec<(String, usize)> = m
            .places
            .iter()
            .flat_map(|p| {
                std::iter::once(&p.id)
                    .chain(std::iter::once(&p.name))
                    .chain(&p.aliases)
                    .map(|n| (n.to_lowercase(), p.region))
                    .collect::<Vec<_>>()
            })
            .collect();
        let names = Names {
            actors: &actors,
            regions: &regions,
            forces: &forces,
            identities: &identities,
            params: &params,
            inputs: &inputs,
            places: &places,
        };
        let mut sources = Sources::new();
        let file = sources.add("--outcome".into(), expr_text.to_string(), None);
        let origin = Origin { loc: Loc::new(file, 0..expr_text.len()), offset: 0 };
        let render = |d: Diagnostic| {
            let mut ds = frontline_scenario::diag::Diagnostics::default();
            ds.push(d);
            ds.render(&sources, false)
        };
        let (expr, is_condition) = match compile(expr_text, Type::Bool, &names, &origin, false) {
            Ok(e) => (e, true),
            Err(first) => match compile(expr_text, Type::Num, &names, &origin, false) {
                Ok(e) => (e, false),
                Err(_) => return Err(render(first)),
            },
        };
        let when = match when {
            Some(("by", _)) if !is_condition => {
                return Err(format!("outcome `{text}`: `by DATE` needs a condition; use `on DATE` for a number"));
            }
            Some(("by", _)) => When::By(tick),
            _ => When::On(tick),
        };
        Ok(Outcome { text: text.to_string(), expr, is_condition, when })
    }

    /// The default outcomes of a model: each watched condition by the end.
    pub fn defaults(m: &Model) -> Vec<Outcome> {
        m.watches
            .iter()
            .map(|w| Outcome {
                text: format!("{} by end", w.text),
                expr: w.when.clone(),
                is_condition: true,
                when: When::By(m.ticks),
            })
            .collect()
    }

    /// Folds the state at tick `t` into the running value `acc` (start at 0).
    pub fn observe(&self, m: &Model, s: &State, acc: &mut f64) {
        let v = || self.expr.eval(&View { model: m, state: s });
        match self.when {
            When::On(t) if s.tick == t => *acc = v(),
            When::By(t) if s.tick <= t && *acc == 0.0 && v() != 0.0 => *acc = 1.0,
            _ => {}
        }
    }
}

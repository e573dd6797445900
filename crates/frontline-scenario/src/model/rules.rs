//! Rules: each actor's rules (condition, tactic, priority, mechanism),
//! sorted by priority, then by name.
//!
//! Reads the actors' `rules` tables and the force groups built. It only sets
//! each actor's `rules`; it must not touch any other field.

use super::builder::Builder;
use super::{Actor, Force, Rule};
use crate::expr::{Expr, Type};
use crate::spec::*;

/// Builds each actor's rules and attaches them to the actor.
pub(super) fn attach(b: &mut Builder, spec: &ScenarioSpec, actors: &mut [Actor], forces: &[Force]) {
    for (ai, (_, a)) in spec.actors.iter().enumerate() {
        let mut rules = Vec::new();
        for (rk, r) in a.rules.iter() {
            let when = match &r.when {
                Some(w) => b.expr(&w.value, &w.loc, Type::Bool, false),
                None => Some(Expr::Const(1.0)),
            };
            let then = b.tactic(&r.then, ai, forces);
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
}

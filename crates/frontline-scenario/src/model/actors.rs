//! Actors: incomes, stocks, key regions, goals, exclusions, and hostility
//! and alliance (made symmetric, then checked). Their rules are attached
//! later by [`super::rules`], once the force groups are known.
//!
//! Reads `[actors]` except their rules. It must not touch force groups,
//! rules or events.

use super::Actor;
use super::bounds::{Limit, MAX_MONEY, MAX_MONEY_PER_HEAD, MAX_PEOPLE, MAX_WEIGHT};
use super::builder::Builder;
use crate::decode::{At, Quantity};
use crate::diag::Diagnostic;
use crate::expr::Type;
use crate::spec::*;

/// Builds the actors, in declaration order, with no rules yet.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec) -> Vec<Actor> {
    let (ni, nr, na) = (spec.identities.len(), spec.regions.len(), spec.actors.len());
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
            income: qa(b, &a.income, "income", MAX_MONEY),
            tax: qa(b, &a.tax, "tax", MAX_MONEY_PER_HEAD),
            weapons_income: qa(b, &a.weapons_income, "weapons_income", MAX_PEOPLE),
            money: qa(b, &a.money, "money", MAX_MONEY),
            weapons: qa(b, &a.weapons, "weapons", MAX_PEOPLE),
            key_regions,
            hostile,
            allied,
            excludes,
            goals,
            rules: Vec::new(),
            oil_price: a.oil_price.as_ref().and_then(|e| b.expr(&e.value, &e.loc, Type::Num, false)),
            revenue: a.revenue.as_ref().and_then(|e| b.expr(&e.value, &e.loc, Type::Num, false)),
            weapons_price: qa(b, &a.weapons_price, "weapons_price", MAX_MONEY_PER_HEAD),
            trainers: qa(b, &a.trainers, &format!("trainers of `{}`", k.name), MAX_PEOPLE),
            planning: None,
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
    actors
}

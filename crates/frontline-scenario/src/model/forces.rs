//! Force groups: owner, kind, identity, personnel by region, equipment,
//! quality, morale, upkeep, recruitment, conscription and inflow from
//! outside the theatre.
//!
//! Reads `[forces]` only. It must not touch actors (it only resolves the
//! owner's id), rules or events.

use super::Force;
use super::bounds::{MAX_MONEY_PER_HEAD, MAX_PEOPLE};
use super::builder::Builder;
use crate::decode::{At, Quantity};
use crate::diag::Diagnostic;
use crate::expr::{Expr, Type};
use crate::spec::*;

/// Builds the force groups, in declaration order.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec) -> Vec<Force> {
    let nr = spec.regions.len();
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
        let quality = q01(b, &f.quality, &format!("quality of `{}`", k.name), 0.5);
        let morale = q01(b, &f.morale, &format!("morale of `{}`", k.name), 0.5);
        let panic_morale =
            f.panic_morale.as_ref().map(|q| b.qty(q, &format!("panic_morale of `{}`", k.name), 0.0, 1.0));
        let recruit_rate = q01(b, &f.recruit_rate, &format!("recruit_rate of `{}`", k.name), 0.0);
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
        let region = |b: &mut Builder, r: &Option<At<String>>| r.as_ref().and_then(|r| b.resolve(r, "region"));
        let depot = region(b, &f.depot);
        let rally = region(b, &f.rally);
        let training_weeks =
            f.training_weeks.as_ref().map(|q| b.qty(q, &format!("training_weeks of `{}`", k.name), 0.0, 520.0));
        let graduate_quality =
            f.graduate_quality.as_ref().map(|q| b.qty(q, &format!("graduate_quality of `{}`", k.name), 0.0, 1.0));
        let conscription = q01(b, &f.conscription, &format!("conscription of `{}`", k.name), 0.0);
        let conscription_at = f.conscription.as_ref().map_or(&k.loc, quantity_loc);
        if conscription > 0.0 && f.kind == ForceKind::Air {
            b.d.push(
                Diagnostic::at(conscription_at, format!("air group `{}` cannot conscript", k.name))
                    .hint("remove conscription: air groups' personnel are sorties per week"),
            );
        } else if conscription > 0.0 && identity.is_none() {
            b.d.push(
                Diagnostic::at(
                    conscription_at,
                    format!("force group `{}` conscripts but has no identity to draft from", k.name),
                )
                .hint("add `identity = \"…\"` or remove conscription"),
            );
        }
        if f.kind == ForceKind::Air {
            // Air groups' personnel are sorties: they neither train nor rally.
            let keys = [
                ("depot", f.depot.as_ref().map(|x| &x.loc)),
                ("rally", f.rally.as_ref().map(|x| &x.loc)),
                ("training_weeks", f.training_weeks.as_ref().map(quantity_loc)),
                ("graduate_quality", f.graduate_quality.as_ref().map(quantity_loc)),
            ];
            for (key, loc) in keys {
                if let Some(loc) = loc {
                    b.d.push(Diagnostic::at(loc, format!("air group `{}` cannot have `{key}`", k.name)).hint(
                        "remove it: air groups' personnel are sorties per week; they do not train or reassemble",
                    ));
                }
            }
        }
        if let (Some(r), None) = (&f.inflow_region, &f.inflow) {
            b.d.push(
                Diagnostic::at(&r.loc, format!("force group `{}` has an inflow_region but no inflow", k.name))
                    .expected("`inflow = <people per week>` next to `inflow_region`")
                    .hint("add the inflow or remove inflow_region"),
            );
        }
        let inflow = inflow(b, f, &k.name);
        let hidden = f.hidden.as_ref().is_some_and(|h| h.value);
        if let Some(h) = f.hidden.as_ref().filter(|h| h.value && f.kind == ForceKind::Air) {
            b.d.push(
                Diagnostic::at(&h.loc, format!("air group `{}` cannot be hidden", k.name))
                    .expected("`hidden = true` on a ground force group only")
                    .hint("remove `hidden`: air groups fly sorties, they do not hide among the population"),
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
            depot,
            training_weeks,
            graduate_quality,
            rally,
            conscription,
            inflow,
            hidden,
        });
    }
    forces
}

/// The group's `inflow` (a number ≥ 0 or an expression computed every tick)
/// and the `inflow_region` where it arrives, which it needs.
fn inflow(b: &mut Builder, f: &ForceSpec, name: &str) -> Option<(Expr, usize)> {
    let region = f.inflow_region.as_ref().and_then(|r| b.resolve(r, "region"));
    let q = f.inflow.as_ref()?;
    let (expr, loc) = match q {
        Quantity::Number(x, loc) => {
            let ok = b.check_range(*x, loc, &format!("inflow of `{name}`"), 0.0, MAX_PEOPLE.max, Some(MAX_PEOPLE));
            (ok.then_some(Expr::Const(*x)), loc)
        }
        Quantity::Expr(src, loc) => (b.expr(src, loc, Type::Num, false), loc),
    };
    if f.inflow_region.is_none() {
        b.d.push(
            Diagnostic::at(loc, format!("force group `{name}` has an inflow but no inflow_region"))
                .expected("`inflow_region = \"<region id>\"` next to `inflow`")
                .hint("name the region where the people from outside the theatre arrive"),
        );
    }
    if f.kind == ForceKind::Air {
        b.d.push(
            Diagnostic::at(loc, format!("air group `{name}` cannot have an inflow"))
                .hint("remove inflow: air groups' personnel are sorties per week"),
        );
        return None;
    }
    Some((expr?, region?))
}

/// Where a quantity was written.
fn quantity_loc(q: &Quantity) -> &crate::diag::Loc {
    match q {
        Quantity::Number(_, loc) | Quantity::Expr(_, loc) => loc,
    }
}

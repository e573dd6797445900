//! Events: dated switches of force groups, parameter changes and tactics,
//! sorted by day, then by id.
//!
//! Reads `[events]`, the declared parameter ranges and the force groups
//! built. It must not touch actors, regions or parameters.

use super::bounds::{MAX_PARAMETER, show};
use super::builder::Builder;
use super::{Event, Force, Tactic};
use crate::decode::At;
use crate::diag::Diagnostic;
use crate::spec::*;

/// Builds the events, sorted by day and id.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec, forces: &[Force]) -> Vec<Event> {
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
                    let ts: Vec<Tactic> = e.then.iter().filter_map(|t| b.tactic(t, ai, forces)).collect();
                    (ai, ts)
                }),
            }
        };
        events.push(Event { id: k.name.clone(), day: e.date.value.0, enable, disable, set, then });
    }
    events.sort_by(|x, y| x.day.cmp(&y.day).then(x.id.cmp(&y.id)));
    events
}

//! The overlay-typo check: what only a variant or a `--set` adds, and what
//! has no effect, is refused as a likely mistyped id.
//!
//! Reads the merged scenario, which ids the other builders marked as used,
//! and the regions' neighbours; it must run after every other builder, and
//! must not change the model.

use super::Region;
use super::builder::Builder;
use crate::decode::Map;
use crate::diag::{Diagnostic, Diagnostics, FileId, choice_hint};
use crate::spec::*;

/// "a" or "an" before a noun.
fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Refuses what only an overlay (variant or `--set`) adds and what has no
/// effect: such an entry is almost always a mistyped id (`--set
/// parameters.distrsut.value=0.9` would otherwise run the baseline and look
/// like a result). An overlay may still add entries that something uses
/// (a parameter a rule reads, an actor that owns a force group or has rules,
/// a region on the map graph, an event that does something).
pub(super) fn refuse_unused_ids(b: &mut Builder, spec: &ScenarioSpec, regions: &[Region], first: FileId) {
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
    check(d, &spec.inputs, "input series", first, |i, _| used.inputs[i], "nothing reads it");
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

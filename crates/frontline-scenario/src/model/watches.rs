//! Watches: the named conditions of `[scenario.watch]` whose first dates an
//! ensemble reports.
//!
//! Reads `[scenario.watch]` only. It must not touch anything else.

use super::Watch;
use super::builder::Builder;
use crate::expr::Type;
use crate::spec::ScenarioMeta;

/// Compiles the watched conditions, in declaration order.
pub(super) fn build(b: &mut Builder, meta: &ScenarioMeta) -> Vec<Watch> {
    let mut watches = Vec::new();
    for (k, w) in meta.watch.iter() {
        if let Some(e) = b.expr(&w.value, &w.loc, Type::Bool, false) {
            watches.push(Watch { name: k.name.clone(), text: w.value.clone(), when: e });
        }
    }
    watches
}

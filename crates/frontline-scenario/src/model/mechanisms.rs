//! Mechanism switches and model constants: `[mechanisms]` and `[constants]`,
//! each checked against its catalogue.
//!
//! Reads those two tables only. It must not touch anything else.

use super::Mechanisms;
use super::builder::Builder;
use crate::constants::Constants;
use crate::diag::{Diagnostic, choice_hint};
use crate::spec::*;
use std::collections::BTreeSet;

/// The mechanism switches: their defaults (see [`MechanismName::on_by_default`]), with `[mechanisms]` overrides.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec) -> Mechanisms {
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
    mechanisms
}

/// The model constants: the defaults, with `[constants]` overrides.
pub(super) fn constants(b: &mut Builder, spec: &ScenarioSpec) -> Constants {
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
    constants
}

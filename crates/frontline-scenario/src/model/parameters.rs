//! Parameters: each declared parameter's value, range and distribution.
//!
//! Reads `[parameters]` only (their values are also read, at build time, by
//! the quantities other builders evaluate). It must not touch anything else.

use super::Parameter;
use super::bounds::MAX_PARAMETER;
use super::builder::Builder;
use crate::diag::Diagnostic;
use crate::spec::*;

/// Checks the declared parameters and builds them, in declaration order.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec) -> Vec<Parameter> {
    let mut parameters = Vec::new();
    for (k, p) in spec.parameters.iter() {
        let lim = MAX_PARAMETER;
        let mut in_bounds = true;
        for (field, x) in [("value", Some(&p.value)), ("min", p.min.as_ref()), ("max", p.max.as_ref())] {
            if let Some(x) = x {
                let what = format!("`{field}` of parameter `{}`", k.name);
                in_bounds &= b.check_range(x.value, &x.loc, &what, -lim.max, lim.max, Some(lim));
            }
        }
        // An absent end of the range is the value itself.
        let min = p.min.as_ref().map(|m| m.value).unwrap_or(p.value.value);
        let max = p.max.as_ref().map(|m| m.value).unwrap_or(p.value.value);
        let both_declared = p.min.as_ref().zip(p.max.as_ref());
        if !in_bounds {
            // Reported above; comparing numbers past the limit adds nothing.
        } else if let Some((lo, _)) = both_declared
            && min > max
        {
            b.d.push(
                Diagnostic::at(&lo.loc, format!("parameter `{}`: min {min} is above max {max}", k.name))
                    .hint("swap min and max"),
            );
        } else if !(min..=max).contains(&p.value.value) {
            // Only a declared end can be passed: an absent one is the value.
            let (side, end) = if p.value.value > max { ("above `max`", max) } else { ("below `min`", min) };
            b.d.push(
                Diagnostic::at(
                    &p.value.loc,
                    format!("parameter `{}`: value {} is {side} {end}", k.name, p.value.value),
                )
                .expected("min ≤ value ≤ max")
                .hint("[min, max] is the parameter's range: widen it, or change the value"),
            );
        }
        let dist = p.distribution.unwrap_or(if min == max { Distribution::Fixed } else { Distribution::Uniform });
        if dist == Distribution::LogUniform && min <= 0.0 {
            b.d.push(
                Diagnostic::at(&p.loc, format!("parameter `{}`: a loguniform range must be positive", k.name))
                    .expected("min > 0"),
            );
        }
        parameters.push(Parameter {
            id: k.name.clone(),
            value: p.value.value,
            min,
            max,
            distribution: dist,
            source: p.source.clone().unwrap_or_default(),
            assumption: p.assumption.unwrap_or(p.source.is_none()),
        });
    }
    parameters
}

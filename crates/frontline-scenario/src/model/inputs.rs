//! Input series: `[inputs.<id>]`, exogenous values by date (an oil price, a
//! flow of foreign fighters, aid), sampled once per tick of the clock so
//! that `input(<id>)` costs one lookup in a run.
//!
//! Reads `[inputs]` and the clock. It must not touch anything else.

use super::Input;
use super::bounds::MAX_PARAMETER;
use super::builder::Builder;
use super::clock::Clock;
use crate::diag::Diagnostic;
use crate::spec::*;
use frontline_date::Day;

/// Builds every input series, sampled on the day of each tick `0..=ticks`.
///
/// Between two points the value is interpolated linearly (or held, for
/// `interpolation = "step"`); before the first point it is the first value
/// and after the last the last value: a series says nothing beyond its ends,
/// so the run holds it level rather than extrapolating a trend.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec, clock: &Clock) -> Vec<Input> {
    let mut inputs = Vec::new();
    for (k, x) in spec.inputs.iter() {
        let mut points: Vec<(Day, f64)> = Vec::new();
        for (dk, v) in x.points.iter() {
            let Ok(day) = Day::parse(&dk.name) else {
                b.d.push(
                    Diagnostic::at(&dk.loc, format!("`{}` is not a date", dk.name))
                        .expected("a date written YYYY-MM-DD, e.g. 2015-06-30 = 60.0"),
                );
                continue;
            };
            if b.check_range(
                v.value,
                &v.loc,
                &format!("value of input `{}` on {day}", k.name),
                -MAX_PARAMETER.max,
                MAX_PARAMETER.max,
                None,
            ) {
                points.push((day, v.value));
            }
        }
        if x.points.is_empty() {
            b.d.push(
                Diagnostic::at(&k.loc, format!("input `{}` has no points", k.name))
                    .hint("add `points = { 2015-06-30 = 1.0 }` (one value per date)"),
            );
        }
        points.sort_by_key(|p| p.0);
        for w in points.windows(2) {
            if w[0].0 == w[1].0 {
                let loc = x.points.0.iter().rev().find(|(dk, _)| Day::parse(&dk.name).ok() == Some(w[1].0));
                let loc = loc.map(|(dk, _)| dk.loc.clone()).unwrap_or_else(|| k.loc.clone());
                b.d.push(
                    Diagnostic::at(&loc, format!("input `{}` has two values on {}", k.name, w[0].0)).hint("keep one"),
                );
            }
        }
        let scale =
            x.scale.as_ref().map(|q| b.qty(q, "input scale", -MAX_PARAMETER.max, MAX_PARAMETER.max)).unwrap_or(1.0);
        let step = x.interpolation == Some(Interpolation::Step);
        let values = (0..=clock.ticks)
            .map(|t| {
                let day = clock.start.saturating_add_days(i64::from(t) * i64::from(clock.tick_days));
                scale * value_on(&points, day, step)
            })
            .collect();
        inputs.push(Input {
            id: k.name.clone(),
            values,
            unit: x.unit.clone(),
            source: x.source.clone(),
            assumption: x.assumption.unwrap_or(false),
        });
    }
    inputs
}

/// The series' value on `day`: held level before the first and after the
/// last point, linear (or the previous point's value for `step`) between.
fn value_on(points: &[(Day, f64)], day: Day, step: bool) -> f64 {
    let Some(first) = points.first() else { return 0.0 };
    if day <= first.0 {
        return first.1;
    }
    for w in points.windows(2) {
        let ((d0, v0), (d1, v1)) = (w[0], w[1]);
        if day < d1 {
            if step {
                return v0;
            }
            let span = f64::from(d1 - d0);
            return v0 + (v1 - v0) * f64::from(day - d0) / span;
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

#[cfg(test)]
mod tests {
    use super::value_on;
    use frontline_date::Day;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn series_interpolate_between_points_and_hold_beyond_them() {
        let p = [(d("2015-01-01"), 100.0), (d("2015-01-11"), 50.0)];
        assert_eq!(value_on(&p, d("2014-06-01"), false), 100.0, "held before the first point");
        assert_eq!(value_on(&p, d("2015-01-06"), false), 75.0, "halfway");
        assert_eq!(value_on(&p, d("2015-01-06"), true), 100.0, "step holds the earlier value");
        assert_eq!(value_on(&p, d("2015-01-11"), true), 50.0);
        assert_eq!(value_on(&p, d("2016-01-01"), false), 50.0, "held after the last point");
    }
}

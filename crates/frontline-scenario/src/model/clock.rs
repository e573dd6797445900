//! The clock: the start date, the tick length and the number of ticks (from
//! `ticks` or `end`).
//!
//! Reads `[scenario]` only. It must not touch anything else of the scenario.

use super::builder::Builder;
use crate::diag::Diagnostic;
use crate::spec::ScenarioMeta;
use frontline_date::Day;

/// When the scenario starts, how long a tick is and how many ticks it runs.
pub(super) struct Clock {
    pub(super) start: Day,
    pub(super) tick_days: u32,
    pub(super) ticks: u32,
}

/// Reads and checks the clock of `[scenario]`.
pub(super) fn build(b: &mut Builder, meta: &ScenarioMeta) -> Clock {
    let tick_days = meta.tick_days.as_ref().map(|t| t.value).unwrap_or(7);
    if tick_days == 0 || tick_days > 366 {
        let loc = meta.tick_days.as_ref().map(|t| t.loc.clone()).unwrap_or_default();
        b.d.push(Diagnostic::at(&loc, "tick_days must be between 1 and 366").expected("e.g. 7 for weekly ticks"));
    }
    let tick_days = tick_days.clamp(1, 366) as u32;
    let start = meta.start.value.0;
    // Ticks are checked before narrowing to u32, so that 2^32 + 1 is not read as 1.
    let ticks: u64 = match (&meta.ticks, &meta.end) {
        (Some(t), None) => t.value,
        (None, Some(e)) => {
            if e.value.0 < start {
                b.d.push(Diagnostic::at(&e.loc, "`end` is before `start`").expected("a date after the start date"));
                0
            } else {
                u64::from((e.value.0 - start) as u32 / tick_days)
            }
        }
        (Some(t), Some(_)) => {
            b.d.push(Diagnostic::at(&t.loc, "give either `ticks` or `end`, not both").hint("remove one of them"));
            t.value
        }
        (None, None) => {
            b.d.push(
                Diagnostic::at(&meta.loc, "the scenario has no length")
                    .hint("add `ticks = 52` or `end = 2015-06-01` to [scenario]"),
            );
            0
        }
    };
    if ticks > 100_000 {
        let loc = meta.ticks.as_ref().map(|t| t.loc.clone()).or_else(|| meta.end.as_ref().map(|e| e.loc.clone()));
        b.d.push(
            Diagnostic::at(&loc.unwrap_or_default(), format!("{ticks} ticks is too many"))
                .expected("at most 100000 ticks"),
        );
    }
    let ticks = ticks.min(100_000) as u32;
    if start.checked_add_days(i64::from(ticks) * i64::from(tick_days)).is_none() {
        let loc = meta.ticks.as_ref().map_or_else(|| meta.start.loc.clone(), |t| t.loc.clone());
        let most = (Day::MAX - start) / tick_days as i32; // tick_days is 1..=366 here
        let (last, most) = (Day::MAX, format!("at most {most} ticks of {tick_days} days from {start}"));
        b.d.push(Diagnostic::at(&loc, format!("the scenario runs past {last}, the last date")).expected(most));
    }
    Clock { start, tick_days, ticks }
}

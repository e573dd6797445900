//! The workspace's one calendar date type, [`Day`].
//!
//! A [`Day`] is a day of the proleptic Gregorian calendar between
//! 0000-01-01 and 9999-12-31, stored as the number of days since 1970-01-01
//! (an `i32`: the Parquet `DATE` convention, so a date column's values are
//! written as they are).
//!
//! # The one rule for dates
//!
//! Everywhere in Frontline (scenario files, rule-language `date("…")`
//! literals, history CSVs, `--date` options) a date is written
//! `YYYY-MM-DD`: exactly four digits of year, two of month and two of day,
//! separated by `-`, with nothing before or after, naming a day that exists
//! (2016-02-29 is a date, 2015-02-29 is not). Years run from 0000 to 9999
//! ([`YEARS`]), which is also what a TOML date can hold. [`Day::parse`]
//! implements the rule and [`Day`]'s `Display` writes it, so every date
//! Frontline writes reads back to the same day.
//!
//! # Why a crate of its own
//!
//! Dates are read by frontline-scenario and written by frontline-output,
//! which depends on nothing of ours (it must not know the model). A crate
//! with no dependencies at all is the one place both can share without
//! frontline-output learning about scenarios or frontline-scenario pulling in
//! Parquet; every other crate uses it directly, so there is one path to the
//! type (`frontline_date::Day`) and no re-exports to keep in step.

#![warn(missing_docs)]

use std::fmt;
use std::ops::{RangeInclusive, Sub};
use std::str::FromStr;

/// Years a date may have: the four digits of `YYYY-MM-DD`.
///
/// Bounding the year also bounds day arithmetic: a seven-digit year once
/// overflowed `i32` day numbers (found by the fuzzer in a history CSV).
pub const YEARS: RangeInclusive<i32> = 0..=9999;

/// Days from 0000-03-01 (the start of Hinnant's March-based era) to 1970-01-01.
const EPOCH_FROM_ERA_START: i32 = 719_468;

/// A calendar date (proleptic Gregorian, years 0000..=9999), stored as days
/// since 1970-01-01.
///
/// Ordering is chronological. A `Day` is always a real date within
/// [`Day::MIN`]`..=`[`Day::MAX`]: every constructor checks, and arithmetic is
/// checked ([`Day::checked_add_days`]) or saturating
/// ([`Day::saturating_add_days`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

/// Why a string is not a date; its `Display` states the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (four, two and two ASCII digits).
    Format,
    /// Of the form, but no such day (month 13, 2015-02-29, day 00, …).
    NoSuchDay,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => f.write_str("not a date: a date is written YYYY-MM-DD, e.g. 2014-06-01"),
            DateError::NoSuchDay => {
                f.write_str("no such day in the calendar (check the month's length and leap years)")
            }
        }
    }
}

impl std::error::Error for DateError {}

impl Day {
    /// 1970-01-01, day 0.
    pub const EPOCH: Day = Day(0);
    /// The first date, 0000-01-01.
    pub const MIN: Day = Day(-719_528);
    /// The last date, 9999-12-31.
    pub const MAX: Day = Day(2_932_896);

    /// The date of (year, month 1..=12, day 1..=31), or `None` if it is not a
    /// real calendar date with a year in [`YEARS`].
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        if !YEARS.contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Day(days_from_civil(year, month, day)))
    }

    /// (year, month 1..=12, day 1..=31) of the date.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Parses `YYYY-MM-DD` by the workspace's one rule (see the crate doc):
    /// exactly that form, nothing around it, a real date.
    pub fn parse(text: &str) -> Result<Day, DateError> {
        let b = text.as_bytes();
        let form = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !form {
            return Err(DateError::Format);
        }
        let number = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
        let year = number(0..4) as i32; // at most 9999
        Day::from_ymd(year, number(5..7), number(8..10)).ok_or(DateError::NoSuchDay)
    }

    /// The date `days` days after 1970-01-01 (before it if negative), or
    /// `None` outside [`Day::MIN`]`..=`[`Day::MAX`].
    pub fn from_epoch_days(days: i32) -> Option<Day> {
        (Day::MIN.0..=Day::MAX.0).contains(&days).then_some(Day(days))
    }

    /// Days since 1970-01-01 (negative before it): the value of a Parquet
    /// `DATE`, and what the rule language's `today()` counts in.
    pub fn epoch_days(self) -> i32 {
        self.0
    }

    /// The date `days` days later (earlier if negative), or `None` if that
    /// falls outside [`Day::MIN`]`..=`[`Day::MAX`].
    pub fn checked_add_days(self, days: i64) -> Option<Day> {
        i64::from(self.0).checked_add(days).and_then(|n| i32::try_from(n).ok()).and_then(Day::from_epoch_days)
    }

    /// The date `days` days later (earlier if negative), held at
    /// [`Day::MIN`] or [`Day::MAX`] where it would fall outside them.
    pub fn saturating_add_days(self, days: i64) -> Day {
        Day(i64::from(self.0).saturating_add(days).clamp(i64::from(Day::MIN.0), i64::from(Day::MAX.0)) as i32)
    }

    /// The first day of the date's month.
    pub fn first_of_month(self) -> Day {
        let (y, m, _) = self.ymd();
        Day(days_from_civil(y, m, 1))
    }

    /// The last day of the date's month.
    pub fn last_of_month(self) -> Day {
        let (y, m, _) = self.ymd();
        Day(days_from_civil(y, m, days_in_month(y, m)))
    }
}

/// Days from one date to another (`later - earlier`; negative if the
/// right-hand date is the later). Never overflows: dates lie within
/// about 3.7 million days of each other.
impl Sub for Day {
    type Output = i32;
    fn sub(self, earlier: Day) -> i32 {
        self.0 - earlier.0
    }
}

/// Writes `YYYY-MM-DD`, which [`Day::parse`] reads back.
impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Day, DateError> {
        Day::parse(s)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a valid (year, month, day) with the year in
/// [`YEARS`] (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = (m as i32 + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d as i32 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - EPOCH_FROM_ERA_START
}

/// (year, month, day) of a day number within `Day::MIN..=Day::MAX`
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + EPOCH_FROM_ERA_START;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], March-based
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i32::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests;

//! Day numbers (days since 1970-01-01) to and from ISO `YYYY-MM-DD`.
//!
//! Proleptic Gregorian calendar, after Howard Hinnant's `civil_from_days` /
//! `days_from_civil` algorithms.

/// Converts days since the Unix epoch (1970-01-01 is day 0) to `YYYY-MM-DD`
/// in the proleptic Gregorian calendar.
///
/// Years are written with at least four digits; years before 1 (astronomical
/// numbering, year 0 = 1 BC) get a leading `-`, and years after 9999 simply
/// have more digits. [`iso_to_days`] reads every output back.
pub fn days_to_iso(days: i32) -> String {
    let (y, m, d) = civil_from_days(i64::from(days));
    if y < 0 { format!("-{:04}-{m:02}-{d:02}", -y) } else { format!("{y:04}-{m:02}-{d:02}") }
}

/// Parses `YYYY-MM-DD` (proleptic Gregorian) into days since the Unix epoch.
///
/// The year has at least four digits and may carry a leading `-`; month and
/// day have exactly two digits and must form a real date (leap years
/// included). Returns `None` for anything else, or when the day number does
/// not fit in an `i32`.
pub fn iso_to_days(s: &str) -> Option<i32> {
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let mut parts = rest.split('-');
    let (ys, ms, ds) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ys.len() < 4 || ys.len() > 10 || ms.len() != 2 || ds.len() != 2 {
        return None;
    }
    let digits = |t: &str| -> Option<i64> { if t.bytes().all(|b| b.is_ascii_digit()) { t.parse().ok() } else { None } };
    let year = digits(ys)?;
    let year = if negative { -year } else { year };
    let month = digits(ms)?;
    let day = digits(ds)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    i32::try_from(days_from_civil(year, month, day)).ok()
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month 1..=12, day 1..=31) for a day number.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // shift the epoch to 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], March-based
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day number of a valid (year, month, day).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

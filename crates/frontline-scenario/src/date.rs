//! Calendar dates as days since 1970-01-01 (proleptic Gregorian).
//!
//! The engine counts time in days; only input and output see calendar dates.

/// Days since 1970-01-01.
pub type Day = i32;

/// Days since the epoch for a civil date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(z: Day) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a day as `YYYY-MM-DD`.
pub fn format_day(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD`, checking that the day exists.
pub fn parse_day(s: &str) -> Option<Day> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    valid_civil(y, m, d).then(|| days_from_civil(y, m, d))
}

/// Years a date may have: the four digits of `YYYY-MM-DD` (as TOML dates
/// have). Day arithmetic is in `i32`, which a year of seven digits would
/// overflow (found by the fuzzer in a history CSV).
pub const YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// True if (y, m, d) is a real calendar date with a year in [`YEARS`].
pub fn valid_civil(y: i32, m: u32, d: u32) -> bool {
    if !YEARS.contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    d <= days[m as usize - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_a_seven_digit_year_is_not_a_date_instead_of_overflowing() {
        assert_eq!(parse_day("9999999-01-01"), None);
        assert_eq!(parse_day("2147483647-12-31"), None);
        assert_eq!(parse_day("10000-01-01"), None);
        assert_eq!(format_day(parse_day("9999-12-31").unwrap()), "9999-12-31");
        assert_eq!(format_day(parse_day("0000-03-01").unwrap()), "0000-03-01");
    }

    #[test]
    fn round_trips_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(format_day(days_from_civil(2015, 5, 17)), "2015-05-17");
        for s in ["2000-02-29", "2014-06-01", "1969-12-31", "1900-03-01"] {
            assert_eq!(format_day(parse_day(s).unwrap()), s);
        }
        for z in -800_000..800_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        assert_eq!(parse_day("2015-02-29"), None);
        assert_eq!(parse_day("2015-13-01"), None);
        assert_eq!(parse_day("x"), None);
    }
}

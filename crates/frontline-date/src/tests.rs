use super::*;

fn day(s: &str) -> Day {
    Day::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn known_dates_have_known_day_numbers() {
    let cases = [
        (0, "1970-01-01"),
        (-1, "1969-12-31"),
        (59, "1970-03-01"),
        (10_956, "1999-12-31"),
        (11_016, "2000-02-29"),
        (11_017, "2000-03-01"),
        (16_222, "2014-06-01"),
        (16_572, "2015-05-17"),
        (16_860, "2016-02-29"),
        (-25_508, "1900-03-01"),
        (-719_162, "0001-01-01"),
        (-719_528, "0000-01-01"),
        (2_932_896, "9999-12-31"),
    ];
    for (days, iso) in cases {
        assert_eq!(day(iso).epoch_days(), days, "{iso}");
        assert_eq!(Day::from_epoch_days(days).unwrap().to_string(), iso, "{days}");
    }
    assert_eq!(Day::EPOCH, day("1970-01-01"));
    assert_eq!(Day::MIN, day("0000-01-01"));
    assert_eq!(Day::MAX, day("9999-12-31"));
}

#[test]
fn regression_every_written_date_reads_back_by_the_same_rule() {
    // frontline-output wrote "-0001-12-31" and "10000-01-01", which the
    // scenario reader could not read; now every Day writes ten characters
    // that parse back to it, across the whole range.
    let mut previous: Option<String> = None;
    for n in Day::MIN.epoch_days()..=Day::MAX.epoch_days() {
        let d = Day::from_epoch_days(n).unwrap();
        let text = d.to_string();
        assert_eq!(text.len(), 10, "{text}");
        assert_eq!(Day::parse(&text), Ok(d), "{text}");
        let (y, m, dd) = d.ymd();
        assert_eq!(Day::from_ymd(y, m, dd), Some(d));
        if let Some(p) = &previous {
            assert!(p < &text, "{p} !< {text}: text order is date order");
        }
        previous = Some(text);
    }
    assert_eq!(Day::from_epoch_days(Day::MIN.epoch_days() - 1), None);
    assert_eq!(Day::from_epoch_days(Day::MAX.epoch_days() + 1), None);
    assert_eq!(Day::from_epoch_days(i32::MIN), None);
    assert_eq!(Day::from_epoch_days(i32::MAX), None);
}

#[test]
fn regression_a_seven_digit_year_is_not_a_date_instead_of_overflowing() {
    assert_eq!(Day::parse("9999999-01-01"), Err(DateError::Format));
    assert_eq!(Day::parse("2147483647-12-31"), Err(DateError::Format));
    assert_eq!(Day::parse("10000-01-01"), Err(DateError::Format));
    assert_eq!(Day::parse("99999999999-01-01"), Err(DateError::Format));
    assert_eq!(Day::from_ymd(10_000, 1, 1), None);
    assert_eq!(Day::from_ymd(-1, 12, 31), None);
    assert_eq!(Day::from_ymd(i32::MAX, 12, 31), None);
    assert_eq!(Day::from_ymd(i32::MIN, 1, 1), None);
}

#[test]
fn regression_one_date_rule_refuses_what_only_the_scenario_reader_accepted() {
    // The scenario reader trimmed and took any integers between the dashes;
    // the output reader wanted two-digit months. One strict rule now.
    for bad in [
        "2014-6-1",
        "2014-06-1",
        "2014-6-01",
        " 2014-06-01",
        "2014-06-01 ",
        "+2014-06-01",
        "2014-+6-01",
        "2014-06-+1",
        "-0001-12-31",
        "0014-06-01-",
        "14-06-01",
    ] {
        assert_eq!(Day::parse(bad), Err(DateError::Format), "{bad:?}");
    }
}

#[test]
fn rejects_malformed_and_impossible_dates() {
    for bad in ["", "x", "2015/01/01", "2015-01-01x", "2015-01-01-01", "２015-01-01", "2015-01-0١"] {
        assert_eq!(Day::parse(bad), Err(DateError::Format), "{bad:?}");
    }
    for impossible in ["2015-02-29", "1900-02-29", "2015-13-01", "2015-00-10", "2015-04-31", "2015-01-00", "0000-00-00"]
    {
        assert_eq!(Day::parse(impossible), Err(DateError::NoSuchDay), "{impossible:?}");
    }
    assert_eq!(Day::from_ymd(2015, 0, 1), None);
    assert_eq!(Day::from_ymd(2015, 13, 1), None);
    assert_eq!(Day::from_ymd(2015, 1, 0), None);
    assert_eq!(Day::from_ymd(2015, 1, 32), None);
    assert!(Day::from_ymd(2000, 2, 29).is_some());
    assert!(Day::from_ymd(0, 2, 29).is_some(), "year 0 is a leap year");
    assert!(DateError::Format.to_string().contains("YYYY-MM-DD"));
}

#[test]
fn arithmetic_is_checked_or_saturating() {
    let d = day("2014-06-01");
    assert_eq!(d.checked_add_days(30), Some(day("2014-07-01")));
    assert_eq!(d.checked_add_days(-152), Some(day("2013-12-31")));
    assert_eq!(day("2014-07-01") - d, 30);
    assert_eq!(d - day("2014-07-01"), -30);
    assert_eq!(Day::MAX - Day::MIN, 3_652_424);
    assert_eq!(Day::MAX.checked_add_days(1), None);
    assert_eq!(Day::MIN.checked_add_days(-1), None);
    assert_eq!(d.checked_add_days(i64::MAX), None);
    assert_eq!(d.checked_add_days(i64::MIN), None);
    assert_eq!(Day::MAX.saturating_add_days(1), Day::MAX);
    assert_eq!(d.saturating_add_days(i64::MAX), Day::MAX);
    assert_eq!(d.saturating_add_days(i64::MIN), Day::MIN);
    assert_eq!(d.saturating_add_days(7), day("2014-06-08"));
    assert!(day("2014-06-01") < day("2014-06-02"));
}

#[test]
fn months_start_and_follow() {
    assert_eq!(day("2014-06-17").first_of_month(), day("2014-06-01"));
    assert_eq!(day("0000-01-01").first_of_month(), Day::MIN);
    assert_eq!(day("2014-06-17").last_of_month(), day("2014-06-30"));
    assert_eq!(day("2016-02-01").last_of_month(), day("2016-02-29"));
    assert_eq!(day("2015-02-28").last_of_month(), day("2015-02-28"));
    assert_eq!(day("2015-12-31").last_of_month(), day("2015-12-31"));
    assert_eq!(day("9999-12-01").last_of_month(), Day::MAX);
}

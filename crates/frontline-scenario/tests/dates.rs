//! Dates in scenarios follow the workspace's one rule (frontline-date):
//! strict `YYYY-MM-DD`, years 0000..=9999, real calendar days.

mod common;

use frontline_date::Day;
use frontline_scenario::Model;

/// A one-region scenario with `clock` as its `[scenario]` timing lines and
/// `extra` appended.
fn scenario(clock: &str, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"dates\"\n{clock}\nseed = 1\n\n\
         [regions.home]\nterrain = \"desert\"\nposition = [41.5, 34.3]\ncontrol = \"gov\"\n\
         population = {{ sunni = 1000 }}\ngrievance = {{ sunni = 0.5 }}\n\n\
         [actors.gov]\n\n[identities.sunni]\n\n{extra}"
    )
}

/// The model, or the rendered diagnostics (as `dates.toml`).
fn build(text: &str) -> Result<Model, String> {
    common::build_named("dates.toml", text)
}

#[test]
fn a_well_formed_scenario_builds_with_its_dates() {
    let m = build(&scenario("start = 2014-06-01\nend = \"2014-07-01\"", "")).unwrap();
    assert_eq!(m.start, Day::parse("2014-06-01").unwrap());
    assert_eq!(m.ticks, 4);
    assert_eq!(m.day_of_tick(m.ticks).to_string(), "2014-06-29");
}

#[test]
fn regression_a_scenario_running_past_9999_12_31_is_a_located_error() {
    // 100 weekly ticks from 9999-01-01 end in year 10000, whose dates cannot
    // be written as YYYY-MM-DD; the day numbers used to run on regardless.
    let e = build(&scenario("start = 9999-01-01\nticks = 100", "")).unwrap_err();
    assert!(e.contains("runs past 9999-12-31") && e.contains("dates.toml:4:9"), "{e}");
    assert!(e.contains("at most 52 ticks of 7 days from 9999-01-01"), "{e}");
    // The last tick may fall on the last date.
    let m = build(&scenario("start = 9999-12-24\nticks = 1", "")).unwrap();
    assert_eq!(m.day_of_tick(1), Day::MAX);
}

#[test]
fn regression_a_date_string_follows_the_one_rule() {
    // The scenario reader used to trim and take any integers between the
    // dashes ("2014-6-1", " 2014-06-01", "2014-06-+1"); the output reader
    // did not. Both follow frontline-date's strict rule now.
    for bad in ["2014-6-1", " 2014-06-01", "2014-06-+1", "2015-02-29", "10000-01-01"] {
        let e = build(&scenario(&format!("start = 2014-06-01\nend = \"{bad}\""), "")).unwrap_err();
        assert!(e.contains(&format!("`{bad}` is not a valid date")), "{bad:?}: {e}");
    }
}

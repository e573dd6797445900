//! `[places.<id>]` and `[scenario] key_dates`: named places resolve in
//! expressions and for views, and every bad input is refused where it is
//! written.

mod common;
use common::{build, refused};

const BASE: &str = r#"
[scenario]
name = "places"
start = 2015-01-01
ticks = 10
[scenario.watch]
ramadi_falls = "controls(red, Ramadi)"
[identities.p]
[regions.IQG01Q03]
name = "Ramadi district"
position = [43.3, 33.4]
neighbours = ["east"]
population = { p = 1000 }
[regions.east]
position = [44.4, 33.3]
population = { p = 1000 }
control = "blue"
[actors.blue]
hostile = ["red"]
[actors.red]
"#;

const PLACES: &str = r#"
[places.ramadi]
name = "Ramadi"
region = "IQG01Q03"
aliases = ["Ar Ramadi", "ar_ramadi"]
[places.baghdad]
name = "Baghdad"
region = "east"
position = [44.36, 33.31]
"#;

fn with(extra: &str) -> String {
    format!("{BASE}{PLACES}{extra}")
}

#[test]
fn places_name_regions_in_expressions_and_for_views() {
    let m = build(&with("")).unwrap();
    let ramadi = m.region_index("IQG01Q03").unwrap();
    assert_eq!(m.places.len(), 2);
    let p = m.places.iter().find(|p| p.id == "ramadi").unwrap();
    assert_eq!((p.name.as_str(), p.region), ("Ramadi", ramadi));
    assert_eq!(p.position, (43.3, 33.4), "no position: the region's");
    assert!(!p.declared_position);
    assert_eq!(m.places.iter().find(|p| p.id == "baghdad").unwrap().position, (44.36, 33.31));
    for name in ["IQG01Q03", "ramadi", "Ramadi", "RAMADI", "Ar Ramadi", "ar ramadi", "Ramadi district"] {
        assert_eq!(m.resolve_region(name), Some(ramadi), "{name}");
    }
    assert_eq!(m.resolve_region("Mosul"), None);
    assert_eq!(m.region_label(ramadi), "Ramadi (Ramadi district)");
    // The watch `controls(red, Ramadi)` compiled to the district.
    let w = &m.watches[0];
    let mut regions = Vec::new();
    w.when.for_each_name(&mut |k, i| {
        if k == frontline_scenario::expr::NameKind::Region {
            regions.push(i)
        }
    });
    assert_eq!(regions, vec![ramadi]);
}

#[test]
fn an_alias_in_an_expression_ignores_case() {
    let m = build(&with("").replace("controls(red, Ramadi)", "controls(red, AR_RAMADI)")).unwrap();
    assert_eq!(m.watches.len(), 1);
}

#[test]
fn an_unknown_place_in_an_expression_is_refused_with_a_hint() {
    let text = with("").replace("controls(red, Ramadi)", "controls(red, Ramadii)");
    refused(&text, "Ramadii", &["unknown region id `Ramadii`", "did you mean `ramadi`?"]);
}

#[test]
fn a_place_in_an_undeclared_region_is_refused() {
    let text = with("[places.mosul]\nregion = \"IQG09Q01\"\n");
    refused(&text, "\"IQG09Q01\"", &["unknown region `IQG09Q01`"]);
}

#[test]
fn a_place_without_a_region_is_refused() {
    let text = with("[places.mosul]\nname = \"Mosul\"\n");
    let e = build(&text).unwrap_err();
    assert!(e.contains("region"), "{e}");
    assert!(e.contains("keys.toml:"), "{e}");
}

#[test]
fn two_places_with_one_name_are_refused() {
    let text = with("[places.ramadi2]\nregion = \"east\"\naliases = [\"ramadi\"]\n");
    refused(&text, "\"ramadi\"]", &["both called `ramadi`", "rename one of them"]);
}

#[test]
fn a_place_called_like_another_region_is_refused() {
    let text = with("[places.town]\nregion = \"IQG01Q03\"\naliases = [\"EAST\"]\n");
    refused(&text, "\"EAST\"", &["the id of another region"]);
}

#[test]
fn a_bad_place_position_is_refused() {
    let text = with("").replace("position = [44.36, 33.31]", "position = [44.36]");
    refused(&text, "[44.36]", &["position must be [longitude, latitude]"]);
    let text = with("").replace("position = [44.36, 33.31]", "position = [33.31, 144.36]");
    refused(&text, "[33.31, 144.36]", &["longitude in [-180, 180] and latitude in [-90, 90]"]);
}

#[test]
fn an_empty_alias_is_refused() {
    let text = with("").replace("\"ar_ramadi\"", "\" \"");
    refused(&text, "\" \"", &["empty name or alias"]);
}

#[test]
fn an_unknown_key_of_a_place_is_refused() {
    let text = with("").replace("name = \"Baghdad\"", "nmae = \"Baghdad\"");
    let e = build(&text).unwrap_err();
    assert!(e.contains("nmae"), "{e}");
}

#[test]
fn key_dates_are_sorted_and_must_fall_in_the_scenario() {
    let text = with("").replace(
        "[scenario.watch]",
        "[scenario.key_dates]\n\"question\" = 2015-02-01\n\"start of offensive\" = 2015-01-15\n[scenario.watch]",
    );
    let m = build(&text).unwrap();
    let labels: Vec<&str> = m.key_dates.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels, ["start of offensive", "question"]);
    let bad = text.replace("2015-02-01", "2016-02-01");
    refused(&bad, "2016-02-01", &["key date `question`", "outside the scenario", "2015-01-01 to 2015-03-12"]);
}

//! The keys of civilian harm and displacement (docs/model.md §3.17): `camp`
//! on regions and the `[constants.civilians]` group. Good values build; bad
//! ones are located errors.

use frontline_scenario::Model;
use frontline_scenario::constants::Constants;
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::load::build_from_tree;
use frontline_scenario::value::parse_toml;

/// A two-region scenario with `region` appended to region `home`'s table and `extra` at the end.
fn scenario(region: &str, extra: &str) -> String {
    format!(
        "[scenario]\nname = \"keys\"\nstart = 2014-06-01\nticks = 4\n\n\
         [identities.sunni]\n\n\
         [regions.home]\nposition = [41.5, 34.3]\nneighbours = [\"away\"]\ncontrol = \"gov\"\n\
         population = {{ sunni = 1000 }}\n{region}\n\n\
         [regions.away]\nposition = [42.5, 34.3]\npopulation = {{ sunni = 100 }}\n\n\
         [actors.gov]\n{extra}\n"
    )
}

fn build(text: &str) -> Result<Model, String> {
    let mut sources = Sources::new();
    let mut d = Diagnostics::default();
    let f = sources.add("keys.toml".into(), text.into(), None);
    let Some(tree) = parse_toml(text, f, &mut d) else {
        return Err(d.render(&sources, false));
    };
    build_from_tree(&tree, &sources).map_err(|d| d.render(&sources, false))
}

/// `keys.toml:line:column` of the place marked `|` in `needle`.
fn at(text: &str, needle: &str) -> String {
    let (head, tail) = needle.split_once('|').unwrap_or(("", needle));
    let found = text.find(&format!("{head}{tail}")).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..found + head.len()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("keys.toml:{line}:{column}")
}

fn refused(text: &str, needle: &str, parts: &[&str]) {
    let e = build(text).unwrap_err();
    let loc = at(text, needle);
    assert!(e.contains(&loc), "no {loc} in:\n{e}");
    for p in parts {
        assert!(e.contains(p), "no {p:?} in:\n{e}");
    }
}

#[test]
fn camp_builds_and_defaults_to_false() {
    let m = build(&scenario("camp = true", "[mechanisms]\ndisplacement = true\ncivilian_harm = true")).unwrap();
    assert!(m.regions[m.region_index("home").unwrap()].camp);
    assert!(!m.regions[m.region_index("away").unwrap()].camp);
    // Given while displacement is off: fine, it does nothing.
    assert!(build(&scenario("camp = false", "")).is_ok());
}

#[test]
fn a_camp_that_is_not_a_boolean_is_a_located_error() {
    let t = scenario("camp = 3", "");
    refused(&t, "camp = |3", &["true or false"]);
    let t = scenario("camp = \"yes\"", "");
    refused(&t, "camp = |\"yes\"", &["true or false"]);
}

#[test]
fn every_civilians_constant_is_bounded_with_a_located_error() {
    let group: Vec<_> = Constants::catalogue().into_iter().filter(|c| c.group == "civilians").collect();
    assert_eq!(group.len(), 20);
    for c in &group {
        let good = scenario("", &format!("[constants.civilians]\n{} = {}", c.name, c.default));
        assert!(build(&good).is_ok(), "{}", c.name);
        for bad in [c.max + 1.0, c.min - 1.0] {
            let t = scenario("", &format!("[constants.civilians]\n{} = {bad}", c.name));
            refused(
                &t,
                &format!("{} = |{bad}", c.name),
                &[&format!("constant `civilians.{}` = {bad} is out of range", c.name), "a value in ["],
            );
        }
    }
    let t = scenario("", "[constants.civilians]\nflee_rate = 0.1");
    refused(&t, "|flee_rate", &["unknown constant `civilians.flee_rate`", "flee_rate_combat"]);
}

#[test]
fn the_switches_are_off_by_default_and_can_be_turned_on() {
    use frontline_scenario::spec::MechanismName;
    let m = build(&scenario("", "")).unwrap();
    assert!(!m.mechanisms.on(MechanismName::CivilianHarm) && !m.mechanisms.on(MechanismName::Displacement));
    let m = build(&scenario("", "[mechanisms]\ncivilian_harm = true")).unwrap();
    assert!(m.mechanisms.on(MechanismName::CivilianHarm) && !m.mechanisms.on(MechanismName::Displacement));
    let t = scenario("", "[mechanisms]\ndisplacement = 1");
    refused(&t, "displacement = |1", &["true or false"]);
}

//! The keys of civilian harm and displacement (docs/model.md §3.17): `camp`
//! on regions and the `[constants.civilians]` group. Good values build; bad
//! ones are located errors.

mod common;

use common::{build, refused};

use frontline_scenario::constants::Constants;

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

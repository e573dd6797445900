//! The keys of the air campaign (docs/model.md §3.18): `mission` on
//! air_strike, the `air_surge` tactic, the new `air` constants and the rule
//! functions `sorties`, `fatigue` and `contact`. Good values build; bad ones
//! are located errors.

mod common;

use common::build;

use frontline_scenario::constants::Constants;
use frontline_scenario::model::Tactic;
use frontline_scenario::spec::AirMission;

/// Two regions, a government with an army, a US air group, and `extra`
/// appended (rules, constants).
fn scenario(extra: &str) -> String {
    format!(
        "[scenario]\nname = \"air\"\nstart = 2014-06-01\nticks = 4\n\n\
         [mechanisms]\nair_campaign = true\n\n\
         [identities.sunni]\n\n\
         [regions.home]\nposition = [41.5, 34.3]\nneighbours = [\"away\"]\ncontrol = \"gov\"\n\n\
         [regions.away]\nposition = [42.5, 34.3]\ncontrol = \"isis\"\n\n\
         [actors.gov]\nhostile = [\"isis\"]\nallies = [\"us\"]\n\n\
         [actors.us]\nhostile = [\"isis\"]\n\n\
         [actors.isis]\n\n\
         [forces.army]\nactor = \"gov\"\nkind = \"army\"\npersonnel = {{ home = 1000 }}\n\n\
         [forces.us_air]\nactor = \"us\"\nkind = \"air\"\npersonnel = {{ home = 50 }}\n\n\
         {extra}\n"
    )
}

/// Checks that the scenario with `extra` appended is refused at `needle`.
fn refused(extra: &str, needle: &str, parts: &[&str]) {
    common::refused(&scenario(extra), needle, parts);
}

const STRIKE: &str = "[actors.us.rules.s]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"away\"";

#[test]
fn good_keys_build() {
    let m = build(&scenario(&format!(
        "{STRIKE}, mission = \"oil\" }}\n\
         [actors.us.rules.d]\nthen = {{ tactic = \"air_strike\", force = \"us_air\" }}\n\
         [actors.us.rules.surge]\nwhen = \"sorties(us_air) < 60 and fatigue(us_air) < 0.5 and contact(gov, away) > 0.5\"\n\
         then = {{ tactic = \"air_surge\", force = \"us_air\", amount = \"0.5\" }}\n\
         [constants.air]\nmax_surge = 2\nfatigue_per_surge = 0.3\nfatigue_recovery = 0.4\ninterdiction_k = 0.1\noil_k = 0.02\n"
    )))
    .unwrap();
    let us = m.actor_index("us").unwrap();
    let rule = |name: &str| &m.actors[us].rules.iter().find(|r| r.name == name).unwrap().then;
    assert!(matches!(rule("s"), Tactic::AirStrike { mission: AirMission::Oil, .. }));
    assert!(matches!(rule("d"), Tactic::AirStrike { mission: AirMission::Support, .. }), "support by default");
    assert!(matches!(rule("surge"), Tactic::AirSurge { .. }));
    let a = &m.constants.air;
    assert_eq!(
        (a.max_surge, a.fatigue_per_surge, a.fatigue_recovery, a.interdiction_k, a.oil_k),
        (2.0, 0.3, 0.4, 0.1, 0.02)
    );
}

#[test]
fn a_bad_mission_is_a_located_error() {
    refused(
        &format!("{STRIKE}, mission = \"oill\" }}\n"),
        "mission = |\"oill\"",
        &["unknown value `oill`", "support, interdiction, oil"],
    );
    refused(&format!("{STRIKE}, mission = 3 }}\n"), "mission = |3", &["wrong type", "support, interdiction, oil"]);
    refused(
        "[actors.gov.rules.m]\nthen = { tactic = \"deploy\", force = \"army\", to = \"away\", mission = \"support\" }\n",
        "mission = |\"support\"",
        &["`mission` is a key of air_strike, not of `deploy`", "drop `mission`"],
    );
}

#[test]
fn a_bad_air_surge_is_a_located_error() {
    let surge = |rest: &str| format!("[actors.us.rules.g]\nthen = {{ tactic = \"air_surge\"{rest} }}\n");
    refused(&surge(", force = \"us_air\""), "tactic = |\"air_surge\"", &["tactic `air_surge` needs `amount`"]);
    refused(&surge(", amount = 1"), "tactic = |\"air_surge\"", &["tactic `air_surge` needs `force`"]);
    refused(
        &surge(", force = \"us_air\", amount = 11"),
        "amount = |11",
        &["amount of `air_surge` is 11, out of range", "[0, 10]"],
    );
    refused(&surge(", force = \"us_air\", amount = -1"), "amount = |-1", &["out of range"]);
    refused(
        "[actors.gov.rules.g]\nthen = { tactic = \"air_surge\", force = \"army\", amount = 1 }\n",
        "force = |\"army\", amount",
        &["`army` is not an air force group", "kind = \"air\""],
    );
    refused(
        "[actors.gov.rules.g]\nthen = { tactic = \"air_surge\", force = \"us_air\", amount = 1 }\n",
        "force = |\"us_air\", amount",
        &["belongs to another actor"],
    );
    refused(&surge(", force = \"us_air\", amount = \"sorties(gov)\""), "sorties(|gov)", &["force group"]);
    refused(&surge(", force = \"us_air\", amount = \"contact(us_air, home)\""), "contact(|us_air", &["actor"]);
}

#[test]
fn the_literal_surge_limit_is_the_top_of_the_constants_range() {
    let c = Constants::catalogue().into_iter().find(|c| c.group == "air" && c.name == "max_surge").unwrap();
    assert_eq!(c.max, 10.0, "keep AIR_SURGE_LIMIT in model/tactics.rs equal to this");
}

#[test]
fn every_new_constant_is_checked_against_its_range() {
    for (name, bad) in [
        ("max_surge", "11"),
        ("fatigue_per_surge", "1.5"),
        ("fatigue_recovery", "-0.1"),
        ("interdiction_k", "101"),
        ("oil_k", "-1"),
    ] {
        refused(
            &format!("[constants.air]\n{name} = {bad}\n"),
            &format!("{name} = |{bad}"),
            &[&format!("constant `air.{name}` = {} is out of range", bad.parse::<f64>().unwrap()), "a value in ["],
        );
    }
    refused("[constants.air]\nmax_surges = 1\n", "|max_surges", &["unknown constant `air.max_surges`", "max_surge"]);
}

#[test]
fn the_keys_are_fine_while_the_campaign_is_off() {
    let text = scenario(&format!(
        "{STRIKE}, mission = \"interdiction\" }}\n[actors.us.rules.g]\nthen = {{ tactic = \"air_surge\", force = \"us_air\", amount = 1 }}\n"
    ))
    .replace("air_campaign = true", "air_campaign = false");
    assert!(build(&text).is_ok());
}

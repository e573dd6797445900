//! The keys of manpower and the recruitment regimes (docs/model.md §3.12):
//! `manpower_share` on regions, `conscription`, `inflow` and `inflow_region`
//! on force groups. Good values build; bad ones are located errors.

mod common;

use common::{build, refused};

use frontline_scenario::expr::Expr;

/// A two-region scenario with `region` appended to region `home`'s table and
/// `force` to force group `band`'s.
fn scenario(region: &str, force: &str) -> String {
    format!(
        "[scenario]\nname = \"keys\"\nstart = 2014-06-01\nticks = 4\n\n\
         [parameters.ff]\nvalue = 2\nmin = 1\nmax = 3\n\n\
         [identities.sunni]\n[identities.shia]\n\n\
         [regions.home]\nposition = [41.5, 34.3]\nneighbours = [\"away\"]\ncontrol = \"gov\"\n\
         population = {{ sunni = 1000, shia = 500 }}\n{region}\n\n\
         [regions.away]\nposition = [42.5, 34.3]\npopulation = {{ sunni = 100 }}\n\n\
         [actors.gov]\n\n\
         [forces.band]\nactor = \"gov\"\nkind = \"militia\"\nidentity = \"sunni\"\npersonnel = {{ home = 10 }}\n{force}\n"
    )
}

#[test]
fn good_keys_build() {
    let m = build(&scenario(
        "manpower_share = { sunni = 0.3 }",
        "conscription = 0.02\ninflow = \"ff * 100\"\ninflow_region = \"away\"",
    ))
    .unwrap();
    let (home, away) = (m.region_index("home").unwrap(), m.region_index("away").unwrap());
    let sunni = m.identities.iter().position(|i| i.id == "sunni").unwrap();
    assert_eq!(m.regions[home].manpower_share[sunni], Some(0.3));
    assert_eq!(m.regions[home].manpower_share[1 - sunni], None);
    assert_eq!(m.regions[away].manpower_share, vec![None, None]);
    assert_eq!(m.forces[0].conscription, 0.02);
    let (e, r) = m.forces[0].inflow.as_ref().unwrap();
    assert_eq!(*r, away);
    assert!(matches!(e, Expr::Arith(..)), "an expression over the parameter, computed every tick: {e:?}");
    let plain = build(&scenario("", "inflow = 40\ninflow_region = \"home\"")).unwrap();
    assert!(plain.forces[0].inflow.is_some());
    let none = build(&scenario("", "")).unwrap();
    assert_eq!((none.forces[0].conscription, none.forces[0].inflow.is_none()), (0.0, true));
}

#[test]
fn manpower_share_out_of_range_is_a_located_error() {
    let t = scenario("manpower_share = { sunni = 1.5 }", "");
    refused(&t, "sunni = |1.5", &["manpower_share of `sunni` in `home` is 1.5, out of range", "a value in [0, 1]"]);
    let t = scenario("manpower_share = { shia = -0.1 }", "");
    refused(&t, "-0.1", &["manpower_share of `shia` in `home` is -0.1, out of range"]);
}

#[test]
fn manpower_share_of_an_unknown_identity_is_a_located_error() {
    let t = scenario("manpower_share = { sunny = 0.2 }", "");
    refused(&t, "sunny", &["unknown identity `sunny`", "the id of a declared identity", "sunni"]);
}

#[test]
fn conscription_out_of_range_is_a_located_error() {
    let t = scenario("", "conscription = 2");
    refused(&t, "conscription = |2", &["conscription of `band` is 2, out of range", "a value in [0, 1]"]);
}

#[test]
fn a_bad_inflow_expression_is_a_located_error() {
    let t = scenario("", "inflow = \"fff * 100\"\ninflow_region = \"away\"");
    refused(&t, "fff", &["fff"]);
    let t = scenario("", "inflow = \"controls(gov, home)\"\ninflow_region = \"away\"");
    refused(&t, "controls", &["type error"]);
    let t = scenario("", "inflow = -5\ninflow_region = \"away\"");
    refused(&t, "-5", &["inflow of `band` is -5, out of range", "MAX_PEOPLE"]);
}

#[test]
fn an_inflow_needs_a_known_inflow_region() {
    let t = scenario("", "inflow = 10");
    refused(&t, "inflow = |10", &["force group `band` has an inflow but no inflow_region", "inflow_region = "]);
    let t = scenario("", "inflow = 10\ninflow_region = \"abroad\"");
    refused(&t, "\"abroad\"", &["unknown region `abroad`", "the id of a declared region"]);
}

#[test]
fn an_air_group_cannot_have_an_inflow() {
    let t =
        scenario("", "").replace("kind = \"militia\"", "kind = \"air\"") + "inflow = 10\ninflow_region = \"home\"\n";
    refused(&t, "inflow = |10", &["air group `band` cannot have an inflow"]);
}

//! The keys of manpower and the recruitment regimes (docs/model.md §3.12):
//! `manpower_share` on regions, `conscription`, `inflow` and `inflow_region`
//! on force groups. Good values build; bad ones are located errors.

use frontline_scenario::Model;
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::expr::Expr;
use frontline_scenario::load::build_from_tree;
use frontline_scenario::value::parse_toml;

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

/// The model, or the rendered diagnostics.
fn build(text: &str) -> Result<Model, String> {
    let mut sources = Sources::new();
    let mut d = Diagnostics::default();
    let f = sources.add("keys.toml".into(), text.into(), None);
    let Some(tree) = parse_toml(text, f, &mut d) else {
        return Err(d.render(&sources, false));
    };
    build_from_tree(&tree, &sources).map_err(|d| d.render(&sources, false))
}

/// `keys.toml:line:column` of the first occurrence of `needle` in `text`,
/// or of the place marked `|` in it (`"conscription = |2"`: the 2).
fn at(text: &str, needle: &str) -> String {
    let (head, tail) = needle.split_once('|').unwrap_or(("", needle));
    let found = text.find(&format!("{head}{tail}")).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let start = found + head.len();
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("keys.toml:{line}:{column}")
}

/// Builds `text`, expecting an error that contains every one of `parts` and
/// the location of `needle`.
fn refused(text: &str, needle: &str, parts: &[&str]) {
    let e = build(text).unwrap_err();
    let loc = at(text, needle);
    assert!(e.contains(&loc), "no {loc} in:\n{e}");
    for p in parts {
        assert!(e.contains(p), "no {p:?} in:\n{e}");
    }
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

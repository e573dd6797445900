//! Small synthetic scenarios for unit and property tests (not part of the
//! public API). `line` is five regions in a row — capital, suburbs, city,
//! valley, desert — with a government, its tribal allies and an insurgency.

use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::load::build_from_tree;
use frontline_scenario::value::{merge, parse_toml};

/// The base text of the `line` scenario.
pub const LINE: &str = r#"
[scenario]
name = "line"
start = 2014-06-01
ticks = 52
seed = 1

[parameters.distrust]
value = 0.7
min = 0.3
max = 0.9
source = "assumption"

[parameters.k]
value = 1.0

[identities.sunni]
[identities.shia]

[regions.capital]
terrain = "urban"
value = 10
position = [44.4, 33.3]
neighbours = ["suburbs"]
control = "gov"
population = { shia = 400000, sunni = 100000 }
support = { shia = { gov = 0.5 }, sunni = { gov = 0.0 } }

[regions.suburbs]
position = [44.0, 33.35]
neighbours = ["city"]
control = "gov"
population = { shia = 50000, sunni = 50000 }
support = { shia = { gov = 0.4 } }

[regions.city]
terrain = "urban"
value = 5
position = [43.3, 33.42]
neighbours = ["valley"]
control = "gov"
population = { sunni = 200000 }
grievance = { sunni = 0.4 }
support = { sunni = { isis = 0.1, tribes = 0.3, gov = -0.1 } }

[regions.valley]
position = [42.5, 33.8]
neighbours = ["desert"]
population = { sunni = 80000 }
grievance = { sunni = 0.5 }
support = { sunni = { isis = 0.2, tribes = 0.3 } }

[regions.desert]
terrain = "desert"
position = [41.5, 34.3]
control = "isis"
population = { sunni = 20000 }
grievance = { sunni = 0.6 }
support = { sunni = { isis = 0.4 } }

[actors.gov]
income = 10
money = 100
weapons = 2000
key_regions = ["capital"]
hostile = ["isis"]
allies = ["tribes"]
excludes = ["sunni"]

[actors.tribes]
hostile = ["isis"]

[actors.isis]
income = 1
money = 10

[forces.army]
actor = "gov"
kind = "army"
identity = "shia"
personnel = { capital = 5000, suburbs = 2000, city = 1000 }
quality = 0.4
morale = 0.4

[forces.tribes]
actor = "tribes"
kind = "tribal"
identity = "sunni"
personnel = { city = 500, valley = 300 }
equipment = 200
morale = 0.6

[forces.insurgents]
actor = "isis"
kind = "insurgent"
identity = "sunni"
personnel = { desert = 2000, valley = 200 }
quality = 0.6
morale = 0.8
recruit_rate = 0.001
"#;

/// Builds a model from base text plus an overlay (merged like a variant).
pub fn build(base: &str, extra: &str) -> Model {
    let mut sources = Sources::new();
    let mut d = Diagnostics::default();
    let f0 = sources.add("base.toml".into(), base.into(), None);
    let f1 = sources.add("extra.toml".into(), extra.into(), None);
    let mut tree = parse_toml(base, f0, &mut d).expect("base parses");
    let over = parse_toml(extra, f1, &mut d).expect("overlay parses");
    merge(&mut tree, over);
    match build_from_tree(&tree, &sources) {
        Ok(m) => m,
        Err(d) => panic!("{}", d.render(&sources, false)),
    }
}

/// The `line` scenario with an overlay.
pub fn line(extra: &str) -> Model {
    build(LINE, extra)
}

/// Sets a group's personnel in a region and refreshes effective strengths.
pub fn set_personnel(m: &Model, s: &mut State, f: usize, r: usize, x: f64) {
    let nr = m.regions.len();
    s.personnel[f * nr + r] = x;
    crate::phases::perception::effective_strengths(m, s);
}

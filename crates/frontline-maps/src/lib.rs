//! # frontline-maps
//!
//! Maps of a scenario's regions, as standalone SVG files (readable in any
//! browser, embeddable in reports) and GeoJSON (for QGIS, geopandas, kepler):
//!
//! - [`control_svg`] / [`control_geojson`]: who holds each region on a date,
//!   contested regions hatched;
//! - [`probability_svg`] / [`probability_geojson`]: an ensemble's probability
//!   that an actor holds each region on a date.
//!
//! Regions are drawn from the polygons of the scenario's GeoJSON map when it
//! has one; regions without a polygon (all of them in a scenario without a
//! map, or an off-map region such as a neighbouring country) are drawn as
//! circles at their `position`, with their neighbour links, so every scenario
//! gets a map.
//!
//! This crate is a view: it takes numbers already computed (a controller or
//! a probability per region) and the validated model, and returns text. It
//! must not run the engine, read tables or write files.

#![warn(missing_docs)]

mod projection;
mod svg;

pub use projection::Projection;
pub use svg::{Layout, Shape, ZERO, escape, layout, unique_ids};

use frontline_scenario::Model;
use serde_json::{Value, json};

/// Fill colours for actors, in actor order (cycled): Tableau 10, a
/// categorical palette designed to stay distinguishable (Stone 2004).
pub const PALETTE: [&str; 10] =
    ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/// Fill of regions nobody holds.
pub const NOBODY: &str = "#eeeeee";

/// The colour a share `t` of the way from `a` to `b` (both `#rrggbb`).
pub fn svg_blend(a: &str, b: &str, t: f64) -> String {
    svg::blend(a, b, t)
}

/// The colour of actor `a`.
pub fn actor_colour(a: usize) -> &'static str {
    PALETTE[a % PALETTE.len()]
}

/// The colour of force group `f`: its actor's hue, in a shade by the
/// group's rank among that actor's groups (the first in the actor's colour,
/// then alternately darker and lighter), so that an actor's groups read as
/// one family and no two groups of a scenario with at most ten actors share
/// a colour.
pub fn group_colour(m: &Model, f: usize) -> String {
    const SHADES: [f64; 7] = [0.0, -0.35, 0.4, -0.6, 0.6, -0.75, 0.75];
    let actor = m.forces[f].actor;
    let rank = (0..f).filter(|&g| m.forces[g].actor == actor).count();
    let t = SHADES[rank % SHADES.len()];
    let base = actor_colour(actor);
    if t < 0.0 { svg::blend(base, "#000000", -t) } else { svg::blend(base, "#ffffff", t) }
}

/// Zones of control: each region filled with its controller's colour
/// (`None`: nobody), contested regions hatched, with a legend of the actors
/// that hold something. `control` and `contested` are per region, in model
/// order.
pub fn control_svg(m: &Model, control: &[Option<usize>], contested: &[bool], title: &str) -> String {
    assert_eq!(control.len(), m.regions.len(), "one controller per region");
    assert_eq!(contested.len(), m.regions.len(), "one contested flag per region");
    let fills: Vec<svg::RegionStyle> = (0..m.regions.len())
        .map(|r| svg::RegionStyle {
            fill: control[r].map_or(NOBODY.to_string(), |a| actor_colour(a).to_string()),
            hatched: contested[r],
            tooltip: format!(
                "{} ({}): {}{}",
                m.regions[r].name,
                m.regions[r].id,
                control[r].map_or("nobody", |a| m.actors[a].name.as_str()),
                if contested[r] { ", contested" } else { "" }
            ),
        })
        .collect();
    let mut legend: Vec<(String, String, bool)> = (0..m.actors.len())
        .filter(|&a| control.contains(&Some(a)))
        .map(|a| (actor_colour(a).to_string(), m.actors[a].name.clone(), false))
        .collect();
    if control.contains(&None) {
        legend.push((NOBODY.to_string(), "nobody".into(), false));
    }
    if contested.contains(&true) {
        legend.push(("#ffffff".into(), "contested".into(), true));
    }
    svg::render(m, &fills, title, &svg::Legend::Categories(legend))
}

/// Probability of control: each region shaded from white (0) to actor `a`'s
/// colour (1), with a colour bar; regions at exactly 0 (held in no run) in
/// the neutral grey [`ZERO`], outlined, so that they stay visible. `p` is
/// per region, in model order.
pub fn probability_svg(m: &Model, p: &[f64], a: usize, title: &str) -> String {
    assert_eq!(p.len(), m.regions.len(), "one probability per region");
    let colour = actor_colour(a);
    let fills: Vec<svg::RegionStyle> = (0..m.regions.len())
        .map(|r| svg::RegionStyle {
            fill: if p[r] > 0.0 { svg::blend("#ffffff", colour, p[r].min(1.0)) } else { ZERO.to_string() },
            hatched: false,
            tooltip: format!(
                "{} ({}): P({} holds) = {:.2}",
                m.regions[r].name, m.regions[r].id, m.actors[a].name, p[r]
            ),
        })
        .collect();
    let legend = svg::Legend::Scale {
        stops: vec!["#ffffff".into(), colour.to_string()],
        range: (0.0, 1.0),
        label: format!("P({} holds)", m.actors[a].name),
        zero: p.iter().any(|&x| x <= 0.0).then(|| "0: held in no run".to_string()),
    };
    svg::render(m, &fills, title, &legend)
}

/// Colours of the difference scale: red (−1) through white (0) to blue (+1).
pub const DIVERGING: [&str; 3] = ["#c0392b", "#ffffff", "#2166ac"];

/// A difference of probabilities of control (ΔP = arm − baseline, per
/// region in model order): red where the arm lowers actor `a`'s chance of
/// holding a region, blue where it raises it, white where it leaves it; the
/// scale spans ±`extent` (the largest |ΔP| rounded up, at least 0.05).
pub fn difference_svg(m: &Model, dp: &[f64], a: usize, title: &str) -> String {
    assert_eq!(dp.len(), m.regions.len(), "one difference per region");
    let max = dp.iter().map(|d| d.abs()).filter(|d| d.is_finite()).fold(0.0, f64::max);
    let extent = ((max * 20.0).ceil() / 20.0).clamp(0.05, 1.0);
    let fills: Vec<svg::RegionStyle> = (0..m.regions.len())
        .map(|r| {
            let t = (dp[r] / extent).clamp(-1.0, 1.0);
            let fill = if t < 0.0 {
                svg::blend(DIVERGING[1], DIVERGING[0], -t)
            } else {
                svg::blend(DIVERGING[1], DIVERGING[2], t)
            };
            svg::RegionStyle {
                fill,
                hatched: false,
                tooltip: format!(
                    "{} ({}): ΔP({} holds) = {:+.3}",
                    m.regions[r].name, m.regions[r].id, m.actors[a].name, dp[r]
                ),
            }
        })
        .collect();
    let legend = svg::Legend::Scale {
        stops: DIVERGING.iter().map(|c| c.to_string()).collect(),
        range: (-extent, extent),
        label: format!("ΔP({} holds), arm − baseline", m.actors[a].name),
        zero: None,
    };
    svg::render(m, &fills, title, &legend)
}

/// A region's geometry as GeoJSON: its map polygons, or a point at its
/// position when it has none.
fn geometry(m: &Model, r: usize) -> Value {
    let region = &m.regions[r];
    match m.map.as_ref().and_then(|map| map.get(&region.id)) {
        Some(g) if !g.rings.is_empty() => {
            let ring = |ring: &Vec<(f64, f64)>| {
                let mut v: Vec<Value> = ring.iter().map(|&(x, y)| json!([x, y])).collect();
                // GeoJSON rings are closed.
                if ring.first() != ring.last() {
                    v.push(v[0].clone());
                }
                Value::Array(v)
            };
            json!({"type": "MultiPolygon", "coordinates": g.rings.iter().map(|r| json!([ring(r)])).collect::<Vec<_>>()})
        }
        _ => json!({"type": "Point", "coordinates": [region.position.0, region.position.1]}),
    }
}

fn feature_collection(m: &Model, properties: impl Fn(usize) -> serde_json::Map<String, Value>) -> Value {
    let features: Vec<Value> = (0..m.regions.len())
        .map(|r| {
            let mut props = serde_json::Map::new();
            props.insert("region".into(), json!(m.regions[r].id));
            props.insert("name".into(), json!(m.regions[r].name));
            props.extend(properties(r));
            json!({"type": "Feature", "properties": props, "geometry": geometry(m, r)})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// Zones of control as GeoJSON: one feature per region with `region`,
/// `name`, `controller` (actor id or null), `contested` and `date`.
pub fn control_geojson(m: &Model, control: &[Option<usize>], contested: &[bool], date: &str) -> Value {
    feature_collection(m, |r| {
        let mut p = serde_json::Map::new();
        p.insert("date".into(), json!(date));
        p.insert("controller".into(), json!(control[r].map(|a| m.actors[a].id.clone())));
        p.insert("contested".into(), json!(contested[r]));
        p
    })
}

/// Probabilities of control as GeoJSON: one feature per region with
/// `region`, `name`, `date` and `p_<actor>` for every actor;
/// `p[a][r]` is actor a's probability of holding region r.
pub fn probability_geojson(m: &Model, p: &[Vec<f64>], date: &str) -> Value {
    assert_eq!(p.len(), m.actors.len(), "one row of probabilities per actor");
    feature_collection(m, |r| {
        let mut props = serde_json::Map::new();
        props.insert("date".into(), json!(date));
        for (a, actor) in m.actors.iter().enumerate() {
            props.insert(format!("p_{}", actor.id), json!(p[a][r]));
        }
        props
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontline_scenario::diag::{Diagnostics, Sources};
    use frontline_scenario::load::build_from_tree;
    use frontline_scenario::value::parse_toml;

    pub(crate) fn model(text: &str) -> Model {
        let mut sources = Sources::new();
        let f = sources.add("t.toml".into(), text.into(), None);
        let mut d = Diagnostics::default();
        let tree = parse_toml(text, f, &mut d).expect("parses");
        build_from_tree(&tree, &sources).unwrap_or_else(|d| panic!("{}", d.render(&sources, false)))
    }

    pub(crate) const THREE: &str = r#"
[scenario]
name = "three <&> regions"
start = 2015-01-01
ticks = 1
[identities.p]
[regions.west]
name = "West & Co"
position = [40.0, 33.0]
neighbours = ["middle"]
control = "red"
population = { p = 1000 }
[regions.middle]
position = [41.0, 33.5]
neighbours = ["east"]
population = { p = 5000 }
[regions.east]
position = [42.0, 33.0]
control = "blue"
population = { p = 100 }
[actors.blue]
name = "Blue"
hostile = ["red"]
[actors.red]
name = "Red"
"#;

    #[test]
    fn control_map_colours_regions_by_controller_and_hatches_contested_ones() {
        let m = model(THREE);
        let (blue, red) = (m.actor_index("blue").unwrap(), m.actor_index("red").unwrap());
        let control: Vec<Option<usize>> = m.regions.iter().map(|r| r.control).collect();
        let contested: Vec<bool> = m.regions.iter().map(|r| r.id == "middle").collect();
        let svg = control_svg(&m, &control, &contested, "Control on 2015-01-01");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(actor_colour(blue)) && svg.contains(actor_colour(red)) && svg.contains(NOBODY));
        assert!(svg.contains("-hatch)\"") && svg.contains("fill=\"url(#m"), "contested regions are hatched");
        assert!(svg.contains("West &amp; Co (west): Red"), "tooltips name the region and the holder, escaped");
        assert!(svg.contains("<title>Control on 2015-01-01</title>"));
        assert_eq!(svg.matches("<circle").count(), 3 + 1, "no polygons: a circle per region, and a hatch over one");
        assert!(
            svg.match_indices('&')
                .all(|(i, _)| ["&amp;", "&lt;", "&gt;", "&quot;"].iter().any(|e| svg[i..].starts_with(e))),
            "every ampersand is an entity"
        );
    }

    #[test]
    fn probability_map_shades_from_white_to_the_actor_colour() {
        let m = model(THREE);
        let blue = m.actor_index("blue").unwrap();
        let svg = probability_svg(&m, &[0.0, 0.5, 1.0], blue, "P");
        assert!(!svg.contains("fill=\"#ffffff\"><title>"), "no region is white: p = 0 is the neutral grey");
        assert_eq!(svg.matches(&format!("fill=\"{ZERO}\"><title>")).count(), 1, "the region at p = 0 is grey");
        assert!(svg.contains("0: held in no run"), "the legend explains the grey");
        assert!(svg.contains(&format!("fill=\"{}\"", actor_colour(blue))), "p = 1 is the actor's colour");
        assert!(svg.contains("P(Blue holds) = 0.50"));
        assert!(svg.contains("<linearGradient"), "a colour bar");
    }

    /// The ids an SVG declares (`id="…"`).
    fn ids(svg: &str) -> Vec<String> {
        svg.match_indices(" id=\"").map(|(i, _)| svg[i + 5..].split('"').next().unwrap_or("").to_string()).collect()
    }

    #[test]
    fn regression_maps_inlined_in_one_page_declare_distinct_ids() {
        // The ensemble report inlined an ISIS and a KRG map that both declared
        // `id="scale"`: the page drew the first map's (blue) colour bar in both.
        let m = model(THREE);
        let (blue, red) = (m.actor_index("blue").unwrap(), m.actor_index("red").unwrap());
        let a = probability_svg(&m, &[0.0, 0.5, 1.0], blue, "P(Blue)");
        let b = probability_svg(&m, &[0.2, 0.5, 0.0], red, "P(Red)");
        let c = difference_svg(&m, &[0.1, -0.2, 0.0], red, "dP(Red)");
        let all: Vec<String> = [&a, &b, &c].iter().flat_map(|s| ids(s)).collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(all.len(), unique.len(), "every id is declared once in the page: {all:?}");
        for svg in [&a, &b, &c] {
            for id in ids(svg).iter().filter(|id| id.ends_with("-scale")) {
                assert!(svg.contains(&format!("url(#{id})")), "{id} is used by its own SVG");
            }
        }
        // Each colour bar ends in its own actor's colour.
        assert!(a.contains(&format!("stop-color=\"{}\"", actor_colour(blue))));
        assert!(b.contains(&format!("stop-color=\"{}\"", actor_colour(red))));
        assert!(!b.contains(&format!("stop-color=\"{}\"", actor_colour(blue))));
    }

    #[test]
    fn difference_map_is_red_where_the_arm_lowers_the_chance_and_blue_where_it_raises_it() {
        let m = model(THREE);
        let red = m.actor_index("red").unwrap();
        let svg = difference_svg(&m, &[0.3, -0.3, 0.0], red, "dP");
        assert!(svg.contains(&format!("fill=\"{}\"><title>", DIVERGING[2])), "+0.3 at the top of the ±0.3 scale");
        assert!(svg.contains(&format!("fill=\"{}\"><title>", DIVERGING[0])), "−0.3 at the bottom");
        assert!(svg.contains("fill=\"#ffffff\"><title>"), "no change is white");
        assert!(
            svg.contains("ΔP(Red holds) = -0.300") && svg.contains(">+0.30</text>") && svg.contains(">-0.30</text>")
        );
    }

    #[test]
    fn maps_label_the_places() {
        let text = format!("{THREE}\n[places.town]\nname = \"Old & New Town\"\nregion = \"east\"\n");
        let m = model(&text);
        let control: Vec<Option<usize>> = m.regions.iter().map(|r| r.control).collect();
        let svg = control_svg(&m, &control, &[false; 3], "c");
        assert!(svg.contains(">Old &amp; New Town</text>"), "the place is labelled, escaped");
        assert!(svg.contains("class=\"places\""));
        assert!(!control_svg(&model(THREE), &control, &[false; 3], "c").contains("class=\"places\""));
    }

    #[test]
    fn groups_of_one_actor_share_its_hue_in_distinct_shades() {
        let m = model(&format!(
            "{THREE}\n[forces.b1]\nactor = \"blue\"\nkind = \"army\"\npersonnel = {{ east = 10 }}\n[forces.b2]\nactor = \"blue\"\nkind = \"police\"\npersonnel = {{ east = 10 }}\n[forces.r1]\nactor = \"red\"\nkind = \"militia\"\npersonnel = {{ west = 10 }}\n"
        ));
        let c: Vec<String> = (0..m.forces.len()).map(|f| group_colour(&m, f)).collect();
        let mut u = c.clone();
        u.sort();
        u.dedup();
        assert_eq!(u.len(), c.len(), "{c:?}");
        let b1 = m.force_index("b1").unwrap();
        assert_eq!(c[b1], actor_colour(m.actor_index("blue").unwrap()), "the first group has the actor's colour");
    }

    #[test]
    fn geojson_has_one_feature_per_region_with_its_properties() {
        let m = model(THREE);
        let control: Vec<Option<usize>> = m.regions.iter().map(|r| r.control).collect();
        let g = control_geojson(&m, &control, &[false, true, false], "2015-01-01");
        let f = g["features"].as_array().unwrap();
        assert_eq!(f.len(), 3);
        let west = f.iter().find(|x| x["properties"]["region"] == "west").unwrap();
        assert_eq!(west["properties"]["controller"], "red");
        assert_eq!(west["geometry"]["type"], "Point");
        assert_eq!(west["geometry"]["coordinates"], json!([40.0, 33.0]));
        let p = probability_geojson(&m, &[vec![0.1, 0.2, 0.3], vec![0.9, 0.8, 0.7]], "2015-01-01");
        assert_eq!(p["features"][2]["properties"]["p_red"], 0.7);
    }
}

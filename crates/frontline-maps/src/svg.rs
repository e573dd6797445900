//! SVG drawing: region shapes (polygons, or circles for regions without
//! one), a title, a legend, hover tooltips (`<title>`), all in one
//! self-contained file with no scripts or external references.

use crate::projection::Projection;
use frontline_scenario::Model;
use std::fmt::Write;

/// Plot area (the map itself), pixels.
const MAP_WIDTH: f64 = 720.0;
/// Room for the legend, right of the map.
const LEGEND_WIDTH: f64 = 250.0;
/// Characters per legend line before wrapping.
const LEGEND_CHARS: usize = 30;
/// Room for the title, above the map.
const TITLE_HEIGHT: f64 = 44.0;
const MARGIN: f64 = 12.0;

/// How one region is drawn.
pub struct RegionStyle {
    /// Fill colour, `#rrggbb`.
    pub fill: String,
    /// Hatched over the fill (contested).
    pub hatched: bool,
    /// Text shown on hover.
    pub tooltip: String,
}

/// The legend of a map.
pub enum Legend {
    /// (colour, label, hatched) swatches.
    Categories(Vec<(String, String, bool)>),
    /// A colour bar through evenly spaced `stops` from `range.0` (bottom) to
    /// `range.1` (top), and optionally a swatch for regions drawn in [`ZERO`]
    /// (a probability of exactly 0, kept visible on a white page).
    Scale {
        /// Colours, bottom to top, evenly spaced (at least two).
        stops: Vec<String>,
        /// Values at the bottom and the top.
        range: (f64, f64),
        /// What the bar measures.
        label: String,
        /// The [`ZERO`] swatch's label, if there is one.
        zero: Option<String>,
    },
}

/// Fill of regions whose probability is exactly 0: a neutral grey, darker
/// than the lightest shade of the scale, so that they stay visible.
pub const ZERO: &str = "#dcdcdc";

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn rgb(hex: &str) -> (f64, f64, f64) {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0));
    (c(0), c(2), c(4))
}

/// The colour a share `t` of the way from `a` to `b` (both `#rrggbb`), in sRGB.
pub fn blend(a: &str, b: &str, t: f64) -> String {
    let (a, b) = (rgb(a), rgb(b));
    let mix = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The outer rings of region r's polygons, if the map has any.
fn rings(m: &Model, r: usize) -> Option<&[Vec<(f64, f64)>]> {
    let g = m.map.as_ref()?.get(&m.regions[r].id)?;
    (!g.rings.is_empty()).then_some(g.rings.as_slice())
}

/// An SVG path through projected rings, with coordinates rounded to a tenth
/// of a pixel and repeated points dropped (keeps district maps small).
fn path(p: &Projection, rings: &[Vec<(f64, f64)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        let mut last = (i64::MIN, i64::MIN);
        let mut first = true;
        for &pt in ring {
            let (x, y) = p.apply(pt);
            let q = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
            if q == last {
                continue;
            }
            last = q;
            let _ = write!(d, "{}{:.1} {:.1}", if first { "M" } else { "L" }, q.0 as f64 / 10.0, q.1 as f64 / 10.0);
            first = false;
        }
        d.push('Z');
    }
    d
}

/// How a region is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// An SVG path (`d` attribute) through its polygons.
    Path(String),
    /// A circle (a region without a polygon).
    Circle {
        /// Centre x, pixels.
        x: f64,
        /// Centre y, pixels.
        y: f64,
        /// Radius, pixels.
        r: f64,
    },
}

/// The drawing of a model's regions in a box of a given width.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Height of the map, pixels (from the regions' aspect ratio).
    pub height: f64,
    /// One shape per region, in model order.
    pub shapes: Vec<Shape>,
    /// Label point of each region (polygon centroid or circle centre).
    pub centres: Vec<(f64, f64)>,
    /// Neighbour links to draw (from regions drawn as circles).
    pub links: Vec<((f64, f64), (f64, f64))>,
    /// Label point of each of the model's places, in place order.
    pub places: Vec<(f64, f64)>,
}

/// Lays the regions out in a box `width` wide at (`left`, `top`); the height
/// follows the map's aspect ratio (240 to 900 pixels).
pub fn layout(m: &Model, left: f64, top: f64, width: f64) -> Layout {
    let nr = m.regions.len();
    // Every point that must be on the map: polygon vertices, and positions of
    // regions drawn as circles.
    let points: Vec<(f64, f64)> = (0..nr)
        .flat_map(|r| match rings(m, r) {
            Some(rs) => rs.iter().flatten().copied().collect::<Vec<_>>(),
            None => vec![m.regions[r].position],
        })
        .collect();
    let height = (width / Projection::aspect(points.iter().copied())).clamp(240.0, 900.0);
    // Circles need room at the edges.
    let inset = if (0..nr).any(|r| rings(m, r).is_none()) { 24.0 } else { 0.0 };
    let proj =
        Projection::fit(points.iter().copied(), left + inset, top + inset, width - 2.0 * inset, height - 2.0 * inset);
    let centres: Vec<(f64, f64)> = (0..nr)
        .map(|r| match m.map.as_ref().and_then(|map| map.get(&m.regions[r].id)) {
            Some(g) if !g.rings.is_empty() => proj.apply(g.centroid),
            _ => proj.apply(m.regions[r].position),
        })
        .collect();
    let max_pop = m.regions.iter().map(|r| r.population.iter().sum::<f64>()).fold(0.0, f64::max);
    let shapes = (0..nr)
        .map(|r| match rings(m, r) {
            Some(rs) => Shape::Path(path(&proj, rs)),
            None => {
                let pop: f64 = m.regions[r].population.iter().sum();
                let (x, y) = centres[r];
                Shape::Circle { x, y, r: 5.0 + 15.0 * if max_pop > 0.0 { (pop / max_pop).sqrt() } else { 0.5 } }
            }
        })
        .collect();
    let mut links = Vec::new();
    for r in (0..nr).filter(|&r| rings(m, r).is_none()) {
        for &q in &m.regions[r].neighbours {
            if rings(m, q).is_some() || q > r {
                links.push((centres[r], centres[q]));
            }
        }
    }
    let places = m.places.iter().map(|p| proj.apply(p.position)).collect();
    Layout { height, shapes, centres, links, places }
}

/// Draws the model's regions with the given styles, a title and a legend.
pub fn render(m: &Model, styles: &[RegionStyle], title: &str, legend: &Legend) -> String {
    let nr = m.regions.len();
    let lay = layout(m, MARGIN, TITLE_HEIGHT + MARGIN, MAP_WIDTH);
    let map_height = lay.height;
    let (width, height) = (MAP_WIDTH + LEGEND_WIDTH + 2.0 * MARGIN, map_height + TITLE_HEIGHT + 2.0 * MARGIN);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    s.push_str(concat!(
        "<defs>",
        r##"<pattern id="{ID}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">"##,
        r##"<line x1="0" y1="0" x2="0" y2="6" stroke="#333333" stroke-width="1.5" stroke-opacity="0.6"/></pattern>"##,
    ));
    if let Legend::Scale { stops, .. } = legend {
        s.push_str(r#"<linearGradient id="{ID}-scale" x1="0" y1="1" x2="0" y2="0">"#);
        let last = stops.len().saturating_sub(1).max(1) as f64;
        for (i, c) in stops.iter().enumerate() {
            let _ = write!(s, r#"<stop offset="{:.3}" stop-color="{c}"/>"#, i as f64 / last);
        }
        s.push_str("</linearGradient>");
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{MARGIN}" y="{:.0}" font-size="18" fill="#222222">{}</text>"##,
        MARGIN + 18.0,
        escape(title)
    );
    // Neighbour links of regions drawn as circles, under the shapes.
    s.push_str(r##"<g stroke="#999999" stroke-width="1">"##);
    for ((x1, y1), (x2, y2)) in &lay.links {
        let _ = write!(s, r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}"/>"#);
    }
    s.push_str("</g>\n");
    // White borders between filled regions; grey ones on a probability map,
    // where regions at 0 are white themselves.
    let border = if matches!(legend, Legend::Categories(_)) { "#ffffff" } else { "#8a8a8a" };
    let _ = write!(s, r#"<g stroke="{border}" stroke-width="0.6" stroke-linejoin="round">"#);
    s.push('\n');
    for (r, st) in styles.iter().enumerate() {
        let tip = escape(&st.tooltip);
        let shape = match &lay.shapes[r] {
            Shape::Path(d) => format!(r#"<path d="{d}""#),
            Shape::Circle { x, y, r } => format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" stroke="#555555""##),
        };
        let _ = writeln!(s, r#"{shape} fill="{}"><title>{tip}</title>{}"#, st.fill, closing(&shape));
        if st.hatched {
            let _ = writeln!(s, r#"{shape} fill="url(#{{ID}}-hatch)"><title>{tip}</title>{}"#, closing(&shape));
        }
    }
    s.push_str("</g>\n");
    // Names beside the regions drawn as circles (a map's polygons speak for
    // themselves; a schematic's circles need names).
    s.push_str(r##"<g font-size="12" fill="#333333">"##);
    for r in (0..nr).filter(|&r| matches!(lay.shapes[r], Shape::Circle { .. })) {
        let (x, y) = lay.centres[r];
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x + 22.0, y + 4.0, escape(&m.regions[r].name));
    }
    s.push_str("</g>\n");
    // The key cities: a dot and the name, on a white halo so that it reads on any fill.
    if !m.places.is_empty() {
        s.push_str(r##"<g class="places" font-size="12" fill="#111111">"##);
        for (p, &(x, y)) in m.places.iter().zip(&lay.places) {
            let name = escape(&p.name);
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#111111" stroke="#ffffff" stroke-width="1"/><text x="{:.1}" y="{:.1}" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{name}</text>"##,
                x + 5.0,
                y - 4.0
            );
        }
        s.push_str("</g>\n");
    }
    legend_svg(&mut s, legend, MARGIN + MAP_WIDTH + 16.0, TITLE_HEIGHT + MARGIN + 8.0, map_height);
    s.push_str("</svg>\n");
    unique_ids(&s)
}

/// Replaces the `{ID}` placeholder of an SVG's internal ids (`{ID}-hatch`,
/// `{ID}-scale`) with a prefix derived from the SVG's content, so that
/// several maps inlined in one HTML page never share an id (a shared
/// gradient id made every map show the first map's colour bar) and the
/// output stays byte-identical for identical inputs.
pub fn unique_ids(svg: &str) -> String {
    // FNV-1a, 64 bits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in svg.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let id = format!("m{h:016x}");
    svg.replace("id=\"{ID}-", &format!("id=\"{id}-")).replace("url(#{ID}-", &format!("url(#{id}-"))
}

fn closing(shape: &str) -> &'static str {
    if shape.starts_with("<path") { "</path>" } else { "</circle>" }
}

/// Splits text into lines of at most `width` characters at spaces (a longer
/// word stands on its own line).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A text element with one `tspan` per wrapped line.
fn text_lines(s: &mut String, x: f64, y: f64, size: f64, text: &str) -> usize {
    let lines = wrap(text, LEGEND_CHARS);
    let _ = write!(s, r##"<text x="{x:.0}" y="{y:.0}" font-size="{size}" fill="#222222">"##);
    for (i, l) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { size + 2.0 };
        let _ = write!(s, r#"<tspan x="{x:.0}" dy="{dy:.0}">{}</tspan>"#, escape(l));
    }
    s.push_str("</text>\n");
    lines.len().max(1)
}

fn legend_svg(s: &mut String, legend: &Legend, x: f64, y: f64, map_height: f64) {
    match legend {
        Legend::Categories(items) => {
            let mut yy = y;
            for (colour, label, hatched) in items {
                let _ = write!(
                    s,
                    r##"<rect x="{x:.0}" y="{yy:.0}" width="16" height="16" fill="{colour}" stroke="#666666" stroke-width="0.5"/>"##
                );
                if *hatched {
                    let _ =
                        write!(s, r#"<rect x="{x:.0}" y="{yy:.0}" width="16" height="16" fill="url(#{{ID}}-hatch)"/>"#);
                }
                let lines = text_lines(s, x + 24.0, yy + 13.0, 13.0, label);
                yy += 24.0 + 15.0 * (lines - 1) as f64;
            }
        }
        Legend::Scale { label, range, zero, .. } => {
            let h = (map_height - 100.0).clamp(80.0, 240.0);
            let lines = text_lines(s, x, y + 4.0, 13.0, label);
            let top = y + 16.0 + 15.0 * (lines - 1) as f64;
            let _ = writeln!(
                s,
                r##"<rect x="{x:.0}" y="{top:.0}" width="18" height="{h:.0}" fill="url(#{{ID}}-scale)" stroke="#666666" stroke-width="0.5"/>"##
            );
            for k in 0..=4 {
                let t = f64::from(k) / 4.0;
                let v = range.0 + (range.1 - range.0) * t;
                let yy = top + h * (1.0 - t);
                let text = if range.0 < 0.0 { format!("{v:+.2}") } else { format!("{v:.2}") };
                let _ = writeln!(
                    s,
                    r##"<text x="{:.0}" y="{:.0}" font-size="12" fill="#222222">{}</text>"##,
                    x + 24.0,
                    yy + 4.0,
                    text.replace("+0.00", "0")
                );
            }
            if let Some(zero) = zero {
                let yy = top + h + 18.0;
                let _ = write!(
                    s,
                    r##"<rect x="{x:.0}" y="{yy:.0}" width="18" height="16" fill="{ZERO}" stroke="#8a8a8a" stroke-width="0.6"/>"##
                );
                text_lines(s, x + 24.0, yy + 13.0, 13.0, zero);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blends_and_escapes() {
        assert_eq!(blend("#ffffff", "#000000", 0.5), "#808080");
        assert_eq!(blend("#ffffff", "#4e79a7", 0.0), "#ffffff");
        assert_eq!(blend("#ffffff", "#4e79a7", 1.0), "#4e79a7");
        assert_eq!(escape(r#"a<b & "c">"#), "a&lt;b &amp; &quot;c&quot;&gt;");
    }

    #[test]
    fn legend_text_wraps_at_spaces() {
        assert_eq!(
            wrap("Kurdistan Regional Government (Peshmerga)", 30),
            vec!["Kurdistan Regional Government", "(Peshmerga)"]
        );
        assert_eq!(wrap("short", 30), vec!["short"]);
        assert_eq!(wrap("", 30), Vec::<String>::new());
    }

    #[test]
    fn paths_drop_repeated_points_and_close_rings() {
        let p = Projection::fit([(0.0, 0.0), (1.0, 1.0)], 0.0, 0.0, 100.0, 100.0);
        let d = path(&p, &[vec![(0.0, 0.0), (0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]);
        assert_eq!(d.matches('L').count(), 2);
        assert!(d.starts_with('M') && d.ends_with('Z'));
    }
}

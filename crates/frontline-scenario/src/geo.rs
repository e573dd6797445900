//! Region geometry read from GeoJSON.
//!
//! This module owns exactly one job: reading a GeoJSON `FeatureCollection` of
//! region polygons and deriving, per region, a centroid, an area, a bounding
//! box and the drawable outer rings, plus the set of neighbouring region pairs
//! (regions that share a border). It also provides [`haversine_km`] for
//! distances between points.
//!
//! It knows nothing about the rest of the scenario: it must not touch
//! scenario loading, includes, overlays, validation, diagnostics or the rule
//! language, and it must not depend on any other module of this crate. Callers
//! decide which file to read, which property holds the region id, and how a
//! [`MapError`] is turned into a diagnostic.
//!
//! # Conventions
//!
//! * Coordinates are GeoJSON positions `[lon, lat, ...]` in degrees (WGS 84 /
//!   CRS84): longitude within -180..180, latitude within -90..90 (anything
//!   else, e.g. a projected file in metres, is a [`MapError::BadGeometry`]
//!   naming the feature, ring and position); any third or further ordinate
//!   (altitude) is ignored. The
//!   antimeridian is not handled: a polygon crossing ±180° longitude gives a
//!   meaningless area, centroid and bbox.
//! * Supported geometry types are `Polygon` and `MultiPolygon`. Anything else
//!   (including a `null` geometry) is a [`MapError::BadGeometry`].
//! * Holes (interior rings) are subtracted for area and centroid, and they take
//!   part in neighbour detection (so an enclave borders the region around it),
//!   but they are not kept in [`RegionGeometry::rings`].
//! * Rings need not repeat their first position at the end; an unclosed ring
//!   is closed implicitly.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

/// Mean Earth radius in km (IUGG mean radius R1), used for distances and areas.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Quantisation step for neighbour detection, as quantisation steps per
/// degree: 1e5 per degree, i.e. 1e-5 degrees (about 1.1 m of latitude).
const QUANTA_PER_DEGREE: f64 = 1e5;

/// Geometry facts about one region in the map.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionGeometry {
    /// Area-weighted centroid of all of the region's polygons (holes
    /// subtracted), as (lon, lat) degrees. Each polygon's centroid is computed
    /// in an equirectangular projection at that polygon's mean latitude (see
    /// `area_km2`) and the polygon centroids are then averaged, weighted by
    /// area. For a non-convex region or a region made of separate parts the
    /// centroid can lie outside the region. If the region has zero area
    /// (degenerate rings), this is the plain mean of its outer-ring vertices.
    pub centroid: (f64, f64),
    /// Area in km², holes subtracted. Each polygon is projected
    /// equirectangularly at its own mean latitude (mean of its outer-ring
    /// vertex latitudes: `x = R·lon·cos(lat0)`, `y = R·lat`, angles in
    /// radians, R = 6371.0088 km) and measured with the shoelace formula. The
    /// error is well under 1% for district-sized polygons.
    pub area_km2: f64,
    /// Bounding box of the outer rings, (min_lon, min_lat, max_lon, max_lat)
    /// degrees.
    pub bbox: (f64, f64, f64, f64),
    /// The outer ring of every polygon, in file order, as (lon, lat) pairs
    /// exactly as they appear in the file (closing position included when the
    /// file has it). Holes are not included. Kept so views can draw the map.
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// A map read from a GeoJSON file.
///
/// Build one with [`parse_map`]. The fields are public for reading; if you
/// modify `regions`, [`RegionMap::get`] still answers correctly (it falls back
/// to a linear search when its private index is stale) but `neighbours` is
/// not recomputed.
#[derive(Debug, Clone)]
pub struct RegionMap {
    /// Region id -> geometry, in file (feature) order. The id is the value of
    /// the chosen id property: strings are used as they are, numbers are
    /// converted to their decimal string (`12` and `12.0` both become `"12"`,
    /// `1.5` becomes `"1.5"`). Ids are unique. Use [`RegionMap::get`] for
    /// lookup by id.
    pub regions: Vec<(String, RegionGeometry)>,
    /// Unordered neighbour pairs (a, b) with a < b lexicographically (by byte
    /// order of the id strings), sorted, deduplicated. See [`parse_map`] for
    /// how "neighbour" is decided.
    pub neighbours: Vec<(String, String)>,
    /// Id -> position in `regions`, as built by [`parse_map`].
    index: HashMap<String, usize>,
}

impl RegionMap {
    /// The geometry of region `id`, or `None` if there is no such region.
    pub fn get(&self, id: &str) -> Option<&RegionGeometry> {
        let indexed = self.index.get(id).and_then(|&i| self.regions.get(i)).filter(|(rid, _)| rid == id);
        // When the index is stale (the public `regions` field was modified)
        // or the id is unknown, fall back to a linear search.
        indexed.or_else(|| self.regions.iter().find(|(rid, _)| rid == id)).map(|(_, geom)| geom)
    }

    /// Whether regions `a` and `b` share a border (order does not matter).
    /// A region is not its own neighbour; unknown ids are never neighbours.
    pub fn are_neighbours(&self, a: &str, b: &str) -> bool {
        let (lo, hi) = match a.cmp(b) {
            std::cmp::Ordering::Less => (a, b),
            std::cmp::Ordering::Greater => (b, a),
            std::cmp::Ordering::Equal => return false,
        };
        self.neighbours.binary_search_by(|(x, y)| (x.as_str(), y.as_str()).cmp(&(lo, hi))).is_ok()
    }
}

/// Why a GeoJSON map could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum MapError {
    /// The text is not valid JSON. The message is serde_json's, which
    /// includes the line and column of the problem.
    Json(String),
    /// The JSON is valid but the top level is not a GeoJSON
    /// `FeatureCollection` object with a `features` array.
    NotFeatureCollection,
    /// Feature number `feature_index` (0-based) has no usable value for the
    /// id property: it is absent, `null`, an empty string, or not a string or
    /// number. `available` lists the feature's property names in file order.
    MissingId {
        /// 0-based index of the feature in the `features` array.
        feature_index: usize,
        /// The id property that was asked for.
        property: String,
        /// The property names the feature does have, in file order.
        available: Vec<String>,
    },
    /// Two features have the same id.
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// Feature number `feature_index` (0-based) is not an object, or its
    /// geometry is missing, of an unsupported type, or malformed.
    BadGeometry {
        /// 0-based index of the feature in the `features` array.
        feature_index: usize,
        /// What is wrong with it.
        message: String,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::Json(msg) => write!(f, "map file is not valid JSON: {msg}"),
            MapError::NotFeatureCollection => write!(
                f,
                "map file is not a GeoJSON FeatureCollection: expected a top-level object \
                 with \"type\": \"FeatureCollection\" and a \"features\" array"
            ),
            MapError::MissingId { feature_index, property, available } => {
                write!(
                    f,
                    "map feature #{feature_index} has no usable value for id property \
                     \"{property}\" (absent, null, empty, or not a string/number); "
                )?;
                if available.is_empty() {
                    write!(f, "the feature has no properties at all")
                } else {
                    let names: Vec<String> = available.iter().map(|n| format!("\"{n}\"")).collect();
                    write!(
                        f,
                        "available properties: {}; set `map_id_property` to the one \
                         holding the region id",
                        names.join(", ")
                    )
                }
            }
            MapError::DuplicateId { id } => write!(
                f,
                "map has more than one feature with region id \"{id}\"; region ids must be \
                 unique (check that `map_id_property` names a unique code)"
            ),
            MapError::BadGeometry { feature_index, message } => {
                write!(f, "map feature #{feature_index} has bad geometry: {message}")
            }
        }
    }
}

impl std::error::Error for MapError {}

/// Great-circle distance in km between two (lon, lat) points given in
/// degrees (haversine formula, Earth radius 6371.0088 km).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Parses GeoJSON text. `id_property` names the feature property holding the
/// region id.
///
/// Every feature must have a usable id (see [`MapError::MissingId`]), a
/// unique one, and a `Polygon` or `MultiPolygon` geometry. Other top-level
/// members (`name`, `crs`, `bbox`, ...) are ignored.
///
/// # Neighbours
///
/// All vertices of all rings (holes included) are quantised to a 1e-5 degree
/// grid (about 1 m), by rounding to the nearest grid point, so that shared
/// borders whose vertices differ only in the last few bits still match. Two
/// regions are neighbours if they share at least 2 distinct quantised
/// vertices. This includes the case "they share at least one quantised edge"
/// (an edge is a pair of distinct quantised vertices), and excludes regions
/// that touch at a single corner point. Cost is linear in the number of
/// vertices (a hash map from quantised vertex to the regions using it) plus,
/// per vertex, the square of the number of regions meeting there.
///
/// Limitations: borders digitised independently (no common vertices within
/// ~1 m) are not detected, and two vertices within 1e-5 degrees of each
/// other can still fall on either side of a rounding boundary.
pub fn parse_map(geojson: &str, id_property: &str) -> Result<RegionMap, MapError> {
    let root: Value = serde_json::from_str(geojson).map_err(|e| MapError::Json(e.to_string()))?;
    let obj = root.as_object().ok_or(MapError::NotFeatureCollection)?;
    if obj.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(MapError::NotFeatureCollection);
    }
    let features = obj.get("features").and_then(Value::as_array).ok_or(MapError::NotFeatureCollection)?;

    let mut regions: Vec<(String, RegionGeometry)> = Vec::with_capacity(features.len());
    let mut index: HashMap<String, usize> = HashMap::with_capacity(features.len());
    // Quantised vertex -> regions using it (each region listed once, in
    // increasing order because regions are processed in order).
    let mut vertex_regions: HashMap<(i64, i64), Vec<u32>> = HashMap::new();

    for (feature_index, feature) in features.iter().enumerate() {
        let bad = |message: String| MapError::BadGeometry { feature_index, message };
        let fobj = feature.as_object().ok_or_else(|| bad("feature is not a JSON object".to_string()))?;

        let id = feature_id(fobj.get("properties"), id_property).ok_or_else(|| {
            let available = match fobj.get("properties") {
                Some(Value::Object(props)) => props.keys().cloned().collect(),
                _ => Vec::new(),
            };
            MapError::MissingId { feature_index, property: id_property.to_string(), available }
        })?;
        if index.contains_key(&id) {
            return Err(MapError::DuplicateId { id });
        }

        let polygons = read_geometry(fobj.get("geometry")).map_err(|m| bad(format!("region \"{id}\": {m}")))?;
        let geometry = region_geometry(&polygons);

        let region_idx = regions.len() as u32;
        for ring in polygons.iter().flatten() {
            for &(lon, lat) in ring {
                let key = quantise(lon, lat);
                let list = vertex_regions.entry(key).or_default();
                if list.last() != Some(&region_idx) {
                    list.push(region_idx);
                }
            }
        }

        index.insert(id.clone(), regions.len());
        regions.push((id, geometry));
    }

    // Count distinct shared quantised vertices per region pair.
    let mut shared: HashMap<(u32, u32), u32> = HashMap::new();
    for list in vertex_regions.values() {
        for (i, &a) in list.iter().enumerate() {
            for &b in &list[i + 1..] {
                *shared.entry((a, b)).or_insert(0) += 1;
            }
        }
    }
    let mut neighbours: Vec<(String, String)> = shared
        .into_iter()
        .filter(|&(_, count)| count >= 2)
        .map(|((a, b), _)| {
            let ia = &regions[a as usize].0;
            let ib = &regions[b as usize].0;
            if ia < ib { (ia.clone(), ib.clone()) } else { (ib.clone(), ia.clone()) }
        })
        .collect();
    neighbours.sort();
    neighbours.dedup();

    Ok(RegionMap { regions, neighbours, index })
}

/// A polygon as rings of (lon, lat): the outer ring first, then holes.
type Polygon = Vec<Vec<(f64, f64)>>;

/// The id of a feature, if its `properties` has a usable value for `property`.
fn feature_id(properties: Option<&Value>, property: &str) -> Option<String> {
    match properties?.as_object()?.get(property)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Some(i.to_string())
            } else if let Some(u) = n.as_u64() {
                Some(u.to_string())
            } else {
                let x = n.as_f64()?;
                if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
                    Some((x as i64).to_string())
                } else {
                    Some(x.to_string())
                }
            }
        }
        _ => None,
    }
}

/// Reads a `Polygon` or `MultiPolygon` geometry into a list of polygons.
fn read_geometry(geometry: Option<&Value>) -> Result<Vec<Polygon>, String> {
    let g = match geometry {
        None | Some(Value::Null) => return Err("feature has no geometry".to_string()),
        Some(Value::Object(g)) => g,
        Some(_) => return Err("\"geometry\" is not a JSON object".to_string()),
    };
    let kind = g.get("type").and_then(Value::as_str).ok_or_else(|| "geometry has no \"type\" string".to_string())?;
    let coords = g.get("coordinates").ok_or_else(|| format!("{kind} geometry has no \"coordinates\""))?;
    match kind {
        "Polygon" => Ok(vec![read_polygon(coords, "Polygon coordinates")?]),
        "MultiPolygon" => {
            let polys = coords.as_array().ok_or_else(|| "MultiPolygon coordinates are not an array".to_string())?;
            if polys.is_empty() {
                return Err("MultiPolygon has no polygons".to_string());
            }
            polys.iter().enumerate().map(|(i, p)| read_polygon(p, &format!("MultiPolygon polygon #{i}"))).collect()
        }
        other => Err(format!("unsupported geometry type \"{other}\" (only Polygon and MultiPolygon are supported)")),
    }
}

/// Reads one polygon's coordinates: an array of rings, the first one outer.
fn read_polygon(value: &Value, what: &str) -> Result<Polygon, String> {
    let rings = value.as_array().ok_or_else(|| format!("{what} is not an array of rings"))?;
    if rings.is_empty() {
        return Err(format!("{what} has no rings"));
    }
    rings
        .iter()
        .enumerate()
        .map(|(r, ring)| {
            let what = format!("{what}, ring #{r}");
            let positions = ring.as_array().ok_or_else(|| format!("{what} is not an array of positions"))?;
            let mut out = Vec::with_capacity(positions.len());
            for (p, pos) in positions.iter().enumerate() {
                let lon = pos.get(0).and_then(Value::as_f64);
                let lat = pos.get(1).and_then(Value::as_f64);
                match (lon, lat) {
                    (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => {
                        // Out-of-range values would overflow the area and
                        // centroid sums to inf and NaN (and NaN in maps).
                        if !(-180.0..=180.0).contains(&lon) {
                            return Err(format!(
                                "{what}, position #{p}: longitude {lon:?} is outside -180..180 \
                                 (is the file in a projected coordinate system, e.g. metres, \
                                 rather than lon/lat degrees?)"
                            ));
                        }
                        if !(-90.0..=90.0).contains(&lat) {
                            return Err(format!(
                                "{what}, position #{p}: latitude {lat:?} is outside -90..90 \
                                 (are longitude and latitude swapped, or is the file not in \
                                 lon/lat degrees?)"
                            ));
                        }
                        out.push((lon, lat));
                    }
                    _ => {
                        return Err(format!("{what}, position #{p} is not a [longitude, latitude] pair of numbers"));
                    }
                }
            }
            let distinct = {
                let mut v = out.clone();
                v.sort_by(|a, b| a.partial_cmp(b).expect("finite coordinates"));
                v.dedup();
                v.len()
            };
            if distinct < 3 {
                return Err(format!("{what} has {distinct} distinct position(s); a ring needs at least 3"));
            }
            Ok(out)
        })
        .collect()
}

/// Rounds a (lon, lat) to the quantisation grid used for neighbour detection.
fn quantise(lon: f64, lat: f64) -> (i64, i64) {
    ((lon * QUANTA_PER_DEGREE).round() as i64, (lat * QUANTA_PER_DEGREE).round() as i64)
}

/// Signed area (degrees², in the projected plane where x is scaled by
/// `cos_lat0`) and area-weighted centroid (lon, lat degrees) of one ring.
/// Returns `(signed_area, centroid_lon, centroid_lat)`; the centroid is
/// meaningless when the area is zero.
fn ring_moments(ring: &[(f64, f64)], cos_lat0: f64) -> (f64, f64, f64) {
    // Work relative to the first vertex to avoid cancellation.
    let (ox, oy) = ring[0];
    let n = ring.len();
    let mut a2 = 0.0; // twice the signed area
    let mut cx = 0.0;
    let mut cy = 0.0;
    for i in 0..n {
        let (x0, y0) = ring[i];
        let (x1, y1) = ring[(i + 1) % n]; // implicit closing edge; zero if closed
        let (x0, y0) = ((x0 - ox) * cos_lat0, y0 - oy);
        let (x1, y1) = ((x1 - ox) * cos_lat0, y1 - oy);
        let cross = x0 * y1 - x1 * y0;
        a2 += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a2 == 0.0 {
        return (0.0, ox, oy);
    }
    let area = a2 / 2.0;
    let cx = cx / (3.0 * a2);
    let cy = cy / (3.0 * a2);
    // Back from projected to lon/lat degrees.
    let lon = if cos_lat0 > 0.0 { ox + cx / cos_lat0 } else { ox };
    (area, lon, oy + cy)
}

/// Derives centroid, area, bbox and display rings for a region's polygons.
fn region_geometry(polygons: &[Polygon]) -> RegionGeometry {
    let km_per_degree = EARTH_RADIUS_KM.to_radians();
    let km2_per_degree2 = km_per_degree * km_per_degree;

    let mut total_area = 0.0; // km²
    let mut wlon = 0.0;
    let mut wlat = 0.0;
    let mut bbox = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut vertex_sum = (0.0, 0.0);
    let mut vertex_count = 0usize;
    let mut rings = Vec::with_capacity(polygons.len());

    for polygon in polygons {
        let outer = &polygon[0];
        let lat0 = outer.iter().map(|p| p.1).sum::<f64>() / outer.len() as f64;
        let cos_lat0 = lat0.to_radians().cos().max(0.0);

        let mut poly_area = 0.0; // degrees², projected
        let mut plon = 0.0;
        let mut plat = 0.0;
        for (r, ring) in polygon.iter().enumerate() {
            let (a, clon, clat) = ring_moments(ring, cos_lat0);
            let a = if r == 0 { a.abs() } else { -a.abs() };
            poly_area += a;
            plon += a * clon;
            plat += a * clat;
        }
        if poly_area > 0.0 {
            let area_km2 = poly_area * km2_per_degree2;
            total_area += area_km2;
            wlon += area_km2 * (plon / poly_area);
            wlat += area_km2 * (plat / poly_area);
        }

        for &(lon, lat) in outer {
            bbox.0 = bbox.0.min(lon);
            bbox.1 = bbox.1.min(lat);
            bbox.2 = bbox.2.max(lon);
            bbox.3 = bbox.3.max(lat);
            vertex_sum.0 += lon;
            vertex_sum.1 += lat;
            vertex_count += 1;
        }
        rings.push(outer.clone());
    }

    let centroid = if total_area > 0.0 {
        (wlon / total_area, wlat / total_area)
    } else {
        let n = vertex_count.max(1) as f64;
        (vertex_sum.0 / n, vertex_sum.1 / n)
    };

    RegionGeometry { centroid, area_km2: total_area, bbox, rings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashSet, VecDeque};
    use std::time::Instant;

    /// The Iraq scenario's own copy of the district boundaries (inside the repository, so the test
    /// needs nothing from outside it).
    const IRAQ_ADM2: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/iraq/data/iraq-adm2-districts.geojson");

    fn square_feature(id: &str, x0: f64, y0: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"{id}","code":"{id}"}},
               "geometry":{{"type":"Polygon","coordinates":[[
                 [{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#,
            x1 = x0 + 1.0,
            y1 = y0 + 1.0
        )
    }

    /// a b
    /// c d   (unit squares, lon 0..2, lat 0..2)
    fn grid_2x2() -> String {
        let feats = [
            square_feature("a", 0.0, 1.0),
            square_feature("b", 1.0, 1.0),
            square_feature("c", 0.0, 0.0),
            square_feature("d", 1.0, 0.0),
        ];
        format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, feats.join(","))
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn grid_neighbours_centroids_areas() {
        let map = parse_map(&grid_2x2(), "code").unwrap();
        let ids: Vec<&str> = map.regions.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);

        assert!(map.are_neighbours("a", "b"));
        assert!(map.are_neighbours("b", "a"));
        assert!(map.are_neighbours("a", "c"));
        assert!(!map.are_neighbours("a", "d"), "corner touch is not a border");
        assert!(!map.are_neighbours("b", "c"), "corner touch is not a border");
        assert!(!map.are_neighbours("a", "a"));
        assert!(!map.are_neighbours("a", "zzz"));
        let expected: Vec<(String, String)> = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
            .iter()
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .collect();
        assert_eq!(map.neighbours, expected);

        let km_per_deg = EARTH_RADIUS_KM.to_radians();
        for (id, (cx, cy)) in [("a", (0.5, 1.5)), ("b", (1.5, 1.5)), ("c", (0.5, 0.5)), ("d", (1.5, 0.5))] {
            let g = map.get(id).unwrap();
            assert!(close(g.centroid.0, cx, 1e-9), "{id}: {:?}", g.centroid);
            assert!(close(g.centroid.1, cy, 1e-9), "{id}: {:?}", g.centroid);
            // A 1°×1° cell near the equator: ~111.2 km × 111.2 km × cos(lat).
            let expected = km_per_deg * km_per_deg * cy.to_radians().cos();
            assert!(close(g.area_km2, expected, expected * 0.01), "{id}: area {} vs {expected}", g.area_km2);
            assert!(g.area_km2 > 12_000.0 && g.area_km2 < 12_500.0);
            assert_eq!(g.bbox, (cx - 0.5, cy - 0.5, cx + 0.5, cy + 0.5));
            assert_eq!(g.rings.len(), 1);
            assert_eq!(g.rings[0].len(), 5);
        }
        assert!(map.get("e").is_none());
    }

    #[test]
    fn neighbours_tolerate_tiny_coordinate_differences() {
        // Same 2×2 grid, but b's shared vertices are off by ~1e-9 degrees,
        // and one region has its ring in the opposite orientation.
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon",
            "coordinates":[[[0,1],[1,1],[1,2],[0,2],[0,1]]]}},
          {"type":"Feature","properties":{"id":"b"},"geometry":{"type":"Polygon",
            "coordinates":[[[1.000000001,1.000000001],[1.000000001,1.999999999],[2,2],[2,1],[1.000000001,1.000000001]]]}}
        ]}"#;
        let map = parse_map(text, "id").unwrap();
        assert!(map.are_neighbours("a", "b"));
        assert!(close(map.get("b").unwrap().area_km2, map.get("a").unwrap().area_km2, 1.0));
    }

    #[test]
    fn multipolygon_holes_numeric_ids() {
        // Region 7: a 4×4 square with a 2×2 hole, plus a separate 1×1 island.
        // Region 8: a 2×2 enclave filling the hole exactly.
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"n":7},"geometry":{"type":"MultiPolygon","coordinates":[
            [[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,3],[3,3],[3,1],[1,1]]],
            [[[10,0],[11,0],[11,1],[10,1]]]
          ]}},
          {"type":"Feature","properties":{"n":8.0},"geometry":{"type":"Polygon","coordinates":[
            [[1,1],[3,1],[3,3],[1,3],[1,1]]]}}
        ]}"#;
        let map = parse_map(text, "n").unwrap();
        let outer = map.get("7").unwrap();
        let enclave = map.get("8").unwrap();
        assert!(map.are_neighbours("7", "8"), "an enclave borders its surroundings");
        // Area ratio: (16 - 4 + 1) : 4, up to small latitude differences.
        let ratio = outer.area_km2 / enclave.area_km2;
        assert!(close(ratio, 13.0 / 4.0, 0.05), "ratio {ratio}");
        // Holes are not kept for display; one outer ring per polygon.
        assert_eq!(outer.rings.len(), 2);
        assert_eq!(outer.bbox, (0.0, 0.0, 11.0, 4.0));
        // Centroid: the holed square's is (2, 2), the island's (10.5, 0.5),
        // weighted 12 : 1 (approximately, given per-polygon projection).
        let (cx, cy) = outer.centroid;
        assert!(close(cx, (12.0 * 2.0 + 10.5) / 13.0, 0.02), "{cx}");
        assert!(close(cy, (12.0 * 2.0 + 0.5) / 13.0, 0.02), "{cy}");
        assert!(close(enclave.centroid.0, 2.0, 1e-9) && close(enclave.centroid.1, 2.0, 1e-9));
    }

    #[test]
    fn missing_id_lists_available_properties() {
        let err = parse_map(&grid_2x2(), "ADM2_PCODE").unwrap_err();
        assert_eq!(
            err,
            MapError::MissingId {
                feature_index: 0,
                property: "ADM2_PCODE".to_string(),
                available: vec!["name".to_string(), "code".to_string()],
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("\"ADM2_PCODE\""), "{msg}");
        assert!(msg.contains("\"name\", \"code\""), "{msg}");
        assert!(msg.contains("map_id_property"), "{msg}");

        // null counts as missing
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":null},"geometry":null}]}"#;
        assert!(matches!(parse_map(text, "id"), Err(MapError::MissingId { feature_index: 0, .. })));
    }

    #[test]
    fn malformed_json_reports_line() {
        let text = "{\"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\",, }\n  ]\n}";
        let err = parse_map(text, "id").unwrap_err();
        match &err {
            MapError::Json(msg) => assert!(msg.contains("line 3"), "{msg}"),
            other => panic!("expected Json error, got {other:?}"),
        }
        assert!(err.to_string().contains("line 3"));
    }

    #[test]
    fn structural_errors() {
        assert_eq!(parse_map("[]", "id").unwrap_err(), MapError::NotFeatureCollection);
        assert_eq!(parse_map(r#"{"type":"Feature"}"#, "id").unwrap_err(), MapError::NotFeatureCollection);
        assert_eq!(parse_map(r#"{"type":"FeatureCollection"}"#, "id").unwrap_err(), MapError::NotFeatureCollection);

        let mut text = grid_2x2();
        text = text.replace(r#""code":"b""#, r#""code":"a""#);
        assert_eq!(parse_map(&text, "code").unwrap_err(), MapError::DuplicateId { id: "a".to_string() });

        let point = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        match parse_map(point, "id").unwrap_err() {
            MapError::BadGeometry { feature_index: 0, message } => {
                assert!(message.contains("Point"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        let null_geom = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"p"},"geometry":null}]}"#;
        assert!(matches!(parse_map(null_geom, "id"), Err(MapError::BadGeometry { feature_index: 0, .. })));
        let short_ring = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}"#;
        assert!(matches!(parse_map(short_ring, "id"), Err(MapError::BadGeometry { feature_index: 0, .. })));
        let bad_pos = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,"x"],[1,1],[0,0]]]}}]}"#;
        assert!(matches!(parse_map(bad_pos, "id"), Err(MapError::BadGeometry { feature_index: 0, .. })));
    }

    #[test]
    fn regression_a_huge_geojson_coordinate_is_a_located_error_not_nan() {
        for (lon, lat, what) in
            [("1e308", "1", "longitude 1e308"), ("1", "-1e308", "latitude"), ("181", "0", "longitude 181.0")]
        {
            let text = format!(
                r#"{{"type":"FeatureCollection","features":[
                  {{"type":"Feature","properties":{{"id":"p"}},"geometry":{{"type":"Polygon",
                    "coordinates":[[[0,0],[1,0],[{lon},{lat}],[0,1],[0,0]]]}}}}]}}"#
            );
            match parse_map(&text, "id").unwrap_err() {
                MapError::BadGeometry { feature_index: 0, message } => {
                    assert!(message.contains("region \"p\""), "{message}");
                    assert!(message.contains("ring #0, position #2"), "{message}");
                    assert!(message.contains(what), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        // The extremes themselves are valid and give finite geometry.
        let edge = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"e"},"geometry":{"type":"Polygon",
            "coordinates":[[[179,89],[180,89],[180,90],[179,90],[179,89]]]}}]}"#;
        let g = parse_map(edge, "id").unwrap();
        let e = g.get("e").unwrap();
        assert!(e.area_km2.is_finite() && e.centroid.0.is_finite() && e.centroid.1.is_finite());
    }

    #[test]
    fn haversine_baghdad_ramadi() {
        let baghdad = (44.40088, 33.34058);
        let ramadi = (43.30778, 33.42056);
        let d = haversine_km(baghdad, ramadi);
        assert!(d > 101.0 && d < 103.0, "{d}");
        assert!(close(haversine_km(ramadi, baghdad), d, 1e-9));
        assert_eq!(haversine_km(baghdad, baghdad), 0.0);
        // A quarter of a meridian.
        let q = haversine_km((0.0, 0.0), (0.0, 90.0));
        assert!(close(q, EARTH_RADIUS_KM * std::f64::consts::FRAC_PI_2, 1e-6));
    }

    #[test]
    fn regression_the_iraq_districts_test_reads_the_repository_copy_not_shared() {
        // It read ../shared (outside the repository) and passed silently when
        // that was missing: the file must be the repository's own.
        let repo = std::fs::canonicalize(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
        let file = std::fs::canonicalize(IRAQ_ADM2).unwrap_or_else(|e| panic!("{IRAQ_ADM2} is missing: {e}"));
        assert!(file.starts_with(&repo), "{} is outside the repository {}", file.display(), repo.display());
        assert!(file.ends_with("scenarios/iraq/data/iraq-adm2-districts.geojson"), "{}", file.display());
    }

    #[test]
    fn iraq_districts() {
        // A missing file is a failure, not a skip: the file is part of the repository.
        let text = std::fs::read_to_string(IRAQ_ADM2).unwrap_or_else(|e| panic!("cannot read {IRAQ_ADM2}: {e}"));
        let start = Instant::now();
        let map = parse_map(&text, "ADM2_PCODE").unwrap();
        let elapsed = start.elapsed();

        assert_eq!(map.regions.len(), 101);

        let n = map.regions.len();
        let pos: HashMap<&str, usize> = map.regions.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect();
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (a, b) in &map.neighbours {
            assert!(a < b);
            let (ia, ib) = (pos[a.as_str()], pos[b.as_str()]);
            adj[ia].push(ib);
            adj[ib].push(ia);
        }
        for (i, (id, _)) in map.regions.iter().enumerate() {
            assert!(!adj[i].is_empty(), "{id} has no neighbours");
        }
        // Connected?
        let mut seen: HashSet<usize> = HashSet::from([0]);
        let mut queue = VecDeque::from([0usize]);
        while let Some(i) = queue.pop_front() {
            for &j in &adj[i] {
                if seen.insert(j) {
                    queue.push_back(j);
                }
            }
        }
        assert_eq!(seen.len(), n, "neighbour graph is not connected");

        let ramadi = "IQG01Q03";
        let falluja = "IQG01Q01";
        let risafa = "IQG08Q06";
        let mosul = "IQG15Q05";
        assert!(map.are_neighbours(ramadi, falluja));
        assert!(!map.are_neighbours(ramadi, mosul));
        let d = haversine_km(map.get(ramadi).unwrap().centroid, map.get(risafa).unwrap().centroid);
        assert!(d > 80.0 && d < 160.0, "Ramadi-Risafa centroid distance {d}");

        let total_area: f64 = map.regions.iter().map(|(_, g)| g.area_km2).sum();
        // Iraq is about 435,000–438,000 km².
        assert!(total_area > 400_000.0 && total_area < 470_000.0, "total area {total_area}");
        for (id, g) in &map.regions {
            let (x0, y0, x1, y1) = g.bbox;
            assert!(x0 <= g.centroid.0 && g.centroid.0 <= x1, "{id}");
            assert!(y0 <= g.centroid.1 && g.centroid.1 <= y1, "{id}");
            assert!(g.area_km2 > 0.0, "{id}");
        }

        let pairs = map.neighbours.len();
        println!(
            "iraq adm2: {n} regions, {pairs} neighbour pairs, average degree {:.3}, \
             total area {total_area:.0} km², Ramadi-Risafa {d:.1} km, parse_map took {elapsed:?}",
            2.0 * pairs as f64 / n as f64
        );
    }
}

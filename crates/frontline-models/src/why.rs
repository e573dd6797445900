//! The theatre run's explanations in its views: the chains behind each
//! region's control changes, for the viewer's dataset and the report's
//! "Why" section (built with `frontline_explain` from the run's driver file).

use frontline_explain::{Chain, Record, chain};
use serde_json::{Value, json};

/// How many regions the report explains.
const REPORT_REGIONS: usize = 12;

/// Per region: the chain at each of its control changes, or, if it never
/// changed hands, its chain at the end.
pub fn region_chains(rec: &Record) -> Vec<Vec<Chain>> {
    let last = rec.dates.len().saturating_sub(1) as u32;
    (0..rec.regions.len())
        .map(|r| {
            let ticks: Vec<u32> =
                rec.drivers.iter().filter(|e| e.kind == "control" && e.region == Some(r)).map(|e| e.tick).collect();
            if ticks.is_empty() { vec![chain(rec, r, last)] } else { ticks.iter().map(|&k| chain(rec, r, k)).collect() }
        })
        .collect()
}

/// The viewer's `why`: per region id, its chains as (date, text), in date order.
pub fn view_chains(why: &[Vec<Chain>]) -> Value {
    let mut out = serde_json::Map::new();
    for chains in why {
        let Some(first) = chains.first() else { continue };
        let list: Vec<Value> = chains
            .iter()
            .map(|c| json!({"date": c.date, "since": c.since.is_some(), "text": frontline_explain::render(c)}))
            .collect();
        out.insert(first.region.clone(), Value::Array(list));
    }
    Value::Object(out)
}

/// The report's section: the regions whose last change came latest.
pub fn report_section(why: &[Vec<Chain>]) -> String {
    let mut last: Vec<&Chain> = why.iter().filter_map(|c| c.last()).filter(|c| c.since.is_some()).collect();
    last.sort_by(|a, b| b.since.cmp(&a.since).then(a.region.cmp(&b.region)));
    let more = last.len().saturating_sub(REPORT_REGIONS);
    let shown: Vec<Chain> = last.into_iter().take(REPORT_REGIONS).cloned().collect();
    frontline_report::why_section(&shown, more)
}

//! The one-screen summary of a run printed by `frontline run`.
//!
//! Owns presentation only: it reads a trajectory and writes text.

use frontline_engine::Trajectory;
use frontline_scenario::Model;
use std::fmt::Write;

fn people(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// Renders the summary.
pub fn render(m: &Model, t: &Trajectory) -> String {
    let mut o = String::new();
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let last = t.snapshots() - 1;
    let _ = writeln!(
        o,
        "{} — seed {}, {} to {} ({} ticks of {} days)",
        m.name, t.seed, t.days[0], t.days[last], last, m.tick_days
    );
    let changes: Vec<_> = t.events.iter().filter(|e| e.kind == "control_change").collect();
    let _ = writeln!(o, "\nControl changes ({}):", changes.len());
    for e in changes.iter().take(15) {
        let r = e.region.unwrap_or(0);
        let from = e.other.map_or("nobody".to_string(), |a| m.actors[a].id.clone());
        let to = e.actor.map_or("nobody".to_string(), |a| m.actors[a].id.clone());
        let _ = writeln!(o, "  {}  {:<24} {} → {}", e.day, m.regions[r].name, from, to);
    }
    if changes.len() > 15 {
        let _ = writeln!(o, "  … and {} more (see events table)", changes.len() - 15);
    }
    let routs = t.events.iter().filter(|e| e.kind == "rout").count();
    let captured: f64 = t.events.iter().filter(|e| e.kind == "equipment_captured").map(|e| e.value).sum();
    let _ = writeln!(o, "Routs: {routs}; weapon sets captured: {}", people(captured));
    let _ = writeln!(o, "\nFinal control:");
    let _ = writeln!(o, "  {:<16} {:>8} {:>12} {:>10}", "actor", "regions", "population", "contested");
    for h in t.holdings(m, last) {
        let who = h.actor.map_or("nobody".to_string(), |a| m.actors[a].id.clone());
        let _ = writeln!(o, "  {:<16} {:>8} {:>12} {:>10}", who, h.regions, people(h.population), h.contested);
    }
    let _ = writeln!(o, "\nForce groups (personnel start → end, weapon sets end, morale end):");
    for (f, force) in m.forces.iter().enumerate() {
        let start: f64 = t.personnel[f * nr..(f + 1) * nr].iter().sum();
        let end: f64 = t.personnel[(last * nf + f) * nr..(last * nf + f + 1) * nr].iter().sum();
        let _ = writeln!(
            o,
            "  {:<20} {:<12} {:>9} → {:>9}  {:>9}  {:.2}",
            force.id,
            m.actors[force.actor].id,
            people(start),
            people(end),
            people(t.equipment[last * nf + f]),
            t.morale[last * nf + f]
        );
    }
    if !m.watches.is_empty() {
        let _ = writeln!(o, "\nWatched conditions (first date true):");
        for (w, watch) in m.watches.iter().enumerate() {
            let when = t.watch_first[w].map_or("never".to_string(), |k| t.days[k as usize].to_string());
            let _ = writeln!(o, "  {:<28} {}", watch.name, when);
        }
    }
    let l = &t.ledger;
    let _ = writeln!(
        o,
        "\nKilled {}, recruited {}, deserted {}",
        people(l.killed),
        people(l.recruited),
        people(l.deserted_home + l.deserted_lost)
    );
    o
}

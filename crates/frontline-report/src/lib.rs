//! # frontline-report
//!
//! Single-file HTML reports, readable offline (no scripts, fonts or links to
//! fetch; charts and maps are inline SVG):
//!
//! - [`run_report`]: one trajectory — what changed hands and when, maps of
//!   control at the start and the end, charts of regions held, fighters,
//!   threat and grievance over time, routs and watched conditions;
//! - [`ensemble_report`]: an ensemble — watched conditions with intervals,
//!   maps of the probability of control, bands of regions held and fighters;
//! - [`compare_report`]: a comparison — each outcome per arm with its 95 %
//!   interval, and the paired differences from the baseline as a forest plot.
//!
//! Reports are a view: built from results already computed, byte-identical
//! for identical inputs (no timestamps). This crate must not run the engine
//! or write files.

#![warn(missing_docs)]

pub mod chart;
pub mod forecast;

pub use forecast::{backtest_report, reliability_svg, uncertainty_section};

use chart::{LineChart, Series};
use frontline_analysis::ensemble::Aggregate;
use frontline_analysis::stats::wilson;
use frontline_date::Day;
use frontline_engine::Trajectory;
use frontline_maps::{actor_colour, escape};
use frontline_scenario::Model;
use std::fmt::Write;

/// Where a report's results come from, for its header.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// The command that produced the results (`run`, `compare`).
    pub command: String,
    /// Scenario file as given.
    pub scenario: String,
    /// Its SHA-256.
    pub scenario_hash: String,
    /// Variant files with their SHA-256.
    pub variants: Vec<(String, String)>,
    /// `--set` overrides.
    pub sets: Vec<String>,
    /// Seed (run) or base seed (comparison).
    pub seed: u64,
}

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.45}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .8em;border-bottom:1px solid #eee;text-align:left}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9em}\
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.4em;vertical-align:-.1em}\
figure{margin:1em 0}figcaption{color:#555;font-size:.9em}code{background:#f4f4f4;padding:0 .2em}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// `html` with `section` added at the end of its body.
pub fn with_section(html: &str, section: &str) -> String {
    match html.rfind("</body>") {
        Some(i) => format!("{}{section}{}", &html[..i], &html[i..]),
        None => format!("{html}{section}"),
    }
}

/// The "Why" section of a run's report: for each region in `chains`, the
/// chain that led to its last change (issue #13; `frontline explain` gives
/// any region on any date).
pub fn why_section(chains: &[frontline_explain::Chain], more: usize) -> String {
    let mut b = String::from("<h2 id=\"why\">Why: the chains behind the last control changes</h2>\n");
    if chains.is_empty() {
        b.push_str("<p>No region changed hands in this run.</p>\n");
        return b;
    }
    b.push_str("<p class=\"meta\">Each change, then what led to it: routs, the rules whose orders sent forces there or away, operations, recruitment surges and attitude shifts. <code>frontline explain DIR --region PLACE --date D</code> gives any region on any date.</p>\n");
    for c in chains {
        let _ = writeln!(
            b,
            "<h3>{} <span class=\"meta\">{}</span></h3>\n<p>{}</p>\n<ul>",
            escape(&c.region_name),
            escape(&c.region),
            escape(&c.summary)
        );
        chain_links(&mut b, c);
        b.push_str("</ul>\n");
    }
    if more > 0 {
        let _ = writeln!(
            b,
            "<p class=\"meta\">… and {more} more regions changed hands; ask <code>frontline explain</code> for them.</p>"
        );
    }
    b
}

/// A chain's links as nested lists (the caller opened the outer `<ul>`).
fn chain_links(b: &mut String, c: &frontline_explain::Chain) {
    let mut depth = 0;
    for l in &c.links {
        while depth < l.depth {
            b.push_str("<ul>");
            depth += 1;
        }
        while depth > l.depth {
            b.push_str("</ul>");
            depth -= 1;
        }
        let what =
            l.rule.as_ref().map_or_else(|| format!("{} · {}", l.phase, l.kind), |r| format!("{} · rule {r}", l.phase));
        let _ = writeln!(
            *b,
            "<li><span class=\"meta\">[{} · {}]</span> {}</li>",
            escape(&what),
            escape(&l.date),
            escape(&l.text)
        );
    }
    while depth > 0 {
        b.push_str("</ul>");
        depth -= 1;
    }
}

/// The ensemble report's "Why" section (`ensemble --explain`): for each
/// watched outcome naming a region, the groups of runs whose chains to it
/// have the same links (numbers dropped), most common first, with the most
/// common group's example chain.
pub fn ensemble_why_section(file: &frontline_explain::ensemble::JobFile) -> String {
    let mut b = String::from("<h2 id=\"why\">Why: the most common chains to each outcome</h2>\n");
    b.push_str("<p class=\"meta\">Each run where a watched outcome held was rerun with its drivers recorded; its chain for the outcome's region, on the date the outcome first held, is reduced to its links without their numbers, and equal chains are grouped. <code>frontline explain DIR --region PLACE [--date D]</code> gives the groups as text or JSON.</p>\n");
    if file.outcomes.is_empty() {
        b.push_str("<p>No watched outcome that names a region held in any run.</p>\n");
        return b;
    }
    for o in &file.outcomes {
        let explained = o.members.len();
        let _ = writeln!(
            b,
            "<h3>{} <span class=\"meta\">{} · {}</span></h3>\n<p>Held in {} of the {} runs; {} explained.</p>\n<table><tr><th>share</th><th>runs</th><th>example</th><th>the chain, without its numbers</th></tr>",
            escape(&o.outcome),
            escape(&o.condition),
            escape(&o.region_name),
            o.held,
            file.runs,
            explained
        );
        for g in o.groups.iter().take(8) {
            let _ = writeln!(
                b,
                "<tr><td>{:.0} %</td><td>{}</td><td>run {}</td><td>{}</td></tr>",
                100.0 * g.share,
                g.runs,
                g.example_run,
                escape(&g.signature.join(" ← "))
            );
        }
        b.push_str("</table>\n");
        if o.groups.len() > 8 {
            let _ = writeln!(b, "<p class=\"meta\">… and {} rarer chains.</p>", o.groups.len() - 8);
        }
        if let Some(g) = o.groups.first() {
            let _ = writeln!(
                b,
                "<p>The most common chain, in run {}: {}</p>\n<ul>",
                g.example_run,
                escape(&g.example.summary)
            );
            chain_links(&mut b, &g.example);
            b.push_str("</ul>\n");
        }
    }
    b
}

fn provenance(p: &Provenance) -> String {
    let mut s = String::from("<p class=\"meta\">");
    let _ = write!(
        s,
        "Frontline {} · <code>frontline {}</code> · scenario <code>{}</code> (sha256 {}) · seed {}",
        env!("CARGO_PKG_VERSION"),
        escape(&p.command),
        escape(&p.scenario),
        escape(p.scenario_hash.get(..12).unwrap_or(&p.scenario_hash)),
        p.seed
    );
    for (v, h) in &p.variants {
        let _ = write!(s, " · variant <code>{}</code> ({})", escape(v), escape(h.get(..12).unwrap_or(h)));
    }
    for set in &p.sets {
        let _ = write!(s, " · <code>--set {}</code>", escape(set));
    }
    s.push_str("</p>\n");
    s
}

fn people(x: f64) -> String {
    chart::short(x.round())
}

/// The scenario's key dates, as chart markers.
pub fn markers(m: &Model) -> Vec<(Day, String)> {
    m.key_dates.iter().map(|k| (k.day, k.label.clone())).collect()
}

/// The snapshots a report maps by default: each key date's (the last tick
/// on or before it), then the last, without repeats.
pub fn default_snapshots(m: &Model) -> Vec<usize> {
    m.key_ticks().into_iter().map(|t| t as usize).collect()
}

fn swatch(colour: &str) -> String {
    format!("<span class=\"swatch\" style=\"background:{colour}\"></span>")
}

/// The charts of a run, as (file stem, standalone SVG): regions held,
/// fighters and threat per actor, grievance per identity over time, and
/// with the `displacement` mechanism on the people away from home per identity.
pub fn run_charts(m: &Model, t: &Trajectory) -> Vec<(&'static str, String)> {
    let (nr, nf, ni, na) = (m.regions.len(), m.forces.len(), m.identities.len(), m.actors.len());
    let last = t.snapshots() - 1;
    let actor_series = |values: &dyn Fn(usize, usize) -> f64| -> Vec<Series> {
        (0..na)
            .map(|a| Series {
                label: m.actors[a].name.clone(),
                colour: actor_colour(a).to_string(),
                values: (0..=last).map(|k| values(a, k)).collect(),
                band: None,
                dashed: false,
            })
            .filter(|s| s.values.iter().any(|&v| v > 0.0))
            .collect()
    };
    let held = |a: usize, k: usize| (0..nr).filter(|&r| t.control[k * nr + r] == a as i32).count() as f64;
    let fighters = |a: usize, k: usize| -> f64 {
        (0..nf)
            .filter(|&f| m.forces[f].actor == a && m.forces[f].kind != frontline_scenario::spec::ForceKind::Air)
            .map(|f| t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum::<f64>())
            .sum()
    };
    let threat = |a: usize, k: usize| t.threat[k * na + a];
    let mut out = Vec::new();
    for (name, title, series, unit, y_label) in [
        ("regions_held", "Regions held", actor_series(&held), false, "regions (count)"),
        ("fighters", "Fighters (ground forces)", actor_series(&fighters), false, "fighters (people)"),
        ("threat", "Threat perceived (0 = none, 1 = overwhelming)", actor_series(&threat), true, "threat (0 to 1)"),
    ] {
        let c = LineChart {
            title: title.into(),
            days: t.days.clone(),
            series,
            unit_interval: unit,
            y_label: y_label.into(),
            markers: markers(m),
        };
        out.push((name, c.svg()));
    }
    // Population-weighted mean grievance per identity.
    let grievance: Vec<Series> = (0..ni)
        .map(|i| Series {
            label: m.identities[i].name.clone(),
            colour: frontline_maps::PALETTE[(i + 4) % frontline_maps::PALETTE.len()].to_string(),
            values: (0..=last)
                .map(|k| {
                    let (mut w, mut g) = (0.0, 0.0);
                    for r in 0..nr {
                        let idx = (k * nr + r) * ni + i;
                        w += t.population[idx];
                        g += t.population[idx] * t.grievance[idx];
                    }
                    if w > 0.0 { g / w } else { 0.0 }
                })
                .collect(),
            band: None,
            dashed: false,
        })
        .collect();
    let c = LineChart {
        title: "Grievance (population-weighted mean)".into(),
        days: t.days.clone(),
        series: grievance,
        unit_interval: true,
        y_label: "grievance (0 to 1)".into(),
        markers: markers(m),
    };
    out.push(("grievance", c.svg()));
    if !t.displaced.is_empty() {
        let displaced: Vec<Series> = (0..ni)
            .map(|i| Series {
                label: m.identities[i].name.clone(),
                colour: frontline_maps::PALETTE[(i + 4) % frontline_maps::PALETTE.len()].to_string(),
                values: (0..=last).map(|k| t.displaced[k * ni + i]).collect(),
                band: None,
                dashed: false,
            })
            .collect();
        let c = LineChart {
            title: "People displaced (away from home)".into(),
            days: t.days.clone(),
            series: displaced,
            unit_interval: false,
            y_label: "people displaced".into(),
            markers: markers(m),
        };
        out.push(("displaced", c.svg()));
    }
    out
}

/// The report of one run.
pub fn run_report(m: &Model, t: &Trajectory, p: &Provenance) -> String {
    let nr = m.regions.len();
    let last = t.snapshots() - 1;
    let name = |a: Option<usize>| a.map_or("nobody".to_string(), |a| m.actors[a].name.clone());
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", escape(&m.name));
    let _ = writeln!(
        b,
        "<p>One run from {} to {} ({} ticks of {} days), seed {}.</p>",
        t.days[0], t.days[last], last, m.tick_days, t.seed
    );
    b.push_str(&provenance(p));

    // Who holds what at the end.
    let _ = writeln!(
        b,
        "<h2>Control at the end</h2>\n<table><tr><th>actor</th><th class=\"n\">regions</th><th class=\"n\">population</th><th class=\"n\">contested</th></tr>"
    );
    for h in t.holdings(m, last) {
        let colour = h.actor.map_or(frontline_maps::NOBODY, actor_colour);
        let _ = writeln!(
            b,
            "<tr><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            swatch(colour),
            escape(&name(h.actor)),
            h.regions,
            people(h.population),
            h.contested
        );
    }
    b.push_str("</table>\n");

    // Maps.
    b.push_str("<h2>Maps of control</h2>\n");
    let mut snapshots = vec![0];
    snapshots.extend(default_snapshots(m).into_iter().filter(|&k| k != 0 && k <= last));
    for k in snapshots {
        let control: Vec<Option<usize>> =
            t.control[k * nr..(k + 1) * nr].iter().map(|&c| usize::try_from(c).ok()).collect();
        let title = format!("Control on {}", t.days[k]);
        let svg = frontline_maps::control_svg(m, &control, &t.contested[k * nr..(k + 1) * nr], &title);
        let _ = writeln!(b, "<figure>{svg}</figure>");
    }

    // Charts.
    b.push_str("<h2>Over time</h2>\n");
    for (_, svg) in run_charts(m, t) {
        let _ = writeln!(b, "<figure>{svg}</figure>");
    }

    // Events.
    let changes: Vec<_> = t.events.iter().filter(|e| e.kind == "control_change").collect();
    let _ = writeln!(
        b,
        "<h2>Control changes ({})</h2>\n<table><tr><th>date</th><th>region</th><th>from</th><th>to</th></tr>",
        changes.len()
    );
    for e in &changes {
        let r = e.region.unwrap_or(0);
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{} <span class=\"meta\">{}</span></td><td>{}</td><td>{}{}</td></tr>",
            e.day,
            escape(&m.regions[r].name),
            escape(&m.regions[r].id),
            escape(&name(e.other)),
            swatch(e.actor.map_or(frontline_maps::NOBODY, actor_colour)),
            escape(&name(e.actor))
        );
    }
    b.push_str("</table>\n");
    let routs = t.events.iter().filter(|e| e.kind == "rout").count();
    let captured: f64 = t.events.iter().filter(|e| e.kind == "equipment_captured").map(|e| e.value).sum();
    let l = &t.ledger;
    let _ = writeln!(
        b,
        "<p>Routs: {routs}; weapon sets captured: {}. Killed {}, recruited {}, deserted {}.</p>",
        people(captured),
        people(l.killed),
        people(l.recruited),
        people(l.deserted_home + l.deserted_lost)
    );
    if !m.watches.is_empty() {
        b.push_str("<h2>Watched conditions</h2>\n<table><tr><th>condition</th><th>first true</th></tr>\n");
        for (w, watch) in m.watches.iter().enumerate() {
            let when = t.watch_first[w].map_or("never".to_string(), |k| t.days[k as usize].to_string());
            let _ = writeln!(b, "<tr><td>{}</td><td>{when}</td></tr>", escape(&watch.name));
        }
        b.push_str("</table>\n");
    }
    b.push_str("<p class=\"meta\">One run is one possible history; run an ensemble for probabilities.</p>\n");
    page(&format!("{} — run, seed {}", m.name, t.seed), &b)
}

/// The charts of an ensemble, as (file stem, standalone SVG): regions held
/// per actor and fighters per force group, mean with a 5–95 % band.
pub fn ensemble_charts(m: &Model, agg: &Aggregate) -> Vec<(&'static str, String)> {
    let na = m.actors.len();
    let days: Vec<Day> = (0..=m.ticks).map(|k| m.day_of_tick(k)).collect();
    let bands = |metric: &dyn Fn(usize) -> String,
                 pick: &dyn Fn(usize) -> bool,
                 label: &dyn Fn(usize) -> String,
                 colour: &dyn Fn(usize) -> String,
                 count: usize|
     -> Vec<Series> {
        (0..count)
            .filter(|&i| pick(i))
            .filter_map(|i| agg.band(&metric(i)).map(|band| (i, band)))
            .filter(|(_, band)| band.q95.iter().any(|&v| v > 0.0))
            .map(|(i, band)| Series {
                label: label(i),
                colour: colour(i),
                values: band.mean,
                band: Some((band.q05, band.q95)),
                dashed: false,
            })
            .collect()
    };
    let held = bands(
        &|a| format!("regions_held:{}", m.actors[a].id),
        &|_| true,
        &|a| m.actors[a].name.clone(),
        &|a| actor_colour(a).to_string(),
        na,
    );
    let c = LineChart {
        title: "Regions held (mean, 5–95 % band)".into(),
        days: days.clone(),
        series: held,
        unit_interval: false,
        y_label: "regions (count)".into(),
        markers: markers(m),
    };
    let mut out = vec![("regions_held", c.svg())];
    let fighters = bands(
        &|f| format!("personnel:{}", m.forces[f].id),
        // Groups that are never active (a deployment switched off) are left out.
        &|f| m.forces[f].kind != frontline_scenario::spec::ForceKind::Air && m.may_be_active(f),
        &|f| m.forces[f].id.clone(),
        // A hue per actor, a shade per group.
        &|f| frontline_maps::group_colour(m, f),
        m.forces.len(),
    );
    let c = LineChart {
        title: "Fighters per force group (mean, 5–95 % band)".into(),
        days,
        series: fighters,
        unit_interval: false,
        y_label: "fighters (people)".into(),
        markers: markers(m),
    };
    out.push(("fighters", c.svg()));
    out
}

/// The report of an ensemble: watched conditions with intervals, maps of
/// the probability of control at the end, and bands (5–95 % of runs) of
/// regions held and fighters over time.
pub fn ensemble_report(m: &Model, agg: &Aggregate, p: &Provenance) -> String {
    let n = agg.runs as f64;
    let days: Vec<Day> = (0..=m.ticks).map(|k| m.day_of_tick(k)).collect();
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", escape(&m.name));
    let _ = writeln!(
        b,
        "<p>An ensemble of {} runs from {} to {}: probabilities are shares of runs; bands span the middle 90 % of runs (5 % to 95 %).</p>",
        agg.runs,
        days[0],
        days.last().unwrap_or(&days[0])
    );
    b.push_str(&provenance(p));
    if !agg.watches.is_empty() {
        b.push_str("<h2>Watched conditions</h2>\n<table><tr><th>condition</th><th class=\"n\">probability by the end</th><th class=\"n\">95 % interval</th><th>first date: 5 % / median / 95 %</th></tr>\n");
        for (name, k, q) in &agg.watches {
            let (lo, hi) = wilson(*k as f64, n);
            let d = |x: &Option<Day>| x.map_or("—".to_string(), |d| d.to_string());
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"n\">{:.1} %</td><td class=\"n\">[{:.1}, {:.1}]</td><td>{} / {} / {}</td></tr>",
                escape(name),
                100.0 * *k as f64 / n,
                100.0 * lo,
                100.0 * hi,
                d(&q[0]),
                d(&q[1]),
                d(&q[2])
            );
        }
        b.push_str("</table>\n");
    }
    let snapshots = default_snapshots(m);
    if snapshots.len() > 1 {
        b.push_str("<h2>Who holds what on the key dates and at the end</h2>\n");
    } else {
        b.push_str("<h2>Who holds what at the end</h2>\n");
    }
    for k in snapshots {
        let probabilities = agg.control_probability(m, k);
        let label = m.key_dates.iter().find(|d| m.tick_on_or_before(d.day) as usize == k).map(|d| d.label.as_str());
        for (a, actor) in m.actors.iter().enumerate() {
            if probabilities[a].iter().all(|&x| x <= 0.0) {
                continue;
            }
            let when = match label {
                Some(l) => format!("{} ({l})", m.day_of_tick(k as u32)),
                None => m.day_of_tick(k as u32).to_string(),
            };
            let title = format!("P({} holds) on {when}", actor.name);
            let _ =
                writeln!(b, "<figure>{}</figure>", frontline_maps::probability_svg(m, &probabilities[a], a, &title));
        }
    }
    b.push_str("<h2>Over time</h2>\n");
    for (_, svg) in ensemble_charts(m, agg) {
        let _ = writeln!(b, "<figure>{svg}</figure>");
    }
    b.push_str("<h2>Force groups at the end</h2>\n<table><tr><th>group</th><th class=\"n\">median</th><th class=\"n\">5 %</th><th class=\"n\">95 %</th></tr>\n");
    for (id, v) in agg.final_forces.iter().filter(|(id, _)| m.force_index(id).is_none_or(|f| m.may_be_active(f))) {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(id),
            people(v[2]),
            people(v[1]),
            people(v[3])
        );
    }
    b.push_str("</table>\n");
    page(&format!("{} — ensemble of {} runs", m.name, agg.runs), &b)
}

/// One line of a comparison: an outcome for one arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonLine {
    /// Outcome text.
    pub outcome: String,
    /// Arm name.
    pub arm: String,
    /// Probability or mean.
    pub estimate: f64,
    /// Its 95 % interval.
    pub interval: (f64, f64),
    /// Paired difference from the baseline with its 95 % interval (None for the baseline).
    pub difference: Option<(f64, f64, f64)>,
}

/// A forest plot of the paired differences of every outcome and arm, on
/// one axis with round ticks: the comparison's headline picture.
pub fn forest(lines: &[ComparisonLine]) -> String {
    let diffs: Vec<(String, (f64, f64, f64))> =
        lines.iter().filter_map(|l| l.difference.map(|d| (format!("{} · {}", l.outcome, l.arm), d))).collect();
    let (w, row, left, right, top) = (900.0, 30.0, 360.0, 150.0, 34.0);
    let h = top + row * diffs.len().max(1) as f64 + 56.0;
    let finite = |v: f64| if v.is_finite() { v.abs() } else { 0.0 };
    let max = diffs.iter().map(|(_, d)| finite(d.1).max(finite(d.2)).max(finite(d.0))).fold(0.0, f64::max);
    let step = chart::nice_step(max.max(1e-6), 3);
    let extent = ((max / step).ceil().max(1.0)) * step;
    let x = |v: f64| left + (w - left - right) * (v.clamp(-extent, extent) + extent) / (2.0 * extent);
    let y_axis = top + row * diffs.len().max(1) as f64;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, "<title>Paired differences from the baseline</title>");
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="12" y="20" font-size="15" fill="#222222">Paired difference from the baseline (arm − baseline), 95 % interval</text>"##
    );
    // The axis: ticks every `step`, a dashed line at 0.
    let n = (extent / step).round() as i64;
    for i in -n..=n {
        let v = i as f64 * step;
        let xx = x(v);
        let label = if i == 0 { "0".to_string() } else { format!("{:+}", (v * 1e6).round() / 1e6) };
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{top}" x2="{xx:.1}" y2="{y_axis:.0}" stroke="#eeeeee"/><line x1="{xx:.1}" y1="{y_axis:.0}" x2="{xx:.1}" y2="{:.0}" stroke="#555555"/><text class="tick" x="{xx:.1}" y="{:.0}" text-anchor="middle" fill="#555555">{label}</text>"##,
            y_axis + 5.0,
            y_axis + 18.0
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{y_axis:.0}" x2="{:.0}" y2="{y_axis:.0}" stroke="#555555"/><line x1="{zero:.1}" y1="{top}" x2="{zero:.1}" y2="{y_axis:.0}" stroke="#777777" stroke-dasharray="4 3"/>"##,
        w - right,
        zero = x(0.0)
    );
    let _ = writeln!(
        s,
        r##"<text class="axis-title" x="{:.0}" y="{:.0}" text-anchor="middle" fill="#333333">difference (probability or mean, arm − baseline)</text>"##,
        (left + w - right) / 2.0,
        y_axis + 38.0
    );
    for (i, (label, (d, lo, hi))) in diffs.iter().enumerate() {
        let y = top + row * (i as f64 + 0.5);
        let short: String =
            if label.chars().count() > 56 { label.chars().take(55).collect::<String>() + "…" } else { label.clone() };
        let _ = writeln!(
            s,
            r##"<text x="{:.0}" y="{:.0}" text-anchor="end" fill="#222222">{}<title>{}</title></text><line x1="{:.1}" y1="{y:.0}" x2="{:.1}" y2="{y:.0}" stroke="#4e79a7" stroke-width="2"/><circle class="estimate" cx="{:.1}" cy="{y:.0}" r="4.5" fill="#4e79a7"><title>{}: {d:+.3} [{lo:+.3}, {hi:+.3}]</title></circle><text x="{:.0}" y="{:.0}" fill="#555555">{d:+.3} [{lo:+.3}, {hi:+.3}]</text>"##,
            left - 10.0,
            y + 4.0,
            escape(&short),
            escape(label),
            x(*lo),
            x(*hi),
            x(*d),
            escape(label),
            w - right + 8.0,
            y + 4.0
        );
    }
    s.push_str("</svg>\n");
    s
}

/// What a comparison shows beyond its outcomes, for models with a map: the
/// model (of the baseline; the arms share its regions, actors and dates)
/// and each arm's views, baseline first.
pub struct CompareViews<'a> {
    /// The baseline's model.
    pub model: &'a Model,
    /// (arm name, its views), baseline first.
    pub arms: Vec<(String, frontline_analysis::compare::ArmViews)>,
}

/// The pictures of a comparison's views, as (file path, standalone SVG):
/// for each key date, the two actors the arms move most (or, if none, the
/// first that holds something), the probability maps of every arm and the
/// difference map of each arm from the baseline; then the regions each
/// actor holds over time, every arm overlaid with its band.
pub fn compare_pictures(v: &CompareViews) -> Vec<(String, String)> {
    let m = v.model;
    let mut out = Vec::new();
    let Some((_, base)) = v.arms.first() else { return out };
    for (k, tick) in m.key_ticks().into_iter().enumerate() {
        let date = m.day_of_tick(tick);
        let label = m.key_dates.iter().find(|d| m.tick_on_or_before(d.day) == tick).map(|d| format!(" ({})", d.label));
        let label = label.unwrap_or_default();
        // The (at most two) actors whose chances the arms move most.
        let moved_by = |a: usize| -> f64 {
            v.arms[1..]
                .iter()
                .map(|(_, arm)| arm.p[k][a].iter().zip(&base.p[k][a]).map(|(x, y)| (x - y).abs()).sum::<f64>())
                .sum()
        };
        let mut moved: Vec<usize> = (0..m.actors.len()).filter(|&a| moved_by(a) > 0.0).collect();
        moved.sort_by(|&a, &b| moved_by(b).total_cmp(&moved_by(a)));
        moved.truncate(2);
        let actors = if moved.is_empty() {
            (0..m.actors.len()).find(|&a| base.p[k][a].iter().any(|&x| x > 0.0)).into_iter().collect()
        } else {
            moved
        };
        for a in actors {
            let actor = &m.actors[a];
            for (name, arm) in &v.arms {
                let title = format!("{name}: P({} holds) on {date}{label}", actor.name);
                out.push((
                    format!("maps/compare-{}-{}-{date}.svg", actor.id, slug(name)),
                    frontline_maps::probability_svg(m, &arm.p[k][a], a, &title),
                ));
            }
            for (name, arm) in &v.arms[1..] {
                let dp: Vec<f64> = arm.p[k][a].iter().zip(&base.p[k][a]).map(|(x, y)| x - y).collect();
                let title = format!("ΔP({} holds), {name} − baseline, on {date}{label}", actor.name);
                out.push((
                    format!("maps/compare-{}-{}-minus-baseline-{date}.svg", actor.id, slug(name)),
                    frontline_maps::difference_svg(m, &dp, a, &title),
                ));
            }
        }
    }
    let days: Vec<Day> = (0..=m.ticks).map(|k| m.day_of_tick(k)).collect();
    let mut series = Vec::new();
    for a in 0..m.actors.len() {
        if !v.arms.iter().any(|(_, arm)| arm.held[a].q95.iter().any(|&x| x > 0.0)) {
            continue;
        }
        for (i, (name, arm)) in v.arms.iter().enumerate() {
            let colour = if i == 0 {
                actor_colour(a).to_string()
            } else {
                frontline_maps::svg_blend(actor_colour(a), "#000000", 0.35 * i as f64)
            };
            series.push(Series {
                label: format!("{} · {name}", m.actors[a].name),
                colour,
                values: arm.held[a].mean.clone(),
                band: Some((arm.held[a].q05.clone(), arm.held[a].q95.clone())),
                dashed: i > 0,
            });
        }
    }
    let c = LineChart {
        title: "Regions held per arm (mean, 5–95 % band; arms dashed)".into(),
        days,
        series,
        unit_interval: false,
        y_label: "regions (count)".into(),
        markers: markers(m),
    };
    out.push(("plots/compare-regions_held.svg".into(), c.svg()));
    out
}

/// A file-name-safe form of an arm's name.
fn slug(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// The report of a comparison: the forest plot of every outcome's paired
/// difference first (the headline), then with `views` the maps per arm,
/// the difference maps and the arms' time series overlaid, then a table
/// per outcome.
pub fn compare_report(
    name: &str,
    runs: u64,
    lines: &[ComparisonLine],
    p: &Provenance,
    pictures: &[(String, String)],
    intervals: &str,
) -> String {
    let mut b = String::new();
    let arms: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for l in lines {
            if !v.contains(&l.arm.as_str()) {
                v.push(&l.arm);
            }
        }
        v
    };
    let _ = writeln!(b, "<h1>{}: {}</h1>", escape(name), escape(&arms.join(" vs ")));
    let _ = writeln!(
        b,
        "<p>{} arms × {runs} runs. Run <i>i</i> of every arm uses the same seed (common random numbers), so the paired differences are sharper than the intervals of each arm alone. {}.</p>",
        arms.len(),
        escape(intervals)
    );
    b.push_str(&provenance(p));
    if lines.iter().any(|l| l.difference.is_some()) {
        let _ = writeln!(
            b,
            "<h2>Differences from the baseline</h2>\n<figure>{}<figcaption>Paired difference of every outcome from the baseline, with its 95 % interval; the dashed line is no difference.</figcaption></figure>",
            forest(lines)
        );
    }
    let maps: Vec<&(String, String)> = pictures.iter().filter(|(path, _)| path.starts_with("maps/")).collect();
    if !maps.is_empty() {
        b.push_str("<h2>Maps per arm and of the difference</h2>\n<p class=\"meta\">For each key date (and the last date), the probability of control in each arm and ΔP = arm − baseline (blue: the arm raises the actor's chance of holding the region; red: it lowers it).</p>\n");
        for (_, svg) in maps {
            let _ = writeln!(b, "<figure>{svg}</figure>");
        }
    }
    for (_, svg) in pictures.iter().filter(|(path, _)| path.starts_with("plots/")) {
        b.push_str("<h2>Over time</h2>\n");
        let _ = writeln!(b, "<figure>{svg}</figure>");
    }
    let mut outcomes: Vec<&str> = Vec::new();
    for l in lines {
        if !outcomes.contains(&l.outcome.as_str()) {
            outcomes.push(&l.outcome);
        }
    }
    for o in outcomes {
        let of: Vec<&ComparisonLine> = lines.iter().filter(|l| l.outcome == o).collect();
        let _ = writeln!(
            b,
            "<h2><code>{}</code></h2>\n<table><tr><th>arm</th><th class=\"n\">estimate</th><th class=\"n\">95 % interval</th><th class=\"n\">Δ vs baseline</th><th class=\"n\">95 % interval</th></tr>",
            escape(o)
        );
        for l in &of {
            let (d, dci) = match l.difference {
                Some((d, lo, hi)) => (format!("{d:+.3}"), format!("[{lo:+.3}, {hi:+.3}]")),
                None => ("—".into(), String::new()),
            };
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"n\">{:.3}</td><td class=\"n\">[{:.3}, {:.3}]</td><td class=\"n\">{d}</td><td class=\"n\">{dci}</td></tr>",
                escape(&l.arm),
                l.estimate,
                l.interval.0,
                l.interval.1
            );
        }
        b.push_str("</table>\n");
    }
    page(&format!("{name} — comparison"), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Model {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/vicious-circle.toml");
        let Ok(l) = frontline_scenario::load(std::path::Path::new(path), &Default::default()) else {
            panic!("the example loads")
        };
        l.model
    }

    /// Crude well-formedness: every opened element of these kinds is closed.
    fn balanced(html: &str) {
        for tag in ["svg", "table", "figure", "h2", "p", "tr", "text", "title"] {
            let open = html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
            let close = html.matches(&format!("</{tag}>")).count();
            assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
        }
    }

    #[test]
    fn run_report_is_one_offline_file_with_maps_charts_and_events() {
        let m = example();
        let t = frontline_engine::simulate(&m, 7);
        let html = run_report(&m, &t, &Provenance { command: "run".into(), seed: 7, ..Provenance::default() });
        assert!(!html.contains("People displaced"), "no displacement chart with the switch off");
        assert!(html.starts_with("<!DOCTYPE html>"));
        balanced(&html);
        assert_eq!(html.matches("<svg").count(), 2 + 4, "two maps and four charts");
        assert!(html.contains("Control changes (") && html.contains("Regions held"));
        // Offline: nothing to fetch (the SVG namespace is an identifier, not a request).
        let fetches = html.matches("http").count() - html.matches("http://www.w3.org/2000/svg").count();
        assert_eq!(fetches, 0, "no external references");
        assert!(!html.contains("<script"));
        // Reproducible.
        assert_eq!(html, run_report(&m, &t, &Provenance { command: "run".into(), seed: 7, ..Provenance::default() }));
    }

    #[test]
    fn run_report_plots_the_displaced_with_displacement_on() {
        let mut m = example();
        m.mechanisms.set(frontline_scenario::spec::MechanismName::Displacement, true);
        m.mechanisms.set(frontline_scenario::spec::MechanismName::CivilianHarm, true);
        let t = frontline_engine::simulate(&m, 7);
        assert!(t.displaced.iter().any(|&x| x > 0.0));
        let html = run_report(&m, &t, &Provenance { command: "run".into(), seed: 7, ..Provenance::default() });
        balanced(&html);
        assert_eq!(html.matches("<svg").count(), 2 + 5, "two maps and five charts");
        assert!(html.contains("People displaced (away from home)"));
        let charts = run_charts(&m, &t);
        assert_eq!(charts.last().map(|c| c.0), Some("displaced"));
    }

    #[test]
    fn ensemble_report_has_watches_probability_maps_and_bands() {
        let m = example();
        let dir = std::env::temp_dir().join(format!("frontline-report-ens-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let job = frontline_analysis::ensemble::job_id("test", &[], &[], 1, 30);
        frontline_analysis::ensemble::run_batches(&m, &job, 30, 1, &dir, false, &|_| {}).unwrap();
        let agg = frontline_analysis::ensemble::aggregate(&m, 30, 1, &dir).unwrap();
        let html = ensemble_report(&m, &agg, &Provenance::default());
        balanced(&html);
        assert!(html.contains("insurgents_take_city"), "the watched condition is listed");
        assert!(html.contains("P(Insurgency holds)"), "a probability map");
        assert!(html.contains("fill-opacity"), "bands");
        // Regression: every inline map declares its own ids (the ISIS and KRG
        // maps shared `id="scale"` and both showed the first map's colour bar).
        let ids: Vec<&str> =
            html.match_indices(" id=\"").map(|(i, _)| html[i + 5..].split('"').next().unwrap()).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert!(ids.len() >= 2 && ids.len() == unique.len(), "{ids:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn compare_report_tables_each_outcome_and_plots_the_differences() {
        let m = example();
        let lines = vec![
            ComparisonLine {
                outcome: "x by end".into(),
                arm: "baseline".into(),
                estimate: 0.9,
                interval: (0.85, 0.93),
                difference: None,
            },
            ComparisonLine {
                outcome: "x by end".into(),
                arm: "arm <tribes>".into(),
                estimate: 0.54,
                interval: (0.47, 0.61),
                difference: Some((-0.36, -0.44, -0.28)),
            },
        ];
        let html = compare_report(&m.name, 200, &lines, &Provenance::default(), &[], "95 % intervals: Wilson");
        balanced(&html);
        assert!(html.contains("arm &lt;tribes&gt;") && html.contains("-0.360 [-0.440, -0.280]"));
        assert_eq!(html.matches("<svg").count(), 1, "one forest plot");
        assert!(html.contains("baseline vs arm &lt;tribes&gt;"));
        // The forest plot has an axis with round ticks around 0 and its title.
        let f = forest(&lines);
        assert!(f.contains(">0</text>") && f.contains(">-0.4</text>") && f.contains(">+0.4</text>"), "{f}");
        assert!(f.contains("arm − baseline"));
        assert_eq!(f.matches("class=\"estimate\"").count(), 1, "one dot per arm after the baseline");
    }
}

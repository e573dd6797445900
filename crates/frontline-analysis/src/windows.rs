//! Honest backtest scores: an ensemble's probabilities of control scored in
//! named windows against persistence of the OBSERVED map, with proper
//! scores and a reliability table.
//!
//! For a window `[from, to]`, every month end d in it and every region the
//! history names, the observed holder is as in [`crate::backtest`] and the
//! forecasts of "actor a holds region r on d" are:
//!
//! - the ensemble: the share p of runs in which a holds r at d;
//! - persistence from the window's start: 1 if a held r in the history on
//!   the day before `from`, else 0;
//! - month-to-month persistence: 1 if a held r in the history at the
//!   previous month end, else 0.
//!
//! Scores, averaged over the window's (region, month end) cells:
//!
//! ```text
//! Brier = (p − o)²
//! log   = −ln(o · p' + (1 − o) · (1 − p')),  p' = clamp(p, ε, 1 − ε), ε = 0.01
//! skill = 1 − Brier / Brier of the baseline       (> 0: better than the baseline)
//! ```
//!
//! The clamp keeps the log score finite for a forecast of exactly 0 or 1
//! that is wrong (every persistence forecast is one): such a miss costs
//! −ln 0.01 ≈ 4.6, the same for the ensemble and the baselines.
//!
//! The reliability table bins the ensemble's p into ten bins of width 0.1
//! (the last one closed) and gives, per bin, the cells, the mean forecast
//! and the observed frequency: a calibrated forecast lies on the diagonal.
//!
//! A window is `in-sample` if it starts before or on the last day the
//! parameters were fitted to (`in_sample_until`), `out-of-sample` if it
//! starts after it, and `not calibrated` when no fit is known.

use crate::backtest::{Change, month_ends};
use frontline_date::Day;
use frontline_output::{Column, Table};
use frontline_scenario::Model;

/// The log score's clamp on probabilities.
pub const LOG_CLAMP: f64 = 0.01;

/// A named window of month ends to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Its name.
    pub name: String,
    /// First day.
    pub from: Day,
    /// Last day.
    pub to: Day,
}

impl Window {
    /// Reads `NAME=FROM..TO` (dates `YYYY-MM-DD`).
    pub fn parse(text: &str) -> Result<Window, String> {
        let bad = || format!("--window `{text}`: write it as NAME=FROM..TO, e.g. out-of-sample=2015-04-01..2015-06-30");
        let (name, range) = text.split_once('=').ok_or_else(bad)?;
        let (from, to) = range.split_once("..").ok_or_else(bad)?;
        let (from, to) = (Day::parse(from.trim()).map_err(|_| bad())?, Day::parse(to.trim()).map_err(|_| bad())?);
        if name.trim().is_empty() || to < from {
            return Err(bad());
        }
        Ok(Window { name: name.trim().to_string(), from, to })
    }
}

/// One window's scores for one actor.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowScore {
    /// The window.
    pub window: Window,
    /// `in-sample`, `out-of-sample` or `not calibrated`.
    pub label: String,
    /// The actor.
    pub actor: usize,
    /// Scored (region, month end) cells.
    pub cells: usize,
    /// Mean Brier score: ensemble, persistence from the window's start, month-to-month persistence.
    pub brier: [f64; 3],
    /// Mean log score, same order.
    pub log: [f64; 3],
    /// Reliability bins: (cells, mean forecast, observed frequency), ten bins of width 0.1.
    pub reliability: Vec<(usize, f64, f64)>,
}

impl WindowScore {
    /// Brier skill against persistence from the window's start (NaN if its Brier is 0).
    pub fn skill_window(&self) -> f64 {
        skill(self.brier[0], self.brier[1])
    }
    /// Brier skill against month-to-month persistence.
    pub fn skill_monthly(&self) -> f64 {
        skill(self.brier[0], self.brier[2])
    }
}

fn skill(b: f64, reference: f64) -> f64 {
    if reference > 0.0 { 1.0 - b / reference } else { f64::NAN }
}

/// The observed holder of region `r` on `day` (the scenario's initial one before the history's first row).
pub fn holder(m: &Model, history: &[Change], r: usize, day: Day) -> Option<usize> {
    history.iter().rfind(|c| c.region == r && c.day <= day).map_or(m.regions[r].control, |c| c.controller)
}

/// The label of a window given the last day fitted to.
pub fn label(w: &Window, in_sample_until: Option<Day>) -> &'static str {
    match in_sample_until {
        None => "not calibrated",
        Some(d) if w.from <= d => "in-sample",
        Some(_) => "out-of-sample",
    }
}

/// Scores window `w` for `actor` with the ensemble's probabilities per
/// snapshot `p_at` (see the module doc).
pub fn score(
    m: &Model,
    p_at: &dyn Fn(usize) -> Vec<Vec<f64>>,
    history: &[Change],
    actor: usize,
    w: &Window,
    in_sample_until: Option<Day>,
) -> WindowScore {
    let mut regions: Vec<usize> = history.iter().map(|c| c.region).collect();
    regions.sort_unstable();
    regions.dedup();
    let start = m.day_of_tick(0);
    let last = w.to.min(m.day_of_tick(m.ticks));
    let before = w.from.checked_add_days(-1).unwrap_or(w.from);
    let holds = |r: usize, d: Day| f64::from(u8::from(holder(m, history, r, d) == Some(actor)));
    let mut brier = [0.0; 3];
    let mut log = [0.0; 3];
    let mut bins = vec![(0usize, 0.0, 0.0); 10];
    let mut cells = 0;
    for day in month_ends(w.from.max(start), last) {
        let snapshot = (0..=m.ticks).rev().find(|&t| m.day_of_tick(t) <= day).unwrap_or(0) as usize;
        let p = p_at(snapshot);
        let previous = day.first_of_month().checked_add_days(-1).unwrap_or(day);
        for &r in &regions {
            let o = holds(r, day);
            let forecasts = [p[actor][r], holds(r, before), holds(r, previous)];
            for (k, &f) in forecasts.iter().enumerate() {
                brier[k] += (f - o).powi(2);
                let c = f.clamp(LOG_CLAMP, 1.0 - LOG_CLAMP);
                log[k] -= (o * c + (1.0 - o) * (1.0 - c)).ln();
            }
            let b = ((forecasts[0] * 10.0).floor() as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += forecasts[0];
            bins[b].2 += o;
            cells += 1;
        }
    }
    let n = cells.max(1) as f64;
    WindowScore {
        window: w.clone(),
        label: label(w, in_sample_until).to_string(),
        actor,
        cells,
        brier: brier.map(|x| x / n),
        log: log.map(|x| x / n),
        reliability: bins
            .into_iter()
            .map(|(c, f, o)| if c == 0 { (0, f64::NAN, f64::NAN) } else { (c, f / c as f64, o / c as f64) })
            .collect(),
    }
}

/// The `backtest_windows` table: one row per window and actor.
pub fn table(m: &Model, scores: &[WindowScore]) -> Table {
    let f = |g: &dyn Fn(&WindowScore) -> f64| Column::F64(scores.iter().map(g).collect());
    Table::new("backtest_windows")
        .with("window", Column::Str(scores.iter().map(|s| s.window.name.clone()).collect()))
        .with("sample", Column::Str(scores.iter().map(|s| s.label.clone()).collect()))
        .with("from", Column::Date(scores.iter().map(|s| s.window.from).collect()))
        .with("to", Column::Date(scores.iter().map(|s| s.window.to).collect()))
        .with("actor", Column::Str(scores.iter().map(|s| m.actors[s.actor].id.clone()).collect()))
        .with("cells", Column::I64(scores.iter().map(|s| s.cells as i64).collect()))
        .with("brier", f(&|s| s.brier[0]))
        .with("brier_persistence_window", f(&|s| s.brier[1]))
        .with("brier_persistence_monthly", f(&|s| s.brier[2]))
        .with("skill_window", f(&|s| s.skill_window()))
        .with("skill_monthly", f(&|s| s.skill_monthly()))
        .with("log_score", f(&|s| s.log[0]))
        .with("log_persistence_window", f(&|s| s.log[1]))
        .with("log_persistence_monthly", f(&|s| s.log[2]))
}

/// The `reliability` table: one row per window, actor and non-empty bin.
pub fn reliability_table(m: &Model, scores: &[WindowScore]) -> Table {
    let rows: Vec<(&WindowScore, usize, &(usize, f64, f64))> = scores
        .iter()
        .flat_map(|s| s.reliability.iter().enumerate().filter(|(_, b)| b.0 > 0).map(move |(k, b)| (s, k, b)))
        .collect();
    Table::new("reliability")
        .with("window", Column::Str(rows.iter().map(|r| r.0.window.name.clone()).collect()))
        .with("sample", Column::Str(rows.iter().map(|r| r.0.label.clone()).collect()))
        .with("actor", Column::Str(rows.iter().map(|r| m.actors[r.0.actor].id.clone()).collect()))
        .with("bin_low", Column::F64(rows.iter().map(|r| r.1 as f64 / 10.0).collect()))
        .with("bin_high", Column::F64(rows.iter().map(|r| (r.1 + 1) as f64 / 10.0).collect()))
        .with("cells", Column::I64(rows.iter().map(|r| r.2.0 as i64).collect()))
        .with("mean_forecast", Column::F64(rows.iter().map(|r| r.2.1).collect()))
        .with("observed_frequency", Column::F64(rows.iter().map(|r| r.2.2).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backtest::parse_history;
    use frontline_scenario::diag::{Diagnostics, Sources};
    use frontline_scenario::load::build_from_tree;
    use frontline_scenario::value::parse_toml;

    /// Three regions held by blue, weekly ticks from 2015-01-01 for 6 months.
    fn model() -> Model {
        let text = r#"
[scenario]
name = "w"
start = 2015-01-01
ticks = 26
[identities.p]
[regions.x]
position = [40.0, 33.0]
neighbours = ["y"]
control = "blue"
[regions.y]
position = [41.0, 33.0]
neighbours = ["z"]
control = "blue"
[regions.z]
position = [42.0, 33.0]
control = "blue"
[actors.blue]
hostile = ["red"]
[actors.red]
"#;
        let mut sources = Sources::new();
        let f = sources.add("w.toml".into(), text.into(), None);
        let tree = parse_toml(text, f, &mut Diagnostics::default()).unwrap();
        build_from_tree(&tree, &sources).unwrap()
    }

    #[test]
    fn persistence_of_the_observed_map_by_hand() {
        let m = model();
        // Red takes x on 2015-02-10 and y on 2015-04-15; z never changes.
        let h =
            parse_history("date,region,controller\n2015-02-10,x,red\n2015-04-15,y,red\n2015-01-01,z,blue\n", &m, "h")
                .unwrap();
        let red = m.actor_index("red").unwrap();
        // The window March–April: month ends 03-31 and 04-30, regions x, y, z.
        let w = Window::parse("spring=2015-03-01..2015-04-30").unwrap();
        // The ensemble says 0.5 everywhere.
        let half = |_: usize| vec![vec![0.5; 3]; 2];
        let s = score(&m, &half, &h, red, &w, Some(Day::parse("2015-02-28").unwrap()));
        assert_eq!((s.cells, s.label.as_str()), (6, "out-of-sample"));
        // Observed red: 03-31 x; 04-30 x, y. Persistence from 02-28: x only.
        // It misses y on 04-30 only: Brier 1/6. Month to month: 03-31 from
        // 02-28 (x): right; 04-30 from 03-31 (x): misses y: 1/6 too.
        assert!((s.brier[1] - 1.0 / 6.0).abs() < 1e-12, "{s:?}");
        assert!((s.brier[2] - 1.0 / 6.0).abs() < 1e-12, "{s:?}");
        assert!((s.brier[0] - 0.25).abs() < 1e-12, "0.5 is always 0.25 off");
        // Log: one miss at −ln 0.01, five hits at −ln 0.99; the ensemble ln 2 everywhere.
        let expect = (-(0.01f64).ln() + 5.0 * -(0.99f64).ln()) / 6.0;
        assert!((s.log[1] - expect).abs() < 1e-12 && (s.log[0] - 2f64.ln()).abs() < 1e-12, "{s:?}");
        assert!((s.skill_window() - (1.0 - 0.25 * 6.0)).abs() < 1e-12);
        // Window January–February: persistence from the start (blue
        // everywhere) misses x on 02-28; month to month misses it too
        // (01-31: blue).
        let w = Window::parse("winter=2015-01-01..2015-02-28").unwrap();
        let s = score(&m, &half, &h, red, &w, Some(Day::parse("2015-02-28").unwrap()));
        assert_eq!(s.label, "in-sample");
        assert!((s.brier[1] - 1.0 / 6.0).abs() < 1e-12 && (s.brier[2] - 1.0 / 6.0).abs() < 1e-12, "{s:?}");
        // Reliability: every forecast is 0.5, in bin [0.5, 0.6); observed 1 of 6.
        assert_eq!(s.reliability[5], (6, 0.5, 1.0 / 6.0));
        assert_eq!(s.reliability.iter().filter(|b| b.0 > 0).count(), 1);
    }

    #[test]
    fn windows_are_read_with_a_clear_error() {
        let w = Window::parse("oos=2015-04-01..2015-06-30").unwrap();
        assert_eq!(
            (w.name.as_str(), w.from.to_string(), w.to.to_string()),
            ("oos", "2015-04-01".into(), "2015-06-30".into())
        );
        for bad in ["oos", "oos=2015-04-01", "=2015-04-01..2015-06-30", "x=2015-06-30..2015-04-01", "x=a..b"] {
            assert!(Window::parse(bad).unwrap_err().contains("NAME=FROM..TO"), "{bad}");
        }
        assert_eq!(label(&w, None), "not calibrated");
    }
}

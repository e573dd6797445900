//! Backtests: an ensemble's probabilities of control scored against a
//! history of dated control changes, month by month.
//!
//! The history is a CSV file with the columns `date,region,controller`: from
//! `date` on, `region` is held by `controller` (an actor id; empty for
//! nobody). For each region the history names and each month end from the
//! scenario's start to the end of the month of the history's last row (or a
//! chosen date), the observed holder is
//! the controller of the last history row on or before that day, or the
//! scenario's initial controller before the first row. For one actor *a*,
//! the forecast is the share *p* of runs in which *a* holds the region at the
//! last tick on or before the month end, and the outcome *o* is 1 if *a*
//! holds it in the history. Scores:
//!
//! ```text
//! Brier  = mean over (region, month) of (p − o)²              (Brier 1950)
//! naive  = the same for the forecast "nothing changes": p = 1 if a held the region at the start, else 0
//! skill  = 1 − Brier / naive                                   (> 0: better than persistence)
//! ```
//!
//! The interval on the skill is a bootstrap over regions (1 000 resamples,
//! fixed seed): with a short history, which regions happened to change hands
//! is the main source of uncertainty. Regions the history does not name are
//! not scored.
//!
//! Owns the history format, the scoring and the backtest table; the runs come
//! from the ensemble ([`crate::ensemble::Aggregate`]).

use crate::ensemble::Aggregate;
pub use crate::ensemble::probability_from_counts;
use crate::stats::quantile_sorted;
use frontline_date::Day;
use frontline_output::{Column, Table};
use frontline_scenario::Model;
use frontline_scenario::diag::did_you_mean;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// One dated change of control.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Day.
    pub day: Day,
    /// Region index.
    pub region: usize,
    /// New controller (None: nobody).
    pub controller: Option<usize>,
}

/// Reads a history CSV (`date,region,controller`, in any column order, other
/// columns ignored). Errors name the file, the line and the fix.
pub fn parse_history(text: &str, m: &Model, file: &str) -> Result<Vec<Change>, String> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("{file}: cannot read the header: {e}"))?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{file}:1: the header has no `{name}` column (found: {}); a history has the columns date,region,controller",
                headers.iter().collect::<Vec<_>>().join(",")
            )
        })
    };
    let (c_date, c_region, c_controller) = (col("date")?, col("region")?, col("controller")?);
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("{file}:{line}: {e}"))?;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let day = Day::parse(get(c_date))
            .map_err(|_| format!("{file}:{line}: `{}` is not a date; write it as YYYY-MM-DD", get(c_date)))?;
        let id = get(c_region);
        let region = m.region_index(id).ok_or_else(|| {
            let hint = did_you_mean(id, m.regions.iter().map(|r| r.id.as_str()))
                .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
            format!("{file}:{line}: unknown region `{id}`{hint}; use the region ids of the scenario")
        })?;
        let who = get(c_controller);
        let controller = if who.is_empty() || who == "nobody" {
            None
        } else {
            Some(m.actor_index(who).ok_or_else(|| {
                let hint = did_you_mean(who, m.actors.iter().map(|a| a.id.as_str()))
                    .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
                format!("{file}:{line}: unknown actor `{who}`{hint}; use an actor id of the scenario, or leave it empty for nobody")
            })?)
        };
        out.push(Change { day, region, controller });
    }
    if out.is_empty() {
        return Err(format!("{file}: the history has no rows"));
    }
    out.sort_by_key(|c| c.day);
    Ok(out)
}

/// Reads and parses the history CSV at `path` (see [`parse_history`]),
/// within the limits of every input file: a regular file of at most
/// [`frontline_scenario::limits::MAX_DATA_FILE_BYTES`], valid UTF-8 (a bad
/// byte is reported with its line and column). Errors name the file.
pub fn read_history(path: &std::path::Path, m: &Model) -> Result<Vec<Change>, String> {
    use frontline_scenario::limits::{MAX_DATA_FILE_BYTES, read_text};
    let text = read_text(path, MAX_DATA_FILE_BYTES).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    parse_history(&text, m, &path.display().to_string())
}

/// The last day of every month from the one holding `first` to the one
/// holding `last`, keeping those on or before `last` (and on or after `first`).
pub fn month_ends(first: Day, last: Day) -> Vec<Day> {
    let mut out = Vec::new();
    // The end of `first`'s month is on or after `first`.
    let mut end = first.last_of_month();
    while end <= last {
        out.push(end);
        match end.checked_add_days(1) {
            Some(next) => end = next.last_of_month(),
            None => break, // 9999-12-31, the last date
        }
    }
    out
}

/// One scored (region, month).
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Month end.
    pub day: Day,
    /// Region index.
    pub region: usize,
    /// 1 if the actor holds the region in the history, else 0.
    pub observed: f64,
    /// Share of runs in which the actor holds it.
    pub probability: f64,
    /// The naive forecast: 1 if the actor held it at the start, else 0.
    pub naive: f64,
}

/// A backtest's scores and summary.
#[derive(Debug, Clone)]
pub struct Backtest {
    /// The actor whose control is forecast.
    pub actor: usize,
    /// Every scored (region, month).
    pub scores: Vec<Score>,
    /// Mean Brier score of the ensemble.
    pub brier: f64,
    /// Mean Brier score of "nothing changes".
    pub brier_naive: f64,
    /// 1 − brier / brier_naive (NaN if nothing changed in the history).
    pub skill: f64,
    /// 95 % bootstrap interval on the skill, resampling regions.
    pub skill_interval: (f64, f64),
    /// Per region: (region, mean Brier, mean naive Brier), in region order.
    pub per_region: Vec<(usize, f64, f64)>,
}

/// The default end of a backtest: the end of the month of the history's last
/// row (the history is taken to hold until then), at most the scenario's end.
pub fn default_until(m: &Model, history: &[Change]) -> Day {
    let last = history.iter().map(|c| c.day).max().unwrap_or(m.day_of_tick(0));
    last.last_of_month().min(m.day_of_tick(m.ticks))
}

/// Scores an ensemble against a history for one actor, on the month ends
/// from the scenario's start to `until`.
pub fn score(m: &Model, agg: &Aggregate, history: &[Change], actor: usize, until: Day) -> Backtest {
    score_with(m, &|k| agg.control_probability(m, k), history, actor, until)
}

/// Runs in which each region had each controller, per snapshot, over runs
/// `0..runs` (run i uses splitmix64(seed, i)), laid out as
/// [`Aggregate::control_counts`]. Runs one after another: callers
/// parallelise over design points.
pub fn control_counts(m: &Model, runs: u64, seed: u64) -> Vec<u32> {
    let (nr, na, snaps) = (m.regions.len(), m.actors.len(), m.ticks as usize + 1);
    let mut counts = vec![0u32; snaps * nr * (na + 1)];
    for i in 0..runs {
        frontline_engine::run::run_observed(m, crate::stats::run_seed(seed, i), |m, s| {
            let k = s.tick as usize;
            for r in 0..nr {
                let slot = s.control[r].map_or(0, |a| a + 1);
                counts[(k * nr + r) * (m.actors.len() + 1) + slot] += 1;
            }
        });
    }
    counts
}

/// [`score`] with the probabilities of control given per snapshot by `p_at`.
pub fn score_with(
    m: &Model,
    p_at: &dyn Fn(usize) -> Vec<Vec<f64>>,
    history: &[Change],
    actor: usize,
    until: Day,
) -> Backtest {
    let start = m.day_of_tick(0);
    let until = until.min(m.day_of_tick(m.ticks));
    let mut regions: Vec<usize> = history.iter().map(|c| c.region).collect();
    regions.sort_unstable();
    regions.dedup();
    let mut scores = Vec::new();
    for day in month_ends(start, until) {
        let snapshot = (0..=m.ticks).rev().find(|&t| m.day_of_tick(t) <= day).unwrap_or(0) as usize;
        let p = p_at(snapshot);
        for &r in &regions {
            let holder =
                history.iter().rfind(|c| c.region == r && c.day <= day).map_or(m.regions[r].control, |c| c.controller);
            scores.push(Score {
                day,
                region: r,
                observed: f64::from(u8::from(holder == Some(actor))),
                probability: p[actor][r],
                naive: f64::from(u8::from(m.regions[r].control == Some(actor))),
            });
        }
    }
    let per_region: Vec<(usize, f64, f64)> = regions
        .iter()
        .map(|&r| {
            let of: Vec<&Score> = scores.iter().filter(|s| s.region == r).collect();
            let n = of.len().max(1) as f64;
            let b: f64 = of.iter().map(|s| (s.probability - s.observed).powi(2)).sum::<f64>() / n;
            let nb: f64 = of.iter().map(|s| (s.naive - s.observed).powi(2)).sum::<f64>() / n;
            (r, b, nb)
        })
        .collect();
    let mean = |f: &dyn Fn(&(usize, f64, f64)) -> f64, idx: &[usize]| -> f64 {
        idx.iter().map(|&i| f(&per_region[i])).sum::<f64>() / idx.len().max(1) as f64
    };
    let skill_of = |idx: &[usize]| {
        let (b, nb) = (mean(&|x| x.1, idx), mean(&|x| x.2, idx));
        if nb > 0.0 { 1.0 - b / nb } else { f64::NAN }
    };
    let all: Vec<usize> = (0..per_region.len()).collect();
    // Every region is scored on the same months, so the mean over regions
    // of per-region means is the mean over all scores.
    let (brier, brier_naive) = (mean(&|x| x.1, &all), mean(&|x| x.2, &all));
    let mut rng = Pcg64Mcg::seed_from_u64(0x6261_636b_7465_7374);
    let mut boot: Vec<f64> = (0..1000)
        .map(|_| {
            let idx: Vec<usize> = (0..all.len()).map(|_| rng.random_range(0..all.len().max(1))).collect();
            skill_of(&idx)
        })
        .filter(|s| s.is_finite())
        .collect();
    boot.sort_by(f64::total_cmp);
    let skill_interval = if boot.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        (quantile_sorted(&boot, 0.025), quantile_sorted(&boot, 0.975))
    };
    Backtest { actor, scores, brier, brier_naive, skill: skill_of(&all), skill_interval, per_region }
}

/// The `backtest` table: one row per actor, scored region and month.
pub fn table(m: &Model, tests: &[Backtest]) -> Table {
    let rows: Vec<(usize, &Score)> = tests.iter().flat_map(|b| b.scores.iter().map(move |s| (b.actor, s))).collect();
    Table::new("backtest")
        .with("date", Column::Date(rows.iter().map(|x| x.1.day).collect()))
        .with("region", Column::Str(rows.iter().map(|x| m.regions[x.1.region].id.clone()).collect()))
        .with("region_name", Column::Str(rows.iter().map(|x| m.regions[x.1.region].name.clone()).collect()))
        .with("actor", Column::Str(rows.iter().map(|x| m.actors[x.0].id.clone()).collect()))
        .with("observed", Column::F64(rows.iter().map(|x| x.1.observed).collect()))
        .with("probability", Column::F64(rows.iter().map(|x| x.1.probability).collect()))
        .with("brier", Column::F64(rows.iter().map(|x| (x.1.probability - x.1.observed).powi(2)).collect()))
        .with("naive", Column::F64(rows.iter().map(|x| x.1.naive).collect()))
        .with("brier_naive", Column::F64(rows.iter().map(|x| (x.1.naive - x.1.observed).powi(2)).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontline_scenario::diag::{Diagnostics, Sources};
    use frontline_scenario::load::build_from_tree;
    use frontline_scenario::value::parse_toml;

    /// Two regions, two actors, weekly ticks over three months.
    fn model() -> Model {
        let text = r#"
[scenario]
name = "bt"
start = 2015-01-01
ticks = 13
[identities.p]
[regions.x]
position = [40.0, 33.0]
neighbours = ["y"]
control = "blue"
[regions.y]
position = [41.0, 33.0]
control = "blue"
[actors.blue]
hostile = ["red"]
[actors.red]
"#;
        let mut sources = Sources::new();
        let f = sources.add("bt.toml".into(), text.into(), None);
        let tree = parse_toml(text, f, &mut Diagnostics::default()).unwrap();
        build_from_tree(&tree, &sources).unwrap()
    }

    /// An ensemble of 10 runs in which red holds x in `red_runs` runs at
    /// every snapshot, and blue holds everything else.
    fn aggregate(m: &Model, red_runs: u32) -> Aggregate {
        let (nr, na, snaps) = (m.regions.len(), m.actors.len(), m.ticks as usize + 1);
        let mut counts = vec![0u32; snaps * nr * (na + 1)];
        let (blue, red, x) =
            (m.actor_index("blue").unwrap(), m.actor_index("red").unwrap(), m.region_index("x").unwrap());
        for k in 0..snaps {
            for r in 0..nr {
                let base = (k * nr + r) * (na + 1);
                let reds = if r == x { red_runs } else { 0 };
                counts[base + 1 + red] = reds;
                counts[base + 1 + blue] = 10 - reds;
            }
        }
        Aggregate {
            tables: Vec::new(),
            watches: Vec::new(),
            final_forces: Vec::new(),
            final_regions: Vec::new(),
            control_counts: counts,
            runs: 10,
        }
    }

    #[test]
    fn a_forecast_that_saw_the_change_coming_beats_persistence() {
        let m = model();
        let history =
            parse_history("date,region,controller\n2015-01-20,x,red\n2015-03-31,y,blue\n", &m, "h.csv").unwrap();
        let red = m.actor_index("red").unwrap();
        // Red takes x in January. Persistence says blue all along: wrong for
        // x in every month (Brier 1 there, 0 for y): mean 0.5.
        let until = default_until(&m, &history);
        assert_eq!(until.to_string(), "2015-03-31");
        let sharp = score(&m, &aggregate(&m, 8), &history, red, until);
        assert_eq!(sharp.scores.len(), 2 * 3, "two regions × three month ends");
        assert!((sharp.brier_naive - 0.5).abs() < 1e-12);
        assert!((sharp.brier - 0.5 * 0.2f64.powi(2)).abs() < 1e-12, "x: (0.8 − 1)², y: 0");
        assert!(sharp.skill > 0.9 && sharp.skill_interval.0 <= sharp.skill && sharp.skill <= sharp.skill_interval.1);
        // A forecast that never expected it has no skill.
        let blind = score(&m, &aggregate(&m, 0), &history, red, until);
        assert!((blind.skill - 0.0).abs() < 1e-12);
    }

    #[test]
    fn counts_from_runs_match_the_ensemble() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/vicious-circle.toml");
        let Ok(l) = frontline_scenario::load(std::path::Path::new(path), &Default::default()) else {
            panic!("the example loads")
        };
        let m = &l.model;
        let dir = std::env::temp_dir().join(format!("frontline-bt-counts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let job = crate::ensemble::job_id("t", &[], &[], 5, 20);
        crate::ensemble::run_batches(m, &job, 20, 5, &dir, false, &|_| {}).unwrap();
        let agg = crate::ensemble::aggregate(m, 20, 5, &dir).unwrap();
        assert_eq!(control_counts(m, 20, 5), agg.control_counts);
        assert_eq!(probability_from_counts(m, &agg.control_counts, 20, 7), agg.control_probability(m, 7));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn history_errors_name_the_line_and_the_fix() {
        let m = model();
        let e = parse_history("date,region,controller\n2015-01-20,xx,red\n", &m, "h.csv").unwrap_err();
        assert!(e.starts_with("h.csv:2: unknown region `xx`") && e.contains("did you mean `x`"), "{e}");
        let e = parse_history("date,region,controller\n20/01/2015,x,red\n", &m, "h.csv").unwrap_err();
        assert!(e.contains("h.csv:2: `20/01/2015` is not a date"), "{e}");
        let e = parse_history("date,place,controller\n", &m, "h.csv").unwrap_err();
        assert!(e.contains("h.csv:1: the header has no `region` column"), "{e}");
        let e = parse_history("date,region,controller\n2015-01-20,x,rde\n", &m, "h.csv").unwrap_err();
        assert!(e.contains("unknown actor `rde`") && e.contains("did you mean `red`"), "{e}");
        let ok = parse_history("region,controller,date,note\ny,,2015-02-01,left empty\n", &m, "h.csv").unwrap();
        assert_eq!(ok[0].controller, None);
    }

    #[test]
    fn month_ends_cover_whole_months_only() {
        let d = |s: &str| Day::parse(s).unwrap();
        let text = |v: Vec<Day>| v.iter().map(Day::to_string).collect::<Vec<_>>();
        assert_eq!(text(month_ends(d("2014-06-01"), d("2014-09-15"))), ["2014-06-30", "2014-07-31", "2014-08-31"]);
        let ends = text(month_ends(d("2015-12-31"), d("2016-03-01")));
        assert_eq!(ends, ["2015-12-31", "2016-01-31", "2016-02-29"], "leap year");
    }

    #[test]
    fn regression_month_ends_reach_9999_12_31_without_panicking() {
        // The end of December 9999 was found as "10000-01-01" minus a day,
        // which is not a date: `expect` panicked.
        let d = |s: &str| Day::parse(s).unwrap();
        assert_eq!(month_ends(d("9999-11-15"), Day::MAX), [d("9999-11-30"), Day::MAX]);
    }
}

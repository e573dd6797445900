//! The theatre run's explanations in its views: the chains behind each
//! region's control changes, for the viewer's dataset and the report's
//! "Why" section (built with `frontline_explain` from the run's driver file).

use frontline_analysis::outcome::{Outcome, When};
use frontline_engine::Trajectory;
use frontline_explain::diverge::{self, JobFile, MAX_SEEDS};
use frontline_explain::{Chain, Record, chain};
use frontline_scenario::Model;
use frontline_scenario::expr::NameKind;
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

/// A run of `m` from `seed` with drivers on, and the first snapshot at which
/// outcome `o` held (None: never).
fn explained_run(m: &Model, o: &Outcome, seed: u64) -> (Trajectory, Option<u32>) {
    let mut traj = Trajectory::with_capacity(m, seed);
    let mut held = None;
    frontline_engine::run::run_with(m, seed, true, |m, s| {
        if held.is_none() && o.expr.holds(&frontline_engine::state::View { model: m, state: s }) {
            held = Some(s.tick);
        }
        frontline_engine::phases::record::run(m, s, &mut traj);
    });
    (traj, held)
}

/// A comparison's `explain.json`: for each condition outcome that names a
/// region and each arm, its differing seeds (at most [`MAX_SEEDS`]) rerun
/// with drivers on in both arms, explained and summarised.
pub fn explain_compare(
    base: &Model,
    arms: &[(&str, &Model)],
    outcomes: &[String],
    differing: &[Vec<Vec<frontline_analysis::simulation::Differing>>],
) -> Result<JobFile, String> {
    let mut out = Vec::new();
    for (k, text) in outcomes.iter().enumerate() {
        let ob = Outcome::parse(text, base)?;
        let mut region = None;
        ob.expr.for_each_name(&mut |kind, i| {
            if kind == NameKind::Region && region.is_none() {
                region = Some(i);
            }
        });
        let (Some(r), true) = (region, ob.is_condition) else { continue };
        let tick = match ob.when {
            When::On(t) | When::By(t) => t,
        };
        let mut per_arm = Vec::new();
        for (a, (name, m)) in arms.iter().enumerate() {
            let oa = Outcome::parse(text, m)?;
            let runs = &differing[k][a];
            let seeds = runs
                .iter()
                .take(MAX_SEEDS)
                .map(|&(run, seed, vb, va)| {
                    let (tb, hb) = explained_run(base, &ob, seed);
                    let (ta, ha) = explained_run(m, &oa, seed);
                    let cut = |h: Option<u32>| h.filter(|&h| h <= tick);
                    diverge::seed(run, (vb, va), (base, &tb, cut(hb)), (m, &ta, cut(ha)), r, tick)
                })
                .collect();
            per_arm.push(diverge::summarise(name, runs.len(), seeds));
        }
        out.push(diverge::Outcome { outcome: text.clone(), region: Some(base.regions[r].id.clone()), arms: per_arm });
    }
    Ok(JobFile { format: diverge::FORMAT.into(), job: "compare".into(), outcomes: out })
}

/// An ensemble's `explain.json`: for each watch whose condition names a
/// region, the runs where it held (the first
/// [`frontline_explain::ensemble::MAX_RUNS`] in run order) rerun with
/// drivers on, each reduced to its chain for that region on the snapshot
/// the watch first held, and grouped by signature. `models[i]` is run i's
/// model (empty: `base` for every run). Each run is rerun once for all the
/// watches it explains, in parallel, and collected in run order, so the file is the same for any thread count;
/// it reads only the sealed batches, so a resumed job writes the same file.
pub fn explain_ensemble(
    base: &Model,
    firsts: &[Vec<i32>],
    runs: u64,
    base_seed: u64,
    models: &[&Model],
) -> frontline_explain::ensemble::JobFile {
    use frontline_explain::ensemble::{self as ensx, MAX_RUNS};
    use rayon::prelude::*;
    // Per watch naming a region: the region and the runs to explain.
    let mut asked: Vec<Asked> = Vec::new();
    for (w, watch) in base.watches.iter().enumerate() {
        let mut region = None;
        watch.when.for_each_name(&mut |kind, i| {
            if kind == NameKind::Region && region.is_none() {
                region = Some(i);
            }
        });
        let Some(r) = region else { continue };
        let held: Vec<(u64, u32)> =
            (0..runs).filter_map(|i| u32::try_from(firsts[w][i as usize]).ok().map(|k| (i, k))).collect();
        let mut by_date: Vec<(String, usize)> = Vec::new();
        let mut ticks: Vec<u32> = held.iter().map(|h| h.1).collect();
        ticks.sort_unstable();
        for k in ticks {
            let d = base.day_of_tick(k).to_string();
            match by_date.last_mut() {
                Some(x) if x.0 == d => x.1 += 1,
                _ => by_date.push((d, 1)),
            }
        }
        asked.push((w, r, held.into_iter().take(MAX_RUNS).collect(), by_date));
    }
    // Each run is rerun once, for every watch that explains it.
    let mut wanted: Vec<u64> = asked.iter().flat_map(|a| a.2.iter().map(|h| h.0)).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let chains: Vec<Vec<(usize, Chain)>> = wanted
        .par_iter()
        .map(|&i| {
            let m = models.get(i as usize).copied().unwrap_or(base);
            let traj = frontline_engine::simulate_explained(m, frontline_analysis::stats::run_seed(base_seed, i));
            let rec = frontline_explain::record::build(m, &traj);
            asked
                .iter()
                .enumerate()
                .filter_map(|(j, (_, r, held, _))| held.iter().find(|h| h.0 == i).map(|h| (j, chain(&rec, *r, h.1))))
                .collect()
        })
        .collect();
    let mut outcomes = Vec::new();
    for (j, (w, _, held, by_date)) in asked.into_iter().enumerate() {
        let explained: Vec<(u64, u64, u32, String, Chain)> = held
            .iter()
            .map(|&(i, k)| {
                let at = wanted.binary_search(&i).expect("every explained run was rerun");
                let c = chains[at].iter().find(|x| x.0 == j).map(|x| x.1.clone()).expect("its chain was built");
                (i, frontline_analysis::stats::run_seed(base_seed, i), k, base.day_of_tick(k).to_string(), c)
            })
            .collect();
        let watch = &base.watches[w];
        outcomes.extend(ensx::group((&watch.name, &watch.text), by_date, explained));
    }
    ensx::JobFile { format: diverge::FORMAT.into(), job: "ensemble".into(), runs, outcomes }
}

/// A watch to explain: its index, its region, the runs explained (run index,
/// snapshot it first held) and how many runs it first held on each date.
type Asked = (usize, usize, Vec<(u64, u32)>, Vec<(String, usize)>);

/// The ensemble report's section from its explanation file.
pub fn ensemble_report_section(file: &frontline_explain::ensemble::JobFile) -> String {
    frontline_report::ensemble_why_section(file)
}

//! `frontline backtest`: an ensemble scored against a history.

use crate::error::CliError;
use crate::options::{HistoryArgs, JobArgs, ScenarioArgs};
use crate::summary::{Summary, interval, num, say};
use frontline_analysis::analyses::{self, backtest::BacktestRequest};
use frontline_date::Day;
use serde_json::json;

pub(crate) fn run(args: &ScenarioArgs, history: &HistoryArgs, runs: u64, j: JobArgs) -> Result<Summary, CliError> {
    let req = BacktestRequest { history: history.request(), runs, seed: j.seed };
    let done = super::run_job(args, &j, "backtest", |sim, job| analyses::backtest::backtest(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    let months: std::collections::BTreeSet<Day> = r.tests.iter().flat_map(|b| b.scores.iter().map(|s| s.day)).collect();
    let regions = r.tests.first().map_or(0, |b| b.per_region.len());
    let (first, last) = (months.first().map(|d| d.to_string()), months.last().map(|d| d.to_string()));
    let mut text = String::new();
    say!(
        text,
        "{} — backtest of {} runs against {} ({} regions × {} month ends, {} to {})\n",
        sim.name(),
        r.runs,
        history.file.display(),
        regions,
        months.len(),
        first.as_deref().unwrap_or("—"),
        last.as_deref().unwrap_or("—"),
    );
    let mut tests = Vec::new();
    for b in &r.tests {
        let skill = if b.skill.is_finite() {
            format!("{:+.2} [{:+.2}, {:+.2}]", b.skill, b.skill_interval.0, b.skill_interval.1)
        } else {
            "n/a (nothing changed hands in the history)".into()
        };
        say!(
            text,
            "P({} holds): Brier {:.3}, \"nothing changes\" {:.3}, skill {skill}",
            r.actor_ids[b.actor],
            b.brier,
            b.brier_naive
        );
        let mut worst = b.per_region.clone();
        worst.sort_by(|x, y| y.1.total_cmp(&x.1));
        for (region, brier, naive) in worst.iter().take(5).filter(|x| x.1 > 0.0) {
            say!(text, "    {:<28} Brier {brier:.3}  (naive {naive:.3})", r.region_names[*region]);
        }
        tests.push(json!({
            "actor": r.actor_ids[b.actor],
            "brier": num(b.brier),
            "brier_naive": num(b.brier_naive),
            "skill": num(b.skill),
            "skill_interval": interval(b.skill_interval),
        }));
    }
    say!(
        text,
        "\n(Brier: 0 is perfect, 1 is certain and wrong; skill > 0 beats persistence)\nWrote {} to {}",
        written.join(", "),
        dir.display()
    );
    let json = super::extend(
        done.json("backtest"),
        json!({
            "history": history.file.display().to_string(),
            "runs": r.runs,
            "regions": regions,
            "month_ends": months.len(),
            "first": first,
            "last": last,
            "tests": tests,
        }),
    );
    Ok(Summary::new(text, json).quiet(j.quiet))
}

//! `frontline backtest`: an ensemble scored against a history.

use crate::error::CliError;
use crate::options::{HistoryArgs, JobArgs, ScenarioArgs};
use frontline_analysis::analyses::{self, backtest::BacktestRequest};
use frontline_date::Day;

pub(crate) fn run(args: &ScenarioArgs, history: &HistoryArgs, runs: u64, j: JobArgs) -> Result<(), CliError> {
    let req = BacktestRequest { history: history.request(), runs, seed: j.seed };
    let done = super::run_job(args, &j, "backtest", |sim, job| analyses::backtest::backtest(sim, &req, job))?;
    let (sim, r, written, dir) = (&done.sim, &done.result, &done.written, &done.dir);
    if j.quiet {
        return Ok(());
    }
    let months: std::collections::BTreeSet<Day> = r.tests.iter().flat_map(|b| b.scores.iter().map(|s| s.day)).collect();
    let regions = r.tests.first().map_or(0, |b| b.per_region.len());
    println!(
        "{} — backtest of {} runs against {} ({} regions × {} month ends, {} to {})\n",
        sim.name(),
        r.runs,
        history.file.display(),
        regions,
        months.len(),
        months.first().map_or("—".into(), |d| d.to_string()),
        months.last().map_or("—".into(), |d| d.to_string()),
    );
    for b in &r.tests {
        let skill = if b.skill.is_finite() {
            format!("{:+.2} [{:+.2}, {:+.2}]", b.skill, b.skill_interval.0, b.skill_interval.1)
        } else {
            "n/a (nothing changed hands in the history)".into()
        };
        println!(
            "P({} holds): Brier {:.3}, \"nothing changes\" {:.3}, skill {skill}",
            r.actor_ids[b.actor], b.brier, b.brier_naive
        );
        let mut worst = b.per_region.clone();
        worst.sort_by(|x, y| y.1.total_cmp(&x.1));
        for (region, brier, naive) in worst.iter().take(5).filter(|x| x.1 > 0.0) {
            println!("    {:<28} Brier {brier:.3}  (naive {naive:.3})", r.region_names[*region]);
        }
    }
    println!(
        "\n(Brier: 0 is perfect, 1 is certain and wrong; skill > 0 beats persistence)\nWrote {} to {}",
        written.join(", "),
        dir.display()
    );
    Ok(())
}

//! Why a comparison's arms differ, seed by seed, over common random
//! numbers: for each seed whose outcome differs between the baseline and an
//! arm, the first tick at which the two runs' states differ and each arm's
//! chain for the outcome's region; then a summary across those seeds of the
//! link the difference runs through (the first link of the chain where the
//! outcome held that the other arm's chain lacks).
//!
//! The comparison job reruns the differing seeds with drivers on and
//! writes `explain.json` ([`JobFile`]); `frontline explain DIR` reads it.

use crate::chain::{Chain, chain, render};
use crate::record::build;
use frontline_engine::Trajectory;
use frontline_scenario::Model;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The file a comparison writes.
pub const FILE: &str = "explain.json";
/// Its format tag.
pub const FORMAT: &str = "frontline-explain/1";

/// The first snapshot at which two runs' states differ, and what differed
/// first (None: identical throughout). Every per-snapshot series of the
/// trajectory is compared bit for bit.
pub fn first_divergence(m: &Model, a: &Trajectory, b: &Trajectory) -> Option<(u32, String)> {
    let (nr, nf, ni, na) = (m.regions.len(), m.forces.len(), m.identities.len(), m.actors.len());
    let k = a.snapshots().min(b.snapshots());
    let same = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits());
    for t in 0..k {
        let at = |w: usize| t * w..(t + 1) * w;
        if a.control[at(nr)] != b.control[at(nr)] {
            let r = (0..nr).find(|&r| a.control[t * nr + r] != b.control[t * nr + r]).unwrap_or(0);
            return Some((t as u32, format!("control of {}", m.regions[r].id)));
        }
        if a.contested[at(nr)] != b.contested[at(nr)] {
            return Some((t as u32, "which regions are contested".into()));
        }
        if !same(&a.personnel[at(nf * nr)], &b.personnel[at(nf * nr)]) {
            let i = (0..nf * nr)
                .find(|&i| a.personnel[t * nf * nr + i].to_bits() != b.personnel[t * nf * nr + i].to_bits())
                .unwrap_or(0);
            return Some((t as u32, format!("personnel of {} in {}", m.forces[i / nr].id, m.regions[i % nr].id)));
        }
        for (name, x, y, w) in [
            ("morale", &a.morale, &b.morale, nf),
            ("equipment", &a.equipment, &b.equipment, nf),
            ("quality", &a.quality, &b.quality, nf),
            ("grievance", &a.grievance, &b.grievance, nr * ni),
            ("support", &a.support, &b.support, nr * ni * na),
            ("population", &a.population, &b.population, nr * ni),
            ("money", &a.money, &b.money, na),
            ("weapons", &a.weapons, &b.weapons, na),
            ("threat", &a.threat, &b.threat, na),
        ] {
            if !same(&x[at(w)], &y[at(w)]) {
                return Some((t as u32, name.to_string()));
            }
        }
    }
    None
}

/// One seed whose outcome differs between the arms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seed {
    /// Run index within the comparison.
    pub run: u64,
    /// Its seed.
    pub seed: u64,
    /// The outcome's value at baseline and with the arm.
    pub values: (f64, f64),
    /// The first tick at which the arms' states differ.
    pub diverges: Option<u32>,
    /// Its date.
    pub diverges_on: Option<String>,
    /// What differed first.
    pub first_difference: Option<String>,
    /// The link the difference runs through (its key), and the arm whose chain has it.
    pub through: String,
    /// The baseline's chain for the outcome's region.
    pub baseline: Chain,
    /// The arm's.
    pub arm: Chain,
}

/// One arm against the baseline, for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arm {
    /// The arm's name.
    pub arm: String,
    /// How many seeds differ.
    pub differing: usize,
    /// The seeds explained (at most [`MAX_SEEDS`]).
    pub seeds: Vec<Seed>,
    /// (direction, link key, seeds, share of the seeds in that direction), most common first.
    pub summary: Vec<(String, String, usize, f64)>,
}

/// One outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Its text.
    pub outcome: String,
    /// The region it names (explained in each chain).
    pub region: Option<String>,
    /// Each arm.
    pub arms: Vec<Arm>,
}

/// `explain.json` of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFile {
    /// [`FORMAT`].
    pub format: String,
    /// `compare`.
    pub job: String,
    /// Each outcome explained.
    pub outcomes: Vec<Outcome>,
}

/// The most seeds explained per arm and outcome.
pub const MAX_SEEDS: usize = 50;

/// One differing seed's explanation: both runs recorded with drivers,
/// `held` the first snapshot at which the outcome held in each (None:
/// never), `region` the outcome's region, `tick` the outcome's snapshot.
#[allow(clippy::too_many_arguments)]
pub fn seed(
    run: u64,
    values: (f64, f64),
    (mb, tb, held_b): (&Model, &Trajectory, Option<u32>),
    (ma, ta, held_a): (&Model, &Trajectory, Option<u32>),
    region: usize,
    tick: u32,
) -> Seed {
    let (rb, ra) = (build(mb, tb), build(ma, ta));
    let at = |h: Option<u32>| h.unwrap_or(tick);
    // Each arm's chain where its outcome first held, or at the outcome's date.
    let (cb, ca) = (chain(&rb, region, at(held_b)), chain(&ra, region, at(held_a)));
    let div = first_divergence(mb, tb, ta);
    // The difference runs through the first link of the holding arm's chain
    // that the other's lacks.
    let (held, other, label) = if held_b.is_some() { (&cb, &ca, "baseline") } else { (&ca, &cb, "arm") };
    // The change itself is the outcome: the difference runs through its causes.
    let through = held
        .links
        .iter()
        .find(|l| l.depth > 0 && !other.links.iter().any(|o| o.key == l.key))
        .or(held.links.first())
        .map_or_else(|| "no recorded link".into(), |l| format!("{} ({label})", l.key));
    Seed {
        run,
        seed: tb.seed,
        values,
        diverges: div.as_ref().map(|d| d.0),
        diverges_on: div.as_ref().map(|d| mb.day_of_tick(d.0).to_string()),
        first_difference: div.map(|d| d.1),
        through,
        baseline: cb,
        arm: ca,
    }
}

/// The summary of an arm's seeds: per direction (which arm the outcome
/// held in), the links the difference runs through with their counts.
pub fn summarise(arm: &str, differing: usize, seeds: Vec<Seed>) -> Arm {
    let mut groups: Vec<(String, String, usize)> = Vec::new();
    for s in &seeds {
        let dir = direction(arm, s.values);
        match groups.iter_mut().find(|g| g.0 == dir && g.1 == s.through) {
            Some(g) => g.2 += 1,
            None => groups.push((dir, s.through.clone(), 1)),
        }
    }
    let total = |d: &str| seeds.iter().filter(|s| direction(arm, s.values) == d).count().max(1);
    let mut summary: Vec<(String, String, usize, f64)> =
        groups.into_iter().map(|(d, k, n)| (d.clone(), k, n, n as f64 / total(&d) as f64)).collect();
    summary.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.cmp(&x.2)).then(x.1.cmp(&y.1)));
    Arm { arm: arm.into(), differing, seeds, summary }
}

fn direction(arm: &str, (b, a): (f64, f64)) -> String {
    if b != 0.0 && a == 0.0 {
        format!("held at baseline but not with {arm}")
    } else if b == 0.0 && a != 0.0 {
        format!("held with {arm} but not at baseline")
    } else {
        format!("differs between baseline and {arm}")
    }
}

impl JobFile {
    /// The answer to `frontline explain` for this file.
    pub fn answer(&self, req: &crate::Request) -> Result<crate::Answer, String> {
        let chosen: Vec<&Outcome> = match &req.outcome {
            Some(o) => {
                let found: Vec<&Outcome> = self.outcomes.iter().filter(|x| x.outcome == *o).collect();
                if found.is_empty() {
                    let names: Vec<&str> = self.outcomes.iter().map(|x| x.outcome.as_str()).collect();
                    return Err(format!("no outcome `{o}` was explained here; the outcomes are: {}", names.join("; ")));
                }
                found
            }
            None => self.outcomes.iter().collect(),
        };
        let mut text = String::new();
        for o in &chosen {
            let _ = writeln!(text, "Outcome: {}", o.outcome);
            for a in &o.arms {
                let _ = writeln!(text, "  {}: {} seeds differ from the baseline", a.arm, a.differing);
                for line in a.summary_lines() {
                    let _ = writeln!(text, "    {line}");
                }
                if let Some(s) = a.seeds.first() {
                    let _ = writeln!(text, "  first such seed (run {}, seed {}): {}", s.run, s.seed, s.divergence());
                    let _ = writeln!(text, "  baseline:");
                    text.push_str(&indent(&render(&s.baseline)));
                    let _ = writeln!(text, "  {}:", a.arm);
                    text.push_str(&indent(&render(&s.arm)));
                }
            }
        }
        let json = serde_json::to_value(chosen).map_err(|e| e.to_string())?;
        Ok(crate::Answer { text, json })
    }
}

impl Seed {
    /// Where its arms diverge, in words ("the arms diverge at tick T (date)
    /// in …"), as `frontline explain` and the viewer's comparison page say it.
    fn divergence(&self) -> String {
        format!(
            "the arms diverge at tick {} ({}) in {}",
            self.diverges.map_or("—".into(), |t| t.to_string()),
            self.diverges_on.clone().unwrap_or_default(),
            self.first_difference.clone().unwrap_or_else(|| "nothing".into())
        )
    }
}

impl Arm {
    /// The summary in words, one line per (direction, link), most common first.
    pub fn summary_lines(&self) -> Vec<String> {
        self.summary
            .iter()
            .map(|(dir, key, n, share)| {
                format!(
                    "in {:.0} % of the seeds where the outcome {dir} ({n}), the difference runs through {key}",
                    100.0 * share
                )
            })
            .collect()
    }
}

impl JobFile {
    /// What the viewer's comparison page shows of it: per outcome and arm,
    /// how many seeds differ, the summary lines, and where the first such
    /// seed's arms diverge.
    pub fn view_summary(&self) -> serde_json::Value {
        let mut out = Vec::new();
        for o in &self.outcomes {
            for a in &o.arms {
                let first = a.seeds.first().map(|s| format!("run {} (seed {}): {}", s.run, s.seed, s.divergence()));
                out.push(serde_json::json!({
                    "outcome": o.outcome, "region": o.region, "arm": a.arm, "differing": a.differing,
                    "lines": a.summary_lines(), "first": first,
                }));
            }
        }
        serde_json::Value::Array(out)
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

//! Why an outcome happened across an ensemble: each run's chain for the
//! outcome's region, on the snapshot the outcome first held, reduced to its
//! *signature* (the links' keys, numbers and dates dropped), and the runs
//! grouped by equal signatures, most common first, with one example chain
//! per group.
//!
//! The ensemble job (with `--explain`) reruns the runs where each watched
//! outcome held, with drivers on, and writes `explain.json` ([`JobFile`]);
//! `frontline explain DIR` reads it. With `--date`, the groups are counted
//! again over the runs where the outcome had held by that date.

use crate::chain::{Chain, render};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The most runs explained per outcome (the first ones, in run order, where
/// it held): enough for the shares of the common chains to settle, few
/// enough that the explanation costs at most this many extra runs.
pub const MAX_RUNS: usize = 200;

/// A chain without its numbers: the key of the change, then the keys of
/// its causes, each once, in the order of the phases that made them (routs,
/// rules, operations, surges, detections, flights, attitude shifts) and by key within a phase.
/// Dates and numbers are dropped, and with them the order in which the
/// causes came, so two runs whose outcome came about through the same
/// changes (the same control branch, the same groups routed, the same rules
/// fired or stopped, the same surges and shifts) have the same signature.
pub fn signature(c: &Chain) -> Vec<String> {
    let rank = |kind: &str| match kind {
        "control" => 0,
        "rout" => 1,
        "rule" => 2,
        "operation" => 3,
        "recruitment" => 4,
        "detection" => 5,
        "displacement" => 6,
        _ => 7,
    };
    let mut head: Vec<String> = Vec::new();
    let mut rest: Vec<(usize, String)> = Vec::new();
    for l in &c.links {
        if l.depth == 0 {
            head.push(l.key.clone());
        } else {
            rest.push((rank(&l.kind), l.key.clone()));
        }
    }
    rest.sort();
    rest.dedup();
    head.extend(rest.into_iter().map(|x| x.1));
    head
}

/// One run explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Run index within the ensemble.
    pub run: u64,
    /// Its seed.
    pub seed: u64,
    /// The snapshot at which the outcome first held.
    pub held: u32,
    /// Its date.
    pub held_on: String,
    /// Index of its group in [`Outcome::groups`].
    pub group: usize,
}

/// The runs sharing one signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The signature.
    pub signature: Vec<String>,
    /// How many of the explained runs have it.
    pub runs: usize,
    /// Their share of the explained runs.
    pub share: f64,
    /// The first such run (its index within the ensemble).
    pub example_run: u64,
    /// Its chain.
    pub example: Chain,
}

/// One outcome of the ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The watch's name.
    pub outcome: String,
    /// Its condition, as written.
    pub condition: String,
    /// The region it names (id), whose chain is explained.
    pub region: String,
    /// That region's name.
    pub region_name: String,
    /// Runs where the outcome held.
    pub held: usize,
    /// Per date on which it first held in some run (in date order), how
    /// many runs it first held then: all runs, explained or not, so that
    /// `--date` can count them.
    pub first_held: Vec<(String, usize)>,
    /// The runs explained (at most [`MAX_RUNS`], the first in run order).
    pub members: Vec<Member>,
    /// The groups, most common first (ties: first run first).
    pub groups: Vec<Group>,
}

/// `explain.json` of an ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFile {
    /// [`crate::diverge::FORMAT`].
    pub format: String,
    /// `ensemble`.
    pub job: String,
    /// Runs in the ensemble.
    pub runs: u64,
    /// Each outcome explained.
    pub outcomes: Vec<Outcome>,
}

/// Groups the explained runs of one outcome: `runs` are (run index, seed,
/// snapshot it held, its date, its chain), in run order.
pub fn group(
    (outcome, condition): (&str, &str),
    first_held: Vec<(String, usize)>,
    runs: Vec<(u64, u64, u32, String, Chain)>,
) -> Option<Outcome> {
    let held = first_held.iter().map(|x| x.1).sum();
    let first = runs.first()?;
    let (region, region_name) = (first.4.region.clone(), first.4.region_name.clone());
    let mut groups: Vec<Group> = Vec::new();
    let mut members = Vec::new();
    for (run, seed, tick, date, chain) in runs {
        let sig = signature(&chain);
        let g = match groups.iter().position(|g| g.signature == sig) {
            Some(g) => g,
            None => {
                groups.push(Group { signature: sig, runs: 0, share: 0.0, example_run: run, example: chain });
                groups.len() - 1
            }
        };
        groups[g].runs += 1;
        members.push(Member { run, seed, held: tick, held_on: date, group: g });
    }
    let mut out = Outcome {
        outcome: outcome.into(),
        condition: condition.into(),
        region,
        region_name,
        held,
        first_held,
        members,
        groups,
    };
    out.sort();
    Some(out)
}

impl Outcome {
    /// Sorts the groups (most common first, ties by their first run),
    /// renumbers the members' groups and sets the shares.
    fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by(|&a, &b| {
            self.groups[b]
                .runs
                .cmp(&self.groups[a].runs)
                .then(self.groups[a].example_run.cmp(&self.groups[b].example_run))
        });
        let mut new_index = vec![0; order.len()];
        for (to, &from) in order.iter().enumerate() {
            new_index[from] = to;
        }
        let total = self.members.len().max(1) as f64;
        let mut groups: Vec<Option<Group>> = std::mem::take(&mut self.groups).into_iter().map(Some).collect();
        self.groups = order.iter().filter_map(|&g| groups[g].take()).collect();
        for g in &mut self.groups {
            g.share = g.runs as f64 / total;
        }
        for m in &mut self.members {
            m.group = new_index[m.group];
        }
    }

    /// The outcome restricted to the runs where it had held by `date`
    /// (YYYY-MM-DD, compared as text, which orders such dates): the groups counted again over them (a group none of them has
    /// is dropped; `held` counts the explained runs that qualify).
    pub fn by(&self, date: &str) -> Outcome {
        let keep: Vec<&Member> = self.members.iter().filter(|m| m.held_on.as_str() <= date).collect();
        let mut groups: Vec<Group> = Vec::new();
        let mut index = vec![usize::MAX; self.groups.len()];
        let mut members = Vec::new();
        for m in keep {
            if index[m.group] == usize::MAX {
                let mut g = self.groups[m.group].clone();
                g.runs = 0;
                index[m.group] = groups.len();
                groups.push(g);
            }
            groups[index[m.group]].runs += 1;
            members.push(Member { group: index[m.group], ..m.clone() });
        }
        let first_held: Vec<(String, usize)> =
            self.first_held.iter().filter(|x| x.0.as_str() <= date).cloned().collect();
        let held = first_held.iter().map(|x| x.1).sum();
        let mut out = Outcome { held, first_held, members, groups, ..self.clone() };
        out.sort();
        out
    }

    /// The groups as text: one line per group, then the most common
    /// group's example chain.
    pub fn render(&self, runs: u64, date: Option<&str>) -> String {
        let mut s = String::new();
        let when = date.map_or_else(String::new, |d| format!(" by {d}"));
        let _ = writeln!(
            s,
            "Outcome: {} (`{}`), region {} ({})",
            self.outcome, self.condition, self.region_name, self.region
        );
        let explained = self.members.len();
        let _ = writeln!(
            s,
            "  it held{when} in {} of the {runs} runs; {explained} explained{}",
            self.held,
            if explained < self.held { format!(" (the first {MAX_RUNS} in run order)") } else { String::new() }
        );
        for g in &self.groups {
            let _ = writeln!(
                s,
                "  in {:.0} % of the {explained} runs where it held{when} ({} run{}, e.g. run {}): {}",
                100.0 * g.share,
                g.runs,
                if g.runs == 1 { "" } else { "s" },
                g.example_run,
                g.signature.join(" ← ")
            );
        }
        if let Some(g) = self.groups.first() {
            let _ = writeln!(s, "  the most common chain, in run {}:", g.example_run);
            for line in render(&g.example).lines() {
                let _ = writeln!(s, "    {line}");
            }
        }
        s
    }
}

impl JobFile {
    /// The answer to `frontline explain` for this file: the outcomes naming
    /// `req.region` (all of them without it), or `req.outcome`, their
    /// groups counted by `req.date` if given.
    pub fn answer(&self, req: &crate::Request) -> Result<crate::Answer, String> {
        let mut chosen: Vec<&Outcome> = self.outcomes.iter().collect();
        if let Some(o) = &req.outcome {
            chosen.retain(|x| x.outcome == *o || x.condition == *o);
            if chosen.is_empty() {
                let names: Vec<&str> = self.outcomes.iter().map(|x| x.outcome.as_str()).collect();
                return Err(format!(
                    "no outcome `{o}` was explained in this ensemble; the outcomes are: {}",
                    names.join("; ")
                ));
            }
        }
        if let Some(place) = &req.region {
            chosen.retain(|x| crate::chain::names(place, &x.region, &x.region_name));
            if chosen.is_empty() {
                let mut regions: Vec<String> =
                    self.outcomes.iter().map(|x| format!("{} ({})", x.region, x.region_name)).collect();
                regions.dedup();
                return Err(if regions.is_empty() {
                    format!(
                        "no region `{place}` in this ensemble's explanations: no watched outcome that names a region held in any run"
                    )
                } else {
                    format!(
                        "no region `{place}` in this ensemble's explanations; its watched outcomes name {}: pass one of those to --region",
                        regions.join(", ")
                    )
                });
            }
        }
        if let Some(d) = &req.date {
            JobFile::check_date(d)?;
        }
        let shown: Vec<Outcome> =
            chosen.iter().map(|o| req.date.as_deref().map_or_else(|| (*o).clone(), |d| o.by(d))).collect();
        let mut text = String::new();
        if shown.is_empty() {
            text.push_str(
                "No watched outcome that names a region held in any run of this ensemble: nothing to explain.\n",
            );
        }
        for o in &shown {
            text.push_str(&o.render(self.runs, req.date.as_deref()));
        }
        let json = serde_json::json!({"job": "ensemble", "runs": self.runs, "date": req.date, "outcomes": shown});
        Ok(crate::Answer { text, json })
    }

    /// Checks a `--date`'s shape (members are kept by comparing dates).
    fn check_date(d: &str) -> Result<(), String> {
        let b = d.as_bytes();
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if shaped {
            Ok(())
        } else {
            Err(format!("--date `{d}` is not a date; write it as YYYY-MM-DD, e.g. 2015-05-17"))
        }
    }
}

//! Posterior samples of the uncertain parameters: the file format, its
//! checks, and which parameter set each run of a job uses.
//!
//! A posterior file is a plain CSV (no quoted fields): a header, then one
//! row per parameter set.
//!
//! ```text
//! distrust,patron_funding,weight,distance
//! 0.41,120,1,0.081
//! 0.55,95,2,0.078
//! ```
//!
//! - every column named like one of the scenario's declared uncertain
//!   parameters (`[parameters.<id>]` with `min < max`) gives its value in
//!   each set; it must lie in the declared range. Parameters the file does
//!   not name keep the scenario's value;
//! - `weight` (optional, ≥ 0, not all 0): sets are drawn with probability
//!   proportional to it (default: all equal);
//! - `member` (optional): a variant overlay (path relative to the posterior
//!   file; empty for none) applied before the values: a structural
//!   alternative entering as a weighted member;
//! - `distance` (optional): what `calibrate --method abc` writes (the set's
//!   distance to the history); it is read and not used.
//!
//! Any other column is refused (a misspelt parameter would otherwise be
//! silently ignored). Lines that are empty or start with `#` are skipped,
//! except a comment `# calibrated-until: YYYY-MM-DD` (what calibrate writes):
//! the last day of history the sample was fitted to, which a backtest uses
//! to label its windows in-sample or out-of-sample.
//!
//! Which set a run uses: runs come in blocks of `seeds_per_set`; block
//! `b = k / seeds_per_set` of a job with base seed `s` uses the set at
//! `u = splitmix64(s ^ SALT, b) / 2⁶⁴` of the cumulative weights. The draw is
//! a pure function of (s, k), so a resumed job and every arm of a
//! comparison (common random numbers) draw the same sets.

use crate::simulation::{Simulation, Uncertain};
use crate::stats::run_seed;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Mixed into the base seed so the draws do not coincide with the runs' seeds.
const SALT: u64 = 0x706f_7374_6572_696f;

/// A posterior sample, read and checked against a model's uncertain parameters.
#[derive(Debug, Clone)]
pub struct Posterior {
    /// The file as given.
    pub path: PathBuf,
    /// `sha256:` and the hex digest of the file's bytes.
    pub sha256: String,
    /// The parameter columns, in file order.
    pub ids: Vec<String>,
    /// Values per set: `rows[set][column]`.
    pub rows: Vec<Vec<f64>>,
    /// Weight per set (all 1 without a `weight` column).
    pub weights: Vec<f64>,
    /// Variant overlay per set (resolved against the file's folder).
    pub members: Vec<Option<PathBuf>>,
    /// Distance per set, where the file gives it.
    pub distances: Vec<Option<f64>>,
    /// The last day of history the sample was fitted to (`# calibrated-until:`).
    pub calibrated_until: Option<frontline_date::Day>,
    cumulative: Vec<f64>,
}

impl Posterior {
    /// Reads and checks the posterior at `path` (at most
    /// [`frontline_scenario::limits::MAX_DATA_FILE_BYTES`], UTF-8).
    pub fn read(path: &Path, params: &[Uncertain]) -> Result<Posterior, String> {
        use frontline_scenario::limits::{MAX_DATA_FILE_BYTES, read_text};
        let text = read_text(path, MAX_DATA_FILE_BYTES)
            .map_err(|e| format!("cannot read the posterior `{}`: {e}", path.display()))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut p = Posterior::parse(&text, &path.display().to_string(), &dir, params)?;
        p.path = path.to_path_buf();
        Ok(p)
    }

    /// Parses a posterior's text; `file` names it in errors, `dir` resolves members.
    pub fn parse(text: &str, file: &str, dir: &Path, params: &[Uncertain]) -> Result<Posterior, String> {
        let mut calibrated_until = None;
        for (i, line) in text.lines().enumerate() {
            if let Some(d) = line.trim().strip_prefix('#').and_then(|c| c.trim().strip_prefix("calibrated-until:")) {
                calibrated_until = Some(frontline_date::Day::parse(d.trim()).map_err(|_| {
                    format!("{file}:{}:1: `{}` is not a date; write `# calibrated-until: YYYY-MM-DD`", i + 1, d.trim())
                })?);
            }
        }
        let mut lines =
            text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let Some((hline, header)) = lines.next() else {
            return Err(format!(
                "{file}: the posterior is empty; it needs a header naming parameters and one row per parameter set"
            ));
        };
        enum Col {
            Param(usize),
            Weight,
            Member,
            Distance,
        }
        let mut cols = Vec::new();
        let mut ids = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (name, at) in fields(header) {
            let loc = format!("{file}:{}:{}", hline + 1, at + 1);
            if !seen.insert(name.to_string()) {
                return Err(format!("{loc}: the column `{name}` appears twice"));
            }
            cols.push(match name {
                "weight" => Col::Weight,
                "member" => Col::Member,
                "distance" => Col::Distance,
                _ => match params.iter().position(|p| p.id == name) {
                    Some(j) => {
                        ids.push(name.to_string());
                        Col::Param(j)
                    }
                    None => {
                        let known: Vec<&str> = params.iter().map(|p| p.id.as_str()).collect();
                        let hint = frontline_scenario::diag::did_you_mean(name, known.iter().copied())
                            .map_or(String::new(), |c| format!(" (did you mean `{c}`?)"));
                        return Err(format!(
                            "{loc}: unknown parameter `{name}`{hint}; a posterior's columns are the scenario's uncertain parameters ({}) and optionally weight, member, distance",
                            if known.is_empty() { "it declares none".to_string() } else { known.join(", ") }
                        ));
                    }
                },
            });
        }
        let (mut rows, mut weights, mut members, mut distances) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, line) in lines {
            let f: Vec<(&str, usize)> = fields(line).collect();
            if f.len() != cols.len() {
                return Err(format!(
                    "{file}:{}:1: {} fields where the header has {} columns",
                    i + 1,
                    f.len(),
                    cols.len()
                ));
            }
            let mut row = Vec::with_capacity(ids.len());
            let (mut weight, mut member, mut distance) = (1.0, None, None);
            for (c, (value, at)) in cols.iter().zip(f) {
                let loc = format!("{file}:{}:{}", i + 1, at + 1);
                let number = |what: &str| {
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(|| format!("{loc}: `{value}` is not a number; {what}"))
                };
                match c {
                    Col::Param(j) => {
                        let p = &params[*j];
                        let x = number(&format!("`{}` takes a value in [{}, {}]", p.id, p.min, p.max))?;
                        if x < p.min || x > p.max {
                            return Err(format!(
                                "{loc}: {x} is outside the declared range of `{}`, [{}, {}]; widen the range in the scenario or fix the value",
                                p.id, p.min, p.max
                            ));
                        }
                        row.push(x);
                    }
                    Col::Weight => {
                        weight = number("a weight is a number ≥ 0")?;
                        if weight < 0.0 {
                            return Err(format!("{loc}: the weight {weight} is negative; weights are ≥ 0"));
                        }
                    }
                    Col::Member => member = (!value.is_empty()).then(|| dir.join(value)),
                    Col::Distance => distance = Some(number("a distance is a number")?),
                }
            }
            rows.push(row);
            weights.push(weight);
            members.push(member);
            distances.push(distance);
        }
        if rows.is_empty() {
            return Err(format!("{file}: the posterior has a header but no rows; it needs one row per parameter set"));
        }
        let mut cumulative = Vec::with_capacity(weights.len());
        let mut total = 0.0;
        for w in &weights {
            total += w;
            cumulative.push(total);
        }
        if total <= 0.0 || !total.is_finite() {
            return Err(format!("{file}: every weight is 0; at least one parameter set needs a positive weight"));
        }
        Ok(Posterior {
            path: PathBuf::from(file),
            sha256: format!("sha256:{}", hex(&Sha256::digest(text.as_bytes()))),
            ids,
            rows,
            weights,
            members,
            distances,
            calibrated_until,
            cumulative,
        })
    }

    /// The set that run `k` of a job with base seed `seed` uses, runs
    /// coming in blocks of `seeds_per_set` (see the module doc).
    pub fn draw(&self, seed: u64, k: u64, seeds_per_set: u64) -> usize {
        let b = k / seeds_per_set.max(1);
        let u = (run_seed(seed ^ SALT, b) >> 11) as f64 / (1u64 << 53) as f64;
        let target = u * self.cumulative[self.cumulative.len() - 1];
        self.cumulative.partition_point(|&c| c <= target).min(self.rows.len() - 1)
    }

    /// The parameter values of set `j`, as `with_parameters` takes them.
    pub fn values(&self, j: usize) -> Vec<(String, f64)> {
        self.ids.iter().cloned().zip(self.rows[j].iter().copied()).collect()
    }

    /// What a job's identity and manifest record of the posterior.
    pub fn identity(&self, seeds_per_set: u64) -> serde_json::Value {
        serde_json::json!({"path": self.path.display().to_string(), "sha256": self.sha256, "sets": self.rows.len(),
            "parameters": self.ids, "seeds_per_set": seeds_per_set,
            "draw_rule": "block k / seeds_per_set draws a set by weight at splitmix64(base_seed ^ 0x706f73746572696f, block)"})
    }

    /// The model of each set that some run in `0..runs` uses (None for the
    /// others), built from `sim` with the set's member overlay, then `arm`
    /// (if any), then its values, except those of the parameters an arm
    /// itself changes (its value or range differs from the baseline's): an
    /// arm that sets a parameter keeps its own value.
    pub fn models(
        &self,
        sim: &dyn Simulation,
        arm: Option<&Path>,
        used: &[bool],
    ) -> Result<Vec<Option<Box<dyn Simulation>>>, String> {
        use rayon::prelude::*;
        let mut own: Vec<String> = Vec::new();
        if let Some(a) = arm {
            let with_arm = sim.with_variant(a).map_err(|e| e.render(false))?;
            let base = sim.uncertain(&[])?;
            let declared = |p: &Uncertain| (p.value, p.min, p.max);
            for id in &self.ids {
                let before = base.iter().find(|p| &p.id == id).map(declared);
                let after = with_arm.uncertain(&[])?.iter().find(|p| &p.id == id).map(declared);
                if before != after {
                    own.push(id.clone());
                }
            }
        }
        (0..self.rows.len())
            .into_par_iter()
            .map(|j| {
                if !used[j] {
                    return Ok(None);
                }
                let mut base: Option<Box<dyn Simulation>> = None;
                for v in self.members[j].iter().map(PathBuf::as_path).chain(arm) {
                    let from: &dyn Simulation = base.as_deref().unwrap_or(sim);
                    base = Some(from.with_variant(v).map_err(|e| e.render(false))?);
                }
                let from: &dyn Simulation = base.as_deref().unwrap_or(sim);
                let values: Vec<(String, f64)> =
                    self.values(j).into_iter().filter(|(id, _)| !own.contains(id)).collect();
                from.with_parameters(&values)
                    .map(Some)
                    .map_err(|e| format!("parameter set {} of `{}`: {e}", j + 1, self.path.display()))
            })
            .collect()
    }

    /// Which sets runs `0..runs` use.
    pub fn used(&self, seed: u64, runs: u64, seeds_per_set: u64) -> Vec<bool> {
        let mut used = vec![false; self.rows.len()];
        for b in 0..runs.div_ceil(seeds_per_set.max(1)) {
            used[self.draw(seed, b * seeds_per_set.max(1), seeds_per_set)] = true;
        }
        used
    }
}

/// The comma-separated fields of a line, trimmed, with their byte offsets.
fn fields(line: &str) -> impl Iterator<Item = (&str, usize)> {
    let mut at = 0;
    line.split(',').map(move |f| {
        let start = at + (f.len() - f.trim_start().len());
        at += f.len() + 1;
        (f.trim(), start)
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which posterior a request uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PosteriorChoice {
    /// The one the scenario names (`[scenario] posterior`), if any.
    #[default]
    Scenario,
    /// None: the scenario's own values for every run.
    Off,
    /// This file.
    File(PathBuf),
}

/// What a request says about the posterior: which one, and runs per drawn set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosteriorRequest {
    /// Which posterior.
    pub choice: PosteriorChoice,
    /// Runs per drawn set (default [`SEEDS_PER_SET`]).
    pub seeds_per_set: u64,
}

/// The default number of runs per drawn parameter set.
pub const SEEDS_PER_SET: u64 = 10;

impl Default for PosteriorRequest {
    fn default() -> PosteriorRequest {
        PosteriorRequest { choice: PosteriorChoice::Scenario, seeds_per_set: SEEDS_PER_SET }
    }
}

/// A posterior as a job uses it: the sample and the runs per drawn set.
pub struct InUse {
    /// The sample.
    pub posterior: Posterior,
    /// Runs per drawn set (≥ 1).
    pub seeds_per_set: u64,
}

/// Resolves a request's choice against the model (reads and checks the file).
pub fn resolve(sim: &dyn Simulation, req: &PosteriorRequest) -> Result<Option<InUse>, String> {
    let seeds_per_set = req.seeds_per_set;
    let path = match &req.choice {
        PosteriorChoice::Off => return Ok(None),
        PosteriorChoice::File(p) => p.clone(),
        PosteriorChoice::Scenario => match sim.posterior() {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    if seeds_per_set == 0 {
        return Err("--seeds-per-set must be at least 1".into());
    }
    let params = sim.uncertain(&[])?;
    Ok(Some(InUse { posterior: Posterior::read(&path, &params)?, seeds_per_set }))
}

impl InUse {
    /// The set run `k` of a job with base seed `seed` uses.
    pub fn draw(&self, seed: u64, k: u64) -> usize {
        self.posterior.draw(seed, k, self.seeds_per_set)
    }

    /// The models of the sets runs `0..runs` use (see [`Posterior::models`]).
    pub fn models(
        &self,
        sim: &dyn Simulation,
        arm: Option<&Path>,
        seed: u64,
        runs: u64,
    ) -> Result<Vec<Option<Box<dyn Simulation>>>, String> {
        self.posterior.models(sim, arm, &self.posterior.used(seed, runs, self.seeds_per_set))
    }

    /// What a job's identity and manifest record.
    pub fn identity(&self) -> serde_json::Value {
        self.posterior.identity(self.seeds_per_set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Vec<Uncertain> {
        vec![Uncertain::new("a", 0.5, 0.0, 1.0, |u| u), Uncertain::new("b", 10.0, 5.0, 20.0, |u| 5.0 + 15.0 * u)]
    }

    fn parse(text: &str) -> Result<Posterior, String> {
        Posterior::parse(text, "p.csv", Path::new("dir"), &params())
    }

    #[test]
    fn draws_are_deterministic_and_follow_the_weights() {
        let p = parse("a,b,weight\n0.1,6,1\n0.2,7,0\n0.3,8,3\n").unwrap();
        let n = 20_000u64;
        let mut counts = [0u64; 3];
        for k in 0..n {
            let j = p.draw(42, k, 1);
            assert_eq!(j, p.draw(42, k, 1), "a pure function of (seed, k)");
            counts[j] += 1;
        }
        assert_eq!(counts[1], 0, "a set of weight 0 is never drawn");
        // Expected 5 000 and 15 000; binomial sd ≈ 61: a tolerance of 5 sd.
        assert!((counts[0] as f64 - 5000.0).abs() < 310.0, "{counts:?}");
        assert!((counts[2] as f64 - 15000.0).abs() < 310.0, "{counts:?}");
        // Another seed draws another sequence.
        assert!((0..50).any(|k| p.draw(42, k, 1) != p.draw(43, k, 1)));
        // Blocks: runs 0..4 share a set, and so on.
        for k in 0..40 {
            assert_eq!(p.draw(7, k, 4), p.draw(7, k - k % 4, 4));
        }
        assert_eq!(p.values(2), vec![("a".to_string(), 0.3), ("b".to_string(), 8.0)]);
    }

    #[test]
    fn bad_posteriors_are_refused_with_their_place_and_fix() {
        let e = parse("a,bb\n0.1,6\n").unwrap_err();
        assert!(e.starts_with("p.csv:1:3: unknown parameter `bb`") && e.contains("did you mean `b`"), "{e}");
        let e = parse("a,b\n0.1, 30\n").unwrap_err();
        assert!(e.starts_with("p.csv:2:6: 30 is outside the declared range of `b`, [5, 20]"), "{e}");
        let e = parse("a,b\n0.1,x\n").unwrap_err();
        assert!(e.starts_with("p.csv:2:5: `x` is not a number"), "{e}");
        let e = parse("a,b\n").unwrap_err();
        assert!(e.contains("no rows"), "{e}");
        let e = parse("").unwrap_err();
        assert!(e.contains("empty"), "{e}");
        let e = parse("a,b\n0.1\n").unwrap_err();
        assert!(e.starts_with("p.csv:2:1: 1 fields where the header has 2"), "{e}");
        let e = parse("a,weight\n0.1,-1\n").unwrap_err();
        assert!(e.contains("negative"), "{e}");
        let e = parse("a,weight\n0.1,0\n").unwrap_err();
        assert!(e.contains("every weight is 0"), "{e}");
        let e = parse("a,a\n0.1,0.2\n").unwrap_err();
        assert!(e.contains("appears twice"), "{e}");
        let e = parse("# calibrated-until: 2015-13-01\na\n0.1\n").unwrap_err();
        assert!(e.starts_with("p.csv:1:1: `2015-13-01` is not a date"), "{e}");
        let ok = parse("# calibrated-until: 2015-03-31\na\n0.1\n").unwrap();
        assert_eq!(ok.calibrated_until.map(|d| d.to_string()).as_deref(), Some("2015-03-31"));
        let ok = parse("# ABC\na,member,distance\n\n0.1,fronts.toml,0.2\n0.2,,0.3\n").unwrap();
        assert_eq!(ok.members, vec![Some(Path::new("dir").join("fronts.toml")), None]);
        assert_eq!(ok.distances, vec![Some(0.2), Some(0.3)]);
        assert_eq!(ok.weights, vec![1.0, 1.0]);
    }
}

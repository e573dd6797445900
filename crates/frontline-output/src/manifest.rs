//! The manifest (`manifest.json`) every command writes next to its tables,
//! and that the viewer reads back: one typed [`Manifest`] for every command
//! and every model.
//!
//! The fields every job has (version, command, model, scenario and its
//! SHA-256, variants with their hashes, `--set` overrides, parameter values,
//! seeds, run counts, format, tables) are typed; what only one command
//! writes (a comparison's results, a backtest's scores, a sweep's method…)
//! is kept, in the order it was written, in [`Manifest::details`].
//!
//! The key order of each command's manifest is pinned by a layout (see
//! `layout`), so that the manifests are byte-identical to those written
//! before this type existed: scripts and diffs that compare manifests keep
//! working. Readers do not depend on the order.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The largest `manifest.json` a reader opens (a real one is a few KiB): a
/// bound, so that a huge file named so cannot exhaust a job or the viewer.
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// The name of the theatre model, which theatre manifests do not write
/// (a manifest without `model` is a theatre manifest).
pub const THEATRE_MODEL: &str = "theatre";

/// The command that wrote a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    /// `frontline run`: one run.
    Run,
    /// `frontline ensemble`: many runs and their statistics.
    Ensemble,
    /// `frontline compare`: arms over common random numbers.
    Compare,
    /// `frontline sweep`: outcomes over a design of parameter points.
    Sweep,
    /// `frontline sensitivity`: Morris or Sobol indices.
    Sensitivity,
    /// `frontline backtest`: Brier scores against a history.
    Backtest,
    /// `frontline calibrate`: backtest scores over parameter points.
    Calibrate,
}

impl Command {
    /// The command's name on the command line and in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Run => "run",
            Command::Ensemble => "ensemble",
            Command::Compare => "compare",
            Command::Sweep => "sweep",
            Command::Sensitivity => "sensitivity",
            Command::Backtest => "backtest",
            Command::Calibrate => "calibrate",
        }
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A variant file the job was loaded with, and the SHA-256 of its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantHash {
    /// The variant's path as given on the command line.
    pub path: String,
    /// `sha256:` and the hex digest of the file.
    pub hash: String,
}

/// One row of a comparison's results: an outcome's estimate in one arm with
/// its 95 % interval and, for arms other than the first, the paired
/// difference from the first arm with its interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareResult {
    /// The outcome (its expression, or the statistic's name).
    pub outcome: String,
    /// The arm's name.
    pub arm: String,
    /// The estimate (NaN, written `null`, where there is none).
    #[serde(deserialize_with = "nan_if_null")]
    pub estimate: f64,
    /// The lower end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub low: f64,
    /// The upper end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub high: f64,
    /// The paired difference from the first arm (none for the first arm).
    pub difference: Option<f64>,
    /// The lower end of the difference's 95 % interval.
    pub difference_low: Option<f64>,
    /// The upper end of the difference's 95 % interval.
    pub difference_high: Option<f64>,
}

/// JSON has no NaN: serde_json writes a non-finite number as `null`, so a
/// `null` reads back as NaN.
fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Everything needed to reproduce the numbers of an output folder.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Manifest {
    /// The version of Frontline that wrote the folder.
    pub frontline_version: String,
    /// The command that wrote it.
    pub command: Command,
    /// The model's registry name ([`THEATRE_MODEL`] when the file has no `model`).
    #[serde(default = "theatre_model")]
    pub model: String,
    /// The scenario's path as given on the command line.
    pub scenario: String,
    /// The scenario's name (civil-violence manifests write it as `name`).
    #[serde(alias = "name")]
    pub scenario_name: String,
    /// `sha256:` and the hex digest of the scenario file.
    pub scenario_hash: String,
    /// The variants applied, in order.
    pub variants: Vec<VariantHash>,
    /// The `--set` overrides applied, in order.
    pub sets: Vec<String>,
    /// The seed of a single run.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The base seed of a multi-run job.
    #[serde(default)]
    pub base_seed: Option<u64>,
    /// How run i's seed derives from `base_seed`.
    #[serde(default)]
    pub seed_rule: Option<String>,
    /// The number of runs (per arm, for a comparison).
    #[serde(default)]
    pub runs: Option<u64>,
    /// The number of runs at each parameter point of a design.
    #[serde(default)]
    pub runs_per_point: Option<u64>,
    /// The scenario's parameter values, by id, as the model declares them.
    pub parameters: Map<String, Value>,
    /// The table format (`parquet` or `csv`), where the command writes it.
    #[serde(default)]
    pub format: Option<String>,
    /// The files written, relative to the folder.
    #[serde(default)]
    pub tables: Vec<String>,
    /// A comparison's results.
    #[serde(default)]
    pub results: Option<Vec<CompareResult>>,
    /// The command- and model-specific fields, in the order they were written.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

fn theatre_model() -> String {
    THEATRE_MODEL.to_string()
}

/// The fields that must be non-negative integers where present.
const COUNT_FIELDS: [&str; 4] = ["seed", "base_seed", "runs", "runs_per_point"];

/// The fields every manifest has.
const REQUIRED_FIELDS: [&str; 7] =
    ["frontline_version", "command", "scenario", "scenario_hash", "variants", "sets", "parameters"];

/// The keys every theatre manifest starts with, in order.
const THEATRE_HEAD: &[&str] =
    &["frontline_version", "command", "scenario", "scenario_name", "scenario_hash", "variants", "sets"];

/// The keys a theatre job over many runs writes after [`THEATRE_HEAD`].
const THEATRE_JOB_HEAD: &[&str] = &["base_seed", "seed_rule", "parameters"];

/// The keys every manifest of another model (civil violence) starts with.
const OTHER_MODEL_HEAD: &[&str] = &[
    "frontline_version",
    "command",
    "model",
    "scenario",
    "scenario_hash",
    "name",
    "variants",
    "sets",
    "steps",
    "parameters",
];

/// The order of the keys of a manifest of `command`, as the parts to join:
/// a head shared by the model's commands, then the command's own keys.
fn layout(theatre: bool, command: Command) -> [&'static [&'static str]; 3] {
    use Command::*;
    if !theatre {
        let tail: &[&str] = match command {
            Run => &["seed", "snapshot_every", "agents", "citizens", "format", "tables"],
            Ensemble => &["base_seed", "seed_rule", "runs", "format", "tables"],
            Compare => &["runs", "arms", "base_seed", "seed_rule", "format", "results", "tables"],
            Sweep | Sensitivity | Backtest | Calibrate => &[
                "ranges",
                "method",
                "samples",
                "outcome",
                "points",
                "runs_per_point",
                "base_seed",
                "seed_rule",
                "format",
                "tables",
            ],
        };
        return [OTHER_MODEL_HEAD, &[], tail];
    }
    let tail: &[&str] = match command {
        Run => return [THEATRE_HEAD, &["seed", "start", "tick_days", "ticks", "parameters"], &["format", "tables"]],
        Ensemble => &["runs", "format", "tables"],
        Compare => &["runs", "arms", "outcomes", "tables", "results"],
        Sweep => &["method", "points", "tables", "runs_per_point"],
        Sensitivity => &["method", "samples", "outcome", "tables", "runs_per_point"],
        Backtest => &["runs", "history", "scores", "tables"],
        Calibrate => {
            &["history", "method", "samples", "runs_per_point", "scenario_values_mean_brier", "best", "tables"]
        }
    };
    [THEATRE_HEAD, THEATRE_JOB_HEAD, tail]
}

impl Manifest {
    /// A manifest with the fields every job has; the rest is set by the
    /// command that writes it.
    pub fn new(command: Command, model: &str, scenario: &str, scenario_name: &str, scenario_hash: &str) -> Manifest {
        Manifest {
            frontline_version: env!("CARGO_PKG_VERSION").to_string(),
            command,
            model: model.to_string(),
            scenario: scenario.to_string(),
            scenario_name: scenario_name.to_string(),
            scenario_hash: format!("sha256:{scenario_hash}"),
            variants: Vec::new(),
            sets: Vec::new(),
            seed: None,
            base_seed: None,
            seed_rule: None,
            runs: None,
            runs_per_point: None,
            parameters: Map::new(),
            format: None,
            tables: Vec::new(),
            results: None,
            details: Map::new(),
        }
    }

    /// Sets the variants from (path, hex digest) pairs.
    pub fn with_variants<P: AsRef<std::path::Path>>(mut self, variants: &[(P, String)]) -> Manifest {
        self.variants = variants
            .iter()
            .map(|(p, h)| VariantHash { path: p.as_ref().display().to_string(), hash: format!("sha256:{h}") })
            .collect();
        self
    }

    /// Adds a command-specific field (kept in insertion order).
    pub fn detail(&mut self, key: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.details.insert(key.to_string(), value);
    }

    /// Whether this is a theatre-model manifest.
    pub fn is_theatre(&self) -> bool {
        self.model == THEATRE_MODEL
    }

    /// The SHA-256 of the scenario, without the `sha256:` prefix.
    pub fn scenario_digest(&self) -> &str {
        self.scenario_hash.strip_prefix("sha256:").unwrap_or(&self.scenario_hash)
    }

    /// Parses a manifest's text. The error says which field is wrong and
    /// how (the caller prefixes the file's path).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let Some(object) = value.as_object() else {
            return Err("not a JSON object; is this a Frontline output directory?".into());
        };
        for key in REQUIRED_FIELDS {
            if !object.contains_key(key) {
                return Err(format!("no `{key}`; is this a Frontline output directory?"));
            }
        }
        if !object.contains_key("scenario_name") && !object.contains_key("name") {
            return Err("no `scenario_name`; is this a Frontline output directory?".into());
        }
        for key in COUNT_FIELDS {
            if let Some(v) = object.get(key).filter(|v| !v.is_u64()) {
                return Err(format!("`{key}` is {v}, not a non-negative integer; rerun the job that wrote it"));
            }
        }
        serde_json::from_value(value).map_err(|e| {
            format!("not a manifest this version of Frontline can read ({e}); rerun the job that wrote it")
        })
    }

    /// The manifest as a JSON object, its keys in the order of its
    /// command's layout, then any further details in their order.
    pub fn to_value(&self) -> Value {
        let mut fields = Map::new();
        let is_theatre = self.is_theatre();
        fields.insert("frontline_version".into(), Value::from(self.frontline_version.clone()));
        fields.insert("command".into(), Value::from(self.command.as_str()));
        if !is_theatre {
            fields.insert("model".into(), Value::from(self.model.clone()));
        }
        fields.insert("scenario".into(), Value::from(self.scenario.clone()));
        let name_key = if is_theatre { "scenario_name" } else { "name" };
        fields.insert(name_key.into(), Value::from(self.scenario_name.clone()));
        fields.insert("scenario_hash".into(), Value::from(self.scenario_hash.clone()));
        fields.insert("variants".into(), serde_json::to_value(&self.variants).unwrap_or_default());
        fields.insert("sets".into(), Value::from(self.sets.clone()));
        let counts = [("seed", self.seed), ("base_seed", self.base_seed), ("runs", self.runs)];
        for (key, v) in counts.into_iter().chain([("runs_per_point", self.runs_per_point)]) {
            if let Some(v) = v {
                fields.insert(key.into(), Value::from(v));
            }
        }
        if let Some(rule) = &self.seed_rule {
            fields.insert("seed_rule".into(), Value::from(rule.clone()));
        }
        fields.insert("parameters".into(), Value::Object(self.parameters.clone()));
        if let Some(format) = &self.format {
            fields.insert("format".into(), Value::from(format.clone()));
        }
        fields.insert("tables".into(), Value::from(self.tables.clone()));
        if let Some(results) = &self.results {
            fields.insert("results".into(), serde_json::to_value(results).unwrap_or_default());
        }
        for (k, v) in &self.details {
            fields.insert(k.clone(), v.clone());
        }
        let layout: Vec<&str> = layout(is_theatre, self.command).concat();
        let mut ordered = Map::new();
        for key in &layout {
            if let Some(v) = fields.get(*key) {
                ordered.insert((*key).to_string(), v.clone());
            }
        }
        ordered.extend(fields.into_iter().filter(|(k, _)| !layout.contains(&k.as_str())));
        Value::Object(ordered)
    }
}

impl Serialize for Manifest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A theatre ensemble manifest as written before the typed manifest.
    const THEATRE_ENSEMBLE: &str = r#"{
  "frontline_version": "0.1.0",
  "command": "ensemble",
  "scenario": "examples/vicious-circle.toml",
  "scenario_name": "Vicious circle",
  "scenario_hash": "sha256:a4",
  "variants": [
    {
      "path": "v.toml",
      "hash": "sha256:c3"
    }
  ],
  "sets": [
    "parameters.distrust.value=0.1"
  ],
  "base_seed": 3,
  "seed_rule": "run i uses splitmix64(base_seed, i)",
  "parameters": {
    "distrust": 0.8,
    "patron_funding": 4.0
  },
  "runs": 20,
  "format": "csv",
  "tables": [
    "metrics.csv"
  ]
}"#;

    /// A civil-violence comparison manifest as written before the typed manifest.
    const CIVIL_COMPARE: &str = r#"{
  "frontline_version": "0.1.0",
  "command": "compare",
  "model": "civil-violence",
  "scenario": "examples/civil-violence.toml",
  "scenario_hash": "sha256:0a",
  "name": "Epstein civil violence",
  "variants": [],
  "sets": [],
  "steps": 1000,
  "parameters": {
    "width": 40,
    "legitimacy": 0.82
  },
  "runs": 4,
  "arms": [
    {
      "arm": "baseline"
    }
  ],
  "base_seed": 1,
  "seed_rule": "run i of every arm uses splitmix64(base_seed, i)",
  "format": "csv",
  "results": [],
  "tables": [
    "compare.csv"
  ]
}"#;

    #[test]
    fn a_theatre_manifest_reads_into_typed_fields_and_writes_back_byte_identical() {
        let m = Manifest::parse(THEATRE_ENSEMBLE).unwrap();
        assert_eq!(m.command, Command::Ensemble);
        assert!(m.is_theatre());
        assert_eq!(m.runs, Some(20));
        assert_eq!(m.base_seed, Some(3));
        assert_eq!(m.variants, [VariantHash { path: "v.toml".into(), hash: "sha256:c3".into() }]);
        assert_eq!(m.scenario_digest(), "a4");
        assert!(m.details.is_empty(), "{:?}", m.details);
        assert_eq!(serde_json::to_string_pretty(&m).unwrap(), THEATRE_ENSEMBLE);
    }

    #[test]
    fn a_civil_manifest_reads_its_name_and_model_and_writes_back_byte_identical() {
        let m = Manifest::parse(CIVIL_COMPARE).unwrap();
        assert_eq!(m.model, "civil-violence");
        assert_eq!(m.scenario_name, "Epstein civil violence");
        assert_eq!(m.details.keys().collect::<Vec<_>>(), ["steps", "arms"]);
        assert_eq!(m.results, Some(vec![]));
        assert_eq!(m.parameters["width"], 40, "integers stay integers");
        assert_eq!(serde_json::to_string_pretty(&m).unwrap(), CIVIL_COMPARE);
    }

    #[test]
    fn regression_malformed_manifest_is_refused_with_the_field_and_the_fix() {
        let no_command = THEATRE_ENSEMBLE.replace("\"command\": \"ensemble\",", "");
        assert_eq!(Manifest::parse(&no_command).unwrap_err(), "no `command`; is this a Frontline output directory?");
        let bad_runs = THEATRE_ENSEMBLE.replace("\"runs\": 20", "\"runs\": -1");
        assert!(Manifest::parse(&bad_runs).unwrap_err().starts_with("`runs` is -1, not a non-negative integer"));
        let bad_command = THEATRE_ENSEMBLE.replace("\"ensemble\"", "\"frobnicate\"");
        let e = Manifest::parse(&bad_command).unwrap_err();
        assert!(e.contains("frobnicate") && e.contains("rerun the job"), "{e}");
        let bad_variants = THEATRE_ENSEMBLE.replace("\"path\": \"v.toml\",", "");
        let e = Manifest::parse(&bad_variants).unwrap_err();
        assert!(e.contains("path") && e.contains("rerun the job"), "{e}");
        assert!(Manifest::parse("[1]").unwrap_err().starts_with("not a JSON object"));
        assert!(Manifest::parse("{").unwrap_err().starts_with("not valid JSON"));
    }

    #[test]
    fn a_comparison_result_without_an_estimate_reads_back_as_nan_and_writes_null() {
        let results = r#"[{"outcome": "o", "arm": "a", "estimate": null, "low": null, "high": null, "difference": null, "difference_low": null, "difference_high": null}]"#;
        let m = Manifest::parse(&CIVIL_COMPARE.replace("\"results\": []", &format!("\"results\": {results}"))).unwrap();
        let r = &m.results.as_ref().unwrap()[0];
        assert!(r.estimate.is_nan() && r.low.is_nan() && r.high.is_nan() && r.difference.is_none());
        assert_eq!(m.to_value()["results"][0]["estimate"], Value::Null);
    }

    #[test]
    fn details_a_layout_does_not_name_come_last_in_insertion_order() {
        let mut m = Manifest::new(Command::Run, THEATRE_MODEL, "s.toml", "S", "00");
        m.detail("zeta", 1);
        m.detail("alpha", 2);
        m.seed = Some(7);
        let keys: Vec<String> = m.to_value().as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "frontline_version",
                "command",
                "scenario",
                "scenario_name",
                "scenario_hash",
                "variants",
                "sets",
                "seed",
                "parameters",
                "tables",
                "zeta",
                "alpha"
            ]
        );
    }
}

//! Model parameters and their decoding from a scenario file (plus `--set`
//! overrides), with located errors.

use frontline_scenario::diag::{Diagnostic, Diagnostics, Loc, choice_hint};
use frontline_scenario::value::{Kind, Value, parse_toml};
use std::path::Path;

/// How the cop-to-active ratio C/A enters the arrest probability
/// `P = 1 - exp(-k * f(C/A))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrestRule {
    /// f(x) = x (Epstein 2002 as printed).
    Exact,
    /// f(x) = floor(x) (NetLogo's Rebellion model).
    Floor,
    /// f(x) = round(x), ties to even (Mesa: Python's `round`). The default.
    RoundHalfEven,
}

impl ArrestRule {
    /// The scenario-file name.
    pub fn name(self) -> &'static str {
        match self {
            ArrestRule::Exact => "exact",
            ArrestRule::Floor => "floor",
            ArrestRule::RoundHalfEven => "round-half-even",
        }
    }
}

/// The shape of the neighbourhood an agent sees (and moves within).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisionShape {
    /// Cells within Manhattan distance `vision` on the torus (a diamond):
    /// Mesa 3.x's `OrthogonalVonNeumannGrid.get_neighborhood(radius)`. Default.
    VonNeumann,
    /// The (2v+1)×(2v+1) square.
    Moore,
    /// Cells whose centre is within Euclidean distance `vision` (NetLogo's `in-radius`).
    Euclidean,
}

impl VisionShape {
    /// The scenario-file name.
    pub fn name(self) -> &'static str {
        match self {
            VisionShape::VonNeumann => "von-neumann",
            VisionShape::Moore => "moore",
            VisionShape::Euclidean => "euclidean",
        }
    }
}

/// Every parameter of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Grid width (cells).
    pub width: u32,
    /// Grid height (cells).
    pub height: u32,
    /// Probability that a cell starts with a citizen.
    pub citizen_density: f64,
    /// Probability that a cell starts with a cop.
    pub cop_density: f64,
    /// Citizens' vision radius.
    pub citizen_vision: u32,
    /// Cops' vision radius.
    pub cop_vision: u32,
    /// Regime legitimacy L (same for all citizens).
    pub legitimacy: f64,
    /// Jail terms are uniform integers in 0..=max_jail_term.
    pub max_jail_term: u32,
    /// Rebellion threshold T.
    pub active_threshold: f64,
    /// Arrest probability constant k.
    pub arrest_prob_constant: f64,
    /// Whether agents move after acting.
    pub movement: bool,
    /// How C/A enters the arrest probability.
    pub arrest_rule: ArrestRule,
    /// Neighbourhood shape.
    pub vision_shape: VisionShape,
}

impl Default for Params {
    /// Mesa 3.x's defaults.
    fn default() -> Self {
        Params {
            width: 40,
            height: 40,
            citizen_density: 0.7,
            cop_density: 0.074,
            citizen_vision: 7,
            cop_vision: 7,
            legitimacy: 0.8,
            max_jail_term: 1000,
            active_threshold: 0.1,
            arrest_prob_constant: 2.3,
            movement: true,
            arrest_rule: ArrestRule::RoundHalfEven,
            vision_shape: VisionShape::VonNeumann,
        }
    }
}

impl Params {
    /// The parameters as JSON (for the manifest).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "width": self.width,
            "height": self.height,
            "citizen_density": self.citizen_density,
            "cop_density": self.cop_density,
            "citizen_vision": self.citizen_vision,
            "cop_vision": self.cop_vision,
            "legitimacy": self.legitimacy,
            "max_jail_term": self.max_jail_term,
            "active_threshold": self.active_threshold,
            "arrest_prob_constant": self.arrest_prob_constant,
            "movement": self.movement,
            "arrest_rule": self.arrest_rule.name(),
            "vision_shape": self.vision_shape.name(),
        })
    }
}

/// A decoded civil-violence scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Default seed.
    pub seed: u64,
    /// Steps to run after the initial state.
    pub steps: u32,
    /// Model parameters.
    pub params: Params,
    /// Write a grid snapshot every this many steps (0: never; step 0 included otherwise).
    pub snapshot_every: u32,
}

/// The value of the top-level `model` key that selects this model.
pub const MODEL_NAME: &str = "civil-violence";

/// True if the TOML text has a top-level `model = "civil-violence"`.
pub fn text_selects_model(text: &str) -> bool {
    let mut d = Diagnostics::default();
    match parse_toml(text, 0, &mut d) {
        Some(v) => matches!(v.get("model").map(|m| &m.kind), Some(Kind::Str(s)) if s == MODEL_NAME),
        None => false,
    }
}

/// True if the file at `path` selects this model. A file that cannot be
/// read within the scenario limits (not a regular file, too large, not
/// UTF-8) does not; the theatre loader then reports why it cannot be read.
pub fn file_selects_model(path: &Path) -> bool {
    use frontline_scenario::limits::{MAX_SCENARIO_FILE_BYTES, read_text};
    read_text(path, MAX_SCENARIO_FILE_BYTES).map(|t| text_selects_model(&t)).unwrap_or(false)
}

/// A loaded scenario and what it was made from.
pub struct Loaded {
    /// The decoded scenario.
    pub scenario: Scenario,
    /// SHA-256 of the scenario file and its includes (hex).
    pub scenario_hash: String,
    /// (path, SHA-256) of each variant.
    pub variants: Vec<(String, String)>,
}

/// Why loading failed: the problems and the sources they point into (the
/// theatre loader's error type, so both models render problems alike).
pub use frontline_scenario::LoadError;

/// Loads the scenario at `path` with `--set PATH=VALUE` overrides applied in order.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, Box<LoadError>> {
    load_with_variants(path, &[], sets)
}

/// Loads the scenario at `path` (with its includes), merges the variant
/// overlay files in order, then applies the `--set PATH=VALUE` overrides in
/// order — the same reading and merging as the theatre model's loader.
pub fn load_with_variants(
    path: &Path,
    variants: &[std::path::PathBuf],
    sets: &[String],
) -> Result<Loaded, Box<LoadError>> {
    let overrides = frontline_scenario::Overrides { variants: variants.to_vec(), sets: sets.to_vec() };
    let frontline_scenario::Merged { tree, sources, diagnostics: mut d, scenario_hash, variants } =
        frontline_scenario::read_merged(path, &overrides)?;
    match decode(&tree, &mut d) {
        Some(scenario) if d.is_empty() => Ok(Loaded { scenario, scenario_hash, variants }),
        _ => Err(Box::new(LoadError { sources, diagnostics: d })),
    }
}

const TOP_KEYS: &[&str] = &["model", "name", "seed", "steps", "parameters", "output"];
const PARAM_KEYS: &[&str] = &[
    "width",
    "height",
    "citizen_density",
    "cop_density",
    "citizen_vision",
    "cop_vision",
    "legitimacy",
    "max_jail_term",
    "active_threshold",
    "arrest_prob_constant",
    "movement",
    "arrest_rule",
    "vision_shape",
];
const OUTPUT_KEYS: &[&str] = &["snapshot_every"];

fn table<'a>(v: &'a Value, what: &str, d: &mut Diagnostics) -> Option<&'a [(frontline_scenario::value::Key, Value)]> {
    match &v.kind {
        Kind::Table(t) => Some(t),
        k => {
            d.push(Diagnostic::at(&v.loc, format!("`{what}` is {}", k.type_name())).expected("a table"));
            None
        }
    }
}

fn int(v: &Value, key: &str, lo: i64, hi: i64, d: &mut Diagnostics) -> Option<i64> {
    match v.kind {
        Kind::Int(n) if n >= lo && n <= hi => Some(n),
        Kind::Int(n) => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` = {n} is out of range"))
                    .expected(format!("an integer in {lo}..={hi}")),
            );
            None
        }
        ref k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("an integer in {lo}..={hi}")),
            );
            None
        }
    }
}

fn float(v: &Value, key: &str, lo: f64, hi: f64, d: &mut Diagnostics) -> Option<f64> {
    let x = match v.kind {
        Kind::Int(n) => n as f64,
        Kind::Float(x) => x,
        ref k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("a number in [{lo}, {hi}]")),
            );
            return None;
        }
    };
    if !(x >= lo && x <= hi) {
        d.push(
            Diagnostic::at(&v.loc, format!("`{key}` = {x} is out of range"))
                .expected(format!("a number in [{lo}, {hi}]")),
        );
        return None;
    }
    Some(x)
}

fn boolean(v: &Value, key: &str, d: &mut Diagnostics) -> Option<bool> {
    match v.kind {
        Kind::Bool(b) => Some(b),
        ref k => {
            d.push(Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name())).expected("true or false"));
            None
        }
    }
}

fn choice<'a>(v: &Value, key: &str, choices: &[&'a str], d: &mut Diagnostics) -> Option<&'a str> {
    match &v.kind {
        Kind::Str(s) => match choices.iter().find(|c| **c == s) {
            Some(c) => Some(c),
            None => {
                d.push(
                    Diagnostic::at(&v.loc, format!("unknown {key} `{s}`"))
                        .expected(format!("one of {}", choices.join(", ")))
                        .hint(choice_hint(s, choices)),
                );
                None
            }
        },
        k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("one of {}", choices.join(", "))),
            );
            None
        }
    }
}

fn unknown(key: &frontline_scenario::value::Key, within: &str, valid: &[&str], d: &mut Diagnostics) {
    d.push(
        Diagnostic::at(&key.loc, format!("unknown key `{}`{within}", key.name))
            .expected(format!("one of {}", valid.join(", ")))
            .hint(choice_hint(&key.name, valid)),
    );
}

/// Decodes a merged tree. Problems go to `d`; `None` if the tree is unusable.
pub fn decode(tree: &Value, d: &mut Diagnostics) -> Option<Scenario> {
    let top = table(tree, "the file", d)?;
    let mut s =
        Scenario { name: "civil violence".into(), seed: 0, steps: 1000, params: Params::default(), snapshot_every: 0 };
    let before = d.len();
    let mut model_seen = false;
    let mut sum_loc: Option<Loc> = None;
    for (k, v) in top {
        match k.name.as_str() {
            "model" => {
                model_seen = true;
                choice(v, "model", &[MODEL_NAME], d);
            }
            "name" => match &v.kind {
                Kind::Str(n) => s.name = n.clone(),
                k2 => d.push(Diagnostic::at(&v.loc, format!("`name` is {}", k2.type_name())).expected("a string")),
            },
            "seed" => {
                if let Some(n) = int(v, "seed", 0, i64::MAX, d) {
                    s.seed = n as u64;
                }
            }
            "steps" => {
                if let Some(n) = int(v, "steps", 0, 100_000_000, d) {
                    s.steps = n as u32;
                }
            }
            "output" => {
                if let Some(t) = table(v, "output", d) {
                    for (k2, v2) in t {
                        match k2.name.as_str() {
                            "snapshot_every" => {
                                if let Some(n) = int(v2, "snapshot_every", 0, u32::MAX as i64, d) {
                                    s.snapshot_every = n as u32;
                                }
                            }
                            _ => unknown(k2, " in [output]", OUTPUT_KEYS, d),
                        }
                    }
                }
            }
            "parameters" => {
                if let Some(t) = table(v, "parameters", d) {
                    let p = &mut s.params;
                    for (k2, v2) in t {
                        let key = k2.name.as_str();
                        match key {
                            "width" => int(v2, key, 1, 1 << 16, d).map(|n| p.width = n as u32),
                            "height" => int(v2, key, 1, 1 << 16, d).map(|n| p.height = n as u32),
                            "citizen_density" => {
                                sum_loc.get_or_insert(v2.loc.clone());
                                float(v2, key, 0.0, 1.0, d).map(|x| p.citizen_density = x)
                            }
                            "cop_density" => {
                                sum_loc = Some(v2.loc.clone());
                                float(v2, key, 0.0, 1.0, d).map(|x| p.cop_density = x)
                            }
                            "citizen_vision" => int(v2, key, 1, 127, d).map(|n| p.citizen_vision = n as u32),
                            "cop_vision" => int(v2, key, 1, 127, d).map(|n| p.cop_vision = n as u32),
                            "legitimacy" => float(v2, key, 0.0, 1.0, d).map(|x| p.legitimacy = x),
                            "max_jail_term" => {
                                int(v2, key, 0, u32::MAX as i64 - 1, d).map(|n| p.max_jail_term = n as u32)
                            }
                            "active_threshold" => float(v2, key, -1.0e9, 1.0e9, d).map(|x| p.active_threshold = x),
                            "arrest_prob_constant" => float(v2, key, 0.0, 1.0e9, d).map(|x| p.arrest_prob_constant = x),
                            "movement" => boolean(v2, key, d).map(|b| p.movement = b),
                            "arrest_rule" => choice(v2, key, &["round-half-even", "floor", "exact"], d).map(|c| {
                                p.arrest_rule = match c {
                                    "floor" => ArrestRule::Floor,
                                    "exact" => ArrestRule::Exact,
                                    _ => ArrestRule::RoundHalfEven,
                                }
                            }),
                            "vision_shape" => choice(v2, key, &["von-neumann", "moore", "euclidean"], d).map(|c| {
                                p.vision_shape = match c {
                                    "moore" => VisionShape::Moore,
                                    "euclidean" => VisionShape::Euclidean,
                                    _ => VisionShape::VonNeumann,
                                }
                            }),
                            _ => {
                                unknown(k2, " in [parameters]", PARAM_KEYS, d);
                                None
                            }
                        };
                    }
                }
            }
            _ => unknown(k, "", TOP_KEYS, d),
        }
    }
    if !model_seen {
        d.push(Diagnostic::at(&tree.loc, "missing `model`").expected(format!("model = \"{MODEL_NAME}\"")));
    }
    let p = &s.params;
    if d.len() == before && p.citizen_density + p.cop_density > 1.0 {
        let msg = format!("citizen_density + cop_density = {} exceeds 1", p.citizen_density + p.cop_density);
        let diag = match &sum_loc {
            Some(l) => Diagnostic::at(l, msg),
            None => Diagnostic::global(msg),
        };
        d.push(diag.expected("densities summing to at most 1").hint("lower one of the two densities"));
    }
    if d.len() == before && (p.width as u64) * (p.height as u64) > u32::MAX as u64 - 1 {
        d.push(Diagnostic::at(&tree.loc, "grid too large").expected("width * height below 2^32"));
    }
    if d.len() == before {
        check_memory(&s, tree, d);
    }
    (d.len() == before).then_some(s)
}

/// Refuses a scenario whose run would need more memory than the budget
/// (`frontline_scenario::limits::memory_budget`), at the setting that
/// weighs most: the grid size, the steps or the snapshot interval.
fn check_memory(s: &Scenario, tree: &Value, d: &mut Diagnostics) {
    use frontline_scenario::limits::{MEMORY_LIMIT_ENV, format_bytes, memory_budget};
    let budget = match memory_budget() {
        Ok(b) => b,
        Err(msg) => {
            d.push(
                Diagnostic::global(msg)
                    .expected("a size such as 16G, 512M or 16GiB (powers of 1024), a byte count, or `unlimited`")
                    .hint(format!("fix or unset {MEMORY_LIMIT_ENV}")),
            );
            return;
        }
    };
    let need = crate::memory::run_memory(s);
    if need.total() <= budget {
        return;
    }
    let at = |table: Option<&str>, key: &str| {
        let v = match table {
            Some(t) => tree.get(t).and_then(|t| t.get(key)),
            None => tree.get(key),
        };
        v.map_or_else(|| tree.loc.clone(), |v| v.loc.clone())
    };
    let (loc, fix) = if need.snapshots >= need.grid + need.agents && need.snapshots >= need.counts {
        (at(Some("output"), "snapshot_every"), "take fewer snapshots (a larger `output.snapshot_every`, or 0 for none)")
    } else if need.counts > need.grid + need.agents {
        (at(None, "steps"), "run fewer `steps`")
    } else {
        (at(Some("parameters"), "width"), "use a smaller grid (`width` × `height`)")
    };
    let suggest = need.total().saturating_add(need.total() / 4).div_ceil(1 << 30).max(1);
    d.push(
        Diagnostic::at(
            &loc,
            format!(
                "a run of {} steps on a {}×{} grid would need about {} of memory (grid {}, agents {}, counts {}, snapshots {}), over the memory budget of {}",
                s.steps,
                s.params.width,
                s.params.height,
                format_bytes(need.total()),
                format_bytes(need.grid),
                format_bytes(need.agents),
                format_bytes(need.counts),
                format_bytes(need.snapshots),
                format_bytes(budget)
            ),
        )
        .hint(format!("{fix}, or raise the budget if this machine has the memory: {MEMORY_LIMIT_ENV}={suggest}G")),
    );
}

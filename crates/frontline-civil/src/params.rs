//! Model parameters and their decoding from a scenario file (plus `--set`
//! overrides), with located errors. Each key is read by its declaration in
//! [`crate::spec`], the one the JSON Schema is generated from.

use frontline_scenario::diag::{Diagnostic, Diagnostics, choice_hint};
use frontline_scenario::keyword;
use frontline_scenario::value::{Kind, Value, parse_toml};
use std::path::Path;

keyword! {
    /// How the cop-to-active ratio C/A enters the arrest probability
    /// `P = 1 - exp(-k * f(C/A))`. Declared with the theatre format's
    /// `keyword!`, so the scenario key's choices are the enum's spellings.
    pub enum ArrestRule {
        /// f(x) = round(x), ties to even (Mesa: Python's `round`). The default.
        RoundHalfEven = "round-half-even",
        /// f(x) = floor(x) (NetLogo's Rebellion model).
        Floor = "floor",
        /// f(x) = x (Epstein 2002 as printed).
        Exact = "exact",
    }
}

keyword! {
    /// The shape of the neighbourhood an agent sees (and moves within).
    pub enum VisionShape {
        /// Cells within Manhattan distance `vision` on the torus (a diamond):
        /// Mesa 3.x's `OrthogonalVonNeumannGrid.get_neighborhood(radius)`. Default.
        VonNeumann = "von-neumann",
        /// The (2v+1)×(2v+1) square.
        Moore = "moore",
        /// Cells whose centre is within Euclidean distance `vision` (NetLogo's `in-radius`).
        Euclidean = "euclidean",
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
    /// The parameters as JSON (for the manifest): every `[parameters]` key
    /// with its value, in declaration order ([`crate::spec::PARAMETERS`]).
    pub fn to_json(&self) -> serde_json::Value {
        let s = Scenario { params: self.clone(), ..Scenario::default() };
        let values = crate::spec::PARAMETERS.keys.iter().map(|k| (k.name.to_string(), k.value(&s))).collect();
        serde_json::Value::Object(values)
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

impl Default for Scenario {
    /// What a file holding only `model = "civil-violence"` decodes to: the
    /// defaults of every key of the format (and of its schema).
    fn default() -> Self {
        Scenario { name: "civil violence".into(), seed: 0, steps: 1000, params: Params::default(), snapshot_every: 0 }
    }
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

fn table<'a>(v: &'a Value, what: &str, d: &mut Diagnostics) -> Option<&'a [(frontline_scenario::value::Key, Value)]> {
    match &v.kind {
        Kind::Table(t) => Some(t),
        k => {
            d.push(Diagnostic::at(&v.loc, format!("`{what}` is {}", k.type_name())).expected("a table"));
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
///
/// Each key is read by its declaration in [`crate::spec`] (type, range,
/// choices), starting from [`Scenario::default`]; this function adds only
/// what spans keys: `model` present, the densities' sum, the grid size and
/// the memory budget.
pub fn decode(tree: &Value, d: &mut Diagnostics) -> Option<Scenario> {
    use crate::spec::{SECTIONS, TOP, Type, top_names};
    let top = table(tree, "the file", d)?;
    let mut s = Scenario::default();
    let before = d.len();
    for (k, v) in top {
        if let Some(key) = TOP.iter().find(|x| x.name == k.name) {
            key.decode(v, &mut s, d);
        } else if let Some(section) = SECTIONS.iter().find(|x| x.name == k.name) {
            let Some(t) = table(v, section.name, d) else { continue };
            for (k2, v2) in t {
                match section.key(&k2.name) {
                    Some(key) => key.decode(v2, &mut s, d),
                    None => unknown(k2, &format!(" in [{}]", section.name), &section.key_names(), d),
                }
            }
        } else {
            unknown(k, "", &top_names(), d);
        }
    }
    for key in TOP {
        if let Type::Model(m) = key.ty
            && tree.get(key.name).is_none()
        {
            d.push(
                Diagnostic::at(&tree.loc, format!("missing `{}`", key.name))
                    .expected(format!("{} = \"{m}\"", key.name)),
            );
        }
    }
    let p = &s.params;
    if d.len() == before && p.citizen_density + p.cop_density > 1.0 {
        let msg = format!("citizen_density + cop_density = {} exceeds 1", p.citizen_density + p.cop_density);
        // At the cop density if written (the second of the two a reader
        // meets in the example), else at the citizen density.
        let params = tree.get("parameters");
        let at = ["cop_density", "citizen_density"].iter().find_map(|k| params.and_then(|t| t.get(k)));
        let diag = match at {
            Some(v) => Diagnostic::at(&v.loc, msg),
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

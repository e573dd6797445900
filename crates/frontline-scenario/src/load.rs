//! Loading a scenario from disk: the base file, its includes, variant
//! overlays and `--set` overrides, merged into one located value tree, then
//! decoded and validated into a [`Model`].
//!
//! Owns file access and the merge order (includes, then the including file,
//! then variants in order, then `--set` in order). It reports problems; it
//! never writes anything.

use crate::decode::Decode;
use crate::diag::{Diagnostic, Diagnostics, FileId, Loc, Sources};
use crate::model::{Model, build_layered};
use crate::spec::ScenarioSpec;
use crate::value::{Kind, Value, merge, parse_toml, take_key};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What to layer over the base scenario.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Variant overlay files, applied in order.
    pub variants: Vec<PathBuf>,
    /// `path=value` overrides, applied in order after the variants.
    pub sets: Vec<String>,
}

/// A loaded scenario and what it was made from.
pub struct Loaded {
    /// The validated model.
    pub model: Model,
    /// Every source text read (for error messages of later stages).
    pub sources: Sources,
    /// SHA-256 of the base scenario and its includes (hex).
    pub scenario_hash: String,
    /// (path, SHA-256) of each variant.
    pub variants: Vec<(String, String)>,
    /// The `--set` overrides as given.
    pub sets: Vec<String>,
    /// The merged value tree (for re-building with other parameter values).
    pub tree: Value,
}

/// Why a scenario could not be loaded: problems plus the sources they refer to.
pub struct LoadError {
    /// The sources, to render the problems.
    pub sources: Sources,
    /// The problems.
    pub diagnostics: Diagnostics,
}

impl LoadError {
    /// Renders every problem as text.
    pub fn render(&self, color: bool) -> String {
        self.diagnostics.render(&self.sources, color)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Reader {
    sources: Sources,
    d: Diagnostics,
    hasher: Sha256,
}

impl Reader {
    fn read(&mut self, path: &Path, from: Option<&Loc>) -> Option<(FileId, String)> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let id = self.sources.add(path.display().to_string(), text.clone(), Some(path.to_path_buf()));
                Some((id, text))
            }
            Err(e) => {
                let msg = format!("cannot read `{}`: {e}", path.display());
                let diag = match from {
                    Some(loc) => Diagnostic::at(loc, msg),
                    None => Diagnostic::global(msg),
                };
                self.d.push(diag.hint("check the path (relative paths are resolved from the file that names them)"));
                None
            }
        }
    }

    /// Reads a file and its includes, depth first; `stack` detects cycles.
    fn read_tree(&mut self, path: &Path, from: Option<&Loc>, stack: &mut Vec<PathBuf>, hash: bool) -> Option<Value> {
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if stack.contains(&canon) {
            if let Some(loc) = from {
                self.d.push(
                    Diagnostic::at(loc, format!("include cycle: `{}` includes itself", path.display()))
                        .hint("remove one of the includes"),
                );
            }
            return None;
        }
        let (file, text) = self.read(path, from)?;
        if hash {
            self.hasher
                .update(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default().as_bytes());
            self.hasher.update([0]);
            self.hasher.update(text.as_bytes());
            self.hasher.update([0]);
        }
        let mut v = parse_toml(&text, file, &mut self.d)?;
        let Some((_, inc)) = take_key(&mut v, "include") else {
            return Some(v);
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let Kind::Array(items) = &inc.kind else {
            self.d.push(
                Diagnostic::at(&inc.loc, "`include` must be an array of file names")
                    .expected("include = [\"regions.toml\"]"),
            );
            return Some(v);
        };
        stack.push(canon);
        let mut base: Option<Value> = None;
        for item in items {
            match &item.kind {
                Kind::Str(rel) => {
                    if let Some(t) = self.read_tree(&dir.join(rel), Some(&item.loc), stack, hash) {
                        match &mut base {
                            Some(b) => merge(b, t),
                            None => base = Some(t),
                        }
                    }
                }
                _ => self.d.push(
                    Diagnostic::at(&item.loc, "include entries must be strings").expected("a relative file path"),
                ),
            }
        }
        stack.pop();
        match base {
            Some(mut b) => {
                merge(&mut b, v);
                Some(b)
            }
            None => Some(v),
        }
    }
}

/// A scenario file with its includes, variant overlays and `--set`
/// overrides merged into one located value tree, not yet decoded. Any model
/// (the theatre, civil violence) decodes it in its own way.
pub struct Merged {
    /// The merged tree.
    pub tree: Value,
    /// Every source text read.
    pub sources: Sources,
    /// Problems in variants or `--set` arguments. The tree is still usable,
    /// so that decoding can report its own problems alongside these.
    pub diagnostics: Diagnostics,
    /// SHA-256 of the base scenario and its includes (hex).
    pub scenario_hash: String,
    /// (path, SHA-256) of each variant.
    pub variants: Vec<(String, String)>,
}

/// Reads the scenario at `path` with its includes, then merges the variants
/// and `--set` overrides in order. Fails only if the base file cannot be
/// read or parsed; other problems are in [`Merged::diagnostics`].
pub fn read_merged(path: &Path, overrides: &Overrides) -> Result<Merged, Box<LoadError>> {
    read_layers(path, overrides).map(|(merged, _)| merged)
}

/// [`read_merged`], also returning the id of the first file registered for
/// an overlay: every file from it on is a variant, a variant's include or a
/// `--set`, so a key located there was written by an overlay.
fn read_layers(path: &Path, overrides: &Overrides) -> Result<(Merged, FileId), Box<LoadError>> {
    let mut r = Reader { sources: Sources::new(), d: Diagnostics::default(), hasher: Sha256::new() };
    let tree = r.read_tree(path, None, &mut Vec::new(), true);
    let first_overlay_file = r.sources.len();
    let scenario_hash = hex(&std::mem::take(&mut r.hasher).finalize());
    let mut variants = Vec::new();
    let mut layers = Vec::new();
    for v in &overrides.variants {
        let mut h = Sha256::new();
        if let Ok(bytes) = std::fs::read(v) {
            h.update(&bytes);
        }
        variants.push((v.display().to_string(), hex(&h.finalize())));
        if let Some(t) = r.read_tree(v, None, &mut Vec::new(), false) {
            layers.push(t);
        }
    }
    for (n, s) in overrides.sets.iter().enumerate() {
        if let Some(t) = parse_set(s, n + 1, &mut r.sources, &mut r.d) {
            layers.push(t);
        }
    }
    let Some(mut tree) = tree else {
        return Err(Box::new(LoadError { sources: r.sources, diagnostics: r.d }));
    };
    for l in layers {
        merge(&mut tree, l);
    }
    Ok((Merged { tree, sources: r.sources, diagnostics: r.d, scenario_hash, variants }, first_overlay_file))
}

/// Loads, merges, decodes and validates a scenario. Every problem found is
/// returned at once.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Loaded, Box<LoadError>> {
    let (Merged { tree, sources, mut diagnostics, scenario_hash, variants }, first_overlay_file) =
        read_layers(path, overrides)?;
    // Even if an overlay or `--set` was unusable, check what we have, so
    // that every problem is reported in one go.
    match build_layered_tree(&tree, &sources, Some(first_overlay_file)) {
        Ok(model) if diagnostics.is_empty() => {
            Ok(Loaded { model, sources, scenario_hash, variants, sets: overrides.sets.clone(), tree })
        }
        Ok(_) => Err(Box::new(LoadError { sources, diagnostics })),
        Err(d) => {
            diagnostics.items.extend(d.items);
            Err(Box::new(LoadError { sources, diagnostics }))
        }
    }
}

/// Decodes and validates a merged value tree (reading the map it names).
pub fn build_from_tree(tree: &Value, sources: &Sources) -> Result<Model, Diagnostics> {
    build_layered_tree(tree, sources, None)
}

/// [`build_from_tree`] for a tree whose files from `first_overlay_file` on
/// are overlays: ids only they add and nothing uses are refused (see
/// [`crate::model::build_layered`]).
fn build_layered_tree(
    tree: &Value,
    sources: &Sources,
    first_overlay_file: Option<FileId>,
) -> Result<Model, Diagnostics> {
    let mut d = Diagnostics::default();
    let Some(spec) = ScenarioSpec::decode(tree, &mut d) else {
        return Err(d);
    };
    let decode_errors = std::mem::take(&mut d);
    let map = match &spec.scenario.map {
        None => None,
        Some(m) => {
            let dir = sources.path(m.loc.file).and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
            let path = dir.join(&m.value);
            let prop = spec.scenario.map_id_property.clone().unwrap_or_else(|| "id".into());
            match std::fs::read_to_string(&path) {
                Err(e) => {
                    d.push(
                        Diagnostic::at(&m.loc, format!("cannot read map `{}`: {e}", path.display()))
                            .hint("the path is relative to the scenario file"),
                    );
                    None
                }
                Ok(text) => match crate::geo::parse_map(&text, &prop) {
                    Ok(map) => Some(map),
                    Err(e) => {
                        d.push(Diagnostic::at(&m.loc, format!("map `{}`: {e}", path.display())));
                        None
                    }
                },
            }
        }
    };
    if !d.is_empty() {
        d.items.splice(0..0, decode_errors.items);
        return Err(d);
    }
    match build_layered(&spec, sources, map, first_overlay_file) {
        Ok(model) if decode_errors.is_empty() => Ok(model),
        Ok(_) => Err(decode_errors),
        Err(mut e) => {
            e.items.splice(0..0, decode_errors.items);
            Err(e)
        }
    }
}

/// Turns `a.b.c=value` into a one-line TOML pseudo-file (`a.b.c = value`),
/// quoting the value as a string if it is not valid TOML by itself.
fn parse_set(arg: &str, n: usize, sources: &mut Sources, d: &mut Diagnostics) -> Option<Value> {
    let name = format!("--set #{n}");
    let Some((path, value)) = arg.split_once('=') else {
        let f = sources.add(name, arg.to_string(), None);
        d.push(
            Diagnostic::at(&Loc::new(f, 0..arg.len()), format!("`--set {arg}` has no `=`"))
                .expected("PATH=VALUE, e.g. --set parameters.distrust.value=0.9"),
        );
        return None;
    };
    let path = path.trim();
    let value = value.trim();
    let bad_path = path.is_empty()
        || path
            .split('.')
            .any(|s| s.is_empty() || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    if bad_path {
        let f = sources.add(name, arg.to_string(), None);
        d.push(
            Diagnostic::at(&Loc::new(f, 0..path.len()), format!("`{path}` is not a valid path"))
                .expected("dot-separated keys of letters, digits, `_` and `-`, e.g. regions.ramadi.terrain"),
        );
        return None;
    }
    let mut scratch = Diagnostics::default();
    let text = format!("{path} = {value}");
    if parse_toml(&text, 0, &mut scratch).is_some() {
        let f = sources.add(name, text.clone(), None);
        return parse_toml(&text, f, d);
    }
    let quoted = format!("{path} = {}", serde_json::Value::String(value.to_string()));
    let f = sources.add(name, quoted.clone(), None);
    parse_toml(&quoted, f, d)
}

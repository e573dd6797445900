//! Loading a scenario from disk: the base file, its includes, variant
//! overlays and `--set` overrides, merged into one located value tree, then
//! decoded and validated into a [`Model`].
//!
//! Owns file access and the merge order (includes, then the including file,
//! then variants in order, then `--set` in order). It reports problems; it
//! never writes anything.

use crate::decode::Decode;
use crate::diag::{Diagnostic, Diagnostics, FileId, Loc, Sources};
use crate::limits::{self, ReadError};
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
    /// Files read so far, for [`limits::MAX_SCENARIO_FILES`].
    files_read: usize,
    /// Whether the file-count or include-depth limit was already reported
    /// (once is enough: every further include past it is refused too).
    limit_reported: bool,
}

/// Byte length of U+FFFD, which replaces the first invalid byte in the text
/// registered for a file that is not UTF-8.
const REPLACEMENT_LEN: usize = '\u{FFFD}'.len_utf8();

impl Reader {
    fn new() -> Self {
        Reader {
            sources: Sources::new(),
            d: Diagnostics::default(),
            hasher: Sha256::new(),
            files_read: 0,
            limit_reported: false,
        }
    }

    fn push_at(&mut self, from: Option<&Loc>, msg: String) -> &mut Diagnostic {
        let diag = match from {
            Some(loc) => Diagnostic::at(loc, msg),
            None => Diagnostic::global(msg),
        };
        self.d.push(diag);
        self.d.items.last_mut().expect("just pushed")
    }

    /// Reads one scenario file within the limits of [`limits`] and registers
    /// its text. A file that is not UTF-8 is registered with the bad bytes
    /// replaced, so that the error points at the first of them.
    fn read(&mut self, path: &Path, from: Option<&Loc>) -> Option<(FileId, String)> {
        if self.files_read >= limits::MAX_SCENARIO_FILES {
            if std::mem::replace(&mut self.limit_reported, true) {
                return None;
            }
            let msg = format!(
                "cannot read `{}`: this scenario already read {} files, the most one scenario may read",
                path.display(),
                limits::MAX_SCENARIO_FILES
            );
            let d = self.push_at(from, msg);
            d.hint = Some(
                "include each file once, from one place: the same include reached along many paths is read each time"
                    .into(),
            );
            return None;
        }
        self.files_read += 1;
        match limits::read_text(path, limits::MAX_SCENARIO_FILE_BYTES) {
            Ok(text) => {
                let id = self.sources.add(path.display().to_string(), text.clone(), Some(path.to_path_buf()));
                Some((id, text))
            }
            Err(ReadError::NotUtf8(bad)) => {
                let msg = format!(
                    "`{}` is not valid UTF-8: byte {} at line {}, column {}",
                    path.display(),
                    bad.hex(),
                    bad.line,
                    bad.column
                );
                let id = self.sources.add(path.display().to_string(), bad.lossy, Some(path.to_path_buf()));
                self.d.push(
                    Diagnostic::at(&Loc::new(id, bad.offset..bad.offset + REPLACEMENT_LEN), msg)
                        .expected("UTF-8 text (scenario files are TOML, which is UTF-8)")
                        .hint("save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 FILE`), or retype the character at this place"),
                );
                None
            }
            Err(e) => {
                let hint = e.hint("scenario");
                let limit = matches!(e, ReadError::TooLarge { .. }).then(|| {
                    format!("scenario files are at most {}", limits::format_bytes(limits::MAX_SCENARIO_FILE_BYTES))
                });
                let d = self.push_at(from, format!("cannot read `{}`: {e}", path.display()));
                d.expected = limit;
                d.hint = Some(hint);
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
        if stack.len() >= limits::MAX_INCLUDE_DEPTH {
            if std::mem::replace(&mut self.limit_reported, true) {
                return None;
            }
            let msg = format!("includes nest more than {} deep at `{}`", limits::MAX_INCLUDE_DEPTH, path.display());
            self.push_at(from, msg).hint =
                Some("include the files from fewer levels (a file may include several)".into());
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
        self.tree_of(path, file, &text, stack, hash)
    }

    /// Parses the text of `path` (registered as `file`) and merges its includes under it.
    fn tree_of(
        &mut self,
        path: &Path,
        file: FileId,
        text: &str,
        stack: &mut Vec<PathBuf>,
        hash: bool,
    ) -> Option<Value> {
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut v = parse_located(text, file, &mut self.d)?;
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

/// [`parse_toml`], with the TOML reader's one unlocated error (a dotted key
/// of too many parts: "recursion limit" at the start of the file) placed on
/// the offending key.
fn parse_located(text: &str, file: FileId, d: &mut Diagnostics) -> Option<Value> {
    let mut found = Diagnostics::default();
    let v = parse_toml(text, file, &mut found);
    for mut diag in found.items {
        let unlocated = diag.loc.as_ref().is_none_or(|l| l.span.is_empty() && l.span.start == 0);
        if unlocated
            && diag.message.contains("recursion limit")
            && let Some((span, parts)) = limits::overlong_dotted_key(text)
        {
            diag = Diagnostic::at(
                &Loc::new(file, span),
                format!("this dotted key has {parts} parts, more than the TOML reader accepts"),
            )
            .expected(format!("at most {} parts after the first", limits::MAX_DOTTED_KEY_PARTS))
            .hint("no scenario key nests this deep: check for a run of `.` in the key");
        }
        d.push(diag);
    }
    v
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
    let mut r = Reader::new();
    let tree = r.read_tree(path, None, &mut Vec::new(), true);
    let first_overlay_file = r.sources.len();
    let scenario_hash = hex(&std::mem::take(&mut r.hasher).finalize());
    let mut variants = Vec::new();
    let mut layers = Vec::new();
    for v in &overrides.variants {
        // The variant's hash is of its own bytes (not its includes), read
        // once within the limits: the text is the file's bytes when it is UTF-8.
        let mut h = Sha256::new();
        let read = r.read(v, None);
        if let Some((_, text)) = &read {
            h.update(text.as_bytes());
        }
        variants.push((v.display().to_string(), hex(&h.finalize())));
        if let Some((file, text)) = read
            && let Some(t) = r.tree_of(v, file, &text, &mut Vec::new(), false)
        {
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
///
/// Refuses, before anything large is allocated, a scenario whose run would
/// not fit in the memory budget ([`limits::memory_budget`]): first the
/// region-pair matrices the model builder makes (the square of the region
/// count), then the whole run ([`limits::run_memory`]).
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
    let budget = match limits::memory_budget() {
        Ok(b) => Some(b),
        Err(msg) => {
            d.push(
                Diagnostic::global(msg)
                    .expected("a size such as 16G, 512M or 16GiB (powers of 1024), a byte count, or `unlimited`")
                    .hint(format!("fix or unset {}", limits::MEMORY_LIMIT_ENV)),
            );
            None
        }
    };
    if let Some(budget) = budget {
        let matrices = limits::pair_matrix_bytes(spec.regions.len());
        if matrices > budget {
            let loc = spec.regions.0.first().map_or_else(|| spec.loc.clone(), |(k, _)| k.loc.clone());
            d.push(
                Diagnostic::at(
                    &loc,
                    format!(
                        "{} regions need {} for the distances and paths between every pair of regions, over the memory budget of {}",
                        spec.regions.len(),
                        limits::format_bytes(matrices),
                        limits::format_bytes(budget)
                    ),
                )
                .hint(over_budget_hint(matrices, "use fewer, larger regions")),
            );
        }
    }
    let map = match &spec.scenario.map {
        None => None,
        Some(m) => {
            let dir = sources.path(m.loc.file).and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
            let path = dir.join(&m.value);
            let prop = spec.scenario.map_id_property.clone().unwrap_or_else(|| "id".into());
            match limits::read_text(&path, limits::MAX_MAP_FILE_BYTES) {
                Err(e) => {
                    let mut diag = Diagnostic::at(&m.loc, format!("cannot read map `{}`: {e}", path.display()));
                    diag = match e {
                        ReadError::Io(_) => diag.hint("the path is relative to the scenario file"),
                        ReadError::TooLarge { .. } => diag
                            .expected(format!(
                                "a GeoJSON map of at most {}",
                                limits::format_bytes(limits::MAX_MAP_FILE_BYTES)
                            ))
                            .hint(e.hint("GeoJSON")),
                        _ => diag.hint(e.hint("GeoJSON")),
                    };
                    d.push(diag);
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
        Ok(model) if decode_errors.is_empty() => {
            let need = limits::run_memory(&model);
            match budget {
                Some(budget) if need.total() > budget => {
                    Err(Diagnostics { items: vec![run_over_budget(&spec, &model, need, budget)] })
                }
                _ => Ok(model),
            }
        }
        Ok(_) => Err(decode_errors),
        Err(mut e) => {
            e.items.splice(0..0, decode_errors.items);
            Err(e)
        }
    }
}

/// How to get under the memory budget: `fix`, or a larger budget.
fn over_budget_hint(need: u64, fix: &str) -> String {
    // Suggest a budget with room to spare, in whole GiB.
    let suggest = need.saturating_add(need / 4).div_ceil(1 << 30).max(1);
    format!("{fix}, or raise the budget if this machine has the memory: {}={suggest}G", limits::MEMORY_LIMIT_ENV)
}

/// The error for a model whose run needs more memory than `budget`, at the
/// scenario's length (`ticks` or `end`).
fn run_over_budget(spec: &ScenarioSpec, m: &Model, need: limits::RunMemory, budget: u64) -> Diagnostic {
    let meta = &spec.scenario;
    let loc = meta
        .ticks
        .as_ref()
        .map(|t| t.loc.clone())
        .or_else(|| meta.end.as_ref().map(|e| e.loc.clone()))
        .unwrap_or_else(|| meta.loc.clone());
    let fixed = need.total() - need.per_tick.saturating_mul(u64::from(m.ticks) + 1);
    let fit = budget.saturating_sub(fixed) / need.per_tick.max(1);
    let fix = if fit >= 2 {
        format!("shorten the run to at most {} ticks", (fit - 1).min(u64::from(m.ticks)))
    } else {
        "use fewer regions, force groups, identities or actors".to_string()
    };
    Diagnostic::at(
        &loc,
        format!(
            "a run of {} ticks would need about {} of memory (trajectory {}, output tables {}, region-pair matrices {}), over the memory budget of {}",
            m.ticks,
            limits::format_bytes(need.total()),
            limits::format_bytes(need.trajectory),
            limits::format_bytes(need.tables),
            limits::format_bytes(need.pair_matrices),
            limits::format_bytes(budget)
        ),
    )
    .expected(format!(
        "a run of {} regions, {} force groups, {} identities and {} actors that fits in the budget",
        m.regions.len(),
        m.forces.len(),
        m.identities.len(),
        m.actors.len()
    ))
    .hint(over_budget_hint(need.total(), &fix))
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
        return parse_located(&text, f, d);
    }
    let quoted = format!("{path} = {}", serde_json::Value::String(value.to_string()));
    let f = sources.add(name, quoted.clone(), None);
    parse_located(&quoted, f, d)
}

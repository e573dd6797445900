//! Diagnostics: every problem found in a scenario, with the file, line and
//! column it comes from, what was expected and a hint for the fix.
//!
//! Owns the source-file registry and the rendering of errors. It does not
//! decide what is an error; the loader, decoder and model builder do.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{Files as _, SimpleFiles};
use codespan_reporting::term::{self, termcolor::Buffer};
use std::ops::Range;
use std::path::PathBuf;

/// Index of a source file in [`Sources`].
pub type FileId = usize;

/// Where a value came from: a file and a byte range in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// Byte range of the value in that file.
    pub span: Range<usize>,
}

impl Loc {
    /// A location in `file` covering `span`.
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Loc { file, span }
    }
}

/// All source texts a scenario was read from: scenario files, includes,
/// variant overlays and `--set` arguments (each `--set` is a small pseudo-file).
#[derive(Default, Clone)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<Option<PathBuf>>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }
    /// Registers a source text under a display name; `path` is the file on
    /// disk, if any (used to resolve relative includes and maps).
    pub fn add(&mut self, name: String, text: String, path: Option<PathBuf>) -> FileId {
        self.paths.push(path);
        self.files.add(name, text)
    }
    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        self.files.get(file).map(|f| f.source().as_str()).unwrap_or("")
    }
    /// The display name of a file.
    pub fn name(&self, file: FileId) -> String {
        self.files.get(file).map(|f| f.name().clone()).unwrap_or_default()
    }
    /// The path on disk of a file, if it has one.
    pub fn path(&self, file: FileId) -> Option<&PathBuf> {
        self.paths.get(file).and_then(|p| p.as_ref())
    }
    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let line = self.files.line_index(file, offset).unwrap_or(0);
        let col = self.files.column_number(file, line, offset).unwrap_or(1);
        (line + 1, col)
    }
    /// Number of registered files.
    pub fn len(&self) -> usize {
        self.paths.len()
    }
    /// True when no file is registered.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// One problem in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where; `None` for problems that are not tied to a place (e.g. a missing file).
    pub loc: Option<Loc>,
    /// What is wrong, in one line.
    pub message: String,
    /// What was expected there.
    pub expected: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem at `loc`.
    pub fn at(loc: &Loc, message: impl Into<String>) -> Self {
        Diagnostic { loc: Some(loc.clone()), message: message.into(), expected: None, hint: None }
    }
    /// A problem with no location.
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic { loc: None, message: message.into(), expected: None, hint: None }
    }
    /// Adds what was expected.
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    /// Adds a hint.
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// A list of problems, reported together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    /// The problems, in the order found.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Renders all problems as text: per problem, `error: message`, the
    /// `file:line:col` and source snippet, then `expected:` and `hint:`.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let mut buf = if color { Buffer::ansi() } else { Buffer::no_color() };
        let config = term::Config::default();
        let mut out = String::new();
        for d in &self.items {
            let mut notes = Vec::new();
            if let Some(e) = &d.expected {
                notes.push(format!("expected: {e}"));
            }
            if let Some(h) = &d.hint {
                notes.push(format!("hint: {h}"));
            }
            match &d.loc {
                Some(loc) if loc.file < sources.len() => {
                    let cs = CsDiagnostic::error()
                        .with_message(&d.message)
                        .with_labels(vec![Label::primary(loc.file, loc.span.clone())])
                        .with_notes(notes);
                    buf.clear();
                    let _ = term::emit_to_write_style(&mut buf, &config, &sources.files, &cs);
                    out.push_str(&String::from_utf8_lossy(buf.as_slice()));
                }
                _ => {
                    out.push_str(&format!("error: {}\n", d.message));
                    for n in notes {
                        out.push_str(&format!("  = {n}\n"));
                    }
                    out.push('\n');
                }
            }
        }
        let n = self.items.len();
        out.push_str(&format!("{n} error{} found; nothing was run or written.\n", if n == 1 { "" } else { "s" }));
        out
    }
}

/// Levenshtein edit distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Longest name (in bytes) for which [`did_you_mean`] looks for a typo:
/// the edit distance costs the product of the two lengths, and no id is
/// this long, so a longer name is not a typo of one.
pub const MAX_SUGGESTION_NAME_BYTES: usize = 256;

/// The closest candidate to `name`, if it is close enough to be a typo.
///
/// The work is bounded: names over [`MAX_SUGGESTION_NAME_BYTES`] get no
/// suggestion, and a candidate whose length differs from the name's by more
/// than the allowed distance is skipped without computing the distance (it
/// is at least the difference in length).
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if name.len() > MAX_SUGGESTION_NAME_BYTES {
        return None;
    }
    let name_chars = name.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let allowed = 2.max(c.len() / 3);
            if name_chars.abs_diff(c.chars().count()) > allowed {
                return None;
            }
            let d = edit_distance(name, c);
            (d <= allowed).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint naming the closest match or listing the valid choices.
pub fn choice_hint(name: &str, candidates: &[&str]) -> String {
    match did_you_mean(name, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.is_empty() => "none are declared".to_string(),
        None if candidates.len() <= 12 => format!("valid: {}", candidates.join(", ")),
        None => format!("valid choices include {}, … ({} in all)", candidates[..12].join(", "), candidates.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("terrain", "terain"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("terain", ["terrain", "name"]), Some("terrain"));
        assert_eq!(did_you_mean("zzzzzz", ["terrain", "name"]), None);
    }

    #[test]
    fn regression_a_4_mb_unknown_name_gets_no_suggestion_quickly() {
        let huge = "x".repeat(4 << 20);
        let candidates: Vec<String> = (0..200).map(|i| format!("candidate_{i}")).collect();
        let start = std::time::Instant::now();
        assert_eq!(did_you_mean(&huge, candidates.iter().map(String::as_str)), None);
        assert!(choice_hint(&huge, &["urban", "rural"]).starts_with("valid: "));
        // The old quadratic search took seconds; the bounded one is instant.
        assert!(start.elapsed() < std::time::Duration::from_millis(500), "{:?}", start.elapsed());
        // Typos within the length bound are still found.
        assert_eq!(did_you_mean("candidate_1O", candidates.iter().map(String::as_str)), Some("candidate_1"));
    }

    #[test]
    fn render_names_file_line_and_column() {
        let mut s = Sources::new();
        let f = s.add("a.toml".into(), "x = 1\ny = 2\n".into(), None);
        let mut d = Diagnostics::default();
        d.push(Diagnostic::at(&Loc::new(f, 6..7), "bad y").expected("a string").hint("quote it"));
        let text = d.render(&s, false);
        assert!(text.contains("error: bad y"), "{text}");
        assert!(text.contains("a.toml:2:1"), "{text}");
        assert!(text.contains("expected: a string"));
        assert!(text.contains("hint: quote it"));
    }
}

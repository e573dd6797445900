//! A fuzz case: what to feed to which reader, and its file format.
//!
//! A case is a small file tree (a shipped "base" folder of the repository,
//! with some of its files replaced or added) plus the loader's inputs
//! (entry file, variant overlays, `--set` overrides). Crash files and the
//! committed corpus use the same text format, binary-safe and small because
//! only the files that differ from the base are stored:
//!
//! ```text
//! frontline-fuzz case 1
//! target scenario              (scenario | history | geojson)
//! base examples                (optional: a repository folder copied first)
//! entry vicious-circle.toml    (the file the reader is given)
//! variant variants/baseline.toml
//! set parameters.distrust.value=0.9
//! set-bytes 12                 (a `--set` holding a newline: 12 raw bytes follow the line)
//! fifo include.toml            (a named pipe in the tree)
//! actor isis                   (history: the actor scored; default: the first)
//! id-property ADM2_PCODE       (geojson: the id property; default ADM2_PCODE)
//! expect error                 (corpus: the case must be refused ...)
//! expect-contains scenario.toml:3:  (... with this text in the message)
//! note free text
//! file scenario.toml 42        (42 raw bytes follow the line, then a newline)
//! file regions.toml <<END      (or: the lines up to one that is exactly END)
//! ```
//!
//! Lines starting with `#` and blank lines between records are ignored.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The first line of every case file.
pub const MAGIC: &str = "frontline-fuzz case 1";

/// Which reader a case exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The scenario loader (theatre or civil violence, as the CLI chooses),
    /// with includes, variants and `--set`, and the rendering of its errors.
    Scenario,
    /// The backtest's history CSV reader and scoring, on a loaded scenario.
    History,
    /// The GeoJSON map reader.
    Geojson,
    /// Hidden, for the harness's own tests: the file `action` says whether
    /// the worker returns, fails, panics, aborts, overflows its stack, runs
    /// out of memory or hangs.
    SelfTest,
}

impl Target {
    /// The name used in case files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Scenario => "scenario",
            Target::History => "history",
            Target::Geojson => "geojson",
            Target::SelfTest => "self-test",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        [Target::Scenario, Target::History, Target::Geojson, Target::SelfTest].into_iter().find(|t| t.name() == name)
    }
}

/// What a corpus case must give (beyond "no crash").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Expect {
    /// Anything but a crash, a panic or a hang.
    #[default]
    Anything,
    /// Success.
    Ok,
    /// A refusal (an error message), containing each of `contains`.
    Error,
}

/// One case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Case {
    /// The reader.
    pub target: Option<Target>,
    /// A repository folder (relative to the root) whose files form the tree
    /// before `files` are laid over it.
    pub base: Option<String>,
    /// The file given to the reader, relative to the tree.
    pub entry: String,
    /// Variant overlays, relative to the tree.
    pub variants: Vec<String>,
    /// `--set` overrides.
    pub sets: Vec<String>,
    /// Files that replace or add to the base's, by path relative to the tree.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Named pipes to create in the tree.
    pub fifos: Vec<String>,
    /// History: the actor scored.
    pub actor: Option<String>,
    /// GeoJSON: the id property.
    pub id_property: Option<String>,
    /// What the case must give.
    pub expect: Expect,
    /// Texts the error message must contain (with `expect error`).
    pub expect_contains: Vec<String>,
    /// Free text (what the case is about).
    pub note: Option<String>,
}

impl Case {
    /// The reader (scenario when not given).
    pub fn target(&self) -> Target {
        self.target.unwrap_or(Target::Scenario)
    }

    /// The case in its file format.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        fn push_line(out: &mut Vec<u8>, s: String) {
            out.extend_from_slice(s.as_bytes());
            out.push(b'\n');
        }
        let line = |out: &mut Vec<u8>, s: String| push_line(out, s);
        line(&mut out, MAGIC.to_string());
        if let Some(n) = &self.note {
            line(&mut out, format!("note {}", one_line(n)));
        }
        line(&mut out, format!("target {}", self.target().name()));
        if let Some(b) = &self.base {
            line(&mut out, format!("base {b}"));
        }
        if !self.entry.is_empty() {
            line(&mut out, format!("entry {}", self.entry));
        }
        for v in &self.variants {
            line(&mut out, format!("variant {v}"));
        }
        if let Some(a) = &self.actor {
            line(&mut out, format!("actor {}", one_line(a)));
        }
        if let Some(p) = &self.id_property {
            line(&mut out, format!("id-property {}", one_line(p)));
        }
        match self.expect {
            Expect::Anything => {}
            Expect::Ok => line(&mut out, "expect ok".into()),
            Expect::Error => line(&mut out, "expect error".into()),
        }
        for c in &self.expect_contains {
            line(&mut out, format!("expect-contains {}", one_line(c)));
        }
        for f in &self.fifos {
            line(&mut out, format!("fifo {f}"));
        }
        for s in &self.sets {
            if s.contains(['\n', '\r']) {
                line(&mut out, format!("set-bytes {}", s.len()));
                out.extend_from_slice(s.as_bytes());
                out.push(b'\n');
            } else {
                line(&mut out, format!("set {s}"));
            }
        }
        for (name, bytes) in &self.files {
            line(&mut out, format!("file {name} {}", bytes.len()));
            out.extend_from_slice(bytes);
            out.push(b'\n');
        }
        out
    }

    /// Reads a case file.
    pub fn decode(bytes: &[u8]) -> Result<Case, String> {
        let mut case = Case::default();
        let mut pos = 0;
        let mut lineno = 0;
        let mut first = true;
        while pos < bytes.len() {
            let end = bytes[pos..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| pos + i);
            lineno += 1;
            let raw = &bytes[pos..end];
            pos = (end + 1).min(bytes.len());
            let text = std::str::from_utf8(raw).map_err(|_| format!("line {lineno}: a record line must be UTF-8"))?;
            let text = text.strip_suffix('\r').unwrap_or(text);
            if first {
                if text != MAGIC {
                    return Err(format!("line 1: expected `{MAGIC}`"));
                }
                first = false;
                continue;
            }
            if text.trim().is_empty() || text.starts_with('#') {
                continue;
            }
            let (key, arg) = text.split_once(' ').unwrap_or((text, ""));
            let at = |m: &str| format!("line {lineno}: {m}");
            match key {
                "target" => {
                    case.target = Some(Target::from_name(arg).ok_or_else(|| at(&format!("unknown target `{arg}`")))?)
                }
                "base" => case.base = Some(checked_path(arg).map_err(|e| at(&e))?),
                "entry" => case.entry = checked_path(arg).map_err(|e| at(&e))?,
                "variant" => case.variants.push(checked_path(arg).map_err(|e| at(&e))?),
                "fifo" => case.fifos.push(checked_path(arg).map_err(|e| at(&e))?),
                "set" => case.sets.push(arg.to_string()),
                "set-bytes" => {
                    let n: usize = arg.parse().map_err(|_| at("`set-bytes` needs a byte count"))?;
                    let body =
                        take(bytes, &mut pos, n).ok_or_else(|| at("the file ends inside the `set-bytes` body"))?;
                    case.sets.push(String::from_utf8(body.to_vec()).map_err(|_| at("a `--set` must be UTF-8"))?);
                }
                "actor" => case.actor = Some(arg.to_string()),
                "id-property" => case.id_property = Some(arg.to_string()),
                "note" => case.note = Some(arg.to_string()),
                "expect" => {
                    case.expect = match arg {
                        "ok" => Expect::Ok,
                        "error" => Expect::Error,
                        "anything" => Expect::Anything,
                        _ => return Err(at("`expect` is `ok`, `error` or `anything`")),
                    }
                }
                "expect-contains" => case.expect_contains.push(arg.to_string()),
                "file" => {
                    let (name, size) =
                        arg.rsplit_once(' ').ok_or_else(|| at("`file NAME SIZE` or `file NAME <<END`"))?;
                    let name = checked_path(name).map_err(|e| at(&e))?;
                    let body = if let Some(marker) = size.strip_prefix("<<") {
                        heredoc(bytes, &mut pos, marker)
                            .ok_or_else(|| at(&format!("no line `{marker}` ends the file")))?
                    } else {
                        let n: usize = size.parse().map_err(|_| at("`file NAME SIZE` needs a byte count"))?;
                        take(bytes, &mut pos, n).ok_or_else(|| at("the case ends inside a file body"))?.to_vec()
                    };
                    case.files.insert(name, body);
                }
                _ => return Err(at(&format!("unknown record `{key}`"))),
            }
        }
        if first {
            return Err(format!("empty case file (expected `{MAGIC}` on line 1)"));
        }
        if case.entry.is_empty() && case.target() != Target::SelfTest {
            return Err("the case has no `entry`".into());
        }
        Ok(case)
    }

    /// The content of `name` in the case's tree: the case's own file, or the base's.
    pub fn file<'a>(&'a self, name: &str, bases: &'a Bases) -> Option<&'a [u8]> {
        self.files
            .get(name)
            .map(Vec::as_slice)
            .or_else(|| self.base.as_ref().and_then(|b| bases.files(b).ok()?.get(name).map(Vec::as_slice)))
    }

    /// A copy without the corpus-only records (expectations, note).
    pub fn without_expectations(&self) -> Case {
        Case { expect: Expect::Anything, expect_contains: Vec::new(), note: None, ..self.clone() }
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// `n` bytes from `pos`, then the newline that ends them.
fn take<'a>(bytes: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let body = bytes.get(*pos..pos.checked_add(n)?)?;
    *pos += n;
    if bytes.get(*pos) == Some(&b'\n') {
        *pos += 1;
    }
    Some(body)
}

/// The lines from `pos` up to one that is exactly `marker` (each with its newline).
fn heredoc(bytes: &[u8], pos: &mut usize, marker: &str) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while *pos < bytes.len() {
        let end = bytes[*pos..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| *pos + i);
        let line = &bytes[*pos..end];
        *pos = (end + 1).min(bytes.len());
        if line == marker.as_bytes() || line.strip_suffix(b"\r") == Some(marker.as_bytes()) {
            return Some(body);
        }
        body.extend_from_slice(line);
        body.push(b'\n');
    }
    None
}

/// A relative path that stays inside the tree.
fn checked_path(p: &str) -> Result<String, String> {
    let path = Path::new(p);
    let inside = !p.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if inside { Ok(p.to_string()) } else { Err(format!("`{p}` must be a relative path inside the case's tree")) }
}

/// The shipped folders cases are built on, read once.
#[derive(Debug)]
pub struct Bases {
    root: PathBuf,
    cache: std::sync::Mutex<BTreeMap<String, &'static BTreeMap<String, Vec<u8>>>>,
}

impl Bases {
    /// The bases under the repository root `root`.
    pub fn new(root: &Path) -> Self {
        Bases { root: root.to_path_buf(), cache: Default::default() }
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The scenario, overlay, map and data files of the folder `base`
    /// (`.toml`, `.geojson`, `.json`, `.csv`, at most three levels deep,
    /// `tools/` left out), by path relative to it. Read once, kept for the
    /// life of the process (a handful of shipped folders).
    pub fn files(&self, base: &str) -> Result<&'static BTreeMap<String, Vec<u8>>, String> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = cache.get(base) {
            return Ok(f);
        }
        let dir = self.root.join(checked_path(base)?);
        if !dir.is_dir() {
            return Err(format!("base `{base}` is not a folder under {}", self.root.display()));
        }
        let mut files = BTreeMap::new();
        collect(&dir, "", 0, &mut files).map_err(|e| format!("cannot read base `{base}`: {e}"))?;
        let leaked: &'static BTreeMap<String, Vec<u8>> = Box::leak(Box::new(files));
        cache.insert(base.to_string(), leaked);
        Ok(leaked)
    }
}

fn collect(dir: &Path, prefix: &str, depth: usize, out: &mut BTreeMap<String, Vec<u8>>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let kind = e.file_type()?;
        if kind.is_dir() {
            if depth < 2 && name != "tools" && !name.starts_with('.') {
                collect(&e.path(), &rel, depth + 1, out)?;
            }
        } else if kind.is_file() && [".toml", ".geojson", ".json", ".csv"].iter().any(|x| name.ends_with(x)) {
            out.insert(rel, std::fs::read(e.path())?);
        }
    }
    Ok(())
}

/// Lays the case's tree out in `dir` (emptied first): the base's files, the
/// case's own files over them, and its named pipes.
pub fn materialize(case: &Case, bases: &Bases, dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, bytes: &[u8]| -> Result<(), String> {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(base) = &case.base {
        for (name, bytes) in bases.files(base)? {
            if !case.files.contains_key(name) {
                write(name, bytes)?;
            }
        }
    }
    for (name, bytes) in &case.files {
        write(name, bytes)?;
    }
    for fifo in &case.fifos {
        make_fifo(&dir.join(fifo))?;
    }
    Ok(())
}

#[cfg(unix)]
fn make_fifo(path: &Path) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let _ = std::fs::remove_file(path);
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| "a fifo path holds a NUL".to_string())?;
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    if rc == 0 {
        Ok(())
    } else {
        Err(format!("cannot make fifo {}: {}", path.display(), std::io::Error::last_os_error()))
    }
}

#[cfg(not(unix))]
fn make_fifo(path: &Path) -> Result<(), String> {
    Err(format!("named pipes ({}) need a Unix system", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_survives_encoding_with_binary_files_and_multiline_sets() {
        let mut case = Case {
            target: Some(Target::History),
            base: Some("examples".into()),
            entry: "vicious-circle.toml".into(),
            variants: vec!["variants/baseline.toml".into()],
            sets: vec!["a.b=1".into(), "x=\"a\nb\"".into(), "trailing space ".into()],
            fifos: vec!["pipe.toml".into()],
            actor: Some("isis".into()),
            id_property: Some("ID".into()),
            expect: Expect::Error,
            expect_contains: vec!["scenario.toml:3:".into()],
            note: Some("a note".into()),
            ..Case::default()
        };
        case.files.insert("a.toml".into(), b"x = 1\n\xff\xfe\nfile a.toml 3\n".to_vec());
        case.files.insert("empty.csv".into(), Vec::new());
        let back = Case::decode(&case.encode()).unwrap();
        assert_eq!(back, case);
    }

    #[test]
    fn heredoc_files_and_comments_are_read() {
        let text = "frontline-fuzz case 1\n# a comment\n\ntarget geojson\nentry m.geojson\nfile m.geojson <<END\n{}\n  x\nEND\n";
        let case = Case::decode(text.as_bytes()).unwrap();
        assert_eq!(case.target(), Target::Geojson);
        assert_eq!(case.files["m.geojson"], b"{}\n  x\n");
    }

    #[test]
    fn paths_that_leave_the_tree_and_bad_records_are_refused() {
        for bad in [
            "frontline-fuzz case 1\nentry ../x.toml\n",
            "frontline-fuzz case 1\nentry /etc/passwd\n",
            "frontline-fuzz case 1\nentry a\nfile ../../x 1\na\n",
            "frontline-fuzz case 1\nentry a\nfile x 10\nab\n",
            "frontline-fuzz case 1\nentry a\nbogus 1\n",
            "not a case\n",
            "",
        ] {
            assert!(Case::decode(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}

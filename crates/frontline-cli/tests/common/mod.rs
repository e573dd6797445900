//! Helpers shared by the CLI's integration tests (each test file says
//! `mod common;`): where the repository's scenarios are, scratch folders that
//! clean up after themselves, and one way to run the binary, always under a
//! time limit so that a hung job fails its test instead of stalling the suite.
//!
//! Nothing here reads outside the repository: scenarios are found from
//! `CARGO_MANIFEST_DIR`, and scratch folders live in the system's temporary
//! directory, made fresh by the test that uses them.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use frontline_scenario::limits::MEMORY_LIMIT_ENV;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Scenario paths: the one place that knows where the repository keeps them.

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The theatre model's example, `examples/vicious-circle.toml`.
pub fn example() -> PathBuf {
    root().join("examples/vicious-circle.toml")
}

/// A variant of the example, `examples/variants/<name>`.
pub fn variant(name: &str) -> PathBuf {
    root().join("examples/variants").join(name)
}

/// The civil-violence model's example, `examples/civil-violence.toml`.
pub fn civil_example() -> PathBuf {
    root().join("examples/civil-violence.toml")
}

/// The Iraq scenario's folder, `scenarios/iraq`.
pub fn iraq_dir() -> PathBuf {
    root().join("scenarios/iraq")
}

/// The Iraq scenario, `scenarios/iraq/scenario.toml`.
pub fn iraq() -> PathBuf {
    iraq_dir().join("scenario.toml")
}

/// `p` as a command-line argument (the tests' paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Owned copies of `v`, for argument lists built once and used twice.
pub fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|a| a.to_string()).collect()
}

/// The arguments of the example's small resumable sweep (128 points of 12
/// runs, 30 ticks: several batches) writing to `out`, shared by the tests
/// that interrupt and resume it.
pub fn example_sweep_args(out: &Path) -> Vec<String> {
    strings(&[
        "sweep",
        s(&example()),
        "--samples",
        "128",
        "--runs-per-point",
        "12",
        "--set",
        "scenario.ticks=30",
        "--outcome",
        "controls(isis, city) at end",
        "--out",
        s(out),
        "-q",
    ])
}

// ---------------------------------------------------------------------------
// Scratch folders.

/// A fresh, empty scratch folder named after `name`, removed when dropped
/// (see [`TestDir`]): the one way the tests make scratch folders.
pub fn tmp(name: &str) -> TestDir {
    TestDir::new(name)
}

/// A fresh, empty scratch folder, removed when dropped. A test that fails
/// (panics) keeps its folder and says where it is, to be looked at.
pub struct TestDir {
    path: PathBuf,
}

impl TestDir {
    /// Creates `<temp>/frontline-<test file>-<pid>-<n>-<name>`, empty (the
    /// counter keeps two folders of one test run apart even if they share a
    /// name).
    pub fn new(name: &str) -> TestDir {
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "frontline-{}-{}-{n}-{name}",
            env!("CARGO_CRATE_NAME"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TestDir { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `rel` inside this folder, as a path that keeps the folder until it is
    /// dropped (for helpers that make a folder and hand out one file of it).
    pub fn into_child(self, rel: &str) -> TestPath {
        let path = self.path.join(rel);
        TestPath { _dir: self, path }
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} for inspection", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

impl Deref for TestDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TestDir {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<OsStr> for TestDir {
    fn as_ref(&self) -> &OsStr {
        self.path.as_os_str()
    }
}

/// A path inside a [`TestDir`] that owns the folder: the folder lives as
/// long as the path does.
pub struct TestPath {
    _dir: TestDir,
    path: PathBuf,
}

impl Deref for TestPath {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TestPath {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<OsStr> for TestPath {
    fn as_ref(&self) -> &OsStr {
        self.path.as_os_str()
    }
}

// ---------------------------------------------------------------------------
// Running the binary.

/// How long one run of the binary may take before its test fails: far more
/// than any test's job needs, even on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(600);

/// The `frontline` binary, with the default memory budget whatever the test
/// runner's environment says.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_frontline"));
    c.env_remove(MEMORY_LIMIT_ENV);
    c
}

/// Runs `frontline ARGS…` to the end (within [`PATIENCE`]).
pub fn run(args: &[&str]) -> Output {
    run_within(bin().args(args), PATIENCE)
}

/// Runs `cmd` to the end (within [`PATIENCE`]).
pub fn output(cmd: &mut Command) -> Output {
    run_within(cmd, PATIENCE)
}

/// Runs `cmd`, killing it (and failing) if it takes longer than `limit`.
/// Its output goes to files, so a long message cannot fill a pipe and stall
/// it.
pub fn run_within(cmd: &mut Command, limit: Duration) -> Output {
    let dir = TestDir::new("output");
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("frontline starts");
    let mut child = Running(child);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            panic!("frontline did not finish within {limit:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: std::fs::read(&out).unwrap(), stderr: std::fs::read(&err).unwrap() }
}

/// A started process, killed (SIGKILL on Unix) and reaped when dropped, so
/// that a failing test leaves no job running.
pub struct Running(pub Child);

impl Running {
    /// Starts `cmd` with its output discarded.
    pub fn start(cmd: &mut Command) -> Running {
        Running(cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("frontline starts"))
    }

    /// Kills the process hard (SIGKILL on Unix: no handler, no cleanup) and
    /// returns how it ended.
    pub fn kill(mut self) -> std::process::ExitStatus {
        self.0.kill().expect("kill");
        self.0.wait().expect("wait")
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.0.try_wait().expect("wait").is_none()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process's stderr, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The process's stdout, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The process's stdout and stderr, as text.
pub fn text(o: &Output) -> (String, String) {
    (stdout(o), stderr(o))
}

// ---------------------------------------------------------------------------
// Jobs and their folders.

/// The tables of an ensemble.
pub const TABLES: [&str; 4] = ["control_probability", "metrics", "event_first_dates", "runs"];

/// The bytes of an ensemble's Parquet [`TABLES`] in `dir`.
pub fn tables(dir: &Path) -> Vec<Vec<u8>> {
    TABLES
        .iter()
        .map(|t| std::fs::read(dir.join(format!("{t}.parquet"))).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

/// The names of the finished batch files in `dir/.runs/` whose names start
/// with `prefix` (a batch being written has a temporary name and is not
/// counted), sorted.
pub fn batch_files(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".runs"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(prefix)).collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits until `dir/.runs/` holds `batches` batch files starting with
/// `prefix`. Meant for a job started with `--hold-after-batches`, which
/// cannot finish or write more, so this is no race: it fails only if the
/// job ends first or nothing appears within [`PATIENCE`].
pub fn wait_for_batches(job: &mut Running, dir: &Path, prefix: &str, batches: usize) {
    let started = Instant::now();
    while batch_files(dir, prefix).len() < batches {
        if let Ok(Some(status)) = job.0.try_wait() {
            panic!("the job ended ({status}) before writing {batches} batches");
        }
        assert!(started.elapsed() < PATIENCE, "no {batches} batches appeared within {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every file under `dir`, relative to it, with `/` separators.
pub fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, rel: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(root.join(rel)).unwrap() {
            let e = e.unwrap();
            let rel = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                walk(root, &rel, out);
            } else {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, Path::new(""), &mut out);
    out
}

//! The supervisor: keeps one worker process, sends it cases one at a time,
//! and classifies what came back. A worker that dies (abort, signal, stack
//! overflow, allocation failure) or does not answer within the timeout is
//! replaced by a fresh one for the next case.

use crate::case::{Case, Expect};
use crate::worker::unescape;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a case did, as seen from outside the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Accepted.
    Ok(String),
    /// Refused with an error message (fine, unless the case expected otherwise).
    Error {
        /// The message.
        text: String,
        /// Whether every problem named a place.
        located: bool,
    },
    /// A panic (a failure).
    Panic {
        /// File and line of the panic.
        location: String,
        /// Its message.
        message: String,
    },
    /// The worker died: abort, signal, stack overflow, allocation failure (a failure).
    Crash {
        /// What killed it ("stack overflow", "out of memory", "signal 11", ...).
        cause: String,
        /// The end of what it wrote to its standard error.
        stderr: String,
    },
    /// No answer within the per-case timeout (a failure).
    Timeout(Duration),
    /// The case broke a corpus expectation (a failure).
    Unexpected {
        /// What was expected and what happened.
        reason: String,
    },
    /// The harness itself failed (the worker could not start, or could not read the case).
    Harness(String),
}

impl Outcome {
    /// True for the outcomes that fail a campaign.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Outcome::Ok(_) | Outcome::Error { .. })
    }

    /// The kind of outcome, one word.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Ok(_) => "ok",
            Outcome::Error { .. } => "error",
            Outcome::Panic { .. } => "panic",
            Outcome::Crash { .. } => "crash",
            Outcome::Timeout(_) => "timeout",
            Outcome::Unexpected { .. } => "unexpected",
            Outcome::Harness(_) => "harness",
        }
    }

    /// What identifies the defect behind a failure, so that the thousand
    /// inputs reaching the same panic are reported once: the panic's place,
    /// the cause of a crash, the corpus case of a broken expectation.
    pub fn signature(&self) -> String {
        match self {
            Outcome::Ok(_) => "ok".into(),
            Outcome::Error { .. } => "error".into(),
            Outcome::Panic { location, .. } => format!("panic at {location}"),
            Outcome::Crash { cause, .. } => format!("crash: {cause}"),
            Outcome::Timeout(_) => "timeout".into(),
            Outcome::Unexpected { reason } => format!("unexpected: {reason}"),
            Outcome::Harness(m) => format!("harness: {m}"),
        }
    }

    /// A one-paragraph description for the report.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Ok(s) => format!("ok: {s}"),
            Outcome::Error { text, located } => {
                format!("error ({}): {}", if *located { "located" } else { "not located" }, first_lines(text, 3))
            }
            Outcome::Panic { location, message } => format!("panic at {location}: {}", first_lines(message, 5)),
            Outcome::Crash { cause, stderr } => format!("crash ({cause}); stderr: {}", first_lines(stderr, 5)),
            Outcome::Timeout(d) => format!("timeout: no answer in {:.1} s", d.as_secs_f64()),
            Outcome::Unexpected { reason } => format!("unexpected: {reason}"),
            Outcome::Harness(m) => format!("harness failure: {m}"),
        }
    }
}

fn first_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().filter(|l| !l.trim().is_empty()).take(n).collect();
    let mut out = lines.join(" | ");
    if out.len() > 400 {
        let mut cut = 400;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// Checks an outcome against the case's expectations (corpus cases).
pub fn check_expectations(case: &Case, outcome: Outcome) -> Outcome {
    if outcome.is_failure() {
        return outcome;
    }
    let name = case.note.as_deref().unwrap_or("corpus case");
    match (&case.expect, &outcome) {
        (Expect::Anything, _) => outcome,
        (Expect::Ok, Outcome::Ok(_)) => outcome,
        (Expect::Ok, Outcome::Error { text, .. }) => {
            Outcome::Unexpected { reason: format!("{name}: expected success, got: {}", first_lines(text, 3)) }
        }
        (Expect::Error, Outcome::Ok(s)) => {
            Outcome::Unexpected { reason: format!("{name}: expected a refusal, but it was accepted ({s})") }
        }
        (Expect::Error, Outcome::Error { text, .. }) => {
            match case.expect_contains.iter().find(|c| !text.contains(c.as_str())) {
                None => outcome,
                Some(missing) => Outcome::Unexpected {
                    reason: format!("{name}: the error lacks `{missing}`; it was: {}", first_lines(text, 4)),
                },
            }
        }
        _ => outcome,
    }
}

/// How workers are started and limited.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The fuzzer's executable (the worker is the same binary).
    pub exe: PathBuf,
    /// The repository root (where the bases are).
    pub root: PathBuf,
    /// Longest a case may take.
    pub timeout: Duration,
    /// The worker's address-space limit, MiB (0: none).
    pub memory_mb: u64,
    /// Scratch folder; each worker lays its cases out in a subfolder.
    pub scratch: PathBuf,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<Option<String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
    dir: PathBuf,
}

/// Longest tail of a worker's standard error kept.
const STDERR_TAIL: usize = 16 << 10;

impl Worker {
    fn start(config: &WorkerConfig) -> Result<Worker, String> {
        // Unique among all the supervisors of this process.
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = config.scratch.join(format!("worker-{}-{serial}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut child = Command::new(&config.exe)
            .arg("--worker")
            .arg("--root")
            .arg(&config.root)
            .arg("--scratch")
            .arg(&dir)
            .arg("--memory-mb")
            .arg(config.memory_mb.to_string())
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the worker {}: {e}", config.exe.display()))?;
        let stdin = child.stdin.take().ok_or("the worker has no stdin")?;
        let stdout = child.stdout.take().ok_or("the worker has no stdout")?;
        let mut stderr_pipe = child.stderr.take().ok_or("the worker has no stderr")?;
        let (tx, answers) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => {
                        if tx.send(Some(l)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.send(None);
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                s.extend_from_slice(&buf[..n]);
                if s.len() > 2 * STDERR_TAIL {
                    let cut = s.len() - STDERR_TAIL;
                    s.drain(..cut);
                }
            }
        });
        Ok(Worker { child, stdin, answers, stderr, stderr_reader: Some(stderr_reader), dir })
    }

    /// Ends the worker (if still running) and returns what it last wrote to stderr.
    fn finish(mut self, kill: bool) -> (String, Option<std::process::ExitStatus>) {
        if kill {
            let _ = self.child.kill();
        }
        drop(self.stdin);
        let status = self.child.wait().ok();
        if let Some(h) = self.stderr_reader.take() {
            let _ = h.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
        let bytes = std::mem::take(&mut *self.stderr.lock().unwrap_or_else(|e| e.into_inner()));
        (String::from_utf8_lossy(&bytes).into_owned(), status)
    }
}

/// Keeps a worker and runs cases in it.
pub struct Supervisor {
    config: WorkerConfig,
    worker: Option<Worker>,
    started: u64,
}

impl Supervisor {
    /// A supervisor; the first worker starts with the first case.
    pub fn new(config: WorkerConfig) -> Self {
        Supervisor { config, worker: None, started: 0 }
    }

    /// How workers are started.
    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    /// How many workers were started so far (1 + the number of deaths).
    pub fn workers_started(&self) -> u64 {
        self.started
    }

    /// Runs one case in the worker and classifies the result (expectations
    /// included).
    pub fn run(&mut self, case: &Case) -> Outcome {
        let outcome = self.run_raw(&case.encode());
        check_expectations(case, outcome)
    }

    /// Runs one encoded case.
    pub fn run_raw(&mut self, bytes: &[u8]) -> Outcome {
        if self.worker.is_none() {
            match Worker::start(&self.config) {
                Ok(w) => {
                    self.started += 1;
                    self.worker = Some(w);
                }
                Err(e) => return Outcome::Harness(e),
            }
        }
        let Some(worker) = self.worker.as_mut() else { return Outcome::Harness("no worker".into()) };
        worker.stderr.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let Ok(len) = u32::try_from(bytes.len()) else {
            return Outcome::Harness(format!("a case of {} bytes is too large to send", bytes.len()));
        };
        let sent = worker.stdin.write_all(&len.to_le_bytes()).and_then(|()| worker.stdin.write_all(bytes));
        let sent = sent.and_then(|()| worker.stdin.flush());
        let answer = if sent.is_ok() {
            worker.answers.recv_timeout(self.config.timeout)
        } else {
            // The worker died before reading the case: wait for its end of output.
            worker.answers.recv_timeout(Duration::from_secs(5))
        };
        match answer {
            Ok(Some(line)) => match parse_answer(&line) {
                // The reader survived only because the worker's memory limit
                // made an allocation fail politely (`read_to_string` of an
                // endless file, say): without the limit it would have taken
                // the machine's memory.
                Outcome::Error { text, .. } if text.contains("out of memory") => Outcome::Crash {
                    cause: "out of memory (reported as an error under the worker's memory limit)".into(),
                    stderr: tail_lines(&text, 6),
                },
                other => other,
            },
            Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                let worker = self.worker.take().expect("a worker is running");
                let (stderr, status) = worker.finish(false);
                Outcome::Crash { cause: crash_cause(&stderr, status), stderr: tail_lines(&stderr, 20) }
            }
            Err(RecvTimeoutError::Timeout) => {
                let worker = self.worker.take().expect("a worker is running");
                let _ = worker.finish(true);
                Outcome::Timeout(self.config.timeout)
            }
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        if let Some(w) = self.worker.take() {
            let _ = w.finish(false);
        }
    }
}

fn parse_answer(line: &str) -> Outcome {
    let mut fields = line.splitn(3, '\t');
    let kind = fields.next().unwrap_or("");
    let a = fields.next().unwrap_or("");
    let b = fields.next().unwrap_or("");
    match kind {
        "ok" => Outcome::Ok(unescape(a)),
        "error" => Outcome::Error { text: unescape(b), located: a == "1" },
        "panic" => Outcome::Panic { location: normalize_location(&unescape(a)), message: unescape(b) },
        "bad" => Outcome::Harness(format!("the worker could not read the case: {}", unescape(a))),
        _ => Outcome::Harness(format!("the worker answered `{line}`")),
    }
}

/// A panic location relative to the workspace (the same on every machine).
fn normalize_location(location: &str) -> String {
    match location.find("crates/") {
        Some(i) => location[i..].to_string(),
        None => location.to_string(),
    }
}

fn tail_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Names what killed a worker from its exit status and last words.
fn crash_cause(stderr: &str, status: Option<std::process::ExitStatus>) -> String {
    if stderr.contains("has overflowed its stack") {
        return "stack overflow".into();
    }
    if stderr.contains("memory allocation of") || stderr.contains("capacity overflow") {
        return "out of memory (allocation failed under the worker's memory limit)".into();
    }
    let Some(status) = status else { return "the worker vanished".into() };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGABRT => "SIGABRT (abort)",
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGBUS => "SIGBUS",
                libc::SIGILL => "SIGILL",
                libc::SIGKILL => "SIGKILL (killed, maybe by the kernel's out-of-memory killer)",
                libc::SIGFPE => "SIGFPE",
                _ => "",
            };
            return format!("signal {sig} {name}").trim().to_string();
        }
    }
    match status.code() {
        Some(c) => format!("the worker exited with code {c} in the middle of a case"),
        None => "the worker ended without an exit code".into(),
    }
}

/// The default scratch folder: the system's temporary folder.
pub fn default_scratch() -> PathBuf {
    std::env::temp_dir().join("frontline-fuzz")
}

/// The repository root: `--root`, else the one this crate was built in, else the current folder.
pub fn default_root() -> PathBuf {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if built.join("scenarios").is_dir() { built.canonicalize().unwrap_or(built) } else { PathBuf::from(".") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed_into_outcomes() {
        assert_eq!(parse_answer("ok\tfine"), Outcome::Ok("fine".into()));
        assert_eq!(parse_answer("error\t1\ta\\nb"), Outcome::Error { text: "a\nb".into(), located: true });
        assert_eq!(
            parse_answer("panic\t/home/x/crates/frontline-scenario/src/expr.rs:12\tboom"),
            Outcome::Panic { location: "crates/frontline-scenario/src/expr.rs:12".into(), message: "boom".into() }
        );
        assert!(matches!(parse_answer("garbage"), Outcome::Harness(_)));
    }

    #[test]
    fn expectations_turn_wrong_answers_into_failures() {
        let mut case = Case { expect: Expect::Error, expect_contains: vec![":3:".into()], ..Case::default() };
        let refused = Outcome::Error { text: "x.toml:3:1 bad".into(), located: true };
        assert!(!check_expectations(&case, refused).is_failure());
        let elsewhere = Outcome::Error { text: "x.toml:1:1 bad".into(), located: true };
        assert!(check_expectations(&case, elsewhere).is_failure());
        assert!(check_expectations(&case, Outcome::Ok("accepted".into())).is_failure());
        case.expect = Expect::Ok;
        assert!(check_expectations(&case, Outcome::Error { text: String::new(), located: true }).is_failure());
        case.expect = Expect::Anything;
        assert!(!check_expectations(&case, Outcome::Ok(String::new())).is_failure());
    }
}

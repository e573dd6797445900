//! A campaign: replay the corpus, then generate and run cases until the
//! time or case budget is spent; report each distinct failure once, with the
//! input that caused it saved (after a bounded shrinking) to the crash folder.

use crate::case::{Case, Target};
use crate::mutate::Generator;
use crate::supervisor::{Outcome, Supervisor};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Stop generating after this long (the corpus replay counts too).
    pub duration: Option<Duration>,
    /// Stop after this many generated cases.
    pub cases: Option<u64>,
    /// The seed of the generated cases.
    pub seed: u64,
    /// The readers to fuzz.
    pub targets: Vec<Target>,
    /// Folder of `.case` files to replay first and to mutate.
    pub corpus: Option<PathBuf>,
    /// Where failing inputs are written.
    pub crashes: PathBuf,
    /// Longest time spent shrinking one failing input.
    pub shrink: Duration,
    /// Workers running cases at once.
    pub jobs: usize,
}

/// One distinct failure.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What happened (first time).
    pub outcome: Outcome,
    /// The input that shows it: the corpus file, or the saved crash file.
    pub input: PathBuf,
    /// How many cases hit it.
    pub count: u64,
}

/// What a campaign found.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run, corpus included.
    pub cases: u64,
    /// Cases per outcome kind.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Errors some of whose problems named no place (fine, but counted).
    pub unlocated_errors: u64,
    /// A few distinct messages of errors that named no place (digits and
    /// paths elided), for whoever wants to locate them.
    pub unlocated_samples: Vec<String>,
    /// Distinct failures by signature.
    pub failures: BTreeMap<String, Failure>,
}

impl Report {
    fn record(&mut self, outcome: &Outcome) {
        self.cases += 1;
        *self.by_kind.entry(outcome.kind()).or_default() += 1;
        if let Outcome::Error { located: false, text } = outcome {
            self.unlocated_errors += 1;
            let sample = gist(text);
            if self.unlocated_samples.len() < 5 && !self.unlocated_samples.contains(&sample) {
                self.unlocated_samples.push(sample);
            }
        }
    }

    /// The summary printed at the end.
    pub fn summary(&self, seed: u64, elapsed: Duration) -> String {
        let kinds: Vec<String> = self.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut out = format!(
            "frontline-fuzz: {} cases in {:.1} s (seed {seed}): {}; {} errors named no place\n",
            self.cases,
            elapsed.as_secs_f64(),
            kinds.join(", "),
            self.unlocated_errors,
        );
        for sample in &self.unlocated_samples {
            out.push_str(&format!("  error with no place: {sample}\n"));
        }
        if self.failures.is_empty() {
            out.push_str("no failures\n");
        } else {
            out.push_str(&format!("{} distinct failures:\n", self.failures.len()));
            for (sig, f) in &self.failures {
                out.push_str(&format!("  {sig} ({} cases)\n    input: {}\n", f.count, f.input.display()));
            }
        }
        out
    }
}

/// The first line of a message with paths, quoted names and numbers elided,
/// so that the same kind of message is listed once.
fn gist(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let mut out = String::new();
    let mut in_quote = false;
    for c in line.chars() {
        match c {
            '`' => {
                in_quote = !in_quote;
                out.push_str(if in_quote { "`…" } else { "`" });
            }
            _ if in_quote => {}
            '0'..='9' => {
                // Keep names such as UTF-8; elide counts, lines and sizes.
                let mut tail = out.chars().rev();
                let in_name = tail.next() == Some('-') && tail.next().is_some_and(|p| p.is_ascii_alphabetic());
                if in_name || out.ends_with(|p: char| p.is_ascii_digit()) && !out.ends_with('N') {
                    out.push(c);
                } else if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
        if out.len() > 160 {
            out.push('…');
            break;
        }
    }
    out
}

/// The `.case` files of a folder (or the file itself), sorted by name.
pub fn case_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "case"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a case file.
pub fn read_case(path: &Path) -> Result<Case, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Case::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs cases on `jobs` workers at once: case `i` is `next(i)` (until it
/// gives `None`); each result goes to `on_result` on this thread, in the
/// order they finish.
fn run_pool<'a>(
    jobs: usize,
    config: &crate::supervisor::WorkerConfig,
    next: &(dyn Fn(u64) -> Option<Case> + Sync + 'a),
    on_result: &mut dyn FnMut(u64, Case, Outcome),
) {
    let counter = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        for _ in 0..jobs.max(1) {
            let tx = tx.clone();
            let counter = &counter;
            scope.spawn(move || {
                let mut sup = Supervisor::new(config.clone());
                loop {
                    let i = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(case) = next(i) else { break };
                    let outcome = sup.run(&case);
                    if tx.send((i, case, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, case, outcome) in rx {
            on_result(i, case, outcome);
        }
    });
}

/// Runs a campaign: the corpus, then generated cases, on `opts.jobs` workers
/// at once; shrinking uses `sup`. `log` receives progress and failure
/// reports as they happen.
pub fn run(opts: &Options, sup: &mut Supervisor, gen_root: &Path, log: &mut dyn FnMut(&str)) -> Result<Report, String> {
    let start = Instant::now();
    let mut report = Report::default();
    let config = sup.config().clone();
    let mut corpus = Vec::new();
    let mut corpus_paths = Vec::new();
    if let Some(dir) = &opts.corpus {
        for path in case_files(dir)? {
            let case = read_case(&path)?;
            if opts.targets.contains(&case.target()) {
                corpus.push(case);
                corpus_paths.push(path);
            }
        }
        let mut results = Vec::new();
        run_pool(opts.jobs, &config, &|i| corpus.get(i as usize).cloned(), &mut |i, _, outcome| {
            results.push((i, outcome))
        });
        // In file order, whatever order they finished in.
        results.sort_by_key(|r| r.0);
        for (i, outcome) in results {
            report.record(&outcome);
            if outcome.is_failure() {
                let path = &corpus_paths[i as usize];
                log(&format!("FAIL corpus {}: {}", path.display(), outcome.describe()));
                let sig = outcome.signature();
                report.failures.entry(sig).or_insert(Failure { outcome, input: path.clone(), count: 0 }).count += 1;
            }
        }
        log(&format!("corpus: {} cases replayed in {:.1} s", corpus.len(), start.elapsed().as_secs_f64()));
    }
    let generator = Generator::new(crate::case::Bases::new(gen_root), &opts.targets, &corpus)?;
    let mut last_progress = Instant::now();
    let mut error: Option<String> = None;
    let next = |i: u64| {
        let done = opts.cases.is_some_and(|n| i >= n) || opts.duration.is_some_and(|d| start.elapsed() >= d);
        (!done).then(|| generator.generate(opts.seed, i))
    };
    run_pool(opts.jobs, &config, &next, &mut |index, case, outcome| {
        report.record(&outcome);
        if outcome.is_failure() {
            let sig = outcome.signature();
            if let Some(f) = report.failures.get_mut(&sig) {
                f.count += 1;
            } else {
                let small = if matches!(outcome, Outcome::Timeout(_)) {
                    // Each try would wait for the whole timeout.
                    case.clone()
                } else {
                    shrink(sup, &generator, &case, &sig, opts.shrink)
                };
                let path = match save(&opts.crashes, &small, &sig) {
                    Ok(p) => p,
                    Err(e) => {
                        error.get_or_insert(e);
                        PathBuf::from("(not saved)")
                    }
                };
                log(&format!(
                    "FAIL case {index} (--seed {}): {}\n  input saved to {}\n  replay: cargo run -p frontline-fuzz -- --replay {}{}",
                    opts.seed,
                    outcome.describe(),
                    path.display(),
                    path.display(),
                    preview(&small)
                ));
                report.failures.insert(sig, Failure { outcome, input: path, count: 1 });
            }
        }
        if last_progress.elapsed() >= Duration::from_secs(10) {
            last_progress = Instant::now();
            log(&format!(
                "... {} cases, {:.0} s, {} distinct failures",
                report.cases,
                start.elapsed().as_secs_f64(),
                report.failures.len()
            ));
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    Ok(report)
}

/// The case's own files, when they are small enough to print.
fn preview(case: &Case) -> String {
    let bytes = case.encode();
    if bytes.len() > 1500 {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    format!("\n  case:\n{}", text.lines().map(|l| format!("    | {l}")).collect::<Vec<_>>().join("\n"))
}

/// Writes a failing case to the crash folder under a name made from its signature.
pub fn save(dir: &Path, case: &Case, signature: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let kind: String = signature.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let hash = crate::rng::mix(signature.bytes().fold(0u64, |h, b| crate::rng::mix(h ^ u64::from(b))));
    let path = dir.join(format!("{kind}-{:08x}.case", hash as u32));
    let mut case = case.clone();
    let origin = case.note.take().unwrap_or_default();
    case.note = Some(format!("{signature} [{origin}]"));
    std::fs::write(&path, case.encode()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Makes a failing case smaller while it fails the same way: drops sets,
/// variants and replaced files the failure does not need, then lines, then
/// bytes of the replaced files. Bounded by `budget`.
pub fn shrink(sup: &mut Supervisor, generator: &Generator, case: &Case, signature: &str, budget: Duration) -> Case {
    let deadline = Instant::now() + budget;
    let mut best = case.clone();
    let still_fails = |c: &Case, sup: &mut Supervisor| Instant::now() < deadline && sup.run(c).signature() == signature;
    // Whole parts first.
    for i in (0..best.sets.len()).rev() {
        let mut c = best.clone();
        c.sets.remove(i);
        if still_fails(&c, sup) {
            best = c;
        }
    }
    for i in (0..best.variants.len()).rev() {
        let mut c = best.clone();
        c.variants.remove(i);
        if still_fails(&c, sup) {
            best = c;
        }
    }
    let names: Vec<String> = best.files.keys().cloned().collect();
    for name in &names {
        let shipped = best.base.as_ref().and_then(|b| generator.bases().files(b).ok()?.get(name.as_str()));
        if shipped.is_some() || best.entry != *name {
            let mut c = best.clone();
            c.files.remove(name);
            if still_fails(&c, sup) {
                best = c;
            }
        }
    }
    // Then chunks of lines and of bytes, halving the chunk each pass.
    for name in best.files.keys().cloned().collect::<Vec<_>>() {
        for unit in [b'\n', 0] {
            let mut chunk = best.files[&name].len() / 2;
            while chunk >= 1 && Instant::now() < deadline {
                let mut at = 0;
                while at < best.files[&name].len() && Instant::now() < deadline {
                    let body = &best.files[&name];
                    let end = if unit == b'\n' {
                        // `chunk` lines from `at`.
                        let mut e = at;
                        for _ in 0..chunk.max(1) {
                            e = body[e..].iter().position(|&b| b == b'\n').map_or(body.len(), |p| e + p + 1);
                        }
                        e
                    } else {
                        (at + chunk).min(body.len())
                    };
                    let mut c = best.clone();
                    c.files.get_mut(&name).expect("present").drain(at..end);
                    if still_fails(&c, sup) {
                        best = c;
                    } else {
                        at = end;
                    }
                }
                chunk /= 2;
            }
            if best.files[&name].len() > 4096 {
                // Byte-level shrinking of large files would not finish in time.
                break;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gist_elides_names_and_numbers() {
        assert_eq!(
            gist("cannot read `/tmp/x/a.toml`: stream did not contain valid UTF-8 (line 12)\nmore"),
            "cannot read `…`: stream did not contain valid UTF-8 (line N)"
        );
    }
}

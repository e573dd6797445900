//! The worker isolation: a panic, an abort, a stack overflow, an allocation
//! failure and a hang in a case are each caught, classified and reported,
//! and the next case runs in a fresh worker. Uses the hidden `self-test`
//! target, so these tests do not depend on the readers having bugs.

use frontline_fuzz::campaign::{self, Options};
use frontline_fuzz::case::{Bases, Case, Expect, Target};
use frontline_fuzz::mutate::Generator;
use frontline_fuzz::supervisor::{Outcome, Supervisor, WorkerConfig, default_root};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_frontline-fuzz");

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("frontline-fuzz-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn supervisor(name: &str, timeout: Duration) -> Supervisor {
    Supervisor::new(WorkerConfig {
        exe: EXE.into(),
        root: default_root(),
        timeout,
        memory_mb: 512,
        scratch: scratch(name),
    })
}

fn self_test(action: &str) -> Case {
    let mut case = Case { target: Some(Target::SelfTest), ..Case::default() };
    case.files.insert("action".into(), action.as_bytes().to_vec());
    case
}

#[test]
fn a_panic_in_a_case_is_reported_with_its_place_and_the_worker_goes_on() {
    let mut sup = supervisor("panic", Duration::from_secs(20));
    match sup.run(&self_test("panic")) {
        Outcome::Panic { location, message } => {
            assert!(location.starts_with("crates/frontline-fuzz/src/exec.rs:"), "{location}");
            assert_eq!(message, "self-test panic");
        }
        other => panic!("expected a panic, got {other:?}"),
    }
    assert_eq!(sup.run(&self_test("ok")), Outcome::Ok("self-test ok".into()));
    assert_eq!(sup.workers_started(), 1, "a caught panic does not cost the worker");
}

#[test]
fn an_abort_a_stack_overflow_and_an_allocation_failure_are_crashes_and_a_new_worker_takes_over() {
    let mut sup = supervisor("crash", Duration::from_secs(30));
    let abort = sup.run(&self_test("abort"));
    assert!(matches!(&abort, Outcome::Crash { cause, .. } if cause.contains("SIGABRT")), "{abort:?}");
    let overflow = sup.run(&self_test("overflow"));
    assert!(matches!(&overflow, Outcome::Crash { cause, .. } if cause == "stack overflow"), "{overflow:?}");
    let oom = sup.run(&self_test("oom"));
    assert!(matches!(&oom, Outcome::Crash { cause, .. } if cause.starts_with("out of memory")), "{oom:?}");
    assert!(abort.is_failure() && overflow.is_failure() && oom.is_failure());
    assert_eq!(sup.run(&self_test("error")), Outcome::Error { text: "self-test error".into(), located: true });
    assert_eq!(sup.workers_started(), 4, "each crash replaced the worker");
}

#[test]
fn a_hang_is_a_timeout_and_the_worker_is_killed() {
    let mut sup = supervisor("hang", Duration::from_millis(1500));
    let started = Instant::now();
    let outcome = sup.run(&self_test("hang"));
    assert!(matches!(outcome, Outcome::Timeout(_)), "{outcome:?}");
    assert!(outcome.is_failure());
    assert!(started.elapsed() < Duration::from_secs(15), "the supervisor did not wait for the hang");
    assert_eq!(sup.run(&self_test("ok")), Outcome::Ok("self-test ok".into()));
    assert_eq!(sup.workers_started(), 2);
}

#[test]
fn a_corpus_expectation_turns_an_accepted_case_into_a_failure() {
    let mut sup = supervisor("expect", Duration::from_secs(20));
    let mut case = self_test("ok");
    case.expect = Expect::Error;
    assert!(matches!(sup.run(&case), Outcome::Unexpected { .. }));
    let mut case = self_test("error");
    case.expect = Expect::Error;
    case.expect_contains = vec!["self-test".into()];
    assert!(!sup.run(&case).is_failure());
    case.expect_contains = vec!["line 3".into()];
    assert!(matches!(sup.run(&case), Outcome::Unexpected { .. }));
}

#[test]
fn shrinking_keeps_only_what_the_failure_needs() {
    let mut sup = supervisor("shrink", Duration::from_secs(20));
    let generator =
        Generator::new(Bases::new(&default_root()), &[Target::Scenario], &[]).expect("the shipped seeds load");
    let mut case = self_test("panic\n\n# padding that the panic does not need\nmore padding\n");
    case.sets = vec!["a=1".into(), "b=2".into()];
    case.files.insert("unrelated.toml".into(), b"x = 1\n".to_vec());
    let signature = sup.run(&case).signature();
    let small = campaign::shrink(&mut sup, &generator, &case, &signature, Duration::from_secs(60));
    assert!(small.sets.is_empty(), "{:?}", small.sets);
    assert_eq!(small.files.keys().collect::<Vec<_>>(), ["action"]);
    assert_eq!(small.files["action"], b"panic");
    assert_eq!(sup.run(&small).signature(), signature);
}

#[test]
fn a_campaign_reports_each_distinct_failure_of_the_corpus_once() {
    let corpus = scratch("corpus");
    for (name, action) in [("a-panic", "panic"), ("b-panic-again", "panic"), ("c-fine", "ok"), ("d-abort", "abort")] {
        std::fs::write(corpus.join(format!("{name}.case")), self_test(action).encode()).unwrap();
    }
    let mut sup = supervisor("campaign", Duration::from_secs(20));
    let opts = Options {
        duration: None,
        cases: Some(0),
        seed: 1,
        targets: vec![Target::Scenario, Target::SelfTest],
        corpus: Some(corpus.clone()),
        crashes: scratch("crashes"),
        shrink: Duration::ZERO,
        jobs: 2,
    };
    let report = campaign::run(&opts, &mut sup, &default_root(), &mut |_| {}).unwrap();
    assert_eq!(report.cases, 4);
    let sigs: Vec<&String> = report.failures.keys().collect();
    assert_eq!(sigs.len(), 2, "{sigs:?}");
    let panic = report.failures.values().find(|f| matches!(f.outcome, Outcome::Panic { .. })).unwrap();
    assert_eq!(panic.count, 2);
    assert_eq!(panic.input, corpus.join("a-panic.case"));
}

#[test]
fn the_command_line_replays_a_case_and_fails_on_a_panic() {
    let dir = scratch("cli");
    let panic = dir.join("panic.case");
    std::fs::write(&panic, self_test("panic").encode()).unwrap();
    let fine = dir.join("fine.case");
    std::fs::write(&fine, self_test("ok").encode()).unwrap();
    let out = Command::new(EXE).arg("--replay").arg(&panic).arg(&fine).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL") && stdout.contains("self-test panic"), "{stdout}");
    assert!(stdout.contains("1 passed, 1 failed"), "{stdout}");
    let out = Command::new(EXE).arg("--replay").arg(&fine).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = Command::new(EXE).arg("--target").arg("nonsense").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "bad usage is exit code 2");
}

#[test]
fn a_short_campaign_on_the_real_readers_runs_the_same_cases_for_the_same_seed() {
    // Whatever the readers do with them (this test does not depend on their
    // bugs), the same seed gives the same cases, and the summary says so.
    let crashes = scratch("short-crashes");
    let run = || {
        Command::new(EXE)
            .args(["--cases", "12", "--seed", "5", "--target", "geojson", "--no-corpus", "--shrink-seconds", "0"])
            .arg("--crashes")
            .arg(&crashes)
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    let (sa, sb) = (String::from_utf8_lossy(&a.stdout), String::from_utf8_lossy(&b.stdout));
    assert!(sa.contains("12 cases"), "{sa}");
    // "N cases in T s (seed 5): error 10, ok 2; ..." without the time.
    let counts = |s: &str| s.split("(seed 5): ").nth(1).and_then(|x| x.split(';').next()).map(str::to_string);
    assert!(counts(&sa).is_some(), "{sa}");
    assert_eq!(counts(&sa), counts(&sb), "{sa}\n{sb}");
}

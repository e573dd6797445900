//! End-to-end tests of issue #10, items 3 and 4, through the binary: a
//! resumed job never uses a damaged, swapped or foreign batch and clears what
//! a killed job left; an output folder is written by one job at a time and,
//! once a job is done, holds that job's files and nothing of the previous one.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::Output;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir).into_iter().map(|f| (f.clone(), std::fs::read(dir.join(&f)).unwrap())).collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for f in files(from) {
        let target = to.join(&f);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&f), target).unwrap();
    }
}

/// An ensemble of 300 short runs (batches 0 and 1 full, batch 2 of 44 runs).
fn ensemble_args(dir: &Path, seed: &str) -> Vec<String> {
    ["ensemble", s(&example()), "--runs", "300", "--set", "scenario.ticks=30", "--seed", seed, "--out", s(dir), "-q"]
        .iter()
        .map(|a| a.to_string())
        .collect()
}

fn warnings(o: &Output) -> Vec<String> {
    stderr(o).lines().filter(|l| l.starts_with("warning:")).map(str::to_string).collect()
}

#[test]
fn regression_resume_recomputes_flipped_zeroed_swapped_copied_and_random_batches_to_identical_tables() {
    let (whole, other) = (tmp("whole"), tmp("other"));
    let o = output(bin().args(ensemble_args(&whole, "5")));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = output(bin().args(ensemble_args(&other, "6")));
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = tables(&whole);
    let batch = |dir: &Path, b: u32| dir.join(".runs").join(format!("batch-{b:06}.bin"));
    type Damage = fn(&Path, &Path);
    let damages: [(&str, Damage, &[u32]); 6] = [
        (
            "a flipped byte",
            |dir, _| {
                let p = dir.join(".runs/batch-000001.bin");
                let mut b = std::fs::read(&p).unwrap();
                b[1000] ^= 0x04;
                std::fs::write(p, b).unwrap();
            },
            &[1],
        ),
        (
            "a zeroed batch",
            |dir, _| {
                let p = dir.join(".runs/batch-000001.bin");
                let n = std::fs::metadata(&p).unwrap().len() as usize;
                std::fs::write(p, vec![0u8; n]).unwrap();
            },
            &[1],
        ),
        (
            "two swapped batches",
            |dir, _| {
                let (p0, p1) = (dir.join(".runs/batch-000000.bin"), dir.join(".runs/batch-000001.bin"));
                let (a, b) = (std::fs::read(&p0).unwrap(), std::fs::read(&p1).unwrap());
                std::fs::write(p0, b).unwrap();
                std::fs::write(p1, a).unwrap();
            },
            &[0, 1],
        ),
        (
            "a batch copied from another job",
            |dir, other| {
                std::fs::copy(other.join(".runs/batch-000001.bin"), dir.join(".runs/batch-000001.bin")).unwrap();
            },
            &[1],
        ),
        (
            "random bytes",
            |dir, _| {
                let p = dir.join(".runs/batch-000001.bin");
                let n = std::fs::metadata(&p).unwrap().len() as usize;
                let mut x = 0x9e37_79b9_7f4a_7c15u64;
                let bytes: Vec<u8> = (0..n)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x as u8
                    })
                    .collect();
                std::fs::write(p, bytes).unwrap();
            },
            &[1],
        ),
        (
            "a truncated last batch",
            |dir, _| {
                let p = dir.join(".runs/batch-000002.bin");
                let b = std::fs::read(&p).unwrap();
                std::fs::write(p, &b[..b.len() / 2]).unwrap();
            },
            &[2],
        ),
    ];
    for (what, damage, damaged) in damages {
        let dir = tmp("damaged");
        copy_tree(&whole, &dir);
        damage(&dir, &other);
        let o = output(bin().args(ensemble_args(&dir, "5")).arg("--resume"));
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        let w = warnings(&o);
        assert_eq!(w.len(), damaged.len(), "{what}: one warning per damaged batch: {w:?}");
        for (line, &b) in w.iter().zip(damaged) {
            assert!(line.contains(s(&batch(&dir, b))) && line.contains("recomputing"), "{what}: {line}");
        }
        assert!(tables(&dir) == reference, "{what}: the resumed tables differ from the uninterrupted job's");
        // What was recomputed is sound again: a second resume warns of nothing.
        let o = output(bin().args(ensemble_args(&dir, "5")).arg("--resume"));
        assert!(o.status.success() && warnings(&o).is_empty(), "{what}: {}", stderr(&o));
    }
}

#[test]
fn regression_a_killed_sweep_with_a_damaged_batch_resumes_to_an_identical_table() {
    let args = example_sweep_args;
    let (killed, whole) = (tmp("sweep-killed"), tmp("sweep-whole"));
    // Stopped after exactly two batches, as a kill after them would leave it.
    let o = output(bin().args(args(&killed)).args(["--stop-after-batches", "2"]));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(batch_files(&killed, "rows-"), ["rows-000000.bin", "rows-000001.bin"]);
    let p = killed.join(".runs/rows-000000.bin");
    let mut b = std::fs::read(&p).unwrap();
    b[3] ^= 0x10;
    std::fs::write(&p, b).unwrap();
    let o = output(bin().args(args(&killed)).arg("--resume"));
    assert!(o.status.success(), "{}", stderr(&o));
    let w = warnings(&o);
    assert!(w.len() == 1 && w[0].contains("rows-000000.bin"), "{w:?}");
    let o = output(bin().args(args(&whole)));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(killed.join("sweep.parquet")).unwrap(),
        std::fs::read(whole.join("sweep.parquet")).unwrap()
    );
}

#[test]
fn regression_resume_removes_the_temporary_files_of_a_job_killed_during_its_final_write() {
    let (whole, dir) = (tmp("final-whole"), tmp("final-killed"));
    let o = output(bin().args(ensemble_args(&whole, "5")));
    assert!(o.status.success(), "{}", stderr(&o));
    let finished = files(&whole);
    // The state a kill during the final write leaves: every batch done, no
    // manifest yet, half-written files under the write protocol's temporary
    // names (in the folder, its subfolders and .runs/, and in the staging
    // folder), and the lock file of the dead job.
    copy_tree(&whole, &dir);
    std::fs::remove_file(dir.join("manifest.json")).unwrap();
    let debris = [
        ".manifest.json.tmp-4000000000-7",
        ".control_probability.parquet.tmp-4000000000-3",
        "maps/.probability-isis-2014-06-01.svg.tmp-4000000000-5",
        "plots/.forces.svg.tmp-4000000000-6",
        ".runs/.batch-000002.bin.tmp-4000000000-2",
        ".frontline-staging/metrics.parquet",
        ".frontline-staging/.runs.parquet.tmp-4000000000-4",
    ];
    for f in debris {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"PAR1 half-written").unwrap();
    }
    std::fs::write(dir.join(".frontline.lock"), "pid 4000000000\n").unwrap();
    let o = output(bin().args(ensemble_args(&dir, "5")).arg("--resume"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("was left by process 4000000000") && stderr(&o).contains("taking it over"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(&dir), finished, "nothing but the finished job's files, no temporary file, no lock");
    assert!(tables(&dir) == tables(&whole));
}

/// Holds `dir`'s lock from this process, as a running job would.
fn hold_lock(dir: &Path) -> File {
    std::fs::create_dir_all(dir).unwrap();
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(".frontline.lock"))
        .unwrap();
    f.try_lock().expect("the folder is free");
    f.set_len(0).unwrap();
    writeln!(f, "pid {}", std::process::id()).unwrap();
    f
}

#[test]
fn regression_a_job_on_an_out_held_by_another_job_is_refused_and_changes_nothing() {
    // A finished run, then a second run and an ensemble while another job holds the folder.
    let dir = tmp("held");
    let o = run(&["run", s(&example()), "--seed", "1", "--out", s(&dir), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lock = hold_lock(&dir);
    let before = snapshot(&dir);
    let held_by = format!("in use by another Frontline job (process {})", std::process::id());
    let variant = variant("arm-tribes.toml").display().to_string();
    for args in [
        vec!["run", s(&example()), "--seed", "2", "--out", s(&dir), "-q"],
        vec!["ensemble", s(&example()), "--runs", "20", "--out", s(&dir), "-q"],
        vec!["compare", s(&example()), "--arm", &variant, "--runs", "4", "--out", s(&dir), "-q"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}: {}", args[0], stderr(&o));
        assert!(stderr(&o).contains(&held_by), "{}: {}", args[0], stderr(&o));
        assert!(snapshot(&dir) == before, "{}: a refused job must not touch the folder", args[0]);
    }
    // An ensemble on a fresh folder another job holds writes no runs either.
    let fresh = tmp("held-fresh");
    let fresh_lock = hold_lock(&fresh);
    let o = run(&["ensemble", s(&example()), "--runs", "20", "--out", s(&fresh), "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(files(&fresh), BTreeSet::from([".frontline.lock".to_string()]));
    drop(fresh_lock);
    // Released (the holder ended), the folder takes the job; the left lock
    // file is taken over with a note and gone afterwards.
    drop(lock);
    let o = run(&["run", s(&example()), "--seed", "2", "--out", s(&dir), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("taking it over"), "{}", stderr(&o));
    assert!(!dir.join(".frontline.lock").exists());
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["seed"], 2);
}

#[test]
fn regression_two_real_jobs_on_one_out_the_second_is_refused_while_the_first_runs() {
    let dir = tmp("two-jobs");
    let long: Vec<String> =
        ["ensemble", s(&example()), "--runs", "10000", "--set", "scenario.ticks=30", "--out", s(&dir), "-q"]
            .iter()
            .map(|a| a.to_string())
            .collect();
    // The first job holds after its first batch: it is running (and holds
    // the folder) for as long as the test needs, and is killed at the end.
    let mut first = Running::start(bin().args(&long).args(["--hold-after-batches", "1"]));
    wait_for_batches(&mut first, &dir, "batch-", 1);
    let held_by = format!("process {}", first.0.id());
    let second = run(&["ensemble", s(&example()), "--runs", "20", "--seed", "9", "--out", s(&dir), "-q"]);
    let third = run(&["run", s(&example()), "--out", s(&dir), "-q"]);
    let still_running = first.is_running();
    first.kill();
    assert!(still_running, "the first job must still hold the folder when the others try");
    for (o, what) in [(second, "ensemble"), (third, "run")] {
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("in use by another Frontline job") && stderr(&o).contains(&held_by),
            "{what}: {}",
            stderr(&o)
        );
    }
    assert!(!dir.join("manifest.json").exists(), "nobody finished, nobody wrote a manifest");
}

#[test]
fn regression_run_replacing_an_old_output_leaves_none_of_the_old_files() {
    let dir = tmp("replace");
    // The old run: CSV tables, maps on two dates, a report with its plots.
    let o = run(&[
        "run",
        s(&example()),
        "--format",
        "csv",
        "--map-date",
        "2014-06-01",
        "--map-date",
        "2014-09-01",
        "--out",
        s(&dir),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let old = files(&dir);
    assert!(
        old.iter().any(|f| f.ends_with(".csv"))
            && old.contains("report.html")
            && old.iter().any(|f| f.starts_with("plots/"))
    );
    std::fs::write(dir.join("notes.md"), "my notes").unwrap();
    // The new run: Parquet, no maps, no report.
    let o = run(&["run", s(&example()), "--no-maps", "--no-report", "--out", s(&dir), "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut expected: BTreeSet<String> =
        m["tables"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    expected.insert("manifest.json".into());
    expected.insert("notes.md".into());
    assert_eq!(files(&dir), expected, "exactly the new run's files (and the user's note, which is not Frontline's)");
    // view.json is the viewer's dataset and drivers.json what `frontline explain` reads, which every run writes.
    assert!(
        expected.iter().all(|f| f.ends_with(".parquet")
            || ["manifest.json", "notes.md", "view.json", "drivers.json"].contains(&f.as_str()))
    );
    assert_eq!(std::fs::read_to_string(dir.join("notes.md")).unwrap(), "my notes");
    assert!(!dir.join("maps").exists() && !dir.join("plots").exists());
}

#[test]
fn regression_a_job_refuses_an_out_that_is_not_a_frontline_output_and_touches_nothing() {
    let dir = tmp("foreign");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("thesis.tex"), "mine").unwrap();
    std::fs::write(dir.join("control.csv"), "mine too").unwrap();
    let before = snapshot(&dir);
    for args in [
        vec!["run", s(&example()), "--out", s(&dir), "-q"],
        vec!["ensemble", s(&example()), "--runs", "20", "--out", s(&dir), "-q"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}: {}", args[0], stderr(&o));
        assert!(stderr(&o).contains("is not a Frontline output folder"), "{}", stderr(&o));
        assert!(snapshot(&dir) == before, "{}: nothing added, nothing removed", args[0]);
    }
}

#[test]
fn regression_a_run_does_not_destroy_the_runs_of_an_ensemble_in_its_out() {
    let dir = tmp("ensemble-then-run");
    let o = output(bin().args(ensemble_args(&dir, "5")));
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&dir);
    let o = run(&["run", s(&example()), "--out", s(&dir), "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(".runs/"), "{}", stderr(&o));
    assert!(snapshot(&dir) == before);
}

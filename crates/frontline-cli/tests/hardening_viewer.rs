//! `frontline serve` reads an output folder alone (its manifest and the
//! dataset `view.json` beside it) and checks what it reads before it
//! allocates for it (issue #10, item 5; issue #9, item 3): a manifest
//! claiming other runs than its dataset holds, a missing or damaged dataset,
//! a manifest that is not a regular file or not a number where one belongs
//! are refused with exit 2; a valid ensemble is still served, also after
//! its folder is moved away from its scenario and its `.runs/`; a civil
//! violence run is served.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

/// Longer than any refusal takes; a server that starts instead is killed.
const SERVE_PATIENCE: Duration = Duration::from_secs(60);

/// An ensemble of 130 runs (two batches) of the example in a fresh folder
/// (which lasts as long as the returned path).
fn ensemble(name: &str) -> TestPath {
    let out = tmp(name).into_child("ens");
    let o = output(
        bin()
            .args(["ensemble", example().to_str().unwrap(), "--runs", "130", "--seed", "3", "-q", "--no-report"])
            .arg("--out")
            .arg(&out),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn edit_manifest(dir: &Path, key: &str, value: serde_json::Value) {
    let file = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    m[key] = value;
    std::fs::write(&file, m.to_string()).unwrap();
}

/// Runs `frontline serve DIR --port 0`, which must exit within
/// [`SERVE_PATIENCE`] (a server that starts instead is killed and fails the
/// test); returns its status and stderr.
fn serve_must_refuse(dir: &Path) -> (ExitStatus, String) {
    let o = run_within(bin().args(["serve", dir.to_str().unwrap(), "--port", "0"]), SERVE_PATIENCE);
    (o.status, stderr(&o))
}

#[test]
fn regression_serve_of_a_manifest_claiming_10_12_runs_is_refused_before_allocating() {
    let dir = ensemble("trillion");
    edit_manifest(&dir, "runs", serde_json::json!(1_000_000_000_000u64));
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("claims 1000000000000 runs"), "{stderr}");
    assert!(stderr.contains("holds an ensemble of 130"), "{stderr}");
    assert!(stderr.contains("rerun the command with a current frontline"), "{stderr}");
}

#[test]
fn serve_refuses_an_ensemble_whose_dataset_is_missing_or_damaged() {
    let dir = ensemble("damaged");
    let view = dir.join("view.json");
    std::fs::File::options().write(true).open(&view).unwrap().set_len(100).unwrap();
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("view.json: not a dataset this viewer can draw"), "{stderr}");
    assert!(stderr.contains("line 1 column 100"), "{stderr}");
    std::fs::remove_file(&view).unwrap();
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read") && stderr.contains("view.json"), "{stderr}");
    assert!(stderr.contains("rerun the command with a current frontline"), "{stderr}");
}

#[test]
fn serve_refuses_runs_that_are_not_a_count() {
    let dir = ensemble("not-a-count");
    for bad in [serde_json::json!("many"), serde_json::json!(-1), serde_json::json!(0)] {
        edit_manifest(&dir, "runs", bad.clone());
        let (status, stderr) = serve_must_refuse(&dir);
        assert_eq!(status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("`runs` is"), "{bad}: {stderr}");
    }
}

#[test]
fn serve_refuses_a_manifest_that_is_not_a_regular_file() {
    let dir = tmp("fifo");
    let made = Command::new("mkfifo").arg(dir.join("manifest.json")).status();
    if !made.is_ok_and(|s| s.success()) {
        // No mkfifo here: a directory stands for any non-regular file.
        std::fs::create_dir(dir.join("manifest.json")).unwrap();
    }
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// Serves `dir` (from `cwd`) and returns its `/data.json`.
fn served_data(dir: &Path, cwd: &Path) -> serde_json::Value {
    // Killed when the test ends, however it ends.
    let mut server = Running(
        bin()
            .current_dir(cwd)
            .args(["serve", dir.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("the address is printed");
    let authority = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(authority).unwrap();
    s.set_read_timeout(Some(SERVE_PATIENCE)).unwrap();
    s.write_all(format!("GET /data.json HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").as_bytes())
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    serde_json::from_str(body).unwrap()
}

#[test]
fn a_valid_ensemble_is_still_served() {
    let dir = ensemble("valid");
    let data = served_data(&dir, &root());
    assert_eq!(data["kind"], "ensemble");
    assert_eq!(data["subtitle"], "ensemble of 130 runs");
}

#[test]
fn a_moved_ensemble_is_served_without_its_scenario_or_batches() {
    let dir = ensemble("moved");
    let before = served_data(&dir, &root());
    let elsewhere = tmp("moved-elsewhere");
    let moved = elsewhere.path().join("ens");
    std::fs::rename(&dir, &moved).unwrap();
    std::fs::remove_dir_all(moved.join(".runs")).unwrap();
    // From a folder where the manifest's scenario path names nothing.
    assert_eq!(served_data(&moved, elsewhere.path()), before);
}

#[test]
fn regression_serve_refuses_a_malformed_manifest_with_a_clear_message() {
    let dir = ensemble("malformed");
    let file = dir.join("manifest.json");
    std::fs::write(&file, "{\"frontline_version\": \"0.1.0\", \"command\":").unwrap();
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("manifest.json: not valid JSON"), "{stderr}");

    let dir = ensemble("wrong-variants");
    edit_manifest(&dir, "variants", serde_json::json!("arm.toml"));
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a manifest this version of Frontline can read"), "{stderr}");
    assert!(stderr.contains("rerun the job that wrote it"), "{stderr}");

    let dir = ensemble("no-hash");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("scenario_hash");
    std::fs::write(dir.join("manifest.json"), m.to_string()).unwrap();
    let (status, stderr) = serve_must_refuse(&dir);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no `scenario_hash`"), "{stderr}");
}

#[test]
fn serve_shows_a_civil_violence_run_and_ensemble() {
    let out = tmp("civil-serve");
    let run = out.path().join("run");
    let o = output(
        bin()
            .args(["run", civil_example().to_str().unwrap(), "-q", "--set", "output.snapshot_every=100"])
            .arg("--out")
            .arg(&run),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let data = served_data(&run, &root());
    assert_eq!(data["kind"], "civil-run");
    assert_eq!(data["snapshots"].as_array().map(Vec::len), Some(11));
    let ens = out.path().join("ens");
    let o =
        output(bin().args(["ensemble", civil_example().to_str().unwrap(), "-q", "--runs", "3"]).arg("--out").arg(&ens));
    assert!(o.status.success(), "{}", stderr(&o));
    let data = served_data(&ens, &root());
    assert_eq!(data["kind"], "civil-ensemble");
    assert_eq!(data["steps"].as_array().map(Vec::len), Some(1001));
}

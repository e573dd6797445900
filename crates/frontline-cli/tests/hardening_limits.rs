//! Resource limits and unreadable input, end to end through the `frontline`
//! binary (issue #10, items 1, 2, 5 and 6): includes that are devices, pipes
//! or huge files, invalid UTF-8, an over-long dotted key, a map coordinate
//! out of range, runs that would not fit in memory, and the did-you-mean
//! search on a huge name. Every case must end in a located error and exit 2,
//! quickly and without reading or allocating without bound.

mod common;

use common::*;
use frontline_scenario::limits::{MEMORY_LIMIT_ENV, run_memory};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn validate(args: &[&str]) -> (i32, String) {
    let mut c = bin();
    c.arg("validate").args(args);
    let o = run_within(&mut c, Duration::from_secs(60));
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// The example with `head` put before its text (e.g. an include line).
fn example_with_head(dir: &Path, name: &str, head: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{head}{}", std::fs::read_to_string(example()).unwrap())).unwrap();
    path
}

#[test]
fn regression_include_of_dev_zero_is_refused_not_read() {
    let d = tmp("zero");
    let f = example_with_head(&d, "s.toml", "include = [\"/dev/zero\"]\n");
    let (code, err) = validate(&[s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot read `/dev/zero`: it is a character device, not a regular file"), "{err}");
    assert!(err.contains("s.toml:1:12"), "{err}");
    // The scenario itself as a device is refused the same way.
    let (code, err) = validate(&["/dev/zero"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("character device"), "{err}");
}

#[test]
fn regression_fifo_include_or_variant_is_refused_without_blocking() {
    let d = tmp("fifo");
    let fifo = d.join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let f = example_with_head(&d, "s.toml", "include = [\"pipe.toml\"]\n");
    let (code, err) = validate(&[s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is a named pipe (FIFO), not a regular file"), "{err}");
    assert!(err.contains("s.toml:1:12"), "{err}");
    let (code, err) = validate(&[s(&example()), "--variant", s(&fifo)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("named pipe"), "{err}");
}

#[test]
fn regression_a_2_gib_include_is_refused_by_its_size() {
    let d = tmp("huge");
    // A sparse file: 2 GiB long, no disk used.
    std::fs::File::create(d.join("big.toml")).unwrap().set_len(2 << 30).unwrap();
    let f = example_with_head(&d, "s.toml", "include = [\"big.toml\"]\n");
    let (code, err) = validate(&[s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is 2.0 GiB (2147483648 bytes), over the limit of 64.0 MiB"), "{err}");
    assert!(err.contains("s.toml:1:12"), "{err}");
}

#[test]
fn includes_are_bounded_in_depth_and_in_files_read() {
    // A chain of 40 files, each including the next.
    let d = tmp("chain");
    for i in 0..40 {
        std::fs::write(d.join(format!("f{i}.toml")), format!("include = [\"f{}.toml\"]\n", i + 1)).unwrap();
    }
    std::fs::write(d.join("f40.toml"), "").unwrap();
    let (code, err) = validate(&[s(&d.join("f0.toml"))]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("includes nest more than 32 deep").count(), 1, "{err}");
    // A diamond: each of 12 levels includes the next twice (4096 reads).
    let d = tmp("diamond");
    for i in 0..12 {
        let next = format!("\"g{}.toml\"", i + 1);
        std::fs::write(d.join(format!("g{i}.toml")), format!("include = [{next}, {next}]\n")).unwrap();
    }
    std::fs::write(d.join("g12.toml"), "").unwrap();
    let (code, err) = validate(&[s(&d.join("g0.toml"))]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("this scenario already read 256 files").count(), 1, "reported once: {err}");
}

#[test]
fn regression_invalid_utf8_is_located_in_scenario_include_and_variant() {
    let d = tmp("utf8");
    let bad = b"[regions.city]\nname = \"Caf\xe9\"\n";
    std::fs::write(d.join("bad.toml"), bad).unwrap();
    // In an include and as a variant: the bad file, its line and column.
    let f = example_with_head(&d, "s.toml", "include = [\"bad.toml\"]\n");
    let (bad_file, base) = (d.join("bad.toml"), example());
    for args in [vec![s(&f)], vec![s(&base), "--variant", s(&bad_file)]] {
        let (code, err) = validate(&args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is not valid UTF-8: byte 0xE9 at line 2, column 12"), "{err}");
        assert!(err.contains("bad.toml:2:12"), "{err}");
        assert!(!err.contains("stream did not contain valid UTF-8"), "{err}");
        assert!(!err.contains("check the path"), "misleading hint: {err}");
    }
    // In the scenario itself.
    let mut text = std::fs::read(example()).unwrap();
    let at = text.windows(7).position(|w| w == b"Capital").unwrap();
    text[at + 1] = 0xFF;
    let base = d.join("base.toml");
    std::fs::write(&base, &text).unwrap();
    let (code, err) = validate(&[s(&base)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("base.toml:") && err.contains("byte 0xFF"), "{err}");
}

#[test]
fn regression_a_dotted_key_of_100_parts_is_located_at_the_key() {
    let d = tmp("dotted");
    let key = vec!["a"; 100].join(".");
    let f = example_with_head(&d, "s.toml", &format!("# a comment\n{key} = 1\n"));
    let (code, err) = validate(&[s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this dotted key has 100 parts"), "{err}");
    assert!(err.contains("s.toml:2:1"), "{err}");
    assert!(!err.contains(":1:1"), "{err}");
    // The same through --set.
    let (code, err) = validate(&[s(&example()), "--set", &format!("{key}=1")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this dotted key has 100 parts") && err.contains("--set #1:1:1"), "{err}");
}

#[test]
fn regression_a_huge_geojson_coordinate_is_refused_not_drawn_as_nan() {
    let d = tmp("geo");
    let src = iraq_dir();
    for f in ["scenario.toml", "regions.toml", "syria.toml"] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    std::fs::create_dir_all(d.join("data")).unwrap();
    let map = std::fs::read_to_string(src.join("data/iraq-adm2-districts.geojson")).unwrap();
    // Replace the first longitude of the first ring with 1e308.
    let at = map.find("[[[").expect("a ring") + 3;
    let end = at + map[at..].find(',').unwrap();
    let broken = format!("{}1e308{}", &map[..at], &map[end..]);
    std::fs::write(d.join("data/iraq-adm2-districts.geojson"), broken).unwrap();
    let (code, err) = validate(&[s(&d.join("scenario.toml"))]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("longitude 1e308 is outside -180..180"), "{err}");
    assert!(err.contains("ring #0, position #0"), "{err}");
    // A directory named as the map is refused as not a regular file.
    std::fs::remove_file(d.join("data/iraq-adm2-districts.geojson")).unwrap();
    std::fs::create_dir(d.join("data/iraq-adm2-districts.geojson")).unwrap();
    let (code, err) = validate(&[s(&d.join("scenario.toml"))]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("it is a directory, not a regular file"), "{err}");
}

#[test]
fn regression_iraq_at_100000_ticks_is_refused_by_validate_with_the_estimate() {
    let long = ["--set", "scenario.tick_days=1", "--set", "scenario.end=2288-01-01"];
    let scenario = iraq();
    let mut args = vec![s(&scenario)];
    args.extend(long);
    let (code, err) = validate(&args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a run of 99925 ticks would need about"), "{err}");
    assert!(err.contains("over the memory budget of 8.0 GiB"), "{err}");
    assert!(err.contains("shorten the run to at most"), "{err}");
    assert!(err.contains(&format!("{MEMORY_LIMIT_ENV}=")), "{err}");
    assert!(err.contains("--set #2:1:16"), "located at `end`: {err}");
    // A user with the memory raises the budget; then it validates.
    let mut c = bin();
    c.env(MEMORY_LIMIT_ENV, "unlimited").arg("validate").args(&args);
    let o = run_within(&mut c, Duration::from_secs(60));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn regression_a_memory_limit_that_is_not_a_size_is_an_error() {
    let mut c = bin();
    c.env(MEMORY_LIMIT_ENV, "lots").arg("validate").arg(example());
    let o = run_within(&mut c, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("FRONTLINE_MEMORY_LIMIT=`lots` is not a size"), "{err}");
    // A budget below what the example needs refuses it; the shipped
    // scenarios fit in the default budget (the other tests run them).
    let mut c = bin();
    c.env(MEMORY_LIMIT_ENV, "64K").arg("validate").arg(example());
    let o = run_within(&mut c, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("over the memory budget of 64.0 KiB"), "{err}");
}

#[test]
fn regression_a_65536_by_65535_civil_grid_is_refused_by_validate() {
    let cv = civil_example();
    let (code, err) = validate(&[s(&cv), "--set", "parameters.width=65536", "--set", "parameters.height=65535"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("on a 65536×65535 grid would need about"), "{err}");
    assert!(err.contains("over the memory budget of 8.0 GiB"), "{err}");
    assert!(err.contains("--set #1:1:20"), "located at the width: {err}");
    // Snapshots of every step of a large grid are refused at snapshot_every.
    let (code, err) = validate(&[
        s(&cv),
        "--set",
        "parameters.width=2000",
        "--set",
        "parameters.height=2000",
        "--set",
        "output.snapshot_every=1",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("take fewer snapshots"), "{err}");
}

#[test]
fn regression_20000_regions_are_refused_before_the_pair_matrices_are_built() {
    let d = tmp("regions");
    let mut text =
        String::from("[scenario]\nname = \"many\"\nstart = 2014-06-01\nticks = 10\n\n[identities.a]\n\n[actors.g]\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "\n[regions.r{i}]\nterrain = \"rural\"\nposition = [{}, {}]\npopulation = {{ a = 100 }}\n",
            f64::from(i % 300) * 0.01,
            f64::from(i / 300) * 0.01
        ));
    }
    let f = d.join("many.toml");
    std::fs::write(&f, text).unwrap();
    // Building the matrices would take 10.4 GiB (20,000² pairs × 28 bytes);
    // refusing first takes well under that and a few seconds.
    let (code, err) = validate(&[s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("20000 regions need 10.4 GiB for the distances and paths"), "{err}");
    assert!(err.contains("many.toml:10:10"), "located at the first region: {err}");
}

#[test]
fn regression_a_4_mb_unknown_name_is_reported_quickly() {
    let d = tmp("name");
    let text = std::fs::read_to_string(example()).unwrap();
    let huge = "x".repeat(4 << 20);
    let f = d.join("s.toml");
    std::fs::write(&f, text.replacen("terrain = \"urban\"", &format!("terrain = \"{huge}\""), 1)).unwrap();
    let start = Instant::now();
    let (code, err) = validate(&[s(&f)]);
    // The quadratic did-you-mean search took 40 s in a debug build.
    assert!(start.elapsed() < Duration::from_secs(15), "{:?}", start.elapsed());
    assert_eq!(code, 2);
    assert!(err.contains("valid: urban, rural, desert, mountain"), "{}", &err[err.len().saturating_sub(400)..]);
}

#[test]
fn the_run_estimate_counts_exactly_the_engines_trajectory_buffers() {
    // The estimate restates the layout of `Trajectory::with_capacity`; if the
    // engine records more (or less), this test fails and the estimate must follow.
    let loaded =
        frontline_scenario::load(&example(), &Default::default()).unwrap_or_else(|e| panic!("{}", e.render(false)));
    let m = &loaded.model;
    let t = frontline_engine::simulate(m, 1);
    let bytes = |cap: usize, size: usize| (cap * size) as u64;
    let recorded = bytes(t.days.capacity(), 4)
        + bytes(t.control.capacity(), 4)
        + bytes(t.contested.capacity(), 1)
        + bytes(t.personnel.capacity(), 8)
        + bytes(t.equipment.capacity(), 8)
        + bytes(t.morale.capacity(), 8)
        + bytes(t.quality.capacity(), 8)
        + bytes(t.grievance.capacity(), 8)
        + bytes(t.support.capacity(), 8)
        + bytes(t.population.capacity(), 8)
        + bytes(t.money.capacity(), 8)
        + bytes(t.weapons.capacity(), 8)
        + bytes(t.threat.capacity(), 8)
        + bytes(t.income.capacity(), 8)
        + bytes(t.trainees.capacity(), 8)
        + bytes(t.manpower.capacity(), 8)
        + bytes(t.hidden.capacity(), 8);
    let need = run_memory(m);
    assert_eq!(need.trajectory, recorded);
    // The tables hold every snapshot row: at least the numbers the trajectory holds.
    assert!(need.tables > need.trajectory, "{need:?}");
    assert_eq!(need.pair_matrices, (m.regions.len() * m.regions.len() * 28) as u64);
}

#[test]
fn regression_a_fifo_as_history_is_refused_without_blocking() {
    // The --history CSV is read within the same limits as scenario files.
    let d = tmp("history-fifo");
    let fifo = d.join("history.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs").success());
    let mut c = bin();
    c.args(["backtest", s(&iraq()), "--history", s(&fifo), "--runs", "2", "--out"]).arg(d.join("out"));
    let o = run_within(&mut c, Duration::from_secs(60));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("named pipe (FIFO), not a regular file"), "{err}");
    assert!(!d.join("out").exists(), "nothing is written: {err}");
}

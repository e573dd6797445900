//! End-to-end tests through the `frontline` binary: runs, output files,
//! determinism, and the errors an analyst sees for bad input.

mod common;

use common::*;
use std::path::Path;

#[test]
fn run_writes_every_table_and_a_manifest() {
    let out = tmp("run");
    let o = run(&["run", example().to_str().unwrap(), "--seed", "7", "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("Control changes"), "{stdout}");
    assert!(stdout.contains("Final control"));
    for t in ["control", "forces", "attitudes", "actors", "events"] {
        assert!(out.join(format!("{t}.parquet")).is_file(), "{t} missing");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    assert!(manifest["scenario_hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(manifest["frontline_version"], env!("CARGO_PKG_VERSION"));
    // No temporary files are left behind.
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp"), "leftover {name}");
    }
}

#[test]
fn run_draws_maps_of_control_on_the_first_and_last_dates_or_on_chosen_ones() {
    let out = tmp("maps");
    let o = run(&["run", example().to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", text(&o).1);
    let maps = out.join("maps");
    let mut names: Vec<String> =
        std::fs::read_dir(&maps).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "control-2014-06-01.geojson",
            "control-2014-06-01.png",
            "control-2014-06-01.svg",
            "control-2015-05-31.geojson",
            "control-2015-05-31.png",
            "control-2015-05-31.svg"
        ]
    );
    let svg = std::fs::read_to_string(maps.join("control-2014-06-01.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("Vicious circle") && svg.contains("Government"));
    let geo: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(maps.join("control-2014-06-01.geojson")).unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let capital = geo["features"].as_array().unwrap().iter().find(|f| f["properties"]["region"] == "capital").unwrap();
    assert_eq!(capital["properties"]["controller"], "gov");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest.to_string().contains("maps/control-2015-05-31.svg"), "the manifest lists the maps");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Control changes"));
    assert!(manifest.to_string().contains("report.html"));
    for plot in ["regions_held", "fighters", "threat", "grievance"] {
        let svg = std::fs::read_to_string(out.join(format!("plots/{plot}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path"), "{plot}");
    }

    // A chosen date maps the last tick on or before it; --no-maps draws none.
    let out = tmp("maps-date");
    let o =
        run(&["run", example().to_str().unwrap(), "--out", out.to_str().unwrap(), "--map-date", "2014-12-03", "-q"]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(out.join("maps/control-2014-11-30.svg").is_file());
    assert!(out.join("maps/control-2014-11-30.png").is_file(), "a PNG beside the SVG");
    // The chosen date's SVG, its PNG and its GeoJSON, and nothing else.
    assert_eq!(std::fs::read_dir(out.join("maps")).unwrap().count(), 3);
    let out = tmp("no-maps");
    let o =
        run(&["run", example().to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-maps", "--no-report", "-q"]);
    assert!(o.status.success());
    assert!(!out.join("maps").exists() && !out.join("report.html").exists() && !out.join("plots").exists());
}

#[test]
fn bad_input_17_map_dates_outside_the_scenario_or_malformed() {
    for (date, msg) in [
        ("2013-01-01", "--map-date 2013-01-01 is outside the scenario (2014-06-01 to 2015-05-31)"),
        ("31/05/2015", "--map-date `31/05/2015` is not a date; write it as YYYY-MM-DD"),
    ] {
        let out = tmp("bad-map-date");
        let o = run(&["run", example().to_str().unwrap(), "--out", out.to_str().unwrap(), "--map-date", date]);
        assert_eq!(o.status.code(), Some(2));
        assert!(text(&o).1.contains(msg), "{}", text(&o).1);
        let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
        assert_eq!(written, 0, "nothing is written for a bad date");
    }
}

#[test]
fn parquet_tables_have_dates_and_the_right_rows() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let out = tmp("pq");
    assert!(run(&["run", example().to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]).status.success());
    let r = SerializedFileReader::new(std::fs::File::open(out.join("control.parquet")).unwrap()).unwrap();
    let meta = r.metadata();
    // 53 snapshots (52 weekly ticks + the start) × 6 regions.
    assert_eq!(meta.file_metadata().num_rows(), 53 * 6);
    let schema = meta.file_metadata().schema_descr();
    let date = schema.columns().iter().find(|c| c.name() == "date").unwrap();
    // A timestamp at midnight without a time zone (pandas loads a Parquet DATE as objects).
    let midnight = parquet::basic::LogicalType::timestamp(false, parquet::basic::TimeUnit::MILLIS);
    assert_eq!(date.logical_type_ref(), Some(&midnight));
}

fn tables_bytes(dir: &Path, ext: &str) -> Vec<Vec<u8>> {
    ["control", "forces", "attitudes", "actors", "events"]
        .iter()
        .map(|t| std::fs::read(dir.join(format!("{t}.{ext}"))).unwrap())
        .collect()
}

#[test]
fn same_seed_gives_byte_identical_tables() {
    let (a, b, c) = (tmp("det-a"), tmp("det-b"), tmp("det-c"));
    for (dir, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
        assert!(
            run(&["run", example().to_str().unwrap(), "--seed", seed, "--out", dir.to_str().unwrap(), "-q"])
                .status
                .success()
        );
    }
    assert_eq!(tables_bytes(&a, "parquet"), tables_bytes(&b, "parquet"));
    assert_ne!(tables_bytes(&a, "parquet"), tables_bytes(&c, "parquet"));
}

#[test]
fn csv_format_writes_csv_with_headers() {
    let out = tmp("csv");
    assert!(
        run(&["run", example().to_str().unwrap(), "--format", "csv", "--out", out.to_str().unwrap(), "-q"])
            .status
            .success()
    );
    let control = std::fs::read_to_string(out.join("control.csv")).unwrap();
    assert!(control.starts_with("tick,date,region,region_name,controller,contested\n"), "{}", &control[..80]);
    assert!(control.contains("2014-06-01"));
}

#[test]
fn variants_and_sets_change_the_run_and_are_recorded() {
    let out = tmp("variant");
    let v = variant("arm-tribes.toml");
    let o = run(&[
        "run",
        example().to_str().unwrap(),
        "--variant",
        v.to_str().unwrap(),
        "--set",
        "parameters.patron_funding.value=3",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["variants"][0]["path"].as_str().unwrap().ends_with("arm-tribes.toml"));
    assert_eq!(manifest["sets"][0], "parameters.patron_funding.value=3");
    assert_eq!(manifest["parameters"]["distrust"], 0.1);
}

#[test]
fn validate_accepts_the_example_and_every_variant() {
    let o = run(&["validate", example().to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.contains("valid"));
    for v in std::fs::read_dir(root().join("examples/variants")).unwrap() {
        let v = v.unwrap().path();
        let o = run(&["validate", example().to_str().unwrap(), "--variant", v.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", v.display(), text(&o).1);
    }
}

#[test]
fn schema_is_json_and_describes_the_format() {
    let o = run(&["schema"]);
    assert!(o.status.success());
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["title"], "Frontline scenario");
    assert!(
        s["properties"]["regions"]["additionalProperties"]["properties"]["terrain"]["enum"].as_array().unwrap().len()
            == 4
    );
    assert!(s["properties"]["constants"]["properties"]["combat"]["properties"]["lethality"]["default"].is_number());
    assert!(s["properties"]["mechanisms"]["properties"]["rout"].is_object());
}

#[test]
fn help_has_examples() {
    let (stdout, _) = text(&run(&["--help"]));
    assert!(stdout.contains("Examples:"));
    let (stdout, _) = text(&run(&["run", "--help"]));
    assert!(stdout.contains("--variant") && stdout.contains("--set") && stdout.contains("--format"));
}

/// The name of a broken scenario file, which keeps the scratch folder it is
/// in (shared by its clones) until the last clone is dropped.
#[derive(Clone)]
struct BrokenFile {
    name: String,
    _dir: std::rc::Rc<TestDir>,
}

impl std::ops::Deref for BrokenFile {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Display for BrokenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// Writes the example with `from` replaced by `to` and validates/runs it;
/// returns (exit code, stderr, the file name).
fn broken(case: &str, from: &str, to: &str) -> (i32, String, BrokenFile) {
    let src = std::fs::read_to_string(example()).unwrap();
    assert!(src.contains(from), "test setup: `{from}` not in the example");
    let dir = tmp(case);
    let file = dir.join("broken.toml");
    std::fs::write(&file, src.replacen(from, to, 1)).unwrap();
    let out = dir.join("out");
    let o = run(&["run", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!out.exists(), "{case}: no output may be written for invalid input");
    let file = BrokenFile { name: file.display().to_string(), _dir: std::rc::Rc::new(dir) };
    (o.status.code().unwrap_or(-1), text(&o).1, file)
}

/// Line (1-based) of the first occurrence of `needle` in the broken file.
fn line_of(file: &str, needle: &str) -> usize {
    let s = std::fs::read_to_string(file).unwrap();
    s.lines().position(|l| l.contains(needle)).expect("needle present") + 1
}

fn assert_error(
    case: &str,
    (code, stderr, file): (i32, String, BrokenFile),
    needle_line: &str,
    message: &str,
    hint: Option<&str>,
) {
    assert_eq!(code, 2, "{case}: exit code\n{stderr}");
    let line = line_of(&file, needle_line);
    assert!(stderr.contains(&format!("{file}:{line}:")), "{case}: expected {file}:{line}: in\n{stderr}");
    assert!(stderr.contains(message), "{case}: expected `{message}` in\n{stderr}");
    if let Some(h) = hint {
        assert!(stderr.contains(h), "{case}: expected hint `{h}` in\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{case}: panic\n{stderr}");
}

#[test]
fn bad_input_1_unknown_key_with_suggestion() {
    let r = broken("unknown-key", "terrain = \"urban\"\nvalue = 10", "terain = \"urban\"\nvalue = 10");
    assert_error("unknown key", r, "terain", "unknown key `terain` in a region", Some("did you mean `terrain`?"));
}

#[test]
fn bad_input_2_wrong_type() {
    let r = broken("wrong-type", "ticks = 52", "ticks = \"52\"");
    assert_error(
        "wrong type",
        r,
        "ticks = \"52\"",
        "wrong type: found a string",
        Some("expected: a non-negative integer"),
    );
}

#[test]
fn bad_input_3_dangling_actor_id() {
    let r = broken("dangling2", "control = \"gov\"", "control = \"gvo\"");
    assert_error("dangling id", r, "control = \"gvo\"", "unknown actor `gvo`", Some("did you mean `gov`?"));
}

#[test]
fn bad_input_4_negative_population() {
    let r = broken("negative-pop", "population = { minority = 250000 }", "population = { minority = -250000 }");
    assert_error(
        "negative population",
        r,
        "minority = -250000",
        "population of `minority` in `city` is -250000, out of range",
        Some("expected: a value ≥ 0"),
    );
}

#[test]
fn bad_input_5_probability_outside_unit_interval() {
    let r = broken("grievance", "grievance = { minority = 0.45 }", "grievance = { minority = 1.45 }");
    assert_error(
        "grievance > 1",
        r,
        "minority = 1.45",
        "grievance of `minority` in `city` is 1.45, out of range",
        Some("in [0, 1]"),
    );
}

#[test]
fn bad_input_6_shares_not_summing_to_one() {
    let r = broken(
        "shares",
        "population = { minority = 250000 }",
        "total_population = 250000\ncomposition = { minority = 0.7, majority = 0.2 }",
    );
    assert_error(
        "shares",
        r,
        "composition =",
        "composition shares of `city` sum to 0.8999999999999999",
        Some("expected: shares that sum to 1"),
    );
}

#[test]
fn bad_input_7_rule_condition_unknown_function_points_inside_the_string() {
    let r = broken("rule-fn", "when = \"threat(gov) > 0.12\"", "when = \"thraet(gov) > 0.12\"");
    let (code, stderr, file) = r.clone();
    assert_error("rule function", r, "thraet", "unknown function `thraet`", Some("did you mean `threat`?"));
    let line = line_of(&file, "thraet");
    // Column 9 is where `thraet` starts: `when = "` is 8 characters.
    assert!(stderr.contains(&format!("{file}:{line}:9\n")), "{stderr}");
    assert_eq!(code, 2);
}

#[test]
fn bad_input_8_rule_condition_type_error() {
    let r = broken("rule-type", "when = \"threat(gov) > 0.12\"", "when = \"threat(gov) + 0.12\"");
    assert_error(
        "rule type",
        r,
        "threat(gov) + 0.12",
        "type error: this is a number expression",
        Some("expected: a boolean expression"),
    );
}

#[test]
fn bad_input_9_toml_syntax_error() {
    let r = broken("syntax", "name = \"Capital\"", "name = \"Capital");
    assert_error("syntax", r, "name = \"Capital", "TOML syntax error", None);
}

#[test]
fn bad_input_10_missing_required_key_and_impossible_date() {
    let r = broken("missing", "start = 2014-06-01\n", "start = 2014-02-30\n");
    assert_error("bad date", r, "start = 2014-02-30", "TOML syntax error", None);
    let r = broken("missing2", "[forces.militia]\nactor = \"militias\"\n", "[forces.militia]\n");
    assert_error(
        "missing key",
        r,
        "[forces.militia]",
        "missing required key `actor` in a force group",
        Some("add `actor = …`"),
    );
}

#[test]
fn bad_input_11_unknown_mechanism_and_constant() {
    let src = std::fs::read_to_string(example()).unwrap();
    let dir = tmp("mech");
    let v = dir.join("v.toml");
    std::fs::write(&v, "[mechanisms]\nrouts = false\n[constants.combat]\nlethalty = 0.1\n").unwrap();
    let f = dir.join("s.toml");
    std::fs::write(&f, src).unwrap();
    let o = run(&["validate", f.to_str().unwrap(), "--variant", v.to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    let vf = v.display().to_string();
    assert!(stderr.contains("error: unknown mechanism `routs`") && stderr.contains(&format!("{vf}:2:1")), "{stderr}");
    assert!(stderr.contains("did you mean `rout`?"));
    assert!(
        stderr.contains("error: unknown constant `combat.lethalty`") && stderr.contains(&format!("{vf}:4:1")),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors found"), "all errors at once: {stderr}");
}

#[test]
fn bad_input_12_bad_set_arguments() {
    let o = run(&[
        "validate",
        example().to_str().unwrap(),
        "--set",
        "parameters.distrust.value",
        "--set",
        "regions.city.terrain=swamp",
    ]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("error: `--set parameters.distrust.value` has no `=`") && stderr.contains("--set #1:1:1"),
        "{stderr}"
    );
    assert!(stderr.contains("--set #2:1:"), "{stderr}");
    assert!(stderr.contains("unknown value `swamp`"), "{stderr}");
}

#[test]
fn bad_input_13_missing_files() {
    let o = run(&["run", "no/such/scenario.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read `no/such/scenario.toml`"));
    let o = run(&["validate", example().to_str().unwrap(), "--variant", "missing-variant.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read `missing-variant.toml`"));
}

#[test]
fn bad_input_14_bad_arguments_exit_2() {
    let o = run(&["run", example().to_str().unwrap(), "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("xlsx"));
    let o = run(&["run", example().to_str().unwrap(), "--seed", "minus-one"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_input_15_target_for_the_wrong_tactic() {
    assert_error(
        "broad-front-defend",
        broken(
            "broad-front-defend",
            "tactic = \"defend\", force = \"army\", to = \"most_threatened\"",
            "tactic = \"defend\", force = \"army\", to = \"broad_front\"",
        ),
        "to = \"broad_front\"",
        "\"broad_front\" is a target for deploy and attack, not defend",
        Some("give each key region its own defend rule"),
    );
    assert_error(
        "broad-front-air",
        broken("broad-front-air", "to = \"allied_fronts\"", "to = \"broad_front\""),
        "to = \"broad_front\"",
        "\"broad_front\" is a target for ground moves, not air strikes",
        None,
    );
}

#[test]
fn bad_input_16_transfers_between_the_wrong_groups() {
    assert_error(
        "transfer-other-actor",
        broken(
            "transfer-other-actor",
            "tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.05",
            "tactic = \"transfer\", force = \"army\", into = \"militia\"",
        ),
        "into = \"militia\"",
        "force group `militia` belongs to another actor",
        Some("an actor can only move, recruit, train or fly its own force groups"),
    );
    assert_error(
        "transfer-air",
        broken(
            "transfer-air",
            "tactic = \"attack\", force = \"us_ground\", to = \"valley\", fraction = 0.5, from = \"all\"",
            "tactic = \"transfer\", force = \"us_ground\", into = \"coalition_air\"",
        ),
        "into = \"coalition_air\"",
        "`coalition_air` is an air group; transfers are between ground groups",
        None,
    );
    assert_error(
        "transfer-missing-into",
        broken(
            "transfer-missing-into",
            "tactic = \"recruit\", force = \"isis_fighters\"",
            "tactic = \"transfer\", force = \"isis_fighters\"",
        ),
        "tactic = \"transfer\"",
        "tactic `transfer` needs `into`",
        Some("add `into = …` next to `tactic`"),
    );
}

#[test]
fn bad_input_18_serve_needs_the_output_of_a_run_an_ensemble_or_a_comparison() {
    let o = run(&["serve", "no/such/dir", "--port", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read no/such/dir/manifest.json"), "{}", text(&o).1);
    let out = tmp("serve-sweep");
    let o = run(&[
        "sweep",
        example().to_str().unwrap(),
        "--samples",
        "4",
        "--runs-per-point",
        "2",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let o = run(&["serve", out.to_str().unwrap(), "--port", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("the viewer shows runs, ensembles and comparisons"), "{}", text(&o).1);
}

#[test]
fn bad_input_19_unknown_move_source() {
    assert_error(
        "bad-from",
        broken(
            "bad-from",
            "tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.05",
            "tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.05, from = \"capitol\"",
        ),
        "from = \"capitol\"",
        "unknown `from` value `capitol`",
        Some("did you mean `capital`?"),
    );
}

#[test]
fn bad_input_20_theatre_only_commands_refuse_civil_violence_models_clearly() {
    let ex = civil_example();
    for cmd in [
        vec!["backtest", ex.to_str().unwrap(), "--history", "h.csv"],
        vec!["calibrate", ex.to_str().unwrap(), "--history", "h.csv"],
    ] {
        let o = run(&cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(
            text(&o).1.contains("is a civil-violence model; it supports run, validate, ensemble, compare"),
            "{}",
            text(&o).1
        );
    }
}

#[test]
fn bad_input_21_march_needs_a_source_and_a_region() {
    assert_error(
        "march-no-from",
        broken(
            "march-no-from",
            "tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.05",
            "tactic = \"march\", force = \"army\", to = \"city\", fraction = 0.05",
        ),
        "tactic = \"march\"",
        "tactic `march` needs `from`",
        Some("add `from = …` next to `tactic`"),
    );
    assert_error(
        "march-bad-to",
        broken(
            "march-bad-to",
            "tactic = \"deploy\", force = \"army\", to = \"city\", fraction = 0.05",
            "tactic = \"march\", force = \"army\", from = \"capital\", to = \"ctiy\", fraction = 0.05",
        ),
        "to = \"ctiy\"",
        "unknown region `ctiy`",
        Some("did you mean `city`?"),
    );
}

#[test]
fn many_errors_are_reported_together() {
    let src = std::fs::read_to_string(example())
        .unwrap()
        .replacen("terrain = \"urban\"", "terrain = \"urbn\"", 1)
        .replacen("control = \"gov\"", "control = \"gvo\"", 1)
        .replacen("quality = 0.25", "quality = 2.5", 1);
    let dir = tmp("many");
    let f = dir.join("s.toml");
    std::fs::write(&f, src).unwrap();
    let o = run(&["validate", f.to_str().unwrap()]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr.contains("3 errors found"), "{stderr}");
}

#[test]
fn includes_are_merged_and_cycles_reported() {
    let dir = tmp("include");
    let src = std::fs::read_to_string(example()).unwrap();
    let (head, tail) = src.split_at(src.find("[actors.gov]").unwrap());
    std::fs::write(dir.join("actors.toml"), tail).unwrap();
    std::fs::write(dir.join("main.toml"), format!("include = [\"actors.toml\"]\n{head}")).unwrap();
    let o = run(&["validate", dir.join("main.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    std::fs::write(dir.join("a.toml"), format!("include = [\"b.toml\"]\n{head}")).unwrap();
    std::fs::write(dir.join("b.toml"), "include = [\"a.toml\"]\n").unwrap();
    let o = run(&["validate", dir.join("a.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("include cycle"), "{}", text(&o).1);
}

#[test]
fn civil_violence_model_runs_through_the_same_cli() {
    let ex = civil_example();
    let o = run(&["validate", ex.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.contains("civil-violence"));
    let out = tmp("civil");
    let o = run(&[
        "run",
        ex.to_str().unwrap(),
        "--seed",
        "3",
        "--set",
        "steps=60",
        "--set",
        "parameters.legitimacy=0.7",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let counts = std::fs::read_to_string(out.join("counts.csv")).unwrap();
    assert!(counts.starts_with("step,active,quiet,jailed,arrests\n"), "{counts}");
    assert_eq!(counts.lines().count(), 62, "steps 0..=60 plus the header");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["scenario_hash"].as_str().unwrap().starts_with("sha256:"));
    let o = run(&["run", ex.to_str().unwrap(), "--set", "parameters.citizen_density=0.99"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);
}

#[test]
fn civil_violence_ensemble_is_thread_count_independent() {
    let ex = civil_example();
    let (a, b) = (tmp("civ-ens-1"), tmp("civ-ens-2"));
    for (dir, t) in [(&a, "1"), (&b, "2")] {
        let o = run(&[
            "ensemble",
            ex.to_str().unwrap(),
            "--runs",
            "6",
            "--set",
            "steps=40",
            "--threads",
            t,
            "--format",
            "csv",
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", text(&o).1);
    }
    for t in ["counts_summary.csv", "runs.csv"] {
        assert_eq!(std::fs::read(a.join(t)).unwrap(), std::fs::read(b.join(t)).unwrap(), "{t}");
    }
    let summary = std::fs::read_to_string(a.join("counts_summary.csv")).unwrap();
    assert!(summary.starts_with("step,metric,mean,q05,q50,q95\n"));
    assert_eq!(summary.lines().count(), 1 + 41 * 4);
}

#[test]
fn civil_violence_sweep_over_ranges() {
    let ex = civil_example();
    let out = tmp("civ-sweep");
    let o = run(&[
        "sweep",
        ex.to_str().unwrap(),
        "--range",
        "legitimacy=0.6:0.9",
        "--range",
        "max_jail_term=30:1000",
        "--samples",
        "4",
        "--runs-per-point",
        "2",
        "--set",
        "steps=60",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with("point,legitimacy,max_jail_term,mean_active_after_50"), "{csv}");
    assert_eq!(csv.lines().count(), 5);
    let o = run(&["sweep", ex.to_str().unwrap(), "--range", "legitimacy=0.9:0.6"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("LOW ≤ HIGH"));
    let o = run(&["sweep", ex.to_str().unwrap(), "--range", "legitimacy=0.6:1.5", "--samples", "2"]);
    assert_eq!(o.status.code(), Some(2), "out-of-range values are validated before running: {}", text(&o).1);
}

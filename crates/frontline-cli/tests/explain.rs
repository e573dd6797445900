//! End-to-end tests of `frontline explain` (issue #13) on a run, an
//! ensemble (`--explain`) and a comparison: text and `--json`, the same
//! explanation for any thread count and after a resume, tables unchanged by
//! explaining, and clear errors (exit 2) that name the fix.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn explain(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["explain", s(dir)];
    args.extend_from_slice(extra);
    run(&args)
}

fn explain_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let o = explain(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("--json prints JSON")
}

fn refused(o: &std::process::Output, says: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "a bad request exits with 2: {}", stderr(o));
    for s in says {
        assert!(stderr(o).contains(s), "the error should say `{s}`: {}", stderr(o));
    }
}

#[test]
fn a_runs_chain_as_text_and_json_and_bad_requests_get_exit_2_naming_the_fix() {
    let dir = tmp("explain-run");
    let o = run(&["run", s(&example()), "--seed", "7", "--out", s(&dir), "-q", "--no-maps", "--no-report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = explain(&dir, &["--region", "City"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let c = explain_json(&dir, &["--region", "city"]);
    assert_eq!(c["region"], "city");
    let links = c["links"].as_array().expect("links");
    assert!(!links.is_empty(), "the city changes hands in the example: {text}");
    assert!(text.starts_with("city (City) on "), "{text}");
    assert!(text.contains(c["summary"].as_str().unwrap()), "{text}");
    for l in links {
        // Every link is in the text with its phase, and names its numbers in JSON.
        assert!(text.contains(l["text"].as_str().unwrap()), "{l} missing from {text}");
        assert!(
            ["control", "combat", "strategy", "planning", "recruitment", "civilians", "attitudes"]
                .contains(&l["phase"].as_str().unwrap())
        );
    }
    assert_eq!(links[0]["kind"], "control", "the change comes first");
    // An earlier date explains an earlier state.
    let first = explain_json(&dir, &["--region", "city", "--date", "2014-06-01"]);
    assert_eq!(first["tick"], 0);
    refused(&explain(&dir, &["--region", "Atlantis"]), &["no region `Atlantis`", "regions are named by id or name"]);
    refused(&explain(&dir, &["--region", "cit"]), &["did you mean city (City)?"]);
    refused(&explain(&dir, &[]), &["needs --region PLACE"]);
    refused(&explain(&dir, &["--region", "city", "--date", "1 June"]), &["write it as YYYY-MM-DD"]);
    refused(&explain(&dir, &["--region", "city", "--date", "1990-01-01"]), &["before the run starts"]);
    refused(&explain(&tmp("explain-nothing"), &["--region", "city"]), &["frontline ensemble --explain"]);
}

fn ensemble_args(dir: &Path, threads: &str, explain: bool) -> Vec<String> {
    let mut v = strings(&[
        "ensemble",
        s(&example()),
        "--runs",
        "200",
        "--threads",
        threads,
        "--out",
        s(dir),
        "-q",
        "--no-maps",
        "--no-report",
    ]);
    if explain {
        v.push("--explain".into());
    }
    v
}

#[test]
fn an_ensembles_groups_are_the_same_for_any_thread_count_and_after_a_resume_and_match_single_runs() {
    let (one, two, stopped, plain) = (tmp("ens-x1"), tmp("ens-x2"), tmp("ens-xs"), tmp("ens-plain"));
    for (dir, threads, explain) in [(&one, "1", true), (&two, "2", true), (&plain, "2", false)] {
        let o = output(bin().args(ensemble_args(dir, threads, explain)));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // A job stopped after its first batch of 128 runs, then resumed.
    let o = output(bin().args(ensemble_args(&stopped, "2", true)).args(["--stop-after-batches", "1"]));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = output(bin().args(ensemble_args(&stopped, "1", true)).arg("--resume"));
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::read(one.join("explain.json")).unwrap();
    assert_eq!(file, std::fs::read(two.join("explain.json")).unwrap(), "thread count changed the explanation");
    assert_eq!(file, std::fs::read(stopped.join("explain.json")).unwrap(), "a resume changed the explanation");
    // Explaining changes no table.
    assert_eq!(tables(&one), tables(&plain));
    assert!(!plain.join("explain.json").exists());
    refused(&explain(&plain, &["--region", "city"]), &["frontline ensemble --explain"]);

    let x = explain_json(&one, &["--region", "City"]);
    let outcomes = x["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 1, "one watch names the city: {x}");
    let o = &outcomes[0];
    assert_eq!(o["region"], "city");
    let (held, members, groups) =
        (o["held"].as_u64().unwrap(), o["members"].as_array().unwrap(), o["groups"].as_array().unwrap());
    assert!(held > 0 && held < 200, "the city falls in some runs only: {held}");
    assert_eq!(members.len() as u64, held.min(200), "every run where it held is explained (fewer than the cap)");
    let counted: u64 = groups.iter().map(|g| g["runs"].as_u64().unwrap()).sum();
    assert_eq!(counted, members.len() as u64);
    let shares: f64 = groups.iter().map(|g| g["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
    let runs: Vec<u64> = groups.iter().map(|g| g["runs"].as_u64().unwrap()).collect();
    assert!(runs.windows(2).all(|w| w[0] >= w[1]), "most common first: {runs:?}");
    let text = stdout(&explain(&one, &["--region", "city"]));
    let top = &groups[0];
    let share =
        format!("in {:.0} % of the {} runs where it held", 100.0 * top["share"].as_f64().unwrap(), members.len());
    assert!(text.contains(&share), "{share} in {text}");
    assert!(text.contains(&format!("it held in {held} of the 200 runs")), "{text}");

    // The most common group's example is that run's own chain: `frontline
    // run` with its seed, explained on the date it held, has the signature.
    let member = members.iter().find(|m| m["run"] == top["example_run"]).unwrap();
    let single = tmp("ens-x-single");
    let seed = member["seed"].as_u64().unwrap().to_string();
    let o = run(&["run", s(&example()), "--seed", &seed, "--out", s(&single), "-q", "--no-maps", "--no-report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = explain_json(&single, &["--region", "city", "--date", member["held_on"].as_str().unwrap()]);
    assert_eq!(c, top["example"], "the ensemble's example chain is the single run's");
    assert!(top["signature"][0].as_str().unwrap().starts_with("control City "), "{top}");

    // --date counts the runs where it had held by then.
    let early = explain_json(&one, &["--region", "city", "--date", "2014-06-01"]);
    assert_eq!(early["outcomes"][0]["held"], 0);
    assert_eq!(early["outcomes"][0]["groups"].as_array().unwrap().len(), 0);
    let last = members.iter().map(|m| m["held_on"].as_str().unwrap()).max().unwrap().to_string();
    assert_eq!(explain_json(&one, &["--region", "city", "--date", &last])["outcomes"], x["outcomes"]);
    refused(&explain(&one, &["--region", "Atlantis"]), &["no region `Atlantis`", "city (City)", "--region"]);
    refused(&explain(&one, &["--outcome", "nothing"]), &["no outcome `nothing`", "insurgents_take_city"]);
    refused(&explain(&one, &["--region", "city", "--date", "June"]), &["YYYY-MM-DD"]);
}

#[test]
fn a_comparisons_divergences_and_summary_as_text_and_json() {
    let dir = tmp("explain-cmp");
    let outcome = "controls(isis, city) by 2015-05-31";
    let o = run(&[
        "compare",
        s(&example()),
        "--arm",
        s(&variant("arm-tribes.toml")),
        "--runs",
        "60",
        "--outcome",
        outcome,
        "--out",
        s(&dir),
        "-q",
        "--no-report",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let x = explain_json(&dir, &[]);
    let arm = &x[0]["arms"][0];
    assert_eq!(x[0]["outcome"], outcome);
    assert_eq!(arm["arm"], "arm-tribes");
    let differing = arm["differing"].as_u64().unwrap();
    assert!(differing > 0, "arming the tribes changes the city's fate in some seeds");
    let seeds = arm["seeds"].as_array().unwrap();
    assert_eq!(seeds.len() as u64, differing.min(50));
    for sd in seeds {
        // Where the outcome differs, the arms' states differ at some tick no later than the outcome's date.
        assert!(sd["diverges"].as_u64().is_some(), "{sd}");
        assert!(sd["diverges_on"].as_str().unwrap() <= "2015-05-31");
    }
    let text = stdout(&explain(&dir, &[]));
    assert!(text.contains(&format!("arm-tribes: {differing} seeds differ from the baseline")), "{text}");
    assert!(text.contains("the difference runs through"), "{text}");
    assert_eq!(explain_json(&dir, &["--outcome", outcome]), x);
    refused(&explain(&dir, &["--outcome", "controls(isis, capital) by 2015-05-31"]), &["the outcomes are", outcome]);
}

/// The README's ensemble example, run as written in a folder laid out like
/// the repository: every command succeeds and the output starts as shown.
#[test]
fn the_readmes_ensemble_explanation_runs_as_written_and_prints_what_it_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let at = readme.find("**Why did it happen, across many runs?**").expect("the README's section");
    let rest = &readme[at..];
    let block = |lang: &str, from: usize| {
        let start = rest[from..].find(&format!("```{lang}\n")).unwrap() + from + lang.len() + 4;
        let end = rest[start..].find("```").unwrap() + start;
        (rest[start..end].to_string(), end)
    };
    let (commands, end) = block("sh", 0);
    let (shown, _) = block("text", end);
    let dir = tmp("readme-ens");
    std::os::unix::fs::symlink(root().join("examples"), dir.join("examples")).unwrap();
    let mut printed = Vec::new();
    for line in commands.lines() {
        let line = line.split('#').next().unwrap().trim();
        let args: Vec<&str> = line.split_whitespace().skip(1).collect();
        let o = output(bin().args(&args).current_dir(&*dir));
        assert!(o.status.success(), "`{line}`: {}", stderr(&o));
        printed.push(stdout(&o));
    }
    let explained = &printed[1];
    for line in shown.lines().take(4) {
        assert!(explained.lines().any(|l| l == line), "the README shows `{line}`; the command printed:\n{explained}");
    }
    let json: Value = serde_json::from_str(&printed[2]).unwrap();
    assert_eq!(json["date"], "2014-09-01");
}

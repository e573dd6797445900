//! Proof that the model interface is the only seam (issue #9, item 7): a
//! third model — a stochastic SIR epidemic, 150 lines, written here and
//! nowhere else — registers with the registry and runs through ensemble
//! (with a stop and a resume), compare and sweep by the same code paths as
//! the theatre and civil-violence models. Nothing in the CLI or the
//! analyses knows it exists; the last test checks that the CLI's code names
//! no model at all.
//!
//! The model: a chain-binomial SIR (Reed–Frost in discrete time). Each step,
//! each susceptible is infected with probability 1 − exp(−β·I/N) and each
//! infected recovers with probability 1 − exp(−γ).

use frontline_analysis::analyses::compare::CompareRequest;
use frontline_analysis::analyses::design::{DesignSettings, SweepMethod, SweepRequest};
use frontline_analysis::analyses::ensemble::EnsembleRequest;
use frontline_analysis::analyses::{self, AnalysisError, Job, NoProgress};
use frontline_analysis::checkpoint::{InterruptAction, Interruption, JobError};
use frontline_analysis::simulation::{
    Batches, EnsembleOutput, Measure, RunOutput, Simulation, Source, Uncertain, Views,
};
use frontline_models::{Entry, Registry};
use frontline_output::{Checkpoints, Column, Command, Format, Manifest, Table};
use frontline_scenario::value::Kind;
use frontline_scenario::{LoadError, Overrides};
use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};
use std::path::{Path, PathBuf};

/// The SIR model's registry entry.
static SIR: Entry = Entry {
    name: "sir",
    about: "a stochastic SIR epidemic (test model)",
    selects: |p| std::fs::read_to_string(p).is_ok_and(|t| t.lines().any(|l| l.trim() == "model = \"sir\"")),
    load: |p, o| Ok(Box::new(Sir::load(p, o)?)),
    schema: || serde_json::json!({"title": "SIR"}),
};

#[derive(Clone)]
struct Sir {
    name: String,
    seed: u64,
    steps: u32,
    population: u32,
    infected: u32,
    beta: f64,
    beta_range: (f64, f64),
    gamma: f64,
    source: Source,
    overrides: Overrides,
}

impl Sir {
    fn load(path: &Path, overrides: &Overrides) -> Result<Sir, Box<LoadError>> {
        let merged = frontline_scenario::read_merged(path, overrides)?;
        let t = &merged.tree;
        let num = |v: &frontline_scenario::value::Value, k: &str| match v.get(k).map(|x| &x.kind) {
            Some(Kind::Float(x)) => *x,
            Some(Kind::Int(x)) => *x as f64,
            _ => panic!("the test scenario has `{k}`"),
        };
        let p = t.get("parameters").expect("[parameters]");
        let name = match t.get("name").map(|x| &x.kind) {
            Some(Kind::Str(s)) => s.clone(),
            _ => "sir".into(),
        };
        Ok(Sir {
            name,
            seed: num(t, "seed") as u64,
            steps: num(t, "steps") as u32,
            population: num(p, "population") as u32,
            infected: num(p, "infected") as u32,
            beta: num(p, "beta"),
            beta_range: (num(p, "beta_min"), num(p, "beta_max")),
            gamma: num(p, "gamma"),
            source: Source {
                path: path.to_path_buf(),
                scenario_hash: merged.scenario_hash,
                variants: merged.variants,
                sets: overrides.sets.clone(),
            },
            overrides: overrides.clone(),
        })
    }

    /// Infected per step, steps 0..=steps, and the final number recovered.
    fn simulate(&self, seed: u64) -> (Vec<u32>, u32) {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
        let n = f64::from(self.population);
        let (mut s, mut i, mut r) = (self.population - self.infected, self.infected, 0u32);
        let mut infected = vec![i];
        for _ in 0..self.steps {
            let p_inf = 1.0 - (-self.beta * f64::from(i) / n).exp();
            let new_i = Binomial::new(u64::from(s), p_inf).unwrap().sample(&mut rng) as u32;
            let new_r = Binomial::new(u64::from(i), 1.0 - (-self.gamma).exp()).unwrap().sample(&mut rng) as u32;
            (s, i, r) = (s - new_i, i + new_i - new_r, r + new_r);
            infected.push(i);
        }
        (infected, r + i)
    }
}

/// final_size (share ever infected), peak (share infected at once), and
/// whether an epidemic took off (more than 10 % ever infected).
struct SirMeasure<'a>(&'a Sir, Vec<String>);

impl Measure for SirMeasure<'_> {
    fn names(&self) -> &[String] {
        &self.1
    }
    fn is_condition(&self, k: usize) -> bool {
        self.1[k] == "epidemic"
    }
    fn measure(&self, seed: u64) -> Vec<f64> {
        let (infected, ever) = self.0.simulate(seed);
        let n = f64::from(self.0.population);
        let size = f64::from(ever) / n;
        let all = [size, f64::from(*infected.iter().max().unwrap()) / n, f64::from(size > 0.1)];
        self.1.iter().map(|s| all[["final_size", "peak", "epidemic"].iter().position(|x| x == s).unwrap()]).collect()
    }
}

impl Simulation for Sir {
    fn model(&self) -> &'static str {
        "sir"
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn source(&self) -> &Source {
        &self.source
    }
    fn default_seed(&self) -> u64 {
        self.seed
    }
    fn manifest(&self, command: Command) -> Manifest {
        let mut m = Manifest::new(command, "sir", &self.source.display(), &self.name, &self.source.scenario_hash)
            .with_variants(&self.source.variants);
        m.sets = self.source.sets.clone();
        m
    }
    fn describe(&self) -> String {
        format!("SIR, {} people", self.population)
    }
    fn check_views(&self, v: &Views) -> Result<(), String> {
        if v.map_dates.is_empty() { Ok(()) } else { Err("an SIR model has no map".into()) }
    }
    fn run(&self, seed: u64, _: &Views) -> Result<RunOutput, String> {
        let (infected, _) = self.simulate(seed);
        let table = Table::new("infected")
            .with("step", Column::I64((0..infected.len() as i64).collect()))
            .with("infected", Column::I64(infected.iter().map(|&x| i64::from(x)).collect()));
        let mut manifest = self.manifest(Command::Run);
        manifest.seed = Some(seed);
        Ok(RunOutput { tables: vec![table], files: Vec::new(), manifest, summary: String::new() })
    }
    fn ensemble_run(&self, seed: u64) -> Vec<u8> {
        let (infected, ever) = self.simulate(seed);
        std::iter::once(ever).chain(infected).flat_map(u32::to_le_bytes).collect()
    }
    fn ensemble_batch_len(&self, runs: usize) -> usize {
        runs * 4 * (self.steps as usize + 2)
    }
    fn ensemble_aggregate(&self, b: &dyn Batches, runs: u64, _: u64, _: &Views) -> Result<EnsembleOutput, JobError> {
        let mut sizes = Vec::new();
        for k in 0..b.count() {
            let bytes = b.read(k, 0, self.ensemble_batch_len(b.runs_in(k)))?;
            for run in bytes.chunks_exact(4 * (self.steps as usize + 2)) {
                sizes.push(f64::from(u32::from_le_bytes(run[..4].try_into().unwrap())) / f64::from(self.population));
            }
        }
        assert_eq!(sizes.len() as u64, runs);
        let t = Table::new("runs")
            .with("run", Column::I64((0..runs as i64).collect()))
            .with("final_size", Column::F64(sizes));
        Ok(EnsembleOutput { tables: vec![t], files: Vec::new(), summary: String::new() })
    }
    fn measure<'a>(&'a self, outcomes: &[String]) -> Result<Box<dyn Measure + 'a>, String> {
        let known = ["final_size", "peak", "epidemic"];
        let names: Vec<String> =
            if outcomes.is_empty() { known.iter().map(|s| s.to_string()).collect() } else { outcomes.to_vec() };
        if let Some(bad) = names.iter().find(|n| !known.contains(&n.as_str())) {
            return Err(format!("unknown SIR statistic `{bad}`"));
        }
        Ok(Box::new(SirMeasure(self, names)))
    }
    fn uncertain(&self, ranges: &[String]) -> Result<Vec<Uncertain>, String> {
        if !ranges.is_empty() {
            return Err("the SIR model declares its ranges".into());
        }
        let (lo, hi) = self.beta_range;
        Ok(vec![Uncertain::new("beta", self.beta, lo, hi, move |u| lo + u * (hi - lo))])
    }
    fn with_parameters(&self, values: &[(String, f64)]) -> Result<Box<dyn Simulation>, String> {
        let mut s = self.clone();
        for (id, v) in values {
            match id.as_str() {
                "beta" => s.beta = *v,
                other => return Err(format!("no parameter `{other}`")),
            }
        }
        Ok(Box::new(s))
    }
    fn with_variant(&self, variant: &Path) -> Result<Box<dyn Simulation>, Box<LoadError>> {
        let mut o = self.overrides.clone();
        o.variants.push(variant.to_path_buf());
        Ok(Box::new(Sir::load(&self.source.path, &o)?))
    }
}

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("frontline-sir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the SIR scenario and an arm that doubles β; loads it through the registry.
fn scenario(dir: &Path) -> (Box<dyn Simulation>, PathBuf) {
    let path = dir.join("sir.toml");
    std::fs::write(
        &path,
        "model = \"sir\"\nname = \"SIR test\"\nseed = 3\nsteps = 80\n\n[parameters]\npopulation = 400\ninfected = 4\nbeta = 0.25\nbeta_min = 0.1\nbeta_max = 0.6\ngamma = 0.15\n",
    )
    .unwrap();
    let arm = dir.join("faster.toml");
    std::fs::write(&arm, "[parameters]\nbeta = 0.5\n").unwrap();
    let registry = Registry::default().with(&SIR);
    assert_eq!(registry.entry_for(&path).name, "sir", "the registry picks the model by its `model` key");
    let sim = registry.load(&path, &Overrides::default()).unwrap_or_else(|e| panic!("{}", e.render(false)));
    (sim, arm)
}

fn job(dir: &Path, resume: bool, interruption: Option<Interruption>) -> Job<'_> {
    Job { dir, resume, interruption, progress: &NoProgress, placement: Default::default() }
}

#[test]
fn sir_ensemble_stopped_after_one_batch_resumes_to_identical_tables() {
    let d = Dir::new("ensemble");
    let (sim, _) = scenario(&d.0);
    assert_eq!((sim.model(), sim.name()), ("sir", "SIR test"));
    let req = EnsembleRequest {
        runs: 300,
        seed: None,
        views: Views::default(),
        posterior: Default::default(),
        explain: false,
    };
    let (whole, stopped) = (d.0.join("whole"), d.0.join("stopped"));
    let ens = |dir: &Path, resume, stop| {
        analyses::execute(dir, Format::Csv, Checkpoints::Kept, |out| {
            analyses::ensemble::ensemble(&*sim, &req, &job(out, resume, stop))
        })
    };
    ens(&whole, false, None).unwrap();
    let stop = Interruption { after_batches: 1, action: InterruptAction::Stop };
    match ens(&stopped, false, Some(stop)) {
        Err(AnalysisError::Job(JobError::Stopped(1))) => {}
        other => panic!("expected a stop after one batch, got {:?}", other.err()),
    }
    assert!(!stopped.join("runs.csv").exists(), "a stopped job writes no table");
    ens(&stopped, true, None).unwrap();
    let table = |dir: &Path| std::fs::read(dir.join("runs.csv")).unwrap();
    assert_eq!(table(&stopped), table(&whole), "the resumed ensemble's table differs from the uninterrupted one's");
    let manifest = Manifest::parse(&std::fs::read_to_string(whole.join("manifest.json")).unwrap()).unwrap();
    assert_eq!((manifest.model.as_str(), manifest.runs), ("sir", Some(300)));
}

#[test]
fn sir_compare_finds_that_doubling_beta_makes_the_epidemic_larger() {
    let d = Dir::new("compare");
    let (sim, arm) = scenario(&d.0);
    let req =
        CompareRequest { arms: vec![arm], outcomes: vec![], runs: 200, seed: Some(11), posterior: Default::default() };
    let (r, _) = analyses::execute(&d.0.join("out"), Format::Csv, Checkpoints::Kept, |out| {
        analyses::compare::compare(&*sim, &req, &job(out, false, None))
    })
    .unwrap();
    let row = |outcome: &str, arm: &str| r.rows.iter().find(|x| x.outcome == outcome && x.arm == arm).unwrap().clone();
    let faster = row("final_size", "faster");
    let (diff, lo, _) = faster.difference.expect("an arm has a paired difference");
    assert!(diff > 0.2 && lo > 0.0, "R0 5/3 → 10/3 must enlarge the final size clearly: Δ {diff} [{lo}, …]");
    let epi = row("epidemic", "baseline");
    assert!((0.0..=1.0).contains(&epi.interval.0) && epi.interval.1 <= 1.0, "a condition is a probability (Wilson)");
}

#[test]
fn sir_sweep_over_beta_rises_with_beta() {
    let d = Dir::new("sweep");
    let (sim, _) = scenario(&d.0);
    let req = SweepRequest {
        method: SweepMethod::Lhs,
        outcomes: vec!["final_size".into()],
        settings: DesignSettings { samples: 20, runs_per_point: 10, ranges: vec![], seed: Some(5) },
    };
    let (r, written) = analyses::execute(&d.0.join("out"), Format::Csv, Checkpoints::Kept, |out| {
        analyses::design::sweep(&*sim, &req, &job(out, false, None))
    })
    .unwrap();
    assert_eq!(written[0], "sweep.csv");
    let beta: Vec<f64> = r.values.iter().map(|v| v[0]).collect();
    let size: Vec<f64> = r.means.iter().map(|m| m[0]).collect();
    let rho = frontline_analysis::stats::spearman(&beta, &size);
    assert!(rho > 0.8, "the final size rises with β across [0.1, 0.6]: ρ = {rho}");
    assert!(!d.0.join("out/.runs").exists(), "a finished sweep removes its checkpoints");
}

/// The CLI maps arguments to requests and renders results: no line of it
/// names a model's crate or types, so a new model needs no CLI change.
#[test]
fn the_cli_holds_no_model_specific_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontline-cli/src");
    let mut files = vec![src.join("main.rs"), src.join("options.rs"), src.join("error.rs")];
    files.extend(std::fs::read_dir(src.join("commands")).unwrap().map(|e| e.unwrap().path()));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for banned in ["frontline_civil", "frontline_engine", "frontline_maps", "is_civil", "Trajectory", "civil::"]
            {
                assert!(!code.contains(banned), "{}:{}: model-specific code `{banned}`: {line}", f.display(), n + 1);
            }
        }
    }
}

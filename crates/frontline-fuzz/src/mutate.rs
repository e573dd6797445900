//! Making cases: seeds from the shipped scenarios (and the corpus), then a
//! few mutations each, chosen by a generator that depends only on the seed
//! and the case's index.
//!
//! Mutations are structured where the format is known (TOML lines, keys,
//! values and strings; the rule language inside strings; `--set` paths from
//! the scenario's own keys; variant overlays; includes of special files;
//! CSV fields; GeoJSON nodes) and byte-level everywhere (bit flips, byte
//! insertions and deletions, chunk copies, splices from other seed files,
//! a dictionary of tokens and awkward characters).

use crate::case::{Bases, Case, Target};
use crate::rng::Rng;
use frontline_scenario::value::{Kind, Value, parse_toml};
use std::collections::{BTreeMap, BTreeSet};

/// Numbers at the edges: of f64, of the integer types, of the limits the
/// loader declares, and the spellings TOML allows.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-0.0",
    "+0.0",
    "1",
    "-1",
    "-5",
    "2",
    "0.5",
    "1.5",
    "0.999999",
    "1.0000000000000002",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-320",
    "2.2250738585072014e-308",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "4294967296",
    "2147483647",
    "-2147483648",
    "65535",
    "65536",
    "100000",
    "100001",
    "1000000",
    "1000000000",
    "1e9",
    "1e15",
    "1e18",
    "1e100",
    "0x7fffffffffffffff",
    "0o777",
    "0b101",
    "1_000_000",
    "99999999999999999999999999",
    "3.14e+2",
    "1e",
    "--1",
    "1.",
    ".5",
    "0x",
    "1__0",
];

/// Characters and bytes that break naive text handling: multi-byte
/// characters (non-breaking space, line separator, byte order mark,
/// combining and astral characters) and invalid UTF-8.
const AWKWARD: &[&[u8]] = &[
    "\u{a0}".as_bytes(),
    "\u{2028}".as_bytes(),
    "\u{2029}".as_bytes(),
    "\u{feff}".as_bytes(),
    "\u{301}".as_bytes(),
    "é".as_bytes(),
    "日本".as_bytes(),
    "\u{1F600}".as_bytes(),
    "\u{200b}".as_bytes(),
    "\u{85}".as_bytes(),
    b"\xff",
    b"\xfe\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xe2\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\r",
    b"\t",
    b"\x0b",
    b"\x1b[2J",
];

/// Tokens of TOML and of the rule language; [`tokens`] adds the calls.
const SYNTAX_TOKENS: &[&str] = &[
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    ".",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "#",
    "\n",
    " = ",
    "\\",
    "\\u0000",
    "\\uD800",
    "\\U0010FFFF",
    "\\x",
    "(",
    ")",
    "*",
    "/",
    "+",
    "-",
    "<",
    "<=",
    ">",
    ">=",
    "==",
    "!=",
    "and",
    "or",
    "not",
    "tick",
    "date",
    "true",
    "false",
    "2014-06-01",
    "0000-01-01",
    "9999-12-31",
    "2014-02-30",
    "1979-05-27T07:32:00Z",
    "include",
    "value",
    "min",
    "max",
    "when",
    "then",
    "tactic",
    "fraction",
    "priority",
    "parameters",
    "regions",
    "actors",
    "forces",
    "events",
    "rules",
    "scenario",
    "constants",
    "mechanisms",
    "variants",
    "model",
    "civil-violence",
    "width",
    "height",
    "steps",
];

/// [`SYNTAX_TOKENS`] and the opening of a call to every function of the
/// rule language (`threat(`, …), taken from its own table.
fn tokens() -> &'static [String] {
    static LIST: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let calls = frontline_scenario::expr::FUNCTIONS.iter().map(|f| format!("{}(", f.name));
        SYNTAX_TOKENS.iter().map(|t| t.to_string()).chain(calls).collect()
    })
}

/// Expression functions and how many arguments they take: every signature
/// of the rule language's own table, so a new function is fuzzed as soon as
/// it is declared.
fn functions() -> &'static [(&'static str, usize)] {
    static LIST: std::sync::OnceLock<Vec<(&'static str, usize)>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        frontline_scenario::expr::FUNCTIONS.iter().flat_map(|f| f.arities().map(move |n| (f.name, n))).collect()
    })
}

/// Paths given to `include` to probe resource limits and file types.
const SPECIAL_INCLUDES: &[&str] = &[
    "/dev/zero",
    "/dev/null",
    "/dev/urandom",
    "/proc/self/status",
    "/",
    ".",
    "data",
    "missing.toml",
    "scenario.toml",
    "vicious-circle.toml",
    "regions.toml",
    "\u{a0}.toml",
    "",
];

/// How deep nested constructs go: shallow often, thousands sometimes.
const DEPTHS: &[usize] = &[2, 10, 64, 100, 128, 129, 256, 1000, 3000, 20_000, 50_000];

/// Dotted-key lengths around the TOML reader's nesting limit.
const DOTTED_PARTS: &[usize] = &[2, 10, 63, 64, 65, 79, 80, 81, 128, 200, 1000];

/// Builds cases.
pub struct Generator {
    bases: Bases,
    targets: Vec<(Target, u64)>,
    seeds: BTreeMap<Target, Vec<Case>>,
    words: Vec<String>,
    paths: BTreeMap<String, Vec<String>>,
    tomls: Vec<Vec<u8>>,
    csvs: Vec<Vec<u8>>,
    jsons: Vec<Vec<u8>>,
}

/// The small history used for the vicious-circle scenario.
const VICIOUS_HISTORY: &str =
    "date,region,controller\n2014-08-01,city,isis\n2014-10-01,suburbs,isis\n2015-03-01,city,\n";

impl Generator {
    /// A generator for `targets` with the shipped seeds under `root` and
    /// the `corpus` cases (generated cases start from either).
    pub fn new(bases: Bases, targets: &[Target], corpus: &[Case]) -> Result<Generator, String> {
        let mut seeds: BTreeMap<Target, Vec<Case>> = BTreeMap::new();
        let iraq = bases.files("scenarios/iraq")?;
        let examples = bases.files("examples")?;
        let scenario = |base: &str, entry: &str, variants: &[&str], sets: &[&str]| Case {
            target: Some(Target::Scenario),
            base: Some(base.into()),
            entry: entry.into(),
            variants: variants.iter().map(|s| s.to_string()).collect(),
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Case::default()
        };
        let mut scen = vec![scenario("scenarios/iraq", "scenario.toml", &[], &[])];
        for v in iraq.keys().filter(|k| k.starts_with("variants/")) {
            scen.push(scenario("scenarios/iraq", "scenario.toml", &[v], &[]));
        }
        for _ in 0..2 {
            scen.push(scenario("examples", "vicious-circle.toml", &[], &[]));
            scen.push(scenario("examples", "civil-violence.toml", &[], &[]));
        }
        for v in examples.keys().filter(|k| k.starts_with("variants/")) {
            scen.push(scenario("examples", "vicious-circle.toml", &[v], &[]));
        }
        scen.push(scenario("examples", "civil-violence.toml", &[], &["parameters.legitimacy=0.82", "steps=30"]));
        seeds.insert(Target::Scenario, scen);

        let history = |base: &str, entry: &str, csv: &[u8]| {
            let mut c =
                Case { target: Some(Target::History), base: Some(base.into()), entry: entry.into(), ..Case::default() };
            c.files.insert("history.csv".into(), csv.to_vec());
            c
        };
        let iraq_history =
            iraq.get("data/history-control.csv").ok_or("scenarios/iraq has no data/history-control.csv")?;
        seeds.insert(
            Target::History,
            vec![
                history("scenarios/iraq", "scenario.toml", iraq_history),
                history("examples", "vicious-circle.toml", VICIOUS_HISTORY.as_bytes()),
            ],
        );

        let map = iraq.get("data/iraq-adm2-districts.geojson").ok_or("scenarios/iraq has no map")?;
        let mut geo = Vec::new();
        let mut jsons = Vec::new();
        for n in [1, 2, 4, 8] {
            let small = subset_features(map, n).ok_or("the Iraq map is not a FeatureCollection")?;
            let mut c = Case { target: Some(Target::Geojson), entry: "map.geojson".into(), ..Case::default() };
            c.files.insert("map.geojson".into(), small.clone());
            geo.push(c);
            jsons.push(small);
        }
        let mut whole = Case { target: Some(Target::Geojson), base: Some("scenarios/iraq".into()), ..Case::default() };
        whole.entry = "data/iraq-adm2-districts.geojson".into();
        geo.push(whole);
        seeds.insert(Target::Geojson, geo);

        for c in corpus {
            if let Some(pool) = seeds.get_mut(&c.target()) {
                pool.push(c.without_expectations());
            }
        }

        let mut words = BTreeSet::new();
        let mut paths = BTreeMap::new();
        let mut tomls = Vec::new();
        let mut csvs = vec![VICIOUS_HISTORY.as_bytes().to_vec()];
        for (base, files) in [("scenarios/iraq", iraq), ("examples", examples)] {
            for (name, bytes) in files {
                if name.ends_with(".toml") {
                    harvest_words(bytes, &mut words);
                    tomls.push(bytes.clone());
                    let key = tree_key(base, name);
                    let list: &mut Vec<String> = paths.entry(key).or_default();
                    let mut d = frontline_scenario::diag::Diagnostics::default();
                    if let Some(v) = std::str::from_utf8(bytes).ok().and_then(|t| parse_toml(t, 0, &mut d)) {
                        leaf_paths(&v, &mut String::new(), list);
                    }
                } else if name.ends_with(".csv") {
                    csvs.push(bytes.clone());
                }
            }
        }
        // Iraq's includes set keys of the same model as its scenario file.
        let mut iraq_paths = Vec::new();
        for (k, v) in &paths {
            if k.starts_with("scenarios/iraq/") && !k.contains("/variants/") {
                iraq_paths.extend(v.iter().cloned());
            }
        }
        paths.insert(tree_key("scenarios/iraq", "scenario.toml"), iraq_paths);

        let targets: Vec<(Target, u64)> = targets
            .iter()
            .map(|&t| {
                let weight = match t {
                    Target::Scenario => 6,
                    _ => 2,
                };
                (t, weight)
            })
            .filter(|(t, _)| seeds.get(t).is_some_and(|p| !p.is_empty()))
            .collect();
        if targets.is_empty() {
            return Err("no target to fuzz".into());
        }
        Ok(Generator { bases, targets, seeds, words: words.into_iter().collect(), paths, tomls, csvs, jsons })
    }

    /// The shipped files.
    pub fn bases(&self) -> &Bases {
        &self.bases
    }

    /// Case `index` of the campaign with seed `seed`.
    pub fn generate(&self, seed: u64, index: u64) -> Case {
        let mut rng = Rng::for_case(seed, index);
        let total: u64 = self.targets.iter().map(|t| t.1).sum();
        let mut roll = rng.next_u64() % total;
        let mut target = self.targets[0].0;
        for &(t, w) in &self.targets {
            if roll < w {
                target = t;
                break;
            }
            roll -= w;
        }
        let mut case = rng.pick(&self.seeds[&target]).clone();
        let rounds = rng.small_size(8);
        for _ in 0..rounds {
            match target {
                Target::Scenario => self.mutate_scenario(&mut case, &mut rng),
                Target::History => self.mutate_history(&mut case, &mut rng),
                Target::Geojson => {
                    let entry = case.entry.clone();
                    self.mutate_file(&mut case, &entry, FileKind::Json, &mut rng);
                }
                Target::SelfTest => {}
            }
        }
        case.note = Some(format!("generated: --seed {seed}, case {index}"));
        case
    }

    fn mutate_scenario(&self, case: &mut Case, rng: &mut Rng) {
        let roll = rng.below(1000);
        match roll {
            0..=629 => {
                let files = self.scenario_files(case);
                // The entry most often, then its includes and overlays.
                let name = if rng.chance(1, 2) { case.entry.clone() } else { rng.pick(&files).clone() };
                self.mutate_file(case, &name, FileKind::Toml, rng);
            }
            630..=789 => {
                let set = self.random_set(case, rng);
                if !case.sets.is_empty() && rng.chance(1, 4) {
                    let i = rng.below(case.sets.len());
                    case.sets[i] = set;
                } else {
                    case.sets.push(set);
                }
            }
            790..=829 => {
                if !case.sets.is_empty() {
                    let i = rng.below(case.sets.len());
                    case.sets.remove(i);
                }
            }
            830..=909 => self.mutate_variants(case, rng),
            910..=959 => {
                if let Some(map) = self.map_of(case) {
                    self.mutate_file(case, &map, FileKind::Json, rng);
                }
            }
            960..=996 => {
                let name = case.entry.clone();
                self.mutate_file(case, &name, FileKind::Bytes, rng);
            }
            _ => self.special_include(case, rng),
        }
    }

    fn mutate_history(&self, case: &mut Case, rng: &mut Rng) {
        if rng.chance(1, 20) {
            case.actor = Some(if rng.chance(1, 2) { rng.pick(&self.words).clone() } else { weird_word(rng) });
            return;
        }
        let name = crate::exec::history_file(case);
        self.mutate_file(case, &name, FileKind::Csv, rng);
    }

    /// The TOML files of the case's tree the loader reads: the entry, the
    /// files it includes, the variants.
    fn scenario_files(&self, case: &Case) -> Vec<String> {
        let mut files = vec![case.entry.clone()];
        if let Some(text) = case.file(&case.entry, &self.bases) {
            let dir = parent(&case.entry);
            for line in text.split(|&b| b == b'\n').filter(|l| l.starts_with(b"include")) {
                for name in quoted(line) {
                    let path = join(&dir, &name);
                    if case.file(&path, &self.bases).is_some() {
                        files.push(path);
                    }
                }
            }
        }
        files.extend(case.variants.iter().filter(|v| case.file(v, &self.bases).is_some()).cloned());
        files
    }

    /// The map file the case's entry names, if it is in the tree.
    fn map_of(&self, case: &Case) -> Option<String> {
        let text = case.file(&case.entry, &self.bases)?;
        let line = text.split(|&b| b == b'\n').find(|l| l.starts_with(b"map ") || l.starts_with(b"map="))?;
        let path = join(&parent(&case.entry), quoted(line).first()?);
        case.file(&path, &self.bases).is_some().then_some(path)
    }

    fn mutate_variants(&self, case: &mut Case, rng: &mut Rng) {
        let available: Vec<String> = case
            .base
            .as_ref()
            .and_then(|b| self.bases.files(b).ok())
            .map(|f| f.keys().filter(|k| k.starts_with("variants/")).cloned().collect())
            .unwrap_or_default();
        match rng.below(4) {
            0 if !case.variants.is_empty() => {
                let i = rng.below(case.variants.len());
                case.variants.remove(i);
            }
            1 => {
                // A new overlay made of lines of other scenario files.
                let name = format!("variants/fuzz-{}.toml", case.variants.len());
                let mut body = Vec::new();
                for _ in 0..rng.small_size(12) {
                    let source = rng.pick(&self.tomls);
                    let lines: Vec<&[u8]> = source.split(|&b| b == b'\n').collect();
                    let at = rng.below(lines.len());
                    for l in &lines[at..(at + rng.small_size(8)).min(lines.len())] {
                        body.extend_from_slice(l);
                        body.push(b'\n');
                    }
                }
                case.files.insert(name.clone(), body);
                case.variants.push(name);
            }
            2 if !case.variants.is_empty() => {
                // The same overlay twice, or the scenario itself as an overlay.
                let v = if rng.chance(1, 2) { rng.pick(&case.variants).clone() } else { case.entry.clone() };
                case.variants.push(v);
            }
            _ if !available.is_empty() => case.variants.push(rng.pick(&available).clone()),
            _ => {}
        }
    }

    /// `include` of a special file: a device, a directory, a named pipe,
    /// the file itself, a missing one.
    fn special_include(&self, case: &mut Case, rng: &mut Rng) {
        let target = if rng.chance(1, 8) {
            let pipe = "fuzz-pipe.toml".to_string();
            let path = join(&parent(&case.entry), &pipe);
            if !case.fifos.contains(&path) {
                case.fifos.push(path);
            }
            pipe
        } else {
            rng.pick(SPECIAL_INCLUDES).to_string()
        };
        let quoted_name = serde_json::Value::String(target).to_string();
        let entry = case.entry.clone();
        let Some(text) = case.file(&entry, &self.bases).map(<[u8]>::to_vec) else { return };
        let new = match find_subslice(&text, b"include = [") {
            Some(at) => {
                let mut t = text.clone();
                let insert = format!("{quoted_name}, ");
                let pos = at + b"include = [".len();
                t.splice(pos..pos, insert.bytes());
                t
            }
            None => {
                let mut t = format!("include = [{quoted_name}]\n").into_bytes();
                t.extend_from_slice(&text);
                t
            }
        };
        case.files.insert(entry, new);
    }

    /// A `--set PATH=VALUE`: usually a path the scenario has, sometimes a
    /// near miss or nonsense.
    fn random_set(&self, case: &Case, rng: &mut Rng) -> String {
        let known: &[String] = self
            .paths
            .get(&tree_key(case.base.as_deref().unwrap_or(""), &case.entry))
            .filter(|p| !p.is_empty())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let path = match rng.below(20) {
            0..=13 if !known.is_empty() => rng.pick(known).clone(),
            14 | 15 if !known.is_empty() => {
                let p = rng.pick(known).clone();
                typo(&p, rng)
            }
            16 => {
                let n = *rng.pick(DOTTED_PARTS);
                vec!["a"; n].join(".")
            }
            17 => weird_word(rng),
            18 => String::new(),
            _ => (0..rng.between(1, 4)).map(|_| rng.pick(&self.words).clone()).collect::<Vec<_>>().join("."),
        };
        let value = match rng.below(10) {
            0..=6 => self.toml_value(rng),
            7 => weird_word(rng),
            8 => String::from_utf8_lossy(self.string_payload(rng).as_bytes()).into_owned(),
            _ => String::new(),
        };
        match rng.below(20) {
            0 => path,
            1 => format!("{path} = {value}"),
            2 => format!("{path}=={value}"),
            _ => format!("{path}={value}"),
        }
    }

    fn mutate_file(&self, case: &mut Case, name: &str, kind: FileKind, rng: &mut Rng) {
        let Some(bytes) = case.file(name, &self.bases) else { return };
        let mut bytes = bytes.to_vec();
        let structured = rng.chance(2, 3);
        match (kind, structured) {
            (FileKind::Toml, true) => self.toml_op(&mut bytes, rng),
            (FileKind::Csv, true) => self.csv_op(&mut bytes, rng),
            (FileKind::Json, true) => self.json_op(&mut bytes, rng),
            _ => self.byte_op(&mut bytes, kind, rng),
        }
        case.files.insert(name.to_string(), bytes);
    }

    fn byte_op(&self, bytes: &mut Vec<u8>, kind: FileKind, rng: &mut Rng) {
        let len = bytes.len();
        let pos = rng.below(len + 1);
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = *rng.pick(b"\x00\x7f\x80\xc0\xff\"'=[]{}().,#\n\\-+*");
            }
            2 => {
                let n = rng.small_size(16);
                let junk: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                bytes.splice(pos..pos, junk);
            }
            3 if len > 0 => {
                let n = rng.small_size(len.min(4096));
                let end = (pos + n).min(len);
                bytes.drain(pos.min(end)..end);
            }
            4 if len > 0 => {
                let from = rng.below(len);
                let n = rng.small_size(len.min(1024));
                let chunk = bytes[from..(from + n).min(len)].to_vec();
                bytes.splice(pos..pos, chunk);
            }
            5 => {
                let token = rng.pick(tokens()).as_bytes().to_vec();
                bytes.splice(pos..pos, token);
            }
            6 => {
                // After a one-byte token, where a lexer may slice by bytes.
                let at = find_after_punct(bytes, rng).unwrap_or(pos);
                bytes.splice(at..at, rng.pick(AWKWARD).iter().copied());
            }
            7 => {
                let pool = match kind {
                    FileKind::Csv => &self.csvs,
                    FileKind::Json => &self.jsons,
                    _ => &self.tomls,
                };
                let other = rng.pick(pool);
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = rng.small_size(other.len().min(2048));
                    bytes.splice(pos..pos, other[from..(from + n).min(other.len())].iter().copied());
                }
            }
            8 => bytes.truncate(pos),
            9 => {
                let number = rng.pick(NUMBERS).as_bytes().to_vec();
                let (start, end) = number_at(bytes, pos);
                bytes.splice(start..end, number);
            }
            _ => {
                let token = rng.pick(AWKWARD).to_vec();
                bytes.splice(pos..pos, token);
            }
        }
    }

    fn toml_op(&self, bytes: &mut Vec<u8>, rng: &mut Rng) {
        let lines = line_spans(bytes);
        let (ls, le) = *rng.pick(&lines);
        match rng.below(12) {
            0..=2 => {
                // A new value for a key.
                if let Some((s, e)) = value_span(bytes, &lines, rng) {
                    let v = self.toml_value(rng);
                    bytes.splice(s..e, format!(" {v}").into_bytes());
                }
            }
            3..=5 => {
                // A string's content: rule-language text, deep nesting, odd characters.
                if let Some((s, e)) = string_span(bytes, &lines, rng) {
                    let payload = self.string_payload(rng);
                    bytes.splice(s..e, payload.into_bytes());
                }
            }
            6 => {
                let line = self.toml_line(rng);
                bytes.splice(ls..ls, format!("{line}\n").into_bytes());
            }
            7 => {
                let copy = bytes[ls..le].to_vec();
                let (at, _) = *rng.pick(&lines);
                bytes.splice(at..at, copy.into_iter().chain([b'\n']));
            }
            8 => {
                bytes.drain(ls..(le + 1).min(bytes.len()));
            }
            9 => {
                // Swap a word for another the scenarios use (an id, a key).
                let words = word_spans(&bytes[ls..le]);
                if !words.is_empty() {
                    let (s, e) = *rng.pick(&words);
                    let w = rng.pick(&self.words).clone();
                    bytes.splice(ls + s..ls + e, w.into_bytes());
                }
            }
            10 => {
                // Move a block of lines elsewhere (a key into another table).
                let n = rng.small_size(20);
                let i = lines.iter().position(|&l| l == (ls, le)).unwrap_or(0);
                let end = lines.get((i + n).min(lines.len() - 1)).map_or(le, |l| l.1);
                let block: Vec<u8> = bytes[ls..(end + 1).min(bytes.len())].to_vec();
                bytes.drain(ls..(end + 1).min(bytes.len()));
                let at = rng.below(bytes.len() + 1);
                let at = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                bytes.splice(at..at, block);
            }
            _ => {
                // Awkward characters inside a string or a comment, after punctuation.
                let at = find_after_punct(bytes, rng).unwrap_or(ls);
                bytes.splice(at..at, rng.pick(AWKWARD).iter().copied());
            }
        }
    }

    fn csv_op(&self, bytes: &mut Vec<u8>, rng: &mut Rng) {
        let lines = line_spans(bytes);
        let (ls, le) = *rng.pick(&lines);
        match rng.below(8) {
            0..=3 => {
                let line = String::from_utf8_lossy(&bytes[ls..le]).into_owned();
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                let i = rng.below(fields.len());
                fields[i] = self.csv_value(rng);
                bytes.splice(ls..le, fields.join(",").into_bytes());
            }
            4 => {
                let header = rng.pick(&[
                    "date,region,controller",
                    "region,date,controller",
                    "controller,region,date,extra",
                    "date,region",
                    "date,date,region,controller",
                    "\u{feff}date,region,controller",
                    "Date,Region,Controller",
                    " date , region , controller ",
                    "",
                ]);
                let first = lines[0];
                bytes.splice(first.0..first.1, header.bytes());
            }
            5 => {
                let copy = bytes[ls..le].to_vec();
                for _ in 0..rng.small_size(64) {
                    let at = bytes.len();
                    if at > 0 && bytes[at - 1] != b'\n' {
                        bytes.push(b'\n');
                    }
                    bytes.extend_from_slice(&copy);
                }
            }
            6 => {
                bytes.drain(ls..(le + 1).min(bytes.len()));
            }
            _ => {
                let at = rng.between(ls, le);
                bytes.splice(at..at, rng.pick(AWKWARD).iter().copied());
            }
        }
    }

    fn json_op(&self, bytes: &mut Vec<u8>, rng: &mut Rng) {
        let Ok(mut root) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            return self.byte_op(bytes, FileKind::Json, rng);
        };
        let donor = random_node(&mut root.clone(), rng).clone();
        let node = random_node(&mut root, rng);
        match rng.below(8) {
            0..=2 => *node = json_value(rng),
            3 => match node {
                serde_json::Value::Array(a) if !a.is_empty() => {
                    let i = rng.below(a.len());
                    a.remove(i);
                }
                serde_json::Value::Object(o) if !o.is_empty() => {
                    let i = rng.below(o.len());
                    if let Some(k) = o.keys().nth(i).cloned() {
                        o.remove(&k);
                    }
                }
                _ => *node = serde_json::Value::Null,
            },
            4 => match node {
                serde_json::Value::Array(a) if !a.is_empty() => {
                    let i = rng.below(a.len());
                    let copy = a[i].clone();
                    a.insert(rng.below(a.len() + 1), copy);
                }
                _ => {}
            },
            5 => {
                if let serde_json::Value::Array(a) = node {
                    a.truncate(rng.below(4));
                }
            }
            6 => *node = donor,
            _ => {
                if let serde_json::Value::Array(a) = node {
                    a.reverse();
                }
            }
        }
        *bytes = serde_json::to_vec(&root).unwrap_or_default();
    }

    /// A TOML value: an edge number, a string, a date, an array or table,
    /// sometimes deeply nested.
    fn toml_value(&self, rng: &mut Rng) -> String {
        match rng.below(14) {
            0..=5 => rng.pick(NUMBERS).to_string(),
            6 => serde_json::Value::String(rng.pick(&self.words).clone()).to_string(),
            7 => serde_json::Value::String(self.string_payload(rng)).to_string(),
            8 => rng
                .pick(&[
                    "true",
                    "false",
                    "2014-06-01",
                    "0000-01-01",
                    "9999-12-31",
                    "2014-02-30",
                    "1979-05-27T07:32:00Z",
                ])
                .to_string(),
            9 => {
                format!("[{}]", (0..rng.below(4)).map(|_| rng.pick(NUMBERS).to_string()).collect::<Vec<_>>().join(", "))
            }
            10 => {
                let w = rng.pick(&self.words).clone();
                format!("{{ {w} = {} }}", rng.pick(NUMBERS))
            }
            11 => {
                let n = *rng.pick(DEPTHS);
                format!("{}1{}", "[".repeat(n), "]".repeat(n))
            }
            12 => {
                let n = *rng.pick(DEPTHS);
                format!("{}1{}", "{a = ".repeat(n), " }".repeat(n))
            }
            _ => "\"\"".into(),
        }
    }

    /// A whole TOML line to insert.
    fn toml_line(&self, rng: &mut Rng) -> String {
        let w = rng.pick(&self.words).clone();
        match rng.below(7) {
            0 => {
                let n = *rng.pick(DOTTED_PARTS);
                format!("{} = 1", vec!["a"; n].join("."))
            }
            1 => format!("[{w}]"),
            2 => format!("[[{w}]]"),
            3 => format!("{w} = {}", self.toml_value(rng)),
            4 => {
                let n = *rng.pick(DEPTHS);
                format!("[{}]", vec![w.as_str(); n.min(2000)].join("."))
            }
            5 => format!("{w}.{} = {}", rng.pick(&self.words), self.toml_value(rng)),
            _ => format!("include = [{}]", serde_json::Value::String(rng.pick(SPECIAL_INCLUDES).to_string())),
        }
    }

    /// A string body (escaped for a TOML basic string): rule-language text,
    /// deep nesting, awkward characters, long names.
    fn string_payload(&self, rng: &mut Rng) -> String {
        let s = match rng.below(10) {
            0..=3 => self.expression(rng, 4),
            4 | 5 => deep_expression(rng),
            6 => {
                let mut e = self.expression(rng, 3);
                let chars: Vec<(usize, char)> = e.char_indices().filter(|(_, c)| "()*+-/<>=,".contains(*c)).collect();
                let at = if chars.is_empty() { 0 } else { rng.pick(&chars).0 + 1 };
                let awkward = rng.pick(&["\u{a0}", "\u{2028}", "\u{feff}", "\u{301}", "é", "\u{1F600}", "\u{200b}"]);
                e.insert_str(at, awkward);
                e
            }
            7 => rng.pick(&self.words).repeat(rng.small_size(100_000)),
            8 => weird_word(rng),
            _ => String::new(),
        };
        // Escape for a TOML basic string (the same rules as JSON's).
        let quoted = serde_json::Value::String(s).to_string();
        quoted[1..quoted.len() - 1].to_string()
    }

    /// A random rule-language expression, about `depth` levels deep.
    fn expression(&self, rng: &mut Rng, depth: usize) -> String {
        if depth == 0 || rng.chance(1, 4) {
            return match rng.below(8) {
                0 | 1 => rng.pick(NUMBERS).to_string(),
                2 => rng.pick(&["true", "false", "tick", "date", "2014-06-01", "2015-13-45"]).to_string(),
                _ => rng.pick(&self.words).clone(),
            };
        }
        match rng.below(6) {
            0 => {
                let (f, n) = *rng.pick(functions());
                let args: Vec<String> =
                    (0..n + usize::from(rng.chance(1, 10)))
                        .map(|_| {
                            if rng.chance(1, 2) {
                                rng.pick(&self.words).clone()
                            } else {
                                self.expression(rng, depth - 1)
                            }
                        })
                        .collect();
                format!("{f}({})", args.join(", "))
            }
            1 => format!("not {}", self.expression(rng, depth - 1)),
            2 => format!("-{}", self.expression(rng, depth - 1)),
            3 => format!("({})", self.expression(rng, depth - 1)),
            _ => {
                let op = rng.pick(&["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"]);
                format!("{} {op} {}", self.expression(rng, depth - 1), self.expression(rng, depth - 1))
            }
        }
    }

    /// A CSV field: dates at the edges, ids, empty, quoted, long.
    fn csv_value(&self, rng: &mut Rng) -> String {
        match rng.below(10) {
            0..=2 => rng
                .pick(&[
                    "2014-02-30",
                    "0000-01-01",
                    "9999-12-31",
                    "-2014-01-01",
                    "+10000-01-01",
                    "2014-1-1",
                    "2014-06-01T00:00:00",
                    "1970-01-01",
                    "2017-12-31",
                    "2014-06-01",
                    "2262-04-12",
                    "20140601",
                ])
                .to_string(),
            3 | 4 => rng.pick(&self.words).clone(),
            5 => rng.pick(&["", "nobody", "\"\"", "\"a,b\"", "\"a\nb\"", "\"unterminated", "\"\"\""]).to_string(),
            6 => rng.pick(&self.words).repeat(rng.small_size(100_000)),
            7 => weird_word(rng),
            _ => rng.pick(NUMBERS).to_string(),
        }
    }
}

/// Which structure a file has.
#[derive(Debug, Clone, Copy)]
enum FileKind {
    Toml,
    Csv,
    Json,
    Bytes,
}

/// A FeatureCollection holding the first `n` features of `map`.
fn subset_features(map: &[u8], n: usize) -> Option<Vec<u8>> {
    let mut v: serde_json::Value = serde_json::from_slice(map).ok()?;
    let features = v.get_mut("features")?.as_array_mut()?;
    features.truncate(n);
    serde_json::to_vec(&v).ok()
}

fn tree_key(base: &str, entry: &str) -> String {
    format!("{base}/{entry}")
}

fn parent(path: &str) -> String {
    path.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_string())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// The strings between double quotes on a line.
fn quoted(line: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(line);
    text.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Dotted paths of every table and value of a TOML tree.
fn leaf_paths(v: &Value, prefix: &mut String, out: &mut Vec<String>) {
    if let Kind::Table(t) = &v.kind {
        for (k, child) in t {
            if !k.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                continue;
            }
            let len = prefix.len();
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(&k.name);
            out.push(prefix.clone());
            leaf_paths(child, prefix, out);
            prefix.truncate(len);
        }
    }
}

fn harvest_words(bytes: &[u8], out: &mut BTreeSet<String>) {
    for (s, e) in word_spans(bytes) {
        if e - s >= 2 && e - s <= 40 {
            out.insert(String::from_utf8_lossy(&bytes[s..e]).into_owned());
        }
    }
}

/// Byte ranges of identifier-like words.
fn word_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_word(bytes[i]) {
            let s = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// (start, end) of each line, without its newline; at least one.
fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    if start < bytes.len() || out.is_empty() {
        out.push((start, bytes.len()));
    }
    out
}

/// The span after `=` of a random `key = value` line.
fn value_span(bytes: &[u8], lines: &[(usize, usize)], rng: &mut Rng) -> Option<(usize, usize)> {
    let candidates: Vec<(usize, usize)> = lines
        .iter()
        .filter(|&&(s, e)| {
            let l = &bytes[s..e];
            !l.starts_with(b"#") && !l.starts_with(b"[") && l.contains(&b'=')
        })
        .copied()
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let (s, e) = *rng.pick(&candidates);
    let eq = s + bytes[s..e].iter().position(|&b| b == b'=')? + 1;
    Some((eq, e))
}

/// The inside of a random double-quoted string on one line, preferring
/// rule-language text (lines with `when`, or with parentheses).
fn string_span(bytes: &[u8], lines: &[(usize, usize)], rng: &mut Rng) -> Option<(usize, usize)> {
    let mut spans = Vec::new();
    let mut rules = Vec::new();
    for &(s, e) in lines {
        let quotes: Vec<usize> = (s..e).filter(|&i| bytes[i] == b'"' && (i == s || bytes[i - 1] != b'\\')).collect();
        let is_rule = find_subslice(&bytes[s..e], b"when").is_some() || bytes[s..e].contains(&b'(');
        for pair in quotes.chunks_exact(2) {
            spans.push((pair[0] + 1, pair[1]));
            if is_rule {
                rules.push((pair[0] + 1, pair[1]));
            }
        }
    }
    if !rules.is_empty() && rng.chance(2, 3) {
        return Some(*rng.pick(&rules));
    }
    (!spans.is_empty()).then(|| *rng.pick(&spans))
}

/// A position right after a one-byte token, if the text has any.
fn find_after_punct(bytes: &[u8], rng: &mut Rng) -> Option<usize> {
    let spots: Vec<usize> =
        bytes.iter().enumerate().filter(|(_, b)| b"()*+-/<>=,[]{}".contains(b)).map(|(i, _)| i + 1).collect();
    (!spots.is_empty()).then(|| *rng.pick(&spots))
}

/// The number around `pos` (or an empty span at `pos`).
fn number_at(bytes: &[u8], pos: usize) -> (usize, usize) {
    let is_num = |b: u8| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'_';
    let from = bytes[pos..].iter().position(|b| b.is_ascii_digit()).map(|i| pos + i);
    let Some(mut s) = from else { return (pos, pos) };
    let mut e = s;
    while s > 0 && (is_num(bytes[s - 1]) || bytes[s - 1] == b'-') {
        s -= 1;
    }
    while e < bytes.len() && is_num(bytes[e]) {
        e += 1;
    }
    (s, e)
}

/// Deeply nested rule-language text of the shapes that recursive parsers
/// get wrong.
fn deep_expression(rng: &mut Rng) -> String {
    let n = *rng.pick(DEPTHS);
    match rng.below(6) {
        0 => format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        1 => format!("{}true", "not ".repeat(n)),
        2 => format!("{}1", "-".repeat(n)),
        3 => format!("{}1{}", "if(true, ".repeat(n), ", 0)".repeat(n)),
        4 => format!("{}1{}", "min(1, ".repeat(n), ")".repeat(n)),
        _ => vec!["1"; n.min(20_000)].join(" + "),
    }
}

/// A word of odd characters (or length).
fn weird_word(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "\u{a0}".into(),
        1 => "é\u{301}\u{2028}x".into(),
        2 => "a".repeat(rng.small_size(4 << 20)),
        3 => "\u{feff}gov".into(),
        4 => "..".into(),
        _ => " ".into(),
    }
}

/// A near miss of a path: one character changed, dropped or added.
fn typo(path: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = path.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let i = rng.below(chars.len());
    match rng.below(3) {
        0 => chars[i] = *rng.pick(&['x', '_', '-', 'e', '0']),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, 'x'),
    }
    chars.into_iter().collect()
}

/// A JSON value at the edges.
fn json_value(rng: &mut Rng) -> serde_json::Value {
    use serde_json::{Value as J, json};
    match rng.below(12) {
        0 => json!(1e308),
        1 => json!(-1e308),
        2 => json!(f64::MIN_POSITIVE / 1e10),
        3 => json!(-0.0),
        4 => json!(u64::MAX),
        5 => json!(i64::MIN),
        6 => J::String(rng.pick(&["", "\u{a0}", "IQG01Q01", "é\u{301}", "\u{feff}"]).to_string()),
        7 => J::Null,
        8 => json!([]),
        9 => json!({}),
        10 => {
            let mut v = json!(1);
            for _ in 0..*rng.pick(&[2usize, 10, 127, 128, 200]) {
                v = J::Array(vec![v]);
            }
            v
        }
        _ => json!(rng.below(1000) as f64 / 7.0),
    }
}

/// A random node of a JSON tree (the root sometimes, leaves often).
fn random_node<'a>(root: &'a mut serde_json::Value, rng: &mut Rng) -> &'a mut serde_json::Value {
    let mut node = root;
    loop {
        let len = match &*node {
            serde_json::Value::Array(a) => a.len(),
            serde_json::Value::Object(o) => o.len(),
            _ => 0,
        };
        if len == 0 || rng.chance(1, 10) {
            return node;
        }
        let i = rng.below(len);
        node = match node {
            serde_json::Value::Array(a) => &mut a[i],
            serde_json::Value::Object(o) => o.values_mut().nth(i).expect("index in range"),
            _ => unreachable!("only containers have children"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generator() -> Generator {
        let bases = Bases::new(&crate::supervisor::default_root());
        Generator::new(bases, &[Target::Scenario, Target::History, Target::Geojson], &[]).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let g = generator();
        for i in 0..40 {
            assert_eq!(g.generate(11, i).encode(), g.generate(11, i).encode(), "case {i}");
        }
        let differ = (0..40).filter(|&i| g.generate(11, i).encode() != g.generate(12, i).encode()).count();
        assert!(differ > 30, "other seeds give other cases ({differ} of 40 differ)");
    }

    #[test]
    fn generated_cases_cover_every_target_and_survive_encoding() {
        let g = generator();
        let mut seen = BTreeSet::new();
        for i in 0..300 {
            let case = g.generate(3, i);
            seen.insert(case.target());
            assert_eq!(Case::decode(&case.encode()).unwrap(), case);
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn set_paths_come_from_the_scenarios_keys() {
        let g = generator();
        let iraq = &g.paths[&tree_key("scenarios/iraq", "scenario.toml")];
        assert!(iraq.iter().any(|p| p.starts_with("regions.")), "regions.toml's keys are Iraq's");
        assert!(iraq.iter().any(|p| p.starts_with("parameters.")));
    }

    #[test]
    fn number_spans_cover_the_whole_number() {
        assert_eq!(number_at(b"x = -12.5e3\n", 0), (4, 11));
        assert_eq!(number_at(b"abc", 1), (1, 1));
    }
}

//! The JSON Schema and the decoder agree: same keys, ranges, defaults and
//! choices, checked from the declarations, from the schema's side, against
//! the example file, and value by value with a focused schema validator.

use crate::params::{Scenario, decode};
use crate::spec::{self, Key, SECTIONS, TOP, Type};
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::value::{Kind, Value, parse_toml};
use serde_json::{Value as Json, json};

fn example_text() -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/civil-violence.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes `text` as the file `t.toml`: the scenario, or the rendered errors.
fn decode_text(text: &str) -> Result<Scenario, String> {
    let mut s = Sources::new();
    let f = s.add("t.toml".into(), text.into(), None);
    let mut d = Diagnostics::default();
    let tree = parse_toml(text, f, &mut d).unwrap_or_else(|| panic!("not TOML: {text}"));
    match decode(&tree, &mut d) {
        Some(sc) if d.is_empty() => Ok(sc),
        _ => Err(d.render(&s, false)),
    }
}

/// One TOML value, written as `text`.
fn toml_value(text: &str) -> Value {
    let mut d = Diagnostics::default();
    let tree = parse_toml(&format!("v = {text}\n"), 0, &mut d).unwrap_or_else(|| panic!("not a TOML value: {text}"));
    tree.get("v").expect("v").clone()
}

/// A located TOML value as JSON. A non-finite float has no JSON form (null);
/// nor has a TOML date, which the decoder never takes for a string: it
/// becomes a tagged object, so the schema's verdict on it is the decoder's.
fn to_json(v: &Value) -> Json {
    match &v.kind {
        Kind::Str(s) => json!(s),
        Kind::Int(n) => json!(n),
        Kind::Float(x) => json!(x),
        Kind::Bool(b) => json!(b),
        Kind::Date(d) => json!({ "toml-date": d.to_string() }),
        Kind::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        Kind::Table(t) => Json::Object(t.iter().map(|(k, x)| (k.name.clone(), to_json(x))).collect()),
    }
}

/// A JSON value written as TOML.
fn toml_text(v: &Json) -> String {
    match v {
        Json::String(s) => serde_json::to_string(s).unwrap(),
        Json::Number(n) if n.is_f64() => format!("{:?}", n.as_f64().unwrap()),
        other => other.to_string(),
    }
}

/// A focused JSON Schema validator for the keywords the civil schema uses
/// (type, minimum, maximum, enum, const, properties, required,
/// additionalProperties). It panics on any other constraint keyword, so a
/// keyword added to the schema cannot be silently ignored here.
///
/// `integer` means a JSON integer token, as a TOML-to-JSON converter writes
/// a TOML integer; draft 2020-12 would also take 40.0, which the decoder
/// (reading TOML, where 40.0 is a float) refuses.
fn validate(schema: &Json, v: &Json, path: &str, errs: &mut Vec<String>) {
    let o = schema.as_object().expect("a schema is an object");
    for k in o.keys() {
        let known = [
            "$schema",
            "title",
            "description",
            "default",
            "type",
            "minimum",
            "maximum",
            "enum",
            "const",
            "properties",
            "required",
            "additionalProperties",
        ];
        assert!(known.contains(&k.as_str()), "the test validator does not know the keyword `{k}` at {path}");
    }
    if let Some(c) = o.get("const")
        && c != v
    {
        errs.push(format!("{path}: {v} is not {c}"));
    }
    if let Some(Json::Array(e)) = o.get("enum")
        && !e.contains(v)
    {
        errs.push(format!("{path}: {v} is not one of {e:?}"));
    }
    if let Some(Json::String(t)) = o.get("type") {
        let ok = match t.as_str() {
            "object" => v.is_object(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            other => panic!("type {other}"),
        };
        if !ok {
            errs.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    // Integers compare exactly (i64::MAX has no exact f64).
    let below = |x: &Json, bound: &Json| match (x.as_i64(), bound.as_i64()) {
        (Some(a), Some(b)) => a < b,
        _ => x.as_f64().unwrap() < bound.as_f64().unwrap(),
    };
    if v.is_number() {
        if let Some(min) = o.get("minimum")
            && below(v, min)
        {
            errs.push(format!("{path}: {v} is below the minimum {min}"));
        }
        if let Some(max) = o.get("maximum")
            && below(max, v)
        {
            errs.push(format!("{path}: {v} is above the maximum {max}"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = o.get("properties").and_then(Json::as_object);
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, x, &format!("{path}.{k}"), errs),
                None if o.get("additionalProperties") == Some(&json!(false)) => {
                    errs.push(format!("{path}: unknown property `{k}`"))
                }
                None => {}
            }
        }
        for r in o.get("required").and_then(Json::as_array).into_iter().flatten() {
            if !obj.contains_key(r.as_str().unwrap()) {
                errs.push(format!("{path}: missing `{r}`"));
            }
        }
    }
}

fn errors(schema: &Json, v: &Json) -> Vec<String> {
    let mut e = Vec::new();
    validate(schema, v, "$", &mut e);
    e
}

/// Every declared key with the table it lives in (`None`: the top).
fn declared() -> Vec<(Option<&'static str>, &'static Key)> {
    TOP.iter()
        .map(|k| (None, k))
        .chain(SECTIONS.iter().flat_map(|s| s.keys.iter().map(move |k| (Some(s.name), k))))
        .collect()
}

/// The schema of `key` as it stands in the whole schema.
fn key_schema<'a>(schema: &'a Json, section: Option<&str>, key: &str) -> &'a Json {
    let o = match section {
        Some(s) => &schema["properties"][s],
        None => schema,
    };
    let k = &o["properties"][key];
    assert!(k.is_object(), "`{key}` ({section:?}) is missing from the schema");
    k
}

#[test]
fn the_schema_is_draft_2020_12_and_pins_the_model() {
    let s = crate::schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["properties"]["model"]["const"], crate::params::MODEL_NAME);
    assert_eq!(s["required"], json!(["model"]));
    assert_eq!(s["additionalProperties"], json!(false));
    for sec in SECTIONS {
        assert_eq!(s["properties"][sec.name]["additionalProperties"], json!(false), "{}", sec.name);
        assert_eq!(s["properties"][sec.name]["type"], "object");
    }
    // It serialises (the CLI prints it).
    assert!(serde_json::to_string_pretty(&s).unwrap().contains("\"civil-violence\""));
}

#[test]
fn every_declared_key_is_in_the_schema_with_its_range_default_and_doc() {
    let s = crate::schema();
    let defaults = Scenario::default();
    for (section, key) in declared() {
        let k = key_schema(&s, section, key.name);
        assert_eq!(k["description"], key.doc, "{}", key.name);
        match key.ty {
            Type::Model(m) => assert_eq!(k["const"], m),
            Type::Int { min, max, .. } => {
                assert_eq!((&k["type"], &k["minimum"], &k["maximum"]), (&json!("integer"), &json!(min), &json!(max)));
            }
            Type::Float { min, max, .. } => {
                assert_eq!((&k["type"], &k["minimum"], &k["maximum"]), (&json!("number"), &json!(min), &json!(max)));
            }
            Type::Choice { names, .. } => assert_eq!(k["enum"], json!(names), "{}", key.name),
            Type::Bool { .. } => assert_eq!(k["type"], "boolean"),
            Type::Text { .. } => assert_eq!(k["type"], "string"),
        }
        if !matches!(key.ty, Type::Model(_)) {
            assert_eq!(k["default"], key.value(&defaults), "{}", key.name);
        }
    }
    // And nothing more: each object lists exactly the declared names.
    let names = |o: &Json| o["properties"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&s), spec::top_names());
    for sec in SECTIONS {
        assert_eq!(names(&s["properties"][sec.name]), sec.key_names());
    }
}

#[test]
fn the_decoder_accepts_exactly_the_schemas_keys_with_the_schemas_defaults() {
    let s = crate::schema();
    // A file holding every schema property at its schema default (written
    // from the schema, not the declarations) decodes to the defaults.
    let mut text = String::from("model = \"civil-violence\"\n");
    let mut tables = String::new();
    for (name, p) in s["properties"].as_object().unwrap() {
        if let Some(props) = p.get("properties").and_then(Json::as_object) {
            tables += &format!("[{name}]\n");
            for (k, kp) in props {
                tables += &format!("{k} = {}\n", toml_text(&kp["default"]));
            }
        } else if name != "model" {
            text += &format!("{name} = {}\n", toml_text(&p["default"]));
        }
    }
    text += &tables;
    assert_eq!(decode_text(&text).unwrap_or_else(|e| panic!("{e}\n{text}")), Scenario::default(), "{text}");
    // The decoder's own list of valid keys (in its unknown-key error) is the
    // schema's, at the top and in every table.
    let listed = |e: &str| -> Vec<String> {
        let l = e.lines().find_map(|l| l.trim().strip_prefix("= expected: one of ")).unwrap_or_else(|| panic!("{e}"));
        l.split(", ").map(str::to_string).collect()
    };
    let names = |o: &Json| o["properties"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let e = decode_text("model = \"civil-violence\"\nbogus = 1\n").unwrap_err();
    assert_eq!(listed(&e), names(&s), "{e}");
    for sec in SECTIONS {
        let e = decode_text(&format!("model = \"civil-violence\"\n[{}]\nbogus = 1\n", sec.name)).unwrap_err();
        assert!(e.contains(&format!("unknown key `bogus` in [{}]", sec.name)), "{e}");
        assert_eq!(listed(&e), names(&s["properties"][sec.name]), "{e}");
    }
    // And the manifest's parameter values are the `[parameters]` keys.
    let pj = crate::Params::default().to_json();
    assert_eq!(pj.as_object().unwrap().keys().cloned().collect::<Vec<_>>(), names(&s["properties"]["parameters"]));
    for (k, v) in pj.as_object().unwrap() {
        assert_eq!(&s["properties"]["parameters"]["properties"][k]["default"], v, "{k}");
    }
}

#[test]
fn the_schema_validates_the_example_file_and_holds_every_key_in_it() {
    let s = crate::schema();
    let text = example_text();
    let mut d = Diagnostics::default();
    let tree = parse_toml(&text, 0, &mut d).expect("the example is TOML");
    let doc = to_json(&tree);
    // Every key of the example is a schema property.
    for (k, v) in doc.as_object().unwrap() {
        assert!(s["properties"].get(k).is_some(), "example key `{k}` is not in the schema");
        if let Some(t) = v.as_object() {
            for k2 in t.keys() {
                assert!(
                    s["properties"][k]["properties"].get(k2).is_some(),
                    "example key `{k}.{k2}` is not in the schema"
                );
            }
        }
    }
    assert_eq!(errors(&s, &doc), Vec::<String>::new());
    assert!(decode_text(&text).is_ok());
    // The validator is not trivially satisfied: each of these breaks of the
    // example is refused, by it and by the decoder.
    let breaks: &[(&str, &str)] = &[
        ("width = 40", "widht = 40"),
        ("width = 40", "width = 0"),
        ("width = 40", "width = \"40\""),
        ("cop_density = 0.074", "cop_density = 1.5"),
        ("arrest_rule = \"round-half-even\"", "arrest_rule = \"round\""),
        ("movement = true", "movement = 1"),
        ("model = \"civil-violence\"", "model = \"civil_violence\""),
        ("model = \"civil-violence\"", ""),
        ("snapshot_every = 0", "snapshot_every = -1"),
        ("[output]", "[outputs]"),
    ];
    for (from, to) in breaks {
        assert!(text.contains(from), "{from}");
        let bad = text.replacen(from, to, 1);
        let tree = parse_toml(&bad, 0, &mut d).expect("still TOML");
        assert!(!errors(&s, &to_json(&tree)).is_empty(), "the schema accepts `{to}`");
        assert!(decode_text(&bad).is_err(), "the decoder accepts `{to}`");
    }
}

/// Values to try for a key: every TOML type, and for its own type the
/// bounds, just past them and the choices (right, misspelt, wrong case).
fn candidates(ty: Type) -> Vec<String> {
    let mut c: Vec<String> =
        ["\"x\"", "true", "0", "1", "-1", "1.5", "[1]", "{ a = 1 }", "1979-01-01"].map(String::from).into();
    match ty {
        Type::Model(m) => c.extend([format!("\"{m}\""), format!("\"{}\"", m.replace('-', "_"))]),
        Type::Int { min, max, .. } => {
            c.extend([min, max, min / 2 + max / 2].map(|n| n.to_string()));
            c.extend(min.checked_sub(1).map(|n| n.to_string()));
            c.extend(max.checked_add(1).map(|n| n.to_string()));
        }
        Type::Float { min, max, .. } => {
            let past = |x: f64| x.abs().max(1.0);
            c.extend([min, max, (min + max) / 2.0, min - past(min), max + past(max)].map(|x| format!("{x:?}")));
            c.extend(["nan", "inf", "-inf"].map(String::from));
        }
        Type::Choice { names, .. } => {
            for n in names {
                c.extend([format!("\"{n}\""), format!("\"{n}x\""), format!("\"{}\"", n.to_uppercase())]);
            }
        }
        Type::Bool { .. } | Type::Text { .. } => c.push("false".into()),
    }
    c
}

#[test]
fn the_schema_and_the_decoder_agree_on_every_value_of_every_key() {
    let s = crate::schema();
    let mut tried = 0;
    for (section, key) in declared() {
        let ks = key_schema(&s, section, key.name);
        for text in candidates(key.ty) {
            let v = toml_value(&text);
            let mut d = Diagnostics::default();
            let mut sc = Scenario::default();
            key.decode(&v, &mut sc, &mut d);
            let by_schema = errors(ks, &to_json(&v));
            assert_eq!(d.is_empty(), by_schema.is_empty(), "{} = {text}: schema says {by_schema:?}", key.name);
            if d.is_empty() && !matches!(key.ty, Type::Model(_)) {
                // What was stored reads back as the value written (an
                // integer written for a number reads back as a float).
                let written = to_json(&v);
                let expect = match key.ty {
                    Type::Float { .. } => json!(written.as_f64().unwrap()),
                    _ => written,
                };
                assert_eq!(key.value(&sc), expect, "{} = {text}", key.name);
            }
            tried += 1;
        }
    }
    assert!(tried > 200, "{tried}");
}

#[test]
fn a_value_out_of_range_is_refused_with_the_bound_the_schema_states() {
    let s = crate::schema();
    let mut checked = 0;
    for (section, key) in declared() {
        let ks = key_schema(&s, section, key.name);
        let (Some(min), Some(max)) = (ks.get("minimum"), ks.get("maximum")) else { continue };
        // The range as the decoder words it, from the schema's numbers.
        let (expected, outside): (String, Vec<String>) = match key.ty {
            Type::Int { .. } => {
                let (lo, hi) = (min.as_i64().unwrap(), max.as_i64().unwrap());
                let past = [lo.checked_sub(1), hi.checked_add(1)].into_iter().flatten().map(|n| n.to_string());
                (format!("an integer in {lo}..={hi}"), past.collect())
            }
            _ => {
                let (lo, hi) = (min.as_f64().unwrap(), max.as_f64().unwrap());
                let past = [lo - lo.abs().max(1.0), hi + hi.abs().max(1.0)].map(|x| format!("{x:?}"));
                (format!("a number in [{lo}, {hi}]"), past.into())
            }
        };
        assert!(!outside.is_empty(), "{}", key.name);
        for text in outside {
            let (file, line) = match section {
                Some(sec) => (format!("model = \"civil-violence\"\n[{sec}]\n{} = {text}\n", key.name), 3),
                None => (format!("model = \"civil-violence\"\n{} = {text}\n", key.name), 2),
            };
            let col = key.name.len() + 4;
            let e = decode_text(&file).unwrap_err();
            assert!(e.contains(&format!("`{}` = ", key.name)) && e.contains("is out of range"), "{e}");
            assert!(e.contains(&format!("expected: {expected}")), "{e}");
            assert!(e.contains(&format!("t.toml:{line}:{col}")), "{e}");
            assert!(!errors(ks, &to_json(&toml_value(&text))).is_empty(), "the schema accepts {} = {text}", key.name);
            checked += 1;
        }
    }
    // seed has no value above i64::MAX to write; every other bound is tried.
    assert_eq!(
        checked,
        2 * (declared().iter().filter(|(_, k)| matches!(k.ty, Type::Int { .. } | Type::Float { .. })).count()) - 1
    );
}

#[test]
fn choices_and_ranges_fit_the_fields_they_are_stored_in() {
    for (_, key) in declared() {
        let mut s = Scenario::default();
        match key.ty {
            Type::Choice { names, get, set } => {
                for n in names {
                    set(&mut s, n);
                    assert_eq!(get(&s), *n, "{}", key.name);
                }
            }
            Type::Int { min, max, get, set } => {
                for n in [min, max] {
                    set(&mut s, n);
                    assert_eq!(get(&s), n, "{}", key.name);
                }
            }
            Type::Float { min, max, get, set } => {
                for x in [min, max] {
                    set(&mut s, x);
                    assert_eq!(get(&s), x, "{}", key.name);
                }
            }
            Type::Bool { get, set } => {
                for b in [false, true] {
                    set(&mut s, b);
                    assert_eq!(get(&s), b, "{}", key.name);
                }
            }
            Type::Text { get, set } => {
                set(&mut s, "a name");
                assert_eq!(get(&s), "a name");
            }
            Type::Model(_) => {}
        }
    }
}

//! The civil-violence scenario format, declared once.
//!
//! Every key of the file is one [`Key`] below: its name, doc line, type and
//! accepted range (or choices), and how it reads and writes a [`Scenario`].
//! The decoder ([`crate::params::decode`]), the manifest's parameter values
//! ([`crate::Params::to_json`]) and the JSON Schema ([`schema`]) are all
//! generated from these declarations, so they cannot drift apart. Defaults
//! are not restated here: a key's default is its getter applied to
//! [`Scenario::default`], the value the decoder starts from.
//!
//! Owns the per-key shape of the format only. The checks that span keys
//! (densities summing to at most 1, the grid size, the memory budget) stay
//! in the decoder; the schema's descriptions name them.

use crate::params::{ArrestRule, MODEL_NAME, Scenario, VisionShape};
use frontline_scenario::diag::{Diagnostic, Diagnostics, choice_hint};
use frontline_scenario::value::{Kind, Value};
use serde_json::{Value as Json, json};

/// The type of a key's value, with its accepted range and how it is read
/// from and written to a [`Scenario`]. The setter is only ever given a value
/// the decoder has checked against the range or the choices.
#[derive(Clone, Copy)]
pub enum Type {
    /// The top-level `model` key: required, and exactly this string.
    Model(&'static str),
    /// Any string.
    Text {
        /// The value in a scenario.
        get: fn(&Scenario) -> &str,
        /// Stores a value.
        set: fn(&mut Scenario, &str),
    },
    /// An integer in `min..=max`.
    Int {
        /// Least accepted value.
        min: i64,
        /// Greatest accepted value.
        max: i64,
        /// The value in a scenario.
        get: fn(&Scenario) -> i64,
        /// Stores a value in `min..=max`.
        set: fn(&mut Scenario, i64),
    },
    /// A number in `[min, max]`; an integer is read as the number it names.
    Float {
        /// Least accepted value.
        min: f64,
        /// Greatest accepted value.
        max: f64,
        /// The value in a scenario.
        get: fn(&Scenario) -> f64,
        /// Stores a value in `[min, max]`.
        set: fn(&mut Scenario, f64),
    },
    /// `true` or `false`.
    Bool {
        /// The value in a scenario.
        get: fn(&Scenario) -> bool,
        /// Stores a value.
        set: fn(&mut Scenario, bool),
    },
    /// One of a fixed set of strings (an enum's spellings).
    Choice {
        /// The accepted spellings, in the order error messages list them.
        names: &'static [&'static str],
        /// The spelling of the value in a scenario.
        get: fn(&Scenario) -> &'static str,
        /// Stores the value a spelling (one of `names`) names.
        set: fn(&mut Scenario, &str),
    },
}

/// One key of the format.
#[derive(Clone, Copy)]
pub struct Key {
    /// The key as written in the file.
    pub name: &'static str,
    /// One line of documentation: the schema's description.
    pub doc: &'static str,
    /// Its type, range and accessors.
    pub ty: Type,
}

/// A table of the format (`[parameters]`, `[output]`).
pub struct Section {
    /// The table's name.
    pub name: &'static str,
    /// What it holds: the schema's description.
    pub doc: &'static str,
    /// Its keys, in the order error messages and the manifest list them.
    pub keys: &'static [Key],
}

/// The keys at the top of the file, before its tables.
pub static TOP: &[Key] = &[
    Key { name: "model", doc: "Selects this model.", ty: Type::Model(MODEL_NAME) },
    Key { name: "name", doc: "Display name.", ty: Type::Text { get: |s| &s.name, set: |s, v| s.name = v.to_string() } },
    Key {
        name: "seed",
        doc: "Default random seed (overridden by `--seed`).",
        ty: Type::Int { min: 0, max: i64::MAX, get: |s| s.seed as i64, set: |s, n| s.seed = n as u64 },
    },
    Key {
        name: "steps",
        doc: "Steps run after the initial state (Mesa's max_iters).",
        ty: Type::Int { min: 0, max: 100_000_000, get: |s| s.steps.into(), set: |s, n| s.steps = n as u32 },
    },
];

/// `[parameters]`: the model's parameters.
pub static PARAMETERS: Section = Section {
    name: "parameters",
    doc: "Model parameters (Mesa 3.x's defaults). citizen_density + cop_density must be at most 1, and width × height below 2^32.",
    keys: &[
        Key {
            name: "width",
            doc: "Grid width (cells).",
            ty: Type::Int {
                min: 1,
                max: 1 << 16,
                get: |s| s.params.width.into(),
                set: |s, n| s.params.width = n as u32,
            },
        },
        Key {
            name: "height",
            doc: "Grid height (cells).",
            ty: Type::Int {
                min: 1,
                max: 1 << 16,
                get: |s| s.params.height.into(),
                set: |s, n| s.params.height = n as u32,
            },
        },
        Key {
            name: "citizen_density",
            doc: "Probability that a cell starts with a citizen.",
            ty: Type::Float {
                min: 0.0,
                max: 1.0,
                get: |s| s.params.citizen_density,
                set: |s, x| s.params.citizen_density = x,
            },
        },
        Key {
            name: "cop_density",
            doc: "Probability that a cell starts with a cop (citizen_density + cop_density must be at most 1).",
            ty: Type::Float { min: 0.0, max: 1.0, get: |s| s.params.cop_density, set: |s, x| s.params.cop_density = x },
        },
        Key {
            name: "citizen_vision",
            doc: "Citizens' vision radius (see vision_shape).",
            ty: Type::Int {
                min: 1,
                max: 127,
                get: |s| s.params.citizen_vision.into(),
                set: |s, n| s.params.citizen_vision = n as u32,
            },
        },
        Key {
            name: "cop_vision",
            doc: "Cops' vision radius (see vision_shape).",
            ty: Type::Int {
                min: 1,
                max: 127,
                get: |s| s.params.cop_vision.into(),
                set: |s, n| s.params.cop_vision = n as u32,
            },
        },
        Key {
            name: "legitimacy",
            doc: "Regime legitimacy L, the same for all citizens; grievance = hardship × (1 − L).",
            ty: Type::Float { min: 0.0, max: 1.0, get: |s| s.params.legitimacy, set: |s, x| s.params.legitimacy = x },
        },
        Key {
            name: "max_jail_term",
            doc: "Jail terms are uniform integers in 0..=max_jail_term.",
            ty: Type::Int {
                min: 0,
                max: u32::MAX as i64 - 1,
                get: |s| s.params.max_jail_term.into(),
                set: |s, n| s.params.max_jail_term = n as u32,
            },
        },
        Key {
            name: "active_threshold",
            doc: "Rebellion threshold T: a citizen is active iff grievance − risk aversion × P > T.",
            ty: Type::Float {
                min: -1.0e9,
                max: 1.0e9,
                get: |s| s.params.active_threshold,
                set: |s, x| s.params.active_threshold = x,
            },
        },
        Key {
            name: "arrest_prob_constant",
            doc: "Arrest probability constant k: P = 1 − exp(−k × f(C/A)).",
            ty: Type::Float {
                min: 0.0,
                max: 1.0e9,
                get: |s| s.params.arrest_prob_constant,
                set: |s, x| s.params.arrest_prob_constant = x,
            },
        },
        Key {
            name: "movement",
            doc: "Whether agents move to a random empty cell in sight after acting.",
            ty: Type::Bool { get: |s| s.params.movement, set: |s, b| s.params.movement = b },
        },
        Key {
            name: "arrest_rule",
            doc: "f in the arrest probability: round-half-even (Mesa), floor (NetLogo) or exact (Epstein 2002).",
            ty: Type::Choice {
                names: ArrestRule::NAMES,
                get: |s| s.params.arrest_rule.name(),
                set: |s, c| {
                    if let Some(r) = ArrestRule::parse(c) {
                        s.params.arrest_rule = r;
                    }
                },
            },
        },
        Key {
            name: "vision_shape",
            doc: "Neighbourhood shape: von-neumann (Mesa 3.x, a diamond), moore (a square) or euclidean (a disc).",
            ty: Type::Choice {
                names: VisionShape::NAMES,
                get: |s| s.params.vision_shape.name(),
                set: |s, c| {
                    if let Some(v) = VisionShape::parse(c) {
                        s.params.vision_shape = v;
                    }
                },
            },
        },
    ],
};

/// `[output]`: what a run writes besides the counts.
pub static OUTPUT: Section = Section {
    name: "output",
    doc: "What a run writes besides the `counts` table.",
    keys: &[Key {
        name: "snapshot_every",
        doc: "Write a `snapshots` table at step 0 and every this many steps (0: none).",
        ty: Type::Int {
            min: 0,
            max: u32::MAX as i64,
            get: |s| s.snapshot_every.into(),
            set: |s, n| s.snapshot_every = n as u32,
        },
    }],
};

/// The format's tables, in the order error messages list them.
pub static SECTIONS: &[&Section] = &[&PARAMETERS, &OUTPUT];

/// Every name accepted at the top of the file: the [`TOP`] keys, then the
/// [`SECTIONS`].
pub fn top_names() -> Vec<&'static str> {
    TOP.iter().map(|k| k.name).chain(SECTIONS.iter().map(|s| s.name)).collect()
}

impl Section {
    /// The names of its keys.
    pub fn key_names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }

    /// The key called `name`, if the table has one.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// The JSON Schema of the table.
    pub fn schema(&self) -> Json {
        object_schema(self.doc, self.keys, &[])
    }
}

impl Key {
    /// Decodes `v` as this key's value and stores it in `s`, or reports to
    /// `d` why it is not acceptable (the value's location, the expected type
    /// and range, a did-you-mean for a misspelt choice) and leaves `s` alone.
    pub fn decode(&self, v: &Value, s: &mut Scenario, d: &mut Diagnostics) {
        let key = self.name;
        match self.ty {
            Type::Model(m) => {
                choice(v, key, &[m], d);
            }
            Type::Text { set, .. } => match &v.kind {
                Kind::Str(t) => set(s, t),
                k => d.push(Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name())).expected("a string")),
            },
            Type::Int { min, max, set, .. } => {
                if let Some(n) = int(v, key, min, max, d) {
                    set(s, n)
                }
            }
            Type::Float { min, max, set, .. } => {
                if let Some(x) = float(v, key, min, max, d) {
                    set(s, x)
                }
            }
            Type::Bool { set, .. } => {
                if let Some(b) = boolean(v, key, d) {
                    set(s, b)
                }
            }
            Type::Choice { names, set, .. } => {
                if let Some(c) = choice(v, key, names, d) {
                    set(s, c)
                }
            }
        }
    }

    /// This key's value in `s`, as JSON.
    pub fn value(&self, s: &Scenario) -> Json {
        match self.ty {
            Type::Model(m) => json!(m),
            Type::Text { get, .. } => json!(get(s)),
            Type::Int { get, .. } => json!(get(s)),
            Type::Float { get, .. } => json!(get(s)),
            Type::Bool { get, .. } => json!(get(s)),
            Type::Choice { get, .. } => json!(get(s)),
        }
    }

    /// The key's default: its value in [`Scenario::default`] (`None` for
    /// `model`, which is required).
    pub fn default_value(&self) -> Option<Json> {
        match self.ty {
            Type::Model(_) => None,
            _ => Some(self.value(&Scenario::default())),
        }
    }

    /// The JSON Schema of the key's values: type, range or choices, default
    /// and description.
    pub fn schema(&self) -> Json {
        let mut s = match self.ty {
            Type::Model(m) => json!({"const": m}),
            Type::Text { .. } => json!({"type": "string"}),
            Type::Int { min, max, .. } => json!({"type": "integer", "minimum": min, "maximum": max}),
            Type::Float { min, max, .. } => json!({"type": "number", "minimum": min, "maximum": max}),
            Type::Bool { .. } => json!({"type": "boolean"}),
            Type::Choice { names, .. } => json!({"type": "string", "enum": names}),
        };
        if let Some(d) = self.default_value() {
            s["default"] = d;
        }
        s["description"] = json!(self.doc);
        s
    }
}

/// An object of `keys` and `tables`, refusing other properties (as the
/// decoder does), with the `model` key required.
fn object_schema(doc: &str, keys: &[Key], tables: &[&Section]) -> Json {
    let mut props = serde_json::Map::new();
    for k in keys {
        props.insert(k.name.into(), k.schema());
    }
    for t in tables {
        props.insert(t.name.into(), t.schema());
    }
    let required: Vec<&str> = keys.iter().filter(|k| matches!(k.ty, Type::Model(_))).map(|k| k.name).collect();
    let mut s = json!({"type": "object", "description": doc, "properties": props});
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    s["additionalProperties"] = json!(false);
    s
}

/// The JSON Schema (draft 2020-12) of a civil-violence scenario file,
/// generated from [`TOP`] and [`SECTIONS`], the declarations the decoder
/// reads, so the two cannot drift apart.
pub fn schema() -> Json {
    let mut s = object_schema(
        "A scenario of Epstein's civil violence model (Model I): citizens and cops on a torus grid. Every key but `model` is optional.",
        TOP,
        SECTIONS,
    );
    let o = s.as_object_mut().expect("the civil-violence schema is an object");
    let mut head = serde_json::Map::new();
    head.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    head.insert("title".into(), json!("Frontline civil-violence scenario"));
    head.extend(std::mem::take(o));
    Json::Object(head)
}

fn int(v: &Value, key: &str, lo: i64, hi: i64, d: &mut Diagnostics) -> Option<i64> {
    match v.kind {
        Kind::Int(n) if n >= lo && n <= hi => Some(n),
        Kind::Int(n) => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` = {n} is out of range"))
                    .expected(format!("an integer in {lo}..={hi}")),
            );
            None
        }
        ref k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("an integer in {lo}..={hi}")),
            );
            None
        }
    }
}

fn float(v: &Value, key: &str, lo: f64, hi: f64, d: &mut Diagnostics) -> Option<f64> {
    let x = match v.kind {
        Kind::Int(n) => n as f64,
        Kind::Float(x) => x,
        ref k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("a number in [{lo}, {hi}]")),
            );
            return None;
        }
    };
    // Written so that NaN fails too.
    if !(x >= lo && x <= hi) {
        d.push(
            Diagnostic::at(&v.loc, format!("`{key}` = {x} is out of range"))
                .expected(format!("a number in [{lo}, {hi}]")),
        );
        return None;
    }
    Some(x)
}

fn boolean(v: &Value, key: &str, d: &mut Diagnostics) -> Option<bool> {
    match v.kind {
        Kind::Bool(b) => Some(b),
        ref k => {
            d.push(Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name())).expected("true or false"));
            None
        }
    }
}

fn choice<'a>(v: &Value, key: &str, choices: &[&'a str], d: &mut Diagnostics) -> Option<&'a str> {
    match &v.kind {
        Kind::Str(s) => match choices.iter().find(|c| **c == s) {
            Some(c) => Some(c),
            None => {
                d.push(
                    Diagnostic::at(&v.loc, format!("unknown {key} `{s}`"))
                        .expected(format!("one of {}", choices.join(", ")))
                        .hint(choice_hint(s, choices)),
                );
                None
            }
        },
        k => {
            d.push(
                Diagnostic::at(&v.loc, format!("`{key}` is {}", k.type_name()))
                    .expected(format!("one of {}", choices.join(", "))),
            );
            None
        }
    }
}

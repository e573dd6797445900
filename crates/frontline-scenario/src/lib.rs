//! # frontline-scenario
//!
//! The scenario format of Frontline and everything needed to turn scenario
//! files into a validated [`Model`]: reading files with includes, variant
//! overlays and `--set` overrides ([`load`]), decoding with every error
//! located at file:line:column ([`diag`], [`decode`], [`spec`]), the rule
//! language ([`expr`]), model constants ([`constants`]), map geometry
//! ([`geo`]), resource limits on files and memory ([`limits`]) and the JSON
//! Schema of the format ([`schema`]).
//!
//! This crate must not run anything: it has no notion of run state or time
//! passing. The engine (`frontline-engine`) consumes a [`Model`].

#![warn(missing_docs)]

pub mod constants;
pub mod decode;
pub mod diag;
pub mod expr;
pub mod geo;
pub mod limits;
pub mod load;
pub mod model;
pub mod spec;
pub mod value;

pub use load::{LoadError, Loaded, Merged, Overrides, load, read_merged};
pub use model::Model;

/// The JSON Schema (draft 2020-12) of the scenario format, generated from the
/// same declarations as the decoder, so the two cannot drift apart.
pub fn schema() -> serde_json::Value {
    use decode::Decode;
    let mut s = spec::ScenarioSpec::schema();
    let o = s.as_object_mut().expect("the scenario schema is an object");
    o.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    o.insert("title".into(), "Frontline scenario".into());
    // Constants: list each known group and name with its default and bounds.
    let mut groups = serde_json::Map::new();
    for c in constants::Constants::catalogue() {
        let g = groups
            .entry(c.group.to_string())
            .or_insert_with(|| serde_json::json!({"type": "object", "properties": {}, "additionalProperties": false}));
        g["properties"][c.name] = serde_json::json!({
            "type": "number", "minimum": c.min, "maximum": c.max, "default": c.default, "description": c.doc,
        });
    }
    o["properties"]["constants"] = serde_json::json!({
        "type": "object", "description": "Overrides of model constants.", "properties": groups, "additionalProperties": false,
    });
    let mut mech = serde_json::Map::new();
    for m in spec::MechanismName::NAMES {
        let on = spec::MechanismName::parse(m).is_some_and(spec::MechanismName::on_by_default);
        mech.insert(m.to_string(), serde_json::json!({"type": "boolean", "default": on}));
    }
    o["properties"]["mechanisms"] = serde_json::json!({
        "type": "object", "description": "Mechanism switches: the claims C1–C9 (on by default) and the engine features (off by default).", "properties": mech, "additionalProperties": false,
    });
    s
}

//! Typed decoding of located TOML values, collecting every error instead of
//! stopping at the first, and the JSON Schema that mirrors it.
//!
//! Owns the `Decode` trait, its implementations for primitive types, and the
//! `record!` / `keyword!` macros that declare scenario structs once and get
//! both the decoder and the schema from that one declaration. It does not
//! check cross-references (dangling ids, sums); the model builder does.

use crate::diag::{Diagnostic, Diagnostics, Loc, choice_hint};
use crate::value::{Key, Kind, Value};
use frontline_date::Day;
use serde_json::{Value as Json, json};

/// A type that can be read from a located TOML value.
pub trait Decode: Sized {
    /// Reads the value, pushing every problem found to `d`; `None` if unusable.
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self>;
    /// JSON Schema of the accepted values.
    fn schema() -> Json;
    /// The value to use when the key is absent, or `None` if the key is required.
    fn absent() -> Option<Self> {
        None
    }
}

fn type_error(v: &Value, expected: &str, d: &mut Diagnostics) {
    d.push(Diagnostic::at(&v.loc, format!("wrong type: found {}", v.kind.type_name())).expected(expected.to_string()));
}

impl Decode for String {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Str(s) => Some(s.clone()),
            _ => {
                type_error(v, "a string", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "string"})
    }
}

impl Decode for bool {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Bool(b) => Some(*b),
            _ => {
                type_error(v, "true or false", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "boolean"})
    }
}

impl Decode for f64 {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Float(x) if x.is_finite() => Some(*x),
            Kind::Float(_) => {
                d.push(Diagnostic::at(&v.loc, "number is not finite").expected("a finite number"));
                None
            }
            Kind::Int(i) => Some(*i as f64),
            _ => {
                type_error(v, "a number", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "number"})
    }
}

impl Decode for u64 {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Int(i) if *i >= 0 => Some(*i as u64),
            Kind::Int(_) => {
                d.push(Diagnostic::at(&v.loc, "negative value").expected("a non-negative integer"));
                None
            }
            _ => {
                type_error(v, "a non-negative integer", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "integer", "minimum": 0})
    }
}

/// A calendar date, written as a TOML local date (`2014-06-01`) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub Day);

impl Decode for Date {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Date(day) => Some(Date(*day)),
            Kind::Str(s) => match Day::parse(s) {
                Ok(day) => Some(Date(day)),
                Err(_) => {
                    d.push(
                        Diagnostic::at(&v.loc, format!("`{s}` is not a valid date")).expected("a date like 2014-06-01"),
                    );
                    None
                }
            },
            _ => {
                type_error(v, "a date like 2014-06-01", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "string", "format": "date"})
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        T::decode(v, d).map(Some)
    }
    fn schema() -> Json {
        T::schema()
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Array(items) => {
                // Bad items are reported and skipped, so later checks still run.
                Some(items.iter().filter_map(|x| T::decode(x, d)).collect())
            }
            _ => {
                type_error(v, "an array", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "array", "items": T::schema()})
    }
    fn absent() -> Option<Self> {
        Some(Vec::new())
    }
}

/// A value together with where it was written, for checks made after decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

impl<T: Decode> Decode for At<T> {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        T::decode(v, d).map(|value| At { value, loc: v.loc.clone() })
    }
    fn schema() -> Json {
        T::schema()
    }
    fn absent() -> Option<Self> {
        T::absent().map(|value| At { value, loc: Loc::default() })
    }
}

/// A table with user-chosen keys (ids), each holding a `T`, in key order.
#[derive(Debug, Clone, PartialEq)]
pub struct Map<T>(pub Vec<(Key, T)>);

impl<T> Default for Map<T> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<T> Map<T> {
    /// Iterates over (id, value).
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Decode> Decode for Map<T> {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Table(t) => {
                // Bad entries are reported and skipped, so later checks still run.
                Some(Map(t.iter().filter_map(|(k, x)| T::decode(x, d).map(|y| (k.clone(), y))).collect()))
            }
            _ => {
                type_error(v, "a table of id = value entries", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"type": "object", "additionalProperties": T::schema()})
    }
    fn absent() -> Option<Self> {
        Some(Map::default())
    }
}

/// A number, or a string holding an expression over the scenario's
/// parameters (e.g. `"isis_fighters * 0.3"`), evaluated when the model is built.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// A literal number, with where it was written.
    Number(f64, Loc),
    /// Expression source text, with where it was written.
    Expr(String, Loc),
}

impl Decode for Quantity {
    fn decode(v: &Value, d: &mut Diagnostics) -> Option<Self> {
        match &v.kind {
            Kind::Str(s) => Some(Quantity::Expr(s.clone(), v.loc.clone())),
            Kind::Int(_) | Kind::Float(_) => f64::decode(v, d).map(|x| Quantity::Number(x, v.loc.clone())),
            _ => {
                type_error(v, "a number or an expression string", d);
                None
            }
        }
    }
    fn schema() -> Json {
        json!({"anyOf": [{"type": "number"}, {"type": "string", "description": "expression, e.g. \"0.5 * (1 - distrust)\""}]})
    }
}

/// Checks a table's keys against the known ones, reporting unknown keys with
/// a "did you mean" hint. Returns false if `v` is not a table.
pub fn check_keys(v: &Value, what: &str, known: &[&str], d: &mut Diagnostics) -> bool {
    let Kind::Table(t) = &v.kind else {
        type_error(v, &format!("a table ({what})"), d);
        return false;
    };
    for (k, _) in t {
        if !known.contains(&k.name.as_str()) {
            d.push(
                Diagnostic::at(&k.loc, format!("unknown key `{}` in {what}", k.name))
                    .expected(format!("one of: {}", known.join(", ")))
                    .hint(choice_hint(&k.name, known)),
            );
        }
    }
    true
}

/// Reports a missing required key.
pub fn missing_key(v: &Value, what: &str, key: &str, d: &mut Diagnostics) {
    d.push(
        Diagnostic::at(&v.loc, format!("missing required key `{key}` in {what}"))
            .hint(format!("add `{key} = …` to this table")),
    );
}

/// Declares a scenario struct: the struct itself, its decoder (unknown and
/// missing keys reported, every field decoded) and its JSON Schema, with the
/// field doc comments as schema descriptions.
#[macro_export]
macro_rules! record {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident ($what:literal) {
            $( $(#[doc = $fdoc:literal])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            /// Where this table was written.
            pub loc: $crate::diag::Loc,
            $( $(#[doc = $fdoc])* pub $field: $ty, )*
        }

        impl $crate::decode::Decode for $name {
            fn decode(v: &$crate::value::Value, d: &mut $crate::diag::Diagnostics) -> Option<Self> {
                const KEYS: &[&str] = &[$(stringify!($field)),*];
                if !$crate::decode::check_keys(v, $what, KEYS, d) {
                    return None;
                }
                let mut ok = true;
                $(
                    let $field: Option<$ty> = match v.get(stringify!($field)) {
                        Some(x) => match <$ty as $crate::decode::Decode>::decode(x, d) {
                            Some(r) => Some(r),
                            // Reported already; an optional field falls back to
                            // its default so that the rest is still checked.
                            None => {
                                let r = <$ty as $crate::decode::Decode>::absent();
                                ok &= r.is_some();
                                r
                            }
                        },
                        None => {
                            let r = <$ty as $crate::decode::Decode>::absent();
                            if r.is_none() {
                                $crate::decode::missing_key(v, $what, stringify!($field), d);
                                ok = false;
                            }
                            r
                        }
                    };
                )*
                if !ok {
                    return None;
                }
                Some($name { loc: v.loc.clone(), $( $field: $field.unwrap(), )* })
            }

            fn schema() -> serde_json::Value {
                let mut props = serde_json::Map::new();
                let mut required: Vec<serde_json::Value> = Vec::new();
                $(
                    let mut s = <$ty as $crate::decode::Decode>::schema();
                    let doc: &str = concat!($($fdoc, "\n"),*).trim();
                    if let Some(o) = s.as_object_mut() {
                        if !doc.is_empty() {
                            o.insert("description".into(), serde_json::Value::String(doc.replace("\n ", "\n").trim().to_string()));
                        }
                    }
                    props.insert(stringify!($field).into(), s);
                    if <$ty as $crate::decode::Decode>::absent().is_none() {
                        required.push(serde_json::Value::String(stringify!($field).into()));
                    }
                )*
                let doc: &str = concat!($($sdoc, "\n"),*).trim();
                serde_json::json!({
                    "type": "object",
                    "description": doc,
                    "properties": props,
                    "required": required,
                    "additionalProperties": false,
                })
            }
        }
    };
}

/// Declares an enum written as one of a fixed set of strings.
#[macro_export]
macro_rules! keyword {
    (
        $(#[doc = $sdoc:literal])*
        pub enum $name:ident { $( $(#[doc = $vdoc:literal])* $variant:ident = $text:literal ),* $(,)? }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[doc = $vdoc])* #[doc = concat!(" (`", $text, "`)")] $variant, )* }

        impl $name {
            /// All variants' spellings.
            pub const NAMES: &'static [&'static str] = &[$($text),*];
            /// The spelling of this variant.
            pub fn name(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
            /// Parses a spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $( $text => Some($name::$variant), )* _ => None }
            }
        }

        impl $crate::decode::Decode for $name {
            fn decode(v: &$crate::value::Value, d: &mut $crate::diag::Diagnostics) -> Option<Self> {
                match &v.kind {
                    $crate::value::Kind::Str(s) => match Self::parse(s) {
                        Some(x) => Some(x),
                        None => {
                            d.push($crate::diag::Diagnostic::at(&v.loc, format!("unknown value `{s}`"))
                                .expected(format!("one of: {}", Self::NAMES.join(", ")))
                                .hint($crate::diag::choice_hint(s, Self::NAMES)));
                            None
                        }
                    },
                    _ => {
                        d.push($crate::diag::Diagnostic::at(&v.loc, format!("wrong type: found {}", v.kind.type_name()))
                            .expected(format!("one of: {}", Self::NAMES.join(", "))));
                        None
                    }
                }
            }
            fn schema() -> serde_json::Value {
                serde_json::json!({"enum": Self::NAMES})
            }
        }
    };
}

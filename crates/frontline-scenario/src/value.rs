//! A TOML value tree in which every key and value remembers the file and
//! byte range it came from, so that errors can point at it after includes,
//! overlays and `--set` have been merged.
//!
//! Owns parsing TOML text into that tree and merging trees. It knows nothing
//! of what the keys mean; that is the decoder's job.

use crate::diag::{Diagnostic, Diagnostics, FileId, Loc};
use frontline_date::Day;

/// A value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value.
    pub kind: Kind,
    /// Where it was written.
    pub loc: Loc,
}

/// A table key with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text.
    pub name: String,
    /// Where it was written.
    pub loc: Loc,
}

/// A table: keys in sorted order (TOML tables are unordered).
pub type Table = Vec<(Key, Value)>;

/// The kinds of TOML value Frontline accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A local date (`2014-06-01`).
    Date(Day),
    /// An array.
    Array(Vec<Value>),
    /// A table.
    Table(Table),
}

impl Kind {
    /// The TOML type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Date(_) => "a date",
            Kind::Array(_) => "an array",
            Kind::Table(_) => "a table",
        }
    }
}

impl Value {
    /// The entry for `key` if this is a table holding it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Table(t) => t.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses TOML text from `file` into a located value tree. Syntax errors are
/// pushed to `diags` and yield `None`.
pub fn parse_toml(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<Value> {
    match toml::de::DeTable::parse(text) {
        Ok(doc) => {
            let span = doc.span();
            let table = doc.into_inner();
            Some(Value { kind: Kind::Table(convert_table(table, file, diags)), loc: Loc::new(file, span) })
        }
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            diags.push(
                Diagnostic::at(&Loc::new(file, span), format!("TOML syntax error: {msg}"))
                    .hint("check quoting, brackets and `key = value` syntax at this place"),
            );
            None
        }
    }
}

fn convert_table(t: toml::de::DeTable<'_>, file: FileId, diags: &mut Diagnostics) -> Table {
    let mut out: Table = Vec::with_capacity(t.len());
    for (k, v) in t {
        let kloc = Loc::new(file, k.span());
        let key = Key { name: k.into_inner().into_owned(), loc: kloc };
        if let Some(value) = convert_value(v, file, diags) {
            out.push((key, value));
        }
    }
    out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    out
}

fn convert_value(v: toml::Spanned<toml::de::DeValue<'_>>, file: FileId, diags: &mut Diagnostics) -> Option<Value> {
    use toml::de::DeValue;
    let loc = Loc::new(file, v.span());
    let kind = match v.into_inner() {
        DeValue::String(s) => Kind::Str(s.into_owned()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Kind::Int(n),
                Err(_) => {
                    diags.push(Diagnostic::at(&loc, "integer out of range").expected("a 64-bit integer"));
                    return None;
                }
            }
        }
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(x) => Kind::Float(x),
            Err(_) => {
                diags.push(Diagnostic::at(&loc, "malformed float"));
                return None;
            }
        },
        DeValue::Boolean(b) => Kind::Bool(b),
        DeValue::Datetime(dt) => match dt
            .date
            .filter(|_| dt.time.is_none())
            .and_then(|d| Day::from_ymd(d.year.into(), d.month.into(), d.day.into()))
        {
            Some(day) => Kind::Date(day),
            None => {
                diags.push(
                    Diagnostic::at(&loc, "only plain dates are supported here")
                        .expected("a date like 2014-06-01 (no time of day, no offset)"),
                );
                return None;
            }
        },
        DeValue::Array(a) => Kind::Array(a.into_iter().filter_map(|x| convert_value(x, file, diags)).collect()),
        DeValue::Table(t) => Kind::Table(convert_table(t, file, diags)),
    };
    Some(Value { kind, loc })
}

/// Merges `overlay` into `base`: tables merge key by key, recursively; any
/// other value in the overlay replaces the base value (arrays are replaced,
/// not concatenated, so that an overlay states the whole list it wants).
pub fn merge(base: &mut Value, overlay: Value) {
    match (&mut base.kind, overlay.kind) {
        (Kind::Table(bt), Kind::Table(ot)) => {
            for (k, v) in ot {
                match bt.iter_mut().find(|(bk, _)| bk.name == k.name) {
                    Some((_, bv)) => merge(bv, v),
                    None => {
                        bt.push((k, v));
                    }
                }
            }
            bt.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        }
        (_, kind) => {
            *base = Value { kind, loc: overlay.loc };
        }
    }
}

/// Builds a nested table `{a = {b = {c = value}}}` for a dotted path, so that
/// `--set a.b.c=value` can be merged like an overlay. Every intermediate key
/// points at the whole `--set` argument.
pub fn nest(path: &[&str], value: Value, key_loc: &Loc) -> Value {
    let mut v = value;
    for seg in path.iter().rev() {
        let loc = key_loc.clone();
        v = Value { kind: Kind::Table(vec![(Key { name: seg.to_string(), loc: loc.clone() }, v)]), loc };
    }
    v
}

/// Removes the top-level entry `key` from a table value and returns it.
pub fn take_key(v: &mut Value, key: &str) -> Option<(Key, Value)> {
    if let Kind::Table(t) = &mut v.kind
        && let Some(i) = t.iter().position(|(k, _)| k.name == key)
    {
        return Some(t.remove(i));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Value {
        let mut d = Diagnostics::default();
        let v = parse_toml(s, 0, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        v
    }

    #[test]
    fn keeps_spans_of_values() {
        let text = "a = 1\n[b]\nc = \"x\"\n";
        let v = parse(text);
        let c = v.get("b").unwrap().get("c").unwrap();
        assert_eq!(&text[c.loc.span.clone()], "\"x\"");
        assert_eq!(c.kind, Kind::Str("x".into()));
    }

    #[test]
    fn parses_dates_and_rejects_times() {
        let v = parse("d = 2014-06-01");
        assert_eq!(v.get("d").unwrap().kind, Kind::Date(Day::parse("2014-06-01").unwrap()));
        let mut d = Diagnostics::default();
        parse_toml("d = 2014-06-01T10:00:00", 0, &mut d);
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn merge_overrides_leaves_and_keeps_siblings() {
        let mut a = parse("[x]\np = 1\nq = 2\n");
        merge(&mut a, parse("[x]\np = 5\nr = 3\n"));
        let x = a.get("x").unwrap();
        assert_eq!(x.get("p").unwrap().kind, Kind::Int(5));
        assert_eq!(x.get("q").unwrap().kind, Kind::Int(2));
        assert_eq!(x.get("r").unwrap().kind, Kind::Int(3));
    }

    #[test]
    fn syntax_errors_are_located() {
        let mut d = Diagnostics::default();
        assert!(parse_toml("a = \n", 0, &mut d).is_none());
        assert_eq!(d.len(), 1);
        assert!(d.items[0].message.contains("TOML syntax error"));
    }
}

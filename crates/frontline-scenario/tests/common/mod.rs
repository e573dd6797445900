//! Helpers shared by the scenario crate's integration tests (each test file
//! says `mod common;`): build a model from scenario text, find where a piece
//! of the text sits, and check that a build is refused at that place.

// Each test file uses only some of these.
#![allow(dead_code)]

use frontline_scenario::Model;
use frontline_scenario::diag::{Diagnostics, Sources};
use frontline_scenario::load::build_from_tree;
use frontline_scenario::value::parse_toml;

/// The file name the text is registered under by [`build`].
pub const FILE: &str = "keys.toml";

/// The model of `text`, registered as `name`, or its rendered diagnostics.
pub fn build_named(name: &str, text: &str) -> Result<Model, String> {
    let mut sources = Sources::new();
    let mut d = Diagnostics::default();
    let f = sources.add(name.into(), text.into(), None);
    let Some(tree) = parse_toml(text, f, &mut d) else {
        return Err(d.render(&sources, false));
    };
    build_from_tree(&tree, &sources).map_err(|d| d.render(&sources, false))
}

/// The model of `text` (as [`FILE`]), or its rendered diagnostics.
pub fn build(text: &str) -> Result<Model, String> {
    build_named(FILE, text)
}

/// `keys.toml:line:column` of the place marked `|` in `needle` (its start
/// if unmarked), at the first occurrence of `needle` without the mark in
/// `text`.
pub fn at(text: &str, needle: &str) -> String {
    let (head, tail) = needle.split_once('|').unwrap_or(("", needle));
    let found = text.find(&format!("{head}{tail}")).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..found + head.len()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{FILE}:{line}:{column}")
}

/// Checks that `text` is refused with an error at the place of `needle`
/// (see [`at`]) whose message contains every one of `parts`.
pub fn refused(text: &str, needle: &str, parts: &[&str]) {
    let e = build(text).unwrap_err();
    let loc = at(text, needle);
    assert!(e.contains(&loc), "no {loc} in:\n{e}");
    for p in parts {
        assert!(e.contains(p), "no {p:?} in:\n{e}");
    }
}

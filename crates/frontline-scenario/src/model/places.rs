//! Places and key dates: the named places of `[places.<id>]` (key cities,
//! each in one region, with aliases and a label position) and the labelled
//! `key_dates` of `[scenario]`.
//!
//! Reads `[places]` and `[scenario] key_dates` only. It checks that a place
//! names a declared region, that no two places share a name or alias
//! (ignoring case) and that a position is a longitude and a latitude. It
//! must not touch anything else.

use super::builder::Builder;
use super::{KeyDate, Place, Region};
use crate::diag::Diagnostic;
use crate::spec::{ScenarioMeta, ScenarioSpec};

/// The names by which expressions and searches may call a place's region:
/// its id, its name and its aliases, lowercased, with the region's index.
/// Places whose region is not declared are left out (`build` reports them).
pub(super) fn names(spec: &ScenarioSpec, regions: &[String]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (k, p) in spec.places.iter() {
        let Some(r) = regions.iter().position(|x| *x == p.region.value) else { continue };
        out.push((k.name.to_lowercase(), r));
        if let Some(n) = &p.name {
            out.push((n.value.to_lowercase(), r));
        }
        out.extend(p.aliases.iter().map(|a| (a.value.to_lowercase(), r)));
    }
    out
}

/// Builds and checks the places, in id order.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec, regions: &[Region]) -> Vec<Place> {
    let mut places = Vec::new();
    // Every name or alias so far (lowercased), with the place that has it.
    let mut taken: Vec<(String, String)> = Vec::new();
    for (k, p) in spec.places.iter() {
        let region = b.resolve(&p.region, "region");
        let name = p.name.as_ref().map_or_else(|| k.name.clone(), |n| n.value.clone());
        let name_loc = p.name.as_ref().map_or_else(|| k.loc.clone(), |n| n.loc.clone());
        let mut mine: Vec<String> = Vec::new();
        let spelled = std::iter::once((k.name.clone(), k.loc.clone()))
            .chain(std::iter::once((name.clone(), name_loc)))
            .chain(p.aliases.iter().map(|a| (a.value.clone(), a.loc.clone())));
        for (text, loc) in spelled {
            if text.trim().is_empty() {
                b.d.push(
                    Diagnostic::at(&loc, format!("place `{}` has an empty name or alias", k.name)).hint("remove it"),
                );
                continue;
            }
            let low = text.to_lowercase();
            if mine.contains(&low) {
                continue;
            }
            if let Some((_, other)) = taken.iter().find(|(t, _)| *t == low) {
                b.d.push(
                    Diagnostic::at(&loc, format!("place `{}` and place `{other}` are both called `{text}`", k.name))
                        .expected("a name or alias that names one place only (case is ignored)")
                        .hint("rename one of them, or drop the alias"),
                );
                continue;
            }
            if let Some(r) = regions.iter().position(|r| r.id.to_lowercase() == low)
                && Some(r) != region
            {
                b.d.push(
                    Diagnostic::at(&loc, format!("place `{}` is called `{text}`, the id of another region", k.name))
                        .expected("a name that is not the id of a region other than the place's own")
                        .hint("rename the place or the alias"),
                );
                continue;
            }
            mine.push(low);
        }
        taken.extend(mine.iter().map(|m| (m.clone(), k.name.clone())));
        let mut position = None;
        if let Some(pos) = &p.position {
            let v = &pos.value;
            if v.len() != 2 || !(-180.0..=180.0).contains(&v[0]) || !(-90.0..=90.0).contains(&v[1]) {
                b.d.push(
                    Diagnostic::at(&pos.loc, "position must be [longitude, latitude]")
                        .expected("two numbers, longitude in [-180, 180] and latitude in [-90, 90]"),
                );
            } else {
                position = Some((v[0], v[1]));
            }
        }
        let Some(region) = region else { continue };
        places.push(Place {
            id: k.name.clone(),
            name,
            region,
            aliases: p.aliases.iter().map(|a| a.value.clone()).collect(),
            position: position.unwrap_or(regions[region].position),
            declared_position: position.is_some(),
        });
    }
    places
}

/// The key dates of `[scenario]`, in date order; each must fall within the
/// scenario (`first` to `last`).
pub(super) fn key_dates(
    b: &mut Builder,
    meta: &ScenarioMeta,
    first: frontline_date::Day,
    last: frontline_date::Day,
) -> Vec<KeyDate> {
    let mut out = Vec::new();
    for (k, d) in meta.key_dates.iter() {
        let day = d.value.0;
        if day < first || day > last {
            b.d.push(
                Diagnostic::at(&d.loc, format!("key date `{}` ({day}) is outside the scenario", k.name))
                    .expected(format!("a date from {first} to {last}")),
            );
            continue;
        }
        out.push(KeyDate { label: k.name.clone(), day });
    }
    out.sort_by_key(|k| k.day);
    out
}

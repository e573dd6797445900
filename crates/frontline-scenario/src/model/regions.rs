//! Regions and the neighbour graph: each region's value, income, control,
//! population by identity (given or from a composition), grievance, support,
//! manpower shares and position; then the neighbours (declared ones, else the map's).
//!
//! Reads `[regions]` and the map (centroids and adjacency). It must not touch
//! actors, forces or rules; it only resolves the ids they are known by.

use super::Region;
use super::bounds::{MAX_MONEY, MAX_OIL, MAX_PEOPLE, MAX_WEIGHT};
use super::builder::Builder;
use crate::decode::At;
use crate::diag::Diagnostic;
use crate::geo::RegionMap;
use crate::spec::*;
use std::collections::BTreeSet;

/// Builds the regions, in declaration order, with their neighbours.
pub(super) fn build(b: &mut Builder, spec: &ScenarioSpec, map: Option<&RegionMap>) -> Vec<Region> {
    let (ni, na) = (spec.identities.len(), spec.actors.len());
    let mut regions = Vec::new();
    let mut declared_pairs: Vec<(usize, usize)> = Vec::new();
    for (ri, (k, r)) in spec.regions.iter().enumerate() {
        let value = r.value.as_ref().map(|q| b.qty_limit(q, "region value", MAX_WEIGHT)).unwrap_or(1.0);
        let income = r.income.as_ref().map(|q| b.qty_limit(q, "region income", MAX_MONEY)).unwrap_or(0.0);
        let control = r.control.as_ref().and_then(|c| b.resolve(c, "actor"));
        let mut population = vec![0.0; ni];
        for (ik, q) in r.population.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            if let Some(i) = b.resolve(&id, "identity") {
                population[i] = b.qty_limit(q, &format!("population of `{}` in `{}`", ik.name, k.name), MAX_PEOPLE);
            }
        }
        if !r.composition.is_empty() {
            match &r.total_population {
                None => b.d.push(
                    Diagnostic::at(&r.loc, format!("region `{}` has a composition but no total_population", k.name))
                        .hint("add `total_population = …`, or give `population` by identity instead"),
                ),
                Some(total) => {
                    if !r.population.is_empty() {
                        b.d.push(
                            Diagnostic::at(
                                &total.loc,
                                format!("region `{}` gives both population and total_population", k.name),
                            )
                            .hint("keep one of them"),
                        );
                    }
                    let t = b.qty_limit(&total.value, "total_population", MAX_PEOPLE);
                    let mut sum: f64 = 0.0;
                    let mut first_loc = None;
                    for (ik, q) in r.composition.iter() {
                        first_loc.get_or_insert(ik.loc.clone());
                        let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
                        let share = b.qty(q, &format!("share of `{}` in `{}`", ik.name, k.name), 0.0, 1.0);
                        sum += share;
                        if let Some(i) = b.resolve(&id, "identity") {
                            population[i] = t * share;
                        }
                    }
                    if (sum - 1.0).abs() > 1e-3 {
                        b.d.push(
                            Diagnostic::at(&first_loc.unwrap_or_default(), format!("composition shares of `{}` sum to {sum}", k.name))
                                .expected("shares that sum to 1")
                                .hint("adjust the shares (an unsourced split is an assumption: declare it as a parameter with a range)"),
                        );
                    }
                }
            }
        }
        let mut grievance = vec![0.2; ni];
        for (ik, q) in r.grievance.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            if let Some(i) = b.resolve(&id, "identity") {
                grievance[i] = b.qty(q, &format!("grievance of `{}` in `{}`", ik.name, k.name), 0.0, 1.0);
            }
        }
        let mut support = vec![vec![0.0; na]; ni];
        for (ik, by_actor) in r.support.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            let i = b.resolve(&id, "identity");
            for (ak, q) in by_actor.iter() {
                let aid = At { value: ak.name.clone(), loc: ak.loc.clone() };
                let a = b.resolve(&aid, "actor");
                let x = b.qty(q, &format!("support of `{}` for `{}` in `{}`", ik.name, ak.name, k.name), -1.0, 1.0);
                if let (Some(i), Some(a)) = (i, a) {
                    support[i][a] = x;
                }
            }
        }
        let mut manpower_share = vec![None; ni];
        for (ik, q) in r.manpower_share.iter() {
            let id = At { value: ik.name.clone(), loc: ik.loc.clone() };
            let x = b.qty(q, &format!("manpower_share of `{}` in `{}`", ik.name, k.name), 0.0, 1.0);
            if let Some(i) = b.resolve(&id, "identity") {
                manpower_share[i] = Some(x);
            }
        }
        if let Some(ns) = &r.neighbours {
            for n in &ns.value {
                if let Some(j) = b.resolve(n, "region") {
                    if j == ri {
                        b.d.push(
                            Diagnostic::at(&n.loc, format!("region `{}` lists itself as a neighbour", k.name))
                                .hint("remove it"),
                        );
                    } else {
                        declared_pairs.push((ri.min(j), ri.max(j)));
                    }
                }
            }
        }
        let mut position = None;
        if let Some(p) = &r.position {
            if p.value.len() != 2 || !(-180.0..=180.0).contains(&p.value[0]) || !(-90.0..=90.0).contains(&p.value[1]) {
                b.d.push(
                    Diagnostic::at(&p.loc, "position must be [longitude, latitude]")
                        .expected("two numbers, longitude in [-180, 180] and latitude in [-90, 90]"),
                );
            } else {
                position = Some((p.value[0], p.value[1]));
            }
        }
        if position.is_none() {
            position = map.and_then(|m| m.get(&k.name)).map(|g| g.centroid);
        }
        if position.is_none() && r.position.is_none() {
            b.d.push(Diagnostic::at(&k.loc, format!("region `{}` has no position", k.name)).hint(if map.is_some() {
                "its id is not in the map: fix the id or add `position = [lon, lat]`"
            } else {
                "add `position = [lon, lat]` or a `map` in [scenario]"
            }));
        }
        regions.push(Region {
            id: k.name.clone(),
            name: r.name.clone().unwrap_or_else(|| k.name.clone()),
            parent: r.parent.clone(),
            terrain: r.terrain.unwrap_or(Terrain::Rural),
            value,
            neighbours: Vec::new(),
            position: position.unwrap_or((0.0, 0.0)),
            income,
            control,
            population,
            grievance,
            support,
            source: r.source.clone(),
            oil: r.oil.as_ref().map(|q| b.qty_limit(q, "oil", MAX_OIL)).unwrap_or(0.0),
            manpower_share,
            camp: r.camp.unwrap_or(false),
        });
    }
    connect_neighbours(b, spec, map, &mut regions, declared_pairs);
    regions
}

/// Neighbours: declared ones, else (for regions with none declared) the map's.
fn connect_neighbours(
    b: &Builder,
    spec: &ScenarioSpec,
    map: Option<&RegionMap>,
    regions: &mut [Region],
    declared_pairs: Vec<(usize, usize)>,
) {
    let mut pairs: BTreeSet<(usize, usize)> = declared_pairs.into_iter().collect();
    if let Some(m) = map {
        for (a, bb) in &m.neighbours {
            if let (Some(i), Some(j)) = (b.regions.iter().position(|x| x == a), b.regions.iter().position(|x| x == bb))
            {
                let declared_i = spec.regions.0[i].1.neighbours.is_some();
                let declared_j = spec.regions.0[j].1.neighbours.is_some();
                if !declared_i && !declared_j {
                    pairs.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    for (i, j) in pairs {
        regions[i].neighbours.push(j);
        regions[j].neighbours.push(i);
    }
    for r in regions.iter_mut() {
        r.neighbours.sort_unstable();
        r.neighbours.dedup();
    }
}

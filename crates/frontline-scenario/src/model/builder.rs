//! The state every builder shares: the declared ids of each kind, the
//! parameters' values for build-time quantities, the diagnostics found so
//! far and which ids something refers to; and the checks every builder uses
//! (compile an expression, evaluate and bound a quantity, resolve an id).
//!
//! Reads the scenario's ids and sources. It must not build any part of the
//! model itself: that is the other modules' job.

use super::bounds::{Limit, show};
use crate::decode::{At, Map, Quantity};
use crate::diag::{Diagnostic, Diagnostics, Loc, Sources, choice_hint};
use crate::expr::{Expr, NameKind, Names, Origin, Query, Type, World, compile};
use crate::spec::ScenarioSpec;

/// The world of a build-time quantity: parameters only (queries, the tick
/// and the date are 0; `static_only` compilation refuses them anyway).
struct ParamWorld<'a>(&'a [f64]);
impl World for ParamWorld<'_> {
    fn query(&self, _: &Query) -> f64 {
        0.0
    }
    fn param(&self, i: usize) -> f64 {
        self.0[i]
    }
    fn tick(&self) -> f64 {
        0.0
    }
    fn today(&self) -> f64 {
        0.0
    }
}

/// What the builders share while the model is built.
pub(super) struct Builder<'a> {
    /// The scenario's files, for the raw text of an expression.
    pub(super) sources: &'a Sources,
    /// Every problem found so far, in the order found.
    pub(super) d: Diagnostics,
    /// The declared ids of each kind, in declaration order.
    pub(super) identities: Vec<String>,
    pub(super) regions: Vec<String>,
    pub(super) actors: Vec<String>,
    pub(super) forces: Vec<String>,
    pub(super) params: Vec<String>,
    pub(super) inputs: Vec<String>,
    /// Places' ids, names and aliases (lowercased) with their regions' indices.
    pub(super) places: Vec<(String, usize)>,
    /// The parameters' declared values, for build-time quantities.
    pub(super) param_values: Vec<f64>,
    /// Which ids something in the scenario refers to (by kind), so that an
    /// entry an overlay adds and nothing uses can be refused.
    pub(super) used: Used,
}

/// Ids referred to, by kind: `[kind][index]`.
#[derive(Default)]
pub(super) struct Used {
    pub(super) actors: Vec<bool>,
    pub(super) regions: Vec<bool>,
    pub(super) forces: Vec<bool>,
    pub(super) identities: Vec<bool>,
    pub(super) params: Vec<bool>,
    pub(super) inputs: Vec<bool>,
}

impl Used {
    /// Records that something refers to id `i` of `kind`.
    pub(super) fn mark(&mut self, kind: NameKind, i: usize) {
        let v = match kind {
            NameKind::Actor => &mut self.actors,
            NameKind::Region => &mut self.regions,
            NameKind::Force => &mut self.forces,
            NameKind::Identity => &mut self.identities,
            NameKind::Parameter => &mut self.params,
            NameKind::Input => &mut self.inputs,
        };
        if let Some(x) = v.get_mut(i) {
            *x = true;
        }
    }
}

fn ids<T>(m: &Map<T>) -> Vec<String> {
    m.0.iter().map(|(k, _)| k.name.clone()).collect()
}

impl<'a> Builder<'a> {
    /// A builder for `spec`, with no diagnostics yet and no id used.
    pub(super) fn new(spec: &ScenarioSpec, sources: &'a Sources) -> Self {
        let used = Used {
            actors: vec![false; spec.actors.len()],
            regions: vec![false; spec.regions.len()],
            forces: vec![false; spec.forces.len()],
            identities: vec![false; spec.identities.len()],
            params: vec![false; spec.parameters.len()],
            inputs: vec![false; spec.inputs.len()],
        };
        Builder {
            sources,
            d: Diagnostics::default(),
            identities: ids(&spec.identities),
            regions: ids(&spec.regions),
            actors: ids(&spec.actors),
            forces: ids(&spec.forces),
            params: ids(&spec.parameters),
            inputs: ids(&spec.inputs),
            places: super::places::names(spec, &ids(&spec.regions)),
            param_values: spec.parameters.0.iter().map(|(_, p)| p.value.value).collect(),
            used,
        }
    }
}

impl Builder<'_> {
    pub(super) fn names(&self) -> Names<'_> {
        Names {
            actors: &self.actors,
            regions: &self.regions,
            forces: &self.forces,
            identities: &self.identities,
            params: &self.params,
            inputs: &self.inputs,
            places: &self.places,
        }
    }
    pub(super) fn origin(&self, loc: &Loc) -> Origin {
        let text = self.sources.text(loc.file);
        let raw = text.get(loc.span.clone()).unwrap_or("");
        Origin::of_string(loc, raw)
    }
    pub(super) fn expr(&mut self, src: &str, loc: &Loc, want: Type, static_only: bool) -> Option<Expr> {
        let origin = self.origin(loc);
        match compile(src, want, &self.names(), &origin, static_only) {
            Ok(e) => {
                e.for_each_name(&mut |kind, i| self.used.mark(kind, i));
                Some(e)
            }
            Err(diag) => {
                self.d.push(diag);
                None
            }
        }
    }
    /// Evaluates a build-time quantity; checks `lo <= x <= hi`.
    pub(super) fn qty(&mut self, q: &Quantity, what: &str, lo: f64, hi: f64) -> f64 {
        self.qty_checked(q, what, lo, hi, None)
    }
    /// Evaluates a build-time quantity; checks `0 <= x <= limit`.
    pub(super) fn qty_limit(&mut self, q: &Quantity, what: &str, limit: Limit) -> f64 {
        self.qty_checked(q, what, 0.0, limit.max, Some(limit))
    }
    pub(super) fn qty_checked(&mut self, q: &Quantity, what: &str, lo: f64, hi: f64, limit: Option<Limit>) -> f64 {
        let (x, loc) = match q {
            Quantity::Number(x, loc) => (*x, loc),
            Quantity::Expr(s, loc) => match self.expr(s, loc, Type::Num, true) {
                Some(e) => (e.eval(&ParamWorld(&self.param_values)), loc),
                None => return lo.max(0.0).min(hi),
            },
        };
        self.check_range(x, loc, what, lo, hi, limit);
        x
    }
    /// Reports `x` outside `[lo, hi]` (or not finite) at `loc`; true if it is inside.
    pub(super) fn check_range(
        &mut self,
        x: f64,
        loc: &Loc,
        what: &str,
        lo: f64,
        hi: f64,
        limit: Option<Limit>,
    ) -> bool {
        if (lo..=hi).contains(&x) {
            return true;
        }
        let expected = match limit {
            Some(l) if lo == 0.0 => {
                format!("a value ≥ 0, at most {} ({}: the limit on {})", show(hi), l.name, l.applies_to)
            }
            Some(l) => format!("a value in [{}, {}] ({}: the limit on {})", show(lo), show(hi), l.name, l.applies_to),
            None => format!("a value in [{}, {}]", show(lo), show(hi)),
        };
        let mut diag = Diagnostic::at(loc, format!("{what} is {}, out of range", show(x))).expected(expected);
        if limit.is_some() && x > hi {
            diag = diag.hint("check the unit and the number of zeros");
        }
        self.d.push(diag);
        false
    }
    pub(super) fn resolve(&mut self, id: &At<String>, kind: &str) -> Option<usize> {
        let list = match kind {
            "actor" => &self.actors,
            "region" => &self.regions,
            "force group" => &self.forces,
            "identity" => &self.identities,
            _ => &self.params,
        };
        match list.iter().position(|x| *x == id.value) {
            Some(i) => {
                let kind = match kind {
                    "actor" => NameKind::Actor,
                    "region" => NameKind::Region,
                    "force group" => NameKind::Force,
                    "identity" => NameKind::Identity,
                    _ => NameKind::Parameter,
                };
                self.used.mark(kind, i);
                Some(i)
            }
            None => {
                let cands: Vec<&str> = list.iter().map(String::as_str).collect();
                let hint = choice_hint(&id.value, &cands);
                self.d.push(
                    Diagnostic::at(&id.loc, format!("unknown {kind} `{}`", id.value))
                        .expected(format!("the id of a declared {kind}"))
                        .hint(hint),
                );
                None
            }
        }
    }
}

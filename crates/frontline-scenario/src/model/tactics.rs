//! Tactics: the `then` of a rule or an event, with its target, force group,
//! fraction, amount or shares resolved and checked.
//!
//! Reads a [`TacticSpec`] and the force groups already built (to check that
//! an actor moves only its own groups, and air groups only strike). It must
//! not touch the actors or their rules: [`super::rules`] and
//! [`super::events`] decide where the tactics go.

use super::bounds::{Limit, MAX_MONEY, MAX_MULTIPLIER, MAX_PEOPLE, MAX_WEIGHT};
use super::builder::Builder;
use super::{Force, Tactic, Target};
use crate::decode::{At, Quantity};
use crate::diag::{Diagnostic, choice_hint};
use crate::expr::{Expr, Type};
use crate::spec::*;

/// The largest literal `air_surge` amount: the top of the range of
/// `air.max_surge` (the engine clamps to the constant's value in force).
const AIR_SURGE_LIMIT: f64 = 10.0;

impl Builder<'_> {
    /// Compiles a tactic's fraction, amount or share. A number written as
    /// such must lie in `[lo, hi]`; an expression is computed each time the
    /// tactic runs, and the engine clamps its value into the tactic's range
    /// (fractions to [0, 1], amounts and shares to ≥ 0).
    fn runtime_expr(&mut self, q: &At<Quantity>, what: &str, lo: f64, hi: f64, limit: Option<Limit>) -> Option<Expr> {
        match &q.value {
            Quantity::Number(x, loc) => self.check_range(*x, loc, what, lo, hi, limit).then_some(Expr::Const(*x)),
            Quantity::Expr(s, loc) => self.expr(s, loc, Type::Num, false),
        }
    }

    fn target(&mut self, to: &Option<At<String>>, default: Target) -> Option<Target> {
        match to {
            None => Some(default),
            Some(t) => match t.value.as_str() {
                "best_target" => Some(Target::BestTarget),
                "most_threatened" => Some(Target::MostThreatened),
                "allied_fronts" => Some(Target::AlliedFronts),
                "broad_front" => Some(Target::BroadFront),
                _ => {
                    if let Some(i) = self.regions.iter().position(|r| *r == t.value) {
                        Some(Target::Region(i))
                    } else {
                        let mut cands: Vec<&str> =
                            vec!["best_target", "most_threatened", "allied_fronts", "broad_front"];
                        cands.extend(self.regions.iter().map(String::as_str));
                        let hint = choice_hint(&t.value, &cands);
                        self.d.push(
                            Diagnostic::at(&t.loc, format!("unknown target `{}`", t.value))
                                .expected(
                                    "a region id, \"best_target\", \"broad_front\", \"most_threatened\" or \"allied_fronts\"",
                                )
                                .hint(hint),
                        );
                        None
                    }
                }
            },
        }
    }

    fn need<'b, T>(&mut self, field: &'b Option<T>, name: &str, t: &TacticSpec) -> Option<&'b T> {
        if field.is_none() {
            self.d.push(
                Diagnostic::at(&t.tactic.loc, format!("tactic `{}` needs `{name}`", t.tactic.value.name()))
                    .hint(format!("add `{name} = …` next to `tactic`")),
            );
        }
        field.as_ref()
    }

    pub(super) fn tactic(&mut self, t: &TacticSpec, actor: usize, forces: &[Force]) -> Option<Tactic> {
        use TacticKind::*;
        let own_force = |b: &mut Self, f: &At<String>| -> Option<usize> {
            let i = b.resolve(f, "force group")?;
            if let Some(force) = forces.get(i)
                && force.actor != actor
            {
                b.d.push(
                    Diagnostic::at(&f.loc, format!("force group `{}` belongs to another actor", f.value))
                        .hint("an actor can only move, recruit, train or fly its own force groups"),
                );
                return None;
            }
            Some(i)
        };
        let name = t.tactic.value.name();
        let frac = |b: &mut Self, d: f64| -> Option<Expr> {
            match &t.fraction {
                Some(q) => b.runtime_expr(q, &format!("fraction of `{name}`"), 0.0, 1.0, None),
                None => Some(Expr::Const(d)),
            }
        };
        let amount = |b: &mut Self, d: f64, limit: Limit| -> Option<Expr> {
            match &t.amount {
                Some(q) => b.runtime_expr(q, &format!("amount of `{name}`"), 0.0, limit.max, Some(limit)),
                None => Some(Expr::Const(d)),
            }
        };
        if let Some(mission) = &t.mission
            && t.tactic.value != AirStrike
        {
            self.d.push(
                Diagnostic::at(&mission.loc, format!("`mission` is a key of air_strike, not of `{name}`"))
                    .expected("`mission` only in a tactic with tactic = \"air_strike\"")
                    .hint("drop `mission`, or make the tactic an air_strike"),
            );
            return None;
        }
        match t.tactic.value {
            Deploy | Attack | Defend => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let default = match t.tactic.value {
                    Attack => Target::BestTarget,
                    Defend => Target::MostThreatened,
                    _ => {
                        self.need(&t.to, "to", t)?;
                        Target::BestTarget
                    }
                };
                let to = self.target(&t.to, default);
                let loc = || t.to.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                if to == Some(Target::AlliedFronts) {
                    self.d.push(
                        Diagnostic::at(&loc(), "\"allied_fronts\" is a target for air strikes only")
                            .expected("a region id, \"best_target\", \"broad_front\" or \"most_threatened\""),
                    );
                }
                if to == Some(Target::BroadFront) && t.tactic.value == Defend {
                    self.d.push(
                        Diagnostic::at(&loc(), "\"broad_front\" is a target for deploy and attack, not defend")
                            .expected("a region id or \"most_threatened\"")
                            .hint("to hold ground everywhere, give each key region its own defend rule"),
                    );
                }
                let (from_all, from_region) = match &t.from {
                    None => (false, None),
                    Some(f) if f.value == "adjacent" => (false, None),
                    Some(f) if f.value == "all" => (true, None),
                    Some(f) => match self.regions.iter().position(|r| *r == f.value) {
                        Some(r) => (false, Some(r)),
                        None => {
                            let mut cands: Vec<&str> = vec!["adjacent", "all"];
                            cands.extend(self.regions.iter().map(String::as_str));
                            let hint = choice_hint(&f.value, &cands);
                            self.d.push(
                                Diagnostic::at(&f.loc, format!("unknown `from` value `{}`", f.value))
                                    .expected("\"adjacent\", \"all\" or a region id")
                                    .hint(hint),
                            );
                            (false, None)
                        }
                    },
                };
                if from_region.is_some() && to == Some(Target::BroadFront) {
                    let loc = t.from.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                    self.d.push(
                        Diagnostic::at(&loc, "`broad_front` moves every detachment from where it stands")
                            .hint("drop `from`, or name a target region in `to`"),
                    );
                }
                let fraction = frac(self, 0.5)?;
                Some(Tactic::Move { kind: t.tactic.value, force: force?, to: to?, fraction, from_all, from_region })
            }
            AllocateWeapons | AllocateMoney => {
                let shares_spec = self.need(&t.shares, "shares", t)?;
                let mut shares = Vec::new();
                let mut ok = true;
                for (k, q) in shares_spec.iter() {
                    let id = At { value: k.name.clone(), loc: k.loc.clone() };
                    let f = self.resolve(&id, "force group");
                    let e =
                        self.runtime_expr(q, &format!("share of `{}`", k.name), 0.0, MAX_WEIGHT.max, Some(MAX_WEIGHT));
                    match (f, e) {
                        (Some(f), Some(e)) => shares.push((f, e)),
                        _ => ok = false,
                    }
                }
                ok.then_some(Tactic::Allocate { weapons: t.tactic.value == AllocateWeapons, shares })
            }
            Fund => {
                let a = self.need(&t.actor, "actor", t)?;
                let to = self.resolve(a, "actor");
                self.need(&t.amount, "amount", t)?;
                let amount = amount(self, 0.0, MAX_MONEY)?;
                Some(Tactic::Fund { to: to?, amount })
            }
            Recruit | Train => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let amount = amount(self, if t.tactic.value == Recruit { 2.0 } else { 1.0 }, MAX_MULTIPLIER)?;
                Some(if t.tactic.value == Recruit {
                    Tactic::Recruit { force: force?, amount }
                } else {
                    Tactic::Train { force: force?, amount }
                })
            }
            March => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let from = self.need(&t.from, "from", t)?;
                let from = self.resolve(from, "region");
                let to = self.need(&t.to, "to", t)?;
                let to = self.resolve(to, "region");
                let fraction = frac(self, 0.5)?;
                Some(Tactic::March { force: force?, from: from?, to: to?, fraction })
            }
            Transfer => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                let i = self.need(&t.into, "into", t)?;
                let into = own_force(self, i);
                for (id, g) in [(f, force), (i, into)] {
                    if let Some(g) = g
                        && forces.get(g).is_some_and(|x| x.kind == ForceKind::Air)
                    {
                        self.d.push(
                            Diagnostic::at(
                                &id.loc,
                                format!("`{}` is an air group; transfers are between ground groups", id.value),
                            )
                            .expected("a force group whose kind is not \"air\""),
                        );
                    }
                }
                if force.is_some() && force == into {
                    self.d.push(
                        Diagnostic::at(&i.loc, "a group cannot transfer fighters into itself")
                            .hint("name another force group of the same actor in `into`"),
                    );
                    return None;
                }
                let fraction = frac(self, 0.1)?;
                Some(Tactic::Transfer { force: force?, into: into?, fraction })
            }
            AirStrike => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                if let Some(i) = force
                    && forces.get(i).is_some_and(|x| x.kind != ForceKind::Air)
                {
                    self.d.push(
                        Diagnostic::at(&f.loc, format!("`{}` is not an air force group", f.value))
                            .expected("a force group with kind = \"air\""),
                    );
                }
                let to = self.target(&t.to, Target::AlliedFronts);
                if to == Some(Target::BroadFront) {
                    let loc = t.to.as_ref().map(|x| x.loc.clone()).unwrap_or_default();
                    self.d.push(
                        Diagnostic::at(&loc, "\"broad_front\" is a target for ground moves, not air strikes")
                            .expected("a region id, \"allied_fronts\", \"best_target\" or \"most_threatened\""),
                    );
                }
                let fraction = frac(self, 1.0)?;
                let mission = t.mission.as_ref().map_or(AirMission::Support, |m| m.value);
                Some(Tactic::AirStrike { force: force?, to: to?, fraction, mission })
            }
            AirSurge => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                if let Some(i) = force
                    && forces.get(i).is_some_and(|x| x.kind != ForceKind::Air)
                {
                    self.d.push(
                        Diagnostic::at(&f.loc, format!("`{}` is not an air force group", f.value))
                            .expected("a force group with kind = \"air\"")
                            .hint("only air groups surge their sortie rate"),
                    );
                    return None;
                }
                self.need(&t.amount, "amount", t)?;
                // A number must lie within the range that `air.max_surge` may
                // take; the engine clamps the value to the constant in force.
                let q = t.amount.as_ref()?;
                let amount = self.runtime_expr(q, "amount of `air_surge`", 0.0, AIR_SURGE_LIMIT, None)?;
                Some(Tactic::AirSurge { force: force?, amount })
            }
            LendTrainers => {
                let a = self.need(&t.to, "to", t)?;
                let to = self.resolve(a, "actor");
                if to == Some(actor) {
                    self.d.push(
                        Diagnostic::at(&a.loc, "an actor cannot lend trainers to itself")
                            .expected("the id of another actor"),
                    );
                    return None;
                }
                let fraction = frac(self, 1.0)?;
                Some(Tactic::LendTrainers { to: to?, fraction })
            }
            Raise => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                if let Some(g) = force.and_then(|i| forces.get(i)) {
                    if g.kind == ForceKind::Air {
                        self.d.push(
                            Diagnostic::at(
                                &f.loc,
                                format!("`{}` is an air group; only ground groups are raised", f.value),
                            )
                            .expected("a force group whose kind is not \"air\""),
                        );
                        return None;
                    }
                    if g.identity.is_none() {
                        self.d.push(
                            Diagnostic::at(
                                &f.loc,
                                format!("force group `{}` has no identity to raise people from", f.value),
                            )
                            .hint(format!("add `identity = \"…\"` to [forces.{}]", f.value)),
                        );
                        return None;
                    }
                }
                self.need(&t.amount, "amount", t)?;
                let amount = amount(self, 0.0, MAX_PEOPLE)?;
                Some(Tactic::Raise { force: force?, amount })
            }
            GoUnderground | Surface => {
                let f = self.need(&t.force, "force", t)?;
                let force = own_force(self, f);
                if let Some(g) = force.and_then(|i| forces.get(i))
                    && g.kind == ForceKind::Air
                {
                    self.d.push(
                        Diagnostic::at(&f.loc, format!("`{}` is an air group; only ground groups hide", f.value))
                            .expected("a force group whose kind is not \"air\""),
                    );
                    return None;
                }
                let to = match &t.to {
                    None => None,
                    Some(r) => match self.regions.iter().position(|x| *x == r.value) {
                        Some(i) => Some(i),
                        None => {
                            let cands: Vec<&str> = self.regions.iter().map(String::as_str).collect();
                            let hint = choice_hint(&r.value, &cands);
                            self.d.push(
                                Diagnostic::at(&r.loc, format!("unknown region `{}`", r.value))
                                    .expected(format!("a region id for `{name}`, or no `to` for every region"))
                                    .hint(hint),
                            );
                            return None;
                        }
                    },
                };
                let fraction = frac(self, 1.0)?;
                Some(Tactic::Hide { force: force?, to, fraction, hide: t.tactic.value == GoUnderground })
            }
            Include | Exclude => {
                let i = self.need(&t.identity, "identity", t)?;
                let identity = self.resolve(i, "identity")?;
                Some(Tactic::Inclusion { identity, include: t.tactic.value == Include })
            }
        }
    }
}

#[cfg(test)]
mod irregular_tests {
    use crate::Model;

    use super::super::test_support;

    const BASE: &str = test_support::TWO_REGIONS;

    /// The model of `BASE` with `extra` appended, or the rendered diagnostics.
    fn build(extra: &str) -> Result<Model, String> {
        test_support::build("h.toml", extra)
    }

    /// `h.toml:<line>:<col>` for line `n` after the base (1: the first extra line).
    fn at(n: usize, col: usize) -> String {
        format!("h.toml:{}:{col}", BASE.lines().count() + n)
    }

    /// The rendered error of an isis rule whose `then` is `then`.
    fn rule_error(then: &str) -> String {
        build(&format!("[actors.isis.rules.r]\nthen = {then}\n")).expect_err(then)
    }

    #[test]
    fn go_underground_and_surface_compile() {
        // The first extra line lands in the last table of the base, [forces.fighters].
        let m = build(
            "hidden = true\n[actors.isis.rules.hide]\nwhen = \"regions_held(isis) < 3\"\nthen = { tactic = \"go_underground\", force = \"fighters\" }\n\
             [actors.isis.rules.show]\nthen = { tactic = \"surface\", force = \"fighters\", to = \"b\", fraction = 0.5 }\n",
        )
        .unwrap();
        let (f, army) = (m.force_index("fighters").unwrap(), m.force_index("army").unwrap());
        let b = m.region_index("b").unwrap();
        assert!(m.forces[f].hidden && !m.forces[army].hidden);
        let kinds: Vec<_> = m.actors[m.actor_index("isis").unwrap()]
            .rules
            .iter()
            .map(|r| match &r.then {
                super::Tactic::Hide { force, to, hide, .. } => (*force, *to, *hide),
                t => panic!("{t:?}"),
            })
            .collect();
        assert!(kinds.contains(&(f, None, true)) && kinds.contains(&(f, Some(b), false)), "{kinds:?}");
    }

    #[test]
    fn bad_hiding_tactics_are_located_errors_with_a_hint() {
        let e = rule_error("{ tactic = \"go_underground\" }");
        assert!(e.contains("tactic `go_underground` needs `force`") && e.contains(&at(2, 19)), "{e}");
        assert!(e.contains("hint:"), "{e}");
        let e = rule_error("{ tactic = \"surface\", force = \"fighters\", to = \"c\" }");
        assert!(e.contains("unknown region `c`") && e.contains(&at(2, 55)), "{e}");
        assert!(e.contains("expected") && e.contains("did you mean") || e.contains("valid:"), "{e}");
        let e = rule_error("{ tactic = \"go_underground\", force = \"army\" }");
        assert!(e.contains("belongs to another actor") && e.contains(&at(2, 45)), "{e}");
        let e = rule_error("{ tactic = \"go_underground\", force = \"fightres\" }");
        assert!(e.contains("unknown force group `fightres`") && e.contains("did you mean `fighters`?"), "{e}");
        let e = rule_error("{ tactic = \"surface\", force = \"fighters\", fraction = 1.5 }");
        assert!(e.contains("fraction of `surface`") && e.contains(&at(2, 61)), "{e}");
        let e = build("[actors.gov.rules.r]\nthen = { tactic = \"go_underground\", force = \"jets\" }\n").unwrap_err();
        assert!(e.contains("`jets` is an air group; only ground groups hide") && e.contains(&at(2, 45)), "{e}");
        let e = rule_error("{ tactic = \"go_undreground\", force = \"fighters\" }");
        assert!(e.contains("go_undreground") && e.contains("go_underground"), "{e}");
    }

    #[test]
    fn a_bad_hidden_key_is_a_located_error() {
        // The first extra line lands in the last table of the base, [forces.fighters].
        let e = build("hidden = \"yes\"\n").unwrap_err();
        assert!(e.contains("wrong type") && e.contains(&at(1, 10)), "{e}");
        let jets = "[forces.jets2]\nactor = \"gov\"\nkind = \"air\"\npersonnel = { a = 5 }\n";
        let e = build(&format!("{jets}hidden = true\n")).unwrap_err();
        assert!(e.contains("air group `jets2` cannot be hidden") && e.contains(&at(5, 10)), "{e}");
        assert!(e.contains("hint:") && e.contains("expected"), "{e}");
        // Given while the mechanism is off it is fine, and false on an air group too.
        assert!(build(&format!("hidden = true\n{jets}hidden = false\n")).is_ok());
    }

    #[test]
    fn bad_constants_and_switches_are_located_errors() {
        let e = build("[constants.irregular]\ncover_urban = 0\n").unwrap_err();
        assert!(e.contains("cover_urban") && e.contains(&at(2, 15)), "{e}");
        let e = build("[constants.presence]\nlapse_weeks = -1\n").unwrap_err();
        assert!(e.contains("lapse_weeks") && e.contains(&at(2, 15)), "{e}");
        let e = build("[constants.irregular]\narea_lethalty = 1e-6\n").unwrap_err();
        assert!(e.contains("area_lethalty") && e.contains("area_lethality") && e.contains(&at(2, 1)), "{e}");
        let e = build("[mechanisms]\nirregullar = true\n").unwrap_err();
        assert!(e.contains("irregullar") && e.contains("irregular") && e.contains(&at(2, 1)), "{e}");
        let e = build("[mechanisms]\npresence = 1\n").unwrap_err();
        assert!(e.contains("wrong type") && e.contains(&at(2, 12)), "{e}");
        let e = build(
            "[actors.isis.rules.r]\nwhen = \"hidden(fighters, c) > 0\"\nthen = { tactic = \"surface\", force = \"fighters\" }\n",
        )
        .unwrap_err();
        assert!(
            e.contains("unknown") && e.contains("`c`") && e.contains(&format!("h.toml:{}:", BASE.lines().count() + 2)),
            "{e}"
        );
        let e = build(
            "[actors.isis.rules.r]\nwhen = \"cooperation(fighters, b) > 0\"\nthen = { tactic = \"surface\", force = \"fighters\" }\n",
        )
        .unwrap_err();
        assert!(e.contains("fighters") && e.contains("actor"), "{e}");
    }
}

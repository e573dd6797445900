//! Planning tables: `[actors.<id>.planning]`, which of an actor's ground
//! groups plan operations and with what horizon, thresholds, reserve,
//! garrisons and objectives (docs/model.md §3.15). Keys left out take the
//! defaults of `[constants.planning]`.
//!
//! Reads the actors' `planning` tables, the force groups built and the
//! constants. It only sets each actor's `planning`; it must not touch any
//! other field.

use super::bounds::MAX_PEOPLE;
use super::builder::Builder;
use super::{Actor, Force, Region};
use crate::constants::Constants;
use crate::decode::Quantity;
use crate::diag::Diagnostic;
use crate::spec::*;

/// An actor's validated planning table.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorPlanning {
    /// Force groups (of this actor, ground) that plan operations, in the order listed.
    pub forces: Vec<usize>,
    /// Ticks within which massing forces must reach the objective.
    pub horizon: u32,
    /// Force ratio at which an operation launches.
    pub launch_ratio: f64,
    /// Force ratio below which an operation under way culminates.
    pub culminate_ratio: f64,
    /// Share of each planning group kept out of operations.
    pub reserve: f64,
    /// Personnel left in each held region a planning group is in.
    pub garrison: f64,
    /// Hostile over own side's strength at which a hopeless held region is given up (0: never).
    pub withdraw_ratio: f64,
    /// Launch only once the group's own free men stand in or next to the
    /// objective (`arrive_before_launch`; false by default, see the spec).
    pub arrive_before_launch: bool,
    /// `objectives[r]`: region r may be chosen as an objective.
    pub objectives: Vec<bool>,
    /// The allowed objectives in order of preference: value · (1 + goal)
    /// descending, lowest index on ties (both are fixed when the model is
    /// built, so the order is too).
    pub preference: Vec<usize>,
}

/// A planning quantity: the value of `q` (or `default` when absent), checked
/// to lie in `[lo, hi]`; a located error with `hint` otherwise.
fn number(b: &mut Builder, q: &Option<Quantity>, what: &str, default: f64, lo: f64, hi: f64, hint: &str) -> f64 {
    let Some(q) = q else { return default };
    let before = b.d.items.len();
    let x = if hi == MAX_PEOPLE.max { b.qty_limit(q, what, MAX_PEOPLE) } else { b.qty(q, what, lo, hi) };
    if let Some(d) = b.d.items.get_mut(before..).and_then(|new| new.last_mut())
        && d.hint.is_none()
    {
        d.hint = Some(hint.to_string());
    }
    if (lo..=hi).contains(&x) { x } else { default }
}

fn loc_of(q: &Quantity) -> &crate::diag::Loc {
    match q {
        Quantity::Number(_, loc) | Quantity::Expr(_, loc) => loc,
    }
}

/// Builds each actor's planning table, if it has one, and attaches it.
pub(super) fn attach(
    b: &mut Builder,
    spec: &ScenarioSpec,
    regions: &[Region],
    actors: &mut [Actor],
    forces: &[Force],
    c: &Constants,
) {
    let nr = spec.regions.len();
    let c = &c.planning;
    for (ai, (k, a)) in spec.actors.iter().enumerate() {
        let Some(p) = &a.planning else { continue };
        let what = |key: &str| format!("`{key}` of `{}`'s planning", k.name);
        let mut groups: Vec<usize> = Vec::new();
        for f in &p.forces {
            let Some(i) = b.resolve(f, "force group") else { continue };
            let Some(force) = forces.get(i) else { continue };
            if force.actor != ai {
                b.d.push(
                    Diagnostic::at(&f.loc, format!("force group `{}` belongs to another actor", f.value))
                        .expected(format!("a ground force group of `{}`", k.name))
                        .hint("an actor plans operations only for its own force groups"),
                );
            } else if force.kind == ForceKind::Air {
                b.d.push(
                    Diagnostic::at(&f.loc, format!("air group `{}` cannot plan operations", f.value))
                        .expected(format!("a ground force group of `{}`", k.name))
                        .hint("operations take ground; support them with `air_strike` rules"),
                );
            } else if groups.contains(&i) {
                b.d.push(
                    Diagnostic::at(&f.loc, format!("force group `{}` is listed twice", f.value))
                        .expected("each force group once")
                        .hint("remove the repeated id"),
                );
            } else {
                groups.push(i);
            }
        }
        if p.forces.is_empty() {
            b.d.push(
                Diagnostic::at(&p.loc, format!("the planning table of `{}` lists no force groups", k.name))
                    .expected("`forces = [\"<ground group id>\", …]` with at least one group")
                    .hint("name the groups that plan operations, or remove the table"),
            );
        }
        let horizon = number(
            b,
            &p.horizon,
            &what("horizon"),
            c.horizon,
            1.0,
            1000.0,
            "the horizon is a number of ticks, e.g. 4 for a month of weekly ticks",
        );
        if let Some(q) = &p.horizon
            && horizon.fract() != 0.0
        {
            b.d.push(
                Diagnostic::at(loc_of(q), format!("{} is {horizon}, not a whole number of ticks", what("horizon")))
                    .expected("a whole number of ticks in [1, 1000]")
                    .hint("round it: forces move one region per tick"),
            );
        }
        let launch_ratio = number(
            b,
            &p.launch_ratio,
            &what("launch_ratio"),
            c.launch_ratio,
            1.0,
            100.0,
            "a force ratio such as 3 (the 3:1 rule of thumb)",
        );
        let culminate_ratio = number(
            b,
            &p.culminate_ratio,
            &what("culminate_ratio"),
            c.culminate_ratio,
            0.0,
            100.0,
            "a force ratio such as 1 (parity)",
        );
        if culminate_ratio > launch_ratio {
            let loc = p.culminate_ratio.as_ref().or(p.launch_ratio.as_ref()).map(loc_of).unwrap_or(&p.loc);
            b.d.push(
                Diagnostic::at(
                    loc,
                    format!(
                        "`culminate_ratio` of `{}`'s planning ({culminate_ratio}) is above its `launch_ratio` ({launch_ratio})",
                        k.name
                    ),
                )
                .expected(format!("a culminate_ratio of at most {launch_ratio}"))
                .hint("an operation would culminate the tick it launched: lower culminate_ratio or raise launch_ratio"),
            );
        }
        let reserve = number(
            b,
            &p.reserve,
            &what("reserve"),
            c.reserve,
            0.0,
            1.0,
            "a share of the group, e.g. 0.2 to keep a fifth back",
        );
        let garrison = number(
            b,
            &p.garrison,
            &what("garrison"),
            c.garrison,
            0.0,
            MAX_PEOPLE.max,
            "personnel per held region, e.g. 100",
        );
        let withdraw_ratio = number(
            b,
            &p.withdraw_ratio,
            &what("withdraw_ratio"),
            c.withdraw_ratio,
            0.0,
            1000.0,
            "a ratio of hostile to own strength such as 5, or 0 never to withdraw",
        );
        let objectives = match &p.objectives {
            None => vec![true; nr],
            Some(ids) => {
                let mut mask = vec![false; nr];
                for id in ids {
                    if let Some(r) = b.resolve(id, "region") {
                        mask[r] = true;
                    }
                }
                mask
            }
        };
        if let Some(actor) = actors.get_mut(ai) {
            let worth =
                |r: usize| regions.get(r).map_or(0.0, |x| x.value) * (1.0 + actor.goals.get(r).copied().unwrap_or(0.0));
            let mut preference: Vec<usize> = (0..nr).filter(|&r| objectives[r]).collect();
            preference.sort_by(|&x, &y| worth(y).total_cmp(&worth(x)).then(x.cmp(&y)));
            actor.planning = Some(ActorPlanning {
                forces: groups,
                horizon: horizon as u32,
                launch_ratio,
                culminate_ratio,
                reserve,
                garrison,
                withdraw_ratio,
                arrive_before_launch: p.arrive_before_launch.unwrap_or(false),
                objectives,
                preference,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Model;

    use super::super::test_support;

    const BASE: &str = test_support::TWO_REGIONS;

    /// The model of `BASE` with `extra` appended, or the rendered diagnostics.
    fn build(extra: &str) -> Result<Model, String> {
        test_support::build("p.toml", extra)
    }

    /// The rendered error for a planning table with `body`.
    fn error(body: &str) -> String {
        build(&format!("[actors.gov.planning]\n{body}\n")).expect_err(body)
    }

    /// `p.toml:<line>:<col>` for line `n` of a planning table (0: its header).
    fn at(n: usize, col: usize) -> String {
        format!("{}{col}", line(n))
    }

    /// `p.toml:<line>:` for line `n` of a planning table.
    fn line(n: usize) -> String {
        format!("p.toml:{}:", BASE.lines().count() + 1 + n)
    }

    #[test]
    fn a_table_takes_its_values_and_the_constants_for_the_rest() {
        let m = build(
            "[actors.gov.planning]\nforces = [\"army\"]\nlaunch_ratio = 4\nreserve = 0.25\nobjectives = [\"b\"]\n",
        )
        .unwrap();
        let p = m.actors[0].planning.as_ref().unwrap();
        assert_eq!(p.forces, vec![0]);
        assert_eq!((p.launch_ratio, p.reserve), (4.0, 0.25));
        let c = crate::constants::Constants::default().planning;
        assert_eq!(p.horizon as f64, c.horizon);
        assert_eq!(
            (p.culminate_ratio, p.garrison, p.withdraw_ratio),
            (c.culminate_ratio, c.garrison, c.withdraw_ratio)
        );
        assert_eq!(p.objectives, vec![false, true]);
        assert_eq!(p.preference, vec![1]);
        assert!(m.actors[1].planning.is_none());
        // The constants group sets the defaults.
        let m = build("[constants.planning]\nhorizon = 7\n[actors.gov.planning]\nforces = [\"army\"]\n").unwrap();
        assert_eq!(m.actors[0].planning.as_ref().unwrap().horizon, 7);
        assert_eq!(m.actors[0].planning.as_ref().unwrap().objectives, vec![true, true]);
    }

    #[test]
    fn objectives_are_preferred_by_value_and_goal() {
        // a: value 1 with goal 1, worth 2; b: goal 3, worth 4; c: value 4
        // (a tie with b, so the lower index first).
        let m = build(
            "[regions.c]\nposition = [44.2, 33.0]\nvalue = 4\nneighbours = [\"b\"]\n\
             [actors.gov.goals]\na = 1\nb = 3\n[actors.gov.planning]\nforces = [\"army\"]\n",
        )
        .unwrap();
        assert_eq!(m.actors[0].planning.as_ref().unwrap().preference, vec![1, 2, 0]);
    }

    #[test]
    fn bad_forces_are_located_errors() {
        let e = error("forces = [\"armee\"]");
        assert!(e.contains("unknown force group `armee`") && e.contains(&at(1, 11)), "{e}");
        assert!(e.contains("did you mean `army`?"), "{e}");
        let e = error("forces = [\"fighters\"]");
        assert!(e.contains("belongs to another actor") && e.contains(&at(1, 11)), "{e}");
        assert!(e.contains("hint:"), "{e}");
        let e = error("forces = [\"jets\"]");
        assert!(e.contains("air group `jets` cannot plan operations") && e.contains(&at(1, 11)), "{e}");
        let e = error("forces = [\"army\", \"army\"]");
        assert!(e.contains("listed twice") && e.contains(&at(1, 19)), "{e}");
        let e = error("forces = []");
        assert!(e.contains("lists no force groups") && e.contains(&line(0)), "{e}");
        let e = error("horizon = 2");
        assert!(e.contains("missing required key `forces`") || e.contains("lists no force groups"), "{e}");
        let e = error("forces = \"army\"");
        assert!(e.contains("wrong type") && e.contains(&at(1, 10)), "{e}");
    }

    #[test]
    fn out_of_range_numbers_are_located_errors_with_a_hint() {
        for (key, bad, expected) in [
            ("horizon", "0", "[1, 1000]"),
            ("horizon", "1001", "[1, 1000]"),
            ("launch_ratio", "0.5", "[1, 100]"),
            ("culminate_ratio", "-1", "[0, 100]"),
            ("reserve", "1.5", "[0, 1]"),
            ("garrison", "-5", "≥ 0"),
            ("garrison", "1e11", "MAX_PEOPLE"),
            ("withdraw_ratio", "-0.1", "[0, 1000]"),
            ("withdraw_ratio", "5000", "[0, 1000]"),
        ] {
            let e = error(&format!("forces = [\"army\"]\n{key} = {bad}"));
            let col = key.len() + 4;
            assert!(e.contains(&format!("`{key}` of `gov`'s planning is")), "{key}: {e}");
            assert!(e.contains(&at(2, col)), "{key}: {e}");
            assert!(e.contains(expected) && e.contains("hint:"), "{key}: {e}");
        }
        let e = error("forces = [\"army\"]\nhorizon = 2.5");
        assert!(e.contains("not a whole number of ticks") && e.contains(&at(2, 11)), "{e}");
        let e = error("forces = [\"army\"]\nlaunch_ratio = \"nope\"");
        assert!(e.contains(&line(2)) && e.contains("nope"), "{e}");
        let e = error("forces = [\"army\"]\nreserve = true");
        assert!(e.contains("wrong type") && e.contains(&at(2, 11)), "{e}");
    }

    #[test]
    fn culminating_above_the_launch_ratio_is_refused() {
        let e = error("forces = [\"army\"]\nlaunch_ratio = 2\nculminate_ratio = 2.5");
        assert!(e.contains("is above its `launch_ratio` (2)") && e.contains(&at(3, 19)), "{e}");
        assert!(e.contains("hint:"), "{e}");
        // Against the default launch ratio (3).
        let e = error("forces = [\"army\"]\nculminate_ratio = 4");
        assert!(e.contains("is above its `launch_ratio` (3)") && e.contains(&at(2, 19)), "{e}");
    }

    #[test]
    fn bad_objectives_and_unknown_keys_are_located_errors() {
        let e = error("forces = [\"army\"]\nobjectives = [\"c\"]");
        assert!(e.contains("unknown region `c`") && e.contains(&at(2, 15)), "{e}");
        let e = error("forces = [\"army\"]\nobjectives = \"b\"");
        assert!(e.contains("wrong type") && e.contains(&at(2, 14)), "{e}");
        let e = error("forces = [\"army\"]\nlaunch_ratoi = 3");
        assert!(e.contains("unknown key `launch_ratoi` in a planning table") && e.contains(&at(2, 1)), "{e}");
        assert!(e.contains("did you mean `launch_ratio`?"), "{e}");
        // An empty list is allowed: no offensive operations.
        let m = build("[actors.gov.planning]\nforces = [\"army\"]\nobjectives = []\n").unwrap();
        assert_eq!(m.actors[0].planning.as_ref().unwrap().objectives, vec![false, false]);
    }
}

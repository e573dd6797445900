//! Phase 6, movement: deployments travel one region per tick along a
//! shortest path (in hops over the neighbour graph) towards their target.
//!
//! For a move order (force f, target t, fraction φ): from every region s ≠ t
//! holding f — only those adjacent to t unless `from = "all"`, and only the
//! named region for `from = "<region>"` or a `broad_front` detachment (one
//! step from there each time the order is given) — φ of the
//! personnel present at the start of the phase moves to the next region on
//! the path to t. Orders are applied against that start-of-phase snapshot,
//! so troops move at most one hop per tick and the order of orders does not
//! matter beyond the cap that a region cannot send more than it holds.
//! Personnel only move: conserved. Equipment is held by the group, not by
//! region, so it does not move.
//!
//! With `movement.max_detour` = D > 0, a group marches round ground held by
//! its enemies: if a path to t whose intermediate regions are not
//! enemy-held is at most D hops longer than the shortest path, the next step
//! is on the shortest such path (lowest index on ties). Such paths come from
//! a breadth-first search from t through non-enemy ground, once per (actor,
//! target) and tick.
//!
//! With `irregular` on, hidden fighters do not move: only a detachment's
//! open fighters are free to (`phases::irregular::hold_cells`, §3.16).
//!
//! With `air_campaign` on, interdiction strikes (§3.18) stop a share of the
//! movers of their enemies out of or into a struck region
//! (`phases::air::let_through`); those stopped stay where they are.

use crate::state::{MoveOrder, State};
use frontline_scenario::Model;

/// The next region on a shortest path (in hops) from `src` to `to` for a
/// group of `actor`: among the neighbours one hop closer, the first not held
/// by an enemy of the actor, else the first (ties by region index). Troops
/// thus go round enemy ground when an equally short way exists.
pub fn next_step(m: &Model, s: &State, actor: usize, src: usize, to: usize) -> usize {
    let nr = m.regions.len();
    let here = m.hops[src * nr + to];
    let mut fallback = m.next_hop[src * nr + to];
    if here <= 1 {
        return fallback;
    }
    let mut first = true;
    for &q in &m.regions[src].neighbours {
        if m.hops[q * nr + to] + 1 != here {
            continue;
        }
        if first {
            fallback = q;
            first = false;
        }
        if !s.control[q].is_some_and(|c| m.actors[actor].hostile[c]) {
            return q;
        }
    }
    fallback
}

/// Hops to a target through ground not held by an actor's enemies, per
/// (actor, target), computed on first use within a movement phase.
#[derive(Default)]
struct SafePaths {
    /// (actor, target, hops from every region; u32::MAX if no such path).
    known: Vec<(usize, usize, Vec<u32>)>,
}

impl SafePaths {
    /// Hops from every region to `to` whose intermediate regions are not
    /// held by an enemy of `actor` (the start and the target may be).
    fn hops(&mut self, m: &Model, s: &State, actor: usize, to: usize) -> &[u32] {
        if let Some(i) = self.known.iter().position(|k| k.0 == actor && k.1 == to) {
            return &self.known[i].2;
        }
        let nr = m.regions.len();
        let passable = |q: usize| q == to || !s.control[q].is_some_and(|c| m.actors[actor].hostile[c]);
        let mut dist = vec![u32::MAX; nr];
        let mut queue = std::collections::VecDeque::from([to]);
        dist[to] = 0;
        while let Some(u) = queue.pop_front() {
            for &v in &m.regions[u].neighbours {
                if dist[v] == u32::MAX {
                    dist[v] = dist[u] + 1;
                    // Enemy ground can be where a march starts, not a way through.
                    if passable(v) {
                        queue.push_back(v);
                    }
                }
            }
        }
        self.known.push((actor, to, dist));
        &self.known.last().expect("just pushed").2
    }
}

/// The next step from `src` to `to` for a group of `actor` that will march
/// up to `max_detour` extra hops to keep off enemy ground; None if no such
/// path exists (the caller then takes [`next_step`]).
fn detour_step(
    m: &Model,
    s: &State,
    paths: &mut SafePaths,
    actor: usize,
    src: usize,
    to: usize,
    max_detour: f64,
) -> Option<usize> {
    let nr = m.regions.len();
    let shortest = m.hops[src * nr + to];
    let safe = paths.hops(m, s, actor, to);
    let here = safe[src];
    if here == u32::MAX || f64::from(here) > f64::from(shortest) + max_detour || here <= 1 {
        return None;
    }
    let hostile = |q: usize| s.control[q].is_some_and(|c| m.actors[actor].hostile[c]);
    m.regions[src].neighbours.iter().copied().find(|&q| safe[q] == here - 1 && !hostile(q))
}

/// Moves the order's fraction of the group's start-of-phase personnel in
/// `src` one hop towards the target, within what `src` still has free.
fn move_from(
    m: &Model,
    s: &mut State,
    o: &MoveOrder,
    src: usize,
    snapshot: &[f64],
    movable: &mut [f64],
    paths: &mut SafePaths,
) {
    let nr = m.regions.len();
    let f = o.force;
    if src == o.to {
        return;
    }
    let here = snapshot[f * nr + src];
    if here <= 0.0 {
        return;
    }
    let n = (here * o.fraction).min(movable[f * nr + src]);
    if n <= 0.0 {
        return;
    }
    let actor = m.forces[f].actor;
    let max_detour = m.constants.movement.max_detour;
    let detour = if max_detour > 0.0 { detour_step(m, s, paths, actor, src, o.to, max_detour) } else { None };
    let next = detour.unwrap_or_else(|| next_step(m, s, actor, src, o.to));
    movable[f * nr + src] -= n;
    // Interdiction (air_campaign, §3.18): those stopped stay where they are.
    let n = if s.air.interdicting { crate::phases::air::let_through(m, s, actor, src, next, n) } else { n };
    s.personnel[f * nr + src] -= n;
    s.personnel[f * nr + next] += n;
}

/// Forms this tick's columns (a share of the start-of-phase detachment in
/// the `from` region) and moves every column one step towards its
/// destination; a column that arrives joins the group there and is gone.
/// A column carries at most what its group still has free to move where it
/// stands (combat and routs may have thinned it).
fn march_columns(m: &Model, s: &mut State, snapshot: &[f64], movable: &mut [f64], paths: &mut SafePaths) {
    let nr = m.regions.len();
    let marches = std::mem::take(&mut s.orders.marches);
    for &(force, from, to, share) in &marches {
        let people = share * snapshot[force * nr + from];
        if people > 0.0 && m.hops[from * nr + to] != u32::MAX {
            s.columns.push(crate::state::Column { force, at: from, to, people });
        }
    }
    s.orders.marches = marches;
    let mut columns = std::mem::take(&mut s.columns);
    for c in &mut columns {
        let f = c.force;
        if !s.active[f] {
            c.people = 0.0;
            continue;
        }
        let n = c.people.min(movable[f * nr + c.at]);
        if n <= 0.0 {
            c.people = 0.0;
            continue;
        }
        let actor = m.forces[f].actor;
        let max_detour = m.constants.movement.max_detour;
        let detour = if max_detour > 0.0 { detour_step(m, s, paths, actor, c.at, c.to, max_detour) } else { None };
        let next = detour.unwrap_or_else(|| next_step(m, s, actor, c.at, c.to));
        movable[f * nr + c.at] -= n;
        let mut n = n;
        if s.air.interdicting {
            // Interdiction (air_campaign, §3.18): those stopped stay where
            // they are, as a column that tries again next tick.
            let through = crate::phases::air::let_through(m, s, actor, c.at, next, n);
            if n - through > 0.0 {
                s.air.held_columns.push(crate::state::Column { force: f, at: c.at, to: c.to, people: n - through });
            }
            n = through;
        }
        s.personnel[f * nr + c.at] -= n;
        s.personnel[f * nr + next] += n;
        c.at = next;
        c.people = n;
    }
    columns.append(&mut s.air.held_columns);
    columns.retain(|c| c.people > 0.0 && c.at != c.to);
    s.columns = columns;
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    if s.orders.moves.is_empty() && s.orders.marches.is_empty() && s.columns.is_empty() {
        return;
    }
    // Start-of-phase personnel and what is still free to move, copied only
    // for the groups that have orders (rows are marked as they are copied).
    let mut snapshot = std::mem::take(&mut s.buf.snapshot);
    let mut movable = std::mem::take(&mut s.buf.movable);
    let mut copied = std::mem::take(&mut s.buf.marks);
    snapshot.resize(s.personnel.len(), 0.0);
    movable.resize(s.personnel.len(), 0.0);
    copied.clear();
    copied.resize(m.forces.len(), false);
    let moves = std::mem::take(&mut s.orders.moves);
    let mut paths = SafePaths::default();
    let cells = s.on(frontline_scenario::spec::MechanismName::Irregular);
    let forces_with_orders = moves
        .iter()
        .map(|o| o.force)
        .chain(s.orders.marches.iter().map(|x| x.0))
        .chain(s.columns.iter().map(|c| c.force));
    for f in forces_with_orders {
        if !copied[f] {
            let row = f * nr..(f + 1) * nr;
            snapshot[row.clone()].copy_from_slice(&s.personnel[row.clone()]);
            movable[row.clone()].copy_from_slice(&s.personnel[row]);
            copied[f] = true;
        }
    }
    if cells {
        for (f, &moves) in copied.iter().enumerate() {
            if moves {
                crate::phases::irregular::hold_cells(m, s, f, &mut movable);
            }
        }
    }
    march_columns(m, s, &snapshot, &mut movable, &mut paths);
    for o in &moves {
        if !s.active[o.force] {
            continue;
        }
        if let Some(src) = o.from {
            // A named source (or a broad_front detachment): that region only,
            // one step along the path however far the target is. Men who have
            // left it are not carried on by this order: the order names a
            // place, not a column (a march over several hops needs an order
            // per hop, or `from = "all"`).
            if m.hops[src * nr + o.to] != u32::MAX {
                move_from(m, s, o, src, &snapshot, &mut movable, &mut paths);
            }
        } else if o.from_all {
            for src in 0..nr {
                if m.hops[src * nr + o.to] != u32::MAX {
                    move_from(m, s, o, src, &snapshot, &mut movable, &mut paths);
                }
            }
        } else {
            // The regions one hop from the target are its neighbours (the
            // graph is symmetric and the lists sorted, so the order is the
            // same as a scan of every region).
            for &src in &m.regions[o.to].neighbours {
                move_from(m, s, o, src, &snapshot, &mut movable, &mut paths);
            }
        }
    }
    if cells {
        for (f, &moved) in copied.iter().enumerate() {
            if moved {
                crate::phases::irregular::cells_stay(m, s, f);
            }
        }
    }
    s.buf.snapshot = snapshot;
    s.buf.movable = movable;
    s.buf.marks = copied;
    s.orders.moves = moves;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;
    use frontline_scenario::spec::TacticKind;

    #[test]
    fn moves_one_hop_per_tick_and_conserves_people() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let (capital, suburbs, city) =
            (m.region_index("capital").unwrap(), m.region_index("suburbs").unwrap(), m.region_index("city").unwrap());
        let total = s.force_total(nr, army);
        let cap0 = s.personnel[army * nr + capital];
        let sub0 = s.personnel[army * nr + suburbs];
        s.orders.moves.push(MoveOrder {
            kind: TacticKind::Deploy,
            force: army,
            to: city,
            fraction: 1.0,
            from_all: true,
            from: None,
        });
        run(&m, &mut s);
        assert!((s.force_total(nr, army) - total).abs() < 1e-9);
        // Capital troops reached the suburbs, not the city; suburb troops reached the city.
        assert_eq!(s.personnel[army * nr + capital], 0.0);
        assert!((s.personnel[army * nr + suburbs] - cap0).abs() < 1e-9);
        assert!(s.personnel[army * nr + city] >= sub0);
    }

    #[test]
    fn paths_go_round_enemy_ground_when_equally_short() {
        // a — b — d and a — c — d; b is held by the enemy, c by nobody.
        let toml = r#"
[scenario]
name = "diamond"
start = 2015-01-01
ticks = 1
[identities.p]
[regions.a]
position = [44.0, 33.0]
neighbours = ["b", "c"]
control = "blue"
[regions.b]
position = [44.1, 33.1]
neighbours = ["d"]
control = "red"
[regions.c]
position = [44.1, 32.9]
neighbours = ["d"]
[regions.d]
position = [44.2, 33.0]
[actors.blue]
hostile = ["red"]
[actors.red]
[forces.blue_army]
actor = "blue"
kind = "army"
personnel = { a = 100 }
"#;
        let m = crate::testkit::build(toml, "");
        let s = State::new(&m, 1);
        let (a, b, c, d) = ["a", "b", "c", "d"].map(|x| m.region_index(x).unwrap()).into();
        let blue = m.actor_index("blue").unwrap();
        let red = m.actor_index("red").unwrap();
        assert_eq!(m.next_hop[a * 4 + d], b, "the static path takes the lower index");
        assert_eq!(next_step(&m, &s, blue, a, d), c, "blue goes round red-held b");
        assert_eq!(next_step(&m, &s, red, a, d), b, "red has no reason to avoid b");
    }

    #[test]
    fn a_named_source_marches_step_by_step_from_afar() {
        // From the capital to the valley is three hops: the capital's men
        // reach the suburbs only; the city's men (also able to reach the
        // valley) stay, since the order names the capital.
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let [capital, suburbs, city, valley] =
            ["capital", "suburbs", "city", "valley"].map(|x| m.region_index(x).unwrap());
        let before = s.personnel.clone();
        s.orders.moves.push(MoveOrder {
            kind: TacticKind::Deploy,
            force: army,
            to: valley,
            fraction: 1.0,
            from_all: false,
            from: Some(capital),
        });
        run(&m, &mut s);
        assert_eq!(s.personnel[army * nr + capital], 0.0);
        assert_eq!(s.personnel[army * nr + suburbs], before[army * nr + suburbs] + before[army * nr + capital]);
        assert_eq!(s.personnel[army * nr + city], before[army * nr + city]);
    }

    #[test]
    fn a_march_carries_its_column_to_the_destination_and_leaves_the_rest() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let [capital, suburbs, city, valley] =
            ["capital", "suburbs", "city", "valley"].map(|x| m.region_index(x).unwrap());
        let before = s.personnel.clone();
        s.orders.marches.push((army, capital, valley, 0.5));
        run(&m, &mut s);
        assert_eq!(s.columns.len(), 1);
        let half = 0.5 * before[army * nr + capital];
        assert_eq!(s.personnel[army * nr + suburbs], before[army * nr + suburbs] + half);
        // No new orders: the engine carries the column on, tick after tick.
        for _ in 0..2 {
            s.orders.reset(m.forces.len(), m.actors.len() * nr);
            run(&m, &mut s);
        }
        assert!(s.columns.is_empty(), "arrived");
        assert_eq!(s.personnel[army * nr + valley], half);
        assert_eq!(s.personnel[army * nr + capital], before[army * nr + capital] - half);
        assert_eq!(s.personnel[army * nr + suburbs], before[army * nr + suburbs], "the garrisons on the way stay");
        assert_eq!(s.personnel[army * nr + city], before[army * nr + city]);
    }

    #[test]
    fn an_order_from_one_region_moves_only_that_detachment() {
        // Capital and city both border the suburbs; only the city's men go.
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let [capital, suburbs, city] = ["capital", "suburbs", "city"].map(|x| m.region_index(x).unwrap());
        let before = s.personnel.clone();
        s.orders.moves.push(MoveOrder {
            kind: TacticKind::Attack,
            force: army,
            to: suburbs,
            fraction: 0.5,
            from_all: false,
            from: Some(city),
        });
        run(&m, &mut s);
        assert_eq!(s.personnel[army * nr + capital], before[army * nr + capital]);
        assert_eq!(s.personnel[army * nr + city], 0.5 * before[army * nr + city]);
        assert_eq!(s.personnel[army * nr + suburbs], before[army * nr + suburbs] + 0.5 * before[army * nr + city]);
    }

    #[test]
    fn a_detour_budget_keeps_marches_off_enemy_ground() {
        // a — b — d is short but b is red; a — c — e — d is one hop longer.
        let toml = |detour: f64, e_control: &str| {
            format!(
                r#"
[scenario]
name = "detour"
start = 2015-01-01
ticks = 1
[constants.movement]
max_detour = {detour}
[identities.p]
[regions.a]
position = [44.0, 33.0]
neighbours = ["b", "c"]
control = "blue"
[regions.b]
position = [44.1, 33.1]
neighbours = ["d"]
control = "red"
[regions.c]
position = [44.1, 32.9]
neighbours = ["e"]
[regions.e]
position = [44.2, 32.9]
neighbours = ["d"]
{e_control}
[regions.d]
position = [44.3, 33.0]
[actors.blue]
hostile = ["red"]
[actors.red]
[forces.blue_army]
actor = "blue"
kind = "army"
personnel = {{ a = 100 }}
"#
            )
        };
        let first_step = |text: String| {
            let m = crate::testkit::build(&text, "");
            let mut s = State::new(&m, 1);
            let d = m.region_index("d").unwrap();
            let f = m.force_index("blue_army").unwrap();
            s.orders.moves.push(MoveOrder {
                kind: TacticKind::Deploy,
                force: f,
                to: d,
                fraction: 1.0,
                from_all: true,
                from: None,
            });
            run(&m, &mut s);
            let nr = m.regions.len();
            let at = |id: &str| s.personnel[f * nr + m.region_index(id).unwrap()];
            assert_eq!(at("a"), 0.0, "everyone marched");
            if at("b") > 0.0 { "b" } else { "c" }
        };
        assert_eq!(first_step(toml(0.0, "")), "b", "off: the shortest path, through red b");
        assert_eq!(first_step(toml(1.0, "")), "c", "one extra hop is allowed: round by c and e");
        assert_eq!(first_step(toml(1.0, "control = \"red\"")), "b", "no clean way round: straight on");
        assert_eq!(first_step(toml(0.5, "")), "b", "half a hop is not enough");
    }

    #[test]
    fn adjacent_only_leaves_distant_garrisons() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let (capital, city) = (m.region_index("capital").unwrap(), m.region_index("city").unwrap());
        let cap0 = s.personnel[army * nr + capital];
        s.orders.moves.push(MoveOrder {
            kind: TacticKind::Deploy,
            force: army,
            to: city,
            fraction: 0.5,
            from_all: false,
            from: None,
        });
        run(&m, &mut s);
        assert_eq!(s.personnel[army * nr + capital], cap0);
    }
}

//! Phase 6, movement: deployments travel one region per tick along a
//! shortest path (in hops over the neighbour graph) towards their target.
//!
//! For a move order (force f, target t, fraction φ): from every region s ≠ t
//! holding f — only those adjacent to t unless `from = "all"`, and only the
//! order's own source region for a `broad_front` detachment — φ of the
//! personnel present at the start of the phase moves to the next region on
//! the path to t. Orders are applied against that start-of-phase snapshot,
//! so troops move at most one hop per tick and the order of orders does not
//! matter beyond the cap that a region cannot send more than it holds.
//! Personnel only move: conserved. Equipment is held by the group, not by
//! region, so it does not move.

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

/// Moves the order's fraction of the group's start-of-phase personnel in
/// `src` one hop towards the target, within what `src` still has free.
fn move_from(m: &Model, s: &mut State, o: &MoveOrder, src: usize, snapshot: &[f64], movable: &mut [f64]) {
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
    let next = next_step(m, s, m.forces[f].actor, src, o.to);
    movable[f * nr + src] -= n;
    s.personnel[f * nr + src] -= n;
    s.personnel[f * nr + next] += n;
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    if s.orders.moves.is_empty() {
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
    for o in &moves {
        let f = o.force;
        if !copied[f] {
            let row = f * nr..(f + 1) * nr;
            snapshot[row.clone()].copy_from_slice(&s.personnel[row.clone()]);
            movable[row.clone()].copy_from_slice(&s.personnel[row]);
            copied[f] = true;
        }
    }
    for o in &moves {
        if !s.active[o.force] {
            continue;
        }
        if let Some(src) = o.from {
            if m.hops[src * nr + o.to] == 1 {
                move_from(m, s, o, src, &snapshot, &mut movable);
            }
        } else if o.from_all {
            for src in 0..nr {
                if m.hops[src * nr + o.to] != u32::MAX {
                    move_from(m, s, o, src, &snapshot, &mut movable);
                }
            }
        } else {
            // The regions one hop from the target are its neighbours (the
            // graph is symmetric and the lists sorted, so the order is the
            // same as a scan of every region).
            for &src in &m.regions[o.to].neighbours {
                move_from(m, s, o, src, &snapshot, &mut movable);
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

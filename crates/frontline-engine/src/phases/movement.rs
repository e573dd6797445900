//! Phase 6, movement: deployments travel one region per tick along a
//! shortest path (in hops over the neighbour graph) towards their target.
//!
//! For a move order (force f, target t, fraction φ): from every region s ≠ t
//! holding f — only those adjacent to t unless `from = "all"` — φ of the
//! personnel present at the start of the phase moves to the next region on
//! the path to t. Orders are applied against that start-of-phase snapshot,
//! so troops move at most one hop per tick and the order of orders does not
//! matter beyond the cap that a region cannot send more than it holds.
//! Personnel only move: conserved. Equipment is held by the group, not by
//! region, so it does not move.

use crate::state::State;
use frontline_scenario::Model;

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    if s.orders.moves.is_empty() {
        return;
    }
    let snapshot = s.personnel.clone();
    let mut left = s.personnel.clone();
    let moves = std::mem::take(&mut s.orders.moves);
    for o in &moves {
        if !s.active[o.force] {
            continue;
        }
        let f = o.force;
        for src in 0..nr {
            if src == o.to {
                continue;
            }
            let here = snapshot[f * nr + src];
            if here <= 0.0 {
                continue;
            }
            let hops = m.hops[src * nr + o.to];
            if hops == u32::MAX || (!o.from_all && hops != 1) {
                continue;
            }
            let n = (here * o.fraction).min(left[f * nr + src]);
            if n <= 0.0 {
                continue;
            }
            let next = m.next_hop[src * nr + o.to];
            left[f * nr + src] -= n;
            s.personnel[f * nr + src] -= n;
            s.personnel[f * nr + next] += n;
        }
    }
    s.orders.moves = moves;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MoveOrder;
    use crate::testkit::line;
    use frontline_scenario::spec::TacticKind;

    #[test]
    fn moves_one_hop_per_tick_and_conserves_people() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let (capital, suburbs, city) = (m.region_index("capital").unwrap(), m.region_index("suburbs").unwrap(), m.region_index("city").unwrap());
        let total = s.force_total(nr, army);
        let cap0 = s.personnel[army * nr + capital];
        let sub0 = s.personnel[army * nr + suburbs];
        s.orders.moves.push(MoveOrder { kind: TacticKind::Deploy, force: army, to: city, fraction: 1.0, from_all: true });
        run(&m, &mut s);
        assert!((s.force_total(nr, army) - total).abs() < 1e-9);
        // Capital troops reached the suburbs, not the city; suburb troops reached the city.
        assert_eq!(s.personnel[army * nr + capital], 0.0);
        assert!((s.personnel[army * nr + suburbs] - cap0).abs() < 1e-9);
        assert!(s.personnel[army * nr + city] >= sub0);
    }

    #[test]
    fn adjacent_only_leaves_distant_garrisons() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let (capital, city) = (m.region_index("capital").unwrap(), m.region_index("city").unwrap());
        let cap0 = s.personnel[army * nr + capital];
        s.orders.moves.push(MoveOrder { kind: TacticKind::Deploy, force: army, to: city, fraction: 0.5, from_all: false });
        run(&m, &mut s);
        assert_eq!(s.personnel[army * nr + capital], cap0);
    }
}

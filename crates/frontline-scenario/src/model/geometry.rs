//! The derived geometry: distances, next hops and hop counts between all
//! pairs of regions, and the threat weights that decay with distance.
//!
//! Reads the regions' positions and neighbours and the perception constants.
//! It reports nothing (it runs on a valid model) and must not change the
//! regions.

use super::Region;
use crate::geo::haversine_km;

/// Distances, next hops and hop counts between all pairs of regions (BFS from
/// each region; ties broken by the lower region index, so paths are deterministic).
pub(super) fn geometry(regions: &[Region]) -> (Vec<f64>, Vec<usize>, Vec<u32>) {
    let n = regions.len();
    let mut dist = vec![0.0; n * n];
    for a in 0..n {
        for c in 0..n {
            dist[a * n + c] = haversine_km(regions[a].position, regions[c].position);
        }
    }
    let mut next = vec![usize::MAX; n * n];
    let mut hops = vec![u32::MAX; n * n];
    let mut queue = std::collections::VecDeque::new();
    for target in 0..n {
        // BFS from the target; the next hop from a towards target is a's
        // neighbour that is one hop closer.
        hops[target * n + target] = 0;
        next[target * n + target] = target;
        queue.clear();
        queue.push_back(target);
        while let Some(u) = queue.pop_front() {
            for &v in &regions[u].neighbours {
                if hops[v * n + target] == u32::MAX {
                    hops[v * n + target] = hops[u * n + target] + 1;
                    next[v * n + target] = u;
                    queue.push_back(v);
                }
            }
        }
    }
    (dist, next, hops)
}

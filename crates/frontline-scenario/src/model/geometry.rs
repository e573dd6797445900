//! The derived geometry: distances, next hops and hop counts between all
//! pairs of regions, and the threat weights that decay with distance.
//!
//! Reads the regions' positions and neighbours and the perception constants.
//! It reports nothing (it runs on a valid model) and must not change the
//! regions.

use super::Region;
use crate::constants::Constants;
use crate::geo::haversine_km;

/// The pairwise geometry of the regions, each table indexed `[a * n + c]`
/// (see the fields of the same names on [`super::Model`]).
pub(super) struct Geometry {
    pub(super) distance_km: Vec<f64>,
    pub(super) next_hop: Vec<usize>,
    pub(super) hops: Vec<u32>,
    pub(super) threat_weight: Vec<f64>,
}

/// Derives the geometry of valid regions.
pub(super) fn derive(regions: &[Region], constants: &Constants) -> Geometry {
    let (distance_km, next_hop, hops) = paths(regions);
    let scale = constants.perception.distance_scale_km;
    let threat_weight = distance_km.iter().map(|d| (-d / scale).exp()).collect();
    Geometry { distance_km, next_hop, hops, threat_weight }
}

/// Distances, next hops and hop counts between all pairs of regions (BFS from
/// each region; ties broken by the lower region index, so paths are deterministic).
fn paths(regions: &[Region]) -> (Vec<f64>, Vec<usize>, Vec<u32>) {
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

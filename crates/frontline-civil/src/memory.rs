//! The memory one civil-violence run needs, estimated from the declared
//! sizes (grid, densities, steps, snapshots), so that a scenario which
//! cannot run is refused when it is validated rather than aborting later.
//!
//! The formula follows the data structures of [`crate::model::World`] and
//! [`crate::Trajectory`] and the tables built from them; the budget is the
//! shared one of `frontline_scenario::limits`.

use crate::model::Counts;
use crate::params::Scenario;
use frontline_scenario::limits::string_cell_bytes;

/// The memory of one run, by part, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunMemory {
    /// Per-cell arrays of the world: cell code (u8), occupant (u32), cops and
    /// actives seen (u16 each), and the vision builder's scratch (bool).
    pub grid: u64,
    /// Per-agent arrays: position, order, and for citizens grievance, risk
    /// aversion and jail term (with the growth slack of the vectors that
    /// collect them while the grid is filled).
    pub agents: u64,
    /// The per-step counts and the `counts` table.
    pub counts: u64,
    /// Grid snapshots and the `snapshots` table (one row per occupied cell).
    pub snapshots: u64,
}

impl RunMemory {
    /// All parts together.
    pub fn total(&self) -> u64 {
        self.grid.saturating_add(self.agents).saturating_add(self.counts).saturating_add(self.snapshots)
    }
}

/// Bytes per grid cell: cells (u8), occ (u32), cops_seen and actives_seen
/// (u16 each) and the vision builder's `seen` (bool).
const BYTES_PER_CELL: u64 = 1 + 4 + 2 + 2 + 1;

/// Estimates the memory of one run of `s` (see [`RunMemory`]).
pub fn run_memory(s: &Scenario) -> RunMemory {
    let p = &s.params;
    let cells = u64::from(p.width) * u64::from(p.height);
    // Expected agent counts; each cell draws once.
    let citizens = (cells as f64 * p.citizen_density).ceil() as u64;
    let cops = (cells as f64 * p.cop_density).ceil() as u64;
    // Citizens: grievance and risk (f64, collected with doubling growth, so
    // up to twice), pos (u32, up to twice), order and jail (u32).
    let per_citizen = 2 * 8 * 2 + 4 * 2 + 4 + 4;
    // Cops: their cell list (u32, up to twice), pos (u32, up to twice), order (u32).
    let per_cop = 4 * 2 + 4 * 2 + 4;
    let steps = u64::from(s.steps) + 1;
    // Counts per step, then the five i64 columns of the `counts` table.
    let counts = steps * (size_of::<Counts>() as u64 + 5 * 8);
    // None with snapshot_every = 0, else step 0 and every multiple.
    let snapshots = s.steps.checked_div(s.snapshot_every).map_or(0, |k| u64::from(k) + 1);
    // A snapshot row: step, x, y (i64) and the state name (at most 6 bytes).
    let snapshot_row = 3 * 8 + string_cell_bytes("active".len());
    let per_snapshot = cells.saturating_add((citizens + cops).saturating_mul(snapshot_row));
    RunMemory {
        grid: cells.saturating_mul(BYTES_PER_CELL),
        agents: citizens.saturating_mul(per_citizen).saturating_add(cops.saturating_mul(per_cop)),
        counts,
        snapshots: snapshots.saturating_mul(per_snapshot),
    }
}

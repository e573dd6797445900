//! The ten phases of a tick, in the order they run. Each phase is a module
//! whose doc states its equations and the source or reason for each; the
//! coefficients live in `frontline_scenario::constants`.

/// Not a phase of its own: the air campaign that strategy, supply, movement
/// and combat call (docs/model.md §3.18).
pub mod air;
pub mod attitudes;
/// Civilian harm and displacement (docs/model.md §3.17): called from the
/// combat and attitudes phases, and a step of its own after attitudes.
pub mod civilians;
pub mod combat;
pub mod control;
pub mod economy;
pub mod events;
pub mod forcegen;
/// Not a phase of its own: hidden fighters, detection, area fire and
/// control that needs presence (docs/model.md §3.16).
pub mod irregular;
/// Not a phase of its own: the manpower stock and the recruitment regimes
/// that the recruitment phase calls (docs/model.md §3.12).
pub mod manpower;
pub mod movement;
pub mod perception;
pub mod planning;
pub mod record;
pub mod recruitment;
pub mod strategy;
pub mod supply;

/// Length of a tick in weeks: rates in the model are per week.
pub fn weeks(m: &frontline_scenario::Model) -> f64 {
    f64::from(m.tick_days) / 7.0
}

//! The run loop: a run is a pure function of (model, seed). Tick 0 records
//! the initial state; each later tick runs the ten phases in order.

use crate::phases::{self, record::Trajectory};
use crate::state::State;
use frontline_scenario::Model;

/// Runs the model from its initial state for `model.ticks` ticks, recording
/// the full trajectory.
pub fn simulate(model: &Model, seed: u64) -> Trajectory {
    let mut traj = Trajectory::with_capacity(model, seed);
    run_observed(model, seed, |m, s| phases::record::run(m, s, &mut traj));
    traj
}

/// [`simulate`] with driver recording on: the same trajectory, number for
/// number, plus `drivers`, the record of why things changed ([`crate::cause`]).
pub fn simulate_explained(model: &Model, seed: u64) -> Trajectory {
    let mut traj = Trajectory::with_capacity(model, seed);
    run_with(model, seed, true, |m, s| phases::record::run(m, s, &mut traj));
    traj
}

/// Runs the model and calls `observe` on the state at tick 0 and after every
/// tick, instead of recording a trajectory: ensembles use it to keep only
/// what they aggregate. The observer sees the same states `simulate` records,
/// and reads `state.log` for this tick's events (cleared after each call).
pub fn run_observed(model: &Model, seed: u64, observe: impl FnMut(&Model, &mut State)) {
    run_with(model, seed, false, observe);
}

/// [`run_observed`] with driver recording on or off; with it on, the
/// observer also reads `state.cause.drivers` for this tick's records
/// (cleared after each call, like the log).
pub fn run_with(model: &Model, seed: u64, explain: bool, mut observe: impl FnMut(&Model, &mut State)) {
    let mut state = State::new(model, seed);
    if explain {
        state.cause = crate::cause::Causes::new(model, &state, true);
    }
    phases::events::run(model, &mut state);
    phases::perception::run(model, &mut state);
    observe(model, &mut state);
    state.log.clear();
    for t in 1..=model.ticks {
        step(model, &mut state, t);
        observe(model, &mut state);
        state.log.clear();
        state.cause.drivers.clear();
    }
}

/// Advances the state by one tick (phases 1–9; recording is the caller's).
pub fn step(m: &Model, s: &mut State, tick: u32) {
    s.tick = tick;
    s.day = m.day_of_tick(tick);
    let fired = phases::events::run(m, s);
    // Effective strengths were computed in the last control phase; only a
    // victory's morale gain there, or an event now, can have changed them.
    if !fired.is_empty() || s.strengths_stale {
        phases::perception::effective_strengths(m, s);
        s.strengths_stale = false;
    }
    phases::perception::update_threat(m, s);
    phases::strategy::run(m, s);
    phases::supply::run(m, s);
    phases::recruitment::run(m, s);
    phases::movement::run(m, s);
    phases::perception::effective_strengths(m, s);
    phases::combat::run(m, s);
    phases::control::run(m, s);
    phases::attitudes::run(m, s);
    // Displacement, and the end of the tick's civilian harm (no-op with
    // `civilian_harm` and `displacement` off).
    phases::civilians::run(m, s);
    if s.cause.on {
        crate::cause::end_tick(m, s);
    }
    // Orders last one tick. Clearing them here, not at the start of a tick,
    // keeps orders issued by events dated on the start day (tick 0).
    s.orders.reset(m.forces.len(), m.actors.len() * m.regions.len());
}

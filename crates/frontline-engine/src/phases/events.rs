//! Phase 1, scheduled events: on the first tick whose day is on or after an
//! event's date, switch force groups on or off, set parameter values, and
//! carry out the event's tactics on behalf of its actor.
//!
//! No equations: events are the scenario's exogenous history (e.g. "US air
//! campaign starts 2014-08-08"). They never capture a region directly; any
//! control change must come from combat and control.

use crate::phases::strategy::execute;
use crate::state::State;
use frontline_scenario::Model;

/// Fires every event due by `s.day`; returns the ids fired.
pub fn run(m: &Model, s: &mut State) -> Vec<usize> {
    let mut fired = Vec::new();
    crate::phases::strategy::forget_target_scores(s);
    while s.next_event < m.events.len() && m.events[s.next_event].day <= s.day {
        let i = s.next_event;
        let e = &m.events[i];
        for &f in &e.enable {
            s.active[f] = true;
        }
        for &f in &e.disable {
            s.active[f] = false;
        }
        for &(p, v) in &e.set {
            s.params[p] = v;
        }
        if let Some((actor, tactics)) = &e.then {
            for t in tactics {
                execute(m, s, *actor, t);
            }
        }
        fired.push(i);
        s.note("event", None, None, None, None, 1.0, e.id.clone());
        s.next_event += 1;
    }
    fired
}

#[cfg(test)]
mod tests {
    use crate::testkit::line;

    #[test]
    fn events_fire_once_on_or_after_their_date() {
        let m = line("[events.late]\ndate = 2014-06-10\ndisable = [\"insurgents\"]\nset = { k = 2.0 }\n");
        let mut s = crate::state::State::new(&m, 1);
        s.day = m.start.checked_add_days(7).unwrap();
        assert!(super::run(&m, &mut s).is_empty());
        s.day = m.start.checked_add_days(14).unwrap();
        assert_eq!(super::run(&m, &mut s), vec![0]);
        assert!(!s.active[m.force_index("insurgents").unwrap()]);
        assert_eq!(s.params[m.parameters.iter().position(|p| p.id == "k").unwrap()], 2.0);
        s.day = s.day.checked_add_days(7).unwrap();
        assert!(super::run(&m, &mut s).is_empty());
    }
}

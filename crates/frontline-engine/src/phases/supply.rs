//! Phase 4, supply: money and weapons flow.
//!
//! Per tick of length Δ weeks, for each actor a:
//!
//! ```text
//! money_a   += Δ · (income_a + Σ_{r held by a} (income_r + tax_a · pop_r))
//! weapons_a += Δ · weapons_income_a
//! fund:       money moves a → b, at most what a has              (C2; off: no transfer)
//! upkeep:     cost = Δ · Σ_f upkeep_f · personnel_f; unpaid share u = 1 − paid/cost
//!             morale_f −= Δ · u · unpaid_morale_loss;  u · Δ · unpaid_desertion of personnel desert
//! issue:      I = weapons_a · min(1, issue_rate · Δ), split by the actor's weapons shares
//!             (C3 allocate_weapons; off or unset: own ground groups by personnel)
//! training:   q_f += Δ · intensity · training_gain · (1 − q_f), costing training_cost per person-week
//! ```
//!
//! With `irregular` on, an actor's hidden fighters also extort money where
//! it holds no ground (`phases::irregular::extortion`, §3.16), and hidden
//! fighters cost `irregular.hidden_upkeep` of a fighter's upkeep
//! (`economy::paid_heads`).
//!
//! With `air_campaign` on, interdiction (§3.18) holds back in the issuer's
//! stock the share of each group's issue bound for struck regions
//! (`phases::air::issue_kept`).
//!
//! Weapons only move (stock → groups); money only moves or is spent. The
//! rates are assumptions documented in `constants.rs`.

use crate::phases::economy;
use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::{ForceKind, MechanismName};

/// Sends deserters of group f from region r home (to the population of the
/// group's identity in that region, and its manpower: §3.12) or, with no
/// identity, out of the theatre.
pub fn desert(m: &Model, s: &mut State, f: usize, r: usize, n: f64) {
    let nr = m.regions.len();
    let n = n.min(s.personnel[f * nr + r]).max(0.0);
    if n <= 0.0 {
        return;
    }
    // Deserters leave their weapons with the group: equipment stays.
    s.personnel[f * nr + r] -= n;
    match m.forces[f].identity {
        Some(i) => {
            crate::phases::manpower::add_people(m, s, r, i, n);
            s.ledger.deserted_home += n;
        }
        None => s.ledger.deserted_lost += n,
    }
}

/// Moves `share` of group `from`'s fighters in every region into group
/// `into` in the same region, with the same share of `from`'s weapons. The
/// receiving group's quality and morale become the personnel-weighted means
/// of the two. People and weapons only change hands: conserved.
pub fn transfer(m: &Model, s: &mut State, from: usize, into: usize, share: f64) {
    let nr = m.regions.len();
    if from == into || share <= 0.0 || !s.active[from] || !s.active[into] {
        return;
    }
    let share = share.min(1.0);
    let moved = share * s.force_total(nr, from);
    let kept = s.force_total(nr, into);
    if moved <= 0.0 {
        return;
    }
    for r in 0..nr {
        let n = share * s.personnel[from * nr + r];
        s.personnel[from * nr + r] -= n;
        s.personnel[into * nr + r] += n;
    }
    let weapons = share * s.equipment[from];
    s.equipment[from] -= weapons;
    s.equipment[into] += weapons;
    let mix = |receiver: f64, giver: f64| (receiver * kept + giver * moved) / (kept + moved);
    s.quality[into] = mix(s.quality[into], s.quality[from]);
    s.morale[into] = mix(s.morale[into], s.morale[from]);
}

/// Normalised (force, share) pairs from raw non-negative weights.
fn normalise(v: &[(usize, f64)]) -> Vec<(usize, f64)> {
    let total: f64 = v.iter().map(|x| x.1).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    v.iter().map(|&(f, w)| (f, w / total)).collect()
}

/// Default split: the actor's own active ground groups, by personnel.
fn default_shares(m: &Model, s: &State, a: usize) -> Vec<(usize, f64)> {
    let nr = m.regions.len();
    let v: Vec<(usize, f64)> = (0..m.forces.len())
        .filter(|&f| m.forces[f].actor == a && s.on_ground(m, f))
        .map(|f| (f, s.force_total(nr, f)))
        .collect();
    normalise(&v)
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let ni = m.identities.len();
    let dt = crate::phases::weeks(m);
    let c = &m.constants.supply;
    let extorting = s.on(MechanismName::Irregular);
    if extorting {
        crate::phases::irregular::tally(m, s);
    }
    for (a, actor) in m.actors.iter().enumerate() {
        let mut income = actor.income;
        for r in 0..nr {
            if s.control[r] == Some(a) {
                let pop: f64 = s.population[r * ni..(r + 1) * ni].iter().sum();
                income += m.regions[r].income + actor.tax * pop;
            }
        }
        if s.on(MechanismName::Economy) {
            income += economy::extra_income(m, s, a);
        }
        if extorting {
            income += crate::phases::irregular::extortion(m, s, a);
        }
        s.money[a] += dt * income;
        s.ledger.money_income += dt * income;
        s.economy.income[a] = income;
        let (weapons, cost) = economy::weapons_delivered(m, s, a, dt);
        s.money[a] -= cost;
        s.ledger.spent_weapons += cost;
        s.weapons[a] += weapons;
        s.ledger.weapons_received += weapons;
    }
    if s.on(MechanismName::Economy) {
        economy::repair_oil(m, s, dt);
    }
    if s.on(MechanismName::ExternalSupport) {
        let funds = std::mem::take(&mut s.orders.funds);
        for &(from, to, amount) in &funds {
            let x = (amount * dt).min(s.money[from]).max(0.0);
            s.money[from] -= x;
            s.money[to] += x;
        }
        s.orders.funds = funds;
    }
    // Transfers between an actor's groups.
    let transfers = std::mem::take(&mut s.orders.transfers);
    for &(from, into, share) in &transfers {
        transfer(m, s, from, into, share);
    }
    s.orders.transfers = transfers;
    // Upkeep.
    for a in 0..m.actors.len() {
        let groups: Vec<usize> = (0..m.forces.len()).filter(|&f| m.forces[f].actor == a && s.active[f]).collect();
        let cost: f64 = groups.iter().map(|&f| dt * m.forces[f].upkeep * economy::paid_heads(m, s, f)).sum();
        if cost <= 0.0 {
            continue;
        }
        let paid = cost.min(s.money[a].max(0.0));
        s.money[a] -= paid;
        s.ledger.spent_upkeep += paid;
        let unpaid = 1.0 - paid / cost;
        if unpaid > 0.0 {
            for &f in &groups {
                if m.forces[f].upkeep <= 0.0 {
                    continue;
                }
                s.morale[f] = (s.morale[f] - dt * unpaid * c.unpaid_morale_loss).clamp(0.0, 1.0);
                let share = (dt * unpaid * c.unpaid_desertion).min(1.0);
                for r in 0..nr {
                    let n = s.personnel[f * nr + r] * share;
                    desert(m, s, f, r, n);
                }
            }
        }
    }
    // Weapons issue.
    for a in 0..m.actors.len() {
        if s.weapons[a] <= 0.0 {
            continue;
        }
        let shares = match (&s.weapon_shares[a], s.on(MechanismName::WeaponsAllocation)) {
            (Some(v), true) => normalise(
                &v.iter()
                    .copied()
                    .filter(|&(f, _)| s.active[f] && m.forces[f].kind != ForceKind::Air)
                    .collect::<Vec<_>>(),
            ),
            _ => default_shares(m, s, a),
        };
        if shares.is_empty() {
            continue;
        }
        let issue = s.weapons[a] * (c.weapons_issue_rate * dt).min(1.0);
        s.weapons[a] -= issue;
        if s.air.interdicting {
            // Interdiction (air_campaign, §3.18): the share of a group's
            // issue bound for struck regions stays in the issuer's stock.
            for (f, w) in shares {
                let kept = crate::phases::air::issue_kept(m, s, f);
                s.equipment[f] += issue * w * kept;
                s.weapons[a] += issue * w * (1.0 - kept);
                s.ledger.weapons_interdicted += issue * w * (1.0 - kept);
            }
        } else {
            for (f, w) in shares {
                s.equipment[f] += issue * w;
            }
        }
    }
    // Training.
    for f in 0..m.forces.len() {
        let intensity = s.orders.training[f];
        if intensity <= 0.0 || !s.active[f] {
            continue;
        }
        let a = m.forces[f].actor;
        let cost = c.training_cost * s.force_total(nr, f) * dt * intensity;
        let afford = if cost > 0.0 { (s.money[a].max(0.0) / cost).min(1.0) } else { 1.0 };
        s.money[a] -= cost * afford;
        s.ledger.spent_training += cost * afford;
        let gain = (dt * intensity * afford * c.training_gain).min(1.0);
        s.quality[f] += gain * (1.0 - s.quality[f]);
    }
    crate::phases::forcegen::run(m, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    #[test]
    fn income_accrues_to_the_controller() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let before = s.money[0];
        run(&m, &mut s);
        assert!(s.money[0] > before);
    }

    #[test]
    fn weapons_are_issued_by_shares_and_conserved() {
        let m = line("");
        let mut s = State::new(&m, 1);
        let army = m.force_index("army").unwrap();
        let tribes = m.force_index("tribes").unwrap();
        s.weapon_shares[0] = Some(vec![(army, 1.0), (tribes, 3.0)]);
        let total =
            |s: &State| s.weapons.iter().sum::<f64>() + s.equipment.iter().sum::<f64>() - s.ledger.weapons_received;
        let before = total(&s);
        let (ea, et) = (s.equipment[army], s.equipment[tribes]);
        run(&m, &mut s);
        assert!((total(&s) - before).abs() < 1e-6);
        let (da, dtr) = (s.equipment[army] - ea, s.equipment[tribes] - et);
        assert!((dtr / da - 3.0).abs() < 1e-9, "{da} {dtr}");
    }

    #[test]
    fn allocation_off_splits_by_personnel() {
        let m = line("[mechanisms]\nweapons_allocation = false\n");
        let mut s = State::new(&m, 1);
        let tribes = m.force_index("tribes").unwrap();
        s.weapon_shares[0] = Some(vec![(tribes, 1.0)]);
        let et = s.equipment[tribes];
        run(&m, &mut s);
        assert_eq!(s.equipment[tribes], et, "tribes belong to another actor and get nothing by default");
    }

    #[test]
    fn transfers_move_fighters_and_weapons_and_mix_quality() {
        let m = line(
            "[forces.militia]\nactor = \"gov\"\nkind = \"militia\"\nidentity = \"shia\"\npersonnel = { capital = 1000 }\nequipment = 500\nquality = 0.8\nmorale = 0.9\n",
        );
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let (army, militia) = (m.force_index("army").unwrap(), m.force_index("militia").unwrap());
        let (p0, e0) = (s.personnel.clone(), s.equipment.clone());
        let (ta, tm) = (s.force_total(nr, army), s.force_total(nr, militia));
        let (qa, qm) = (s.quality[army], s.quality[militia]);
        transfer(&m, &mut s, army, militia, 0.25);
        for r in 0..nr {
            assert!((s.personnel[army * nr + r] - 0.75 * p0[army * nr + r]).abs() < 1e-9);
            assert!((s.personnel[militia * nr + r] - p0[militia * nr + r] - 0.25 * p0[army * nr + r]).abs() < 1e-9);
        }
        assert!((s.personnel.iter().sum::<f64>() - p0.iter().sum::<f64>()).abs() < 1e-6);
        assert!((s.equipment.iter().sum::<f64>() - e0.iter().sum::<f64>()).abs() < 1e-9);
        assert!((s.equipment[militia] - e0[militia] - 0.25 * e0[army]).abs() < 1e-9);
        let want = (qm * tm + qa * 0.25 * ta) / (tm + 0.25 * ta);
        assert!((s.quality[militia] - want).abs() < 1e-12);
        assert_eq!(s.quality[army], qa, "the giving group keeps its quality");
    }

    #[test]
    fn transfer_orders_from_rules_are_carried_out_in_supply() {
        let m = line(
            "[forces.militia]\nactor = \"gov\"\nkind = \"militia\"\npersonnel = { capital = 1000 }\n\
             [actors.gov.rules.merge]\nthen = { tactic = \"transfer\", force = \"army\", into = \"militia\", fraction = 0.5 }\n",
        );
        let mut s = State::new(&m, 1);
        let nr = m.regions.len();
        let army = m.force_index("army").unwrap();
        let before = s.force_total(nr, army);
        crate::phases::strategy::run(&m, &mut s);
        assert_eq!(s.orders.transfers.len(), 1);
        run(&m, &mut s);
        assert!((s.force_total(nr, army) - 0.5 * before).abs() < 1e-6);
    }

    #[test]
    fn unpaid_upkeep_causes_desertion() {
        let m = line("[actors.gov]\nmoney = 0\nincome = 0\n[forces.army]\nupkeep = 1.0\n");
        let mut s = State::new(&m, 1);
        s.control.iter_mut().for_each(|c| *c = None);
        let army = m.force_index("army").unwrap();
        let before = s.force_total(m.regions.len(), army);
        run(&m, &mut s);
        assert!(s.force_total(m.regions.len(), army) < before);
        assert!(s.ledger.deserted_home > 0.0);
    }
}

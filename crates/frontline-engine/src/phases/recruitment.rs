//! Phase 5, recruitment: force groups draw fighters from the population of
//! their identity.
//!
//! For force group f (owner a, identity i, active, recruit_rate ρ > 0) in each
//! region r that a's side controls, or where f already has fighters (cells
//! recruit underground):
//!
//! ```text
//! E = ρ · Δ · pop(r, i) · max(0, support(r, i, a)) · drive_f · arms_f
//! arms_f = u + (1 − u) · min(1, equipment_f / personnel_f)     (u = recruitment.unarmed_factor)
//! recruits of f this tick ~ Poisson(Σ_r E_r), shared among regions in
//! proportion to E_r (at most pop(r, i) each)
//! ```
//!
//! One draw per group and tick, rather than one per region, keeps the
//! expected recruits per region exact and the cost independent of the
//! number of regions; it makes the regions' draws perfectly correlated, a
//! simplification stated in docs/model.md.
//!
//! Support carries grievance into recruitment (the attitudes phase moves
//! support towards the enemies of an excluding actor), which is how C1's
//! "exclusion feeds ISIS recruitment" is expressed; arms_f is how arming a
//! group makes men join it. If `supply.recruit_cost` > 0, recruits also cost
//! money from the owner, split by its money shares (allocate_money).
//! People move from the population into the force: conserved.
//!
//! The recruitment regimes of docs/model.md §3.12 (module
//! [`crate::phases::manpower`]), each behind its switch: with `manpower`,
//! pop(r, i) above becomes pop_eff = min(pop, M/s) and each region's recruits
//! are capped at its manpower M, which they leave; with `deterrence`,
//! max(0, support) becomes max(0, support − R·P); with `momentum`, E is
//! multiplied by the owner's momentum factor. After the voluntary draws,
//! conscription (`conscription`) and external inflows (a scenario input,
//! whenever given) run; neither draws random numbers.
//!
//! Underground recruitment (`irregular` with `training_pipeline`, §3.16):
//! a cell has no depot to send its recruits to, so of the n recruits of
//! group f in region r, h_fr · n (h_fr the hidden share of f's detachment
//! there) join f in r at once, hidden, and the rest enter the pipeline.
//! Reason: insurgent cells recruit and train locally (the issue's "recruit
//! underground"); without it an insurgency that has lost its depot could
//! never grow again anywhere.

use crate::phases::economy;
use crate::phases::manpower;
use crate::state::State;
use frontline_scenario::Model;
use frontline_scenario::spec::MechanismName;
use rand::Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};

/// Draws a Poisson count: by inversion with one uniform draw below a mean
/// of 30 (exact; the common case), by `rand_distr`'s PTRS sampler up to
/// 1e6, and by the normal approximation above that.
pub fn poisson(rng: &mut impl Rng, mean: f64) -> f64 {
    if mean <= 0.0 {
        0.0
    } else if mean < 30.0 {
        let u: f64 = rng.random();
        let mut k = 0.0;
        let mut p = (-mean).exp();
        let mut cdf = p;
        while u > cdf && k < 1000.0 {
            k += 1.0;
            p *= mean / k;
            cdf += p;
        }
        k
    } else if mean > 1e6 {
        let z: f64 = rng.sample(StandardNormal);
        (mean + mean.sqrt() * z).round().max(0.0)
    } else {
        Poisson::new(mean).map(|p| p.sample(rng)).unwrap_or(mean)
    }
}

/// Runs the phase.
pub fn run(m: &Model, s: &mut State) {
    let nr = m.regions.len();
    let ni = m.identities.len();
    let na = m.actors.len();
    let dt = crate::phases::weeks(m);
    let cost = m.constants.supply.recruit_cost;
    let u = m.constants.recruitment.unarmed_factor;
    manpower::prepare(m, s);
    let stocked = s.on(MechanismName::Manpower);
    let deterred = s.on(MechanismName::Deterrence);
    let regimes = stocked || deterred || s.on(MechanismName::Momentum);
    let risk_aversion = m.constants.manpower.risk_aversion;
    s.buf.refresh_held(m, &s.control);
    let payroll = s.on(MechanismName::Payroll);
    let pipeline = s.forcegen.pipeline_on;
    if payroll {
        economy::start_bills(m, s);
    }
    for (f, force) in m.forces.iter().enumerate() {
        let Some(i) = force.identity else { continue };
        if !s.on_ground(m, f) || force.recruit_rate <= 0.0 {
            continue;
        }
        let a = force.actor;
        let total = s.force_total(nr, f);
        let per_head = if total > 0.0 { s.equipment[f] / total } else { 1.0 };
        let arms = u + (1.0 - u) * per_head.min(1.0);
        let drive = s.orders.recruit_drive[f];
        let budget = if cost > 0.0 {
            let share = match &s.money_shares[a] {
                Some(v) => {
                    let t: f64 = v.iter().map(|x| x.1).sum();
                    v.iter().filter(|x| x.0 == f).map(|x| x.1).sum::<f64>() / t.max(f64::MIN_POSITIVE)
                }
                None => 1.0,
            };
            (s.money[a].max(0.0) * share / cost).floor()
        } else {
            f64::INFINITY
        };
        // Ability to pay (mechanism `payroll`): recruitment is cut before pay.
        let budget = if payroll { budget.min(economy::affordable_recruits(m, s, f)) } else { budget };
        // Expected recruits per region (zero where f may not recruit); one
        // Poisson draw for the group's total, shared among regions in
        // proportion to their expectation. The loop has no branches: which
        // regions qualify is unpredictable, and a zero costs nothing.
        // Every element is written below, so the buffer need not be zeroed.
        let mut means = std::mem::take(&mut s.buf.per_region);
        means.resize(nr, 0.0);
        let k = force.recruit_rate * dt;
        let held = &s.buf.held[a * nr..(a + 1) * nr];
        let present = &s.personnel[f * nr..(f + 1) * nr];
        if !regimes {
            for r in 0..nr {
                let pop = s.population[r * ni + i];
                let willing = s.support[(r * ni + i) * na + a].max(0.0);
                let mean = k * pop * willing * drive * arms;
                means[r] = if held[r] | (present[r] > 0.0) { mean } else { 0.0 };
            }
        } else {
            // The regimes of §3.12: manpower (pop_eff), deterrence (net
            // risk), momentum (a multiplier).
            let k = k * manpower::momentum_factor(m, s, a);
            for r in 0..nr {
                let pop = if stocked { manpower::recruitable(m, s, r, i) } else { s.population[r * ni + i] };
                let support = s.support[(r * ni + i) * na + a];
                let willing = if deterred {
                    (support - risk_aversion * s.manpower.risk[a * nr + r]).max(0.0)
                } else {
                    support.max(0.0)
                };
                let mean = k * pop * willing * drive * arms;
                means[r] = if held[r] | (present[r] > 0.0) { mean } else { 0.0 };
            }
        }
        let total_mean = crate::state::sum(&means);
        let recruited_before = s.ledger.recruited;
        if total_mean > 0.0 {
            let drawn = poisson(&mut s.rng, total_mean).min(budget);
            if drawn > 0.0 {
                let scale = drawn / total_mean;
                let mut got = 0.0;
                let mut to_pipeline = 0.0;
                for (r, &mean) in means.iter().enumerate() {
                    if mean <= 0.0 {
                        continue;
                    }
                    let mut n = (mean * scale).min(s.population[r * ni + i]);
                    if stocked {
                        // Never beyond the men of fighting age there.
                        let men = &mut s.manpower.stock[r * ni + i];
                        n = n.min(*men);
                        *men -= n;
                    }
                    s.population[r * ni + i] -= n;
                    // With the training pipeline on, recruits join one
                    // cohort of the group whatever their region (they train
                    // at its depot): one enlistment per group, below. Cells
                    // train their own (`irregular`, §3.16): the hidden share
                    // of the recruits of a region join its cell at once.
                    if !pipeline {
                        crate::phases::forcegen::enlist(m, s, f, r, n);
                        got += n;
                    } else {
                        let local = n * crate::phases::irregular::hidden_share(s, nr, f, r);
                        crate::phases::irregular::join_cell(m, s, f, r, local);
                        got += n;
                        to_pipeline += n - local;
                    }
                }
                if pipeline {
                    crate::phases::forcegen::enlist(m, s, f, 0, to_pipeline);
                }
                s.ledger.recruited += got;
                if cost > 0.0 {
                    s.money[a] -= got * cost;
                    s.ledger.spent_recruitment += got * cost;
                }
                if payroll {
                    s.economy.bills[a] += got * force.upkeep;
                }
            }
        }
        s.buf.per_region = means;
        if s.cause.on {
            let got = s.ledger.recruited - recruited_before;
            let willing = if drive * arms * k > 0.0 { total_mean / (drive * arms * k) } else { 0.0 };
            let terms = [("expected", total_mean), ("willing_population", willing), ("drive", drive), ("arms", arms)];
            crate::cause::recruits(s, f, a, got, terms);
        }
    }
    manpower::conscript(m, s);
    manpower::inflow(m, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::line;

    #[test]
    fn recruits_come_from_the_population() {
        let m = line("");
        let mut s = State::new(&m, 3);
        let people = |s: &State| s.population.iter().sum::<f64>() + s.personnel.iter().sum::<f64>();
        let before = people(&s);
        let ins = m.force_index("insurgents").unwrap();
        let n0 = s.force_total(m.regions.len(), ins);
        for _ in 0..5 {
            run(&m, &mut s);
        }
        assert!(s.force_total(m.regions.len(), ins) > n0, "insurgents recruit where Sunnis support them");
        assert!((people(&s) - before).abs() < 1e-6);
    }

    #[test]
    fn no_support_means_no_recruits() {
        let m = line(
            "[regions.desert.support.sunni]\nisis = 0.0\n[regions.valley.support.sunni]\nisis = 0.0\n[regions.city.support.sunni]\nisis = -0.5\n",
        );
        let mut s = State::new(&m, 3);
        let ins = m.force_index("insurgents").unwrap();
        let n0 = s.force_total(m.regions.len(), ins);
        run(&m, &mut s);
        assert_eq!(s.force_total(m.regions.len(), ins), n0);
    }

    /// The insurgents' expected recruits per region on the first run of the
    /// phase (they are the only group of `line` that recruits, so the
    /// buffer holds theirs), and the state after it.
    fn first_means(extra: &str, setup: impl FnOnce(&Model, &mut State)) -> (Vec<f64>, State) {
        let m = line(extra);
        let mut s = State::new(&m, 3);
        setup(&m, &mut s);
        run(&m, &mut s);
        (s.buf.per_region.clone(), s)
    }

    #[test]
    fn manpower_leaves_the_first_expectation_alone_then_scales_it_with_the_stock() {
        let (off, _) = first_means("", |_, _| {});
        let on = "[mechanisms]\nmanpower = true\n";
        let (full, _) = first_means(on, |_, _| {});
        assert_eq!(off, full, "a full stock recruits as the population did");
        let m = line(on);
        let (desert, sunni, ni) = (
            m.region_index("desert").unwrap(),
            m.identities.iter().position(|x| x.id == "sunni").unwrap(),
            m.identities.len(),
        );
        let (half, _) = first_means(on, |_, s| s.manpower.stock[desert * ni + sunni] = 2500.0);
        // Regrowth first: 2500 + 0.00025 · 20 000 = 2505 men, pop_eff = 2505 / 0.25 = 10 020.
        assert!((half[desert] / off[desert] - 10_020.0 / 20_000.0).abs() < 1e-12);
    }

    #[test]
    fn with_a_tiny_manpower_share_the_group_recruits_the_stock_and_stops() {
        let extra = "[mechanisms]\nmanpower = true\n[constants.manpower]\ncoming_of_age = 0\n\
                     [forces.insurgents]\nrecruit_rate = 0.5\n\
                     [regions.desert]\nmanpower_share = { sunni = 0.0005 }\n[regions.valley]\nmanpower_share = { sunni = 0.0005 }\n";
        let m = line(extra);
        let mut s = State::new(&m, 3);
        let (nr, ins) = (m.regions.len(), m.force_index("insurgents").unwrap());
        let stock: f64 = s.manpower.stock.iter().sum();
        let pop0: f64 = s.population.iter().sum();
        let n0 = s.force_total(nr, ins);
        // The desert holds 10 men of fighting age and the valley 40: far
        // fewer than the thousands the rate would draw.
        let (desert, valley, sunni, ni) = (
            m.region_index("desert").unwrap(),
            m.region_index("valley").unwrap(),
            m.identities.iter().position(|x| x.id == "sunni").unwrap(),
            m.identities.len(),
        );
        let there = s.manpower.stock[desert * ni + sunni] + s.manpower.stock[valley * ni + sunni];
        assert!((there - 50.0).abs() < 1e-9);
        run(&m, &mut s);
        assert!((s.ledger.recruited - there).abs() < 1e-9, "recruited {} of {there}", s.ledger.recruited);
        assert!((s.force_total(nr, ins) - n0 - there).abs() < 1e-9);
        assert!((pop0 - s.population.iter().sum::<f64>() - there).abs() < 1e-6, "they left the population");
        assert!((stock - s.manpower.stock.iter().sum::<f64>() - there).abs() < 1e-9, "and the manpower");
        assert_eq!(s.manpower.stock[desert * ni + sunni], 0.0);
        for _ in 0..5 {
            run(&m, &mut s);
        }
        assert!((s.ledger.recruited - there).abs() < 1e-9, "then it stops");
        assert!(s.manpower.stock.iter().all(|&x| x >= 0.0), "never negative");
        assert!(s.manpower.stock.iter().zip(&s.population).all(|(x, p)| x <= p));
    }

    #[test]
    fn deterrence_takes_the_net_risk_off_support() {
        let (off, _) = first_means("", |_, _| {});
        let (on, s) = first_means("[mechanisms]\ndeterrence = true\n", |_, _| {});
        let m = line("");
        let (nr, isis) = (m.regions.len(), m.actor_index("isis").unwrap());
        let (desert, valley) = (m.region_index("desert").unwrap(), m.region_index("valley").unwrap());
        assert_eq!(on[desert], off[desert], "no enemy in the desert: no risk");
        // Valley: 300 tribal fighters against 200 insurgents, P = 1 − e^(−2.3·300/201)
        // ≈ 0.968; support 0.2 − 0.5 · 0.968 < 0: nobody joins.
        let p = 1.0 - (-2.3f64 * 300.0 / 201.0).exp();
        assert!((s.manpower.risk[isis * nr + valley] - p).abs() < 1e-12);
        assert!(off[valley] > 0.0 && on[valley] == 0.0);
        // A lighter deterrent: R = 0.1 leaves 0.2 − 0.0968 of the support.
        let (light, _) =
            first_means("[mechanisms]\ndeterrence = true\n[constants.manpower]\nrisk_aversion = 0.1\n", |_, _| {});
        assert!((light[valley] / off[valley] - (0.2 - 0.1 * p) / 0.2).abs() < 1e-9);
    }

    #[test]
    fn momentum_multiplies_the_expectation() {
        let (off, _) = first_means("", |_, _| {});
        let extra = "[mechanisms]\nmomentum = true\n";
        let isis = line(extra).actor_index("isis").unwrap();
        let (on, _) = first_means(extra, |_, s| s.manpower.momentum[isis] = 0.5);
        // No change of control: μ = 0.5 · e^(−1/8); factor e^(2μ).
        let factor = (2.0 * 0.5 * (-1.0f64 / 8.0).exp()).exp();
        let desert = line("").region_index("desert").unwrap();
        assert!((on[desert] / off[desert] - factor).abs() < 1e-12);
    }

    #[test]
    fn poisson_mean_is_right() {
        let mut rng = rand_pcg::Pcg64Mcg::new(7);
        let n = 20_000;
        for lambda in [0.3, 3.5, 29.0, 45.0] {
            let draws: Vec<f64> = (0..n).map(|_| poisson(&mut rng, lambda)).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            // Mean and variance both λ, within 5 standard errors.
            assert!((mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt(), "λ {lambda}: mean {mean}");
            assert!((var - lambda).abs() < 0.1 * lambda, "λ {lambda}: variance {var}");
        }
    }
}

//! A synthetic theatre of any size, for benchmarks.
//!
//! [`synthetic_scenario`] writes a valid scenario (TOML text) with `regions`
//! regions on a grid ten regions wide, two identities, four actors and
//! `forces` force groups, sized so that a run has real work in every phase:
//! combat on a front, control changes, recruitment, weapons allocation,
//! funding and air strikes.
//!
//! Layout (columns 0–9 of the grid, west to east):
//!
//! - `gov` (government) holds columns 5–9 and excludes identity `beta`;
//!   its army groups stand in columns 5–9; its key regions are in column 9.
//! - `ins` (insurgency) holds columns 0–3; its insurgent groups stand in
//!   columns 0–4, so column 4 (held by nobody) is contested from the start.
//! - `ally` (militias and tribes, allied to gov) stands in columns 3–6 and
//!   fights the insurgents where they meet.
//! - `backer` (a foreign state allied to both) funds `ally` and flies the
//!   one air group over the allied fronts.
//!
//! Force group 0 is the air group; groups 1, 2, 3, 4, … go to gov, ally,
//! ins, gov, … in turn. Each ground group starts in four detachments. Some
//! groups recruit (every insurgent group, the tribal groups and every other
//! army group), wherever their side holds ground or they have fighters.
//! Everything is deterministic in the three arguments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Grid width (regions per row).
const WIDTH: usize = 10;

fn region_id(i: usize) -> String {
    format!("r{i:03}")
}

fn force_id(k: usize) -> String {
    format!("f{k:02}")
}

/// Owner of force group k (k ≥ 1): gov, ally, ins in turn.
fn owner(k: usize) -> &'static str {
    match k % 3 {
        1 => "gov",
        2 => "ally",
        _ => "ins",
    }
}

/// Region index at (row, col), folded back into range for a partial last row.
fn cell(regions: usize, row: usize, col: usize) -> usize {
    let i = row * WIDTH + col;
    if i < regions {
        i
    } else {
        // The last row is partial: fall back to the same column one row up,
        // or to the last region when there is no full row at all.
        let up = i.saturating_sub(WIDTH);
        if up < regions && row > 0 { up } else { regions - 1 }
    }
}

/// A scenario with `regions` regions (≥ 1), `forces` force groups (≥ 4
/// recommended: one air group plus one ground group per fighting actor) and
/// `ticks` weekly ticks.
pub fn synthetic_scenario(regions: usize, forces: usize, ticks: u32) -> String {
    let nr = regions.max(1);
    let nf = forces.max(1);
    let rows = nr.div_ceil(WIDTH);
    let mut t = String::with_capacity(64 * 1024);
    let w = &mut t;

    let _ = writeln!(w, "[scenario]");
    let _ = writeln!(w, "name = \"synthetic-{nr}r-{nf}f-{ticks}t\"");
    let _ = writeln!(w, "description = \"Synthetic benchmark theatre (frontline-bench).\"");
    let _ = writeln!(w, "start = 2014-06-01");
    let _ = writeln!(w, "ticks = {ticks}");
    let _ = writeln!(w, "seed = 1\n");

    let _ = writeln!(w, "[identities.alpha]\n[identities.beta]\n");

    // Key regions per actor (a handful each, as in real scenarios).
    let key_col = |col: usize| -> Vec<usize> {
        let k = rows.min(5); // rows ≥ 1
        let mut v: Vec<usize> = (0..k).map(|i| cell(nr, i * rows / k, col)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let gov_keys = key_col(9.min(nr - 1));
    let ins_keys = key_col(0);
    let ally_keys = key_col(4.min(nr - 1));

    // Regions.
    for i in 0..nr {
        let (row, col) = (i / WIDTH, i % WIDTH);
        let terrain = match (i * 7 + row * 3) % 10 {
            0 | 5 => "urban",
            1 | 6 | 8 => "desert",
            3 => "mountain",
            _ => "rural",
        };
        let urban = terrain == "urban";
        let key = gov_keys.contains(&i) || ins_keys.contains(&i) || ally_keys.contains(&i);
        let value = if key {
            5
        } else if urban {
            3
        } else {
            1
        };
        let scale = if urban { 3 } else { 1 };
        let pop_alpha = (10_000 + 8_000 * col) * scale;
        let pop_beta = (10_000 + 8_000 * (WIDTH - 1 - col)) * scale;
        let lon = 40.0 + 0.3 * col as f64;
        let lat = 33.0 + 0.3 * row as f64;
        let _ = writeln!(w, "[regions.{}]", region_id(i));
        let _ = writeln!(w, "terrain = \"{terrain}\"");
        let _ = writeln!(w, "value = {value}");
        let _ = writeln!(w, "position = [{lon:.2}, {lat:.2}]");
        // Grid 4-neighbours, each pair declared once (east and south).
        let mut nb = Vec::new();
        if col + 1 < WIDTH && i + 1 < nr {
            nb.push(region_id(i + 1));
        }
        if i + WIDTH < nr {
            nb.push(region_id(i + WIDTH));
        }
        if !nb.is_empty() {
            let list: Vec<String> = nb.iter().map(|n| format!("\"{n}\"")).collect();
            let _ = writeln!(w, "neighbours = [{}]", list.join(", "));
        }
        if col >= 5 {
            let _ = writeln!(w, "control = \"gov\"");
            let _ = writeln!(w, "income = {}", if urban { 2 } else { 0 });
        } else if col <= 3 {
            let _ = writeln!(w, "control = \"ins\"");
        }
        let _ = writeln!(w, "population = {{ alpha = {pop_alpha}, beta = {pop_beta} }}");
        let g_beta = if col <= 4 { 0.45 } else { 0.3 };
        let _ = writeln!(w, "grievance = {{ alpha = 0.15, beta = {g_beta} }}");
        let s_ins = if col <= 4 { 0.25 } else { 0.05 };
        let _ = writeln!(
            w,
            "support = {{ alpha = {{ gov = 0.4, ally = 0.15, ins = -0.3 }}, beta = {{ gov = -0.1, ally = 0.2, ins = {s_ins} }} }}\n"
        );
    }

    // Force groups: owner, kind, identity, placement.
    let ground: Vec<usize> = (1..nf).collect();
    let of = |a: &str| -> Vec<usize> { ground.iter().copied().filter(|&k| owner(k) == a).collect() };
    let (gov_f, ally_f, ins_f) = (of("gov"), of("ally"), of("ins"));

    // Actors.
    let list = |v: &[usize], f: fn(usize) -> String| -> String {
        v.iter().map(|&x| format!("\"{}\"", f(x))).collect::<Vec<_>>().join(", ")
    };
    let _ = writeln!(w, "[actors.gov]");
    let _ = writeln!(w, "name = \"Government\"");
    let _ = writeln!(w, "income = 30\nmoney = 300\nweapons = 20000\nweapons_income = 400");
    let _ = writeln!(w, "key_regions = [{}]", list(&gov_keys, region_id));
    let _ = writeln!(w, "hostile = [\"ins\"]\nallies = [\"ally\"]\nexcludes = [\"beta\"]\n");
    let _ = writeln!(w, "[actors.ally]");
    let _ = writeln!(w, "name = \"Militias and tribes\"");
    let _ = writeln!(w, "income = 2\nmoney = 50\nweapons = 2000");
    let _ = writeln!(w, "key_regions = [{}]", list(&ally_keys, region_id));
    let _ = writeln!(w, "hostile = [\"ins\"]\n");
    let _ = writeln!(w, "[actors.ins]");
    let _ = writeln!(w, "name = \"Insurgency\"");
    let _ = writeln!(w, "income = 5\ntax = 0.00001\nmoney = 50\nweapons = 5000\nweapons_income = 150");
    let _ = writeln!(w, "key_regions = [{}]\n", list(&ins_keys, region_id));
    let _ = writeln!(w, "[actors.backer]");
    let _ = writeln!(w, "name = \"Foreign backer\"");
    let _ = writeln!(w, "income = 20\nmoney = 100");
    let _ = writeln!(w, "hostile = [\"ins\"]\nallies = [\"gov\", \"ally\"]\n");

    // Rules. gov: threat-dependent weapons shares, attack, defend, recruit.
    if !gov_f.is_empty() || !ally_f.is_empty() {
        let mut shares: Vec<String> = gov_f
            .iter()
            .enumerate()
            .map(|(j, &k)| {
                let e = if j % 2 == 0 { "1 + 2 * threat(gov)" } else { "max(0.2, 1 - threat(gov))" };
                format!("{} = \"{e}\"", force_id(k))
            })
            .collect();
        // Arm the first ally group when threatened (C3).
        if let Some(&k) = ally_f.first() {
            shares.push(format!("{} = \"0.5 * threat(gov)\"", force_id(k)));
        }
        let _ = writeln!(w, "[actors.gov.rules.arm]\npriority = 10");
        let _ = writeln!(w, "then = {{ tactic = \"allocate_weapons\", shares = {{ {} }} }}\n", shares.join(", "));
    }
    for (j, &k) in gov_f.iter().enumerate() {
        let _ = writeln!(w, "[actors.gov.rules.attack_{}]", force_id(k));
        let _ = writeln!(w, "when = \"tick >= {} and threat(gov) < 0.8\"", 1 + j % 3);
        let _ = writeln!(w, "then = {{ tactic = \"attack\", force = \"{}\", fraction = 0.25 }}\n", force_id(k));
    }
    if let Some(&k) = gov_f.first() {
        let _ = writeln!(w, "[actors.gov.rules.hold]\nwhen = \"threat(gov) > 0.2\"");
        let _ = writeln!(
            w,
            "then = {{ tactic = \"defend\", force = \"{}\", from = \"all\", fraction = 0.3 }}\n",
            force_id(k)
        );
        let _ = writeln!(w, "[actors.gov.rules.mobilise]\nwhen = \"threat(gov) > 0.3\"");
        let _ = writeln!(w, "then = {{ tactic = \"recruit\", force = \"{}\", amount = 2 }}\n", force_id(k));
    }

    // ally: own weapons split, attack, defend, recruit.
    if !ally_f.is_empty() {
        let shares: Vec<String> = ally_f
            .iter()
            .enumerate()
            .map(|(j, &k)| {
                let e = if j % 2 == 0 { "1 + threat(ally)" } else { "1" };
                format!("{} = \"{e}\"", force_id(k))
            })
            .collect();
        let _ = writeln!(w, "[actors.ally.rules.arm]\npriority = 10");
        let _ = writeln!(w, "then = {{ tactic = \"allocate_weapons\", shares = {{ {} }} }}\n", shares.join(", "));
    }
    for &k in &ally_f {
        let _ = writeln!(w, "[actors.ally.rules.attack_{}]", force_id(k));
        let _ = writeln!(w, "when = \"morale({}) > 0.3\"", force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"attack\", force = \"{}\", fraction = 0.2 }}\n", force_id(k));
    }
    if let Some(&k) = ally_f.first() {
        let _ = writeln!(w, "[actors.ally.rules.hold]\nwhen = \"threat(ally) > 0.4\"");
        let _ = writeln!(w, "then = {{ tactic = \"defend\", force = \"{}\", fraction = 0.3 }}\n", force_id(k));
    }
    for &k in ally_f.iter().skip(1).step_by(2) {
        let _ = writeln!(w, "[actors.ally.rules.raise_{}]\nwhen = \"threat(ally) > 0.3\"", force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"recruit\", force = \"{}\", amount = 2 }}\n", force_id(k));
    }

    // ins: threat-dependent weapons split, attack everywhere, defend, recruit.
    if !ins_f.is_empty() {
        let shares: Vec<String> = ins_f
            .iter()
            .enumerate()
            .map(|(j, &k)| {
                let e = if j % 2 == 0 { "1 + 3 * threat(ins)" } else { "max(0.1, 1 - threat(ins))" };
                format!("{} = \"{e}\"", force_id(k))
            })
            .collect();
        let _ = writeln!(w, "[actors.ins.rules.arm]\npriority = 10");
        let _ = writeln!(w, "then = {{ tactic = \"allocate_weapons\", shares = {{ {} }} }}\n", shares.join(", "));
    }
    for &k in &ins_f {
        let _ = writeln!(w, "[actors.ins.rules.attack_{}]", force_id(k));
        let _ = writeln!(w, "when = \"morale({}) > 0.25\"", force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"attack\", force = \"{}\", fraction = 0.3 }}\n", force_id(k));
    }
    if let Some(&k) = ins_f.first() {
        let _ = writeln!(w, "[actors.ins.rules.hold]\nwhen = \"threat(ins) > 0.5\"");
        let _ = writeln!(w, "then = {{ tactic = \"defend\", force = \"{}\", fraction = 0.3 }}\n", force_id(k));
    }
    for &k in &ins_f {
        let _ = writeln!(w, "[actors.ins.rules.surge_{}]\nwhen = \"threat(ins) > 0.2\"", force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"recruit\", force = \"{}\", amount = 3 }}\n", force_id(k));
    }

    // backer: funds the ally, flies the air group over allied fronts.
    let _ = writeln!(w, "[actors.backer.rules.fund_ally]");
    let _ = writeln!(w, "then = {{ tactic = \"fund\", actor = \"ally\", amount = \"min(10, money(backer))\" }}\n");
    let _ = writeln!(w, "[actors.backer.rules.strike]\nwhen = \"threat(gov) > 0.05 or threat(ally) > 0.05\"");
    let _ = writeln!(
        w,
        "then = {{ tactic = \"air_strike\", force = \"{}\", to = \"allied_fronts\", fraction = \"min(1, 0.5 + threat(gov))\" }}\n",
        force_id(0)
    );

    // Force groups.
    let _ = writeln!(w, "[forces.{}]", force_id(0));
    let _ = writeln!(w, "actor = \"backer\"\nkind = \"air\"");
    let _ = writeln!(w, "personnel = {{ {} = 40 }}", region_id(cell(nr, 0, 9.min(nr - 1))));
    let _ = writeln!(w, "quality = 0.8\nmorale = 0.8\n");
    for k in 1..nf {
        let a = owner(k);
        let j = k / 3; // index of the group within its actor
        let (kind, identity, col0, width, size) = match a {
            "gov" => ("army", "alpha", 5, 5, 2500),
            "ally" if j % 2 == 0 => ("militia", "alpha", 3, 4, 1200),
            "ally" => ("tribal", "beta", 3, 4, 1000),
            _ => ("insurgent", "beta", 0, 5, 1100),
        };
        // Four detachments, spread over rows and the actor's columns.
        let mut personnel: BTreeMap<usize, usize> = BTreeMap::new();
        for p in 0..4 {
            let row = (j * 3 + p * 7 + k) % rows;
            let col = (col0 + (j + p * 2 + k) % width).min(WIDTH - 1);
            let r = cell(nr, row, col.min(nr - 1));
            *personnel.entry(r).or_default() += size + 250 * ((k + p) % 4);
        }
        let pers: Vec<String> = personnel.iter().map(|(r, n)| format!("{} = {n}", region_id(*r))).collect();
        let total: usize = personnel.values().sum();
        let _ = writeln!(w, "[forces.{}]", force_id(k));
        let _ = writeln!(w, "actor = \"{a}\"\nkind = \"{kind}\"\nidentity = \"{identity}\"");
        let _ = writeln!(w, "personnel = {{ {} }}", pers.join(", "));
        match a {
            "gov" => {
                let _ = writeln!(w, "equipment = {total}\nquality = 0.45\nmorale = 0.5\nupkeep = 0.0005");
                if j % 2 == 0 {
                    let _ = writeln!(w, "recruit_rate = 0.00002");
                }
            }
            "ally" => {
                let _ = writeln!(w, "equipment = {}\nquality = 0.4\nmorale = 0.6\nupkeep = 0.0003", total * 3 / 4);
                if kind == "tribal" {
                    let _ = writeln!(w, "recruit_rate = 0.00005");
                }
            }
            _ => {
                let _ = writeln!(w, "equipment = {}\nquality = 0.6\nmorale = 0.7", total * 2 / 3);
                let _ = writeln!(w, "recruit_rate = 0.00006");
            }
        }
        let _ = writeln!(w);
    }
    t
}

/// Every engine feature of issues #11 and #12 switched on, with the data each needs,
/// as an overlay on [`synthetic_scenario`] with the same arguments (merged
/// over it, never alone): manpower with deterrence, conscription and
/// momentum, foreign inflows from an input series, oil income at a price
/// series, revenue, bought weapons and payroll caps, training pipelines with
/// lent trainers, experience and reassembly, a division raised on threat,
/// both the government and the insurgency planning operations, hidden
/// fighters and control that needs presence, an air campaign that surges
/// and strikes oil, and civilian harm and displacement (with camps).
pub fn mechanisms_overlay(regions: usize, forces: usize) -> String {
    let nr = regions.max(1);
    let nf = forces.max(1);
    let ground: Vec<usize> = (1..nf).collect();
    let of = |a: &str| -> Vec<usize> { ground.iter().copied().filter(|&k| owner(k) == a).collect() };
    let (gov_f, ins_f) = (of("gov"), of("ins"));
    let list = |v: &[usize]| v.iter().map(|&k| format!("\"{}\"", force_id(k))).collect::<Vec<_>>().join(", ");
    let mut t = String::with_capacity(8 * 1024);
    let w = &mut t;
    let _ = writeln!(w, "[mechanisms]");
    for m in [
        "manpower",
        "deterrence",
        "conscription",
        "momentum",
        "payroll",
        "economy",
        "training_pipeline",
        "experience",
        "reassembly",
        "planning",
        "irregular",
        "presence",
        "air_campaign",
        "civilian_harm",
        "displacement",
    ] {
        let _ = writeln!(w, "{m} = true");
    }
    let _ = writeln!(w, "\n[inputs.price]\npoints = {{ 2014-06-01 = 100.0, 2015-06-01 = 60.0 }}");
    let _ = writeln!(w, "[inputs.foreign]\npoints = {{ 2014-06-01 = 60.0, 2015-06-01 = 20.0 }}\n");
    // Oil in one region of every nine, on both sides of the front; camps
    // for the displaced in one region of every twenty-five.
    for i in 0..nr {
        let (oil, camp) = (i >= 4 && (i - 4) % 9 == 0, i % 25 == 12);
        if oil || camp {
            let _ = writeln!(w, "[regions.{}]", region_id(i));
            if oil {
                let _ = writeln!(w, "oil = 20000");
            }
            if camp {
                let _ = writeln!(w, "camp = true");
            }
            let _ = writeln!(w);
        }
    }
    let _ = writeln!(w, "[actors.ins]\noil_price = \"input(price) * 0.00001\"\nrevenue = \"1\"");
    if !ins_f.is_empty() {
        let _ = writeln!(
            w,
            "[actors.ins.planning]\nforces = [{}]\nhorizon = 4\nreserve = 0.2\ngarrison = 100",
            list(&ins_f)
        );
    }
    let _ = writeln!(w, "\n[actors.gov]\nrevenue = \"5\"\nweapons_price = 0.001\ntrainers = 100");
    if !gov_f.is_empty() {
        let _ = writeln!(
            w,
            "[actors.gov.planning]\nforces = [{}]\nhorizon = 4\nreserve = 0.2\ngarrison = 200\nwithdraw_ratio = 4",
            list(&gov_f)
        );
        let _ = writeln!(
            w,
            "[actors.gov.rules.new_division]\nwhen = \"threat(gov) > 0.3 and not active(reserve_division)\""
        );
        let _ = writeln!(w, "then = {{ tactic = \"raise\", force = \"reserve_division\", amount = 3000 }}");
    }
    let _ = writeln!(w, "\n[actors.backer]\ntrainers = 300");
    let _ = writeln!(
        w,
        "[actors.backer.rules.lend]\nthen = {{ tactic = \"lend_trainers\", to = \"gov\", fraction = 1 }}\n"
    );
    // The air campaign: surge while the government's first group is on an
    // operation, and strike the insurgency's oil.
    if let Some(&k) = gov_f.first() {
        let _ = writeln!(w, "[actors.backer.rules.surge]\nwhen = \"operation_active({})\"", force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"air_surge\", force = \"{}\", amount = 0.5 }}\n", force_id(0));
    }
    let oil_region = (4..nr).step_by(9).next().unwrap_or(0);
    let _ = writeln!(w, "[actors.backer.rules.oil]\nwhen = \"controls(ins, {})\"", region_id(oil_region));
    let _ = writeln!(
        w,
        "then = {{ tactic = \"air_strike\", force = \"{}\", to = \"{}\", fraction = 0.2, mission = \"oil\" }}\n",
        force_id(0),
        region_id(oil_region)
    );
    // Irregular war: the insurgency goes underground where it is losing.
    for &k in &ins_f {
        let _ =
            writeln!(w, "[actors.ins.rules.underground_{}]\nwhen = \"morale({}) < 0.35\"", force_id(k), force_id(k));
        let _ = writeln!(w, "then = {{ tactic = \"go_underground\", force = \"{}\", fraction = 0.5 }}\n", force_id(k));
    }
    let _ = writeln!(w, "[forces.reserve_division]\nactor = \"gov\"\nkind = \"army\"\nidentity = \"alpha\"");
    let _ = writeln!(w, "active = false\nupkeep = 0.0005\nequipment = 3000\n");
    for (j, &k) in gov_f.iter().enumerate() {
        let _ = writeln!(w, "[forces.{}]", force_id(k));
        if j == 0 {
            let _ = writeln!(w, "conscription = 0.0005");
        }
        let _ = writeln!(w, "training_weeks = 6\n");
    }
    for (j, &k) in ins_f.iter().enumerate() {
        let _ = writeln!(w, "[forces.{}]\nupkeep = 0.0002", force_id(k));
        if j == 0 {
            let _ = writeln!(w, "inflow = \"input(foreign)\"\ninflow_region = \"{}\"", region_id(cell(nr, 0, 0)));
        }
        let _ = writeln!(w);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontline_scenario::diag::{Diagnostics, Sources};
    use frontline_scenario::load::build_from_tree;
    use frontline_scenario::value::parse_toml;

    fn model(regions: usize, forces: usize, ticks: u32) -> frontline_scenario::Model {
        let text = synthetic_scenario(regions, forces, ticks);
        let mut sources = Sources::new();
        let f = sources.add("synthetic.toml".into(), text.clone(), None);
        let mut d = Diagnostics::default();
        let tree = parse_toml(&text, f, &mut d).unwrap_or_else(|| panic!("{}", d.render(&sources, false)));
        build_from_tree(&tree, &sources).unwrap_or_else(|d| panic!("{}", d.render(&sources, false)))
    }

    fn check_busy(regions: usize, forces: usize, ticks: u32) {
        let m = model(regions, forces, ticks);
        assert_eq!(m.regions.len(), regions);
        assert_eq!(m.forces.len(), forces);
        assert_eq!(m.ticks, ticks);
        for seed in 0..3 {
            let t = frontline_engine::simulate(&m, seed);
            let changes = t.events.iter().filter(|e| e.kind == "control_change").count();
            assert!(changes > 0, "{regions}r/{forces}f seed {seed}: no control change");
            assert!(t.ledger.killed > 0.0, "{regions}r/{forces}f seed {seed}: nobody killed");
            assert!(t.ledger.recruited > 0.0, "{regions}r/{forces}f seed {seed}: nobody recruited");
        }
    }

    /// The "everything on" arm of the mechanisms benchmark builds, and every
    /// feature it switches on does something in a run.
    #[test]
    fn mechanisms_overlay_builds_and_every_feature_acts() {
        let text = synthetic_scenario(100, 20, 52);
        let overlay = mechanisms_overlay(100, 20);
        let mut sources = Sources::new();
        let (f0, f1) = (
            sources.add("synthetic.toml".into(), text.clone(), None),
            sources.add("on.toml".into(), overlay.clone(), None),
        );
        let mut d = Diagnostics::default();
        let mut tree = parse_toml(&text, f0, &mut d).unwrap();
        frontline_scenario::value::merge(&mut tree, parse_toml(&overlay, f1, &mut d).unwrap());
        let m = build_from_tree(&tree, &sources).unwrap_or_else(|d| panic!("{}", d.render(&sources, false)));
        let t = frontline_engine::simulate(&m, 0);
        let count = |k: &str| t.events.iter().filter(|e| e.kind == k).count();
        assert!(count("operation_launched") > 0, "planning");
        assert!(count("raise") > 0, "raise");
        assert!(t.ledger.graduated > 0.0, "training pipeline");
        assert!(t.ledger.inflow > 0.0, "inflow");
        assert!(t.ledger.conscripted > 0.0, "conscription");
        assert!(t.ledger.money_income > 0.0 && t.ledger.spent_weapons > 0.0, "economy");
        assert!(t.ledger.sorties_flown > 0.0, "air campaign");
        assert!(!t.manpower.is_empty(), "manpower");
        assert!(t.ledger.civilians_killed > 0.0, "civilian harm");
        assert!(!t.displacement.is_empty(), "displacement");
    }

    #[test]
    fn theatre_scenario_has_combat_control_changes_and_recruitment() {
        check_busy(100, 20, 52);
    }

    #[test]
    fn peer_scenario_has_combat_control_changes_and_recruitment() {
        check_busy(10, 4, 52);
    }

    #[test]
    fn other_sizes_are_valid() {
        for (r, f) in [(1, 1), (7, 4), (25, 9), (33, 13), (200, 40)] {
            let m = model(r, f, 5);
            assert_eq!((m.regions.len(), m.forces.len()), (r, f));
        }
    }

    #[test]
    fn neighbours_form_the_grid() {
        let m = model(100, 20, 1);
        for (i, reg) in m.regions.iter().enumerate() {
            let (row, col) = (i / WIDTH, i % WIDTH);
            let expect = usize::from(row > 0) + usize::from(row < 9) + usize::from(col > 0) + usize::from(col < 9);
            assert_eq!(reg.neighbours.len(), expect, "{}", reg.id);
        }
    }
}

//! Turns a run's [`Trajectory`] into named tables (ids and dates instead of
//! indices and day numbers) and a manifest.
//!
//! Owns the layout of the output tables — the contract with pandas, polars
//! and DuckDB users. It must not change results, only present them.

use frontline_engine::Trajectory;
use frontline_output::{Column, Command, Manifest, THEATRE_MODEL, Table};
use frontline_scenario::{Loaded, Model};

/// The `control` table: one row per snapshot and region, and with the
/// `civilian_harm` mechanism on a `civilian_deaths` column (civilians killed
/// there so far).
pub fn control(m: &Model, t: &Trajectory) -> Table {
    let nr = m.regions.len();
    let n = t.snapshots() * nr;
    let (mut tick, mut date, mut region, mut name, mut controller, mut contested) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (k, &day) in t.days.iter().enumerate() {
        for (r, reg) in m.regions.iter().enumerate() {
            tick.push(k as i64);
            date.push(day);
            region.push(reg.id.clone());
            name.push(reg.name.clone());
            let c = t.control[k * nr + r];
            controller.push((c >= 0).then(|| m.actors[c as usize].id.clone()));
            contested.push(t.contested[k * nr + r]);
        }
    }
    let table = Table::new("control")
        .with("tick", Column::I64(tick))
        .with("date", Column::Date(date))
        .with("region", Column::Str(region))
        .with("region_name", Column::Str(name))
        .with("controller", Column::OptStr(controller))
        .with("contested", Column::Bool(contested));
    if t.civilian_deaths.is_empty() {
        table
    } else {
        table.with("civilian_deaths", Column::F64(t.civilian_deaths.clone()))
    }
}

/// The `forces` table: where each force group's people are, one row per
/// snapshot, force group and region in which the group has people (a region
/// where it has none has no row, so summing `personnel` by region or by
/// group gives the right totals). The group's own state is in [`groups`].
pub fn forces(m: &Model, t: &Trajectory) -> Table {
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let (mut tick, mut date, mut force_id, mut actor, mut region, mut personnel) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, &day) in t.days.iter().enumerate() {
        for (f, force) in m.forces.iter().enumerate() {
            for (r, reg) in m.regions.iter().enumerate() {
                let p = t.personnel[(k * nf + f) * nr + r];
                if p == 0.0 {
                    continue;
                }
                tick.push(k as i64);
                date.push(day);
                force_id.push(force.id.clone());
                actor.push(m.actors[force.actor].id.clone());
                region.push(reg.id.clone());
                personnel.push(p);
            }
        }
    }
    Table::new("forces")
        .with("tick", Column::I64(tick))
        .with("date", Column::Date(date))
        .with("force", Column::Str(force_id))
        .with("actor", Column::Str(actor))
        .with("region", Column::Str(region))
        .with("personnel", Column::F64(personnel))
}

/// The `groups` table: one row per snapshot and force group, with its
/// personnel over all regions, equipment, morale, quality and trainees
/// (people in its training pipeline), and whether it is `active_at_start`
/// (a group off by default, e.g. one a variant or an event deploys, has no
/// personnel until then).
pub fn groups(m: &Model, t: &Trajectory) -> Table {
    let (nr, nf) = (m.regions.len(), m.forces.len());
    let n = t.snapshots() * nf;
    let (mut tick, mut date, mut force_id, mut actor, mut personnel) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut equipment, mut morale, mut quality, mut trainees, mut active) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (k, &day) in t.days.iter().enumerate() {
        for (f, force) in m.forces.iter().enumerate() {
            tick.push(k as i64);
            date.push(day);
            force_id.push(force.id.clone());
            actor.push(m.actors[force.actor].id.clone());
            personnel.push(t.personnel[(k * nf + f) * nr..(k * nf + f + 1) * nr].iter().sum::<f64>());
            equipment.push(t.equipment[k * nf + f]);
            morale.push(t.morale[k * nf + f]);
            quality.push(t.quality[k * nf + f]);
            trainees.push(t.trainees[k * nf + f]);
            active.push(force.active);
        }
    }
    Table::new("groups")
        .with("tick", Column::I64(tick))
        .with("date", Column::Date(date))
        .with("force", Column::Str(force_id))
        .with("actor", Column::Str(actor))
        .with("personnel", Column::F64(personnel))
        .with("equipment", Column::F64(equipment))
        .with("morale", Column::F64(morale))
        .with("quality", Column::F64(quality))
        .with("trainees", Column::F64(trainees))
        .with("active_at_start", Column::Bool(active))
}

/// The `attitudes` table: one row per snapshot, region and identity, with a
/// `support_<actor>` column per actor, and with the `manpower` mechanism on a
/// `manpower` column (men of fighting age).
pub fn attitudes(m: &Model, t: &Trajectory) -> Table {
    let (nr, ni, na) = (m.regions.len(), m.identities.len(), m.actors.len());
    let (mut tick, mut date, mut region, mut identity, mut pop, mut griev) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut support: Vec<Vec<f64>> = vec![Vec::new(); na];
    let stocked = !t.manpower.is_empty();
    let mut manpower = Vec::new();
    for (k, &day) in t.days.iter().enumerate() {
        for (r, reg) in m.regions.iter().enumerate() {
            for (i, id) in m.identities.iter().enumerate() {
                let base = (k * nr + r) * ni + i;
                if m.regions[r].population[i] <= 0.0 && t.population[base] <= 0.0 {
                    continue;
                }
                tick.push(k as i64);
                date.push(day);
                region.push(reg.id.clone());
                identity.push(id.id.clone());
                pop.push(t.population[base]);
                griev.push(t.grievance[base]);
                if stocked {
                    manpower.push(t.manpower[base]);
                }
                for (a, col) in support.iter_mut().enumerate() {
                    col.push(t.support[base * na + a]);
                }
            }
        }
    }
    let mut table = Table::new("attitudes")
        .with("tick", Column::I64(tick))
        .with("date", Column::Date(date))
        .with("region", Column::Str(region))
        .with("identity", Column::Str(identity))
        .with("population", Column::F64(pop))
        .with("grievance", Column::F64(griev));
    if stocked {
        table = table.with("manpower", Column::F64(manpower));
    }
    for (a, col) in support.into_iter().enumerate() {
        table = table.with(format!("support_{}", m.actors[a].id), Column::F64(col));
    }
    table
}

/// The `actors` table: money, weekly income, weapons stock and threat per
/// snapshot and actor, and with `civilian_harm` on a `civilian_deaths`
/// column (civilians its forces have killed so far).
pub fn actors(m: &Model, t: &Trajectory) -> Table {
    let na = m.actors.len();
    let (mut tick, mut date, mut actor, mut money, mut weapons, mut threat, mut income) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (k, &day) in t.days.iter().enumerate() {
        for (a, act) in m.actors.iter().enumerate() {
            tick.push(k as i64);
            date.push(day);
            actor.push(act.id.clone());
            money.push(t.money[k * na + a]);
            weapons.push(t.weapons[k * na + a]);
            threat.push(t.threat[k * na + a]);
            income.push(t.income[k * na + a]);
        }
    }
    let table = Table::new("actors")
        .with("tick", Column::I64(tick))
        .with("date", Column::Date(date))
        .with("actor", Column::Str(actor))
        .with("money", Column::F64(money))
        .with("weapons", Column::F64(weapons))
        .with("threat", Column::F64(threat))
        .with("income", Column::F64(income));
    if t.civilian_deaths_by.is_empty() {
        table
    } else {
        table.with("civilian_deaths", Column::F64(t.civilian_deaths_by.clone()))
    }
}

/// The `displacement` table (the `displacement` mechanism): one row per
/// movement of people in a tick — the region left (`origin`), the region
/// reached (`destination`), the identity, the people and the kind
/// (`flight` or `return`).
pub fn displacement(m: &Model, t: &Trajectory) -> Table {
    let d = &t.displacement;
    Table::new("displacement")
        .with("tick", Column::I64(d.iter().map(|x| i64::from(x.tick)).collect()))
        .with("date", Column::Date(d.iter().map(|x| m.day_of_tick(x.tick)).collect()))
        .with("origin", Column::Str(d.iter().map(|x| m.regions[x.from].id.clone()).collect()))
        .with("destination", Column::Str(d.iter().map(|x| m.regions[x.to].id.clone()).collect()))
        .with("identity", Column::Str(d.iter().map(|x| m.identities[x.identity].id.clone()).collect()))
        .with("people", Column::F64(d.iter().map(|x| x.people).collect()))
        .with(
            "kind",
            Column::Str(d.iter().map(|x| if x.returning { "return" } else { "flight" }.to_string()).collect()),
        )
}

/// The `events` table: control changes, routs, captures, scheduled events and watches.
pub fn events(m: &Model, t: &Trajectory) -> Table {
    let opt = |v: Option<usize>, f: &dyn Fn(usize) -> String| v.map(f);
    let region = |i: usize| m.regions[i].id.clone();
    let actor = |i: usize| m.actors[i].id.clone();
    let force = |i: usize| m.forces[i].id.clone();
    let e = &t.events;
    Table::new("events")
        .with("tick", Column::I64(e.iter().map(|x| i64::from(x.tick)).collect()))
        .with("date", Column::Date(e.iter().map(|x| x.day).collect()))
        .with("kind", Column::Str(e.iter().map(|x| x.kind.to_string()).collect()))
        .with("region", Column::OptStr(e.iter().map(|x| opt(x.region, &region)).collect()))
        .with("actor", Column::OptStr(e.iter().map(|x| opt(x.actor, &actor)).collect()))
        .with("other_actor", Column::OptStr(e.iter().map(|x| opt(x.other, &actor)).collect()))
        .with("force", Column::OptStr(e.iter().map(|x| opt(x.force, &force)).collect()))
        .with("value", Column::F64(e.iter().map(|x| x.value).collect()))
        .with("detail", Column::Str(e.iter().map(|x| x.detail.clone()).collect()))
}

/// The `strikes` table (mechanism `air_campaign`): sorties flown, one row
/// per tick, region, air group and mission (docs/model.md §3.18). The
/// `sorties` of the table sum to the run's `ledger.sorties_flown`.
pub fn strikes(m: &Model, t: &Trajectory) -> Table {
    let x = &t.strikes;
    Table::new("strikes")
        .with("tick", Column::I64(x.iter().map(|h| i64::from(h.tick)).collect()))
        .with("date", Column::Date(x.iter().map(|h| m.day_of_tick(h.tick)).collect()))
        .with("region", Column::Str(x.iter().map(|h| m.regions[h.region].id.clone()).collect()))
        .with("actor", Column::Str(x.iter().map(|h| m.actors[m.forces[h.force].actor].id.clone()).collect()))
        .with("force", Column::Str(x.iter().map(|h| m.forces[h.force].id.clone()).collect()))
        .with("mission", Column::Str(x.iter().map(|h| h.mission.name().to_string()).collect()))
        .with("sorties", Column::F64(x.iter().map(|h| h.sorties).collect()))
}

/// All tables of a run, in the order they are written (`strikes` only with
/// the `air_campaign` mechanism on).
pub fn all(m: &Model, t: &Trajectory) -> Vec<Table> {
    let mut tables = vec![control(m, t), forces(m, t), groups(m, t), attitudes(m, t), actors(m, t), events(m, t)];
    if m.mechanisms.on(frontline_scenario::spec::MechanismName::AirCampaign) {
        tables.push(strikes(m, t));
    }
    if m.mechanisms.on(frontline_scenario::spec::MechanismName::Displacement) {
        tables.push(displacement(m, t));
    }
    tables
}

/// The fields every theatre manifest of `command` carries: the scenario
/// (as named on the command line, `scenario_path`), its hash, variants,
/// `--set`s and parameter values. The command adds its own.
pub fn theatre_manifest(command: Command, loaded: &Loaded, scenario_path: &str) -> Manifest {
    let m = &loaded.model;
    let mut manifest = Manifest::new(command, THEATRE_MODEL, scenario_path, &m.name, &loaded.scenario_hash)
        .with_variants(&loaded.variants);
    manifest.sets = loaded.sets.clone();
    manifest.parameters = m.parameters.iter().map(|p| (p.id.clone(), serde_json::json!(p.value))).collect();
    manifest
}

/// The manifest of `frontline run`: enough to reproduce every number in the tables.
pub fn manifest(loaded: &Loaded, scenario_path: &str, seed: u64, format: &str, tables: &[String]) -> Manifest {
    let m = &loaded.model;
    let mut manifest = theatre_manifest(Command::Run, loaded, scenario_path);
    manifest.seed = Some(seed);
    manifest.detail("start", m.start.to_string());
    manifest.detail("tick_days", m.tick_days);
    manifest.detail("ticks", m.ticks);
    manifest.format = Some(format.to_string());
    manifest.tables = tables.to_vec();
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strikes_table_adds_up_to_the_ledger_and_appears_only_with_the_campaign() {
        let air = "[actors.us]\nallies = [\"gov\", \"tribes\"]\nhostile = [\"isis\"]\n\
                   [forces.us_air]\nactor = \"us\"\nkind = \"air\"\npersonnel = { capital = 100 }\n\
                   [actors.us.rules.cas]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"allied_fronts\", fraction = 0.7 }\n\
                   [actors.us.rules.cut]\nthen = { tactic = \"air_strike\", force = \"us_air\", to = \"desert\", fraction = 0.3, mission = \"interdiction\" }\n";
        let m = frontline_engine::testkit::line(&format!("[mechanisms]\nair_campaign = true\n{air}"));
        let t = frontline_engine::simulate(&m, 2);
        let tables = all(&m, &t);
        let table = tables.iter().find(|x| x.name == "strikes").expect("a strikes table");
        let sorties = match &table.columns.iter().find(|(n, _)| n == "sorties").unwrap().1 {
            Column::F64(v) => v.iter().sum::<f64>(),
            _ => unreachable!(),
        };
        assert!(t.ledger.sorties_flown > 0.0);
        assert!((sorties - t.ledger.sorties_flown).abs() <= 1e-9 * t.ledger.sorties_flown);
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["tick", "date", "region", "actor", "force", "mission", "sorties"]);
        let off = frontline_engine::testkit::line(air);
        assert!(all(&off, &frontline_engine::simulate(&off, 2)).iter().all(|x| x.name != "strikes"));
    }

    use frontline_engine::testkit;

    fn column<'a>(t: &'a Table, name: &str) -> &'a Column {
        &t.columns.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}")).1
    }

    #[test]
    fn the_displacement_table_has_a_row_per_flow_and_sums_to_the_flows() {
        let m = testkit::line(
            "[mechanisms]\ndisplacement = true\ncivilian_harm = true\n\
             [regions.city]\nsupport = { sunni = { gov = -0.5, isis = 0.1 } }\n",
        );
        let t = frontline_engine::simulate(&m, 5);
        assert!(!t.displacement.is_empty());
        let d = displacement(&m, &t);
        assert_eq!(d.len(), t.displacement.len());
        for (_, c) in &d.columns {
            assert_eq!(c.len(), d.len());
        }
        let Column::F64(people) = column(&d, "people") else { panic!("people is numeric") };
        let Column::Str(kind) = column(&d, "kind") else { panic!("kind is text") };
        let Column::Str(origin) = column(&d, "origin") else { panic!("origin is text") };
        let total: f64 = t.displacement.iter().map(|f| f.people).sum();
        assert!((people.iter().sum::<f64>() - total).abs() <= 1e-9 * total);
        for (k, f) in t.displacement.iter().enumerate() {
            assert_eq!(people[k], f.people);
            assert_eq!(kind[k], if f.returning { "return" } else { "flight" });
            assert_eq!(origin[k], m.regions[f.from].id);
        }
        // People who left the city, from the table, are the city's loss less its returns and arrivals.
        let (nr, ni) = (m.regions.len(), m.identities.len());
        let city = m.region_index("city").unwrap();
        let last = t.snapshots() - 1;
        let out: f64 = (0..d.len()).filter(|&k| origin[k] == "city").map(|k| people[k]).sum();
        let into: f64 = t.displacement.iter().filter(|f| f.to == city).map(|f| f.people).sum();
        let pop = |k: usize| t.population[(k * nr + city) * ni..(k * nr + city + 1) * ni].iter().sum::<f64>();
        let dead = t.civilian_deaths[last * nr + city];
        let recruited_etc = pop(0) - pop(last) - dead - (out - into);
        assert!(recruited_etc.abs() < 0.05 * pop(0), "the city's population is accounted for: {recruited_etc}");
        assert!(all(&m, &t).iter().any(|t| t.name == "displacement"));
        // The civilian deaths columns.
        let c = control(&m, &t);
        assert_eq!(column(&c, "civilian_deaths").len(), c.len());
        let a = actors(&m, &t);
        assert_eq!(column(&a, "civilian_deaths").len(), a.len());
    }

    #[test]
    fn with_the_switches_off_the_tables_are_as_before() {
        let m = testkit::line("");
        let t = frontline_engine::simulate(&m, 5);
        let names: Vec<String> = all(&m, &t).into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["control", "forces", "groups", "attitudes", "actors", "events"]);
        assert!(control(&m, &t).columns.iter().all(|(n, _)| n != "civilian_deaths"));
        assert!(actors(&m, &t).columns.iter().all(|(n, _)| n != "civilian_deaths"));
    }
}

//! The chain that led to a region's state on a date: the control change
//! that gave it its holder (or the fact that nobody took it), then, going
//! back, what made that change: the routs there, the rules whose orders sent
//! the winner's groups there or the loser's elsewhere, the operations aimed
//! at it, recruitment surges of the groups present, the hidden fighters
//! found there, and further back the contagion behind a rout, the people
//! who fled the region and the attitude shifts in it.

use crate::record::{Entry, Record};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// How many ticks before a change its causes are looked for.
pub const WINDOW: u32 = 6;

/// One link of a chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// 0: the change itself; 1: its causes; 2: their causes.
    pub depth: usize,
    /// Tick.
    pub tick: u32,
    /// Its date.
    pub date: String,
    /// The phase that made it (control, combat, strategy, planning, recruitment, civilians, attitudes).
    pub phase: String,
    /// The record's kind.
    pub kind: String,
    /// Its branch.
    pub how: String,
    /// The rule (`actor.rule`), for rule links.
    pub rule: Option<String>,
    /// The region concerned.
    pub region: Option<String>,
    /// The actors concerned (first the one acting).
    pub actors: Vec<String>,
    /// The force groups concerned.
    pub forces: Vec<String>,
    /// The numbers behind it.
    pub numbers: Vec<(String, f64)>,
    /// The link in words.
    pub text: String,
    /// What it is without its numbers (`rout tribes@valley`), for grouping.
    pub key: String,
}

/// A region's chain on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    /// Region id.
    pub region: String,
    /// Region name.
    pub region_name: String,
    /// The snapshot explained.
    pub tick: u32,
    /// Its date.
    pub date: String,
    /// The holder then (None: nobody).
    pub holder: Option<String>,
    /// The tick of the change that gave it its holder (None: held since the start).
    pub since: Option<u32>,
    /// One sentence.
    pub summary: String,
    /// The links, the change first, each followed by its causes.
    pub links: Vec<Link>,
}

/// What went wrong finding what to explain.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// No region of that id or name.
    Region(String),
    /// A date that is not one, or outside the run.
    Date(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Region(s) | Error::Date(s) => f.write_str(s),
        }
    }
}

/// The index of a region named by id or name (case-insensitive).
pub fn find_region(rec: &Record, place: &str) -> Result<usize, Error> {
    let want = place.trim().to_lowercase();
    if let Some(r) = rec.regions.iter().position(|r| r.id.to_lowercase() == want || r.name.to_lowercase() == want) {
        return Ok(r);
    }
    // Names written without their article (`Ramadi` for `Al-Ramadi`), when only one region fits.
    let fits: Vec<usize> = (0..rec.regions.len()).filter(|&r| bare(&rec.regions[r].name) == bare(&want)).collect();
    if let [r] = fits[..] {
        return Ok(r);
    }
    let near: Vec<String> = rec
        .regions
        .iter()
        .filter(|r| r.id.to_lowercase().contains(&want) || r.name.to_lowercase().contains(&want))
        .take(8)
        .map(|r| format!("{} ({})", r.id, r.name))
        .collect();
    let hint = if near.is_empty() {
        let some: Vec<&str> = rec.regions.iter().take(8).map(|r| r.id.as_str()).collect();
        format!("regions are named by id or name, e.g. {}", some.join(", "))
    } else {
        format!("did you mean {}?", near.join(", "))
    };
    Err(Error::Region(format!("no region `{place}` in this run; {hint}")))
}

/// A region's name without its article (`al-`, `el-`), lower case.
fn bare(n: &str) -> String {
    let n = n.to_lowercase();
    ["al-", "al ", "el-", "el "].iter().find_map(|p| n.strip_prefix(p).map(str::to_string)).unwrap_or(n)
}

/// Whether `place` names the region of this id and name: its id or name
/// (case-insensitive), or its name without its article.
pub fn names(place: &str, id: &str, name: &str) -> bool {
    let want = place.trim().to_lowercase();
    id.to_lowercase() == want || name.to_lowercase() == want || bare(name) == bare(&want)
}

/// The snapshot on a date: the last one on or before it (None: the last snapshot).
pub fn find_tick(rec: &Record, date: Option<&str>) -> Result<u32, Error> {
    let last = rec.dates.len().saturating_sub(1) as u32;
    let Some(d) = date else { return Ok(last) };
    let b = d.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(Error::Date(format!("--date `{d}` is not a date; write it as YYYY-MM-DD, e.g. 2015-05-17")));
    }
    let (first, end) = (&rec.dates[0], &rec.dates[last as usize]);
    if d < first.as_str() {
        return Err(Error::Date(format!(
            "--date {d} is before the run starts ({first} to {end}); pick a date in that range"
        )));
    }
    Ok(rec.dates.iter().rposition(|x| x.as_str() <= d).unwrap_or(0) as u32)
}

struct Ctx<'a> {
    rec: &'a Record,
}

impl Ctx<'_> {
    fn actor(&self, a: Option<usize>) -> String {
        a.and_then(|a| self.rec.actors.get(a)).map_or_else(|| "nobody".into(), |a| a.id.clone())
    }
    fn region(&self, r: Option<usize>) -> String {
        r.and_then(|r| self.rec.regions.get(r)).map_or_else(|| "—".into(), |r| r.name.clone())
    }
    fn force(&self, f: usize) -> String {
        self.rec.forces.get(f).map_or_else(|| format!("force{f}"), |f| f.id.clone())
    }
    fn date(&self, tick: u32) -> String {
        self.rec.dates.get(tick as usize).cloned().unwrap_or_default()
    }
    fn side(&self, a: usize, b: usize) -> bool {
        self.rec.actors.get(a).and_then(|x| x.allied.get(b)).copied().unwrap_or(false)
    }
    fn rule_name(&self, e: &Entry) -> Option<String> {
        let (a, k) = (e.actor?, e.rule?);
        self.rec.actors.get(a)?.rules.get(k).map(|r| r.name.clone())
    }

    fn link(&self, depth: usize, e: &Entry) -> Link {
        let phase = match e.kind.as_str() {
            "control" => "control",
            "rout" => "combat",
            "rule" => "strategy",
            "operation" => "planning",
            "recruitment" => "recruitment",
            "detection" => "combat",
            "displacement" => "civilians",
            _ => "attitudes",
        };
        let mut actors = vec![self.actor(e.actor)];
        if e.other.is_some() {
            actors.push(self.actor(e.other));
        }
        let mut forces: Vec<String> = e.force.map(|f| self.force(f)).into_iter().collect();
        for g in &e.groups {
            let f = self.force(g.0);
            if !forces.contains(&f) {
                forces.push(f);
            }
        }
        let (text, key) = self.words(e);
        let mut numbers = e.terms.clone();
        if let (Some(a), Some(k)) = (e.actor, e.rule)
            && let Some(rule) = self.rec.actors.get(a).and_then(|x| x.rules.get(k))
        {
            numbers.extend(rule.asks.iter().cloned().zip(e.values.iter().copied()));
        }
        numbers.extend(e.groups.iter().map(|g| (format!("present:{}", self.force(g.0)), g.1)));
        Link {
            depth,
            tick: e.tick,
            date: self.date(e.tick),
            phase: phase.into(),
            kind: e.kind.clone(),
            how: e.how.clone(),
            rule: self.rule_name(e),
            region: e.region.map(|r| self.region(Some(r))),
            actors,
            forces,
            numbers,
            text,
            key,
        }
    }

    /// The link in words, and its key.
    fn words(&self, e: &Entry) -> (String, String) {
        let t = |n: &str| e.term(n).unwrap_or(0.0);
        let region = self.region(e.region);
        let (actor, other) = (self.actor(e.actor), self.actor(e.other));
        let force = e.force.map_or_else(String::new, |f| self.force(f));
        let mut s = String::new();
        let key;
        match e.kind.as_str() {
            "control" => {
                key = format!("control {region} {other}->{actor} ({})", e.how);
                let _ = write!(s, "{region} passed from {other} to {actor}");
                let _ = match e.how.as_str() {
                    "overwhelmed" => write!(
                        s,
                        ": {actor}'s side reached {:.0} effective strength against the holder's {:.0} ({:.1} to 1, dominance {:.1})",
                        t("winner_strength"),
                        t("loser_strength"),
                        t("ratio"),
                        t("dominance")
                    ),
                    "dominance" => write!(
                        s,
                        ": the holder's side was gone and {actor}'s side had {:.0} against {:.0} ({:.1} to 1, dominance {:.1})",
                        t("winner_strength"),
                        t("loser_strength"),
                        t("ratio"),
                        t("dominance")
                    ),
                    "unopposed" => {
                        write!(s, ": nobody opposed {actor}'s side ({:.0} effective strength)", t("winner_strength"))
                    }
                    "lapse" => write!(
                        s,
                        ": ungarrisoned for {:.0} weeks (garrison {:.0}) among a population with support {:.2} for the holder, control lapsed",
                        t("weeks_ungarrisoned"),
                        t("garrison"),
                        t("holder_support")
                    ),
                    "influence" => write!(
                        s,
                        ": ungarrisoned for {:.0} weeks, it went to {actor} by the population's support ({:.2})",
                        t("weeks_ungarrisoned"),
                        t("new_holder_support")
                    ),
                    other => write!(s, " ({other})"),
                };
                if !e.groups.is_empty() {
                    let present: Vec<String> =
                        e.groups.iter().map(|g| format!("{} {:.0}", self.force(g.0), g.1)).collect();
                    let _ = write!(s, ". Present: {}", present.join(", "));
                }
            }
            "rout" => {
                key = format!("rout {force}@{region}");
                let morale = t("morale");
                let _ = write!(
                    s,
                    "{force} ({actor}) routed from {region}: {:.0} men broke; morale {morale:.2} − loss term {:.2} − odds term {:.2} (odds {:.1} to 1) = {:.2}, threshold {:.2}",
                    t("routed"),
                    t("loss_term"),
                    t("odds_term"),
                    t("odds"),
                    morale - t("loss_term") - t("odds_term"),
                    t("threshold")
                );
                if e.how == "panic" {
                    let _ = write!(s, "; it panicked (morale {morale:.2} below {:.2})", t("panic_morale"));
                }
                if t("contagion") > 0.0 {
                    let _ = write!(s, "; the flight of others here had cost it {:.2} morale", t("contagion"));
                }
                let _ = match e.target {
                    Some(q) => write!(s, "; it fell back to {}", self.region(Some(q))),
                    None => write!(s, "; with nowhere to fall back to, it deserted"),
                };
            }
            "rule" => {
                let name = self.rule_name(e).unwrap_or_default();
                key = format!("rule {name} {}", e.how);
                let rule = e.actor.and_then(|a| self.rec.actors.get(a)).and_then(|x| x.rules.get(e.rule?));
                let verb = match e.how.as_str() {
                    "fired" => "started to fire",
                    "stopped" => "stopped firing",
                    _ => "changed where its orders go",
                };
                let _ = write!(s, "rule {name} {verb}");
                if let Some(rule) = rule {
                    let asked: Vec<String> =
                        rule.asks.iter().zip(&e.values).map(|(q, v)| format!("{q} = {}", num(*v))).collect();
                    let _ = write!(s, " (when `{}`", rule.when);
                    if !asked.is_empty() {
                        let _ = write!(s, ", with {}", asked.join(", "));
                    }
                    s.push(')');
                }
                if let Some(q) = e.target {
                    let _ = if e.how == "stopped" {
                        write!(s, "; it had been sending {force} to {}", self.region(Some(q)))
                    } else {
                        write!(s, "; its orders send {force} to {}", self.region(Some(q)))
                    };
                }
            }
            "operation" => {
                key = format!("{} {force}@{region}", e.how);
                let what = e.how.trim_start_matches("operation_");
                let _ =
                    write!(s, "{actor}'s operation by {force} against {region} {what}: force ratio {:.2}", t("ratio"));
                if let Some(l) = e.term("launch_ratio") {
                    let _ = write!(s, " (launch at {l:.2}, culminate below {:.2})", t("culminate_ratio"));
                }
                if let Some(x) = e.term("score") {
                    let _ = write!(s, ", objective score {x:.1}");
                }
                if e.how == "withdrawal" {
                    s = format!(
                        "{actor} gave up {region} with {force}: hostile over own strength {:.2}",
                        t("hostile_over_own")
                    );
                }
            }
            "recruitment" => {
                key = format!("surge {force}");
                let _ = write!(
                    s,
                    "{force} ({actor}) recruited {:.0}, {:.1} times its usual {:.0}: willing population {:.0}, drive {:.2}, arms {:.2}",
                    t("recruits"),
                    t("recruits") / t("usual").max(1e-9),
                    t("usual"),
                    t("willing_population"),
                    t("drive"),
                    t("arms")
                );
            }
            "detection" => {
                key = format!("detection {force}@{region} {}", e.how);
                let _ = write!(
                    s,
                    "{other}'s side found {:.0} % of {force}'s {:.0} hidden fighters in {region} (detection {} from {:.2}): cooperation of the population {:.2}, presence {:.2}, cover {:.1}",
                    100.0 * t("share"),
                    t("hidden"),
                    e.how,
                    t("from"),
                    t("cooperation"),
                    t("presence"),
                    t("cover")
                );
            }
            "displacement" => {
                let who = e.identity.and_then(|i| self.rec.identities.get(i)).cloned().unwrap_or_default();
                key = format!("flight {who}@{region}");
                let mut parts: Vec<(&str, f64)> =
                    ["combat", "fear", "abuse"].iter().map(|n| (*n, t(n))).filter(|x| x.1 > 0.0).collect();
                parts.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(y.0)));
                let list: Vec<String> = parts.iter().map(|(n, v)| format!("{n} {v:.3}")).collect();
                let _ = write!(
                    s,
                    "{:.0} of the {:.0} {who} fled {region} for {} under {actor}'s control (flight rate {:.3}: {})",
                    t("fled"),
                    t("population"),
                    self.region(e.target),
                    t("share"),
                    list.join(", ")
                );
            }
            kind => {
                let who = e.identity.and_then(|i| self.rec.identities.get(i)).cloned().unwrap_or_default();
                let mut parts: Vec<(String, f64)> =
                    e.terms.iter().filter(|x| x.0 != "from" && x.0 != "to" && x.1 != 0.0).cloned().collect();
                parts.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
                let list: Vec<String> = parts.iter().take(3).map(|(n, v)| format!("{n} {v:+.3}")).collect();
                if kind == "grievance" {
                    key = format!("grievance {who}@{region} {}", e.how);
                    let _ = write!(
                        s,
                        "grievance of the {who} in {region} {} from {:.2} to {:.2}",
                        e.how,
                        t("from"),
                        t("to")
                    );
                } else {
                    key = format!("support {who}@{region} for {actor} {}", e.how);
                    let _ = write!(
                        s,
                        "support of the {who} in {region} for {actor} {} from {:.2} to {:.2}",
                        e.how,
                        t("from"),
                        t("to")
                    );
                }
                if !list.is_empty() {
                    let _ = write!(s, " (by {})", list.join(", "));
                }
            }
        }
        (s, key)
    }
}

/// A number as a reader wants it.
fn num(v: f64) -> String {
    if v.fract() == 0.0 || v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.3}") }
}

/// The chain of region `r` at snapshot `tick`.
pub fn chain(rec: &Record, r: usize, tick: u32) -> Chain {
    let cx = Ctx { rec };
    let tick = tick.min(rec.dates.len().saturating_sub(1) as u32);
    let holder = rec.control.get(tick as usize).and_then(|c| usize::try_from(c[r]).ok());
    let change = rec.drivers.iter().rev().find(|e| e.kind == "control" && e.region == Some(r) && e.tick <= tick);
    let mut links = Vec::new();
    let region = &rec.regions[r];
    let date = cx.date(tick);
    let summary;
    match change {
        Some(c) => {
            summary = format!(
                "{} is held by {} on {date}: it passed from {} to {} on {} (tick {}).",
                region.name,
                cx.actor(holder),
                cx.actor(c.other),
                cx.actor(c.actor),
                cx.date(c.tick),
                c.tick
            );
            links.push(cx.link(0, c));
            causes(&cx, r, c, &mut links);
        }
        None => {
            summary = format!(
                "{} is held by {} on {date}, as it was at the start: no side reached dominance there.",
                region.name,
                cx.actor(holder)
            );
            // What tried: routs there and the rules that sent groups there.
            let from = tick.saturating_sub(WINDOW);
            for e in rec.drivers.iter().filter(|e| e.tick >= from && e.tick <= tick) {
                let here = e.region == Some(r) && (e.kind == "rout" || e.kind == "operation");
                let sent = e.kind == "rule" && e.target == Some(r) && e.how != "stopped";
                if here || sent {
                    links.push(cx.link(1, e));
                }
            }
        }
    }
    Chain {
        region: region.id.clone(),
        region_name: region.name.clone(),
        tick,
        date,
        holder: holder.map(|a| rec.actors[a].id.clone()),
        since: change.map(|c| c.tick),
        summary,
        links,
    }
}

/// The causes of control change `c` of region `r`, appended to `links`.
fn causes(cx: &Ctx, r: usize, c: &Entry, links: &mut Vec<Link>) {
    let rec = cx.rec;
    let w = c.tick;
    let from = w.saturating_sub(WINDOW);
    let winner = c.actor;
    let loser = c.other;
    let on_side = |side: Option<usize>, a: Option<usize>| match (side, a) {
        (Some(s), Some(a)) => cx.side(s, a),
        _ => false,
    };
    let in_window = |e: &&Entry| e.tick >= from && e.tick <= w;
    // Routs in the region.
    let routs: Vec<&Entry> =
        rec.drivers.iter().filter(in_window).filter(|e| e.kind == "rout" && e.region == Some(r)).collect();
    for e in &routs {
        links.push(cx.link(1, e));
        if e.term("contagion").unwrap_or(0.0) > 0.0 {
            // The routs of the same side there, that tick, that spread it.
            for o in routs.iter().filter(|o| o.tick == e.tick && o.force != e.force && on_side(o.actor, e.actor)) {
                let mut l = cx.link(2, o);
                l.text = format!("contagion: {}", l.text);
                links.push(l);
            }
        }
    }
    // Rules in force at the change: each rule's latest record.
    let mut latest: Vec<&Entry> = Vec::new();
    for e in rec.drivers.iter().filter(|e| e.kind == "rule" && e.tick <= w) {
        match latest.iter_mut().find(|x| x.actor == e.actor && x.rule == e.rule) {
            Some(x) => *x = e,
            None => latest.push(e),
        }
    }
    latest.sort_by_key(|e| (e.tick, e.actor, e.rule));
    let moves_side = |e: &Entry, side: Option<usize>| {
        e.force.and_then(|f| rec.forces.get(f)).is_some_and(|f| on_side(side, Some(f.actor)))
    };
    for e in &latest {
        let sends_here = e.how != "stopped" && e.target == Some(r);
        if sends_here && moves_side(e, winner) {
            links.push(cx.link(1, e));
        } else if loser.is_some() && moves_side(e, loser) {
            let elsewhere = e.how != "stopped" && e.target.is_some_and(|q| q != r) && e.tick >= from;
            let withdrawn = e.how == "stopped" && e.target == Some(r) && e.tick >= from;
            if elsewhere || withdrawn {
                let mut l = cx.link(1, e);
                l.text = format!("{}: reinforcements withheld from {}", l.text, cx.region(Some(r)));
                links.push(l);
            }
        }
    }
    // Operations against the region.
    for e in rec
        .drivers
        .iter()
        .filter(|e| e.kind == "operation" && e.region == Some(r) && e.tick <= w && e.tick + 2 * WINDOW >= w)
    {
        links.push(cx.link(1, e));
    }
    // Surges of the groups present.
    for e in rec.drivers.iter().filter(in_window).filter(|e| e.kind == "recruitment") {
        if e.force.is_some_and(|f| c.groups.iter().any(|g| g.0 == f)) {
            links.push(cx.link(1, e));
        }
    }
    // Hidden fighters of either side found there.
    for e in rec.drivers.iter().filter(in_window).filter(|e| e.kind == "detection" && e.region == Some(r)) {
        links.push(cx.link(1, e));
    }
    // The people who fled the region before the change (the population that
    // stayed is the one whose support decided a lapse).
    for e in rec.drivers.iter().filter(in_window).filter(|e| e.kind == "displacement" && e.region == Some(r)) {
        links.push(cx.link(2, e));
    }
    // The attitudes behind them: the last shifts in the region before the change.
    let mut shifts: Vec<&Entry> = rec
        .drivers
        .iter()
        .filter(|e| (e.kind == "grievance" || e.kind == "support") && e.region == Some(r) && e.tick <= w)
        .filter(|e| e.kind == "grievance" || on_side(winner, e.actor))
        .collect();
    shifts.reverse();
    for e in shifts.into_iter().take(2) {
        links.push(cx.link(2, e));
    }
}

/// A chain as readable text.
pub fn render(c: &Chain) -> String {
    let mut s = format!("{} ({}) on {} (tick {})\n{}\n", c.region, c.region_name, c.date, c.tick, c.summary);
    let mut because = false;
    for l in &c.links {
        if l.depth > 0 && !because {
            s.push_str("  because:\n");
            because = true;
        }
        let indent = "  ".repeat(l.depth + 1);
        let what = match &l.rule {
            Some(r) => format!("{} · rule {r}", l.phase),
            None => format!("{} · {}", l.phase, l.kind),
        };
        let _ = writeln!(s, "{indent}- [{what} · tick {} · {}] {}", l.tick, l.date, l.text);
    }
    if c.links.is_empty() {
        s.push_str("  (nothing was recorded there)\n");
    }
    s
}

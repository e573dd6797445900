//! The parts of a report that say how far a forecast can be trusted: the
//! posterior an ensemble drew its parameters from and the split of its
//! spread ([`uncertainty_section`]), and a backtest's scores by window with
//! its reliability diagram ([`backtest_report`]).

use frontline_analysis::simulation::Uncertainty;
use frontline_analysis::windows::{LOG_CLAMP, WindowScore};
use frontline_maps::escape;
use std::fmt::Write;

/// The posterior and the split of the spread, as a report section.
pub fn uncertainty_section(u: &Uncertainty) -> String {
    let mut b = String::from("<h2>Uncertainty: parameters and chance</h2>\n");
    let _ = writeln!(
        b,
        "<p>Every run drew its parameters from the posterior <code>{}</code> ({}; {} parameter sets, {} drawn, {} seeds each), so every interval in this report reflects both chance and parameter uncertainty. The share of each quantity's variance that the parameters explain is estimated by one-way analysis of variance over the drawn sets (law of total variance).</p>",
        escape(&u.posterior),
        escape(u.sha256.get(..19).unwrap_or(&u.sha256)),
        u.sets,
        u.drawn,
        u.seeds_per_set
    );
    b.push_str("<table><tr><th>quantity</th><th class=\"n\">mean</th><th class=\"n\">sd</th><th class=\"n\">from parameters</th><th class=\"n\">from chance</th></tr>\n");
    let mut rows: Vec<_> = u.spread.iter().filter(|r| r.parameters + r.chance > 0.0).collect();
    rows.sort_by(|a, b| (b.parameters + b.chance).total_cmp(&(a.parameters + a.chance)));
    for r in rows {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.0} %</td><td class=\"n\">{:.0} %</td></tr>",
            escape(&r.name),
            num(r.mean),
            num((r.parameters + r.chance).sqrt()),
            100.0 * r.share_parameters,
            100.0 * (1.0 - r.share_parameters)
        );
    }
    b.push_str("</table>\n");
    b
}

fn num(x: f64) -> String {
    if x.abs() >= 100.0 { format!("{x:.0}") } else { format!("{x:.3}") }
}

/// The report of a backtest: per window (labelled in-sample or
/// out-of-sample) the Brier and log scores of the ensemble and of
/// persistence of the observed map, and a reliability diagram.
pub fn backtest_report(
    name: &str,
    runs: u64,
    scores: &[WindowScore],
    actor_ids: &[String],
    posterior: Option<&(String, String)>,
    p: &crate::Provenance,
) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{} — backtest</h1>", escape(name));
    let _ = writeln!(
        b,
        "<p>An ensemble of {runs} runs scored at month ends against the observed map. Baselines: the observed map at the start of each window held constant (<em>persistence from the window's start</em>), and the observed map of the previous month end (<em>month to month</em>). Brier: 0 is perfect; log score: −ln of the probability given to what happened, probabilities clamped to [{c}, {d}]; skill &gt; 0 beats the baseline.</p>",
        c = LOG_CLAMP,
        d = 1.0 - LOG_CLAMP
    );
    match posterior {
        Some((path, sha)) => {
            let _ = writeln!(
                b,
                "<p>Parameters drawn from the posterior <code>{}</code> ({}).</p>",
                escape(path),
                escape(sha.get(..19).unwrap_or(sha))
            );
        }
        None => b.push_str("<p>Parameters: the scenario's own values (no posterior).</p>\n"),
    }
    b.push_str(&crate::provenance(p));
    let mut seen: Vec<&str> = Vec::new();
    for s in scores {
        if seen.contains(&s.window.name.as_str()) {
            continue;
        }
        seen.push(&s.window.name);
        let of: Vec<&WindowScore> = scores.iter().filter(|x| x.window.name == s.window.name).collect();
        let _ = writeln!(
            b,
            "<h2>{} ({}): {} to {}</h2>",
            escape(&s.window.name),
            escape(&s.label),
            s.window.from,
            s.window.to
        );
        b.push_str("<table><tr><th>P(actor holds)</th><th class=\"n\">cells</th><th class=\"n\">Brier</th><th class=\"n\">persistence (window start)</th><th class=\"n\">persistence (month to month)</th><th class=\"n\">skill vs window start</th><th class=\"n\">skill vs month to month</th><th class=\"n\">log score</th><th class=\"n\">log, window start</th><th class=\"n\">log, month to month</th></tr>\n");
        for x in &of {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.3}</td><td class=\"n\">{:.3}</td><td class=\"n\">{:.3}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.3}</td><td class=\"n\">{:.3}</td><td class=\"n\">{:.3}</td></tr>",
                escape(&actor_ids[x.actor]),
                x.cells,
                x.brier[0],
                x.brier[1],
                x.brier[2],
                signed(x.skill_window()),
                signed(x.skill_monthly()),
                x.log[0],
                x.log[1],
                x.log[2]
            );
        }
        b.push_str("</table>\n");
        for x in &of {
            let title = format!("Reliability, {} ({}), P({} holds)", s.window.name, s.label, actor_ids[x.actor]);
            let _ = writeln!(b, "<figure>{}</figure>", reliability_svg(&title, &x.reliability));
        }
    }
    crate::page(&format!("{name} — backtest"), &b)
}

fn signed(x: f64) -> String {
    if x.is_finite() { format!("{x:+.2}") } else { "n/a".into() }
}

/// A reliability diagram: observed frequency against mean forecast per
/// bin, dots sized by cells, with the diagonal of perfect calibration.
pub fn reliability_svg(title: &str, bins: &[(usize, f64, f64)]) -> String {
    let (w, h, l, t, size) = (420.0, 380.0, 60.0, 40.0, 300.0);
    let x = |v: f64| l + v * size;
    let y = |v: f64| t + (1.0 - v) * size;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n<text x=\"{l}\" y=\"20\" font-size=\"13\">{}</text>\n",
        escape(title)
    );
    let _ = writeln!(
        s,
        "<rect x=\"{l}\" y=\"{t}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#999\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    for k in 0..=5 {
        let v = k as f64 / 5.0;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{v:.1}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{v:.1}</text>",
            x(v),
            y(0.0) + 15.0,
            l - 6.0,
            y(v) + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">forecast probability (bin mean)</text><text transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">observed frequency</text>",
        x(0.5),
        y(0.0) + 32.0,
        y(0.5)
    );
    let total: usize = bins.iter().map(|b| b.0).sum::<usize>().max(1);
    let mut path = String::new();
    for (c, f, o) in bins.iter().filter(|b| b.0 > 0) {
        let _ = write!(path, "{}{:.1},{:.1}", if path.is_empty() { "M" } else { " L" }, x(*f), y(*o));
        let r = 3.0 + 9.0 * (*c as f64 / total as f64).sqrt();
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r:.1}\" fill=\"#1f77b4\" fill-opacity=\"0.6\"><title>{} cells: forecast {:.2}, observed {:.2}</title></circle>",
            x(*f),
            y(*o),
            c,
            f,
            o
        );
    }
    if !path.is_empty() {
        let _ = writeln!(s, "<path d=\"{path}\" fill=\"none\" stroke=\"#1f77b4\"/>");
    }
    s.push_str("</svg>\n");
    s
}

//! Line charts of time series as inline SVG: dates on the x axis (month
//! ticks), "nice" round numbers on the y axis, axis titles, a legend beside
//! the plot (the chart grows to fit it), shaded bands, dashed markers at
//! the scenario's key dates, hover tooltips.

use frontline_date::Day;
use frontline_maps::escape;
use std::fmt::Write;

const WIDTH: f64 = 900.0;
/// Height of the chart unless its legend needs more.
const HEIGHT: f64 = 320.0;
/// Room for the y axis' labels and title.
const LEFT: f64 = 84.0;
/// Pixels per legend line.
const LEGEND_LINE: f64 = 18.0;
const RIGHT: f64 = 300.0;
/// Legend labels longer than this are cut with an ellipsis (the tooltip has them whole).
const LABEL_CHARS: usize = 40;
const TOP: f64 = 34.0;
/// Room for the date labels and the x axis' title.
const BOTTOM: f64 = 52.0;

/// One line of a chart.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Colour, `#rrggbb`.
    pub colour: String,
    /// One value per day of the chart.
    pub values: Vec<f64>,
    /// An optional band around the line (low, high per day), drawn shaded.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    /// Drawn dashed (e.g. the second arm of a comparison).
    pub dashed: bool,
}

/// A chart of series over the same days.
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// Days of the x values.
    pub days: Vec<Day>,
    /// The lines.
    pub series: Vec<Series>,
    /// Fix the y range to [0, 1] (shares, probabilities).
    pub unit_interval: bool,
    /// Title of the y axis, with its unit (e.g. "fighters (people)").
    pub y_label: String,
    /// Dates to mark with a dashed vertical line and a label (key dates);
    /// those outside the chart's days are left out.
    pub markers: Vec<(Day, String)>,
}

/// The smallest "nice" step (1, 2 or 5 × 10^k) that splits `max` into at most `n` steps.
pub fn nice_step(max: f64, n: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|&s| s >= raw).unwrap_or(10.0 * mag)
}

/// A number for an axis label: 12k, 1.5M, 0.25.
pub fn short(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{}M", trim(x / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(x / 1e3))
    } else if a >= 10.0 || x == 0.0 {
        format!("{x:.0}")
    } else {
        trim(x)
    }
}

/// A label cut to [`LABEL_CHARS`] characters, with an ellipsis if cut.
fn clip(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        label.chars().take(LABEL_CHARS - 1).collect::<String>() + "…"
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Month ticks between two days, every 1, 2, 3, 6 or 12 months so that there
/// are at most eight.
fn month_ticks(first: Day, last: Day) -> Vec<Day> {
    let (y0, m0, _) = first.ymd();
    let (y1, m1, _) = last.ymd();
    let months = (y1 - y0) * 12 + (m1 as i32 - m0 as i32) + 1;
    let step = [1, 2, 3, 6, 12, 24, 60].into_iter().find(|s| months / s <= 8).unwrap_or(120);
    let mut out = Vec::new();
    let mut d = first.first_of_month();
    while d <= last {
        // Align multi-month steps to January (12), or to quarters and halves.
        let (_, m, _) = d.ymd();
        if d >= first && ((m as i32 - 1) % step.min(12) == 0) {
            out.push(d);
        }
        match d.last_of_month().checked_add_days(1) {
            Some(next) => d = next,
            None => break, // December 9999
        }
    }
    out
}

impl LineChart {
    /// The chart's height: [`HEIGHT`], or more when the legend needs it.
    pub fn height(&self) -> f64 {
        HEIGHT.max(TOP + 12.0 + LEGEND_LINE * self.series.len() as f64)
    }

    /// The chart as an `<svg>` element.
    pub fn svg(&self) -> String {
        let height = self.height();
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let (y0, y1) = (height - BOTTOM, TOP);
        let first = self.days.first().copied().unwrap_or(Day::EPOCH);
        let last = self.days.last().copied().unwrap_or(first.saturating_add_days(1));
        let span = f64::from((last - first).max(1));
        let max = if self.unit_interval {
            1.0
        } else {
            self.series
                .iter()
                .flat_map(|s| s.values.iter().chain(s.band.iter().flat_map(|b| b.1.iter())).copied())
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        };
        let step = if self.unit_interval { 0.25 } else { nice_step(max, 5) };
        let top = if self.unit_interval { 1.0 } else { (max / step).ceil().max(1.0) * step };
        let x = |d: Day| x0 + (x1 - x0) * f64::from(d - first) / span;
        let y = |v: f64| y0 - (y0 - y1) * (v / top).clamp(0.0, 1.0);
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
        );
        let _ = writeln!(s, "<title>{}</title>", escape(&self.title));
        let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
        let _ =
            writeln!(s, r##"<text x="{LEFT}" y="20" font-size="15" fill="#222222">{}</text>"##, escape(&self.title));
        // Grid and y labels.
        let mut v = 0.0;
        while v <= top + 1e-9 {
            let yy = y(v);
            let _ = writeln!(
                s,
                r##"<line x1="{x0}" y1="{yy:.1}" x2="{x1}" y2="{yy:.1}" stroke="#e5e5e5"/><text x="{:.0}" y="{:.1}" text-anchor="end" fill="#555555">{}</text>"##,
                x0 - 6.0,
                yy + 4.0,
                short(v)
            );
            v += step;
        }
        // Axis titles.
        let _ = writeln!(
            s,
            r##"<text class="axis-title" x="16" y="{:.1}" transform="rotate(-90 16 {:.1})" text-anchor="middle" fill="#333333">{}</text>"##,
            (y0 + y1) / 2.0,
            (y0 + y1) / 2.0,
            escape(&self.y_label)
        );
        let _ = writeln!(
            s,
            r##"<text class="axis-title" x="{:.1}" y="{:.0}" text-anchor="middle" fill="#333333">date</text>"##,
            (x0 + x1) / 2.0,
            y0 + 40.0
        );
        // x ticks.
        for d in month_ticks(first, last) {
            let xx = x(d);
            let label = &d.to_string()[0..7];
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{y0}" x2="{xx:.1}" y2="{:.0}" stroke="#999999"/><text x="{xx:.1}" y="{:.0}" text-anchor="middle" fill="#555555">{label}</text>"##,
                y0 + 5.0,
                y0 + 18.0
            );
        }
        let _ = writeln!(s, r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#555555"/>"##);
        // Bands first, under every line: a shade and its two edges.
        for ser in &self.series {
            if let Some((low, high)) = &ser.band {
                let edge = |vals: &[f64]| -> String {
                    let mut d = String::new();
                    for (k, (&day, &v)) in self.days.iter().zip(vals).enumerate() {
                        let _ = write!(d, "{}{:.1} {:.1}", if k == 0 { "M" } else { " L" }, x(day), y(v));
                    }
                    d
                };
                let mut d = edge(high);
                for (&day, &v) in self.days.iter().zip(low).rev() {
                    let _ = write!(d, " L{:.1} {:.1}", x(day), y(v));
                }
                let _ = writeln!(
                    s,
                    r#"<path class="band" d="{d}Z" fill="{}" fill-opacity="0.25" stroke="none"/>"#,
                    ser.colour
                );
                for e in [edge(low), edge(high)] {
                    let _ = writeln!(
                        s,
                        r#"<path d="{e}" fill="none" stroke="{}" stroke-width="0.8" stroke-opacity="0.6"/>"#,
                        ser.colour
                    );
                }
            }
        }
        // Key dates.
        for (d, label) in self.markers.iter().filter(|(d, _)| *d >= first && *d <= last) {
            let xx = x(*d);
            let _ = writeln!(
                s,
                r##"<line class="marker" x1="{xx:.1}" y1="{y1}" x2="{xx:.1}" y2="{y0}" stroke="#333333" stroke-width="1" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.0}" font-size="11" fill="#333333">{}</text>"##,
                xx + 3.0,
                y1 + 10.0,
                escape(label)
            );
        }
        // Lines and legend.
        for (i, ser) in self.series.iter().enumerate() {
            let mut d = String::new();
            for (k, (&day, &val)) in self.days.iter().zip(&ser.values).enumerate() {
                let _ = write!(d, "{}{:.1} {:.1}", if k == 0 { "M" } else { " L" }, x(day), y(val));
            }
            let last_value = ser.values.last().copied().unwrap_or(0.0);
            let dash = if ser.dashed { r#" stroke-dasharray="6 3""# } else { "" };
            let _ = writeln!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="2"{dash}><title>{}: {} at the end</title></path>"#,
                ser.colour,
                escape(&ser.label),
                short(last_value)
            );
            let ly = TOP + 6.0 + LEGEND_LINE * i as f64;
            let _ = writeln!(
                s,
                r##"<line x1="{:.0}" y1="{ly:.0}" x2="{:.0}" y2="{ly:.0}" stroke="{}" stroke-width="3"{dash}/><text x="{:.0}" y="{:.0}" fill="#222222">{}</text>"##,
                x1 + 14.0,
                x1 + 34.0,
                ser.colour,
                x1 + 40.0,
                ly + 4.0,
                escape(&clip(&ser.label))
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_and_short_numbers() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(45000.0, 5), 10000.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(short(45000.0), "45k");
        assert_eq!(short(1_250_000.0), "1.25M");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(120.0), "120");
    }

    #[test]
    fn month_ticks_are_few_and_on_month_starts() {
        let first = Day::parse("2014-06-01").unwrap();
        let last = Day::parse("2017-12-24").unwrap();
        let t = month_ticks(first, last);
        assert!(!t.is_empty() && t.len() <= 8, "{t:?}");
        assert!(t.iter().all(|&d| d.to_string().ends_with("-01")));
        let short_span = month_ticks(first, first.checked_add_days(60).unwrap());
        assert_eq!(short_span.len(), 2, "June, July (and August 1st is out of range)");
    }

    #[test]
    fn chart_has_a_line_per_series_and_escaped_labels() {
        let days: Vec<Day> = (0..10).map(|k| Day::from_epoch_days(16222 + 7 * k).unwrap()).collect();
        let c = LineChart {
            title: "Fighters <by> actor".into(),
            days: days.clone(),
            series: vec![
                Series {
                    label: "A & B".into(),
                    colour: "#4e79a7".into(),
                    values: (0..10).map(f64::from).collect(),
                    band: None,
                    dashed: false,
                },
                Series {
                    label: "C".into(),
                    colour: "#e15759".into(),
                    values: vec![5.0; 10],
                    band: Some((vec![4.0; 10], vec![6.0; 10])),
                    dashed: true,
                },
            ],
            unit_interval: false,
            y_label: "fighters (people)".into(),
            markers: vec![(days[3], "question".into()), (Day::from_epoch_days(1).unwrap(), "outside".into())],
        };
        let svg = c.svg();
        assert_eq!(svg.matches("<path").count(), 3 + 2, "two lines and one band with its two edges");
        assert_eq!(svg.matches("class=\"band\"").count(), 1);
        assert!(svg.contains("fighters (people)") && svg.contains(">date</text>"), "axis titles");
        assert_eq!(svg.matches("class=\"marker\"").count(), 1, "the key date inside the chart, not the one outside");
        assert!(svg.contains(">question</text>"));
        assert!(svg.contains("stroke-dasharray=\"6 3\""), "a dashed series");
        assert!(svg.contains("fill-opacity"));
        assert!(svg.contains("Fighters &lt;by&gt; actor") && svg.contains("A &amp; B"));
        assert!(svg.contains(">10<"), "the y axis reaches a round number above the maximum (9)");
    }

    #[test]
    fn regression_a_long_legend_fits_in_the_chart() {
        // 15 series: the legend used to run off the bottom of a 300-pixel chart.
        let days: Vec<Day> = (0..3).map(|k| Day::from_epoch_days(16222 + 7 * k).unwrap()).collect();
        let series = (0..15)
            .map(|i| Series {
                label: format!("group {i}"),
                colour: "#4e79a7".into(),
                values: vec![1.0; 3],
                band: None,
                dashed: false,
            })
            .collect();
        let c =
            LineChart { title: "t".into(), days, series, unit_interval: false, y_label: "y".into(), markers: vec![] };
        let h = c.height();
        let svg = c.svg();
        let last_legend_y = TOP + 6.0 + LEGEND_LINE * 14.0 + 4.0;
        assert!(last_legend_y < h, "the last legend line ({last_legend_y}) is inside the chart ({h})");
        assert!(svg.contains(&format!("height=\"{h}\"")));
    }
}

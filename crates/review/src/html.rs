//! Self-contained HTML reports: one page, no external resources (inline CSS, inline SVG plots),
//! rendered from a small page model by a minijinja template with HTML auto-escaping.

use serde::Serialize;

/// A report page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Page {
    /// Title (also the first heading).
    pub title: String,
    /// One line under the title (what was run, when, how long).
    pub subtitle: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// A section: a heading, an optional note, and its content.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// A sentence under the heading.
    pub note: String,
    /// Content.
    pub content: Content,
}

/// What a section shows.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Content {
    /// A table; cells are text, numbers right-aligned by the template when they parse.
    Table(Table),
    /// A plot, as inline SVG made by [`bars`] or [`histogram`].
    Plot {
        /// The SVG element.
        svg: String,
    },
}

/// A table.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// Text shown.
    pub text: String,
    /// Right-aligned (numbers).
    pub num: bool,
    /// A status class: `ok`, `bad`, `warn` or empty.
    pub class: &'static str,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            num: false,
            class: "",
        }
    }

    /// A number cell with `digits` decimals.
    pub fn num(x: f64, digits: usize) -> Cell {
        Cell {
            text: format!("{x:.digits$}"),
            num: true,
            class: "",
        }
    }

    /// An integer cell.
    pub fn count(n: usize) -> Cell {
        Cell {
            text: n.to_string(),
            num: true,
            class: "",
        }
    }

    /// A status cell.
    pub fn status(s: impl Into<String>, class: &'static str) -> Cell {
        Cell {
            text: s.into(),
            num: false,
            class,
        }
    }
}

const TEMPLATE: &str = include_str!("../templates/report.html.j2");

/// Renders the page. The template is part of the crate, so an error here is a bug; it is
/// returned rather than raised.
pub fn render(page: &Page) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| e.to_string())?;
    let t = env.get_template("report.html").map_err(|e| e.to_string())?;
    let sections: Vec<minijinja::Value> = page
        .sections
        .iter()
        .map(|s| {
            let svg = match &s.content {
                Content::Plot { svg } => Some(minijinja::Value::from_safe_string(svg.clone())),
                Content::Table(_) => None,
            };
            minijinja::context! { title => s.title, note => s.note, content => s.content, svg => svg }
        })
        .collect();
    t.render(minijinja::context! {
        title => page.title,
        subtitle => page.subtitle,
        sections => sections,
    })
    .map_err(|e| e.to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const COLOURS: &[&str] = &[
    "#3b6fb6", "#e0803a", "#4a9a5b", "#b64a4a", "#7a5bb6", "#8c8c8c",
];

/// Grouped vertical bars: one group per category, one bar per series, values in `0..=max`.
pub fn bars(categories: &[String], series: &[(String, Vec<f64>)], max: f64) -> String {
    let (w, h, left, bottom, top) = (720.0, 300.0, 48.0, 56.0, 28.0);
    let plot_h = h - bottom - top;
    let n = categories.len().max(1) as f64;
    let group_w = (w - left - 10.0) / n;
    let bar_w = (group_w * 0.8 / series.len().max(1) as f64).min(48.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" class="plot">"#
    );
    for i in 0..=4 {
        let v = max * i as f64 / 4.0;
        let y = top + plot_h - plot_h * i as f64 / 4.0;
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            w - 10.0,
            left - 6.0,
            y + 4.0,
            trim_num(v)
        );
    }
    for (ci, cat) in categories.iter().enumerate() {
        let gx = left + group_w * ci as f64 + group_w * 0.1;
        for (si, (name, vals)) in series.iter().enumerate() {
            let v = vals.get(ci).copied().unwrap_or(0.0).clamp(0.0, max);
            let bh = if max > 0.0 { plot_h * v / max } else { 0.0 };
            let x = gx + bar_w * si as f64;
            s += &format!(
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                top + plot_h - bh,
                bar_w - 2.0,
                COLOURS[si % COLOURS.len()],
                esc(cat),
                esc(name),
                trim_num(v)
            );
        }
        s += &format!(
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
            gx + bar_w * series.len() as f64 / 2.0,
            h - bottom + 18.0,
            esc(cat)
        );
    }
    for (si, (name, _)) in series.iter().enumerate() {
        let x = left + 150.0 * si as f64;
        s += &format!(
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12">{}</text>"#,
            h - 22.0,
            COLOURS[si % COLOURS.len()],
            x + 16.0,
            h - 12.0,
            esc(name)
        );
    }
    s + "</svg>"
}

/// A histogram of sizes in powers-of-two bins (1, 2, 3–4, 5–8, …).
pub fn histogram(sizes: &[usize], what: &str) -> String {
    let mut bins: Vec<(String, f64)> = Vec::new();
    let biggest = sizes.iter().copied().max().unwrap_or(1);
    let mut lo = 1usize;
    let mut hi = 1usize;
    while lo <= biggest {
        let n = sizes.iter().filter(|s| **s >= lo && **s <= hi).count();
        let label = if lo == hi {
            lo.to_string()
        } else {
            format!("{lo}–{hi}")
        };
        bins.push((label, n as f64));
        lo = hi + 1;
        hi *= 2;
    }
    let max = bins.iter().map(|b| b.1).fold(1.0, f64::max);
    let max = nice_ceiling(max);
    let (cats, vals): (Vec<String>, Vec<f64>) = bins.into_iter().unzip();
    bars(&cats, &[(what.to_string(), vals)], max)
}

fn nice_ceiling(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 4.0, 5.0, 10.0] {
        if m * p >= x {
            return m * p;
        }
    }
    10.0 * p
}

fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_escaped_tables_and_inline_plots() {
        let page = Page {
            title: "T <1>".into(),
            subtitle: "s".into(),
            sections: vec![
                Section {
                    title: "Table".into(),
                    note: String::new(),
                    content: Content::Table(Table {
                        headers: vec!["a".into()],
                        rows: vec![vec![Cell::text("<script>x</script>")]],
                    }),
                },
                Section {
                    title: "Plot".into(),
                    note: String::new(),
                    content: Content::Plot {
                        svg: histogram(&[1, 1, 2, 5, 9], "clusters"),
                    },
                },
            ],
        };
        let html = render(&page).unwrap();
        assert!(html.contains("T &lt;1&gt;"));
        assert!(html.contains("&lt;script&gt;x"));
        assert!(!html.contains("<script>x"));
        assert!(html.contains("<svg") && html.contains("<rect"));
        assert!(
            !html.contains("src=") && !html.contains("href="),
            "self-contained"
        );
    }

    #[test]
    fn histogram_bins_are_powers_of_two() {
        let svg = histogram(&[1, 2, 3, 4, 5, 100], "n");
        for label in [">1<", ">2<", ">3–4<", ">5–8<", ">65–128<"] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
    }
}

//! Line charts of a case's key variables: one line per scenario, historical data as points.
//!
//! Drawn with plotters into an SVG string and an in-memory PNG. Text in the PNG is rasterised from
//! DejaVu Sans, embedded in the binary (`assets/`, with its licence), so charts render the same
//! on a machine with no fonts or font libraries installed.

use std::sync::Once;

use anyhow::anyhow;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width and height of every chart, in pixels.
const SIZE: (u32, u32) = (960, 500);

/// Width of the legend column at the right of each chart.
const LEGEND_WIDTH: u32 = 210;

/// Colours for scenarios, in the case's order: Paul Tol's "muted" scheme (colour-blind safe), the
/// same colours in the same order as the explorer's `.sc-N` classes (`blowback-serve`'s
/// style.css; a test holds them equal), so a scenario has one colour everywhere. From the tenth
/// scenario on the colours repeat with dashed lines, as in the explorer.
const PALETTE: [RGBColor; 9] = [
    RGBColor(0xcc, 0x66, 0x77),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0xdd, 0xcc, 0x77),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0x88, 0xcc, 0xee),
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x44, 0xaa, 0x99),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0xaa, 0x44, 0x99),
];

/// The colour of the `index`-th scenario, as CSS, for the report's legend.
pub fn css_colour(index: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Whether the `index`-th scenario's line is dashed (its colour is a repeat).
pub fn dashed(index: usize) -> bool {
    index >= PALETTE.len()
}

/// Longest legend row, in characters, before it wraps (the column is [`LEGEND_WIDTH`] wide).
const LEGEND_CHARS: usize = 28;

/// How a line is drawn: its colour, width and dashing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pen {
    /// Index into the palette.
    colour: usize,
    width: u32,
    dashed: bool,
}

impl Pen {
    /// The `index`-th scenario in the case's order: its colour everywhere, the first (the status
    /// quo) thicker, and dashed from the tenth on, where the colours repeat.
    pub fn scenario(index: usize) -> Self {
        Self {
            colour: index % PALETTE.len(),
            width: if index == 0 { 3 } else { 2 },
            dashed: dashed(index),
        }
    }

    /// One percentile of a scenario's envelope: all in the scenario's colour (so no band is
    /// mistaken for another scenario), the median thickest, the quartiles thinner and the outer
    /// bands thin and dashed.
    pub fn percentile(index: usize, percentile: f64) -> Self {
        let spread = (percentile - 50.0).abs();
        Self {
            colour: index % PALETTE.len(),
            width: if spread < 1.0 {
                3
            } else if spread <= 25.0 {
                2
            } else {
                1
            },
            dashed: spread > 25.0,
        }
    }
}

/// One line of a chart.
pub struct Line<'a> {
    /// Scenario name (or percentile), for the legend.
    pub label: &'a str,
    /// Saved times.
    pub times: &'a [f64],
    /// Values.
    pub values: &'a [f64],
    /// How it is drawn.
    pub pen: Pen,
}

/// What one chart shows.
pub struct Chart<'a> {
    /// Title (from the variable's documentation, else its name).
    pub title: &'a str,
    /// The y axis's label: the variable's units in words (empty for none).
    pub y_label: &'a str,
    /// One line per scenario.
    pub lines: Vec<Line<'a>>,
    /// Historical points: legend text and (time, value) pairs.
    pub points: Vec<(String, Vec<(f64, f64)>)>,
    /// A vertical marker (the date the case is frozen at), with its label.
    pub marker: Option<(f64, &'a str)>,
}

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../assets/DejaVuSans.ttf");
        // The font is compiled in and known to parse; failure would be a build defect, and the
        // charts would then show no text rather than stop the run.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, bytes);
    });
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> anyhow::Result<String> {
    register_font();
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present()
            .map_err(|e| anyhow!("drawing {}: {e:?}", chart.title))?;
    }
    Ok(text)
}

/// The chart as a PNG file's bytes.
pub fn png(chart: &Chart) -> anyhow::Result<Vec<u8>> {
    register_font();
    let (width, height) = SIZE;
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present()
            .map_err(|e| anyhow!("drawing {}: {e:?}", chart.title))?;
    }
    let mut bytes = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut bytes),
        &pixels,
        width,
        height,
        image::ColorType::Rgb8,
    )?;
    Ok(bytes)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> anyhow::Result<()> {
    let fail = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing {}: {e:?}", chart.title);
    root.fill(&WHITE).map_err(fail)?;
    // The legend gets its own column on the right so it never hides a line.
    let (plot_area, legend_area) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let (x_range, y_range) = ranges(chart);
    // One precision per axis, from its span, so ticks line up (0.50, 1.00 rather than 0.50, 1.0).
    let span = y_range.end - y_range.start;
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    let mut context = ChartBuilder::on(&plot_area)
        .caption(chart.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(fail)?;
    context
        .configure_mesh()
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(RGBColor(246, 246, 246))
        .x_labels(10)
        .y_labels(8)
        .x_desc("year")
        .y_desc(chart.y_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format_tick(*y, decimals))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(fail)?;
    if let Some((at, label)) = chart.marker {
        if x_range.contains(&at) {
            let grey = RGBColor(120, 120, 120);
            context
                .draw_series(LineSeries::new(
                    [(at, y_range.start), (at, y_range.end)],
                    grey.stroke_width(1),
                ))
                .map_err(fail)?;
            // A little right of the line and below the frame, so the label touches neither.
            let top = y_range.end - (y_range.end - y_range.start) * 0.03;
            let right = at + (x_range.end - x_range.start) * 0.008;
            context
                .draw_series([Text::new(
                    label.to_string(),
                    (right, top),
                    ("sans-serif", 13).into_font().color(&grey),
                )])
                .map_err(fail)?;
        }
    }
    // Thicker lines (the status quo, a median) are drawn last, so the scenarios that follow the
    // status quo until their policies start do not hide it.
    let mut order: Vec<usize> = (0..chart.lines.len()).collect();
    order.sort_by_key(|&index| (chart.lines[index].pen.width, usize::MAX - index));
    for index in order {
        let line = &chart.lines[index];
        let colour = PALETTE[line.pen.colour];
        let width = line.pen.width;
        let points = line.times.iter().copied().zip(line.values.iter().copied());
        if line.pen.dashed {
            context
                .draw_series(DashedLineSeries::new(
                    points,
                    6,
                    4,
                    colour.stroke_width(width),
                ))
                .map_err(fail)?;
        } else {
            context
                .draw_series(LineSeries::new(points, colour.stroke_width(width)))
                .map_err(fail)?;
        }
    }
    for (_, points) in &chart.points {
        context
            .draw_series(
                points
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 4, BLACK.filled())),
            )
            .map_err(fail)?;
    }
    draw_legend(&legend_area, chart).map_err(fail)
}

/// Scenario lines and data sources, one row each, in the column beside the plot.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = ("sans-serif", 13).into_font();
    let row = 20;
    let mut y = 50;
    for line in &chart.lines {
        let colour = PALETTE[line.pen.colour];
        let width = line.pen.width + 1;
        if line.pen.dashed {
            area.draw(&PathElement::new(
                [(4, y), (11, y)],
                colour.stroke_width(width),
            ))?;
            area.draw(&PathElement::new(
                [(16, y), (26, y)],
                colour.stroke_width(width),
            ))?;
        } else {
            area.draw(&PathElement::new(
                [(4, y), (26, y)],
                colour.stroke_width(width),
            ))?;
        }
        // An entry's continuation rows sit closer than the next entry, so it reads as one.
        for text in wrap(line.label, LEGEND_CHARS) {
            area.draw(&Text::new(text, (32, y - 7), font.clone()))?;
            y += row - 5;
        }
        y += 5;
    }
    for (label, _) in &chart.points {
        area.draw(&Circle::new((15, y), 4, BLACK.filled()))?;
        for text in wrap(label, LEGEND_CHARS) {
            area.draw(&Text::new(text, (32, y - 7), font.clone()))?;
            y += row - 5;
        }
        y += 5;
    }
    Ok(())
}

/// `text` in rows of at most `width` characters, broken at spaces, after an underscore or before
/// an `@` (scenario names such as `reform_package@india_rapprochement` have no spaces), and
/// anywhere in a piece longer than a row, so legend entries stay inside their column.
fn wrap(text: &str, width: usize) -> Vec<String> {
    // Pieces that may end a row, each marked when a space comes before it.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for (w, word) in text.split_whitespace().enumerate() {
        let mut units: Vec<String> = Vec::new();
        for (u, unit) in word.split('@').enumerate() {
            units.push(if u == 0 {
                unit.to_string()
            } else {
                format!("@{unit}")
            });
        }
        for (u, unit) in units.into_iter().enumerate() {
            let space = w > 0 && u == 0;
            if unit.chars().count() <= width {
                pieces.push((unit, space));
                continue;
            }
            // Too long for a row: break after underscores, and anywhere when still too long.
            let mut piece = String::new();
            let mut first = true;
            for c in unit.chars() {
                piece.push(c);
                if c == '_' || piece.chars().count() == width {
                    pieces.push((std::mem::take(&mut piece), space && first));
                    first = false;
                }
            }
            if !piece.is_empty() {
                pieces.push((piece, space && first));
            }
        }
    }
    let mut rows: Vec<String> = Vec::new();
    for (piece, after_space) in pieces {
        let joiner = if after_space { " " } else { "" };
        match rows.last_mut() {
            Some(row) if row.chars().count() + joiner.len() + piece.chars().count() <= width => {
                row.push_str(joiner);
                row.push_str(&piece);
            }
            _ => rows.push(piece),
        }
    }
    if rows.is_empty() {
        rows.push(String::new());
    }
    rows
}

/// Axis ranges covering every line and point, with a little headroom; a flat series gets a
/// band around its value so it does not sit on the frame.
fn ranges(chart: &Chart) -> (std::ops::Range<f64>, std::ops::Range<f64>) {
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = (f64::INFINITY, f64::NEG_INFINITY);
    let mut add = |tx: f64, vy: f64| {
        if tx.is_finite() && vy.is_finite() {
            x = (x.0.min(tx), x.1.max(tx));
            y = (y.0.min(vy), y.1.max(vy));
        }
    };
    for line in &chart.lines {
        for (t, v) in line.times.iter().zip(line.values) {
            add(*t, *v);
        }
    }
    for (_, points) in &chart.points {
        for (t, v) in points {
            add(*t, *v);
        }
    }
    if !x.0.is_finite() {
        return (0.0..1.0, 0.0..1.0);
    }
    if x.1 <= x.0 {
        x.1 = x.0 + 1.0;
    }
    let (mut lo, mut hi) = y;
    if hi - lo < 1e-12 * hi.abs().max(1.0) {
        let pad = hi.abs().max(1.0) * 0.1;
        lo -= pad;
        hi += pad;
    }
    let pad = (hi - lo) * 0.06;
    // Quantities that never go negative keep zero as their floor, which reads more honestly.
    let lo = if y.0 >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    (x.0..x.1, lo..hi + pad)
}

fn format_tick(value: f64, decimals: usize) -> String {
    if value.abs() >= 10_000.0 {
        format!("{:.0}k", value / 1000.0)
    } else {
        format!("{value:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<f64>, Vec<f64>) {
        let times: Vec<f64> = (0..40).map(|k| 2001.0 + k as f64 * 0.5).collect();
        let values: Vec<f64> = times
            .iter()
            .map(|t| (t - 2001.0).sin() * 10.0 + 20.0)
            .collect();
        (times, values)
    }

    #[test]
    fn svg_and_png_render_with_lines_points_and_text() {
        let (times, values) = sample();
        let chart = Chart {
            title: "ttp_attacks_per_year",
            y_label: "attacks per year",
            lines: vec![Line {
                label: "status_quo",
                times: &times,
                values: &values,
                pen: Pen::scenario(0),
            }],
            points: vec![("data".into(), vec![(2010.5, 25.0)])],
            marker: Some((2022.5, "mid-2022")),
        };
        let svg = svg(&chart).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("ttp_attacks_per_year") && svg.contains("status_quo"));
        assert!(svg.contains("<circle"));
        assert!(svg.contains("attacks per year"), "the y axis has its label");
        let png = png(&chart).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn flat_series_get_a_band_and_counts_keep_zero_floor() {
        let times = [0.0, 1.0];
        let values = [5.0, 5.0];
        let chart = Chart {
            title: "flat",
            y_label: "",
            lines: vec![Line {
                label: "a",
                times: &times,
                values: &values,
                pen: Pen::scenario(0),
            }],
            points: Vec::new(),
            marker: None,
        };
        let (_, y) = ranges(&chart);
        assert!(y.start < 5.0 && y.end > 5.0 && y.start >= 0.0);
    }

    #[test]
    fn legend_rows_wrap_at_spaces() {
        assert_eq!(
            wrap("PIPS: TTP attacks (range across sources)", 20),
            vec!["PIPS: TTP attacks", "(range across", "sources)"]
        );
        assert_eq!(wrap("status_quo", 20), vec!["status_quo"]);
        assert_eq!(
            wrap("reform_package@india_rapprochement", 28),
            vec!["reform_package", "@india_rapprochement"]
        );
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        for row in wrap("conditional_with_backlash@tacit_strike_consent", 28) {
            assert!(row.chars().count() <= 28, "{row}");
        }
    }

    /// An envelope's bands share their scenario's colour; the median is the thickest, the
    /// outer bands dashed; from the tenth scenario on, colours repeat dashed.
    #[test]
    fn pens_keep_a_scenario_in_its_colour() {
        let bands: Vec<Pen> = [5.0, 25.0, 50.0, 75.0, 95.0]
            .iter()
            .map(|&p| Pen::percentile(3, p))
            .collect();
        assert!(bands.iter().all(|pen| pen.colour == 3));
        assert_eq!(
            bands.iter().map(|pen| pen.width).collect::<Vec<_>>(),
            [1, 2, 3, 2, 1]
        );
        assert_eq!(bands.iter().filter(|pen| pen.dashed).count(), 2);
        assert!(Pen::scenario(PALETTE.len()).dashed);
        assert_eq!(Pen::scenario(PALETTE.len()).colour, 0);
    }

    /// The report and the explorer show a scenario in the same colour.
    #[test]
    fn scenario_colours_are_the_explorers() {
        let css = include_str!("../../blowback-serve/assets/style.css");
        for index in 0..PALETTE.len() {
            let rule = format!(".sc-{index} {{ --c: {}; }}", css_colour(index));
            assert!(css.contains(&rule), "style.css lacks `{rule}`");
        }
        assert!(css.contains(".sc-alt") && dashed(PALETTE.len()) && !dashed(PALETTE.len() - 1));
    }
}

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

/// Colours for scenarios, in order (a qualitative palette that stays distinct in print).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of the `index`-th scenario, as CSS, for the report's legend.
pub fn css_colour(index: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[index % PALETTE.len()];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// One scenario's line.
pub struct Line<'a> {
    /// Scenario name, for the legend.
    pub label: &'a str,
    /// Saved times.
    pub times: &'a [f64],
    /// Values.
    pub values: &'a [f64],
}

/// What one chart shows.
pub struct Chart<'a> {
    /// Title (the variable's name).
    pub title: &'a str,
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
            let top = y_range.end - (y_range.end - y_range.start) * 0.03;
            context
                .draw_series([Text::new(
                    label.to_string(),
                    (at, top),
                    ("sans-serif", 13).into_font().color(&grey),
                )])
                .map_err(fail)?;
        }
    }
    for (index, line) in chart.lines.iter().enumerate() {
        let colour = PALETTE[index % PALETTE.len()];
        context
            .draw_series(LineSeries::new(
                line.times.iter().copied().zip(line.values.iter().copied()),
                colour.stroke_width(2),
            ))
            .map_err(fail)?;
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
    for (index, line) in chart.lines.iter().enumerate() {
        let colour = PALETTE[index % PALETTE.len()];
        area.draw(&PathElement::new([(4, y), (26, y)], colour.stroke_width(3)))?;
        area.draw(&Text::new(
            line.label.to_string(),
            (32, y - 7),
            font.clone(),
        ))?;
        y += row;
    }
    for (label, _) in &chart.points {
        area.draw(&Circle::new((15, y), 4, BLACK.filled()))?;
        area.draw(&Text::new(label.clone(), (32, y - 7), font.clone()))?;
        y += row;
    }
    Ok(())
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
            lines: vec![Line {
                label: "status_quo",
                times: &times,
                values: &values,
            }],
            points: vec![("data".into(), vec![(2010.5, 25.0)])],
            marker: Some((2022.5, "mid-2022")),
        };
        let svg = svg(&chart).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("ttp_attacks_per_year") && svg.contains("status_quo"));
        assert!(svg.contains("<circle"));
        let png = png(&chart).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn flat_series_get_a_band_and_counts_keep_zero_floor() {
        let times = [0.0, 1.0];
        let values = [5.0, 5.0];
        let chart = Chart {
            title: "flat",
            lines: vec![Line {
                label: "a",
                times: &times,
                values: &values,
            }],
            points: Vec::new(),
            marker: None,
        };
        let (_, y) = ranges(&chart);
        assert!(y.start < 5.0 && y.end > 5.0 && y.start >= 0.0);
    }
}

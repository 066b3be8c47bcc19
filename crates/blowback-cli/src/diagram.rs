//! The causal-loop diagram of `blowback loops`: the loops condensed to their stocks, as DOT (for
//! Graphviz users) and as an SVG laid out by the `layout-rs` crate, with a title and a legend.
//!
//! A pair of stocks that act on each other is drawn as one line with a head at each end. Two
//! separate arrows would be laid on top of each other (the layout routes both along the same
//! path), hiding one of the two signs.

use std::fmt::Write as _;

use blowback_sd::{CondensedEdge, Polarity};

/// The colour and SVG dash pattern of each kind of line, shared by the drawing and its legend.
const POSITIVE: &str = "#1f5fa8";
const NEGATIVE: &str = "#b3261e";
const UNKNOWN: &str = "#8a939e";
/// A two-way pair whose two directions have different signs: no single line style fits it, so it
/// gets its own colour and the legend spells out both signs.
const MIXED: &str = "#6a3d9a";

/// One drawn line between two stocks.
#[derive(Debug, PartialEq)]
struct Link {
    from: String,
    to: String,
    polarity: Polarity,
    /// The sign of `to -> from` when the stocks act on each other (one line, two heads).
    back: Option<Polarity>,
    /// The claim behind the direct link, for the DOT tooltip.
    claim: Option<String>,
}

impl Link {
    /// Line colour and whether it is dashed.
    fn style(&self) -> (&'static str, bool) {
        match (self.polarity, self.back) {
            (p, Some(b)) if p != b => (MIXED, false),
            (Polarity::Positive, _) => (POSITIVE, false),
            (Polarity::Negative, _) => (NEGATIVE, true),
            (Polarity::Unknown, _) => (UNKNOWN, true),
        }
    }
}

/// A causal-loop diagram ready to write as DOT or to lay out as SVG.
#[derive(Debug)]
pub struct Diagram {
    /// The stocks drawn (each linked to another), sorted.
    nodes: Vec<String>,
    links: Vec<Link>,
    /// Stocks whose only loops are with themselves: the layout draws no self-loop, and a box with
    /// no arrow would float unexplained, so the legend names them instead.
    left_out: Vec<String>,
}

impl Diagram {
    /// The diagram of the condensed loop graph; `claim(from, to)` names the claim behind a direct
    /// link, if any.
    pub fn new(edges: &[CondensedEdge], claim: impl Fn(&str, &str) -> Option<String>) -> Self {
        let between: Vec<&CondensedEdge> = edges.iter().filter(|e| e.from != e.to).collect();
        let mut nodes: Vec<String> = between
            .iter()
            .flat_map(|e| [e.from.clone(), e.to.clone()])
            .collect();
        nodes.sort();
        nodes.dedup();
        let mut links: Vec<Link> = Vec::new();
        for edge in &between {
            let reverse = between
                .iter()
                .find(|r| r.from == edge.to && r.to == edge.from);
            if reverse.is_some() && links.iter().any(|l| l.from == edge.to && l.to == edge.from) {
                continue; // drawn already, as the other end of a two-way line
            }
            links.push(Link {
                from: edge.from.clone(),
                to: edge.to.clone(),
                polarity: edge.polarity,
                back: reverse.map(|r| r.polarity),
                claim: claim(&edge.from, &edge.to),
            });
        }
        let mut left_out: Vec<String> = edges
            .iter()
            .filter(|e| e.from == e.to && nodes.binary_search(&e.from).is_err())
            .map(|e| label(&e.from))
            .collect();
        left_out.sort();
        left_out.dedup();
        Self {
            nodes,
            links,
            left_out,
        }
    }

    /// The diagram in Graphviz's DOT language; two-way lines have `dir=both`.
    pub fn dot(&self) -> String {
        let id = |name: &str| format!("\"{}\"", name.replace('"', "'"));
        let mut dot = String::from(
            "digraph causal_loops {\n  graph [rankdir=LR];\n  node [shape=box, style=rounded];\n",
        );
        for name in &self.nodes {
            let _ = writeln!(dot, "  {} [label={}];", id(name), id(&label(name)));
        }
        for link in &self.links {
            // Polarity by colour and by line, not by a `+`/`-` label: the layout places edge
            // labels where they collide, and the legend says what each line means.
            let (colour, dashed) = link.style();
            let mut attributes = format!("color=\"{colour}\"");
            if dashed {
                attributes.push_str(", style=dashed");
            }
            if link.back.is_some() {
                attributes.push_str(", dir=both");
            }
            if let Some(claim) = &link.claim {
                let _ = write!(attributes, ", tooltip=\"{}\"", claim.replace('"', "'"));
            }
            let _ = writeln!(
                dot,
                "  {} -> {} [{attributes}];",
                id(&link.from),
                id(&link.to)
            );
        }
        dot.push_str("}\n");
        dot
    }

    /// The laid-out diagram with `title` and a legend above it.
    pub fn svg(&self, title: &str) -> Result<String, String> {
        let body = if self.links.is_empty() {
            // The layout engine panics on a graph with no edges (a case whose loops are all a
            // stock with itself): say so in an otherwise empty drawing instead.
            "<svg width=\"760\" height=\"40\" viewBox=\"0 0 760 40\" xmlns=\"http://www.w3.org/2000/svg\">\
             <text x=\"12\" y=\"24\" font-family=\"sans-serif\" font-size=\"14\">No link between two stocks to draw.</text></svg>"
                .to_string()
        } else {
            self.layout()?
        };
        Ok(self.decorate(&body, title))
    }

    /// The graph laid out by `layout-rs`, built through its API rather than its DOT reader, which
    /// ignores `dir=both`.
    fn layout(&self) -> Result<String, String> {
        use layout::backends::svg::SVGWriter;
        use layout::core::base::Orientation;
        use layout::core::color::Color;
        use layout::core::style::{LineStyleKind, StyleAttr};
        use layout::std_shapes::render::get_shape_size;
        use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
        use layout::topo::layout::VisualGraph;

        // The layout crate asserts on shapes of graph it does not handle; such a failure costs
        // the drawing (the DOT file is written), not the command, and prints no panic message.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let laid_out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut graph = VisualGraph::new(Orientation::LeftToRight);
            // Boxes grow across the rank direction, as the crate's own DOT builder makes them.
            let across = Orientation::LeftToRight.flip();
            let handles: Vec<_> = self
                .nodes
                .iter()
                .map(|name| {
                    let shape = ShapeKind::new_box(&label(name));
                    let size = get_shape_size(across, &shape, 14, false);
                    let look =
                        StyleAttr::new(Color::fast("black"), 1, Some(Color::fast("white")), 0, 14);
                    graph.add_node(Element::create(shape, look, across, size))
                })
                .collect();
            let handle = |name: &str| {
                self.nodes
                    .binary_search_by(|n| n.as_str().cmp(name))
                    .map(|at| handles[at])
            };
            for link in &self.links {
                let (colour, dashed) = link.style();
                let start = if link.back.is_some() {
                    LineEndKind::Arrow
                } else {
                    LineEndKind::None
                };
                let line = if dashed {
                    LineStyleKind::Dashed
                } else {
                    LineStyleKind::Normal
                };
                let look = StyleAttr::new(Color::fast(colour), 1, None, 0, 14);
                let arrow = Arrow::new(start, LineEndKind::Arrow, line, "", &look, &None, &None);
                if let (Ok(from), Ok(to)) = (handle(&link.from), handle(&link.to)) {
                    graph.add_edge(arrow, from, to);
                }
            }
            let mut svg = SVGWriter::new();
            graph.do_it(false, false, false, &mut svg);
            svg.finalize()
        }));
        std::panic::set_hook(previous);
        laid_out.map_err(|_| "the layout engine could not place this graph".to_string())
    }

    /// `svg` with a title and a legend above it: what the lines mean, both signs of each two-way
    /// line whose signs differ, and which stocks are left out.
    fn decorate(&self, svg: &str, title: &str) -> String {
        let Some(open_end) = svg
            .find("<svg")
            .and_then(|at| svg[at..].find('>').map(|end| at + end))
        else {
            return svg.to_string();
        };
        let open = &svg[..open_end];
        let number = |attribute: &str| -> Option<f64> {
            let at = open.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
            open[at..].split('"').next()?.parse().ok()
        };
        let (Some(width), Some(height)) = (number("width"), number("height")) else {
            return svg.to_string();
        };
        let escape = |text: &str| {
            text.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut legend = format!(
            "<g font-family=\"sans-serif\" font-size=\"14\"><text x=\"12\" y=\"24\" font-size=\"20\">{}</text>",
            escape(title)
        );
        let mixed: Vec<String> = self
            .links
            .iter()
            .filter_map(|l| {
                let back = l.back.filter(|&b| b != l.polarity)?;
                Some(format!(
                    "{} → {} {}, back {}",
                    label(&l.from),
                    label(&l.to),
                    sign(l.polarity),
                    sign(back)
                ))
            })
            .collect();
        let mut keys = vec![
            (
                POSITIVE,
                "",
                "+ same direction: more of the cause, more of the effect",
            ),
            (
                NEGATIVE,
                " stroke-dasharray=\"6 4\"",
                "- opposite direction",
            ),
            (
                UNKNOWN,
                " stroke-dasharray=\"6 4\"",
                "? depends on the loop",
            ),
        ];
        if !mixed.is_empty() {
            keys.push((MIXED, "", "two-way, signs differ (below)"));
        }
        let mut x = 12.0;
        for (colour, dash, text) in keys {
            let _ = write!(
                legend,
                "<line x1=\"{x}\" y1=\"46\" x2=\"{}\" y2=\"46\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/><text x=\"{}\" y=\"51\">{}</text>",
                x + 30.0,
                x + 36.0,
                escape(text)
            );
            x += 52.0 + 7.2 * text.len() as f64;
        }
        let mut notes = Vec::new();
        if !mixed.is_empty() {
            notes.push(format!("Two-way, signs differ: {}", mixed.join("; ")));
        }
        if !self.left_out.is_empty() {
            notes.push(format!(
                "Not drawn (loops only with themselves): {}",
                self.left_out.join(", ")
            ));
        }
        let mut y = 70.0;
        for note in &notes {
            let _ = write!(
                legend,
                "<text x=\"12\" y=\"{y}\" fill=\"#525c69\">{}</text>",
                escape(note)
            );
            y += 20.0;
        }
        legend.push_str("</g>");
        let band = 58.0 + 20.0 * notes.len().max(1) as f64;
        let width = width.max(760.0).max(x).max(
            notes
                .iter()
                .map(|n| 24.0 + 7.2 * n.chars().count() as f64)
                .fold(0.0, f64::max),
        );
        let header = format!(
            "<svg width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
            h = height + band
        );
        let body = &svg[open_end + 1..];
        let body = body.trim_end().strip_suffix("</svg>").unwrap_or(body);
        format!(
            "{}{header}{legend}<g transform=\"translate(0,{band})\">{body}</g></svg>\n",
            &svg[..svg.find("<svg").unwrap_or(0)]
        )
    }
}

/// A stock's name as a reader sees it.
fn label(name: &str) -> String {
    name.replace('_', " ")
}

fn sign(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::Positive => "+",
        Polarity::Negative => "-",
        Polarity::Unknown => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: &str, to: &str, polarity: Polarity) -> CondensedEdge {
        CondensedEdge {
            from: from.into(),
            to: to.into(),
            polarity,
            via: Vec::new(),
            loops: vec![0],
        }
    }

    /// Two stocks acting on each other make one line with two heads; a stock alone with itself is
    /// named in the legend, not drawn.
    #[test]
    fn a_two_way_pair_is_one_line() {
        let edges = [
            edge("a", "b", Polarity::Positive),
            edge("b", "a", Polarity::Positive),
            edge("b", "c", Polarity::Negative),
            edge("lonely_stock", "lonely_stock", Polarity::Negative),
        ];
        let diagram = Diagram::new(&edges, |from, _| (from == "a").then(|| "[P4]".into()));
        assert_eq!(diagram.nodes, ["a", "b", "c"]);
        assert_eq!(diagram.links.len(), 2);
        assert_eq!(diagram.links[0].back, Some(Polarity::Positive));
        assert_eq!(diagram.links[1].back, None);
        let dot = diagram.dot();
        assert!(dot.contains("\"a\" -> \"b\" [color=\"#1f5fa8\", dir=both, tooltip=\"[P4]\"];"));
        assert!(!dot.contains("\"b\" -> \"a\""), "{dot}");
        assert!(dot.contains("\"b\" -> \"c\" [color=\"#b3261e\", style=dashed];"));
        let svg = diagram.svg("Causal-loop diagram of x").unwrap();
        // The layout's own start marker shows the second head.
        assert_eq!(svg.matches("marker-start=").count(), 1, "{svg}");
        assert!(svg.contains(">Causal-loop diagram of x</text>"));
        for key in [
            "+ same direction",
            "- opposite direction",
            "? depends on the loop",
        ] {
            assert!(svg.contains(key), "{key}");
        }
        assert!(!svg.contains("signs differ"));
        assert!(svg.contains("Not drawn (loops only with themselves): lonely stock"));
        assert!(svg.contains("<g transform=\"translate(0,78)\">"));
        assert!(svg.trim_end().ends_with("</g></svg>"));
    }

    /// A two-way pair whose signs differ gets its own colour, and the legend gives both signs.
    #[test]
    fn differing_signs_are_spelled_out() {
        let edges = [
            edge("talks_posture", "ttp_fighters", Polarity::Negative),
            edge("ttp_fighters", "talks_posture", Polarity::Positive),
        ];
        let diagram = Diagram::new(&edges, |_, _| None);
        assert!(diagram.dot().contains("[color=\"#6a3d9a\", dir=both]"));
        let svg = diagram.svg("t").unwrap();
        assert!(svg.contains("two-way, signs differ (below)"));
        assert!(svg.contains("Two-way, signs differ: talks posture → ttp fighters -, back +"));
    }

    /// A graph with no link between two stocks is said, not handed to the layout (it panics).
    #[test]
    fn no_links_is_said() {
        let diagram = Diagram::new(&[edge("a", "a", Polarity::Positive)], |_, _| None);
        let svg = diagram.svg("t").unwrap();
        assert!(svg.contains("No link between two stocks"));
        assert!(svg.contains("Not drawn (loops only with themselves): a"));
    }
}

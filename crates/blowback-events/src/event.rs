//! The common event record every reader produces, whatever the source dataset.

use crate::date::Date;

/// Which dataset (and layout) a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum Source {
    /// UCDP Georeferenced Event Dataset, either the full release (`best`, `high`, `low`) or the
    /// website's per-country export (`best_est`, `high_est`, `low_est`). The UCDP Candidate
    /// dataset follows the same codebook and columns, so it reads through this layout too.
    UcdpGed,
    /// ACLED's data export (`event_date`, `actor1`, `actor2`, `fatalities`).
    Acled,
    /// The Global Terrorism Database (`iyear`, `imonth`, `iday`, `gname`, `nkill`).
    Gtd,
}

/// One event of organised violence, in UCDP's vocabulary: two sides, a day range and death
/// estimates. Readers map other datasets onto it (see [`Source`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    /// The dataset's own event identifier.
    pub id: String,
    /// Physical line in the input where the record starts (1-based, header is line 1).
    pub line: u64,
    /// First day of the event.
    pub date_start: Date,
    /// Last day of the event (equal to `date_start` for single-day events).
    pub date_end: Date,
    /// UCDP date precision: 1 = exact day, 2 = 2-6 days, 3 = week, 4 = month, 5 = year.
    pub date_prec: Option<u8>,
    /// UCDP location precision: 1 = exact place .. 7 = international waters or airspace.
    pub where_prec: Option<u8>,
    /// UCDP type of violence: 1 = state-based, 2 = non-state, 3 = one-sided.
    pub type_of_violence: Option<u8>,
    /// Country name as the dataset spells it.
    pub country: String,
    /// Conflict name (UCDP) or event type (ACLED, GTD attack type).
    pub conflict_name: String,
    /// Dyad name (UCDP); `side_a - side_b` for other sources.
    pub dyad_name: String,
    /// Side A (UCDP), actor 1 (ACLED), perpetrator group (GTD); trimmed of surrounding spaces.
    pub side_a: String,
    /// Side B (UCDP), actor 2 (ACLED), target type (GTD); trimmed of surrounding spaces.
    pub side_b: String,
    /// Best estimate of deaths.
    pub deaths_best: u32,
    /// Low estimate of deaths.
    pub deaths_low: u32,
    /// High estimate of deaths.
    pub deaths_high: u32,
    /// Latitude in degrees, when given.
    pub latitude: Option<f64>,
    /// Longitude in degrees, when given.
    pub longitude: Option<f64>,
    /// PRIO-GRID cell id (0.5 degree cells), from the data or computed from the coordinates.
    pub priogrid_gid: Option<u32>,
    /// The dataset the record came from.
    pub source: Source,
}

impl Event {
    /// True when `name` equals either side after trimming both.
    pub fn involves(&self, name: &str) -> bool {
        let name = name.trim();
        self.side_a == name || self.side_b == name
    }
}

/// PRIO-GRID cell id of a coordinate: 0.5-degree cells numbered row by row from the south-west
/// corner (-90, -180), 720 cells per row, starting at 1.
pub fn priogrid_cell(latitude: f64, longitude: f64) -> Option<u32> {
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return None;
    }
    let row = (((latitude + 90.0) * 2.0).floor() as u32).min(359);
    let col = (((longitude + 180.0) * 2.0).floor() as u32).min(719);
    Some(row * 720 + col + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priogrid_matches_the_ids_ucdp_ships() {
        // Values from the UCDP Pakistan export: Hyderabad and Karachi rows.
        assert_eq!(priogrid_cell(25.379167, 68.368333), Some(166_097));
        assert_eq!(priogrid_cell(24.86, 67.01), Some(165_375));
        assert_eq!(priogrid_cell(-90.0, -180.0), Some(1));
        assert_eq!(priogrid_cell(91.0, 0.0), None);
    }
}

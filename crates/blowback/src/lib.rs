//! `blowback`: the facade that turns a case folder into runs, checks and fits.
//!
//! A case is a folder with a system-dynamics model and the files that make it an argument:
//! `scenarios.toml` (named sets of overrides), `tests.toml` (behaviour tests), `claims.toml`
//! (signed causal links, each tested for its polarity), `data/*.csv` (the historical record),
//! calibration settings, `loops.toml` (named feedback loops), `uncertainties.toml` (what
//! `explore` samples and measures) and `conflict.toml` (a Graph Model for Conflict Resolution).
//! [`CaseFiles::gather`] decides which files to read (the caller does the reading: this crate does
//! no I/O); [`Case::load`] compiles the model once with `blowback-sd` and checks every name across
//! the files. The case then runs every scenario, builds the comparison table, evaluates the tests
//! and fits parameters to data. Rendering (tables, charts, reports) is the CLI's job.
//!
//! ```
//! use blowback::{Case, CaseFiles};
//!
//! let model = r#"<xmile version="1.0" xmlns="http://docs.oasis-open.org/xmile/ns/XMILE/v1.0">
//!   <sim_specs><start>0</start><stop>4</stop><dt>0.5</dt></sim_specs>
//!   <model><variables>
//!     <stock name="fighters"><eqn>100</eqn><inflow>recruitment</inflow></stock>
//!     <flow name="recruitment"><eqn>fighters * recruitment_rate</eqn></flow>
//!     <aux name="recruitment rate"><eqn>0.1</eqn></aux>
//!   </variables></model>
//! </xmile>"#;
//! let files = CaseFiles {
//!     model_file: "model.xmile".to_string(),
//!     model: model.to_string(),
//!     scenarios: Some(
//!         "[[scenario]]\nname = \"calm\"\n[scenario.overrides]\nrecruitment_rate = 0\n\n\
//!          [[scenario]]\nname = \"surge\"\n[scenario.overrides]\nrecruitment_rate = 0.3\n\n\
//!          [report]\nvariables = [\"fighters\"]\n\
//!          [[report.outcome]]\nlabel = \"final\"\nvar = \"fighters\"\nstat = \"final\"\nfrom = 0\nto = 5\n"
//!             .to_string(),
//!     ),
//!     ..CaseFiles::default()
//! };
//! let (case, _warnings) = Case::load(&files).unwrap();
//! let runs = case.run_all(&Default::default()).unwrap();
//! let table = case.comparison_table(&runs);
//! assert_eq!(table.rows[0].1[0], Some(100.0));
//! assert!(table.rows[1].1[0].unwrap() > 100.0);
//! ```

#![deny(missing_docs)]

mod behaviour;
mod calibrate;
mod case;
mod claims;
mod contexts;
mod data;
mod error;
mod explore;
mod files;
mod lint;
mod loops;
mod partial;
mod scenario;
mod uncertainties;
mod window;

pub use behaviour::{
    parse_tests, BehaviourTest, Bound, CheckResult, CheckStatus, Expectation, Side, TestKind,
};
pub use calibrate::{
    parse_calibration, theil, Calibration, CalibrationSpec, FitPoint, FittedParameter, Parameter,
    Role, SeriesFit, Theil,
};
pub use case::{Case, ComparisonTable, ScenarioRuns};
pub use claims::{parse_claims, Basis, Claim, Link, Polarity};
pub use contexts::{context_onsets, ContextOnsets};
pub use data::{DataSeries, Observation, RowFilter, SecondSource, SeriesSpec};
pub use error::CaseError;
pub use explore::{
    answer_prim, compare_outcomes, evaluate_conclusion, evaluate_share, name_under,
    select_scenarios, with_structures, world_weights, CaseModel, ConclusionShare,
    OutcomeComparison, PrimAnswer, WorldWeights, FIT_COST,
};
pub use files::{CaseFiles, CaseFolder, MODEL_FILES};
pub use lint::{LintFile, LintFinding, PROVENANCE_WORDS};
pub use loops::{parse_loops, CaseLoops, NamedLoop};
pub use scenario::{Outcome, ReportSpec, Scenario, ScenarioFile};
pub use uncertainties::{
    parse_uncertainties, Comparison, Conclusion, ExploreSettings, Failure, FitWeighting,
    OutcomeSpec, PrimSpec, SamplingMethod, ShareSpec, StructureSpec, Term, Uncertainties,
};
pub use window::{window_rows, window_stat, Stat};

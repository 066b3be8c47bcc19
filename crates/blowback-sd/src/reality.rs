//! Runs a model's reality checks (Vensim's `:THE CONDITION: ... :IMPLIES: ...`).
//!
//! Each check becomes a copy of the model with two hidden variables, its condition and its
//! consequence (over the check's own dimensions), and, when the condition names test inputs, with
//! those inputs replacing the equations of the variables they change. The copy is compiled and run
//! like any model; the check fails at the first saved time where the condition holds (or, with test
//! inputs, at any time) and the consequence does not.

use crate::compile::compile_with_data;
use crate::data::DataFiles;
use crate::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::model::{Project, RealityCheck, TestInput, Variable, VariableKind};
use crate::name::canonical;
use crate::simulation::Overrides;

/// What a reality check found.
#[derive(Debug, Clone, PartialEq)]
pub enum RealityOutcome {
    /// The consequence held wherever the condition did.
    Passed,
    /// The consequence failed: the first time it did, and which element (`consequence[a]`) if the
    /// check is arrayed.
    Failed {
        /// Time of the first violation.
        time: f64,
        /// The violated element's column, for an arrayed check.
        element: Option<String>,
    },
    /// The check could not run: its expressions or test inputs do not compile, or the run failed.
    Error(Diagnostics),
}

/// Runs every reality check of a project, in order, returning each check's name and outcome.
pub fn run_reality_checks(
    project: &Project,
    files: &dyn DataFiles,
) -> Vec<(String, RealityOutcome)> {
    project
        .reality_checks
        .iter()
        .map(|check| (check.name.clone(), run_check(project, check, files)))
        .collect()
}

fn hidden_name(check: &RealityCheck, part: &str) -> String {
    format!("reality check {} {part}", check.name)
}

fn run_check(project: &Project, check: &RealityCheck, files: &dyn DataFiles) -> RealityOutcome {
    let mut copy = project.clone();
    let Some(main) = copy.models.iter_mut().find(|m| m.name.is_none()) else {
        return RealityOutcome::Error(Diagnostics(vec![Diagnostic::error(
            DiagnosticKind::Structure,
            "the project has no main model",
        )]));
    };
    let with_inputs = !check.test_inputs.is_empty();
    for input_name in &check.test_inputs {
        let key = canonical(input_name);
        let Some(input) = project
            .test_inputs
            .iter()
            .find(|i| canonical(&i.name) == key)
        else {
            return error(check, format!("test input `{input_name}` is not defined"));
        };
        if let Err(message) = apply_test_input(&mut main.variables, input) {
            return error(check, message);
        }
    }
    let hidden = |part: &str, equation: &crate::model::Equation| Variable {
        name: hidden_name(check, part),
        kind: VariableKind::Aux,
        equation: Some(equation.clone()),
        initial_equation: None,
        dimensions: check.dimensions.clone(),
        elements: Vec::new(),
        graphical_function: None,
        doc: None,
        units: None,
        span: check.span.clone(),
    };
    if !with_inputs {
        main.variables.push(hidden("condition", &check.condition));
    }
    main.variables
        .push(hidden("consequence", &check.consequence));
    let simulation = match compile_with_data(&copy, files) {
        Ok((simulation, _)) => simulation,
        Err(diagnostics) => return RealityOutcome::Error(diagnostics),
    };
    let results = match simulation.run(&Overrides::new()) {
        Ok(results) => results,
        Err(e) => return error(check, format!("the check's run failed: {e}")),
    };
    let columns = |part: &str| -> Vec<(String, usize)> {
        let base = canonical(&hidden_name(check, part));
        results
            .names()
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                let key = canonical(n);
                key == base || key.starts_with(&format!("{base}["))
            })
            .map(|(i, n)| (n.clone(), i))
            .collect()
    };
    let consequences = columns("consequence");
    let conditions = columns("condition");
    for (row, &time) in results.times().iter().enumerate() {
        for (k, (name, column)) in consequences.iter().enumerate() {
            let applies = with_inputs
                || conditions
                    .get(k)
                    .is_some_and(|(_, c)| results.column_at(*c)[row] != 0.0);
            if applies && results.column_at(*column)[row] == 0.0 {
                let element = name.find('[').map(|at| name[at..].to_string());
                return RealityOutcome::Failed { time, element };
            }
        }
    }
    RealityOutcome::Passed
}

fn error(check: &RealityCheck, message: String) -> RealityOutcome {
    RealityOutcome::Error(Diagnostics(vec![Diagnostic::error(
        DiagnosticKind::Structure,
        message,
    )
    .with_variable(check.name.clone())
    .with_span(check.span.clone())]))
}

/// Gives the test input's variable the input's equation, keeping its own value under
/// [`TestInput::original_name`].
fn apply_test_input(variables: &mut Vec<Variable>, input: &TestInput) -> Result<(), String> {
    let key = canonical(&input.variable);
    let Some(at) = variables.iter().position(|v| canonical(&v.name) == key) else {
        return Err(format!(
            "test input `{}` changes `{}`, which is not a variable",
            input.name, input.variable
        ));
    };
    let mut original = variables[at].clone();
    original.name = TestInput::original_name(&original.name);
    let target = &mut variables[at];
    target.kind = VariableKind::Aux;
    target.equation = Some(input.equation.clone());
    target.initial_equation = None;
    target.elements.clear();
    target.graphical_function = None;
    variables.push(original);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdl::read_mdl;

    const MODEL: &str = "{UTF-8}
workers = 4 ~~|
output = workers * productivity ~~|
productivity = 2 ~~|
no workers no output :THE CONDITION: workers = 0 :IMPLIES: output = 0 ~~|
positive output :THE CONDITION: Time >= 0 :IMPLIES: output > 5 ~~|
fewer workers :TEST INPUT: workers = workers * 0 ~~|
idle means nothing :THE CONDITION: fewer workers :IMPLIES: output = 0 ~~|
idle means plenty :THE CONDITION: fewer workers :IMPLIES: output > 1 ~~|
INITIAL TIME = 0 ~~|
FINAL TIME = 2 ~~|
TIME STEP = 1 ~~|
";

    #[test]
    fn conditions_and_test_inputs() {
        let (project, _) = read_mdl(MODEL).unwrap();
        let outcomes = run_reality_checks(&project, &crate::data::NoDataFiles);
        let outcome = |name: &str| {
            outcomes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, o)| o.clone())
                .unwrap()
        };
        assert_eq!(outcome("no workers no output"), RealityOutcome::Passed);
        assert_eq!(outcome("positive output"), RealityOutcome::Passed);
        assert_eq!(outcome("idle means nothing"), RealityOutcome::Passed);
        assert_eq!(
            outcome("idle means plenty"),
            RealityOutcome::Failed {
                time: 0.0,
                element: None
            }
        );
    }
}

//! Stability across contexts: the same conflict analysed with the preferences the file states
//! (its own circumstances, those of the status quo) and again in each `[[context]]`, where some
//! decision makers rank outcomes differently. Whether the stable outcomes change between contexts
//! is the question a static analysis of one set of preferences cannot answer: would a change of
//! circumstances (a year of heavy violence, say) move the equilibrium?

use crate::conflict::Conflict;
use crate::error::Error;
use crate::game::Game;
use crate::model::ConflictSpec;
use crate::stability::{analyze, Concept};

/// The name of the context of the file's own preferences.
pub const AS_STATED: &str = "as stated";

/// What is stable in one context.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextStability {
    /// The context's name ([`AS_STATED`] for the file's own preferences).
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Per concept (in the order asked), the equilibria as state ids.
    pub equilibria: Vec<Vec<u32>>,
    /// Per concept, whether the status quo is an equilibrium (`None` without a status quo).
    pub status_quo_stable: Option<Vec<bool>>,
}

impl ContextStability {
    /// Whether the equilibria under concept `c` differ from `other`'s.
    pub fn differs_from(&self, other: &ContextStability, c: usize) -> bool {
        self.equilibria[c] != other.equilibria[c]
    }
}

/// Analyses the conflict with its stated preferences and in each of its contexts, under
/// `concepts` (individual decision makers, no coalitions).
pub fn analyze_contexts(
    spec: &ConflictSpec,
    concepts: &[Concept],
) -> Result<Vec<ContextStability>, Error> {
    let mut results = vec![analyze_one(spec, AS_STATED, None, concepts)?];
    for context in &spec.contexts {
        let in_context = spec.in_context(&context.name).ok_or_else(|| {
            Error::invalid(format!("context `{}` vanished from the spec", context.name))
        })?;
        results.push(analyze_one(
            &in_context,
            &context.name,
            context.description.clone(),
            concepts,
        )?);
    }
    Ok(results)
}

fn analyze_one(
    spec: &ConflictSpec,
    name: &str,
    description: Option<String>,
    concepts: &[Concept],
) -> Result<ContextStability, Error> {
    let conflict = Conflict::build(spec)?;
    let game = Game::individual(&conflict);
    let stability = analyze(&game, concepts)?;
    let equilibria: Vec<Vec<u32>> = stability
        .equilibria
        .iter()
        .map(|set| set.iter().map(|s| conflict.state_id(s)).collect())
        .collect();
    let status_quo_stable = conflict.status_quo().map(|sq| {
        stability
            .equilibria
            .iter()
            .map(|set| set.contains(sq))
            .collect()
    });
    Ok(ContextStability {
        name: name.to_string(),
        description,
        equilibria,
        status_quo_stable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml_format::read_toml;

    /// A state that must choose whether to coerce a neighbour who shelters militants. As stated, it
    /// prefers its partner to a quiet border; in the context it puts the quiet border first.
    const SOURCE: &str = r#"
name = "coerce or not"
status_quo = []
[[decision_maker]]
name = "State"
option = [{ id = "coerce" }]
preference = [{ statement = "not coerce" }, { statement = "restrain" }]
[[decision_maker]]
name = "Neighbour"
option = [{ id = "restrain" }]
preference = [{ statement = "restrain iff coerce" }]
[[context]]
name = "heavy violence"
trigger = { variable = "attacks", above = 300, for = 1 }
[[context.decision_maker]]
name = "State"
preference = [{ statement = "restrain" }, { statement = "coerce" }]
"#;

    #[test]
    fn a_context_can_move_the_equilibrium() {
        let spec = read_toml(SOURCE).unwrap();
        assert_eq!(spec.contexts.len(), 1);
        let trigger = spec.contexts[0].trigger.as_ref().unwrap();
        assert!(trigger.above && trigger.level == 300.0 && trigger.duration == 1.0);
        let results = analyze_contexts(&spec, &[Concept::Nash]).unwrap();
        assert_eq!(results[0].name, AS_STATED);
        // As stated: nobody coerces, nobody restrains (state 1, NN) is the equilibrium.
        assert_eq!(results[0].equilibria[0], vec![1]);
        assert_eq!(results[0].status_quo_stable, Some(vec![true]));
        // Under heavy violence the state coerces and the neighbour restrains (state 4, YY).
        assert_eq!(results[1].equilibria[0], vec![4]);
        assert_eq!(results[1].status_quo_stable, Some(vec![false]));
        assert!(results[1].differs_from(&results[0], 0));
    }

    #[test]
    fn context_mistakes_are_located() {
        let bad = SOURCE.replace(
            "[[context.decision_maker]]\nname = \"State\"",
            "[[context.decision_maker]]\nname = \"Stat\"",
        );
        let err = read_toml(&bad).unwrap_err().to_string();
        assert!(err.contains("decision maker `Stat`"), "{err}");
        let both = SOURCE.replace("above = 300", "above = 300, below = 1");
        let err = read_toml(&both).unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
    }

    #[test]
    fn a_trigger_needs_the_condition_held_for_its_duration() {
        let spec = read_toml(SOURCE).unwrap();
        let trigger = spec.contexts[0].trigger.clone().unwrap();
        let times = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0];
        // Above 300 at 0.5, dips at 1.0, above again from 1.5 to 2.5.
        let values = [100.0, 400.0, 200.0, 400.0, 400.0, 400.0, 100.0];
        assert_eq!(trigger.onset(&times, &values), Some(2.5));
        assert_eq!(trigger.onset(&times[..5], &values[..5]), None);
    }
}

//! Bad input gives located diagnostics, never a panic.

use blowback_conflict::{read_json, read_toml, Conflict, Error};

fn diagnostics(result: Result<impl Sized, Error>) -> Vec<blowback_conflict::Located> {
    match result {
        Err(Error::Invalid(diagnostics)) => diagnostics,
        Err(other) => panic!("expected diagnostics, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn toml_unknown_option_in_statement_points_inside_the_string() {
    let source = "name = \"x\"\n[[decision_maker]]\nname = \"A\"\noption = [{ id = \"a1\" }]\n[[decision_maker.preference]]\nstatement = \"not a1 and bogus\"\n[[decision_maker]]\nname = \"B\"\noption = [{ id = \"b1\" }]\npreference = [{ statement = \"b1\" }]\n";
    let found = diagnostics(read_toml(source));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line(), Some(6));
    assert_eq!(found[0].column(), Some(25));
    assert!(found[0].message.contains("bogus"));
    assert!(found[0].help.is_some());
}

#[test]
fn toml_reports_every_problem_and_typos_in_keys() {
    let source = "[[decision_maker]]\nname = \"A\"\noption = [{ id = \"a1\", reversibility = \"sideways\" }]\n[[decision_maker]]\nname = \"A\"\noption = [{ id = \"a1\" }]\n";
    let found = diagnostics(read_toml(source));
    // Sideways reversibility, duplicate name, duplicate option id, two missing preference lists.
    assert!(found.len() >= 4, "{found:?}");
    assert!(found.iter().all(|d| d.line().is_some()));
    let typo = diagnostics(read_toml("nmae = \"x\"\n"));
    assert_eq!(typo[0].line(), Some(1));
    assert!(typo[0].message.contains("nmae"));
}

#[test]
fn toml_syntax_error_is_located() {
    let found = diagnostics(read_toml("name = \"x\n[[decision_maker]]\n"));
    assert_eq!(found[0].line(), Some(1));
}

#[test]
fn build_rejects_incomplete_rankings_and_bad_status_quo() {
    let source = "status_quo = 9\n[[decision_maker]]\nname = \"A\"\noption = [{ id = \"a\" }]\nranking = [1, 2]\n[[decision_maker]]\nname = \"B\"\noption = [{ id = \"b\" }]\nranking = [1, 2, 3, 4]\n";
    let spec = read_toml(source).unwrap();
    let found = diagnostics(Conflict::build(&spec));
    assert!(
        found.iter().any(|d| d.message.contains("leaves out")),
        "{found:?}"
    );
}

#[test]
fn json_errors_carry_line_and_column() {
    let found = diagnostics(read_json("{\n  \"form\": \"option\",\n  \"dms\": 3\n}"));
    assert_eq!(found[0].line(), Some(3));
    let unknown = diagnostics(read_json(
        r#"{"form":"option","options":[{"number":1,"name":"a","dm":"Nobody"}],"dms":[{"name":"A","options":[1]}],"preferences":{"A":{"method":"ranking","ranking":[1,2]}}}"#,
    ));
    assert!(unknown.iter().any(|d| d.message.contains("Nobody")));
}

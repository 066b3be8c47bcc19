"""Conflict analysis and Hawkes fits from Python, against published results and known truths."""

import json

import numpy as np
import pytest

import blowback
from blowback import conflict, events
from conftest import AFPAK, REPO

CONFORMANCE = REPO / "crates/blowback-conflict/tests/conformance"


@pytest.mark.parametrize("name", ["Prisoners", "lit_chicken", "lit_elmira9"])
def test_equilibria_match_the_published_analyses(name):
    expected = json.loads((CONFORMANCE / "expected" / f"{name}.json").read_text())
    result = conflict.analyze(CONFORMANCE / "models" / f"{name}.json", concepts=list(expected["equilibria"]))
    for concept, states in expected["equilibria"].items():
        found = result.equilibria.index[result.equilibria[concept]].tolist()
        assert found == states, concept
    for dm, per_concept in expected["stable"].items():
        for concept, states in per_concept.items():
            assert result.stability.index[result.stability[(dm, concept)]].tolist() == states


def test_a_dict_and_a_text_give_the_same_analysis():
    path = CONFORMANCE / "models" / "lit_chicken.json"
    from_path = conflict.analyze(path)
    from_dict = conflict.analyze(json.loads(path.read_text()))
    from_text = conflict.analyze(path.read_text())
    assert from_path.document == from_dict.document == from_text.document
    assert "equilibria" in repr(from_path) and "<table" in from_path._repr_html_()


def test_the_afpak_conflict_has_a_status_quo_analysis():
    result = conflict.analyze(AFPAK / "conflict.toml")
    assert result.status_quo is not None
    assert result.stability.columns.names == ["decision maker", "concept"]
    assert len(result.rankings) == len(result.stability.columns.get_level_values(0).unique())


def test_broken_conflicts_raise_located_errors():
    with pytest.raises(blowback.ConflictError) as info:
        conflict.analyze('schema = "blowback-gmcr-toml/1"\nname = \n')
    assert "conflict.toml:2:" in str(info.value)
    with pytest.raises(blowback.ConflictError):
        conflict.analyze({"schema": "blowback-gmcr-model/1", "name": "x"})
    with pytest.raises(TypeError):
        conflict.analyze(42)


def simulate_hawkes(mu, alpha, beta, end, rng):
    """A Hawkes process by its branching structure: immigrants at rate mu, each event with
    Poisson(alpha) children at exponential(beta) delays."""
    generation = list(rng.uniform(0, end, rng.poisson(mu * end)))
    events_all = list(generation)
    while generation:
        children = []
        for t in generation:
            for delay in rng.exponential(1 / beta, rng.poisson(alpha)):
                if t + delay < end:
                    children.append(t + delay)
        events_all.extend(children)
        generation = children
    return np.array(events_all)


def test_hawkes_fit_recovers_a_simulated_process():
    rng = np.random.default_rng(11)
    times = simulate_hawkes(mu=0.5, alpha=0.6, beta=2.0, end=4000.0, rng=rng)
    fit = events.fit_hawkes(times, end=4000.0)
    assert fit.branching_ratio == pytest.approx(0.6, abs=0.08)
    assert fit.beta == pytest.approx(2.0, rel=0.25)
    assert fit.mu.iloc[0, 0] == pytest.approx(0.5, rel=0.2)
    assert fit.aic < fit.poisson_aic
    assert int(fit.n_events.sum()) == len(times)
    # Shifting every time and the window by the same amount changes nothing.
    shifted = events.fit_hawkes(times + 100.0, start=100.0, end=4100.0)
    assert shifted.log_likelihood == pytest.approx(fit.log_likelihood, rel=1e-9)


def test_poisson_data_shows_little_excitation_and_marks_make_dimensions():
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0, 1000, 800))
    fit = events.fit_hawkes(times, end=1000.0)
    assert fit.branching_ratio < 0.1
    marks = np.where(rng.uniform(size=len(times)) < 0.5, "ied", "raid")
    two = events.fit_hawkes(times, marks, end=1000.0)
    assert list(two.adjacency.index) == ["ied", "raid"]
    assert two.n_events.sum() == 800 and "800 events, 2 marks" in repr(two)


def test_bad_event_data():
    with pytest.raises(TypeError):
        events.fit_hawkes(["a", "b"])
    with pytest.raises(blowback.FitError, match="outside"):
        events.fit_hawkes([1.0, 5.0], end=3.0)
    with pytest.raises(ValueError, match="2 times but 1 marks"):
        events.fit_hawkes([1.0, 2.0], ["a"])
    with pytest.raises(blowback.ParameterError, match="unknown optimizer"):
        events.fit_hawkes([1.0, 2.0, 3.0], end=4.0, optimizer="adam")

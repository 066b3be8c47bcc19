"""Shared fixtures: model files from the repository (the vendored conformance suite) and from
tests/models."""

from pathlib import Path

import pytest

import blowback

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
TEACUP = REPO / "crates/blowback-sd/tests/conformance/sd/samples/teacup"
AFPAK = REPO / "cases/afpak"


@pytest.fixture(scope="session")
def teacup():
    return blowback.load(TEACUP / "teacup.xmile")


@pytest.fixture(scope="session")
def noisy():
    return blowback.load(HERE / "models/noisy_growth.xmile")

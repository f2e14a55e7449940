"""Shared fixtures: one spaCy pipeline per test session, temporary stores, fixture paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph import config
from newsgraph.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ecbplus.jsonl"


@pytest.fixture(scope="session")
def settings() -> config.Settings:
    return config.load(workers=1)


@pytest.fixture(scope="session")
def pipeline(settings: config.Settings) -> Pipeline:
    p = Pipeline(settings)
    p.setup()
    return p


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.duckdb")

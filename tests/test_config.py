"""Settings layers: defaults <- user file <- environment <- flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph import config
from newsgraph.errors import ConfigError


def test_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert config.load().db == "newsgraph.duckdb"
    (tmp_path / "newsgraph.toml").write_text('db = "from-file.duckdb"\nbatch_size = 8\n')
    assert config.load().db == "from-file.duckdb"
    monkeypatch.setenv("NEWSGRAPH_DB", "from-env.duckdb")
    s = config.load()
    assert s.db == "from-env.duckdb" and s.batch_size == 8
    assert config.load(db="from-flag.duckdb").db == "from-flag.duckdb"


def test_bad_settings_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("no_such_setting = 1\n")
    with pytest.raises(ConfigError, match="no_such_setting"):
        config.load(bad)
    bad.write_text("workers = 'many'\n")
    with pytest.raises(ConfigError, match="workers"):
        config.load(bad)


def test_unknown_spacy_model_is_a_clear_error() -> None:
    from newsgraph.nlp import load_spacy

    with pytest.raises(ConfigError, match="not installed"):
        load_spacy("no_such_pipeline_xx")

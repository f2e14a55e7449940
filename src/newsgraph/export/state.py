"""Incremental export: a small state file in the export folder.

``.newsgraph-export.json`` keeps, per format, when the last export ran and the
``content_hash:pipeline_version`` of every document it wrote; the next incremental
export writes only the documents that are new or whose content or pipeline changed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

STATE_FILE = ".newsgraph-export.json"


@dataclass
class FormatState:
    exported_at: str | None = None
    documents: dict[str, str] = field(default_factory=dict)


def fingerprint(content_hash: str, pipeline_version: str) -> str:
    return f"{content_hash}:{pipeline_version}"


def load(folder: Path, fmt: str) -> FormatState:
    path = folder / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FormatState()
    entry: dict[str, Any] = (data.get("formats") or {}).get(fmt) or {}
    return FormatState(entry.get("exported_at"), dict(entry.get("documents") or {}))


def save(folder: Path, fmt: str, state: FormatState, when: datetime) -> None:
    path = folder / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    formats = data.setdefault("formats", {})
    formats[fmt] = {"exported_at": when.isoformat(timespec="seconds"), "documents": state.documents}
    data["version"] = 1
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)

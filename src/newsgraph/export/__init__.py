"""``newsgraph export``: the store in formats other tools read unchanged.

* ``gdelt``: the GDELT 2.0 Event, Mentions and GKG 2.1 files (``gdelt.py``);
* ``polecat``: PLOVER event records as POLECAT publishes them, JSON Lines (``polecat.py``);
* ``parquet``: every table of the store; ``jsonl``: the full document records (``records.py``).

Every format takes a publication window (``since``/``until``) and an incremental mode
that writes only the documents stored or changed since the last export to the folder
(``state.py``). The export reads the store with SQL only (``source.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError
from . import state as export_state
from .source import StoreReader

if TYPE_CHECKING:
    from ..query import Graph

FORMATS = ("gdelt", "polecat", "parquet", "jsonl")


@dataclass
class ExportResult:
    format: str
    folder: str
    files: list[str] = field(default_factory=list)
    documents: int = 0
    unchanged: int = 0  # documents an incremental export left out: already exported as they are
    events: int = 0
    mentions: int = 0
    gkg: int = 0

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def export(
    graph: Graph,
    folder: str | Path,
    fmt: str = "parquet",
    *,
    single: bool = False,
    since: str | None = None,
    until: str | None = None,
    incremental: bool = False,
    header: bool = False,
    now: datetime | None = None,
) -> ExportResult:
    """Export the documents published in [since, until] (all without a window) to ``folder``."""
    from ..query import _published_filters

    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}: one of {', '.join(FORMATS)}", origin="--format")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    result = ExportResult(fmt, str(folder))
    reader = StoreReader(graph)
    try:
        where, params = _published_filters(since, until)
        candidates = reader.candidates(where, params)
        previous = export_state.load(folder, fmt) if incremental else export_state.FormatState()
        chosen = [
            c
            for c in candidates
            if previous.documents.get(c["id"]) != export_state.fingerprint(c["content_hash"], c["pipeline_version"])
        ]
        result.unchanged = len(candidates) - len(chosen)
        result.documents = len(chosen)
        reader.use([c["id"] for c in chosen])
        batch = now if (incremental or single) else None
        suffix = f".{now.strftime('%Y%m%d%H%M%S')}" if incremental else ""
        if chosen or not incremental:
            written = _write(
                reader,
                folder,
                fmt,
                result,
                batch=batch,
                suffix=suffix,
                header=header,
                full=not (incremental or since or until),
            )
            result.files = [str(p) for p in written]
        if incremental:
            previous.documents.update(
                {c["id"]: export_state.fingerprint(c["content_hash"], c["pipeline_version"]) for c in chosen}
            )
            export_state.save(folder, fmt, previous, now)
    finally:
        reader.close()
    return result


def _write(
    reader: StoreReader,
    folder: Path,
    fmt: str,
    result: ExportResult,
    *,
    batch: datetime | None,
    suffix: str,
    header: bool,
    full: bool,
) -> list[Path]:
    if fmt == "parquet":
        from .records import write_parquet

        return write_parquet(reader, folder, suffix, whole=full)
    if fmt == "jsonl":
        from .records import write_jsonl

        path = folder / f"documents{suffix}.jsonl"
        write_jsonl(reader, path)
        return [path]
    docs = reader.documents()
    if fmt == "polecat":
        from . import polecat

        path = folder / f"polecat{suffix}.jsonl"
        result.events = polecat.write_file(reader, docs, path)
        return [path]
    from . import gdelt

    tables = gdelt.build(reader, docs)
    result.events, result.mentions, result.gkg = len(tables.events), len(tables.mentions), len(tables.gkg)
    return gdelt.write(tables, folder, batch=batch, header=header)

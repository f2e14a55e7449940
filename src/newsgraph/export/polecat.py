"""PLOVER event records in the shape POLECAT publishes them, one JSON object per event (JSON Lines).

The keys are POLECAT's published columns (the Dataverse files: "Event ID", "Event Date",
"Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts", "Actor Name",
"Actor Country", ..., "Placename", "Latitude", "Longitude", "GeoNames ID", "Feature Type",
"Source", "Publication Date", "Headline") in snake_case, plus the source sentence and
the evidence span that every newsgraph fact carries. Countries are ISO 3166-1 alpha-3
as POLECAT gives them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import pycountry

from . import codes
from .source import Doc, Report, StoreReader
from .text import day_of, stable_id


def _iso3(iso2: str | None) -> str | None:
    if not iso2:
        return None
    c = pycountry.countries.get(alpha_2=iso2.upper())
    return c.alpha_3 if c else None


def _actor(prefix: str, code: str | None, name: str | None, start: int | None) -> dict[str, Any]:
    a = codes.split_actor(code)
    return {
        f"{prefix}_name": name,
        f"{prefix}_code": a.code or None,
        f"{prefix}_country": a.country,
        f"{prefix}_type": a.types[0] if a.types else None,
        f"{prefix}_sector": a.known_group,
        f"{prefix}_char_offset": start,
    }


def record(r: Report, doc: Doc, merged_id: str | None) -> dict[str, Any]:
    day = day_of(r.date) or day_of(doc.published) or doc.ingested_at.date()
    place = r.place
    return {
        "event_id": merged_id or f"{doc.id}-{r.event}",
        "report_id": f"{doc.id}-{r.event}",
        "global_event_id": stable_id("merged", merged_id) if merged_id else stable_id("report", doc.id, r.event),
        "story_id": doc.id,
        "event_date": day.isoformat(),
        "event_date_text": r.date,
        "event_type": r.code,
        "event_mode": r.mode,
        "event_intensity": r.goldstein,
        "quad_code": r.quad_class,
        "cameo_code": r.cameo,
        "contexts": [],
        "factuality": r.factuality,
        **_actor("actor", r.source, r.source_name, r.source_start),
        **_actor("recipient", r.target, r.target_name, r.target_start),
        "placename": place.name if place else None,
        "country": _iso3(place.country) if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "geonames_id": place.geonameid if place else None,
        "feature_type": place.feature if place else None,
        "event_text": doc.text[r.start : r.end],
        "evidence": [r.start, r.end],
        "source": doc.source,
        "url": doc.url,
        "headline": doc.title,
        "publication_date": doc.published,
    }


def write(reader: StoreReader, docs: dict[str, Doc], out: TextIO) -> int:
    _, links = reader.merged()
    n = 0
    for r in reader.reports():
        doc = docs.get(r.doc_id)
        if doc is None:
            continue
        out.write(json.dumps(record(r, doc, links.get((r.doc_id, r.event))), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_file(reader: StoreReader, docs: dict[str, Doc], path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        return write(reader, docs, fh)

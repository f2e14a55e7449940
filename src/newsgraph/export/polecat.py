"""PLOVER event records as POLECAT publishes them: one JSON object per event (JSON Lines).

The record follows the event records of NGEC, the coder that produces POLECAT
(``NGEC/formatter.py``): ``id``, ``event_type``, ``event_mode``, ``contexts``, ``date``,
``date_resolved``, ``date_raw``, ``pub_date``, ``headline``, ``publisher``, ``story_id``,
``event_text``, ``attributes`` (``ACTOR``, ``RECIP``, ``LOC``: the text of each argument
with its offsets, and the actor's country and PLOVER sector codes), ``event_geolocation``
(GeoNames id, point, placename, ISO alpha-3 country, first-level region),
``story_people``, ``story_orgs``, ``story_locs`` and ``version``; newsgraph adds what it
knows beyond that (the CAMEO code, Goldstein score, QuadClass, factuality, the evidence
span, the URL and the merged event). Offsets inside ``attributes`` are relative to
``event_text``, as NGEC's; ``start_char``/``end_char`` are offsets in the document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO

import pycountry

from .. import __version__
from . import codes
from .geo import GeoIndex, PlaceInfo
from .source import Doc, Report, StoreReader
from .text import day_of, stable_id

FEATURE_CLASS = {"city": ("P", None), "admin1": ("A", "ADM1"), "country": ("A", None)}


def _iso3(iso2: str | None) -> str | None:
    if not iso2:
        return None
    c = pycountry.countries.get(alpha_2=iso2.upper())
    return c.alpha_3 if c else None


def _argument(doc: Doc, r: Report, start: int | None, end: int | None) -> dict[str, Any]:
    inside = start is not None and end is not None and r.start <= start and end <= r.end
    return {
        "text": doc.text[start:end] if start is not None and end is not None else None,
        "qa_start_char": start - r.start if inside and start is not None else None,
        "qa_end_char": end - r.start if inside and end is not None else None,
        "start_char": start,
        "end_char": end,
    }


def _actor(doc: Doc, r: Report, code: str | None, name: str | None, start: int | None, end: int | None) -> list[Any]:
    if not code and not name:
        return []
    a = codes.split_actor(code)
    return [
        {
            **_argument(doc, r, start, end),
            "wiki": None,
            "name": name,
            "code": a.code or None,
            "country": a.country or ("IGO" if "IGO" in a.types else None),
            "code_1": a.types[0] if a.types else "",
            "code_2": a.types[1] if len(a.types) > 1 else "",
            "known_group": a.known_group,
        }
    ]


def _geolocation(place: PlaceInfo | None, index: GeoIndex) -> dict[str, Any]:
    if place is None or not place.name:
        return {"reason": "no place for this event", "geo": None}
    admin = index.admin_of.get(place.geonameid) if place.geonameid is not None else None
    feature_class, feature_code = FEATURE_CLASS.get(place.feature or "", (None, None))
    return {
        "reason": "the event's place" if place.geonameid is not None else "a place name that was not resolved",
        "geo": {
            "geonameid": str(place.geonameid) if place.geonameid is not None else None,
            "lat": place.lat,
            "lon": place.lon,
            "resolved_placename": place.name,
            "search_placename": place.name,
            "country_code3": _iso3(place.country),
            "admin1_code": admin[1] if admin else None,
            "admin1_name": index.admin_name.get(admin) if admin else None,
            "feature_class": feature_class,
            "feature_code": feature_code,
            "feature_type": place.feature,
        },
    }


def record(r: Report, doc: Doc, merged_id: str | None, story: dict[str, list[str]], index: GeoIndex) -> dict[str, Any]:
    day = day_of(r.date) or day_of(doc.published) or doc.ingested_at.date()
    pub = day_of(doc.published)
    return {
        "id": merged_id or f"{doc.id}-{r.event}",
        "event_type": r.code,
        "event_mode": [r.mode] if r.mode else [],
        "contexts": [],
        "date": (pub or day).isoformat(),
        "date_resolved": day.isoformat(),
        "date_raw": r.date,
        "pub_date": pub.isoformat() if pub else None,
        "headline": doc.title,
        "publisher": doc.source,
        "story_id": doc.id,
        "event_text": doc.text[r.start : r.end],
        "attributes": {
            "ACTOR": _actor(doc, r, r.source, r.source_name, r.source_start, r.source_end),
            "RECIP": _actor(doc, r, r.target, r.target_name, r.target_start, r.target_end),
            "LOC": [{"text": r.place.name}] if r.place is not None and r.place.name else [],
        },
        "event_geolocation": _geolocation(r.place, index),
        "story_people": story.get("PERSON", []),
        "story_orgs": story.get("ORG", []),
        "story_locs": story.get("LOC", []),
        "version": f"newsgraph-{__version__}-{doc.pipeline_version}",
        # newsgraph's own fields
        "report_id": f"{doc.id}-{r.event}",
        "merged_event_id": merged_id,
        "global_event_id": stable_id("merged", merged_id) if merged_id else stable_id("report", doc.id, r.event),
        "cameo": r.cameo,
        "goldstein": r.goldstein,
        "quad_class": r.quad_class,
        "factuality": r.factuality,
        "evidence": [r.start, r.end],
        "url": doc.url,
    }


def _stories(reader: StoreReader) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in reader.rows(
        """SELECT e.doc_id, e.name, e.type FROM entities e JOIN _export_ids x ON x.id = e.doc_id
           WHERE e.type IN ('PERSON', 'ORG') ORDER BY e.doc_id, e.entity"""
    ):
        out[r["doc_id"]][r["type"]].append(r["name"])
    for r in reader.rows(
        """SELECT p.doc_id, p.name FROM places p JOIN _export_ids x ON x.id = p.doc_id
           WHERE p.role = 'location' ORDER BY p.doc_id, p.place"""
    ):
        names = out[r["doc_id"]]["LOC"]
        if r["name"] not in names:
            names.append(r["name"])
    return out


def write(reader: StoreReader, docs: dict[str, Doc], out: TextIO) -> int:
    _, links = reader.merged()
    reports = reader.reports()
    index = GeoIndex(r.place.geonameid for r in reports if r.place is not None and r.place.geonameid is not None)
    stories = _stories(reader)
    n = 0
    for r in reports:
        doc = docs.get(r.doc_id)
        if doc is None:
            continue
        rec = record(r, doc, links.get((r.doc_id, r.event)), stories.get(r.doc_id, {}), index)
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_file(reader: StoreReader, docs: dict[str, Doc], path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        return write(reader, docs, fh)

"""Article -> table rows. One function per derived table; ``DERIVED`` lists them all."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ..model import Article, PlaceRef

Rows = list[dict[str, Any]]


def place_columns(ref: PlaceRef | None) -> dict[str, Any]:
    """An event's or count's place as typed columns: ``place`` (the name) and ``place_*``."""
    return {
        "place": ref.name if ref else None,
        "place_geonameid": ref.geonameid if ref else None,
        "place_lat": ref.lat if ref else None,
        "place_lon": ref.lon if ref else None,
        "place_country": ref.country if ref else None,
        "place_feature": ref.feature if ref else None,
    }


def entity_rows(a: Article) -> dict[str, Rows]:
    entities: Rows = []
    mentions: Rows = []
    for i, e in enumerate(a.entities):
        entities.append(
            {"doc_id": a.id, "entity": i, "name": e.name, "type": e.type, "kb_id": e.kb_id, "mentions": len(e.mentions)}
        )
        mentions.extend(
            {"doc_id": a.id, "entity": i, "start": m.start, "end": m.end, "text": m.text} for m in e.mentions
        )
    return {"entities": entities, "mentions": mentions}


def quote_rows(a: Article) -> dict[str, Rows]:
    rows = []
    entity_index = {e.name: i for i, e in enumerate(a.entities)}
    for i, q in enumerate(a.quotes):
        rows.append(
            {
                "doc_id": a.id,
                "quote": i,
                "speaker": q.speaker,
                "speaker_entity": entity_index.get(q.speaker) if q.speaker else None,
                "speaker_start": q.speaker_span[0] if q.speaker_span else None,
                "speaker_end": q.speaker_span[1] if q.speaker_span else None,
                "cue_start": q.cue[0] if q.cue else None,
                "cue_end": q.cue[1] if q.cue else None,
                "start": q.content[0],
                "end": q.content[1],
                "kind": q.kind,
                "content": a.span_text(q.content),
            }
        )
    return {"quotes": rows}


def place_rows(a: Article) -> dict[str, Rows]:
    places: Rows = []
    mentions: Rows = []
    for i, p in enumerate(a.places):
        places.append(
            {
                "doc_id": a.id,
                "place": i,
                "name": p.name,
                "geonameid": p.geonameid,
                "lat": p.lat,
                "lon": p.lon,
                "country": p.country,
                "feature": p.feature,
                "role": p.role,
                "mentions": len(p.mentions),
            }
        )
        mentions.extend(
            {"doc_id": a.id, "place": i, "start": m.start, "end": m.end, "text": m.text} for m in p.mentions
        )
    return {"places": places, "place_mentions": mentions}


def event_rows(a: Article) -> dict[str, Rows]:
    events = [
        {
            "doc_id": a.id,
            "event": i,
            "code": e.code,
            "cameo": e.cameo,
            "source": e.source,
            "source_name": e.source_name,
            "target": e.target,
            "target_name": e.target_name,
            "mode": e.mode,
            "factuality": e.factuality,
            "date": e.date,
            **place_columns(e.place),
            "goldstein": e.goldstein,
            "quad_class": e.quad_class,
            "reported_by": e.reported_by,
            "start": e.evidence[0],
            "end": e.evidence[1],
        }
        for i, e in enumerate(a.events)
    ]
    counts = [
        {
            "doc_id": a.id,
            "count": i,
            "type": c.type,
            "number": c.number,
            "qualifier": c.qualifier,
            "object": c.object,
            **place_columns(c.place),
            "start": c.evidence[0],
            "end": c.evidence[1],
        }
        for i, c in enumerate(a.counts)
    ]
    dates = [{"doc_id": a.id, "text": d.text, "start": d.start, "end": d.end, "value": d.value} for d in a.dates]
    actors = [
        {
            "doc_id": a.id,
            "event": i,
            "role": role,
            "code": code,
            "name": name,
            "start": span[0] if span else None,
            "end": span[1] if span else None,
        }
        for i, e in enumerate(a.events)
        for role, code, name, span in (
            ("source", e.source, e.source_name, e.source_span),
            ("target", e.target, e.target_name, e.target_span),
        )
        if code or name
    ]
    return {"events": events, "counts": counts, "dates": dates, "event_actors": actors}


BUILDERS: tuple[Callable[[Article], dict[str, Rows]], ...] = (entity_rows, quote_rows, place_rows, event_rows)
DERIVED: tuple[str, ...] = (
    "entities",
    "mentions",
    "quotes",
    "places",
    "place_mentions",
    "events",
    "counts",
    "dates",
    "event_actors",
)


def rows_for(article: Article) -> dict[str, Rows]:
    out: dict[str, Rows] = {}
    for build in BUILDERS:
        out.update(build(article))
    return out


def repair_places(con: Any) -> int:
    """Stores written before PlaceRef (schema < 3) may hold an event's or count's place as
    a dict's text (``{'name': 'Atlanta', ...}``): set the name and the ``place_*`` columns
    from the stored record, and the record's ``place``/``place_ref``. Returns the documents fixed."""
    ids = [
        r[0]
        for r in con.execute(
            """SELECT DISTINCT doc_id FROM (SELECT doc_id, place FROM events UNION ALL SELECT doc_id, place FROM counts)
               WHERE place LIKE '{%'"""
        ).fetchall()
    ]
    for doc_id in ids:
        row = con.execute("SELECT record FROM documents WHERE id = ?", [doc_id]).fetchone()
        rec = json.loads(row[0]) if row and row[0] else {}
        for table, key, index in (("events", "events", "event"), ("counts", "counts", "count")):
            stored = con.execute(f"SELECT {index}, place FROM {table} WHERE doc_id = ?", [doc_id]).fetchall()
            items = rec.get(key) or []
            for i, place in stored:
                item = items[i] if i < len(items) and isinstance(items[i], dict) else {}
                ref = PlaceRef.of(item.get("place"), item.get("place_ref")) or PlaceRef.of(place)
                cols = place_columns(ref)
                sets = ", ".join(f"{c} = ?" for c in cols)
                con.execute(f"UPDATE {table} SET {sets} WHERE doc_id = ? AND {index} = ?", [*cols.values(), doc_id, i])
                if item:
                    item["place"] = cols["place"]
                    item["place_ref"] = asdict(ref) if ref else None
        if rec:
            con.execute("UPDATE documents SET record = ? WHERE id = ?", [json.dumps(rec, ensure_ascii=False), doc_id])
    return len(ids)

"""Merged events in the store: ``merged_events`` and ``event_reports`` kept up to date per batch.

:func:`merge_documents` takes the documents just written (or re-assigned to another
story), drops their old links, and places each of their events in the merged events
of its story (see :mod:`.cluster`); only the merged events of those stories and those
types are read. Every report stays a row of ``events`` with its evidence;
``event_reports`` links it to its merged event, and each stored record's events carry
``event_id``. Running it again over the same documents gives the same ids and rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..store import Store
from .cluster import Merged, Merger, event_id_for, order, summarize
from .compat import Report

MERGED_COLUMNS = [
    "event_id",
    "story_id",
    "code",
    "cameo",
    "source",
    "source_name",
    "target",
    "target_name",
    "date",
    "place",
    "place_geonameid",
    "place_lat",
    "place_lon",
    "place_country",
    "place_feature",
    "factuality",
    "goldstein",
    "quad_class",
    "n_reports",
    "n_articles",
    "n_sources",
    "first_seen",
    "last_seen",
]
_PLACE_COLUMNS = ("geonameid", "lat", "lon", "country", "feature")


def _has_event_place_columns(con: Any) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'place_geonameid'"
    ).fetchone()
    return bool(row and row[0])


def load_reports(con: Any, doc_ids: Iterable[str]) -> list[Report]:
    """Every event of these documents as a :class:`Report` (story, place ids, outlet, date)."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return []
    typed = _has_event_place_columns(con)
    place_cols = ", ".join(
        f"coalesce(e.place_{c}, p.{c}) AS place_{c}" if typed else f"p.{c} AS place_{c}" for c in _PLACE_COLUMNS
    )
    place_aggs = ", ".join(f"arg_min({c}, place) AS {c}" for c in _PLACE_COLUMNS)
    rows = con.execute(
        f"""WITH ids AS (SELECT unnest(?) AS id),
                sm AS (SELECT doc_id, arg_max(story_id, coalesce(score, 0)) AS story_id FROM story_members
                       WHERE doc_id IN (SELECT id FROM ids) GROUP BY doc_id),
                p AS (SELECT doc_id, lower(name) AS key, {place_aggs} FROM places
                      WHERE doc_id IN (SELECT id FROM ids) GROUP BY doc_id, lower(name))
            SELECT e.doc_id, e.event, coalesce(sm.story_id, 'doc:' || e.doc_id) AS story, e.code, e.cameo,
                   e.source, e.source_name, e.target, e.target_name, e.factuality, e.date, e.place, {place_cols},
                   e.goldstein, e.quad_class, d.published,
                   coalesce(nullif(d.source, ''), regexp_extract(d.url, '^[A-Za-z]+://(?:www\\.)?([^/:?#]+)', 1))
                       AS outlet
            FROM events e JOIN documents d ON d.id = e.doc_id
            LEFT JOIN sm ON sm.doc_id = e.doc_id
            LEFT JOIN p ON p.doc_id = e.doc_id AND p.key = lower(e.place)
            WHERE e.doc_id IN (SELECT id FROM ids) AND d.id IN (SELECT id FROM ids)""",
        [ids],
    ).fetchall()
    names = [
        [
            "doc_id",
            "event",
            "story",
            "code",
            "cameo",
            "source",
            "source_name",
            "target",
            "target_name",
            "factuality",
            "date",
            "place",
        ],
        [f"place_{c}" for c in _PLACE_COLUMNS],
        ["goldstein", "quad_class", "published", "outlet"],
    ]
    fields = [n for part in names for n in part]
    out = []
    for row in rows:
        data = dict(zip(fields, row, strict=True))
        data["outlet"] = data["outlet"] or None
        if data["place_geonameid"] is not None:
            data["place_geonameid"] = int(data["place_geonameid"])
        out.append(Report(**data))
    return out


def _existing(con: Any, stories: set[str], codes: set[str]) -> list[Merged]:
    """The merged events of these stories and types, with their reports in merge order."""
    real = [s for s in stories if not s.startswith("doc:")]
    if not real or not codes:
        return []
    links = con.execute(
        """SELECT r.event_id, r.doc_id, r.event, m.story_id, m.code FROM event_reports r
           JOIN merged_events m ON m.event_id = r.event_id
           WHERE m.story_id IN (SELECT unnest(?)) AND m.code IN (SELECT unnest(?))""",
        [real, sorted(codes)],
    ).fetchall()
    return _assemble(con, links)


def _assemble(con: Any, links: list[tuple[Any, ...]]) -> list[Merged]:
    reports = {r.key: r for r in load_reports(con, {link[1] for link in links})}
    merged: dict[str, Merged] = {}
    for event_id, doc_id, event, story_id, code in links:
        report = reports.get((doc_id, event))
        if report is None:
            continue
        m = merged.setdefault(event_id, Merged(event_id, story_id or report.story, code))
        m.reports.append(report)
    for m in merged.values():
        m.reports = order(m.reports)
    return sorted(merged.values(), key=lambda m: (m.reports[0].published or "", m.event_id))


def merge_documents(store: Store, doc_ids: Iterable[str]) -> dict[str, int]:
    """Merge the events of these (just written) documents into their stories' merged events."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return {"reports": 0, "merged_events": 0}
    with store.transaction() as con:
        old = {
            row[0]
            for row in con.execute(
                "SELECT DISTINCT event_id FROM event_reports WHERE doc_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        con.execute("DELETE FROM event_reports WHERE doc_id IN (SELECT unnest(?))", [ids])
        fresh = order(load_reports(con, ids))
        existing = _existing(con, {r.story for r in fresh}, {r.code for r in fresh})
        founders = [event_id_for(r.doc_id, r.event) for r in fresh]
        # ids still held by events with reports left: a new event never takes one of them
        taken = {
            row[0]
            for row in con.execute(
                "SELECT DISTINCT event_id FROM event_reports WHERE event_id IN (SELECT unnest(?))", [founders]
            ).fetchall()
        }
        merger = Merger(existing, taken=taken)
        links: list[dict[str, Any]] = [
            {"event_id": merger.add(r).event_id, "doc_id": r.doc_id, "event": r.event} for r in fresh
        ]
        touched: set[str] = old | {str(link["event_id"]) for link in links}
        _insert(con, "event_reports", links)
        # merged events that lost reports and were not loaded above: read what they have left
        rest = [e for e in touched if e not in merger.by_id]
        if rest:
            left = con.execute(
                """SELECT r.event_id, r.doc_id, r.event, m.story_id, m.code FROM event_reports r
                   JOIN merged_events m ON m.event_id = r.event_id WHERE r.event_id IN (SELECT unnest(?))""",
                [rest],
            ).fetchall()
            for m in _assemble(con, left):
                merger.by_id[m.event_id] = m
        con.execute("DELETE FROM merged_events WHERE event_id IN (SELECT unnest(?))", [sorted(touched)])
        rows = [summarize(merger.by_id[e]) for e in sorted(touched) if e in merger.by_id and merger.by_id[e].reports]
        _insert(con, "merged_events", rows)
        _stamp_records(con, ids, {(link["doc_id"], link["event"]): link["event_id"] for link in links})
    return {"reports": len(links), "merged_events": len(rows)}


def remerge_stories(store: Store, story_ids: Iterable[str]) -> dict[str, int]:
    """Merge these stories' events again from scratch, in publication order (after a re-clustering)."""
    stories = list(dict.fromkeys(story_ids))
    with store.transaction() as con:
        docs = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT doc_id FROM story_members WHERE story_id IN (SELECT unnest(?))", [stories]
            ).fetchall()
        ]
        con.execute(
            """DELETE FROM event_reports WHERE event_id IN (SELECT event_id FROM merged_events
               WHERE story_id IN (SELECT unnest(?)))""",
            [stories],
        )
        con.execute("DELETE FROM merged_events WHERE story_id IN (SELECT unnest(?))", [stories])
    return merge_documents(store, docs)


def _insert(con: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    import pyarrow as pa

    con.register("_crossdoc_rows", pa.Table.from_pylist(rows))
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _crossdoc_rows")
    finally:
        con.unregister("_crossdoc_rows")


def _stamp_records(con: Any, ids: list[str], event_ids: dict[tuple[str, int], str]) -> None:
    """Each stored record's events carry their ``event_id`` (RECORD.md)."""
    updates: dict[str, list[str]] = {"id": [], "record": []}
    for doc_id, text in con.execute(
        "SELECT id, record FROM documents WHERE id IN (SELECT unnest(?)) AND record IS NOT NULL", [ids]
    ).fetchall():
        record = json.loads(text)
        events = record.get("events") or []
        if not events:  # nothing to stamp: the record stays as it is
            continue
        for i, event in enumerate(events):
            event["event_id"] = event_ids.get((doc_id, i))
        updates["id"].append(doc_id)
        updates["record"].append(json.dumps(record, ensure_ascii=False, default=str))
    if updates["id"]:
        # one UPDATE joined with the batch's records, not one UPDATE (and one scan) per document
        import pyarrow as pa

        con.register("_stamped_records", pa.table(updates))
        try:
            con.execute("UPDATE documents SET record = s.record FROM _stamped_records s WHERE documents.id = s.id")
        finally:
            con.unregister("_stamped_records")

"""What an export reads from the store: DuckDB SQL over the tables of ``store/schema.sql``.

The documents of one export (a publication window, and with ``incremental`` only those
stored or changed since the last export) are registered as ``_export_ids``; every other
query joins that list. Columns another engineer's schema adds (the typed place columns
of events and counts, the merged-event tables) are used when the store has them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .geo import PlaceInfo, place_from_value

if TYPE_CHECKING:
    from ..query import Graph

PLACE_COLUMNS = ("place_geonameid", "place_lat", "place_lon", "place_country", "place_feature")


@dataclass
class Doc:
    id: str
    url: str | None
    source: str | None
    title: str | None
    published: str | None
    origin: str | None
    tone: float | None
    text: str
    ingested_at: datetime
    content_hash: str
    pipeline_version: str
    captions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Report:
    """One event as one article reported it (a row of ``events``)."""

    doc_id: str
    event: int
    code: str
    cameo: str | None
    source: str | None
    source_name: str | None
    target: str | None
    target_name: str | None
    mode: str | None
    factuality: str
    date: str | None
    place: PlaceInfo | None
    goldstein: float | None
    quad_class: int | None
    start: int
    end: int
    source_start: int | None = None
    target_start: int | None = None
    source_end: int | None = None
    target_end: int | None = None
    source_place: PlaceInfo | None = None  # a place mention the actor was read from ("Moscow" for RUS)
    target_place: PlaceInfo | None = None


class StoreReader:
    def __init__(self, graph: Graph) -> None:
        self.con = graph.store.con.cursor()
        self._tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}

    def close(self) -> None:
        self.con.close()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        result = self.con.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def has(self, table: str) -> bool:
        return table in self._tables

    def columns(self, table: str) -> set[str]:
        return {
            r[0]
            for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }

    # -- which documents -------------------------------------------------------------
    def candidates(self, where: list[str], params: list[Any]) -> list[dict[str, Any]]:
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self.rows(
            f"SELECT d.id, d.content_hash, d.pipeline_version, d.ingested_at FROM documents d {clause} ORDER BY d.id",
            params,
        )

    def use(self, ids: list[str]) -> None:
        import pyarrow as pa

        self.con.register("_export_ids", pa.table({"id": pa.array(ids, pa.string())}))

    # -- reading ---------------------------------------------------------------------
    def documents(self, with_text: bool = True) -> dict[str, Doc]:
        text = "d.text" if with_text else "''"
        out: dict[str, Doc] = {}
        for r in self.rows(
            f"""SELECT d.id, d.url, d.source, d.title, d.published, d.origin, d.tone, {text} AS text,
                       d.ingested_at, d.content_hash, d.pipeline_version, d.captions
                FROM documents d JOIN _export_ids x ON x.id = d.id ORDER BY d.ingested_at, d.id"""
        ):
            captions = [(int(c["start"]), int(c["end"])) for c in json.loads(r.pop("captions") or "[]")]
            out[r["id"]] = Doc(**r, captions=captions)
        return out

    def reports(self) -> list[Report]:
        typed = set(PLACE_COLUMNS) <= self.columns("events")
        extra = ", " + ", ".join(f"e.{c}" for c in PLACE_COLUMNS) if typed else ""
        rows = self.rows(
            f"""SELECT e.doc_id, e.event, e.code, e.cameo, e.source, e.source_name, e.target, e.target_name,
                       e.mode, e.factuality, e.date, e.place, e.goldstein, e.quad_class, e.start, e."end"{extra}
                FROM events e JOIN _export_ids x ON x.id = e.doc_id ORDER BY e.doc_id, e.event"""
        )
        places = self.places_by_name()
        actors = self.actor_places()
        out = []
        for r in rows:
            place = typed_place(r, "place_") if typed else None
            if place is None:
                place = place_from_value(r["place"])
                if place is not None and place.geonameid is None:
                    place = places.get((r["doc_id"], place.name.lower()), place)
            r = {k: v for k, v in r.items() if not k.startswith("place")}
            report = Report(**r, place=place)
            for role in ("source", "target"):
                start, end, where = actors.get((report.doc_id, report.event, role), (None, None, None))
                setattr(report, f"{role}_start", start)
                setattr(report, f"{role}_end", end)
                setattr(report, f"{role}_place", where)
            out.append(report)
        return out

    def places_by_name(self) -> dict[tuple[str, str], PlaceInfo]:
        """(doc id, lower-case name) -> the resolved place of that name in the document."""
        out: dict[tuple[str, str], PlaceInfo] = {}
        for r in self.rows(
            """SELECT p.doc_id, p.name, p.geonameid, p.lat, p.lon, p.country, p.feature
               FROM places p JOIN _export_ids x ON x.id = p.doc_id
               ORDER BY p.doc_id, (p.role = 'location') DESC, p.mentions DESC, p.place"""
        ):
            key = (r["doc_id"], r["name"].lower())
            if key not in out:
                out[key] = PlaceInfo(r["name"], r["geonameid"], r["lat"], r["lon"], r["country"], r["feature"])
        return out

    def actor_places(self) -> dict[tuple[str, int, str], tuple[int | None, int | None, PlaceInfo | None]]:
        """(doc, event, role) -> the actor's span and the place mention it was read from."""
        out: dict[tuple[str, int, str], tuple[int | None, int | None, PlaceInfo | None]] = {}
        for r in self.rows(
            """SELECT a.doc_id, a.event, a.role, a.start, a."end",
                      p.name, p.geonameid, p.lat, p.lon, p.country, p.feature
               FROM event_actors a JOIN _export_ids x ON x.id = a.doc_id
               LEFT JOIN place_mentions m ON m.doc_id = a.doc_id AND a.start IS NOT NULL
                    AND m.start < a."end" AND a.start < m."end"
               LEFT JOIN places p ON p.doc_id = m.doc_id AND p.place = m.place
               ORDER BY a.doc_id, a.event, a.role, p.place NULLS LAST"""
        ):
            key = (r["doc_id"], r["event"], r["role"])
            if key in out:
                continue
            place = (
                PlaceInfo(r["name"], r["geonameid"], r["lat"], r["lon"], r["country"], r["feature"])
                if r["name"]
                else None
            )
            out[key] = (r["start"], r["end"], place)
        return out

    def merged(self) -> tuple[list[dict[str, Any]], dict[tuple[str, int], str]]:
        """The merged events that have a report among the exported documents, and
        (doc, event index) -> merged event id; empty when the store has no merged events."""
        if not (self.has("merged_events") and self.has("event_reports")):
            return [], {}
        links = {
            (r["doc_id"], int(r["event"])): r["event_id"]
            for r in self.rows(
                """SELECT r.event_id, r.doc_id, r.event FROM event_reports r
                   JOIN _export_ids x ON x.id = r.doc_id"""
            )
        }
        if not links:
            return [], {}
        cols = self.columns("merged_events")
        select = ", ".join(f"m.{c}" for c in sorted(cols))
        events = self.rows(
            f"""SELECT {select} FROM merged_events m
                WHERE m.event_id IN (SELECT DISTINCT r.event_id FROM event_reports r
                                     JOIN _export_ids x ON x.id = r.doc_id)
                ORDER BY m.event_id"""
        )
        return events, links

    def per_doc(self, sql: str) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows(sql):
            out[r["doc_id"]].append(r)
        return out

    def gkg_parts(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Per document: entity mentions, place mentions, quotes, counts and dates."""
        typed = set(PLACE_COLUMNS) <= self.columns("counts")
        count_extra = ", " + ", ".join(f"c.{c}" for c in PLACE_COLUMNS) if typed else ""
        return {
            "names": self.per_doc(
                """SELECT m.doc_id, e.name, e.type, m.start FROM mentions m
                   JOIN _export_ids x ON x.id = m.doc_id
                   JOIN entities e ON e.doc_id = m.doc_id AND e.entity = m.entity
                   ORDER BY m.doc_id, m.start"""
            ),
            "places": self.per_doc(
                """SELECT m.doc_id, p.name, p.geonameid, p.lat, p.lon, p.country, p.feature, p.role, m.start
                   FROM place_mentions m JOIN _export_ids x ON x.id = m.doc_id
                   JOIN places p ON p.doc_id = m.doc_id AND p.place = m.place
                   ORDER BY m.doc_id, m.start"""
            ),
            "quotes": self.per_doc(
                """SELECT q.doc_id, q.start, q."end", q.content,
                          CASE WHEN q.cue_start IS NULL THEN NULL
                               ELSE substr(d.text, q.cue_start + 1, q.cue_end - q.cue_start) END AS cue
                   FROM quotes q JOIN _export_ids x ON x.id = q.doc_id JOIN documents d ON d.id = q.doc_id
                   ORDER BY q.doc_id, q.start"""
            ),
            "counts": self.per_doc(
                f"""SELECT c.doc_id, c.type, c.number, c.object, c.place, c.start{count_extra}
                    FROM counts c JOIN _export_ids x ON x.id = c.doc_id ORDER BY c.doc_id, c.count"""
            ),
            "dates": self.per_doc(
                """SELECT t.doc_id, t.value, t.start FROM dates t JOIN _export_ids x ON x.id = t.doc_id
                   ORDER BY t.doc_id, t.start"""
            ),
        }


def typed_place(row: dict[str, Any], prefix: str) -> PlaceInfo | None:
    """The place of a row with the typed place columns, when they are filled."""
    name = row.get(prefix.rstrip("_"))
    if not name or (row.get(f"{prefix}geonameid") is None and row.get(f"{prefix}lat") is None):
        return None
    base = place_from_value(name)
    return PlaceInfo(
        base.name if base else str(name),
        row.get(f"{prefix}geonameid"),
        row.get(f"{prefix}lat"),
        row.get(f"{prefix}lon"),
        row.get(f"{prefix}country"),
        row.get(f"{prefix}feature"),
    )

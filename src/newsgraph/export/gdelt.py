"""GDELT 2.0 files: the Event table (``.export.CSV``), the Mentions table (``.mentions.CSV``)
and the GKG 2.1 table (``.gkg.csv``), tab-separated, one record a line, no header (as GDELT
ships them), one file per day of ingest or one file each with ``single``.

Events come from the merged events (``merged_events`` / ``event_reports``) where the store
has them: one Event row per merged event, with NumMentions / NumSources / NumArticles from
the merge; every report (one article's reading of the event) is a Mentions row. Reports
without a merged event are each an event of their own (1 / 1 / 1). See docs/export.md for
the field-by-field mapping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import codes
from .columns import EVENT_COLUMNS, GKG_COLUMNS, MENTION_COLUMNS, SUFFIXES
from .geo import EMPTY, Geo, GeoIndex, PlaceInfo, place_from_value
from .source import Doc, Report, StoreReader, typed_place
from .text import Sentences, clean, day_of, domain, lead_paragraph, stable_id, stamp
from .themes import issue_lexicon

# Mentions "Confidence" (10-100): how sure the coder is that the event took place as coded
CONFIDENCE = {"asserted": 100, "future": 60, "possible": 50, "hypothetical": 40, "negated": 20}
MENTION_WEB, MENTION_CITATION = 1, 2  # MentionType / SourceCollectionIdentifier: WEB, CITATIONONLY


@dataclass
class DocInfo:
    """What the Event and Mentions rows need of a document, computed once."""

    doc: Doc
    sentences: Sentences
    lead: tuple[int, int]

    @property
    def identifier(self) -> str:
        return self.doc.url or self.doc.origin or self.doc.id

    @property
    def source_name(self) -> str:
        return domain(self.doc.url) or self.doc.source or ""


@dataclass
class Tables:
    events: list[tuple[date, list[Any]]] = field(default_factory=list)
    mentions: list[tuple[date, list[Any]]] = field(default_factory=list)
    gkg: list[tuple[date, list[Any]]] = field(default_factory=list)


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, int):
        return str(value)
    return clean(value)


def _event_day(value: str | None, doc: Doc) -> date:
    return day_of(value) or day_of(doc.published) or doc.ingested_at.date()


def _actor_fields(code: str | None, name: str | None) -> list[Any]:
    a = codes.split_actor(code)
    types = [*a.types, None, None, None][:3]
    religion = [*a.religion, None, None][:2]
    return [a.code or None, name, a.country, a.known_group, None, *religion, *types]


def _date_fields(day: date) -> list[Any]:
    fraction = round(day.year + day.timetuple().tm_yday / 365.0, 4)
    return [int(day.strftime("%Y%m%d")), day.year * 100 + day.month, day.year, fraction]


def build(reader: StoreReader, docs: dict[str, Doc]) -> Tables:
    reports = reader.reports()
    merged, links = reader.merged()
    parts = reader.gkg_parts()
    places_by_name = reader.places_by_name()
    gids: set[int] = set()
    for r in reports:
        for p in (r.place, r.source_place, r.target_place):
            if p is not None and p.geonameid is not None:
                gids.add(p.geonameid)
    for rows in parts["places"].values():
        gids.update(int(p["geonameid"]) for p in rows if p["geonameid"] is not None)
    for m in merged:
        if m.get("place_geonameid") is not None:
            gids.add(int(m["place_geonameid"]))
    index = GeoIndex(gids)
    info = {d.id: DocInfo(d, Sentences(d.text), lead_paragraph(d.text, d.title, d.captions)) for d in docs.values()}
    tables = Tables()
    _events_and_mentions(tables, reports, merged, links, info, index)
    for d in docs.values():
        tables.gkg.append((d.ingested_at.date(), _gkg_row(d, parts, places_by_name, index)))
    return tables


def _events_and_mentions(
    tables: Tables,
    reports: list[Report],
    merged: list[dict[str, Any]],
    links: dict[tuple[str, int], str],
    info: dict[str, DocInfo],
    index: GeoIndex,
) -> None:
    by_merged: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        key = links.get((r.doc_id, r.event))
        if key is not None:
            by_merged[key].append(r)
    merged_ids = {m["event_id"]: m for m in merged}
    event_ids: dict[tuple[str, int], int] = {}
    added: dict[int, int] = {}
    for r in reports:
        key = links.get((r.doc_id, r.event))
        if key is not None and key in merged_ids:
            continue
        doc = info[r.doc_id]
        gid = stable_id("report", r.doc_id, r.event)
        event_ids[(r.doc_id, r.event)] = gid
        added[gid] = stamp(doc.doc.ingested_at)
        row = _event_row(gid, r, [r], info, index, counts=(1, 1, 1), tone=doc.doc.tone)
        tables.events.append((doc.doc.ingested_at.date(), row))
    for key, m in merged_ids.items():
        group = by_merged.get(key) or []
        if not group:
            continue
        group.sort(key=lambda r: (info[r.doc_id].doc.ingested_at, r.doc_id, r.event))
        first = group[0]
        gid = stable_id("merged", key)
        for r in group:
            event_ids[(r.doc_id, r.event)] = gid
        added[gid] = stamp(info[first.doc_id].doc.ingested_at)
        tones = [t for r in group if (t := info[r.doc_id].doc.tone) is not None]
        merged_report = _merged_report(m, first)
        n = (
            int(m.get("n_reports") or len(group)),
            int(m.get("n_sources") or len({info[r.doc_id].source_name for r in group})),
            int(m.get("n_articles") or len({r.doc_id for r in group})),
        )
        row = _event_row(gid, merged_report, group, info, index, counts=n, tone=_mean(tones))
        tables.events.append((info[first.doc_id].doc.ingested_at.date(), row))
    for r in reports:
        gid = event_ids[(r.doc_id, r.event)]
        doc = info[r.doc_id]
        tables.mentions.append((doc.doc.ingested_at.date(), _mention_row(gid, added[gid], r, doc)))


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _merged_report(m: dict[str, Any], first: Report) -> Report:
    """The merged event's fields in the shape of a report (evidence and actor places from the first report)."""
    place = typed_place(m, "place_") or place_from_value(m.get("place")) or first.place
    return Report(
        doc_id=first.doc_id,
        event=first.event,
        code=m.get("code") or first.code,
        cameo=m.get("cameo") or first.cameo,
        source=m.get("source") or first.source,
        source_name=m.get("source_name") or first.source_name,
        target=m.get("target") or first.target,
        target_name=m.get("target_name") or first.target_name,
        mode=first.mode,
        factuality=m.get("factuality") or first.factuality,
        date=m.get("date") or first.date,
        place=place,
        goldstein=m.get("goldstein") if m.get("goldstein") is not None else first.goldstein,
        quad_class=m.get("quad_class") if m.get("quad_class") is not None else first.quad_class,
        start=first.start,
        end=first.end,
        source_start=first.source_start,
        target_start=first.target_start,
        source_end=first.source_end,
        target_end=first.target_end,
        source_place=first.source_place,
        target_place=first.target_place,
    )


def _event_row(
    gid: int,
    r: Report,
    group: list[Report],
    info: dict[str, DocInfo],
    index: GeoIndex,
    counts: tuple[int, int, int],
    tone: float | None,
) -> list[Any]:
    first = info[group[0].doc_id]
    day = _event_day(r.date, first.doc)
    code, base, root = codes.cameo_parts(r.cameo)
    is_root = any(info[g.doc_id].lead[0] <= g.start < info[g.doc_id].lead[1] for g in group)
    geos: list[Geo] = [index.geo(r.source_place), index.geo(r.target_place), index.geo(r.place)]
    row = [
        gid,
        *_date_fields(day),
        *_actor_fields(r.source, r.source_name),
        *_actor_fields(r.target, r.target_name),
        1 if is_root else 0,
        code,
        base,
        root,
        r.quad_class,
        r.goldstein,
        *counts,
        tone,
        *(g.fields() if g is not EMPTY else [None] * 8 for g in geos),
        stamp(first.doc.ingested_at),
        first.identifier,
    ]
    flat: list[Any] = []
    for v in row:
        if isinstance(v, list):
            flat.extend(v)
        else:
            flat.append(v)
    assert len(flat) == len(EVENT_COLUMNS)
    return flat


def _mention_row(gid: int, event_added: int, r: Report, doc: DocInfo) -> list[Any]:
    row = [
        gid,
        event_added,
        stamp(doc.doc.ingested_at),
        MENTION_WEB if doc.doc.url else MENTION_CITATION,
        doc.source_name,
        doc.identifier,
        doc.sentences.number(r.start),
        r.source_start if r.source_start is not None else -1,
        r.target_start if r.target_start is not None else -1,
        r.start,
        1,
        CONFIDENCE.get(r.factuality, 50),
        len(doc.doc.text),
        doc.doc.tone,
        None,
        None,
    ]
    assert len(row) == len(MENTION_COLUMNS)
    return row


# -- GKG --------------------------------------------------------------------------------
def _geo_block(g: Geo, *, adm2: bool) -> list[Any]:
    fields = [g.type, g.full_name, g.country, g.adm1, *([g.adm2] if adm2 else []), g.lat, g.lon, g.feature_id]
    return [fmt(v) if not isinstance(v, str) else clean(v, "#;") for v in fields]


def _join(blocks: list[list[Any]], inner: str, outer: str) -> str:
    return outer.join(inner.join(fmt(v) if not isinstance(v, str) else v for v in b) for b in blocks)


def _date_block(value: str, start: int) -> list[Any] | None:
    parts = value.split("/")[0].split("-")
    if not parts or not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    day = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else 0
    resolution = 4 if day else 2 if month else 1
    return [resolution, month, day, year, start]


def _gkg_row(
    d: Doc,
    parts: dict[str, dict[str, list[dict[str, Any]]]],
    places_by_name: dict[tuple[str, str], PlaceInfo],
    index: GeoIndex,
) -> list[Any]:
    words = len(d.text.split())
    themes = issue_lexicon().match(d.text)
    names = parts["names"].get(d.id, [])
    persons = [n for n in names if n["type"] == "PERSON"]
    orgs = [n for n in names if n["type"] == "ORG"]
    locs = parts["places"].get(d.id, [])
    counts_v1, counts_v2, amounts = [], [], []
    for c in parts["counts"].get(d.id, []):
        place = typed_place(c, "place_") or place_from_value(c.get("place"))
        if place is not None and place.geonameid is None:
            place = places_by_name.get((d.id, place.name.lower()), place)
        geo = _geo_block(index.geo(place), adm2=False)
        head = [clean(c["type"], "#;"), c["number"], clean(c["object"], "#;")]
        counts_v1.append([*head, *geo])
        counts_v2.append([*head, *geo, c["start"]])
        amounts.append([c["number"], clean(c["object"], ",;"), c["start"]])
    loc_v1: dict[str, list[Any]] = {}
    loc_v2 = []
    for p in locs:
        where = index.geo(PlaceInfo(p["name"], p["geonameid"], p["lat"], p["lon"], p["country"], p["feature"]))
        loc_v1.setdefault(p["name"], _geo_block(where, adm2=False))
        loc_v2.append([*_geo_block(where, adm2=True), p["start"]])
    dates = [b for t in parts["dates"].get(d.id, []) if (b := _date_block(t["value"], t["start"]))]
    quotes = [
        [q["start"], q["end"] - q["start"], clean(q["cue"], "|#"), clean(q["content"], "|#")]
        for q in parts["quotes"].get(d.id, [])
    ]
    extras = f"<PAGE_TITLE>{_xml(d.title)}</PAGE_TITLE>" if d.title else ""
    row = [
        None,  # GKGRECORDID: numbered per file when written
        stamp(d.ingested_at),
        1 if d.url else 2,
        domain(d.url) or clean(d.source),
        clean(d.url or d.origin or d.id),
        _join(counts_v1, "#", ";"),
        _join(counts_v2, "#", ";"),
        ";".join(dict.fromkeys(t.code for t in themes)),
        ";".join(f"{t.code},{t.offset}" for t in themes),
        _join(list(loc_v1.values()), "#", ";"),
        _join(loc_v2, "#", ";"),
        ";".join(dict.fromkeys(clean(n["name"], ",;") for n in persons)),
        ";".join(f"{clean(n['name'], ',;')},{n['start']}" for n in persons),
        ";".join(dict.fromkeys(clean(n["name"], ",;") for n in orgs)),
        ";".join(f"{clean(n['name'], ',;')},{n['start']}" for n in orgs),
        ",".join(fmt(v) for v in (d.tone, None, None, None, None, None, words)),
        _join(dates, "#", ";"),
        f"wc:{words}",
        None,
        None,
        None,
        None,
        _join(quotes, "|", "#"),
        ";".join(f"{clean(n['name'], ',;')},{n['start']}" for n in names),
        _join(amounts, ",", ";"),
        None,
        extras,
    ]
    assert len(row) == len(GKG_COLUMNS)
    return row


def _xml(value: str | None) -> str:
    s = clean(value)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- writing ----------------------------------------------------------------------------
def write(tables: Tables, folder: Path, *, batch: datetime | None, header: bool) -> list[Path]:
    """Write the three tables; one file per day of ingest, or one each stamped ``batch``."""
    written = []
    for name, columns, rows in (
        ("events", EVENT_COLUMNS, tables.events),
        ("mentions", MENTION_COLUMNS, tables.mentions),
        ("gkg", GKG_COLUMNS, tables.gkg),
    ):
        groups: dict[int, list[list[Any]]] = defaultdict(list)
        for day, row in rows:
            key = stamp(batch) if batch is not None else stamp(day)
            groups[key].append(row)
        for key in sorted(groups):
            path = folder / f"{key}.{SUFFIXES[name]}"
            with path.open("w", encoding="utf-8", newline="\n") as fh:
                if header:
                    fh.write("\t".join(columns) + "\n")
                for i, row in enumerate(groups[key], 1):
                    if name == "gkg":
                        row = [f"{key}-{i}", *row[1:]]
                    fh.write("\t".join(fmt(v) for v in row) + "\n")
            written.append(path)
    return written

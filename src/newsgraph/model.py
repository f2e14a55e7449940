"""The record types that flow through newsgraph.

An :class:`Article` enters the pipeline from a reader (``ingest/``), each stage
(``stages/``) fills in some of its fields, the store writes it, and
:meth:`Article.to_record` turns it into the JSON document record described in
``RECORD.md``. Every span is ``(start, end)``: Python string indices into
``Article.text``, end exclusive, so every fact points at the characters it was
read from.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

Span = tuple[int, int]


def content_id(text: str) -> str:
    """A stable id for a document without a source id: a hash of its text."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Mention:
    start: int
    end: int
    text: str


@dataclass
class Caption:
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """One real-world entity of a document, with every mention of it."""

    name: str
    type: str
    kb_id: str | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Quote:
    speaker: str | None
    speaker_span: Span | None
    cue: Span | None
    content: Span
    kind: str  # "direct" | "indirect" | "partial"


@dataclass(frozen=True)
class PlaceRef:
    """A point a fact is located at: one resolved place (or a name the gazetteer lacks).

    The one place type of events, counts and the stages' working state. In the JSON
    record an event's or count's ``place`` is :attr:`name` and the whole object is
    under ``place_ref``; in the store it is ``place`` plus typed ``place_*`` columns.
    """

    name: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    feature: str | None = None

    @classmethod
    def of(cls, value: Any, ref: Any = None) -> PlaceRef | None:
        """From a record: ``place_ref`` (a dict) when present, else ``place`` (a name, or a
        dict or the Python text of one, as records written before PlaceRef held it)."""
        for v in (ref, value):
            if isinstance(v, str) and v.startswith("{'") and v.endswith("}"):
                v = _legacy_place(v)
            if isinstance(v, PlaceRef):
                return v
            if isinstance(v, dict) and v.get("name"):
                return cls(
                    str(v["name"]), v.get("geonameid"), v.get("lat"), v.get("lon"), v.get("country"), v.get("feature")
                )
            if isinstance(v, str) and v:
                return cls(v)
        return None


_STRUCT_FIELD = re.compile(
    r"'(name|geonameid|lat|lon|country|feature)': (.*?)(?=, '(?:geonameid|lat|lon|country|feature)': |}$)"
)


def _legacy_place(text: str) -> dict[str, Any] | str:
    """A place stored as text by versions before PlaceRef: a Python dict's repr, or DuckDB's
    text of a struct (strings unquoted, NULL for None). The text itself when it is neither."""
    try:
        value = ast.literal_eval(text)
        return value if isinstance(value, dict) else text
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    out: dict[str, Any] = {}
    for key, raw in _STRUCT_FIELD.findall(text):
        if raw == "NULL":
            out[key] = None
        elif key == "geonameid":
            out[key] = int(raw) if raw.lstrip("-").isdigit() else None
        elif key in ("lat", "lon"):
            try:
                out[key] = float(raw)
            except ValueError:
                out[key] = None
        else:
            out[key] = raw
    return out if out.get("name") else text


@dataclass
class Place:
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None  # ISO 3166-1 alpha-2
    feature: str | None
    mentions: list[Mention] = field(default_factory=list)
    role: str | None = None  # "location" | "actor" (metonymy) | "adjective"

    def ref(self) -> PlaceRef:
        return PlaceRef(self.name, self.geonameid, self.lat, self.lon, self.country, self.feature)


@dataclass
class Event:
    code: str  # PLOVER type
    cameo: str | None
    source: str | None
    source_name: str | None
    target: str | None
    target_name: str | None
    mode: str | None
    factuality: str  # asserted | negated | possible | future | hypothetical
    date: str | None
    place: PlaceRef | None
    evidence: Span
    goldstein: float | None = None
    quad_class: int | None = None
    trigger: Span | None = None
    reported_by: str | None = None
    source_span: Span | None = None  # where the source actor was read from
    target_span: Span | None = None
    event_id: str | None = None  # the merged event (across the story's articles) this report belongs to


@dataclass
class Count:
    type: str
    number: int
    qualifier: str | None
    object: str | None
    place: PlaceRef | None
    evidence: Span


@dataclass
class DateMention:
    text: str
    start: int
    end: int
    value: str


@dataclass
class Gap:
    start: int
    suggestion: str | None


@dataclass
class Focus:
    """An article's main country (ISO2) and main place, as the places stage found them."""

    country: str | None = None
    place: PlaceRef | None = None


@dataclass
class Work:
    """Working state shared between the stages of one run; never stored or printed.

    One typed field per thing a stage hands to a later one. A stage names the
    fields it sets in ``assigns`` and those it needs in ``requires`` (see
    ``stages/base.py``); the pipeline clears this after the run.
    """

    doc: Any = None  # the spaCy Doc of Article.text (parse)
    entity_of_span: dict[Span, str] = field(default_factory=dict)  # mention span -> entity name (entities)
    coref: dict[Span, str] | None = None  # mention span -> entity name, pronouns included (coref)
    coref_people: set[str] = field(default_factory=set)  # names of the people in the chains (coref)
    coref_keys: list[Span] | None = None  # sorted keys of coref, cached by stages.coref.resolve
    focus: Focus = field(default_factory=Focus)  # the article's country and place (places)
    sentence_places: dict[int, PlaceRef] = field(default_factory=dict)  # sentence index -> place (places)
    place_of_span: dict[Span, str] = field(default_factory=dict)  # mention span -> place name (places)
    gap_salience: Counter[str] | None = None  # entity name -> salience, cached by the gaps stage


WORK_FIELDS = frozenset(f.name for f in fields(Work))


@dataclass
class Article:
    """A document, from its source text to everything read out of it."""

    id: str
    text: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str = "en"
    origin: str | None = None  # file path (and line) the document came from
    metadata: dict[str, Any] = field(default_factory=dict)
    captions: list[Caption] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    tone: float | None = None
    story: str | None = None  # id of the story the document belongs to (newsgraph.stories)
    content_hash: str = ""  # hash of the text as read, before any stage changed it
    # What went wrong but did not lose the document: "E300 places: KeyError: 'x'" (code, stage, why)
    warnings: list[str] = field(default_factory=list)
    # The stages that ran on this document, in order. A stage that reads English only
    # is left out for a document in another language: not run, not failed.
    stages: list[str] = field(default_factory=list)
    # Working state shared between stages of one run; never stored or printed.
    work: Work = field(default_factory=Work, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_id(self.text)

    @property
    def doc(self) -> Any:
        """The spaCy ``Doc`` of :attr:`text` (set by the ``parse`` stage)."""
        return self.work.doc

    def span_text(self, span: Span | None) -> str:
        return "" if span is None else self.text[span[0] : span[1]]

    def to_record(self) -> dict[str, Any]:
        """The JSON document record of RECORD.md."""
        # never copy the working state (a spaCy Doc)
        rec: dict[str, Any] = {name: _plain(getattr(self, name)) for name in _field_names(Article) if name != "work"}
        for q in rec["quotes"]:
            for key in ("speaker_span", "cue", "content"):
                if q[key] is not None:
                    q[key] = list(q[key])
        for key in ("events", "counts"):
            for n, item in enumerate(rec[key]):
                for k in ("evidence", "trigger", "source_span", "target_span"):
                    if item.get(k) is not None:
                        item[k] = list(item[k])
                rec[key][n] = _name_place(item)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Article:
        """Rebuild an article from :meth:`to_record` output."""

        def tup(v: Any) -> Span | None:
            return None if v is None else (int(v[0]), int(v[1]))

        data = dict(rec)
        art = cls(**{k: v for k, v in data.items() if k in _ARTICLE_FIELDS})
        art.captions = [Caption(**c) for c in rec.get("captions") or []]
        art.entities = [
            Entity(
                name=e["name"],
                type=e["type"],
                kb_id=e.get("kb_id"),
                mentions=[Mention(**m) for m in e.get("mentions") or []],
            )
            for e in rec.get("entities") or []
        ]
        art.quotes = [
            Quote(
                speaker=q.get("speaker"),
                speaker_span=tup(q.get("speaker_span")),
                cue=tup(q.get("cue")),
                content=tup(q["content"]) or (0, 0),
                kind=q.get("kind", "direct"),
            )
            for q in rec.get("quotes") or []
        ]
        art.places = [
            Place(**{**p, "mentions": [Mention(**m) for m in p.get("mentions") or []]}) for p in rec.get("places") or []
        ]
        art.events = [
            Event(
                **{
                    **_without(e, "place_ref"),
                    "evidence": tup(e["evidence"]),
                    "trigger": tup(e.get("trigger")),
                    "source_span": tup(e.get("source_span")),
                    "target_span": tup(e.get("target_span")),
                    "place": PlaceRef.of(e.get("place"), e.get("place_ref")),
                }
            )
            for e in rec.get("events") or []
        ]
        art.counts = [
            Count(
                **{
                    **_without(c, "place_ref"),
                    "evidence": tup(c["evidence"]),
                    "place": PlaceRef.of(c.get("place"), c.get("place_ref")),
                }
            )
            for c in rec.get("counts") or []
        ]
        art.dates = [DateMention(**d) for d in rec.get("dates") or []]
        art.gaps = [Gap(**g) for g in rec.get("gaps") or []]
        return art


def _name_place(item: dict[str, Any]) -> dict[str, Any]:
    """``place`` as the place's name (what readers compare), the whole PlaceRef as ``place_ref``."""
    out: dict[str, Any] = {}
    for k, v in item.items():
        if k == "place":
            out["place"] = v["name"] if v else None
            out["place_ref"] = v
        else:
            out[k] = v
    return out


def _without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


_ARTICLE_FIELDS = {
    "id",
    "text",
    "url",
    "source",
    "title",
    "published",
    "modified",
    "authors",
    "language",
    "origin",
    "metadata",
    "boilerplate",
    "tone",
    "story",
    "content_hash",
    "warnings",
    "stages",
}


@dataclass
class Skipped:
    """A document the run could not process, and why."""

    origin: str
    reason: str
    code: str = "E000"
    stage: str | None = None  # the stage that failed on it; None when it failed before or after the stages


_FIELDS_OF: dict[type, tuple[str, ...]] = {}
_ATOMS = (str, int, float, bool, type(None))


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS_OF.get(cls)
    if names is None:
        names = _FIELDS_OF[cls] = tuple(f.name for f in fields(cls))
    return names


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` for the record types, about three times faster: field names
    are looked up once per class (the store serialises every document it writes)."""
    if isinstance(value, _ATOMS):
        return value
    cls = type(value)
    if cls is list:
        return [_plain(v) for v in value]
    if cls is tuple:
        return tuple(_plain(v) for v in value)
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(cls, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in _field_names(cls)}
    return asdict(value) if hasattr(value, "__dataclass_fields__") else _deepcopy(value)


def _deepcopy(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)

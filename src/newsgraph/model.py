"""The record types that flow through newsgraph.

An :class:`Article` enters the pipeline from a reader (``ingest/``), each stage
(``stages/``) fills in some of its fields, the store writes it, and
:meth:`Article.to_record` turns it into the JSON document record described in
``RECORD.md``. Every span is ``(start, end)``: Python string indices into
``Article.text``, end exclusive, so every fact points at the characters it was
read from.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
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
    place: str | None
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
    place: str | None
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
    content_hash: str = ""  # hash of the text as read, before any stage changed it
    # Working state shared between stages of one run; never stored or printed.
    # "doc" holds the spaCy Doc, "coref" the in-document coreference chains.
    scratch: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_id(self.text)

    @property
    def doc(self) -> Any:
        """The spaCy ``Doc`` of :attr:`text` (set by the ``parse`` stage)."""
        return self.scratch.get("doc")

    def span_text(self, span: Span | None) -> str:
        return "" if span is None else self.text[span[0] : span[1]]

    def to_record(self) -> dict[str, Any]:
        """The JSON document record of RECORD.md."""
        rec = asdict(self)
        rec.pop("scratch", None)
        for q in rec["quotes"]:
            for key in ("speaker_span", "cue", "content"):
                if q[key] is not None:
                    q[key] = list(q[key])
        for key in ("events", "counts"):
            for item in rec[key]:
                for k in ("evidence", "trigger", "source_span", "target_span"):
                    if item.get(k) is not None:
                        item[k] = list(item[k])
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Article:
        """Rebuild an article from :meth:`to_record` output."""

        def tup(v: Any) -> Span | None:
            return None if v is None else (int(v[0]), int(v[1]))

        data = dict(rec)
        data.pop("scratch", None)
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
                    **e,
                    "evidence": tup(e["evidence"]),
                    "trigger": tup(e.get("trigger")),
                    "source_span": tup(e.get("source_span")),
                    "target_span": tup(e.get("target_span")),
                }
            )
            for e in rec.get("events") or []
        ]
        art.counts = [Count(**{**c, "evidence": tup(c["evidence"])}) for c in rec.get("counts") or []]
        art.dates = [DateMention(**d) for d in rec.get("dates") or []]
        art.gaps = [Gap(**g) for g in rec.get("gaps") or []]
        return art


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
    "content_hash",
}


@dataclass
class Skipped:
    """A document the run could not process, and why."""

    origin: str
    reason: str
    code: str = "E000"

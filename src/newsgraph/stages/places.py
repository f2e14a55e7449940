"""Places: every place mention, resolved to a point, offline (``newsgraph.geo``).

Requires the parse stage's Doc and the entities stage (its NER spans are the
first source of mentions). Assigns ``article.places``: one :class:`Place` per
(resolved place, role), each with every mention of it. ``role`` is
``"location"``, ``"actor"`` (metonymy: "Moscow and Washington may reach a deal" —
the capitals stand for governments; still resolved) or ``"adjective"``
(demonyms: "Syrian", "Chinese", resolved to their country or continent).
``feature`` is the gazetteer type (``country``, ``admin1``, ``city``,
``continent``, ``region``); a facility or a name the gazetteer lacks gets the
point of the place named inside it or of the nearest resolved place, with
``geonameid`` null and ``feature`` ``"near:<that place>"``.

Working state it sets (``article.work``), for later stages (the events and
counts stages read it):

* ``work.focus``: a :class:`~newsgraph.model.Focus` — the article's main country
  (ISO2) and main place (the most-mentioned town or region of that country,
  else the country);
* ``work.sentence_places``: ``{sentence index: PlaceRef}`` for every sentence of
  the Doc — the most specific place the sentence itself names as a location,
  else the focus place (absent only when the article names no place);
* ``work.place_of_span``: ``{(start, end): place name}`` for every mention.

The source's country, when ``article.metadata["country"]`` or a country-code
top-level domain of ``article.url`` gives it, is a resolution prior.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any
from urllib.parse import urlparse

from ..geo.gazetteer import Gazetteer, Place, load_gazetteer
from ..geo.recognize import Recognizer
from ..geo.resolve import Resolution, Resolver
from ..model import Article, Focus, Mention, PlaceRef
from ..model import Place as PlaceRecord
from .base import Stage

log = logging.getLogger(__name__)

SPECIFICITY = {"city": 4, "admin1": 3, "country": 2, "region": 1, "continent": 0}
_TLD_ISO = {"uk": "GB"}
_GENERIC_TLDS = frozenset({"tv", "fm", "io", "ai", "co", "me", "ly", "eu", "cc", "ws", "to", "am"})


class Places(Stage):
    name = "places"
    requires = ("doc", "entities")
    assigns = ("places", "focus", "sentence_places", "place_of_span")

    gaz: Gazetteer | None = None

    def setup(self) -> None:
        self.gaz = load_gazetteer()
        self.recognizer = Recognizer(self.gaz)
        self.resolver = Resolver(self.gaz)

    def process(self, article: Article) -> Article:
        if self.gaz is None:
            self.setup()
        doc = article.doc
        article.places = []
        article.work.focus = Focus()
        article.work.sentence_places = {}
        article.work.place_of_span = {}
        if doc is None or not article.text.strip():
            return article
        cands = self.recognizer.find(doc)
        resolutions = self.resolver.resolve(doc, cands, source_country(article))
        article.places = group(resolutions)
        article.work.place_of_span = {(m.start, m.end): p.name for p in article.places for m in p.mentions}
        focus = find_focus(resolutions)
        article.work.focus = focus
        article.work.sentence_places = sentence_places(doc, resolutions, focus.place)
        return article


def source_country(article: Article) -> str | None:
    meta = article.metadata.get("country") if isinstance(article.metadata, dict) else None
    if isinstance(meta, str) and len(meta) == 2:
        return meta.upper()
    if article.url:
        host = urlparse(article.url).hostname or ""
        tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
        if len(tld) == 2 and tld not in _GENERIC_TLDS:
            return _TLD_ISO.get(tld, tld.upper())
    return None


def describe(place: Place | None) -> PlaceRef | None:
    if place is None:
        return None
    return PlaceRef(
        name=place.name,
        geonameid=place.gid if place.gid > 0 else None,
        lat=round(place.lat, 5),
        lon=round(place.lon, 5),
        country=place.cc,
        feature=place.feature,
    )


def group(resolutions: list[Resolution]) -> list[PlaceRecord]:
    """One record per (place, role), in order of first mention."""
    records: dict[tuple[Any, ...], PlaceRecord] = {}
    for r in resolutions:
        c, p = r.cand, r.place
        if p is None:
            key: tuple[Any, ...] = ("?", c.text.casefold(), r.role)
            rec = records.get(key) or PlaceRecord(c.text, None, None, None, None, None, role=r.role)
        elif r.approximate:
            key = ("~", c.text.casefold(), r.role)
            rec = records.get(key) or PlaceRecord(
                c.text, None, round(p.lat, 5), round(p.lon, 5), p.cc, f"near:{p.name}", role=r.role
            )
        else:
            key = (p.gid, r.role)
            rec = records.get(key) or PlaceRecord(
                p.name, p.gid if p.gid > 0 else None, round(p.lat, 5), round(p.lon, 5), p.cc, p.feature, role=r.role
            )
        rec.mentions.append(Mention(c.start, c.end, c.text))
        records[key] = rec
    return list(records.values())


def find_focus(resolutions: list[Resolution]) -> Focus:
    weights: dict[str, float] = {}
    towns: Counter[int] = Counter()
    by_gid: dict[int, Place] = {}
    first: dict[int, int] = {}
    for i, r in enumerate(resolutions):
        p = r.place
        if p is None or r.approximate or not p.cc:
            continue
        weights[p.cc] = weights.get(p.cc, 0.0) + {"country": 1.0, "admin1": 0.8, "city": 0.8}.get(p.feature, 0.0) * (
            0.5 if r.role == "adjective" else 1.0
        )
        if p.feature in {"city", "admin1"}:
            towns[p.gid] += 1
            by_gid[p.gid] = p
            first.setdefault(p.gid, i)
    if not weights:
        return Focus()
    country = max(weights, key=lambda cc: (weights[cc], cc))
    local = [g for g in towns if by_gid[g].cc == country]
    if local:
        best = max(local, key=lambda g: (towns[g], SPECIFICITY[by_gid[g].feature], -first[g]))
        place: Place | None = by_gid[best]
    else:
        place = next(
            (
                r.place
                for r in resolutions
                if r.place is not None and r.place.feature == "country" and r.place.cc == country
            ),
            None,
        )
    return Focus(country, describe(place))


def sentence_places(doc: Any, resolutions: list[Resolution], focus: PlaceRef | None) -> dict[int, PlaceRef]:
    located = [r for r in resolutions if r.place is not None and r.role != "adjective" and not r.approximate]
    out: dict[int, PlaceRef] = {}
    try:
        sents = list(doc.sents)
    except ValueError:  # no sentence boundaries on this Doc
        sents = [doc[:]]
    j = 0
    for i, sent in enumerate(sents):
        start, end = sent.start_char, sent.end_char
        inside = []
        while j < len(located) and located[j].cand.start < end:
            if located[j].cand.start >= start:
                inside.append(located[j])
            j += 1
        if inside:
            best = max(inside, key=lambda r: (SPECIFICITY.get(r.place.feature, 0), -r.cand.start))  # type: ignore[union-attr]
            ref = describe(best.place)
            if ref is not None:
                out[i] = ref
        elif focus is not None:
            out[i] = focus
    return out

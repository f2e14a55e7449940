"""Coded events: PLOVER type + CAMEO code, actors, factuality, date and place.

The coding itself lives in :mod:`newsgraph.coding` (lexicons, actor coder,
dependency patterns); this stage wires it to the article: entity names per
token, the publication year (for the dated leaders list), the optional outputs
of the coref and places stages, quotes (events inside a quote are reported by
its speaker), and the dates stage for each event's date.

Optional inputs, used when present and never required: ``work.coref`` /
``stages.coref.resolve`` (pronouns), ``article.places`` with role "actor"
(metonyms), ``work.focus`` (the article's country and place) and
``work.sentence_places`` (sentence index -> place).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from ..coding.actors import Actor, ActorCoder, ActorContext
from ..coding.extract import Extractor, Found
from ..coding.plover import lexicon
from ..model import Article, Event, PlaceRef
from .base import Stage
from .dates import published_date

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
log = logging.getLogger(__name__)


def _coref_resolver(article: Article) -> Any:
    if article.work.coref is None:
        return None
    try:
        from . import coref  # type: ignore[attr-defined]
    except ImportError:
        return None
    resolve = getattr(coref, "resolve", None)
    if resolve is None:
        return None
    return lambda start, end: resolve(article, start, end)


def _iso3(iso2: str | None) -> str | None:
    if not iso2:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_2=iso2.upper())
    return country.alpha_3 if country else None


def token_names(article: Article, doc: Any) -> dict[int, str]:
    """Token index -> canonical entity name, from the entities stage's mentions."""
    out: dict[int, str] = {}
    for entity in article.entities:
        for m in entity.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for tok in span:
                out.setdefault(tok.i, entity.name)
    return out


class Events(Stage):
    name = "events"
    requires = ("doc", "entities", "entity_of_span", "dates")
    assigns = ("events",)

    extractor: Extractor | None = None

    def setup(self) -> None:
        self.extractor = Extractor(lexicon(), ActorCoder(self.settings.actors_file))

    def process(self, article: Article) -> Article:
        doc = article.doc
        if doc is None or not article.text.strip():
            article.events = []
            return article
        if self.extractor is None:
            self.setup()
        assert self.extractor is not None
        pub = published_date(article.published)
        focus = article.work.focus
        place_country: dict[str, str] = {}
        for p in article.places:  # the places stage, when it ran: every toponym's country
            iso3 = _iso3(p.country)
            if iso3:
                place_country[p.name] = iso3
                for m in p.mentions:
                    place_country.setdefault(m.text, iso3)
        ctx = ActorContext(
            year=pub.year if pub else None,
            name_of_token=token_names(article, doc),
            focus_iso3=_iso3(focus.country),
            resolve=_coref_resolver(article),
            place_country=place_country,
        )
        quotes = [(q.content[0], q.content[1], q.speaker) for q in article.quotes]
        try:
            found = self.extractor.extract(doc, ctx, quotes)
            found += self._gap_actors(article, found, ctx)
            article.events = [self._event(article, doc, f, pub) for f in found]
        except Exception as exc:  # a stage never raises on odd input: keep what the document gave so far
            self.warn(article, "events not coded", exc)
            article.events = []
        return article

    def _gap_actors(self, article: Article, found: list[Found], ctx: ActorContext) -> list[Found]:
        """Actors lost with dropped link text: "Putin says [Moscow] and Washington may...".

        When the text-gap stage suggested a name right before "and SOURCE", the
        suggested actor is a second source of the same event."""
        extra: list[Found] = []
        gaps = [g for g in article.gaps if g.suggestion]
        if not gaps or self.extractor is None:
            return extra
        for f in found:
            if f.source is None or f.derived:
                continue
            for g in gaps:
                between = article.text[g.start : f.source.start]
                if g.start <= f.source.start and between.strip().lower() == "and":
                    code = self.extractor.coder.code_name(str(g.suggestion), ctx.year)
                    if code and code != f.source.code:
                        actor = Actor(code, str(g.suggestion), g.start, g.start, inferred=True)
                        extra.append(replace(f, source=actor, target=f.target))
        return extra

    def _event(self, article: Article, doc: Any, f: Found, pub: Any) -> Event:
        info = lexicon().info(f.code)
        trig = f.trigger
        return Event(
            code=f.code,
            cameo=f.cameo or info.cameo,
            source=f.source.code if f.source else None,
            source_name=f.source.name if f.source else None,
            target=f.target.code if f.target else None,
            target_name=f.target.name if f.target else None,
            mode=f.mode,
            factuality=f.factuality,
            date=self._date(article, f, pub),
            place=self._place(article, doc, f),
            evidence=f.evidence,
            goldstein=info.goldstein,
            quad_class=info.quad,
            trigger=(trig.idx, trig.idx + len(trig.text)),
            reported_by=f.reported_by,
            source_span=(f.source.start, f.source.end) if f.source else None,
            target_span=(f.target.start, f.target.end) if f.target else None,
        )

    @staticmethod
    def _date(article: Article, f: Found, pub: Any) -> str | None:
        s, e = f.evidence
        inside = [d for d in article.dates if s <= d.start < e]
        if inside:
            return min(inside, key=lambda d: abs(d.start - f.trigger.idx)).value
        return pub.isoformat() if pub else None

    @staticmethod
    def _place(article: Article, doc: Any, f: Found) -> PlaceRef | None:
        """The place of the event's clause or sentence, else the article's focus; never an actor."""
        s, e = f.evidence
        actor_spans = [(a.start, a.end) for a in (f.source, f.target) if a is not None]

        def is_actor(start: int, end: int) -> bool:
            return any(a < end and start < b for a, b in actor_spans)

        if article.places:
            best: tuple[int, PlaceRef] | None = None
            for p in article.places:
                if p.role == "actor":
                    continue
                guessed = (p.feature or "").startswith("near:")  # a name the gazetteer lacks
                for m in p.mentions:
                    if guessed and not _locative(doc, m.start, m.end):
                        continue  # "an attorney with Earthjustice": only "in/at X" makes X the scene
                    if s <= m.start < e and not is_actor(m.start, m.end):
                        dist = abs(m.start - f.trigger.idx)
                        if best is None or dist < best[0]:
                            best = (dist, p.ref())
            if best:
                return best[1]
        else:
            # without the places stage: a GPE/LOC governed by "in"/"at" in the sentence
            sent = f.trigger.sent
            best2: tuple[int, str] | None = None
            for ent in sent.ents:
                if ent.label_ not in PLACE_LABELS or is_actor(ent.start_char, ent.end_char):
                    continue
                head = ent.root.head
                if head.dep_ == "prep" and head.lower_ in {"in", "at", "near", "outside"}:
                    name = next((n for n in article.work.entity_of_span.values() if n == ent.text), ent.text)
                    dist = abs(ent.start_char - f.trigger.idx)
                    if best2 is None or dist < best2[0]:
                        best2 = (dist, name)
            if best2:
                return PlaceRef(best2[1])
        sentence_places = article.work.sentence_places
        if sentence_places:
            for i, sent in enumerate(doc.sents):
                if sent.start_char <= f.trigger.idx < sent.end_char:
                    if i in sentence_places:
                        return sentence_places[i]
                    break
        return article.work.focus.place


def _locative(doc: Any, start: int, end: int) -> bool:
    """The mention is the object of a locative preposition ("in", "at", "near", ...)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    head = span.root.head
    return head.dep_ == "prep" and head.lower_ in {"in", "at", "near", "outside", "inside", "into", "across"}

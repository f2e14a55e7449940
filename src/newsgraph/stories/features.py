"""What story clustering reads from a finished :class:`~newsgraph.model.Article`.

A :class:`StoryDoc` is the compact, typed view of one document that the
clusterer keeps: term counts of the title (the first line when there is no
title) and of the body, canonical entities, places (GeoNames ids, else the
name), event actors, the years and dates the text mentions, and the
publication day. It is built from the record alone, so it works on stored
documents as well as on fresh ones; it never reads ``metadata`` (which may
carry labels).
"""

from __future__ import annotations

import importlib.util
import math
import re
import runpy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..model import Article

_WORD = re.compile(r"[^\W\d_][\w'-]*|\d+(?:[.,]\d+)?", re.UNICODE)
ENTITY_TYPES = frozenset({"PERSON", "ORG", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})
MAX_TERMS = 400  # the body terms kept per document (most frequent), so memory per story is bounded


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read from its module file: importing ``spacy`` would
    cost the ingest's main process, which runs no spaCy, most of a second per run."""
    words: set[str] | None = None
    spec = importlib.util.find_spec("spacy")  # a top-level package: found, not imported
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "lang" / "en" / "stop_words.py"
        if path.is_file():
            words = runpy.run_path(str(path))["STOP_WORDS"]
            break
    if words is None:
        from spacy.lang.en.stop_words import STOP_WORDS

        words = STOP_WORDS
    return frozenset(words) | {"said", "says", "told", "new", "year", "years", "like", "just"}


def terms(text: str, bigrams: bool = False) -> Counter[str]:
    """Lower-cased word tokens without stop words (light plural folding) and numbers
    ("33", "6.1": ages, tolls and magnitudes tell one event from another of its kind);
    with ``bigrams``, also pairs of consecutive kept tokens."""
    stops = stop_words()
    out: Counter[str] = Counter()
    previous = None
    for match in _WORD.finditer(text or ""):
        word = match.group(0).lower().strip("'-")
        if word in stops or (len(word) < 3 and not word[:1].isdigit()):
            previous = None
            continue
        if word.endswith("'s"):
            word = word[:-2]
        elif len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out[word] += 1
        if bigrams and previous:
            out[f"{previous} {word}"] += 1
        previous = word
    return out


def day(value: str | None) -> date | None:
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@dataclass
class StoryDoc:
    id: str
    title: str = ""
    published: date | None = None
    source: str | None = None
    body: Counter[str] = field(default_factory=Counter)
    lead: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    actors: Counter[str] = field(default_factory=Counter)
    years: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    _tfs: dict[str, dict[str, float]] = field(default_factory=dict, repr=False, compare=False)

    def tf(self, f: str) -> dict[str, float]:
        """Sublinear term frequencies (1 + log count) of a field, computed once: the
        clusterer reads them for every story it compares the document with."""
        out = self._tfs.get(f)
        if out is None:
            out = self._tfs[f] = {k: 1.0 + math.log(v) for k, v in getattr(self, f).items() if v > 0}
        return out


def lead_text(article: Article) -> str:
    if article.title:
        return article.title
    for line in article.text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def from_article(article: Article) -> StoryDoc:
    """The story features of one analyzed document."""
    lead = lead_text(article)
    body = terms(f"{article.title or ''}\n{article.text}", bigrams=True)
    if len(body) > MAX_TERMS:
        body = Counter(dict(body.most_common(MAX_TERMS)))
    entities: Counter[str] = Counter()
    for e in article.entities:
        if e.type in ENTITY_TYPES:
            entities[e.name.lower()] += max(1, len(e.mentions))
    places: Counter[str] = Counter()
    for p in article.places:
        key = f"g{p.geonameid}" if p.geonameid is not None else f"n:{p.name.lower()}"
        places[key] += max(1, len(p.mentions))
    actors: Counter[str] = Counter()
    for ev in article.events:
        for code, name in ((ev.source, ev.source_name), (ev.target, ev.target_name)):
            if name:
                actors[f"n:{name.lower()}"] += 1
            elif code:
                actors[f"c:{code}"] += 1
    values = [d.value for d in article.dates if d.value]
    years = frozenset(v[:4] for v in values if re.match(r"\d{4}", v))
    full = frozenset(v[:10] for v in values if re.match(r"\d{4}-\d{2}-\d{2}", v))
    return StoryDoc(
        id=article.id,
        title=lead[:300],
        published=day(article.published),
        source=article.source,
        body=body,
        lead=terms(lead),
        entities=entities,
        places=places,
        actors=actors,
        years=years,
        dates=full,
    )

"""Find where a scraper lost words, and say which words were probably there.

Scrapers that drop link text leave grammatical holes: "Putin says and Washington
may" (a subject lost before "and"), "reduce violence in , following" (a
preposition with no object), "the US and had deep differences" (a conjunct lost
before a verb), "Russian President speaks" (a name lost after a title). Each
hole becomes a :class:`~newsgraph.model.Gap` whose ``start`` is where the missing
words would go (the start of the token after the hole).

Why a stage after ``entities`` and not part of ``clean``: the holes are found
on the parse (part-of-speech and dependencies tell a preposition from a
particle, a finite verb from a noun), and the suggestions come from the
document's own entities, so both need the spaCy Doc and the entity clusters.
Suggestions, in order of trust:

1. **the same context elsewhere**: the two words before the hole are followed
   by an entity somewhere else in the document ("Russian President [Vladimir
   Putin]");
2. **the missing partner of a pair**: the hole sits beside "and W"; elsewhere
   the document pairs W (or a name for the same country, via the lexicon) with
   X ("Moscow-Washington deal", "Washington and Moscow") -> X, given in the form
   W has (a capital for a capital, a country for a country);
3. **the salient place**: after a place preposition, the place the document
   names most (its headline counting extra) that is not already in the sentence.

No suggestion is made when none of these applies.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from ..model import Article, Gap
from .base import Stage

REPORT_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "announce",
        "add",
        "claim",
        "state",
        "insist",
        "note",
        "warn",
        "argue",
        "suggest",
        "believe",
        "think",
        "report",
        "confirm",
        "deny",
    ]
)
PLACE_PREPS = frozenset(
    [
        "in",
        "at",
        "from",
        "to",
        "into",
        "near",
        "across",
        "inside",
        "outside",
        "throughout",
        "within",
        "toward",
        "towards",
    ]
)
OBJECT_PREPS = PLACE_PREPS | frozenset(
    ["of", "on", "with", "by", "for", "between", "against", "about", "including", "among", "over", "under"]
)
TITLES = frozenset(
    [
        "president",
        "minister",
        "premier",
        "secretary",
        "chancellor",
        "king",
        "queen",
        "prince",
        "leader",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "governor",
        "mayor",
        "senator",
        "ambassador",
        "envoy",
        "general",
        "commander",
        "chief",
        "director",
    ]
)
PARTICLES = frozenset(["on", "off", "up", "down", "out", "over", "back", "away", "about"])
FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_AFTER_PLACE_PREP = re.compile(r"\b(?:in|at|from|to|near|across|into)\s+(?:the\s+)?$", re.IGNORECASE)
_PAIR = re.compile(
    r"\b([A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)?)\s*(?:-|–|—|/|\band\b|&)\s*(?:the\s+)?([A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)?)"
)


@lru_cache(maxsize=1)
def _forms() -> tuple[dict[str, str], dict[str, str]]:
    """ISO code -> country name, ISO code -> capital name (from the shared lexicon)."""
    from .. import lexicon

    country: dict[str, str] = {}
    capital: dict[str, str] = {}
    for name in lexicon.names().values():
        if name.iso2 and name.kb_id.startswith("iso3166:"):
            country.setdefault(name.iso2, name.canonical)
        elif name.iso2 and name.kb_id.startswith("capital:"):
            capital.setdefault(name.iso2, name.canonical)
    return country, capital


def _place(text: str) -> Any:
    from .. import lexicon

    name = lexicon.lookup(text.strip().removeprefix("the ").strip())
    return name if name is not None and name.iso2 else None


def _same_place(a: str, b: str) -> bool:
    if a.lower() == b.lower():
        return True
    pa, pb = _place(a), _place(b)
    return pa is not None and pb is not None and pa.iso2 == pb.iso2


def _in_form_of(partner: str, like: str) -> str:
    """``partner`` named the way ``like`` is: a capital for a capital, a country for a country."""
    p, w = _place(partner), _place(like)
    if p is None or w is None:
        return partner
    countries, capitals = _forms()
    if w.kb_id.startswith("capital:"):
        return capitals.get(p.iso2, partner)
    return countries.get(p.iso2, partner)


def _orphan_possessives(text: str, doc: Any) -> list[tuple[int, str, Any]]:
    """ "\n’s parent company", "in north ’s Inner": a possessive with no owner before it."""
    out = []
    for tok in doc:
        prev = doc[tok.i - 1] if tok.i > 0 else None
        if (
            tok.text in ("'s", "’s")
            and (tok.idx == 0 or text[tok.idx - 1].isspace())
            # "Boeing 's" is a spacing slip, not a lost name
            and (prev is None or prev.pos_ != "PROPN" or "\n" in text[prev.idx : tok.idx])
        ):
            out.append((tok.idx, "owner", tok))
    return out


def _loose_punctuation(text: str, doc: Any) -> list[tuple[int, str, Any]]:
    """ "said , senior trader", "in , following": a space before a comma, full stop or semicolon
    (a word ended there). Ellipses and decimals are not holes."""
    out = []
    for m in re.finditer(r"(?<=\w) +([,.;])(?=\s|$)", text):
        start = m.start(1)
        tokens = [t for t in doc if t.idx < start and not t.is_space]
        anchor = tokens[-1] if tokens else None
        out.append((start, "object", anchor))
    return out


class Gaps(Stage):
    name = "gaps"
    requires = ("doc", "entities")
    assigns = ("gaps", "gap_salience")

    def process(self, article: Article) -> Article:
        doc = article.doc
        if doc is None or not article.text.strip():
            return article
        try:
            article.gaps = self.find(article, doc)
        except (IndexError, ValueError, KeyError):  # odd parses must never sink the document
            article.gaps = []
        return article

    # -- detection ------------------------------------------------------------------
    def find(self, article: Article, doc: Any) -> list[Gap]:
        holes: dict[int, tuple[str, Any]] = {}  # start -> (kind, anchor token)
        n = len(doc)
        for i, tok in enumerate(doc):
            nxt = doc[i + 1] if i + 1 < n else None
            if nxt is None:
                break
            low = tok.lower_
            # "violence in , following": a preposition or article with nothing after it
            if (
                (
                    (low in OBJECT_PREPS and tok.tag_ in ("IN", "TO") and tok.dep_ != "prt")
                    # tagged a particle, but after a noun ("violence in ,"), not a verb ("came in,")
                    or (
                        low in OBJECT_PREPS - PARTICLES
                        and tok.tag_ == "RP"
                        and i > 0
                        and doc[i - 1].pos_ in ("NOUN", "PROPN")
                    )
                    or (tok.tag_ == "DT" and low in ("the", "a", "an"))
                )
                and nxt.is_punct
                and nxt.text in ",.;:)!?"
                and tok.whitespace_
            ) or (
                (low == "the" or (low in OBJECT_PREPS and tok.tag_ == "IN" and tok.dep_ != "prt"))
                and (
                    nxt.tag_ in ("IN", "CC", "VBD", "VBZ", "MD")
                    if low == "the"
                    # after "between and", a name or noun phrase follows (not "for and agree with")
                    else nxt.lower_ in ("and", "or")
                    and i + 2 < n
                    and doc[i + 2].pos_ in ("PROPN", "NOUN", "DET", "NUM")
                )
                and tok.whitespace_
                and not (i + 2 < n and doc[i + 2].pos_ in ("ADP", "ADV", "PART"))
                and not (i > 0 and doc[i - 1].text in "-–/")
            ):
                holes.setdefault(nxt.idx, ("object", tok))
            # "Putin says and Washington may": a reporting verb directly before "and" + a name
            elif (
                tok.lemma_ in REPORT_LEMMAS
                and tok.tag_ in FINITE
                and nxt.lower_ == "and"
                and i + 2 < n
                and doc[i + 2].text[:1].isupper()
            ):
                holes.setdefault(nxt.idx, ("pair-right", doc[i + 2]))
            # "said the US and had deep differences": a name, "and", then a finite verb with no subject
            elif low == "and" and tok.i > 0 and doc[i - 1].pos_ == "PROPN" and nxt.tag_ in FINITE:
                j = i - 1
                while j > 0 and doc[j - 1].pos_ == "PROPN":
                    j -= 1
                k = j - 1 if j > 0 and doc[j - 1].lower_ == "the" else j
                before = doc[k - 1] if k > 0 else None
                if before is None or before.lemma_ in REPORT_LEMMAS or before.lower_ == "that" or doc[k].is_sent_start:
                    holes.setdefault(nxt.idx, ("pair-left", doc[i - 1]))
            # "Russian President speaks during": a title with no name, no article, then a verb
            elif (
                low in TITLES
                and tok.text[:1].isupper()
                and nxt.tag_ in ("VBZ", "VBD")
                and i > 0
                and doc[i - 1].text[:1].isupper()
                and doc[i - 1].lower_ not in ("the", "a", "an")
                and (i < 2 or doc[i - 2].lower_ not in ("the", "a", "an", "'s", "’s"))
            ):
                holes.setdefault(nxt.idx, ("name", tok))
        for m in re.finditer(r"\(\s*\)|\[\s*\]", article.text):
            holes.setdefault(m.start() + 1, ("object", None))
        for start, kind, anchor in [*_orphan_possessives(article.text, doc), *_loose_punctuation(article.text, doc)]:
            holes.setdefault(start, (kind, anchor))
        gaps = []
        for start, (kind, anchor) in sorted(holes.items()):
            gaps.append(Gap(start=start, suggestion=self.suggest(article, doc, start, kind, anchor)))
        return gaps

    # -- suggestions ---------------------------------------------------------------------
    def _salience(self, article: Article) -> Counter[str]:
        cached = article.work.gap_salience
        if cached is not None:
            return cached
        title = article.title or ""
        first_line = article.text.split("\n", 1)[0]
        headline = title + " " + (first_line if first_line.strip() != title.strip() else "")
        caption_text = " ".join(c.text for c in article.captions)
        score: Counter[str] = Counter()
        for e in article.entities:
            score[e.name] += len(e.mentions)
            surfaces = {e.name, *(m.text for m in e.mentions)}
            if any(s and re.search(rf"\b{re.escape(s)}\b", headline) for s in surfaces):
                score[e.name] += 3
            if any(s and s in caption_text for s in surfaces):
                score[e.name] += 1
        article.work.gap_salience = score
        return score

    def suggest(self, article: Article, doc: Any, start: int, kind: str, anchor: Any) -> str | None:
        text = article.text
        found = self._by_context(article, start) or self._by_right_context(article, start)
        if found:
            return found
        if kind in ("pair-right", "pair-left") and anchor is not None:
            partner = self._partner(article, anchor, start)
            if partner:
                return partner
        sent = ""
        if anchor is not None:  # the sentence, but never past a line break (headlines run on)
            lo, hi = anchor.sent.start_char, anchor.sent.end_char
            lo = max(lo, text.rfind("\n", 0, anchor.idx) + 1)
            nl = text.find("\n", anchor.idx)
            sent = text[lo : hi if nl < 0 else min(hi, nl)]
        if (kind == "object" and anchor is not None and anchor.lower_ in PLACE_PREPS) or kind == "pair-right":
            return self._salient(article, sent, ("GPE", "LOC"))
        return None

    def _salient(self, article: Article, sent: str, types: tuple[str, ...]) -> str | None:
        """The most salient place not already named in ``sent``.

        A candidate must be a place for sure: a country or capital of the lexicon, or
        named after a place preposition somewhere in the document ("in Hangzhou").
        """
        kinds = {e.name: e for e in article.entities if e.type in types}
        text = article.text
        for name, _ in self._salience(article).most_common():
            e = kinds.get(name)
            if e is None:
                continue
            if sent and (name in sent or any(m.text in sent for m in e.mentions)):
                continue
            if _place(name) is None and not any(
                _AFTER_PLACE_PREP.search(text[max(0, m.start - 12) : m.start]) for m in e.mentions
            ):
                continue
            return name
        return None

    def _entity_at(self, article: Article, start: int | None = None, end: int | None = None) -> str | None:
        for e in article.entities:
            if e.type not in ("PERSON", "GPE", "ORG", "LOC", "NORP"):
                continue
            for mention in e.mentions:
                if (start is not None and mention.start == start) or (end is not None and mention.end == end):
                    return e.name
        return None

    def _by_context(self, article: Article, start: int) -> str | None:
        """An entity that follows the same two words elsewhere in the document."""
        before = re.findall(r"[\w’'-]+", article.text[max(0, start - 80) : start])[-2:]
        if len(before) < 2 or all(w.lower() in OBJECT_PREPS or w.lower() in ("the", "a", "an") for w in before):
            return None
        pattern = re.compile(r"\b" + r"\W+".join(re.escape(w) for w in before) + r"\s+")
        for m in pattern.finditer(article.text):
            if abs(m.end() - start) >= 3 and (name := self._entity_at(article, start=m.end())):
                return name
        return None

    def _by_right_context(self, article: Article, start: int) -> str | None:
        """An entity that precedes the same two words elsewhere ("[WeWork]’s parent company")."""
        after = re.findall(r"[’']s\b|[\w-]+", article.text[start : start + 80])[:2]
        if len(after) < 2 or all(w.lower() in OBJECT_PREPS or w.lower() in ("the", "a", "an", "and") for w in after):
            return None
        pattern = re.compile(r"\s*".join(re.escape(w) for w in after) + r"\b")
        for m in pattern.finditer(article.text):
            if abs(m.start() - start) < 3:
                continue
            end = m.start()
            while end > 0 and article.text[end - 1] == " ":
                end -= 1
            if name := self._entity_at(article, end=end):
                return name
        return None

    def _partner(self, article: Article, anchor: Any, start: int) -> str | None:
        """The name the document pairs with ``anchor`` ("Moscow-Washington", "Washington and Moscow")."""
        word = anchor.text
        if anchor.ent_iob_ in ("B", "I") and anchor.ent_type_:
            ent = next((e for e in anchor.doc.ents if e.start <= anchor.i < e.end), None)
            word = ent.text if ent is not None else word
        sources = [(article.text, 0)]
        if article.title and article.title not in article.text:
            sources.append((article.title, -1))
        votes: Counter[str] = Counter()
        for source, offset in sources:
            for m in _PAIR.finditer(source):
                if offset == 0 and m.start() <= start <= m.end() + 1:
                    continue
                a, b = m.group(1), m.group(2)
                if _same_place(a, word) and not _same_place(b, word):
                    votes[b] += 1
                elif _same_place(b, word) and not _same_place(a, word):
                    votes[a] += 1
        votes = Counter({k: v for k, v in votes.items() if _place(k) is not None})
        if not votes:
            return None
        salience = self._salience(article)
        best = max(votes, key=lambda k: (votes[k], salience.get(k, 0)))
        return _in_form_of(best, word)

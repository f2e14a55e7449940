"""Counts: how many were killed, wounded, arrested, displaced, protesting, affected.

A count is a number (digits "400,000", words "three", "dozens", "tens of
thousands") on a noun that is the subject or object of a count verb ("more than
400,000 people have been killed", "killing at least 156 people", "arrested 20
protesters") or a count noun ("the death toll rose to 200", "5,000 demonstrators").
The qualifier keeps "more than", "at least", "nearly", "up to"; the place is the
sentence's place (in/at a GPE) or the article's focus.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Article, Count, PlaceRef
from ..nlp import doc_text
from ..textutil import CARDINALS
from .base import Stage

VERBS = {
    "kill": "KILL",
    "die": "KILL",
    "murder": "KILL",
    "massacre": "KILL",
    "execute": "KILL",
    "slay": "KILL",
    "behead": "KILL",
    "wound": "WOUND",
    "injure": "WOUND",
    "hurt": "WOUND",
    "arrest": "ARREST",
    "detain": "ARREST",
    "jail": "ARREST",
    "imprison": "ARREST",
    "hold": "ARREST",
    "displace": "DISPLACE",
    "flee": "DISPLACE",
    "evacuate": "DISPLACE",
    "deport": "DISPLACE",
    "expel": "DISPLACE",
    "uproot": "DISPLACE",
    "protest": "PROTEST",
    "demonstrate": "PROTEST",
    "rally": "PROTEST",
    "march": "PROTEST",
    "strike": "PROTEST",
    "affect": "AFFECT",
    "starve": "AFFECT",
    "kidnap": "KIDNAP",
    "abduct": "KIDNAP",
    "missing": "MISSING",
}
NOUNS = {
    "dead": "KILL",
    "death": "KILL",
    "fatality": "KILL",
    "casualty": "KILL",
    "body": "KILL",
    "victim": "KILL",
    "wounded": "WOUND",
    "injured": "WOUND",
    "injury": "WOUND",
    "arrest": "ARREST",
    "detainee": "ARREST",
    "prisoner": "ARREST",
    "refugee": "DISPLACE",
    "displaced": "DISPLACE",
    "evacuee": "DISPLACE",
    "protester": "PROTEST",
    "demonstrator": "PROTEST",
    "marcher": "PROTEST",
    "striker": "PROTEST",
}
WORD_NUMBERS = {
    **{k: v for k, v in CARDINALS.items() if v},
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "dozens": 24,
    "scores": 40,
    "score": 20,
    "hundreds": 200,
    "thousands": 2000,
    "millions": 2_000_000,
    "a": 1,
    "an": 1,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
QUALIFIERS = (
    "more than",
    "at least",
    "nearly",
    "almost",
    "up to",
    "about",
    "around",
    "over",
    "some",
    "fewer than",
    "less than",
    "as many as",
    "roughly",
    "approximately",
    "an estimated",
    "close to",
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def parse_number(tokens: list[Any]) -> int | None:
    """The value of number tokens: "400,000", "three", "2.5 million", "tens of thousands"."""
    words = [t.lower_ for t in tokens if t.lower_ not in {"of", "-"}]
    if not words:
        return None
    if words[:1] == ["tens"] and "thousands" in words:
        return 20_000
    if words[:1] == ["hundreds"] and "thousands" in words:
        return 200_000
    value: float | None = None
    for w in words:
        w = w.replace(",", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            value = float(w) if value is None else value * float(w)
        elif w in SCALES and value is not None:
            value *= SCALES[w]
        elif w in WORD_NUMBERS:
            n = WORD_NUMBERS[w]
            value = float(n) if value is None else (value * n if n >= 100 else value + n)
    return int(value) if value is not None else None


def _number_of(noun: Any) -> tuple[int, str | None, Any] | None:
    """(number, qualifier, number token) for a noun with a numeric modifier, or a bare number."""
    nums = [c for c in noun.children if c.dep_ == "nummod" or (c.dep_ in {"amod", "quantmod"} and c.like_num)]
    if not nums and noun.like_num:
        nums = [noun]
    if not nums and noun.lower_ in WORD_NUMBERS and noun.lower_ not in {"a", "an"}:
        nums = [noun]
    if not nums:
        # "dozens of people", "tens of thousands of students"
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in WORD_NUMBERS | {"tens": 0}.keys():
            return _number_of(head.head)
        return None
    num = nums[0]
    tokens = [
        t for t in num.subtree if t.like_num or t.lower_ in WORD_NUMBERS or t.lower_ in SCALES or t.lower_ == "tens"
    ]
    if num.lower_ in {"tens", "hundreds"}:
        tokens = [num, *[t for t in num.subtree if t.lower_ == "thousands"]]
    value = parse_number(tokens or [num])
    if value is None:
        return None
    text = doc_text(num.doc)
    before = text[max(0, num.left_edge.idx - 20) : num.idx + len(num.text)].lower()
    qualifier = next((q for q in QUALIFIERS if q in before), None)
    return value, qualifier, num


def _object_word(noun: Any) -> str | None:
    """What was counted: "people", "soldier"; through "dozens of demonstrators"."""
    if noun.like_num or noun.lower_ in WORD_NUMBERS:
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return _object_word(p)
        return None
    return str(noun.lemma_)


def _place(sent: Any, article: Article) -> PlaceRef | None:
    for ent in sent.ents:
        if ent.label_ in PLACE_LABELS and ent.root.head.lower_ in {"in", "at", "near"}:
            # the places stage's resolution of this mention, when it ran
            for p in article.places:
                if any(m.start == ent.start_char and m.end == ent.end_char for m in p.mentions):
                    return p.ref()
            return PlaceRef(ent.text)
    return article.work.focus.place


class Counts(Stage):
    name = "counts"
    requires = ("doc",)
    assigns = ("counts",)

    def process(self, article: Article) -> Article:
        doc = article.doc
        out: list[Count] = []
        seen: set[tuple[int, int, int]] = set()
        if doc is None:
            article.counts = []
            return article
        for sent in doc.sents:
            for tok in sent:
                try:
                    for kind, noun in self._candidates(tok):
                        found = _number_of(noun)
                        if found is None or found[0] <= 0:
                            continue
                        number, qualifier, num = found
                        key = (num.i, num.i, sent.start)  # one count per number: "arrested dozens of demonstrators"
                        if key in seen:
                            continue
                        seen.add(key)
                        obj = _object_word(noun)
                        out.append(
                            Count(kind, number, qualifier, obj, _place(sent, article), (sent.start_char, sent.end_char))
                        )
                except (ValueError, IndexError, AttributeError):
                    continue
        article.counts = out
        return article

    @staticmethod
    def _candidates(tok: Any) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        lemma = tok.lemma_.lower()
        if tok.pos_ in {"VERB", "ADJ"} and lemma in VERBS:
            kind = VERBS[lemma]
            deps = (
                {"nsubjpass", "dobj"}
                if kind not in {"PROTEST", "DISPLACE"} or lemma in {"deport", "expel", "evacuate", "displace"}
                else {"nsubj"}
            )
            if lemma == "die":
                deps = {"nsubj"}
            for c in tok.children:
                if c.dep_ in deps:
                    out.append((kind, c))
            # "the death toll rose to more than 200"
        if tok.pos_ == "NOUN" and lemma in NOUNS:
            out.append((NOUNS[lemma], tok))
        if lemma == "toll" and tok.dep_ == "nsubj":
            for c in tok.head.children:
                if c.dep_ == "prep" and c.lower_ == "to":
                    for p in c.children:
                        if p.dep_ == "pobj" and p.like_num:
                            out.append(("KILL", p))
        return out

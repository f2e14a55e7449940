"""In-document coreference: pronouns, role descriptions and surnames -> canonical entity names.

A shared service: the quotes stage reads it for speakers, the events stage for
actors. Pure rules over the spaCy parse and the ``entities`` stage's clusters,
so it costs little next to the parse.

* Names: every entity mention maps to its canonical name (the entities stage
  already links "Putin" to "Vladimir Putin").
* Role descriptions ("the Russian president", "the envoy", "The US
  president"): a definite noun phrase headed by a title word links to the
  PERSON whose mentions carry that title ("Russian President Vladimir Putin",
  "Putin, the Russian president"); a country word in the description
  ("Russian", "US") must agree with the person's own country words, and among
  the people that fit, the most recently mentioned wins.
* Pronouns ("he", "she", "his", "her"): the nearest earlier PERSON of a
  compatible gender, preferring the same sentence, then subjects of earlier
  sentences. Gender comes from honorifics, gendered titles, a list of common
  first names and, failing those, which pronouns follow the person's mentions.
  "they"/"their" link to the most recent ORG or NORP.

The result is ``article.work.coref``: a dict mapping mention spans
``(start, end)`` to canonical names; :func:`resolve` looks a span up.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .. import lexicon
from ..datafiles import load_data
from ..model import Article, Span
from .base import Stage

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSON_LABELS = frozenset({"PERSON"})
GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
# Words written before a name that say nothing about the office held.
GENERIC_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sir", "counterpart", "colleague", "rev"})
# How many sentences back a pronoun may reach for its antecedent.
PRONOUN_WINDOW = 4


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_data("coref.yaml")


@lru_cache(maxsize=1)
def role_nouns() -> frozenset[str]:
    """Nouns that describe a person by office or role ("president", "envoy", "spokesman")."""
    words = set(_data()["roles"])
    words.update(t for t in lexicon.titles() if t.isalpha())
    return frozenset(w.lower() for w in words) - frozenset(_data()["not_roles"])


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    data = _data()
    out = {n.lower(): "f" for n in data["female_names"]}
    out.update({n.lower(): "m" for n in data["male_names"]})
    return out


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Nationality adjective (lower case) -> canonical country name."""
    out = {k.lower(): v for k, v in _data()["demonyms"].items()}
    for form, entry in lexicon.names().items():
        if entry.kb_id.startswith("iso3166"):
            out.setdefault(form.lower(), entry.canonical)
    return out


def country_of(word: str) -> str | None:
    """The country a nationality word or country name stands for ("Russian" -> "Russia")."""
    w = word.strip(".").lower()
    table = demonyms()
    if w in table:
        return table[w]
    if w.replace(".", "") in table:
        return table[w.replace(".", "")]
    entry = lexicon.lookup(word)
    if entry is not None and entry.kb_id.startswith("iso3166"):
        return entry.canonical
    # regular demonyms: Syrian, Iranian, Israeli, Iraqi, Kenyan...
    for suffix in ("ian", "an", "i", "ese", "ish"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            stem = w[: -len(suffix)]
            for candidate in (stem, stem + "a", stem + "ia", stem + "y", stem + "e"):
                if candidate in table:
                    return table[candidate]
    return None


@dataclass
class Person:
    name: str
    gender: str | None = None  # "m" | "f" | None
    titles: set[str] = field(default_factory=set)  # lower-cased title words
    countries: set[str] = field(default_factory=set)
    votes: Counter[str] = field(default_factory=Counter)


@dataclass
class _Mention:
    tok: int  # head token index
    sent: int
    name: str
    label: str
    subject: bool


class Coref(Stage):
    name = "coref"
    requires = ("doc", "entities", "entity_of_span")
    assigns = ("coref", "coref_people")

    def process(self, article: Article) -> Article:
        try:
            article.work.coref = build_chains(article)
        except Exception as exc:  # a broken parse must not lose the document: names alone still resolve
            self.warn(article, "chains not built, names only", exc)
            article.work.coref = dict(article.work.entity_of_span)
        return article


def resolve(article: Article, start: int, end: int) -> str | None:
    """The canonical entity name a text span refers to, or None.

    Exact mention spans first; otherwise the mention inside the span that is
    most likely its head (a PERSON, the last one), so that a speaker span as
    written ("Former Secretary of State Hillary Clinton") resolves too.
    """
    chains = article.work.coref
    if chains is None:
        chains = article.work.entity_of_span
    if (start, end) in chains:
        return chains[(start, end)]
    keys = article.work.coref_keys
    if keys is None or len(keys) != len(chains):
        keys = sorted(chains)
        article.work.coref_keys = keys
    lo = bisect.bisect_left(keys, (start, -1))
    inside = []
    for s, e in keys[lo:]:
        if s >= end:
            break
        if e <= end:
            inside.append((s, e))
    if not inside:
        return None
    text = article.text
    # an owner is not the phrase's head: "Reid's rep", "her publicist", "the American Pie
    # star's rep" are not Reid, nor "American"; the head comes after the last possessive
    owned = _last_possessive(text, start, end)
    inside = [se for se in inside if se[0] >= owned]
    if not inside:
        return None
    people = article.work.coref_people
    # the head of an English noun phrase comes before a comma, a relative clause or
    # an apposition: the last person named before the first comma
    heads = [se for se in inside if chains[se] in people and "," not in text[start : se[0]]]
    if heads:
        return chains[heads[-1]]
    persons = [se for se in inside if chains[se] in people]
    if persons:
        return chains[persons[0]]
    return chains[inside[0]]


# a possessive marker ("Reid's", "Klitschkos'") or possessive pronoun, with a word after it
_OWNED = re.compile(r"(?:['’]s?|\b(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Mm]y|[Oo]ur|[Yy]our)\b)\s+(?=\w)")


def _last_possessive(text: str, start: int, end: int) -> int:
    """Where the owned part of a phrase begins: after its last possessive followed by a word
    ("the star's | rep", "her | publicist"), else the phrase's start."""
    found = start
    for m in _OWNED.finditer(text, start, end):
        found = m.end()
    return found


def _sentence_index(doc: Any) -> list[int]:
    idx = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            idx[i] = n
    return idx


def _is_subject(tok: Any) -> bool:
    t = tok
    # walk up compound/flat name parts to the phrase head
    while t.dep_ in {"compound", "flat", "appos"} and t.head is not t:
        t = t.head
    return t.dep_ in {"nsubj", "nsubjpass"}


def build_chains(article: Article) -> dict[Span, str]:
    doc = article.doc
    chains: dict[Span, str] = dict(article.work.entity_of_span)
    if doc is None or len(doc) == 0:
        return chains
    sent_of = _sentence_index(doc)
    labels = {e.name: e.type for e in article.entities}
    people: dict[str, Person] = {e.name: Person(e.name) for e in article.entities if e.type in PERSON_LABELS}
    article.work.coref_people = set(people)
    # token index -> entity name for every entity mention
    mentions: list[_Mention] = []
    covered: set[int] = set()
    for e in article.entities:
        for m in e.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            covered.update(range(span.start, span.end))
            head = span.root
            mentions.append(_Mention(head.i, sent_of[head.i], e.name, e.type, _is_subject(head)))
            if e.name in people:
                _describe(doc, span, people[e.name])
    mentions.sort(key=lambda m: m.tok)
    _guess_genders(doc, people, mentions, sent_of)

    # Walk the document once, resolving pronouns and role descriptions in order.
    history: list[_Mention] = []
    mi = 0
    for tok in doc:
        while mi < len(mentions) and mentions[mi].tok < tok.i:
            history.append(mentions[mi])
            mi += 1
        if tok.i in covered:
            continue
        low = tok.lower_
        if tok.pos_ == "PRON" and (low in MALE_PRONOUNS or low in FEMALE_PRONOUNS):
            gender = "m" if low in MALE_PRONOUNS else "f"
            name = _pronoun_antecedent(tok, gender, history, people, sent_of)
            if name:
                chains[(tok.idx, tok.idx + len(tok.text))] = name
                history.append(_Mention(tok.i, sent_of[tok.i], name, "PERSON", _is_subject(tok)))
        elif tok.pos_ == "PRON" and low in PLURAL_PRONOUNS:
            name = _group_antecedent(tok, history, labels, sent_of)
            if name:
                chains[(tok.idx, tok.idx + len(tok.text))] = name
        elif tok.pos_ in {"NOUN", "PROPN"} and low in role_nouns() and tok.dep_ != "compound":
            found = _role_description(doc, tok, covered)
            if found is None:
                continue
            span, words, countries = found
            # "a ministry spokesman" is somebody only when the story named a spokesman before
            indefinite = doc[span.start].lower_ in {"a", "an"}
            name = _role_antecedent(words, countries, history, people, strict=indefinite)
            if name:
                chains[(span.start_char, span.end_char)] = name
                history.append(_Mention(tok.i, sent_of[tok.i], name, "PERSON", _is_subject(tok)))
    return chains


def _describe(doc: Any, span: Any, person: Person) -> None:
    """Collect the titles and country words written next to a person's mention."""
    words: list[Any] = []
    j = span.start - 1
    while j >= 0 and span.start - j <= 7:
        t = doc[j]
        if t.is_title or t.is_upper or t.lower_ in {"of", "for", "the", "to", "-"} or t.lower_ in role_nouns():
            if t.lower_ == "the" or (t.is_punct and t.text != "-"):
                break
            words.append(t)
            j -= 1
        else:
            break
    # appositions and copulas: "Putin, the Russian president," / "Obama, who is president"
    for t in span.root.children:
        if t.dep_ == "appos" and t.i >= span.end:
            words.extend(x for x in t.subtree if x.i < t.i + 1)
    if span.root.dep_ == "appos" and span.root.head.i < span.start:
        words.extend(x for x in span.root.head.subtree if x.i < span.start)
    roles = role_nouns()
    for t in words:
        low = t.lower_.strip(".")
        if low in roles:
            person.titles.add(low)
        country = country_of(t.text) if t.text[:1].isupper() else None
        if country:
            person.countries.add(country)
        if low in {"mr", "sir", "lord"}:
            person.votes["m"] += 5
        elif low in {"mrs", "ms", "miss", "lady", "madam"}:
            person.votes["f"] += 5
    gendered = _data()["gendered_roles"]
    for title in person.titles:
        if title in gendered:
            person.votes[gendered[title]] += 5


def _guess_genders(doc: Any, people: dict[str, Person], mentions: list[_Mention], sent_of: list[int]) -> None:
    names = first_names()
    for person in people.values():
        first = re.split(r"[\s.]+", person.name.strip())[0].lower()
        if first in names:
            person.votes[names[first]] += 3
    # which pronoun follows a person as the subject of the next clause
    last_person: _Mention | None = None
    mi = 0
    for tok in doc:
        while mi < len(mentions) and mentions[mi].tok < tok.i:
            if mentions[mi].name in people:
                last_person = mentions[mi]
            mi += 1
        if last_person is None or tok.pos_ != "PRON" or sent_of[tok.i] - last_person.sent > 1:
            continue
        low = tok.lower_
        if low in {"he", "his", "him"}:
            people[last_person.name].votes["m"] += 1
        elif low in {"she", "her"}:
            people[last_person.name].votes["f"] += 1
    for person in people.values():
        m, f = person.votes["m"], person.votes["f"]
        person.gender = "m" if m > f else "f" if f > m else None


def _pronoun_antecedent(
    tok: Any, gender: str, history: list[_Mention], people: dict[str, Person], sent_of: list[int]
) -> str | None:
    here = sent_of[tok.i]
    best: tuple[tuple[int, int, int, int], str] | None = None
    for m in reversed(history):
        if here - m.sent > PRONOUN_WINDOW:
            break
        if m.name not in people:
            continue
        g = people[m.name].gender
        if g is not None and g != gender:
            continue
        distance = here - m.sent
        # same sentence: the nearest person (usually the subject of the reporting verb);
        # earlier sentences: subjects first, then recency
        key = (distance, 0 if g == gender else 1, 0 if (m.subject or distance == 0) else 1, -m.tok)
        if best is None or key < best[0]:
            best = (key, m.name)
    return best[1] if best else None


def _group_antecedent(tok: Any, history: list[_Mention], labels: dict[str, str], sent_of: list[int]) -> str | None:
    here = sent_of[tok.i]
    for m in reversed(history):
        if here - m.sent > 1:
            break
        if labels.get(m.name) in {"ORG", "NORP"} and m.subject:
            return m.name
    return None


def _role_description(doc: Any, tok: Any, covered: set[int]) -> tuple[Any, set[str], set[str]] | None:
    """A definite description headed by ``tok``: its span, title words and country words."""
    left = [c for c in tok.lefts]
    det = next((c for c in left if c.dep_ == "det"), None)
    poss = next((c for c in left if c.dep_ == "poss"), None)
    if det is None and poss is None:
        return None
    if det is not None and det.lower_ not in {"the", "this", "that", "a", "an"}:
        return None
    if poss is not None and not (poss.ent_type_ in {"GPE", "NORP", "ORG"} or poss.i in covered):
        return None  # "his spokesman" is somebody else
    start = min([tok.i, *(c.i for c in left if c.dep_ in {"det", "amod", "compound", "poss", "nmod"})])
    span = doc[start : tok.i + 1]
    words = {tok.lower_}
    countries: set[str] = set()
    for t in list(span) + [x for c in tok.rights if c.dep_ == "prep" and c.lower_ == "of" for x in c.subtree]:
        low = t.lower_.strip(".")
        if low in role_nouns():
            words.add(low)
        if t.text[:1].isupper() or t.ent_type_ in {"GPE", "NORP"}:
            c = country_of(t.text)
            if c:
                countries.add(c)
    if tok.i + 1 < len(doc) and doc[tok.i + 1].ent_type_ == "PERSON":
        return None  # a title before a name: the name itself is the mention
    return span, words, countries


def _role_antecedent(
    words: set[str], countries: set[str], history: list[_Mention], people: dict[str, Person], strict: bool = False
) -> str | None:
    seen: set[str] = set()
    fallback: str | None = None
    for m in reversed(history):
        if m.name not in people or m.name in seen:
            continue
        seen.add(m.name)
        person = people[m.name]
        if countries and person.countries and not (countries & person.countries):
            continue
        if person.titles & words:
            if not countries or not person.countries or countries & person.countries:
                return m.name
        elif fallback is None and countries and not person.countries and not person.titles - GENERIC_TITLES:
            # "The US president" after "counterpart Barack Obama": a person with no
            # title on record and no conflicting country may be the one described
            fallback = m.name
    return None if strict else fallback

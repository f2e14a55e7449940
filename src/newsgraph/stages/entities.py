"""Named entities: spaCy NER, repaired and grouped into one entity per real-world referent.

1. Before the statistical NER, an entity ruler marks countries and IGOs by
   their curated names (``lexicon``), so the small model cannot swallow them
   into longer spans ("Syria Staffan de Mistura"). After it, a second ruler
   adds capitals and IGO short forms the model missed.
2. A repair pass fixes what the small model gets wrong in news patterns:
   ``TITLE [for|of PLACE] Firstname Lastname`` is a person, whatever label
   the name got ("UN Special Envoy for Syria Staffan de Mistura").
3. Mentions are clustered per document under one canonical name: a surname
   or first name links to the full name that contains it ("Assad" ->
   "Bashar al-Assad"), curated short forms to their long form ("UN" ->
   "United Nations"), and an acronym to the name it abbreviates.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from .. import lexicon
from ..model import Article, Entity, Mention
from .base import Stage
from .entity_orgs import build_matcher, dictionary_orgs
from .entity_rules import companies, surnames, teams, trim_org

SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Country names that are also common given names or words: left to the model.
AMBIGUOUS = frozenset({"Jordan", "Chad", "Georgia", "Niger", "Guinea", "Israel", "Turkey", "China", "Mali"})
RELABEL_AS_PERSON = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART", "FAC", "LOC"})
NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "della",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "bin",
        "ibn",
        "al",
        "el",
        "le",
        "la",
        "abu",
        "dos",
        "das",
        "ter",
    }
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_ABBREV_WORD = re.compile(r"[A-Z]")
_INITIALS = re.compile(r"(?:^|[\s(])(?:[A-Za-z]\.){2,}$")


def clean_mention(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = _POSSESSIVE.sub("", text)
    if _INITIALS.search(text):  # "U.N.", "U.S.": the last dot is the abbreviation's
        return text.strip(" -–—,;:\"“”'‘’()")
    return text.strip(" -–—,.;:\"“”'‘’()")


def name_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-‐]+", name) if w]


def acronym(name: str) -> str:
    return "".join(w[0] for w in name_words(name) if w[0].isupper())


class Entities(Stage):
    name = "entities"
    requires = ("doc",)
    assigns = ("entities", "entity_of_span")

    def configure_nlp(self, nlp: Any) -> None:
        before: list[dict[str, Any]] = []
        after: list[dict[str, Any]] = []
        for form, entry in lexicon.names().items():
            pattern = {"label": entry.label, "pattern": form, "id": entry.canonical}
            if (entry.kb_id.startswith("iso3166") and form not in AMBIGUOUS) or (
                entry.kb_id.startswith("igo") and (form.isupper() or len(form.split()) > 1)
            ):
                before.append(pattern)
            else:
                after.append(pattern)
        # The rulers match phrases on ORTH, which only the tokenizer sets; spaCy's
        # add_patterns runs every component before the ruler over each pattern (tagger,
        # parser and, for the second ruler, the NER: half a second of start-up), so they
        # are disabled while the patterns are added. The pattern Docs' tokens, and so the
        # rulers' matches, are the same.
        if "newsgraph_ruler_before" not in nlp.pipe_names:
            ruler = nlp.add_pipe("entity_ruler", name="newsgraph_ruler_before", before="ner")
            with nlp.select_pipes(enable=[]):
                ruler.add_patterns(before)
        if "newsgraph_ruler_after" not in nlp.pipe_names:
            ruler = nlp.add_pipe("entity_ruler", name="newsgraph_ruler_after", after="ner")
            with nlp.select_pipes(enable=[]):
                ruler.add_patterns(after)
        self.org_matcher = build_matcher(nlp)

    leaders: dict[str, list[Any]] | None = None
    org_matcher: Any = None

    def setup(self) -> None:
        from ..coding.actors import leader_table

        self.leaders = leader_table(self.settings.actors_file)

    def process(self, article: Article) -> Article:
        doc = article.doc
        spans = repair(doc)
        if self.org_matcher is not None:
            spans = dictionary_orgs(doc, spans, self.org_matcher)
        corrected = teams(doc, companies(doc, surnames(doc, trim_org(doc, spans))))
        # a team named after its town is another referent than the town: its own entity
        before = {(s, e): label for s, e, _, label, _ in spans}
        article.entities = cluster(
            corrected, separate={s for s, e, _, label, _ in corrected if label == "ORG" and before.get((s, e)) != "ORG"}
        )
        if self.leaders:
            article.entities = name_known_people(article.entities, self.leaders, _year(article.published))
        article.work.entity_of_span = {(m.start, m.end): e.name for e in article.entities for m in e.mentions}
        return article


def _year(published: str | None) -> int | None:
    m = re.match(r"(\d{4})", published or "")
    return int(m.group(1)) if m else None


def name_known_people(entities: list[Entity], leaders: dict[str, list[Any]], year: int | None) -> list[Entity]:
    """Give a person named only by surname ("Obama") the full name of the one curated
    leader (coding/leaders.yaml, plus the user's actors_file) who goes by it, when
    the article's year is unknown or near that leader's time in office. A name that
    fits several leaders ("Bush") is left as written unless the year decides."""
    by_name = {e.name: e for e in entities}
    out: list[Entity] = []
    for entity in entities:
        if entity.type == "PERSON" and len(name_words(entity.name)) == 1:
            candidates = {
                leader.name
                for leader in leaders.get(entity.name.lower(), [])
                if leader.name != entity.name and _near_office(leader, year)
            }
            if len(candidates) == 1:
                full = candidates.pop()
                if full in by_name and by_name[full] is not entity and by_name[full].type == "PERSON":
                    by_name[full].mentions = sorted(by_name[full].mentions + entity.mentions, key=lambda m: m.start)
                    continue
                entity.name = full
        out.append(entity)
    return out


def _near_office(leader: Any, year: int | None) -> bool:
    if year is None:
        return True
    start = leader.start if leader.start is not None else year
    end = leader.end if leader.end is not None else year
    return start - 2 <= year <= end + 4


def _is_name_token(tok: Any) -> bool:
    return tok.is_title or tok.lower_ in NAME_PARTICLES or (tok.text in {"-", "‐"} and tok.i > 0)


def repair(doc: Any) -> list[tuple[int, int, str, str, str | None]]:
    """Entity spans as (start_char, end_char, text, label, canonical) after the title repair."""
    ents = [e for e in doc.ents if e.label_ not in SKIP_LABELS]
    titles = lexicon.titles()
    people: list[tuple[int, int]] = []  # token ranges forced to PERSON
    for tok in doc:
        if tok.lower_ not in titles or tok.i + 1 >= len(doc):
            continue
        j = tok.i + 1
        # skip "for|of|to PLACE" and further title words: "Envoy for Syria", "Minister of Foreign Affairs"
        while j < len(doc):
            t = doc[j]
            if t.lower_ in titles:
                j += 1
            elif t.lower_ in {"for", "of", "to", "on"} and j + 1 < len(doc) and doc[j + 1].is_title:
                k = j + 1
                if doc[k].ent_type_ in {"GPE", "ORG", "LOC", "NORP"} and doc[k].ent_iob_ == "B" and doc[k].ent_id_:
                    # a curated place or IGO: skip the whole entity
                    while (k < len(doc) and doc[k].ent_iob_ == "I") or k == j + 1:
                        k += 1
                    j = k
                else:
                    break
            else:
                break
        start = j
        while (
            j < len(doc)
            and _is_name_token(doc[j])
            and not doc[j].ent_id_
            and doc[j].pos_ in {"PROPN", "ADP", "PUNCT", "X", "NOUN"}
        ):
            j += 1
        while j > start and not doc[j - 1].is_title:
            j -= 1
        capitalised = sum(1 for t in doc[start:j] if t.is_title)
        if capitalised >= 2 and j - start <= 6 and all(s != start for s, _ in people):
            people.append((start, j))
    out: list[tuple[int, int, str, str, str | None]] = []
    covered: set[int] = set()
    for s, e in people:
        span = doc[s:e]
        out.append((span.start_char, span.end_char, span.text, "PERSON", None))
        covered.update(range(s, e))
    for ent in ents:
        if any(i in covered for i in range(ent.start, ent.end)):
            continue
        out.append((ent.start_char, ent.end_char, ent.text, ent.label_, ent.ent_id_ or None))
    out.sort()
    return out


def cluster(spans: list[tuple[int, int, str, str, str | None]], separate: set[int] | None = None) -> list[Entity]:
    """Group entity mentions under canonical names; mentions starting at ``separate``
    offsets form their own group under the same name."""
    separate = separate or set()
    groups: dict[tuple[str, bool], list[tuple[int, int, str, str]]] = defaultdict(list)
    person_names: list[str] = []
    pending: list[tuple[int, int, str, str, str]] = []
    for start, end, text, label, canonical in spans:
        if "\n" in text.strip():
            # a name does not cross a line break: the model joined a heading ("MacBook Pro")
            # to the next line ("Pros out there"); the mention is the first line's part
            lead = len(text) - len(text.lstrip())
            text = text[: text.index("\n", lead)]
            end = start + len(text)
        surface = clean_mention(text)
        if not surface or not any(c.isalpha() for c in surface):
            continue
        entry = lexicon.lookup(canonical or surface) if label != "PERSON" else None
        if entry is not None:
            name = entry.canonical
            label = entry.label if label not in {"LOC", "FAC"} or entry.label == "ORG" else label
        else:
            name = surface
        # trim the mention span to the cleaned surface form
        offset = text.find(surface)
        if offset > 0:
            start += offset
        end = start + len(surface) if offset >= 0 else end
        # the mention's text is what its span holds (the cleaned form may differ in spacing)
        pending.append((start, end, surface if offset >= 0 else text, label, name))
        if label == "PERSON":
            person_names.append(name)
    # longest first; among names of one length, the first mentioned (a set here would order
    # "T.J. DiLeo" and "Tony DiLeo" by string hash, which differs from one process to the next)
    full_people = sorted(dict.fromkeys(n for n in person_names if len(name_words(n)) >= 2), key=lambda n: -len(n))
    by_acronym = {acronym(n): n for _, _, _, lbl, n in pending if lbl == "ORG" and len(name_words(n)) >= 2}
    for start, end, surface, label, name in pending:
        if (label == "PERSON" and len(name_words(name)) == 1) or label == "PERSON":
            name = _link_person(name, full_people)
        elif label == "ORG" and surface.isupper() and surface in by_acronym:
            name = by_acronym[surface]
        elif label in RELABEL_AS_PERSON and lexicon.lookup(surface) is None:
            # the small model often labels a surname NORP or ORG ("Klitschko"):
            # when the document names that person in full, it is that person
            linked = _link_person(name, full_people)
            if linked != name:
                name, label = linked, "PERSON"
        groups[(name, start in separate)].append((start, end, surface, label))
    entities: list[Entity] = []
    for (name, _), mentions in groups.items():
        labels = Counter(lbl for *_, lbl in mentions)
        label = (
            "PERSON"
            if labels.get("PERSON", 0) and labels["PERSON"] >= max(labels.values()) / 2
            else labels.most_common(1)[0][0]
        )
        entry = lexicon.lookup(name) if label != "PERSON" else None
        entities.append(
            Entity(
                name=name,
                type=label,
                kb_id=entry.kb_id if entry else None,
                mentions=[Mention(s, e, t) for s, e, t, _ in sorted(mentions)],
            )
        )
    entities.sort(key=lambda e: (-len(e.mentions), e.mentions[0].start))
    return entities


def _link_person(name: str, full_people: list[str]) -> str:
    """The longest full name in the document that this name is part of."""
    words = name_words(name)
    if not words:
        return name
    lowered = [w.lower() for w in words]
    for full in full_people:
        fw = [w.lower() for w in name_words(full)]
        if len(fw) <= len(lowered):
            continue
        # surname(s): the mention is the tail of the full name ("Assad", "de Mistura")
        if fw[-len(lowered) :] == lowered:
            return full
        # first name alone, or first + last ("Barack Obama" in "Barack Hussein Obama")
        if len(lowered) == 1 and fw[0] == lowered[0]:
            return full
        if len(lowered) >= 2 and fw[0] == lowered[0] and fw[-1] == lowered[-1]:
            return full
    return name

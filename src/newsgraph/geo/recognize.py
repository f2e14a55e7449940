"""Finding place mentions: the NER's places, repaired, plus what the small model misses.

News geoparsing corpora (GeoWebNews among them) count as toponyms: names of
countries, regions, towns and natural features; demonyms and adjectives
("Syrian", "Chinese"), kept with their kind; facilities with a proper name
("Florida Atlantic University", "Manila Cathedral"); place names embedded in
organisation names ("The *Washington* Post", "*Toronto* Police"); and datelines
("TORONTO —"). Spans never include a leading "the" or a possessive "'s".

Sources of candidates, in order of trust:

1. NER spans labelled GPE, LOC or FAC, widened to a longer gazetteer name
   ("New" + "Jersey"), cut at a comma or possessive inside them, without
   short acronyms and surnames the model took for places;
2. NORP spans that are demonyms of a country or continent (not religions or parties);
3. ORG spans that name a facility (head noun "University", "Hospital", ...), that
   are a well-known town or region on their own (a football club named after its
   city is still written as the city), or that contain a place name or demonym;
4. PERSON spans that are a gazetteer place and stand where places stand
   ("in Owerri", "Klamath Falls, Oregon");
5. capitalised words outside any entity that are a country, region, town of some
   size (bigger for a single word) or demonym, and all-capital datelines;
6. place names inside the names of events and laws.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..nlp import doc_text
from .gazetteer import Gazetteer, Place, curated, normalize


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


# the kind of a mention
TOPONYM = "toponym"
DEMONYM = "demonym"
FACILITY = "facility"

FACILITY_HEADS = words(
    """university college school academy hospital clinic church cathedral mosque temple synagogue chapel basilica
    center centre stadium arena airport library museum hotel park street road avenue boulevard lane drive way
    court courthouse station prison jail penitentiary mall market square bridge institute racecourse palace
    embassy consulate village estate lagoon theatre theater gardens garden zoo cemetery graveyard hall tower
    building plaza harbour harbor port dam canal lake river mountain mountains island islands beach bay
    valley forest reserve club campus base barracks restaurant inn motel casino metro"""
)
NATURAL_HEADS = words(
    """ocean sea river lake mountains mountain hills valley desert peninsula island islands bay gulf strait
    coast canal basin plateau delta falls sound channel creek forest range"""
)
ADMIN_HEADS = words(
    """county parish province region district borough township oblast governorate prefecture city
    municipality territory"""
)
INSTITUTION_WORDS = words(
    """supreme high federal national state district appeals appellate constitutional international catholic
    anglican methodist orthodox baptist presbyterian lutheran episcopal evangelical roman islamic
    criminal civil magistrates crown family county city municipal circuit superior"""
)
ORG_WORDS = words(
    """post times press police council club fc united city bank chamber department board tribune herald news
    journal star sun gazette mail telegraph observer chronicle university college airport airlines airways
    zoo museum council assembly government ministry court school hospital fire rangers rovers athletic
    wanderers county state party parliament senate police authority agency commission office"""
)
DISEASE_HEADS = words("virus viruses disease diseases fever flu influenza syndrome encephalitis vaccine vaccines")
LOCATIVE = frozenset({"in", "at", "from", "near", "to", "into", "across", "outside", "around", "towards", "toward"})
PREFIXES = ("anti-", "pro-", "ex-", "non-", "pan-", "all-")
_CAMEL = re.compile(r"[a-z][A-Z]")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
DATELINE_END = frozenset({"—", "–", "-", "(", ",", ":", "--"})
MIN_CITY_BARE = 15000  # a town this size may be matched in bare text
MIN_CITY_BARE_WORD = 100000  # ... and as a single word, which is more often a name or a common word
MIN_CITY_ORG = 50000  # ... and inside an organisation's name


def abbreviation_in_lowercase(text: str, p: Place) -> bool:
    """A short alternate name that is an abbreviation ("ACT" for the Australian Capital
    Territory, "WA") matches only as abbreviations are written, in capitals: "Act" of
    "Endangered Species Act" is a word."""
    key = normalize(text)
    return len(key) <= 4 and normalize(p.name) != key and not text.isupper()


@dataclass
class Candidate:
    """A place mention before resolution."""

    start: int
    end: int
    text: str
    kind: str  # TOPONYM | DEMONYM | FACILITY
    source: str  # which rule found it: "ner:GPE", "org-embedded", "bare", ...
    token: int  # index of its first token in the Doc
    demonym_of: Place | None = None
    qualifier: Place | None = None  # the region or country after a comma ("Long Beach, CA")
    inner: bool = False  # resolved through a place named inside it ("Manila Cathedral")
    county: bool = False  # a US county's name: its options are namesake towns and the states that have it


def _trim(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    """Token range without a leading determiner and trailing punctuation or possessive."""
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s", "'"}):
        end -= 1
    return (start, end) if start < end else None


def _char_span(doc: Any, start: int, end: int) -> tuple[int, int, str]:
    s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    text = doc_text(doc)[s:e]
    m = _POSSESSIVE.search(text)
    if m and m.start() > 0:
        e -= len(m.group(0))
        text = text[: m.start()]
    return s, e, text


class Recognizer:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.stop = {normalize(w) for w in curated().get("stop_names") or []}

    # -- gazetteer tests -----------------------------------------------------------------
    def best(self, text: str) -> Place | None:
        places = self.gaz.lookup(text)
        return max(places, key=_prior) if places else None

    def is_major(self, text: str, min_city: int, official: bool = False) -> bool:
        """A country, region, continent or a town of at least ``min_city`` people by this name.

        With ``official``, a town counts only under its own name, not an alternate
        one (alternates include codes and short forms that collide with acronyms).
        """
        key = normalize(text)
        if key in self.stop:
            return False
        for p in self.gaz.lookup_key(key):
            if self.abbreviation_in_lowercase(text, p):
                continue
            if p.feature == "city":
                if len(key) >= 3 and p.population >= min_city and (not official or normalize(p.name) == key):
                    return True
            elif not (text.isupper() and len(text) <= 4) or p.feature in {"country", "continent"}:
                return True
        return False

    abbreviation_in_lowercase = staticmethod(abbreviation_in_lowercase)

    def demonym(self, text: str) -> Place | None:
        key = normalize(text)
        for prefix in PREFIXES:
            if key.startswith(prefix):
                return None  # the caller retries on the bare word
        return self.gaz.demonyms.get(key)

    # -- the passes ------------------------------------------------------------------------
    def find(self, doc: Any) -> list[Candidate]:
        """Every place mention of a parsed document, in text order."""
        out: list[Candidate] = []
        self._extra: list[Candidate] = []
        taken: set[int] = set()  # token indices already inside a candidate
        person_words = {t.lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e}

        def add(start: int, end: int, kind: str, source: str, dem: Place | None = None) -> None:
            if any(i in taken for i in range(start, end)):
                return
            s, e, text = _char_span(doc, start, end)
            if not text or not any(c.isalpha() for c in text):
                return
            taken.update(range(start, end))
            out.append(Candidate(s, e, text, kind, source, start, dem))

        ents = sorted(doc.ents, key=lambda e: e.start)
        for ent in ents:
            label = ent.label_
            span = _trim(doc, ent.start, ent.end)
            if span is None:
                continue
            start, end = span
            text = doc[start:end].text
            if label in {"GPE", "LOC", "FAC"}:
                for k in range(start + 1, end):  # "Manila Cathedral, Cardinal Tagle"; "Notre Dame's Jessica Shepard"
                    if doc[k].text in {",", "’s", "'s", "(", ";"}:
                        end = k
                        break
                self._place_ent(doc, start, end, label, add, person_words)
            elif label in {"NORP", "LANGUAGE"}:
                if label == "NORP" and self.demonym(text) is None and self.is_major(text, 100000, official=True):
                    add(start, end, TOPONYM, "ner:NORP:place")  # "authorities in Tunis"
                else:
                    self._demonyms_in(doc, start, end, add, whole=True, source=f"ner:{label}")
            elif label == "ORG":
                self._org(doc, start, end, text, add)
            elif label == "PERSON":
                self._person(doc, start, end, text, add, person_words)
            elif label in {"EVENT", "LAW"} and end - start > 1:  # titles of works and products rarely name a real place
                # the last word is the name's head ("Act", "Treaty", "Games"), not a place in it,
                # unless a preposition introduces it ("Investment Plan for Europe")
                head_is_place = doc[end - 2].pos_ == "ADP"
                self._embedded(doc, start, end if head_is_place else end - 1, add, f"embedded:{label}")
        in_ents = {i for e in doc.ents for i in range(e.start, e.end)}
        self._bare(doc, add, taken | in_ents)
        out.extend(self._extra)
        out = [c for c in out if not _names_a_disease(doc, c)]
        self._qualifiers(doc, out)
        out.sort(key=lambda c: c.start)
        return out

    def _place_ent(self, doc: Any, start: int, end: int, label: str, add: Any, person_words: set[str]) -> None:
        # widen to a longer gazetteer name ("New" + "Jersey", "Mexico" + "City")
        best = (start, end)
        for s, e in ((start - 1, end), (start, end + 1), (start - 1, end + 1), (start - 2, end)):
            if s < 0 or e > len(doc) or not (doc[s].is_title or doc[s].is_upper) or not doc[e - 1].is_alpha:
                continue
            if doc[s].lower_ in {"the", "a", "an"} or doc[s].is_punct:
                continue
            if not (doc[e - 1].is_title or doc[e - 1].is_upper):
                continue
            if doc[s:e].text in self.gaz and e - s > best[1] - best[0]:
                best = (s, e)
        start, end = best
        if end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].text in {"D.C.", "DC"}:
            add(start, end + 2, TOPONYM, f"ner:{label}:dc")  # "Washington, D.C." is one name
            return
        text = doc[start:end].text
        if doc[end - 1].lower_ in ADMIN_HEADS and end - start >= 2:
            add(start, end, TOPONYM, f"ner:{label}:admin")  # "Suffolk County", "Oaxaca State"
            return
        if end - start == 1 and self._acronym_not_place(text):
            return  # "MoD", "AI": an acronym the model took for a place
        if text in self.gaz:
            if all(self.abbreviation_in_lowercase(text, p) for p in self.gaz.lookup(text)):
                return
            add(start, end, TOPONYM, f"ner:{label}")
            return
        dem = self._strip_demonym(text)
        if dem is not None:
            add(start, end, DEMONYM, f"ner:{label}", dem)
            return
        words = {t.lower_ for t in doc[start:end]}
        if label == "GPE" and end - start == 1 and (words & person_words or not doc[start].is_title):
            return  # a surname the model took for a place ("Buhari said")
        if label == "GPE" and not any(t.is_title or t.is_upper for t in doc[start:end]):
            return
        if label == "GPE" and any(e.label_ == "PERSON" and e.text == text for e in doc.ents):
            return  # no gazetteer place, and the model reads the same name as a person elsewhere ("Wladimir Klitschko")
        kind = FACILITY if label == "FAC" else TOPONYM
        if label == "GPE" and end - start == 1 and doc[start].pos_ != "PROPN":
            return

        add(start, end, kind, f"ner:{label}")

    def _strip_demonym(self, text: str) -> Place | None:
        dem = self.demonym(text)
        if dem is None:
            low = text.lower()
            for prefix in PREFIXES:
                if low.startswith(prefix):
                    return None
        return dem

    def _demonyms_in(self, doc: Any, start: int, end: int, add: Any, whole: bool, source: str) -> None:
        text = doc[start:end].text
        dem = self.demonym(text)
        if dem is not None:
            add(start, end, DEMONYM, source, dem)
            return
        for i in range(start, end):
            tok = doc[i]
            word = tok.text
            for prefix in PREFIXES:
                if word.lower().startswith(prefix) and len(word) > len(prefix):
                    word = word[len(prefix) :]
                    break
            dem = self.demonym(word)
            if dem is not None and word[:1].isupper():
                s = tok.idx + len(tok.text) - len(word)
                e = tok.idx + len(tok.text)
                self._add_chars(doc, add, i, s, e, dem, source)

    def _add_chars(self, doc: Any, add: Any, i: int, s: int, e: int, dem: Place, source: str) -> None:
        # a demonym inside one token ("anti-Russian"): record the characters directly
        if s == doc[i].idx:
            add(i, i + 1, DEMONYM, source, dem)
        else:
            self._extra.append(Candidate(s, e, doc_text(doc)[s:e], DEMONYM, source, i, dem))

    def _org(self, doc: Any, start: int, end: int, text: str, add: Any) -> None:
        head = doc[end - 1].lower_
        if self._org_is_place(text):
            add(start, end, TOPONYM, "ner:ORG:place")
            return
        generic = all(t.lower_ in INSTITUTION_WORDS for t in doc[start : end - 1])
        if head in FACILITY_HEADS and end - start >= 2 and doc[start].is_title and not generic:
            add(start, end, FACILITY, "ner:ORG:facility")
            return
        self._embedded(doc, start, end, add, "embedded:ORG")

    def _acronym_not_place(self, word: str) -> bool:
        short = (word.isupper() and len(word) <= 3 and "." not in word) or (len(word) <= 4 and _CAMEL.search(word))
        if not short:
            return False
        return not any(p.feature in {"country", "admin1", "continent"} for p in self.gaz.lookup(word))

    def _regional(self, text: str) -> bool:
        return any(p.feature != "city" for p in self.gaz.lookup(text))

    def _org_is_place(self, text: str) -> bool:
        """An organisation written as a bare place name ("Liverpool" the club, "EU")."""
        return self.is_major(text, 100000, official=True)

    def _embedded(self, doc: Any, start: int, end: int, add: Any, source: str) -> None:
        i = start
        while i < end:
            matched = False
            for j in range(min(end, i + 4), i, -1):
                span = doc[i:j]
                if not (doc[i].is_title or doc[i].is_upper) or not (doc[j - 1].is_title or doc[j - 1].is_upper):
                    continue
                text = span.text
                if self.is_major(text, MIN_CITY_ORG, official=True) and (doc[i].pos_ == "PROPN" or j - i > 1):
                    if (
                        end - start == j - i + 1
                        and j < end
                        and doc[j].lower_ not in ORG_WORDS
                        and not self._regional(text)
                    ):
                        break  # "Paris Hilton": a town's name as a given name, not "Dubai Police"
                    add(i, j, TOPONYM, source)
                    i, matched = j, True
                    break
                if j == i + 1:
                    dem = self._strip_demonym(text)
                    if dem is not None:
                        add(i, j, DEMONYM, source, dem)
                        i, matched = j, True
                        break
            if not matched:
                i += 1

    def _person(self, doc: Any, start: int, end: int, text: str, add: Any, person_words: set[str]) -> None:
        dem = self.demonym(text)
        if dem is not None:
            add(start, end, DEMONYM, "ner:PERSON:demonym", dem)
            return
        key = normalize(text)
        places = [
            p
            for p in self.gaz.lookup(text)
            if (
                p.feature != "city" or normalize(p.name) == key or end - start > 1 or p.population >= MIN_CITY_BARE_WORD
            )
            and not self.abbreviation_in_lowercase(text, p)
        ]  # one word of a person's name matches a small town only by its own name ("Bush" is not Bushland)
        if not places:
            return
        if end - start == 1 and doc[start].lower_ in person_words:
            return  # "Davis" after "Kim Davis": a surname
        big = any(p.feature != "city" or p.population >= 1000 for p in places)
        prev = doc[start - 1].lower_ if start > 0 else ""
        nxt = doc[end].text if end < len(doc) else ""
        after = doc[end + 1].text if end + 1 < len(doc) else ""
        qualified = (
            nxt == ","
            and end + 1 < len(doc)
            and (doc[end + 1].is_title or doc[end + 1].is_upper)  # "Vitali, is": not a qualifier
            and (after in self.gaz or normalize(after) in self.gaz.us_states)
        )
        cue = prev in LOCATIVE or qualified
        if big and (cue or (end - start >= 2 and any(p.feature != "city" for p in places))):
            add(start, end, TOPONYM, "ner:PERSON:place")

    def _bare(self, doc: Any, add: Any, blocked: set[int]) -> None:
        n = len(doc)
        i = 0
        while i < n:
            tok = doc[i]
            if i in blocked or not (tok.is_title or tok.is_upper) or not tok.is_alpha:
                i += 1
                continue
            dateline = tok.is_upper and len(tok) > 2 and self._is_dateline(doc, i)
            matched = False
            for j in range(min(n, i + 4), i, -1):
                if any(k in blocked for k in range(i, j)):
                    continue
                last = doc[j - 1]
                if not (last.is_title or last.is_upper) or not last.is_alpha:
                    continue
                text = doc[i:j].text
                if dateline and all(t.is_upper for t in doc[i:j]) and self.is_major(text, 1000):
                    add(i, j, TOPONYM, "dateline")
                    i, matched = j, True
                    break
                if tok.is_upper and len(tok) > 3 and not dateline:
                    continue  # shouting headline words are not names
                if j == i + 1:
                    dem = self.demonym(text)
                    if dem is not None and tok.pos_ in {"PROPN", "ADJ", "NOUN"}:
                        add(i, j, DEMONYM, "bare:demonym", dem)
                        i, matched = j, True
                        break
                if any(t.pos_ == "PROPN" for t in doc[i:j]) and self.is_major(
                    text, MIN_CITY_BARE if j - i > 1 else MIN_CITY_BARE_WORD, official=True
                ):
                    if j == i + 1 and tok.is_sent_start and tok.pos_ != "PROPN":
                        continue
                    if j == i + 1 and self._name_goes_on(doc, j):
                        continue  # "Van Wilder", "Forest Service": a word of a longer name
                    add(i, j, TOPONYM, "bare")
                    i, matched = j, True
                    break
            if not matched:
                i += 1

    def _name_goes_on(self, doc: Any, j: int) -> bool:
        """The capitalised word at ``j`` continues the name before it (no punctuation
        between, not a place, not a word that follows place names: "Paris police")."""
        if j >= len(doc) or doc[j - 1].whitespace_ != " ":
            return False
        nxt = doc[j]
        if not nxt.is_title or nxt.pos_ != "PROPN" or nxt.lower_ in ORG_WORDS or nxt.lower_ in ADMIN_HEADS:
            return False
        return not self.is_major(nxt.text, MIN_CITY_BARE_WORD, official=True) and self.demonym(nxt.text) is None

    @staticmethod
    def _is_dateline(doc: Any, i: int) -> bool:
        """All-capital words at the start of a paragraph followed by a dash, comma or "(AP)"."""
        if i > 0 and "\n" not in doc[i - 1].whitespace_ + doc[i - 1].text:
            return False
        j = i
        while j < len(doc) and j < i + 5 and doc[j].is_upper:
            j += 1
        return j < len(doc) and doc[j].text in DATELINE_END

    def _qualifiers(self, doc: Any, found: list[Candidate]) -> None:
        """Note "Town, STATE" and "Town, Country": the second name qualifies the first."""
        by_start = {c.start: c for c in found}
        for c in found:
            if c.kind != TOPONYM:
                continue
            tail = doc_text(doc)[c.end : c.end + 40]
            m = re.match(r",\s*([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)", tail)
            if not m:
                continue
            word = m.group(1)
            start = c.end + m.start(1)
            nxt = by_start.get(start)
            state = self.gaz.us_states.get(normalize(word))
            if state is None and nxt is not None:
                state = self.best(nxt.text)
            if state is not None and state.feature in {"admin1", "country"}:
                c.qualifier = state


def _names_a_disease(doc: Any, c: Candidate) -> bool:
    """A place name that names a disease or its agent ("Lyme disease", "West Nile virus",
    "Rift Valley fever", "Marburg virus") is not a mention of the place."""
    if c.kind == DEMONYM:
        return False
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return False
    return doc[span.end].lower_ in DISEASE_HEADS


def _prior(p: Place) -> float:
    rank = {"continent": 4, "region": 3, "country": 3, "admin1": 2, "city": 0}[p.feature]
    return rank * 1e10 + p.population

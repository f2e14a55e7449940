"""General corrections to the statistical NER's labels, applied by the entities stage.

Teams named after their town, county or state are organisations where the text
uses them as teams (CoNLL-2003 and news alike: "Surrey" the cricket club, "NEW YORK"
the baseball team); a country's name stays a place (national teams are written with
the country's name, and CoNLL-2003 marks them as places). A place name is a team

* anywhere, at the start of a results line followed by a score or a table row
  ("Surrey 326", "NEW YORK 74 59 .556"), or as the other side of a score
  ("Haitai 2 Samsung 0");
* in a sports report (sports words make up a visible share of its words), also when
  followed by a score ("Derbyshire 471"), as the subject of a verb ("Essex reached
  372", "Kent stepped up a gear") or a conjunct of one, the object of "beat",
  "against", "v" ("... beat Somerset"), in a schedule line ("MINNESOTA AT
  MILWAUKEE"), and before a player or role ("Birmingham's Gary Breen", "Surrey
  captain Chris Lewis").

A span the model labelled PERSON (or missed) counts only when its words are a place
name (the gazetteer, or an English "-shire" county), so players' surnames stay people.
Spans are ``(start_char, end_char, text, label, canonical)`` as ``entities.repair``
returns them; :func:`teams` returns the same list with labels corrected and the
missed team names added.
"""

from __future__ import annotations

import re
from typing import Any

from .. import lexicon

Span = tuple[int, int, str, str, str | None]

PLACE_LABELS = frozenset({"GPE", "LOC", "PERSON", "NORP", "FAC"})
OBJECT_CUES = frozenset(
    {"beat", "beats", "beating", "defeated", "defeat", "defeats", "thrashed", "edged", "routed", "downed", "overcame",
     "crushed", "outclassed", "whipped", "blanked", "against", "v", "vs", "vs.", "versus", "over", "dismiss",
     "dismissed", "held", "hosts", "host", "hosted", "play", "played", "face", "faces", "facing", "meet", "meets"}
)  # fmt: skip
ROLE_WORDS = frozenset(
    """captain coach manager player players striker midfielder defender goalkeeper keeper bowler batsman
    all-rounder opener pitcher outfielder catcher forward winger chairman president skipper""".split()  # noqa: SIM905
)
SPORTS_WORDS = frozenset(
    """soccer football cricket baseball basketball rugby hockey tennis golf cycling athletics league division
    innings wickets runs goals goal scored scorers match matches cup championship season standings
    played won drawn draw points striker midfielder goalkeeper coach inning pitcher homer""".split()  # noqa: SIM905
)
_SCORE = re.compile(r"^\d{1,3}(?:-\d{1,3})?$")


NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})  # national teams without an ISO code


def _is_country(text: str) -> bool:
    entry = lexicon.lookup(text)
    return (entry is not None and entry.kb_id.startswith("iso3166")) or text.lower() in NATIONS


SPORTS_SHARE = 0.02  # chosen by 5-fold cross-validation over documents (bench/ner_cv.py)


def is_sports_report(doc: Any) -> bool:
    """Sports words make up at least SPORTS_SHARE of the document's words (and at least three)."""
    words = [t.lower_ for t in doc if t.is_alpha]
    hits = sum(1 for w in words if w in SPORTS_WORDS)
    return hits >= 3 and hits >= SPORTS_SHARE * len(words)


class _PlaceNames:
    """Whether words are a place name; the gazetteer is loaded on first use."""

    def __init__(self) -> None:
        self.gaz: Any = None

    def __call__(self, text: str) -> bool:
        words = text.split()
        if words and words[-1].lower().endswith("shire") and words[-1][:1].isupper():
            return True
        if self.gaz is None:
            from ..geo.gazetteer import load_gazetteer

            self.gaz = load_gazetteer()
        return any(p.feature != "city" or p.population >= 20000 for p in self.gaz.lookup(text))


is_place_name = _PlaceNames()


def teams(doc: Any, spans: list[Span]) -> list[Span]:
    """Relabel as ORG the place-named spans the text uses as teams; add the ones the model missed."""
    sports = is_sports_report(doc)
    out = list(spans)
    covered: set[int] = set()
    person_words = {w.lower() for _, _, t, label, _ in spans if label == "PERSON" and " " in t for w in t.split()}
    for n, (s, e, text, label, canonical) in enumerate(spans):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        covered.update(range(span.start, span.end))
        if label not in PLACE_LABELS or _is_country(text):
            continue
        if label == "PERSON" and (
            (len(span) > 1 and not text.isupper()) or text.lower() in person_words or not is_place_name(text)
        ):
            continue  # a player's name ("Duran" after "Roberto Duran")
        if _team_slot(doc, span.start, span.end, sports):
            out[n] = (s, e, text, "ORG", canonical)
    if sports:
        out.extend(_missed_teams(doc, covered))
        out.sort()
    return out


def _missed_teams(doc: Any, covered: set[int]) -> list[Span]:
    found: list[Span] = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        if i in covered or tok.pos_ != "PROPN" or not (tok.is_title or tok.is_upper) or not tok.is_alpha:
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j - i < 3 and j not in covered and doc[j].pos_ == "PROPN" and doc[j].is_alpha:
            j += 1
        text = doc[i:j].text
        if not _is_country(text) and _team_slot(doc, i, j, True) and is_place_name(text):
            found.append((doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text), text, "ORG", None))
        i = j
    return found


def _line_start(doc: Any, i: int) -> bool:
    return i == 0 or "\n" in doc[i - 1].whitespace_ or doc[i - 1].text.strip() == ""


def _team_slot(doc: Any, i: int, j: int, sports: bool) -> bool:
    nxt = doc[j] if j < len(doc) else None
    prev = doc[i - 1] if i > 0 else None
    score_after = nxt is not None and bool(_SCORE.match(nxt.text))
    if score_after and (_line_start(doc, i) or (prev is not None and _SCORE.match(prev.text))):
        return True  # "Surrey 326 and 23-2", "Haitai 2 Samsung 0", a table row
    if not sports:
        return False
    if score_after:
        return True  # "Derbyshire 471"
    root = doc[i:j].root
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.pos_ in {"VERB", "AUX"}:
        return True  # "Essex reached 372", "Essex, Derbyshire and Surrey all closed in"
    if prev is not None and prev.lower_ in OBJECT_CUES:
        return True  # "... beat Somerset", "against Washington"
    if prev is not None and prev.lower_ == "at" and doc[i].is_upper and i >= 2 and doc[i - 2].is_upper:
        return True  # "MINNESOTA AT MILWAUKEE"
    if nxt is not None and nxt.is_upper and nxt.lower_ == "at" and doc[i].is_upper:
        return True
    if nxt is not None and nxt.lower_ in ROLE_WORDS:
        return True  # "Surrey captain Chris Lewis"
    # "Birmingham's Gary Breen"
    return (
        nxt is not None
        and nxt.text in {"'s", "’s"}
        and j + 1 < len(doc)
        and (doc[j + 1].ent_type_ == "PERSON" or doc[j + 1].lower_ in ROLE_WORDS)
    )


BUSINESS_WORDS = frozenset(
    """shares share stake company firm group bank profit profits earnings revenue revenues sales merger acquisition
    takeover bid deal venture subsidiary unit chairman chief executive stock market trading listed dividend
    results quarter bonds""".split()  # noqa: SIM905
)
PERSON_CUES = frozenset("mr mrs ms dr sir lady lord miss".split())  # noqa: SIM905


def companies(doc: Any, spans: list[Span]) -> list[Span]:
    """A one-word name the model took for a person is a company when it is never
    part of a longer person's name nor after a personal title, and most of its
    sentences talk business ("Pirelli shares
    rose", "Magna was up 1/8")."""
    singles: dict[str, list[int]] = {}
    for n, (_, _, text, label, _) in enumerate(spans):
        if label == "PERSON" and len(text.split()) == 1 and text[:1].isupper():
            singles.setdefault(text, []).append(n)
    if not singles:
        return spans
    full = {w for _, _, text, label, _ in spans if label == "PERSON" and len(text.split()) > 1 for w in text.split()}
    out = list(spans)
    for text, members in singles.items():
        if text in full:
            continue
        business = person = 0
        for n in members:
            span = doc.char_span(spans[n][0], spans[n][1], alignment_mode="expand")
            if span is None:
                continue
            sent = span.sent
            words = {t.lower_ for t in sent}
            business += bool(words & BUSINESS_WORDS)
            prev = doc[span.start - 1].lower_.rstrip(".") if span.start > 0 else ""
            person += prev in PERSON_CUES
        if business and business * 2 >= len(members) and not person:
            for n in members:
                s, e, t, _, canonical = out[n]
                out[n] = (s, e, t, "ORG", canonical)
    return out


def trim_org(doc: Any, spans: list[Span]) -> list[Span]:
    """An organisation's name ends at its last capitalised word ("Interfax news agency"
    is the agency Interfax), and no name ends in a score ("Surrey 429-7")."""
    out = []
    for s, e, text, label, canonical in spans:
        if label in PLACE_LABELS or label == "ORG":
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None and len(span) > 1:
                j = span.end
                while j > span.start + 1 and (
                    (label == "ORG" and doc[j - 1].is_lower and doc[j - 1].is_alpha)
                    or _SCORE.match(doc[j - 1].text)
                    or doc[j - 1].text in {"-", "–", "/"}
                ):
                    j -= 1
                if j < span.end:
                    e = doc[j - 1].idx + len(doc[j - 1].text)
                    text = doc.text[s:e] if hasattr(doc, "text") else text
        out.append((s, e, text, label, canonical))
    return out


LOCATIVE = frozenset({"in", "at", "from", "to", "near", "into", "of"})


def surnames(doc: Any, spans: list[Span]) -> list[Span]:
    """A surname alone is the person the document names in full ("Alexander Lebed" ...
    "Lebed said"): a capitalised proper noun equal to the last word of a longer PERSON
    span becomes a PERSON where the model found nothing, or where it labelled it a
    place or organisation that is not a country or known name and no locative
    preposition comes before it ("MaliVai Washington" ... "Washington beat")."""
    last = {t.split()[-1] for _, _, t, label, _ in spans if label == "PERSON" and len(t.split()) > 1}
    last = {w for w in last if w[:1].isupper() and w.isalpha() and len(w) > 2}
    if not last:
        return spans
    out = []
    covered: set[int] = set()
    for s, e, text, label, canonical in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            covered.update(range(span.start, span.end))
        if (
            text in last
            and label in {"GPE", "LOC", "ORG", "NORP", "FAC", "PRODUCT", "WORK_OF_ART"}
            and lexicon.lookup(text) is None
            and span is not None
            and not (span.start > 0 and doc[span.start - 1].lower_ in LOCATIVE)
        ):
            label = "PERSON"
        out.append((s, e, text, label, canonical))
    for tok in doc:
        if tok.i not in covered and tok.text in last and tok.pos_ == "PROPN" and tok.is_title:
            out.append((tok.idx, tok.idx + len(tok.text), tok.text, "PERSON", None))
    out.sort()
    return out

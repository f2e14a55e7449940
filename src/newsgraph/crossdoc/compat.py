"""When two reports describe the same event: the pairwise rules the merger applies.

Each attribute compares to ``True`` (known in both, agreeing), ``False`` (known in
both, disagreeing) or ``None`` (unknown in one of them). Two reports are compatible
when nothing disagrees and the evidence that does agree is enough: two attributes
known in both and agreeing, one of them an actor (for reports without any actor:
the date and the place). An unknown is compatible with anything only when the rest
agrees. A place inside another (a city and its country) is compatible, not evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# PLOVER types whose two actors play the same part ("A met B" is "B met A")
SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})
# attributes that must positively agree (at least one of them an actor, when both reports name one)
MIN_AGREEING = 2
# the strongest first; "negated" is kept apart and never merges with the others
FACTUALITY_RANK = {"asserted": 0, "future": 1, "possible": 2, "hypothetical": 3}
# place features that contain other places of their country (GeoNames codes or the gazetteer's words)
CONTAINER_FEATURES = ("PCL", "ADM", "COUNTRY", "ADMIN", "REGION", "STATE", "PROVINCE")


@dataclass(frozen=True)
class Report:
    """One event as one article reported it: a row of ``events`` with what merging needs."""

    doc_id: str
    event: int
    story: str  # the story's id, or "doc:<doc_id>" for a document in no story
    code: str
    cameo: str | None = None
    source: str | None = None
    source_name: str | None = None
    target: str | None = None
    target_name: str | None = None
    factuality: str = "asserted"
    date: str | None = None
    place: str | None = None
    place_geonameid: int | None = None
    place_lat: float | None = None
    place_lon: float | None = None
    place_country: str | None = None
    place_feature: str | None = None
    goldstein: float | None = None
    quad_class: int | None = None
    published: str | None = None
    outlet: str | None = None  # the publisher (documents.source, else the URL's host)

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc_id, self.event)


def actor_match(code_a: str | None, code_b: str | None, name_a: str | None, name_b: str | None) -> bool | None:
    """Country and role: ``RUSGOV`` ~ ``RUS`` (a role unknown on one side), ``RUSGOV`` !~ ``RUSMIL``."""
    if code_a and code_b:
        a, b = code_a.upper(), code_b.upper()
        if a == b:
            return True
        if a[:3] != b[:3]:
            return False
        role_a, role_b = a[3:], b[3:]
        return not role_a or not role_b or role_a.startswith(role_b) or role_b.startswith(role_a)
    if name_a and name_b:
        # no code on one side: the same name (or the same last word, "Obama" ~ "Barack Obama") agrees;
        # different names say nothing, as one article names the person and another the office
        last_a, last_b = name_a.lower().split()[-1:], name_b.lower().split()[-1:]
        return True if last_a and last_a == last_b else None
    return None


def _day(value: str | None) -> date | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date_match(a: str | None, b: str | None, within_days: int = 1) -> bool | None:
    """Dates within a day agree; a month or year agrees with the days inside it, as unknown."""
    if not a or not b:
        return None
    day_a, day_b = _day(a), _day(b)
    if day_a and day_b:
        return abs((day_a - day_b).days) <= within_days
    shorter, longer = sorted((a, b), key=len)
    return None if longer.startswith(shorter) else False


def is_container(feature: str | None) -> bool:
    return bool(feature) and str(feature).upper().startswith(CONTAINER_FEATURES)


def place_match(a: Report, b: Report) -> bool | None:
    """The same place (GeoNames id or name) agrees. One containing the other (the same country,
    one of them the country or an administrative division) is compatible but not evidence: None."""
    if not a.place or not b.place:
        return None
    if a.place_geonameid is not None and a.place_geonameid == b.place_geonameid:
        return True
    if a.place_country and b.place_country and a.place_country.upper() != b.place_country.upper():
        return False
    if a.place.lower() == b.place.lower():
        return True
    if a.place_country and b.place_country and (is_container(a.place_feature) or is_container(b.place_feature)):
        return None
    return False


def factuality_group(value: str | None) -> str:
    return "negated" if value == "negated" else "positive"


def _actors(a: Report, b: Report, swap: bool) -> tuple[bool | None, bool | None]:
    if swap:
        return (
            actor_match(a.source, b.target, a.source_name, b.target_name),
            actor_match(a.target, b.source, a.target_name, b.source_name),
        )
    return (
        actor_match(a.source, b.source, a.source_name, b.source_name),
        actor_match(a.target, b.target, a.target_name, b.target_name),
    )


def agreement(a: Report, b: Report) -> int | None:
    """None when the two reports can't be one event; else how many attributes positively agree
    (0 means nothing contradicts them but nothing shows they are the same either)."""
    if a.code != b.code or factuality_group(a.factuality) != factuality_group(b.factuality):
        return None
    when, where = date_match(a.date, b.date), place_match(a, b)
    if when is False or where is False:
        return None
    best: int | None = None
    for swap in (False, True) if a.code in SYMMETRIC else (False,):
        src, tgt = _actors(a, b, swap)
        if src is False or tgt is False:
            continue
        score = sum(x is True for x in (src, tgt, when, where))
        best = score if best is None else max(best, score)
    return best


def has_actor(r: Report) -> bool:
    return bool(r.source or r.target or r.source_name or r.target_name)


def compatible(a: Report, b: Report) -> bool:
    """Whether two reports are the same event (see the module's docstring)."""
    if agreement(a, b) is None:
        return False
    when, where = date_match(a.date, b.date) is True, place_match(a, b) is True
    if not (has_actor(a) and has_actor(b)):
        return when and where
    for swap in (False, True) if a.code in SYMMETRIC else (False,):
        src, tgt = _actors(a, b, swap)
        if src is False or tgt is False or not (src or tgt):
            continue
        if sum(x is True for x in (src, tgt, when, where)) >= MIN_AGREEING:
            return True
    return False


def swapped(a: Report, b: Report) -> bool:
    """Whether ``b`` names ``a``'s actors the other way round (only for symmetric types)."""
    if a.code not in SYMMETRIC:
        return False
    straight, crossed = _actors(a, b, False), _actors(a, b, True)
    if False in crossed:
        return False
    return False in straight or sum(x is True for x in crossed) > sum(x is True for x in straight)

"""Toponym resolution: choosing the gazetteer entry each place mention means.

Each candidate place gets a score from priors and from the document:

* feature type and population: countries, continents and macro-regions first,
  then first-level regions, then towns by size; national capitals get a bonus;
  a region loses to a big town of its own name ("New York", "Moscow",
  "Washington" — the capital unless the context says the state);
* the article's other places: a candidate in a country the article names (or
  that its unambiguous places lie in) gains; one in a region it names gains
  more; one near its unambiguous towns gains; a region that contains a town
  the article names gains (Hangzhou + Zhejiang + China -> Hangzhou, CN);
* an explicit qualifier: "Long Beach, CA", "Perth, Scotland" decides;
* the source's country, when known.

Names repeated in one article are resolved once (one sense per discourse).
Facilities and names the gazetteer lacks take the place named inside them
("Manila Cathedral" -> Manila) or the nearest preceding resolved town.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .gazetteer import Gazetteer, Place, curated, normalize
from .recognize import ADMIN_HEADS, DEMONYM, FACILITY, FACILITY_HEADS, Candidate, words

REGION_CUES = words(
    "central eastern western northern southern upstate downstate rural coastal southeastern southwestern northeastern northwestern"
)
POPULATION_WEIGHT = 1.0
NEAR_BONUS = 1.5
FEATURE_PRIOR = {"continent": 6.0, "region": 5.0, "country": 6.0, "admin1": 3.0, "city": 0.0}
# verbs whose subject, when a country or capital, stands for its government ("Moscow warned")
ACTOR_VERBS = words(
    """say tell warn accuse reject agree sign meet talk negotiate deny announce urge demand threaten respond
    condemn sanction impose retaliate expel recall veto approve refuse insist call ask seek offer propose pledge
    promise vow reach deal criticise criticize blame praise welcome support back oppose invade attack strike
    deploy send withdraw order ban block halt suspend protest claim declare recognise recognize host invite
    announce decide plan want push press lobby join leave boycott deport arrest accept"""
)


@dataclass
class Resolution:
    """A recognised mention and what it was resolved to."""

    cand: Candidate
    place: Place | None
    approximate: bool = False  # the point is the context's, not the name's own
    role: str = "location"  # "location" | "actor" | "adjective"


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


class Resolver:
    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.generic = {normalize(w) for w in curated().get("stop_names") or []}

    def candidates(self, cand: Candidate) -> list[Place]:
        if cand.kind == DEMONYM:
            return [cand.demonym_of] if cand.demonym_of else []
        places = self.gaz.lookup(cand.text)
        if places:
            return places
        state = self.gaz.us_states.get(normalize(cand.text)) if "." in cand.text or cand.text.isupper() else None
        if state is not None:
            return [state]  # "N.J.", "Va."
        states = self.gaz.us_counties.get(normalize(cand.text))
        if states:
            # a US county: its namesake town in one of the states that have such a county,
            # else (marked approximate by the caller) the state
            name = normalize(cand.text.rsplit(" ", 1)[0])
            codes = {(s.cc, s.admin1) for s in states}
            towns = [p for p in self.gaz.lookup_key(name) if p.feature == "city" and (p.cc, p.admin1) in codes]
            cand.inner = not towns
            return towns or states
        words = cand.text.split()
        if len(words) > 1 and words[-1].lower() in ADMIN_HEADS:  # "Suffolk County" -> "Suffolk"
            places = self.gaz.lookup(" ".join(words[:-1]))
        return places

    def inner(self, cand: Candidate) -> list[Place]:
        """The places named inside a facility's name ("Florida Atlantic University" -> Florida)."""
        words = cand.text.replace("’s", "").replace("'s", "").split()
        for n in range(min(4, len(words) - 1), 0, -1):
            for i in range(len(words) - n + 1):
                part = words[i : i + n]
                if not part[0][:1].isupper() or part[-1].lower() in FACILITY_HEADS or part[0].lower() in FACILITY_HEADS:
                    continue
                key = normalize(" ".join(part))
                if key in self.generic:
                    continue
                places = [
                    p
                    for p in self.gaz.lookup_key(key)
                    if p.feature not in {"city"} or (p.population >= 5000 and normalize(p.name) == key)
                ]
                if places:
                    return places
        return []

    def resolve(self, doc: Any, cands: list[Candidate], source_cc: str | None = None) -> list[Resolution]:
        options: list[list[Place]] = []
        for c in cands:
            c.inner = False
            opts = [] if c.kind == FACILITY else self.candidates(c)
            if not opts and c.kind != DEMONYM:
                opts = self.inner(c)
                c.inner = bool(opts)
            options.append(opts)
        # context from the unambiguous mentions
        chosen: list[Place | None] = [opts[0] if len(opts) == 1 else None for opts in options]
        heads = [_head_token(doc, c) for c in cands]
        for _ in range(2):
            context = self._context(chosen, source_cc)
            context["siblings"] = _sibling_features(doc, heads, chosen)
            chosen = self._choose(cands, options, context, heads)
        out = []
        for i, (c, place) in enumerate(zip(cands, chosen, strict=True)):
            approximate = c.inner
            if approximate and place is not None and place.feature in {"admin1", "country"}:
                place = self._town_within(chosen, i, place) or place  # "Cuyahoga County" -> Cleveland
            if place is None:
                place = self._nearest_before(chosen, cands, i, context["countries"])
                approximate = place is not None
            res = Resolution(c, place, approximate)
            if c.kind == DEMONYM:
                res.role = "adjective"
            elif place is not None and not approximate and _is_actor(doc, c, place):
                res.role = "actor"
            out.append(res)
        return out

    def _context(self, chosen: list[Place | None], source_cc: str | None) -> dict[str, Any]:
        countries: Counter[str] = Counter()
        admin1: set[tuple[str, str]] = set()
        points: list[tuple[float, float]] = []
        towns: set[tuple[str, str]] = set()
        for p in chosen:
            if p is None or not p.cc:
                continue
            countries[p.cc] += 1
            if p.feature == "admin1" and p.admin1:
                admin1.add((p.cc, p.admin1))
            if p.feature == "city":
                points.append((p.lat, p.lon))
                if p.admin1:
                    towns.add((p.cc, p.admin1))
        # each town once: scoring looks at every point for every mention (quadratic when repeated)
        points = list(dict.fromkeys(points))
        return {"countries": countries, "admin1": admin1, "points": points, "towns": towns, "source": source_cc}

    def _choose(
        self, cands: list[Candidate], options: list[list[Place]], ctx: dict[str, Any], heads: list[Any]
    ) -> list[Place | None]:
        groups: dict[tuple[str, str], list[int]] = {}
        keys = []
        for i, c in enumerate(cands):
            key = (normalize(c.text), c.qualifier.name if c.qualifier else "")
            keys.append(key)
            groups.setdefault(key, []).append(i)
        decided: dict[tuple[str, str], Place | None] = {}
        for key, members in groups.items():
            c, opts = cands[members[0]], options[members[0]]
            if not opts:
                decided[key] = None
                continue
            if (
                ctx["countries"]
                and c.kind != DEMONYM
                and all(
                    p.feature == "city" and p.population < 5000 and not ctx["countries"].get(p.cc or "") for p in opts
                )
            ):
                decided[key] = None  # only hamlets abroad: a local name the gazetteer lacks
                continue
            if len(opts) == 1:
                decided[key] = opts[0]
                continue
            totals = [0.0] * len(opts)
            for i in members:  # every mention of the name votes, each with its own syntax
                ctx["head"] = heads[i]
                for k, p in enumerate(opts):
                    totals[k] += self.score(p, cands[i], opts, ctx)
            decided[key] = opts[totals.index(max(totals))]
        return [decided[k] for k in keys]

    def score(self, p: Place, c: Candidate, opts: list[Place], ctx: dict[str, Any]) -> float:
        s = FEATURE_PRIOR[p.feature] + POPULATION_WEIGHT * math.log10(p.population + 1)
        key = normalize(c.text)
        if p.feature == "city":
            s += 1.0 if normalize(p.name) == key or p.population >= 1_000_000 else -0.5
            if p.capital:
                s += 2.0
        if p.feature == "admin1" and any(
            o.feature == "city"
            and o.cc == p.cc
            and (o.admin1 == p.admin1 or o.capital)
            and o.population >= 0.05 * max(p.population, 1)
            for o in opts
        ):
            s -= 5.0  # "New York", "Moscow": the town unless the context says the region
        countries: Counter[str] = ctx["countries"]
        if p.cc and countries:
            share = countries.get(p.cc, 0) / sum(countries.values())
            if share:
                s += 1.0 + 2.0 * share
            elif p.feature in {"city", "admin1"}:
                s -= 0.5
            if p.feature == "country" and not countries.get(p.cc) and any(countries.get(o.cc or "") for o in opts):
                s -= 3.0  # "Georgia" in an article about Atlanta
        if p.cc and p.admin1 and (p.cc, p.admin1) in ctx["admin1"] and p.feature == "city":
            s += 3.0
        if p.feature == "admin1" and p.cc and p.admin1 and (p.cc, p.admin1) in ctx["towns"]:
            s += 3.0  # the region contains a town the article names
        if p.feature == "city" and ctx["points"]:
            d = min(haversine(p.lat, p.lon, la, lo) for la, lo in ctx["points"])
            s += NEAR_BONUS if d < 100 else NEAR_BONUS / 2 if d < 400 else 0.0
        head = ctx.get("head")
        if p.feature == "admin1" and head is not None:
            if head.i > 0 and head.doc[head.i - 1].lower_ in REGION_CUES:
                s += 4.0  # "central Washington"
            if "admin1" in ctx["siblings"].get(head.i, ()):
                s += 4.0  # "states such as California or Washington"
        q = c.qualifier
        if q is not None:
            if (q.feature == "admin1" and p.cc == q.cc and p.admin1 == q.admin1) or (
                q.feature == "country" and p.cc == q.cc
            ):
                s += 8.0
            else:
                s -= 3.0
        if ctx["source"] and p.cc == ctx["source"]:
            s += 1.0
        return s

    @staticmethod
    def _town_within(chosen: list[Place | None], i: int, area: Place) -> Place | None:
        """The nearest resolved town (before mention ``i``, else after) inside a region or country."""
        for j in [*range(i - 1, -1, -1), *range(i + 1, len(chosen))]:
            p = chosen[j]
            inside = p is not None and p.cc == area.cc and (area.feature == "country" or p.admin1 == area.admin1)
            if inside and p is not None and p.feature == "city":
                return p
        return None

    @staticmethod
    def _nearest_before(
        chosen: list[Place | None], cands: list[Candidate], i: int, countries: Counter[str]
    ) -> Place | None:
        """The closest resolved town or region before mention ``i`` (else after it), in the article's main country."""
        main = countries.most_common(1)[0][0] if countries else None
        order = [*range(i - 1, -1, -1), *range(i + 1, len(cands))]
        region = fallback = None
        for j in order:
            p = chosen[j]
            if p is None or (main is not None and p.cc != main):
                continue
            if p.feature == "city":
                return p  # "Paris, Texas ... City Hall": the town, not the state
            if p.feature == "admin1" and region is None:
                region = p
            fallback = fallback or p
        return region or fallback


def _head_token(doc: Any, c: Candidate) -> Any:
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _sibling_features(doc: Any, heads: list[Any], chosen: list[Place | None]) -> dict[int, set[str]]:
    """Token index -> features of the places coordinated with it ("California or Washington")."""
    feature_at = {h.i: p.feature for h, p in zip(heads, chosen, strict=True) if h is not None and p is not None}
    out: dict[int, set[str]] = {}
    for h in heads:
        if h is None:
            continue
        linked = [t for t in h.children if t.dep_ in {"conj", "appos"}]
        if h.dep_ in {"conj", "appos"}:
            linked.append(h.head)
            linked.extend(t for t in h.head.children if t.dep_ in {"conj", "appos"} and t.i != h.i)
        feats = {feature_at[t.i] for t in linked if t.i in feature_at}
        if feats:
            out[h.i] = feats
    return out


def _is_actor(doc: Any, c: Candidate, place: Place) -> bool:
    """Metonymy: a country or capital as the subject of a political verb ("Moscow and Washington may reach a deal")."""
    if not (place.feature == "country" or (place.feature == "city" and place.capital)):
        return False
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    tok = span.root
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    if tok.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = tok.head
    if verb.lemma_.lower() in ACTOR_VERBS:
        return True
    return any(child.dep_ in {"xcomp", "ccomp"} and child.lemma_.lower() in ACTOR_VERBS for child in verb.children)

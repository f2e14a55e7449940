"""Reports -> merged events, in memory: the algorithm, with no store in sight.

A :class:`Merger` holds the merged events of some stories indexed by (story, PLOVER
type), so a new report is compared only with the events of its own story and type.
A report joins the merged event it agrees with best (complete link: it must contradict
none of its reports, and be :func:`compatible` with at least one); otherwise it starts
a new one, whose id is a hash of that first report's (doc_id, event index) and stays
the event's id for as long as it has reports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .compat import FACTUALITY_RANK, Report, agreement, compatible, is_container, swapped


def event_id_for(doc_id: str, event: int) -> str:
    """The stable id of a merged event first reported as event ``event`` of ``doc_id``."""
    return "ev" + hashlib.sha1(f"{doc_id}\x1f{event}".encode()).hexdigest()[:16]


@dataclass
class Merged:
    event_id: str
    story: str
    code: str
    reports: list[Report] = field(default_factory=list)


class Merger:
    """Merged events indexed by (story, code); :meth:`add` places one report."""

    def __init__(self, existing: Iterable[Merged] = (), taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)  # ids of merged events not loaded here
        self.index: dict[tuple[str, str], list[Merged]] = {}
        self.by_id: dict[str, Merged] = {}
        for m in existing:
            self._put(m)

    def _put(self, m: Merged) -> None:
        self.index.setdefault((m.story, m.code), []).append(m)
        self.by_id[m.event_id] = m

    def add(self, report: Report) -> Merged:
        best: tuple[int, Merged] | None = None
        for m in self.index.get((report.story, report.code), ()):
            scores = [agreement(report, r) for r in m.reports]
            if any(s is None for s in scores) or not any(compatible(report, r) for r in m.reports):
                continue
            score = max(s for s in scores if s is not None)
            if best is None or score > best[0]:
                best = (score, m)
        if best is not None:
            best[1].reports.append(report)
            return best[1]
        event_id = event_id_for(report.doc_id, report.event)
        while event_id in self.by_id or event_id in self.taken:  # a report re-added after its event kept other reports
            event_id = event_id_for(event_id, report.event)
        m = Merged(event_id, report.story, report.code, [report])
        self._put(m)
        return m


def order(reports: Iterable[Report]) -> list[Report]:
    """Publication order (then document and event index): the order reports are merged in."""
    return sorted(reports, key=lambda r: (r.published or "", r.doc_id, r.event))


def _most(values: Iterable[Any], prefer: Any = None) -> Any:
    """The most frequent non-empty value; ties go to ``prefer(value)`` (largest), then the smallest."""
    counts = Counter(v for v in values if v not in (None, ""))
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], -(prefer(v) if prefer else 0), str(v)))


def summarize(m: Merged) -> dict[str, Any]:
    """The merged_events row of one merged event."""
    founder = m.reports[0]
    reports = [
        replace(r, source=r.target, source_name=r.target_name, target=r.source, target_name=r.source_name)
        if r is not founder and swapped(founder, r)
        else r
        for r in m.reports
    ]
    row: dict[str, Any] = {
        "event_id": m.event_id,
        "story_id": None if m.story.startswith("doc:") else m.story,
        "code": m.code,
    }
    row["cameo"] = _most((r.cameo for r in reports), prefer=len)
    for role in ("source", "target"):
        code = _most((getattr(r, role) for r in reports), prefer=len)
        names = [getattr(r, role + "_name") for r in reports if code is None or getattr(r, role) == code]
        row[role], row[role + "_name"] = code, _most(names)
    full = [r.date for r in reports if r.date and len(r.date) >= 10]
    row["date"] = _most(full or [r.date for r in reports])
    placed = [r for r in reports if r.place]
    specific = [r for r in placed if not is_container(r.place_feature)] or placed
    key = _most((r.place_geonameid or r.place.lower() for r in specific if r.place), prefer=None)
    chosen = next((r for r in specific if (r.place_geonameid or (r.place or "").lower()) == key), None)
    for col in ("place", "place_geonameid", "place_lat", "place_lon", "place_country", "place_feature"):
        row[col] = getattr(chosen, col) if chosen else None
    if any(r.factuality == "negated" for r in reports):
        row["factuality"] = "negated"
    else:
        row["factuality"] = min((r.factuality for r in reports), key=lambda f: FACTUALITY_RANK.get(f, 9))
    scored = [r for r in reports if r.cameo == row["cameo"]] or reports
    row["goldstein"] = next((r.goldstein for r in scored if r.goldstein is not None), None)
    row["quad_class"] = next((r.quad_class for r in scored if r.quad_class is not None), None)
    row["n_reports"] = len(reports)
    row["n_articles"] = len({r.doc_id for r in reports})
    row["n_sources"] = len({r.outlet.lower() for r in reports if r.outlet})
    seen = sorted(r.published for r in reports if r.published)
    row["first_seen"], row["last_seen"] = (seen[0], seen[-1]) if seen else (None, None)
    return row
